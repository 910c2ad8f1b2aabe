package sdk

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// releasedV2 is the lifecycle v2 default as first released, before the
// R46 age limit by setting: its age_limit is the further education date.
const releasedV2 = "3b8910f04b3cca82f168b905c9f15efccbfebed14b63416e6b0a350c8a027621"

// A plan taken on under the released v2 default keeps its age_limit date
// when the current default fires on (a running clock keeps the date it
// was given), verifies and replays; facts given later are worked out
// again under R46(1) as it now reads.
func TestAgeLimitRecordedUnderReleasedV2FiresOn(t *testing.T) {
	old := released(releasedV2)
	require.NotNil(t, old, "the released v2 default compiles")
	cur, err := Default()
	require.NoError(t, err)
	require.NotEqual(t, old.PolicyHash(), cur.PolicyHash(), "the default has changed since v2 was released")

	facts := Facts{ID: "rel-46", LA: "kent", Child: Child{DateOfBirth: "2001-10-15", Post25Setting: "apprenticeship", ApprenticeshipEnd: "2027-12-20"}}
	o, err := old.Fire(old.NewCase(facts), Firing{Trigger: "plan.transferred_in", Actor: "la_officer", At: "2026-09-07", Data: map[string]any{"from_la": "surrey"}})
	require.NoError(t, err)
	assert.Equal(t, "2027-07-31", o.Case.Clocks["age_limit"].Due, "released v2 knew only the further education date")

	rep := cur.Verify(o.Case)
	require.True(t, rep.OK, rep.Reason)
	o, err = cur.Fire(o.Case, Firing{Trigger: "plan.transfer_notice_sent", Actor: "la_officer", At: "2026-09-14"})
	require.NoError(t, err)
	assert.Equal(t, "2027-07-31", o.Case.Clocks["age_limit"].Due, "a running clock keeps its date")
	o, err = cur.Fire(o.Case, Firing{Trigger: "plan.phase_transfer_set", Actor: "la_officer", At: "2026-09-21",
		Data: map[string]any{"transfer_year": 2027.0}, Facts: map[string]any{"child": map[string]any{"apprenticeship_end": "2027-12-21"}}})
	require.NoError(t, err)
	assert.Equal(t, "2027-10-14", o.Case.Clocks["age_limit"].Due, "new facts: worked out again, the day before the 26th birthday")

	rep = cur.Verify(o.Case)
	require.True(t, rep.OK, rep.Reason)
	re, err := cur.Replay(*o.Case.Origin, o.Case.History)
	require.NoError(t, err)
	assert.Equal(t, o.Case.Clocks, re.Clocks)
	assert.False(t, old.Verify(o.Case).OK, "released v2 does not know the later events' policy")
}

// mapOverlay adds a map field without an enum to support.plan_agreed.
const mapOverlay = "id: dates\ntriggers:\n  - id: support.plan_agreed\n    payload:\n      - {name: dates, type: map}\n"

// A map payload field holds at most MaxMapEntries entries, each a date;
// past the cap, or with a value that is not a date, it is invalid_input at
// the field. What is recorded reads back the same after a JSON round trip.
func TestMapFieldCap(t *testing.T) {
	e, err := Compile(PolicySource{Name: "dates.yaml", Data: []byte(mapOverlay)})
	require.NoError(t, err)
	c := e.NewCase(Facts{Evidence: []string{"personalised_plan"}})
	c = fireAll(t, e, c, Firing{Trigger: "support.concern_raised", Actor: "senco", At: "2026-01-05"},
		Firing{Trigger: "support.placed", Actor: "senco", At: "2026-01-06"})
	dates := func(n int) map[string]any {
		m := map[string]any{}
		for i := 0; i < n; i++ {
			m[fmt.Sprintf("item_%d", i)] = "2026-02-01"
		}
		return m
	}
	o, err := e.Fire(c, Firing{Trigger: "support.plan_agreed", Actor: "senco", At: "2026-01-07", Data: map[string]any{"dates": dates(MaxMapEntries)}})
	require.NoError(t, err, "a map at the cap")
	b, err := json.Marshal(o)
	require.NoError(t, err)
	var back Outcome
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, o.Event, back.Event, "the event reads back the same")

	_, err = e.Fire(c, Firing{Trigger: "support.plan_agreed", Actor: "senco", At: "2026-01-07", Data: map[string]any{"dates": dates(MaxMapEntries + 1)}})
	require.Equal(t, CodeInvalidInput, AsError(err).Code, "one past the cap")
	assert.Equal(t, "/data/dates", AsError(err).Pointer)
	assert.Contains(t, AsError(err).Message, fmt.Sprint(MaxMapEntries))

	for _, bad := range []any{"2026-02-01", []any{"2026-02-01"}, map[string]any{"a": "1 February"}, map[string]any{"a": 3.0}} {
		_, err = e.Fire(c, Firing{Trigger: "support.plan_agreed", Actor: "senco", At: "2026-01-07", Data: map[string]any{"dates": bad}})
		require.Error(t, err, "%v", bad)
		assert.Equal(t, CodeInvalidInput, AsError(err).Code, "%v", bad)
		assert.Equal(t, "/data/dates", AsError(err).Pointer, "%v", bad)
	}
}

