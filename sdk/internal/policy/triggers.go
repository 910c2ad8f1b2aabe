package policy

import "strings"

// TrackOf is the track of a trigger id ("ehc" of "ehc.requested"): a
// trigger's id is "track.event".
func TrackOf(id string) string {
	tk, _, _ := strings.Cut(id, ".")
	return tk
}

// EffectsOf lists a trigger's effects: its own, then each branch's.
func EffectsOf(td TriggerDef) []Effects {
	out := make([]Effects, 0, 1+len(td.Branches))
	out = append(out, td.Effects)
	for _, b := range td.Branches {
		out = append(out, b.Effects)
	}
	return out
}

// StartsOf lists the clocks a trigger may start, on any branch.
func StartsOf(td TriggerDef) []ClockRef {
	var out []ClockRef
	for _, eff := range EffectsOf(td) {
		out = append(out, eff.Start...)
	}
	return out
}

// DecisionsOf lists the appealable decisions a trigger may record, on any
// branch.
func DecisionsOf(td TriggerDef) []string {
	var out []string
	for _, eff := range EffectsOf(td) {
		if eff.Decision != "" {
			out = append(out, eff.Decision)
		}
	}
	return out
}
