package policy

import (
	"encoding/json"
	"maps"
)

// Where records, for an element of the merged policy, which layer it came
// from and its YAML path there, so diagnostics point at the right file
// (Layer.Locate turns it into a file, line and column).
type Where struct {
	Layer int
	Path  string
}

// Origins says where each element of a merged policy came from.
type Origins struct {
	Roles, Params, Tracks, Clocks, Triggers map[string]Where
	// Guards maps "trigger/guard" to where that guard was last defined;
	// GuardExpr to where its expression was last set.
	Guards, GuardExpr map[string]Where
	// AppealClock and Holidays are where those were last set.
	AppealClock, Holidays Where
	// LayerNames names each layer: its policy id, or "default" for the
	// first layer without one, or its source name.
	LayerNames []string
}

// Guard is where guard id of trigger was last defined, or, when no layer
// defined it, fallback.
func (o *Origins) Guard(trigger, id string, fallback Where) Where {
	if w, ok := o.Guards[trigger+"/"+id]; ok {
		return w
	}
	return fallback
}

// Merge overlays each layer on the one before: elements are matched by id
// and overlaid field by field (upsert); scalars set in a later layer win.
// It returns the merged policy and where each element came from.
func Merge(layers []Layer) (Policy, *Origins) {
	o := &Origins{Roles: map[string]Where{}, Params: map[string]Where{}, Tracks: map[string]Where{},
		Clocks: map[string]Where{}, Triggers: map[string]Where{}, Guards: map[string]Where{}, GuardExpr: map[string]Where{}}
	var out Policy
	for li, s := range layers {
		p := s.Policy
		o.LayerNames = append(o.LayerNames, layerName(s, li))
		mergeScalars(&out, p, o, li)
		for i, r := range p.Roles {
			out.Roles = upsert(out.Roles, r, func(x RoleDef) string { return x.ID })
			o.Roles[r.ID] = Where{li, Elem("$.roles", i)}
		}
		for i, r := range p.Parameters {
			out.Parameters = upsert(out.Parameters, r, func(x Parameter) string { return x.ID })
			o.Params[r.ID] = Where{li, Elem("$.parameters", i)}
		}
		for i, r := range p.Tracks {
			out.Tracks = upsert(out.Tracks, r, func(x TrackDef) string { return x.ID })
			o.Tracks[r.ID] = Where{li, Elem("$.tracks", i)}
		}
		for i, r := range p.Clocks {
			out.Clocks = upsert(out.Clocks, r, func(x ClockDef) string { return x.ID })
			o.Clocks[r.ID] = Where{li, Elem("$.clocks", i)}
		}
		for i, r := range p.Triggers {
			out.Triggers = upsert(out.Triggers, r, func(x TriggerDef) string { return x.ID })
			o.Triggers[r.ID] = Where{li, Elem("$.triggers", i)}
			for j, g := range r.Guards {
				gw := Where{li, Elem(Elem("$.triggers", i)+".guards", j)}
				o.Guards[r.ID+"/"+g.ID] = gw
				if g.Expr != "" {
					o.GuardExpr[r.ID+"/"+g.ID] = gw
				}
			}
		}
	}
	return out, o
}

// mergeScalars merges layer li's scalar fields and plain lists into out.
func mergeScalars(out *Policy, p Policy, o *Origins, li int) {
	if p.ID != "" {
		out.ID = p.ID
	}
	if p.Title != "" {
		out.Title = p.Title
	}
	if p.Version != "" {
		out.Version = p.Version
	}
	if p.AppealClock != "" {
		out.AppealClock = p.AppealClock
		o.AppealClock = Where{li, "$.appeal_clock"}
	}
	out.AllowBelowStatutoryFloor = out.AllowBelowStatutoryFloor || p.AllowBelowStatutoryFloor
	out.Waivers = append(out.Waivers, p.Waivers...)
	out.Acknowledge = append(out.Acknowledge, p.Acknowledge...)
	if len(p.Holidays) > 0 {
		out.Holidays = p.Holidays
		o.Holidays = Where{li, "$.holidays"}
	}
	out.EvidenceKinds = unionStrings(out.EvidenceKinds, p.EvidenceKinds)
	out.DecisionKinds = unionStrings(out.DecisionKinds, p.DecisionKinds)
}

func layerName(s Layer, i int) string {
	if s.Policy.ID != "" {
		return s.Policy.ID
	}
	if i == 0 {
		return "default"
	}
	return s.Name
}

// upsert overlays v on the element of list with the same id, field by
// field: every field the overlay sets replaces the base's, lists of guards
// merge by guard id (same id replaces, a new id is added), and a field the
// overlay leaves out keeps the base's value. An element with a new id is added.
func upsert[T any](list []T, v T, id func(T) string) []T {
	for i := range list {
		if id(list[i]) == id(v) {
			list[i] = overlayFields(list[i], v)
			return list
		}
	}
	return append(list, v)
}

func overlayFields[T any](base, over T) T {
	var bm, om map[string]any
	bb, _ := json.Marshal(base)
	ob, _ := json.Marshal(over)
	if json.Unmarshal(bb, &bm) != nil || json.Unmarshal(ob, &om) != nil {
		return over
	}
	for k, v := range om {
		if m, ok := v.(map[string]any); v == nil || v == "" || (ok && len(m) == 0) {
			continue // a field the overlay left out (no omitempty on it)
		}
		if k == "guards" {
			bm[k] = mergeByID(bm[k], v)
			continue
		}
		bm[k] = v
	}
	out, _ := json.Marshal(bm)
	var res T
	if json.Unmarshal(out, &res) != nil {
		return over
	}
	return res
}

func mergeByID(base, over any) any {
	bl, _ := base.([]any)
	ol, _ := over.([]any)
	out := append([]any(nil), bl...)
	for _, o := range ol {
		om, _ := o.(map[string]any)
		replaced := false
		for i, b := range out {
			if bm, _ := b.(map[string]any); bm != nil && om != nil && bm["id"] == om["id"] {
				out[i] = amendGuard(bm, om)
				replaced = true
			}
		}
		if !replaced {
			out = append(out, o)
		}
	}
	return out
}

// amendGuard overlays the guard over on base field by field: a field over
// sets replaces base's, reasons merge language by language, and a field
// over leaves out keeps base's (so a layer can add a Welsh reason without
// restating the expression). Disabled: true switches the guard off.
func amendGuard(base, over map[string]any) map[string]any {
	out := maps.Clone(base)
	for k, v := range over {
		if v == nil || v == "" {
			continue
		}
		if k == "reasons" {
			if bm, _ := base[k].(map[string]any); bm != nil {
				if om, _ := v.(map[string]any); om != nil {
					m := maps.Clone(bm)
					maps.Copy(m, om)
					v = m
				}
			}
		}
		out[k] = v
	}
	return out
}

func unionStrings(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string{}, a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
