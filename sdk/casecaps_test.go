package sdk_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// Every part of a case is capped and checked, not only its history.

// freeSourceOverlay has a per-source clock whose source is free text, so
// a case can hold as many of its clocks as firings give sources.
const freeSourceOverlay = `id: freesource
clocks:
  - {id: chase, unit: weeks, length: 2, per_source: true, citation: "local"}
tracks:
  - {id: note, initial: open, states: [{id: open}]}
triggers:
  - id: note.chased
    from: [open]
    roles: [la_officer]
    payload:
      - {name: who, type: string, required: true}
    effects: {start: [{clock: chase, source: who}]}
`

// withinWatchdog fails the test if fn takes more than 10 s (a hang, not a
// timing assertion).
func withinWatchdog(t *testing.T, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("still running after 10 s")
	}
}

func TestLimitClocks(t *testing.T) {
	e := compileOverlay(t, freeSourceOverlay)
	c := e.NewCase(sdk.Facts{})
	for i := 0; i < sdk.MaxClocks-1; i++ {
		o, err := e.Fire(c, sdk.Firing{Trigger: "note.chased", Actor: "la_officer", At: "2026-01-05", Data: map[string]any{"who": fmt.Sprint("g", i)}})
		require.NoError(t, err, "firing %d", i)
		c = o.Case
	}
	o, err := e.Fire(c, sdk.Firing{Trigger: "note.chased", Actor: "la_officer", At: "2026-01-05", Data: map[string]any{"who": "last"}})
	require.NoError(t, err, "an outcome with MaxClocks clocks")
	require.Len(t, o.Case.Clocks, sdk.MaxClocks)
	atCap := o.Case
	assert.True(t, e.Verify(atCap).OK)
	_, err = e.Clocks(atCap, "2026-01-06")
	require.NoError(t, err)
	// One more clock is refused, at the firing and in a stored case.
	_, err = e.Fire(atCap, sdk.Firing{Trigger: "note.chased", Actor: "la_officer", At: "2026-01-05", Data: map[string]any{"who": "one more"}})
	limitErr(t, err, "/clocks")
	over := atCap
	over.Clocks = map[string]sdk.Clock{"chase.x": {ID: "chase", Source: "x", Kind: "duty", StartedAt: "2026-01-05", Due: "2026-01-19", Status: "running"}}
	for k, cl := range atCap.Clocks {
		over.Clocks[k] = cl
	}
	require.Len(t, over.Clocks, sdk.MaxClocks+1)
	_, err = e.Clocks(over, "2026-01-06")
	limitErr(t, err, "/clocks")
	_, err = e.Fire(over, sdk.Firing{Trigger: "note.chased", Actor: "la_officer", At: "2026-01-05", Data: map[string]any{"who": "g1"}})
	limitErr(t, err, "/clocks")
	r := e.Verify(over)
	assert.False(t, r.OK)
	assert.Contains(t, r.Reason, "the limit is")
}

// TestHalfAMillionClocks: a case of made-up clocks is refused before any
// of them is read, in bounded time.
func TestHalfAMillionClocks(t *testing.T) {
	e := engine(t)
	c := e.NewCase(sdk.Facts{ID: "c-1"})
	c.Clocks = make(map[string]sdk.Clock, 500000)
	for i := 0; i < 500000; i++ {
		k := fmt.Sprint("clock", i)
		c.Clocks[k] = sdk.Clock{ID: k, Kind: "duty", StartedAt: "2026-01-05", Due: "2026-01-05", Status: "running"}
	}
	withinWatchdog(t, func() {
		_, err := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
		limitErr(t, err, "/clocks")
		_, err = e.Clocks(c, "2026-01-05")
		limitErr(t, err, "/clocks")
		_, err = e.Permitted(c, "parent", "2026-01-05")
		limitErr(t, err, "/clocks")
		assert.False(t, e.Verify(c).OK)
	})
}

