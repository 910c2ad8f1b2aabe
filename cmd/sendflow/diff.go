package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/behaviour"
)

// change is one difference an overlay makes to the default.
type change struct {
	// Op is "added", "changed", "removed" (a guard switched off) or "disabled" (a track).
	Op string `json:"op"`
	// Kind is role, parameter, track, clock, trigger, guard or policy.
	Kind string `json:"kind"`
	// ID names the element ("trigger/guard" for a guard).
	ID string `json:"id"`
	// Fields lists the fields that changed.
	Fields []string `json:"fields,omitempty"`
	// From and To are the old and new values of a changed parameter.
	From any `json:"from,omitempty"`
	To   any `json:"to,omitempty"`
	// Layer is the layer the change came from.
	Layer string `json:"layer,omitempty"`
}

func newDiffCmd(a *app) *cobra.Command {
	var asJSON, behave bool
	var basePaths []string
	var bf behaviourFlags
	cmd := &cobra.Command{
		Use:   "diff [--json] [--base A.yaml]... [--behaviour [--journeys N] [--seed S]] POLICY...",
		Short: "Show what an overlay changes against the default policy",
		Long: `Compile the overlay (its layers: the files given, authority first, each
after the file it extends) and list what it changes against the embedded
default: roles, parameters (old and new value), tracks (added, changed,
disabled), clocks, triggers, and each guard added, replaced or switched
off, with the layer each change came from.

--base A.yaml (repeat it for layers, authority first) compares against
that policy instead of the default: "diff --base A.yaml B.yaml" is A
against B.

--behaviour compares what the two policies do instead of what they say
(docs/behaviour.md): it runs generated journeys under the base (the
default, or --base) and under the overlay and prints each statutory
difference as "behaviour: KIND: message": a family action refused that the
base allows, a statutory step refused, a statutory clock not started,
moved or ended, an appealable decision not recorded. It answers "what do
parents lose if we ship this?" by sampling (--journeys, --steps, --seed):
it can show a loss, not prove there is none. With --json it prints the
report.

Exits 0 when the overlay changes nothing (with --behaviour: no
behavioural difference), 1 when it changes something (like diff(1)), 2
when a file cannot be read, 3 when a policy does not compile.`,
		Example: `  sendflow diff examples/policies/kent/dover.yaml
  sendflow diff --json examples/policies/liverpool.yaml
  sendflow diff --behaviour examples/policies/sefton.yaml
  sendflow diff --behaviour --base examples/policies/kent.yaml examples/policies/kent/dover.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bopt, err := bf.options()
			if err != nil {
				return err
			}
			base, err := compileLayers(a, basePaths)
			if err != nil {
				return err
			}
			over, err := compileLayers(a, args)
			if err != nil {
				return err
			}
			if behave {
				return behaviourDiff(cmd, a, base, over, bopt, asJSON)
			}
			return staticDiff(a, base, over, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the changes as JSON")
	cmd.Flags().BoolVar(&behave, "behaviour", false, "compare behaviour on generated journeys instead of the policy text")
	cmd.Flags().StringArrayVar(&basePaths, "base", nil,
		"the base policy's layers (repeat, authority first; default: the embedded default policy)")
	bf.register(cmd)
	return cmd
}

// staticDiff prints what over changes against base, as text or JSON.
func staticDiff(a *app, base, over *sdk.Engine, asJSON bool) error {
	changes := policyDiff(base, over)
	if asJSON {
		if changes == nil {
			changes = []change{}
		}
		if err := writeJSON(a.stdout, changes); err != nil {
			return fail(exitUsage, err)
		}
	} else {
		for _, c := range changes {
			sign := map[string]string{"added": "+", "changed": "~", "removed": "-", "disabled": "-"}[c.Op]
			line := fmt.Sprintf("%s %s %s %s", sign, c.Kind, c.ID, c.Op)
			if c.Kind == "parameter" && c.Op == "changed" {
				line += fmt.Sprintf(": %v -> %v", c.From, c.To)
			} else if len(c.Fields) > 0 {
				line += ": " + strings.Join(c.Fields, ", ")
			}
			if c.Layer != "" {
				line += "  [" + c.Layer + "]"
			}
			fmt.Fprintln(a.stdout, line)
		}
		if len(changes) == 0 {
			fmt.Fprintln(a.stdout, "no changes")
		}
	}
	if len(changes) > 0 {
		return fail(exitFailed, nil)
	}
	return nil
}

// behaviourDiff prints the behavioural differences of over against base.
func behaviourDiff(cmd *cobra.Command, a *app, base, over *sdk.Engine, opt behaviour.Options, asJSON bool) error {
	rep, err := behaviour.Compare(cmd.Context(), base, over, opt)
	if err != nil {
		return fail(exitFailed, err)
	}
	if asJSON {
		if err := writeJSON(a.stdout, rep); err != nil {
			return fail(exitUsage, err)
		}
	} else {
		writeDifferences(a.stdout, "", &rep)
		n := len(rep.Differences) + rep.Dropped
		what := "no behavioural differences"
		if n > 0 {
			what = fmt.Sprintf("%d behavioural difference(s)", n)
		}
		fmt.Fprintf(a.stdout, "%s: %s against %s in %d journeys (%d firings tried, seed %d; %d ended on local practice)\n",
			what, rep.Candidate, rep.Base, rep.Journeys, rep.Steps, rep.Options.Seed, rep.Diverged)
	}
	if len(rep.Differences) > 0 {
		return fail(exitFailed, nil)
	}
	return nil
}

// asMap is an element as JSON fields.
func asMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

func changedFields(a, b map[string]any, skip ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range skip {
		seen[s] = true
	}
	for _, m := range []map[string]any{a, b} {
		for k := range m {
			if seen[k] {
				continue
			}
			seen[k] = true
			if !reflect.DeepEqual(a[k], b[k]) {
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

func byID[T any](list []T, id func(T) string) (map[string]T, []string) {
	m := map[string]T{}
	var order []string
	for _, x := range list {
		m[id(x)] = x
		order = append(order, id(x))
	}
	return m, order
}

// policyDiff lists what over changes against base, in policy order.
func policyDiff(base, over *sdk.Engine) []change {
	bp, op := base.Policy(), over.Policy()
	var out []change
	simple := func(kind string, bl, ol []map[string]any) {
		bm := map[string]map[string]any{}
		for _, x := range bl {
			bm[fmt.Sprint(x["id"])] = x
		}
		for _, x := range ol {
			id := fmt.Sprint(x["id"])
			b, ok := bm[id]
			layer := over.LayerOf(kind, id)
			switch {
			case !ok:
				out = append(out, change{Op: "added", Kind: kind, ID: id, Layer: layer})
			case kind == "parameter" && !reflect.DeepEqual(b["value"], x["value"]):
				out = append(out, change{Op: "changed", Kind: kind, ID: id, From: b["value"], To: x["value"], Layer: layer})
			case kind == "track" && x["disabled"] == true && b["disabled"] != true:
				out = append(out, change{Op: "disabled", Kind: kind, ID: id, Layer: layer})
			default:
				skip := []string{}
				if kind == "trigger" {
					skip = append(skip, "guards")
				}
				if f := changedFields(b, x, skip...); len(f) > 0 && !(kind == "parameter" && len(f) == 1 && f[0] == "description") {
					out = append(out, change{Op: "changed", Kind: kind, ID: id, Fields: f, Layer: layer})
				}
			}
		}
	}
	maps := func(v any) []map[string]any {
		var out []map[string]any
		rv := reflect.ValueOf(v)
		for i := 0; i < rv.Len(); i++ {
			out = append(out, asMap(rv.Index(i).Interface()))
		}
		return out
	}
	if bp.AllowBelowStatutoryFloor != op.AllowBelowStatutoryFloor {
		out = append(out, change{Op: "changed", Kind: "policy", ID: op.ID, Fields: []string{"allow_below_statutory_floor"}})
	}
	simple("role", maps(bp.Roles), maps(op.Roles))
	simple("parameter", maps(bp.Parameters), maps(op.Parameters))
	simple("track", maps(bp.Tracks), maps(op.Tracks))
	simple("clock", maps(bp.Clocks), maps(op.Clocks))
	simple("trigger", maps(bp.Triggers), maps(op.Triggers))
	// Guards, trigger by trigger.
	bt, _ := byID(bp.Triggers, func(t sdk.TriggerDef) string { return t.ID })
	for _, t := range op.Triggers {
		bg, _ := byID(bt[t.ID].Guards, func(g sdk.GuardDef) string { return g.ID })
		for _, g := range t.Guards {
			id := t.ID + "/" + g.ID
			layer := over.LayerOf("guard", id)
			b, ok := bg[g.ID]
			switch {
			case g.Disabled && ok && !b.Disabled:
				out = append(out, change{Op: "removed", Kind: "guard", ID: id, Layer: layer})
			case g.Disabled:
			case !ok:
				out = append(out, change{Op: "added", Kind: "guard", ID: id, Fields: []string{g.Severity}, Layer: layer})
			default:
				if f := changedFields(asMap(b), asMap(g)); len(f) > 0 {
					out = append(out, change{Op: "changed", Kind: "guard", ID: id, Fields: f, Layer: layer})
				}
			}
		}
	}
	for i := range out {
		if out[i].Kind == "guard" && out[i].Op == "added" && (len(out[i].Fields) == 0 || out[i].Fields[0] == "") {
			out[i].Fields = []string{"block"}
		}
	}
	return out
}
