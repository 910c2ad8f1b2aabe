package behaviour

import (
	"context"
	"maps"
	"reflect"
	"sort"

	"github.com/sendflow/sendflow/internal/randomwalk"
	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/policy"
)

// The family roles: a parent and a young person use their rights
// themselves; a right marked by_others counts for every role.
var familyRoles = map[string]bool{"parent": true, "young_person": true}

// comparer holds what the base policy says is statutory, and what has been
// found so far.
type comparer struct {
	base, cand         *sdk.Engine
	opt                Options
	baseName, candName string
	triggers           map[string]sdk.TriggerDef
	tracks             map[string]bool            // statutory tracks
	clocks             map[string]sdk.ClockDef    // statutory clocks
	family             map[string]map[string]bool // family-right trigger -> roles it counts for
	roles              []string                   // every role in family, sorted
	found              map[string]*Difference
	dropped            int
}

func newComparer(base, cand *sdk.Engine, opt Options) *comparer {
	p := base.Policy()
	k := &comparer{base: base, cand: cand, opt: opt, baseName: name(base), candName: name(cand),
		triggers: map[string]sdk.TriggerDef{}, clocks: map[string]sdk.ClockDef{},
		family: map[string]map[string]bool{}, found: map[string]*Difference{}}
	for _, c := range p.Clocks {
		if c.Statutory {
			k.clocks[c.ID] = c
		}
	}
	k.tracks = statutoryTracks(p, k.clocks)
	roles := map[string]bool{}
	for _, t := range p.Triggers {
		k.triggers[t.ID] = t
		if t.FamilyRight == nil {
			continue
		}
		k.family[t.ID] = map[string]bool{}
		for _, r := range t.Roles {
			if t.FamilyRight.ByOthers || familyRoles[r] {
				k.family[t.ID][r], roles[r] = true, true
			}
		}
	}
	for r := range roles {
		k.roles = append(k.roles, r)
	}
	sort.Strings(k.roles)
	return k
}

// name is how messages name a policy.
func name(e *sdk.Engine) string {
	if e.PolicyID() == "default" {
		return "the default policy"
	}
	return "policy " + e.PolicyID()
}

// statutoryTracks lists the tracks of p the law governs. A track's own
// Statutory mark is used when the policy has one (TrackDef may grow such
// a field); otherwise a track is statutory when one of its triggers is a
// family right, records an appealable decision or starts a statutory clock.
func statutoryTracks(p sdk.Policy, clocks map[string]sdk.ClockDef) map[string]bool {
	out := map[string]bool{}
	for _, td := range p.Tracks {
		if f := reflect.ValueOf(td).FieldByName("Statutory"); f.IsValid() && f.Kind() == reflect.Bool && f.Bool() {
			out[td.ID] = true
		}
	}
	if len(out) > 0 {
		return out
	}
	statutory := func(eff sdk.Effects) bool {
		if eff.Decision != "" {
			return true
		}
		for _, r := range eff.Start {
			if _, ok := clocks[r.Clock]; ok {
				return true
			}
		}
		return false
	}
	for _, t := range p.Triggers {
		hit := t.FamilyRight != nil || statutory(t.Effects)
		for _, b := range t.Branches {
			hit = hit || statutory(b.Effects)
		}
		if hit {
			out[policy.TrackOf(t.ID)] = true
		}
	}
	return out
}

// isFamily reports whether actor firing t uses a family right.
func (k *comparer) isFamily(trigger, actor string) bool { return k.family[trigger][actor] }

// journey is one journey's place, for the example of a difference.
type journey struct {
	idx      int
	seed     int64
	step     int
	states   map[string]string
	trail    []Firing
	reported map[string]bool // differences already seen on this journey
}

// journey walks journey i under base, firing every step base accepts
// under the candidate too.
func (k *comparer) journey(ctx context.Context, i int, rep *Report) {
	seed := k.opt.seed(i)
	w := randomwalk.New(k.base, randomwalk.Rand(seed))
	bc := w.NewCase()
	cc := k.cand.NewCase(bc.Facts)
	j := &journey{idx: i, seed: seed, reported: map[string]bool{}}
	rep.Journeys++
	accepted := 0
	for step := 1; step <= k.opt.Steps && ctx.Err() == nil; step++ {
		st := w.Next(bc)
		rep.Steps++
		bo, err := k.base.FireContext(ctx, bc, st.Firing)
		if err != nil {
			continue
		}
		f := Firing{Trigger: st.Firing.Trigger, Actor: st.Firing.Actor, At: st.Firing.At}
		j.step, j.states = step, bc.States
		co, err := k.cand.FireContext(ctx, cc, st.Firing)
		if err != nil {
			if ctx.Err() == nil && !k.refused(j, f, err) {
				rep.Diverged++
			}
			return
		}
		k.compareClocks(j, f, bc, cc, bo.Case, co.Case)
		k.compareDecisions(j, f, bo.Case, co.Case, bo.Event.Seq)
		j.trail = append(j.trail, f)
		accepted++
		if k.permittedDue(accepted, bc.States, bo.Case.States) {
			k.comparePermitted(ctx, j, bo.Case, co.Case, f.At)
		}
		bc, cc = bo.Case, co.Case
	}
}

func (k *comparer) permittedDue(accepted int, before, after map[string]string) bool {
	switch n := k.opt.PermittedEvery; {
	case n < 0:
		return false
	case n == 0:
		return !maps.Equal(before, after)
	default:
		return accepted%n == 0
	}
}

// add records d with its example, once per journey and once overall (the
// first example is kept; later ones are counted).
func (k *comparer) add(j *journey, d Difference, f Firing, trail []Firing) {
	key := string(d.Kind) + "\x00" + d.Trigger + "\x00" + d.Actor + "\x00" + d.Clock + "\x00" + d.Decision
	// On one journey a clock is reported once, by the step that first
	// showed the difference: later steps only carry it along.
	jkey := key
	if d.Clock != "" {
		jkey = string(d.Kind) + "\x00\x00\x00" + d.Clock
	}
	if j.reported[jkey] {
		return
	}
	j.reported[jkey] = true
	if old, ok := k.found[key]; ok {
		old.Count++
		return
	}
	if len(k.found) >= MaxDifferences {
		k.dropped++
		return
	}
	d.Count = 1
	d.Example = Example{Journey: j.idx, Seed: j.seed, Step: j.step, Firing: f, States: maps.Clone(j.states),
		Trail: append([]Firing{}, trail...)}
	k.found[key] = &d
}