func TestLimitDecisions(t *testing.T) {
	e := engine(t)
	c := fire(t, e, e.NewCase(sdk.Facts{}), "ehc.requested", "parent", "2026-01-05", nil).Case
	c.Decisions = make([]sdk.Decision, sdk.MaxDecisions)
	for i := range c.Decisions {
		c.Decisions[i] = sdk.Decision{Kind: "refusal_to_assess", At: "2026-01-05", Trigger: "ehc.decided_not_to_assess", Seq: 1}
	}
	_, err := e.Clocks(c, "2026-01-06")
	require.NoError(t, err, "a case at the cap is read")
	c.Decisions = append(c.Decisions, c.Decisions[0])
	_, err = e.Clocks(c, "2026-01-06")
	limitErr(t, err, "/decisions")
	_, err = e.Fire(c, sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-01-06"})
	limitErr(t, err, "/decisions")
	assert.False(t, e.Verify(c).OK)
}

// TestCaseStringsAreCapped: a case's id, la and district (and its
// origin's) are at most MaxIdentifierLen bytes.
func TestCaseStringsAreCapped(t *testing.T) {
	e := engine(t)
	for _, field := range []string{"id", "la", "district"} {
		set := func(f *sdk.Facts, n int) {
			s := strings.Repeat("a", n)
			switch field {
			case "id":
				f.ID = s
			case "la":
				f.LA = s
			default:
				f.District = s
			}
		}
		var f sdk.Facts
		set(&f, sdk.MaxIdentifierLen)
		c := e.NewCase(f)
		o, err := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
		require.NoError(t, err, "%s at the cap", field)
		assert.True(t, e.Verify(o.Case).OK)
		set(&f, sdk.MaxIdentifierLen+1)
		c = e.NewCase(f)
		_, err = e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
		limitErr(t, err, "/"+field)
		// Given with a firing, it is a bad value.
		_, err = e.Fire(e.NewCase(sdk.Facts{}), sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05",
			Facts: map[string]any{field: strings.Repeat("a", sdk.MaxIdentifierLen+1)}})
		assert.Equal(t, sdk.CodeInvalidInput, codeOf(err))
		assert.Equal(t, "/facts/"+field, sdk.AsError(err).Pointer)
		// In the origin of a case with a history.
		good := o.Case
		long := *good.Origin
		set(&long, sdk.MaxIdentifierLen+1)
		good.Origin = &long
		_, err = e.Clocks(good, "2026-01-06")
		limitErr(t, err, "/origin/"+field)
	}
}