// recompute and due_from are checked when the policy compiles.
func TestRecomputeAndDueFromAreChecked(t *testing.T) {
	for name, overlay := range map[string]string{
		"recompute without before":  "id: r\nclocks:\n  - {id: support_review, recompute: true}\n",
		"recompute reading data":    "id: r\nclocks:\n  - {id: post16_transfer, recompute: true}\n",
		"due_from not a map":        "id: r\ntriggers:\n  - id: dispute.mediation_concluded\n    effects:\n      start: [{clock: agreement_action, if_field: agreement, if_item: other, due_from: la_party}]\n",
		"due_from without if_item":  "id: r\ntriggers:\n  - id: dispute.mediation_concluded\n    effects:\n      start: [{clock: agreement_action, due_from: agreed_due}]\n",
		"not_before_at on a string": "id: r\ntriggers:\n  - id: support.plan_agreed\n    payload:\n      - {name: s, type: string, not_before_at: true}\n",
	} {
		_, err := Compile(PolicySource{Name: "r.yaml", Data: []byte(overlay)})
		require.Error(t, err, name)
		se := AsError(err)
		require.NotEmpty(t, se.Problems, name)
		found := false
		for _, p := range se.Problems {
			found = found || strings.Contains(p.Message, "recompute") || strings.Contains(p.Message, "due_from") || strings.Contains(p.Message, "not_before_at")
		}
		assert.True(t, found, "%s: %v", name, se.Problems)
	}
}

// A date of birth corrected after the plan was made can put the R46 date
// before the age_limit clock started: the limit had already passed, so the
// clock is due on its first day (never before it) and the plan can be
// ceased at once. Found by the random walks.
func TestAgeLimitRecomputedBeforeItsStart(t *testing.T) {
	e, err := Default()
	require.NoError(t, err)
	c := e.NewCase(Facts{ID: "r46-late", LA: "kent", Child: Child{DateOfBirth: "2003-10-15"}})
	o, err := e.Fire(c, Firing{Trigger: "plan.transferred_in", Actor: "la_officer", At: "2026-09-07", Data: map[string]any{"from_la": "surrey"}})
	require.NoError(t, err)
	require.Equal(t, "2029-07-31", o.Case.Clocks["age_limit"].Due)
	o, err = e.Fire(o.Case, Firing{Trigger: "plan.transfer_notice_sent", Actor: "la_officer", At: "2026-09-14",
		Facts: map[string]any{"child": map[string]any{"date_of_birth": "2000-10-15"}}})
	require.NoError(t, err)
	cl := o.Case.Clocks["age_limit"]
	assert.Equal(t, "2026-09-07", cl.Due, "the limit (31 July 2026) had passed when the clock started")
	assert.Equal(t, "2026-09-07", cl.StartedAt)
	rep, err := e.Clocks(o.Case, "2026-09-15")
	require.NoError(t, err)
	for _, st := range rep.Clocks {
		if st.Key == "age_limit" {
			assert.Equal(t, ClockEnded, st.Status, "the window ended on its first day")
		}
	}
	o, err = e.Fire(o.Case, Firing{Trigger: "plan.age_limit_reached", Actor: "la_officer", At: "2026-09-15"})
	require.NoError(t, err)
	assert.Equal(t, "ceased", o.Case.States["plan"])
	b, err := json.Marshal(o.Case)
	require.NoError(t, err)
	var back Case
	require.NoError(t, json.Unmarshal(b, &back))
	require.True(t, e.Verify(back).OK)
}
