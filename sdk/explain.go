package sdk

import (
	"fmt"
	"slices"
)

// LayerOf names the policy layer that last defined an element: kind is
// "role", "parameter", "track", "clock", "trigger" or "guard" (id
// "trigger/guard"). It is empty when the element does not exist.
func (e *Engine) LayerOf(kind, id string) string { return e.p.origins[kind+":"+id] }

// TriggerExplanation says everything a policy makes of one trigger: who may
// fire it, from where to where, what it needs and what it does, and which
// layer each rule came from.
type TriggerExplanation struct {
	Trigger     string   `json:"trigger"`
	Track       string   `json:"track"`
	Disabled    bool     `json:"disabled,omitempty"`
	Description string   `json:"description,omitempty"`
	Layer       string   `json:"layer"`
	From        []string `json:"from"`
	// To is the destination; Branches may choose another.
	To       string            `json:"to,omitempty"`
	Branches []Branch          `json:"branches,omitempty"`
	Roles    []string          `json:"roles"`
	Payload  []FieldDef        `json:"payload,omitempty"`
	Guards   []GuardInfo       `json:"guards,omitempty"`
	Clocks   []ClockEffect     `json:"clocks,omitempty"`
	Decision string            `json:"decision,omitempty"`
	States   map[string]string `json:"set_states,omitempty"`
	Citation string            `json:"citation,omitempty"`
}

// GuardInfo is one guard of a trigger, with the layer it came from.
type GuardInfo struct {
	GuardDef
	Layer string `json:"layer"`
}

// ClockEffect is one clock a trigger starts, stops, cancels, voids or
// excuses, with the clock's definition and its layer.
type ClockEffect struct {
	Effect string   `json:"effect"`
	Branch string   `json:"branch,omitempty"`
	Clock  ClockDef `json:"clock"`
	Source string   `json:"source,omitempty"`
	Layer  string   `json:"layer"`
}

// Explain describes one trigger. An unknown trigger is unknown_trigger.
func (e *Engine) Explain(trigger string) (x TriggerExplanation, err error) {
	defer func() {
		if r := recover(); r != nil {
			x, err = TriggerExplanation{}, &Error{Code: CodeInternal, Message: fmt.Sprintf("explain failed: %v", r)}
		}
	}()
	t := e.p.trigBy[trigger]
	if t == nil || len(trigger) > MaxIdentifierLen {
		var all []string
		for _, x := range e.p.triggers {
			all = append(all, x.def.ID)
		}
		return TriggerExplanation{}, &Error{Code: CodeUnknownTrigger, Message: fmt.Sprintf("unknown trigger %s%s", clip(trigger), suggest(trigger, all)), Pointer: "/trigger"}
	}
	d := t.def
	x = TriggerExplanation{Trigger: d.ID, Track: t.track.def.ID, Disabled: t.track.def.Disabled, Description: d.Description,
		Layer: t.layer, From: d.From, To: d.To, Branches: d.Branches, Roles: d.Roles, Payload: d.Payload,
		Decision: d.Effects.Decision, States: d.Effects.SetStates, Citation: d.Citation}
	for _, g := range t.guards {
		x.Guards = append(x.Guards, GuardInfo{GuardDef: g.def, Layer: g.layer})
	}
	add := func(effect, branch string, refs []ClockRef) {
		for _, r := range refs {
			cs := e.p.clocks[r.Clock]
			if cs == nil {
				continue
			}
			x.Clocks = append(x.Clocks, ClockEffect{Effect: effect, Branch: branch, Clock: cs.def, Source: r.Source, Layer: e.LayerOf("clock", r.Clock)})
		}
	}
	addAll := func(branch string, eff Effects) {
		add("start", branch, eff.Start)
		add("stop", branch, eff.Stop)
		add("cancel", branch, eff.Cancel)
		add("void", branch, eff.Void)
		add("except", branch, eff.Except)
		if eff.Decision != "" && e.p.policy.AppealClock != "" {
			add("start", branch, []ClockRef{{Clock: e.p.policy.AppealClock}})
		}
	}
	addAll("", d.Effects)
	for _, b := range d.Branches {
		w := b.When
		if w == "" {
			w = "otherwise"
		}
		addAll(w, b.Effects)
	}
	x.Clocks = slices.Clip(x.Clocks)
	// A copy: the explanation shares no list or map with the compiled
	// policy, so a caller editing it changes nothing the engine uses.
	return deepCopy(x), nil
}