// TestClockKeysAndValuesAreChecked: a clock's key is its id (id.source
// for a per-source clock, with a source the policy can give), and its
// kind, status, dates, stopping trigger are the policy's.
func TestClockKeysAndValuesAreChecked(t *testing.T) {
	e := engine(t)
	c := fire(t, e, newCase(e, "personalised_plan"), "ehc.requested", "parent", "2026-01-05", nil).Case
	c = fire(t, e, c, "ehc.decided_to_assess", "la_officer", "2026-01-20", nil).Case
	c = fire(t, e, c, "ehc.advice_requested", "la_officer", "2026-01-21", map[string]any{"from": "medical"}).Case
	require.Contains(t, c.Clocks, "ehc_advice.medical")
	require.Contains(t, c.Clocks, "ehc_final_plan")
	_, err := e.Clocks(c, "2026-01-22")
	require.NoError(t, err)
	for name, mend := range map[string]func(m map[string]sdk.Clock){
		"key not the id": func(m map[string]sdk.Clock) { m["other"] = m["ehc_final_plan"]; delete(m, "ehc_final_plan") },
		"a source on a clock without": func(m map[string]sdk.Clock) {
			cl := m["ehc_final_plan"]
			cl.Source = "x"
			m["ehc_final_plan"] = cl
		},
		"per-source key without its source": func(m map[string]sdk.Clock) {
			m["ehc_advice"] = m["ehc_advice.medical"]
			delete(m, "ehc_advice.medical")
		},
		"a source the policy cannot give": func(m map[string]sdk.Clock) {
			cl := m["ehc_advice.medical"]
			cl.Source = "wizard"
			m["ehc_advice.wizard"] = cl
			delete(m, "ehc_advice.medical")
		},
		"a key of another source": func(m map[string]sdk.Clock) {
			m["ehc_advice.parent"] = m["ehc_advice.medical"]
			delete(m, "ehc_advice.medical")
		},
		"bad kind": func(m map[string]sdk.Clock) {
			cl := m["ehc_final_plan"]
			cl.Kind = "window"
			m["ehc_final_plan"] = cl
		},
		"bad status": func(m map[string]sdk.Clock) {
			cl := m["ehc_final_plan"]
			cl.Status = "paused"
			m["ehc_final_plan"] = cl
		},
		"bad stopped_by": func(m map[string]sdk.Clock) {
			cl := m["ehc_final_plan"]
			cl.StoppedAt, cl.StoppedBy = "2026-01-21", "nobody.did"
			m["ehc_final_plan"] = cl
		},
		"long exception": func(m map[string]sdk.Clock) {
			cl := m["ehc_final_plan"]
			cl.Exception = strings.Repeat("e", sdk.MaxStringLength+1)
			m["ehc_final_plan"] = cl
		},
		"invalid UTF-8 exception": func(m map[string]sdk.Clock) {
			cl := m["ehc_final_plan"]
			cl.Exception = "bad\xff"
			m["ehc_final_plan"] = cl
		},
	} {
		bad := c
		bad.Clocks = map[string]sdk.Clock{}
		for k, v := range c.Clocks {
			bad.Clocks[k] = v
		}
		mend(bad.Clocks)
		_, err := e.Clocks(bad, "2026-01-22")
		assert.Equal(t, sdk.CodeInvalidCase, codeOf(err), name)
		_, err = e.Fire(bad, sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-01-22"})
		assert.Equal(t, sdk.CodeInvalidCase, codeOf(err), name)
		assert.False(t, e.Verify(bad).OK, name)
	}
	// At the exception's cap the case is read.
	atCap := c
	atCap.Clocks = map[string]sdk.Clock{}
	for k, v := range c.Clocks {
		atCap.Clocks[k] = v
	}
	cl := atCap.Clocks["ehc_final_plan"]
	cl.Exception = strings.Repeat("e", sdk.MaxStringLength)
	atCap.Clocks["ehc_final_plan"] = cl
	_, err = e.Clocks(atCap, "2026-01-22")
	assert.NoError(t, err)
}

// roundTrip is a host storing the case as JSON and reading it back.
func roundTrip(t *testing.T, c sdk.Case) sdk.Case {
	t.Helper()
	var out sdk.Case
	require.NoError(t, json.Unmarshal([]byte(asJSON(t, c)), &out))
	return out
}

// TestEdgeTimestampsAlwaysVerify: a firing at the edge of the supported
// years (calendar.MinYear..MaxYear) either is refused as invalid_input at
// /at, or its outcome, stored as JSON and read back, is a case Verify,
// Clocks and Permitted accept: the engine never returns a case it cannot
// read back (a time that is another year in UTC, a clock due after 2200).
func TestEdgeTimestampsAlwaysVerify(t *testing.T) {
	e := engine(t)
	edges := []string{
		"2200-12-31", "2200-12-31T23:00:00-05:00", "2200-12-31T23:59:59Z", "2200-12-31T23:59:59.999999999Z",
		"2200-12-31T09:00:00+14:00", "2200-12-31T09:00:00-14:00", "2200-12-31T23:59:60Z", "2200-12-31t10:00:00z",
		"2200-10-31", "2200-08-20", "2200-06-30T23:30:00-14:00", "2200-01-05T10:00:00.5+01:00",
		"1900-01-01", "1900-01-01T00:00:00Z", "1900-01-01T00:00:00+14:00", "1900-01-01T13:59:59+14:00",
		"1900-01-01T14:00:00+14:00", "1900-01-01T00:30:00+01:00", "1900-01-01T00:00:00-14:00", "1900-01-01t00:00:00z",
		"1900-01-01T00:00:00.000000001Z", "1899-12-31T23:00:00-01:00", "2201-01-01T00:30:00+01:00",
	}
	type step struct {
		trig, actor string
		data        map[string]any
	}
	// The school asks: in 2200 the child born in 2016 is long past
	// compulsory school age, and a parent no longer holds the right.
	sequences := [][]step{
		{{"ehc.requested", "school", nil}},
		{{"ehc.requested", "school", nil}, {"ehc.decided_not_to_assess", "la_officer", nil}},
		{{"support.concern_raised", "senco", nil}, {"support.placed", "senco", map[string]any{"need_areas": []any{"semh"}}}},
	}
	accepted, refused := 0, 0
	for _, at := range edges {
		for si, seq := range sequences {
			c := newCase(e, "personalised_plan")
			for i, st := range seq {
				// Earlier steps on the edge's own day, the last at the edge.
				when := at
				if i < len(seq)-1 && strings.HasPrefix(at, "2200") {
					when = "2200-01-05"
				}
				o, err := e.Fire(c, sdk.Firing{Trigger: st.trig, Actor: st.actor, At: when, Data: st.data})
				if err != nil {
					se := sdk.AsError(err)
					assert.Equal(t, sdk.CodeInvalidInput, se.Code, "%s, sequence %d, %s: %v", at, si, st.trig, err)
					assert.Equal(t, "/at", se.Pointer, "%s, sequence %d, %s", at, si, st.trig)
					refused++
					break
				}
				accepted++
				rt := roundTrip(t, o.Case)
				r := e.Verify(rt)
				assert.True(t, r.OK, "%s, sequence %d, %s: %s", at, si, st.trig, r.Reason)
				_, err = e.Clocks(rt, "2200-12-31")
				assert.NoError(t, err, "%s, sequence %d, %s", at, si, st.trig)
				_, err = e.Permitted(rt, "la_officer", "2200-12-31")
				assert.NoError(t, err, "%s, sequence %d, %s", at, si, st.trig)
				c = o.Case
			}
		}
	}
	t.Logf("%d firings accepted, %d refused", accepted, refused)
	// The ones the issue names are refused, and a firing well inside the years is not.
	for _, at := range []string{"2200-12-31T23:00:00-05:00", "2200-12-31", "1900-01-01T00:00:00+14:00"} {
		_, err := e.Fire(newCase(e), sdk.Firing{Trigger: "ehc.requested", Actor: "school", At: at})
		assert.Equal(t, sdk.CodeInvalidInput, codeOf(err), at)
	}
	_, err := e.Fire(newCase(e), sdk.Firing{Trigger: "ehc.requested", Actor: "school", At: "2200-01-05"})
	assert.NoError(t, err)
}

// TestInvalidUTF8IsRefused: the Go API can carry bytes JSON cannot (a
// JSON round trip turns them into U+FFFD, so a hash over them would no
// longer verify). Nothing invalid is ever recorded: a firing carrying it
// is invalid_input at the field (a key is not quoted), a case holding it
// invalid_case.
func TestInvalidUTF8IsRefused(t *testing.T) {
	e := engine(t)
	c := fire(t, e, newCase(e, "personalised_plan"), "ehc.requested", "parent", "2026-01-05", nil).Case
	c = fire(t, e, c, "ehc.decided_to_assess", "la_officer", "2026-01-20", nil).Case
	for _, tc := range []struct {
		f    sdk.Firing
		code sdk.Code
		ptr  string
	}{
		{sdk.Firing{Trigger: "ehc.draft_issued\xff", Actor: "la_officer", At: "2026-02-02"}, sdk.CodeUnknownTrigger, "/trigger"},
		{sdk.Firing{Trigger: "ehc.draft_issued", Actor: "la_officer\xff", At: "2026-02-02"}, sdk.CodeNotAuthorised, "/actor"},
		{sdk.Firing{Trigger: "ehc.draft_issued", Actor: "la_officer", At: "2026-02-02\xff"}, sdk.CodeInvalidInput, "/at"},
		{sdk.Firing{Trigger: "ehc.draft_issued", Actor: "la_officer", At: "2026-02-02", Data: map[string]any{"named_school": "Oak\xff"}}, sdk.CodeInvalidInput, "/data/named_school"},
		{sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-02-02", Data: map[string]any{"re\xffason": "x"}}, sdk.CodeInvalidInput, "/data"},
		{sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-02-02", Data: map[string]any{"list": []any{"ok", map[string]any{"k": "\xc3"}}}}, sdk.CodeInvalidInput, "/data/list/1/k"},
		{sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-02-02", Data: map[string]any{"list": []string{"ok", "\xc3"}}}, sdk.CodeInvalidInput, "/data/list/1"},
		{sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-02-02", Facts: map[string]any{"id": "c\xff"}}, sdk.CodeInvalidInput, "/facts/id"},
		{sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-02-02", Facts: map[string]any{"child": map[string]any{"date_of_birth": "2016-03-02\xff"}}}, sdk.CodeInvalidInput, "/facts/child/date_of_birth"},
		{sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-02-02", Facts: map[string]any{"evidence": []any{"sdq\xff"}}}, sdk.CodeInvalidInput, "/facts/evidence/0"},
		{sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-02-02", Facts: map[string]any{"l\xffa": "kent"}}, sdk.CodeInvalidInput, "/facts"},
	} {
		_, err := e.Fire(c, tc.f)
		require.Error(t, err, "%+v", tc.f)
		se := sdk.AsError(err)
		assert.Equal(t, tc.code, se.Code, "%+v: %v", tc.f, err)
		assert.Equal(t, tc.ptr, se.Pointer, "%+v", tc.f)
		assert.True(t, utf8Valid(se.Error()), "the error itself is valid text")
	}
	// The same firings with valid text are accepted and verify after a round trip.
	o, err := e.Fire(c, sdk.Firing{Trigger: "ehc.draft_issued", Actor: "la_officer", At: "2026-02-02", Data: map[string]any{"named_school": ""}, Facts: map[string]any{"id": "c\u00e9"}})
	require.NoError(t, err)
	assert.True(t, e.Verify(roundTrip(t, o.Case)).OK)

	// A case holding invalid text is invalid_case.
	for name, mend := range map[string]func(c *sdk.Case){
		"id":           func(c *sdk.Case) { c.ID = "c\xff" },
		"la":           func(c *sdk.Case) { c.LA = "kent\xff" },
		"district":     func(c *sdk.Case) { c.District = "\xc3" },
		"origin id":    func(c *sdk.Case) { o := *c.Origin; o.ID = "c\xff"; c.Origin = &o },
		"evidence":     func(c *sdk.Case) { c.Evidence = append(append([]string{}, c.Evidence...), "sdq\xff") },
		"state":        func(c *sdk.Case) { c.States = map[string]string{"ehc": "assessing\xff"} },
		"clock source": func(c *sdk.Case) { c.Clocks = map[string]sdk.Clock{"ehc_final_plan\xff": c.Clocks["ehc_final_plan"]} },
		"clock citation": func(c *sdk.Case) {
			cl := c.Clocks["ehc_final_plan"]
			cl.Citation = "R13\xff"
			c.Clocks = map[string]sdk.Clock{"ehc_final_plan": cl}
		},
	} {
		bad := c
		mend(&bad)
		_, err := e.Fire(bad, sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-02-02"})
		assert.Equal(t, sdk.CodeInvalidCase, codeOf(err), name)
		assert.False(t, e.Verify(bad).OK, name)
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

// TestCaseWithNoHistoryRule: a case with no history is exactly what
// NewCase makes from its origin (no origin: its facts); a case with a
// history has an origin. Each branch, for Fire, Clocks and Verify.
func TestCaseWithNoHistoryRule(t *testing.T) {
	e := engine(t)
	f := sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"}
	check := func(name string, c sdk.Case, ok bool) {
		t.Helper()
		f := f
		if len(c.History) > 0 {
			f = sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-01-06"}
		}
		o, err := e.Fire(c, f)
		_, cerr := e.Clocks(c, "2026-01-05")
		r := e.Verify(c)
		if !ok {
			assert.Equal(t, sdk.CodeInvalidCase, codeOf(err), name)
			assert.Equal(t, sdk.CodeInvalidCase, codeOf(cerr), name)
			assert.False(t, r.OK, name)
			return
		}
		require.NoError(t, err, name)
		assert.NoError(t, cerr, name)
		assert.True(t, r.OK, "%s: %s", name, r.Reason)
		// The outcome records the origin and verifies after a round trip.
		require.NotNil(t, o.Case.Origin, name)
		rt := roundTrip(t, o.Case)
		assert.True(t, e.Verify(rt).OK, name)
	}
	facts := sdk.Facts{ID: "c-1", LA: "kent", Child: sdk.Child{DateOfBirth: "2016-03-02"}, Evidence: []string{"sdq"}}
	check("NewCase", e.NewCase(facts), true)
	check("no origin: the facts are the origin", sdk.Case{Facts: facts}, true)
	check("no origin, states left out or initial", sdk.Case{Facts: facts, States: map[string]string{"ehc": "none"}}, true)
	check("empty clocks and decisions", sdk.Case{Facts: facts, Clocks: map[string]sdk.Clock{}, Decisions: []sdk.Decision{}}, true)

	changed := e.NewCase(facts)
	changed.LA = "sefton"
	check("facts changed after NewCase", changed, false)
	check("a state not initial", sdk.Case{Facts: facts, States: map[string]string{"ehc": "assessing"}}, false)
	withClock := fire(t, e, e.NewCase(facts), "ehc.requested", "parent", "2026-01-05", nil).Case
	check("clocks with no history", sdk.Case{Facts: facts, Clocks: withClock.Clocks}, false)
	check("decisions with no history", sdk.Case{Facts: facts, Decisions: []sdk.Decision{{Kind: "refusal_to_assess", At: "2026-01-05", Trigger: "ehc.decided_not_to_assess", Seq: 1}}}, false)
	noOrigin := withClock
	noOrigin.Origin = nil
	check("a history with no origin", noOrigin, false)
	check("a history with its origin", withClock, true)
}

// Fire orders a firing after the case's last event and chains to it, so
// that event's number and time must be ones the engine wrote: a case whose
// last event's time is garbage, empty, a bare date or not in UTC used to
// fire, and its outcome then failed Verify (found by an adversarial review).
func TestFireRefusesAMalformedLastEvent(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	c := e.NewCase(sdk.Facts{ID: "last", Child: sdk.Child{DateOfBirth: "2016-03-02"}})
	o, err := e.Fire(c, sdk.Firing{Trigger: "support.concern_raised", Actor: "senco", At: "2026-01-05"})
	require.NoError(t, err)
	good := sdk.Firing{Trigger: "support.placed", Actor: "senco", At: "2026-01-06"}
	_, err = e.Fire(o.Case, good)
	require.NoError(t, err, "the untouched case fires")
	for _, at := range []string{"garbage", "", "2026-01-04", "2026-01-05T01:00:00+01:00"} {
		bad := o.Case
		bad.History = append([]sdk.Event(nil), o.Case.History...)
		bad.History[0].At = at
		_, err := e.Fire(bad, good)
		se := sdk.AsError(err)
		require.NotNil(t, se, "%q", at)
		assert.Equal(t, sdk.CodeInvalidCase, se.Code, "%q", at)
		assert.Equal(t, "/history/0/at", se.Pointer, "%q", at)
	}
	bad := o.Case
	bad.History = append([]sdk.Event(nil), o.Case.History...)
	bad.History[0].Seq = 7
	_, err = e.Fire(bad, good)
	assert.Equal(t, sdk.CodeInvalidCase, sdk.AsError(err).Code)
}
