package sdk_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// Every documented cap (docs/reliability.md) at the cap and one past it.

// fabricated is a case whose history has n made-up events (Fire does not
// re-check old events; Replay and Verify do), the last on 2026-01-01.
func fabricated(e *sdk.Engine, n int, data map[string]any) sdk.Case {
	c := e.NewCase(sdk.Facts{ID: "big"})
	c.History = make([]sdk.Event, n)
	for i := range c.History {
		c.History[i] = sdk.Event{Seq: i + 1, At: "2026-01-01T00:00:00Z", Actor: "senco", Trigger: "support.concern_raised", Data: data}
	}
	return c
}

func limitErr(t *testing.T, err error, pointer string) {
	t.Helper()
	require.Error(t, err)
	se := sdk.AsError(err)
	assert.Equal(t, sdk.CodeLimitExceeded, se.Code, "%v", err)
	assert.Equal(t, pointer, se.Pointer)
	assert.Contains(t, se.Message, "the limit is")
}

func TestLimitHistory(t *testing.T) {
	e := engine(t)
	f := sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-02-02"}
	o, err := e.Fire(fabricated(e, sdk.MaxHistory-1, nil), f)
	require.NoError(t, err, "one below the cap fires")
	require.Len(t, o.Case.History, sdk.MaxHistory)
	_, err = e.Fire(o.Case, sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-02-03"})
	limitErr(t, err, "/history")

	over := fabricated(e, sdk.MaxHistory+1, nil)
	_, err = e.Fire(over, f)
	limitErr(t, err, "/history")
	_, err = e.Permitted(over, "parent", "2026-02-02")
	limitErr(t, err, "/history")
	_, err = e.Clocks(over, "2026-02-02")
	limitErr(t, err, "/history")
	_, err = e.Replay(*over.Origin, over.History)
	limitErr(t, err, "/history")
	r := e.Verify(over)
	assert.False(t, r.OK)
	assert.Contains(t, r.Reason, "the limit is")

	// At the cap Replay reads the history (and finds these events made up).
	atCap := fabricated(e, sdk.MaxHistory, nil)
	_, err = e.Replay(*atCap.Origin, atCap.History)
	assert.Equal(t, sdk.CodeHistoryMismatch, codeOf(err))
}

func TestLimitCaseBytes(t *testing.T) {
	e := engine(t)
	// Events of about 60 kB each; pad the last so the case is exactly at the cap.
	data := map[string]any{"note": strings.Repeat("x", 60000)}
	per := sdk.CaseBytes(fabricated(e, 2, data)) - sdk.CaseBytes(fabricated(e, 1, data))
	n := sdk.MaxCaseBytes / per
	sized := func(total int) sdk.Case {
		c := fabricated(e, n, data)
		rest := total - sdk.CaseBytes(c)
		c.History[n-1].Data = map[string]any{"note": strings.Repeat("x", 60000+rest)}
		require.Equal(t, total, sdk.CaseBytes(c))
		return c
	}
	f := sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-02-02"}
	c := sized(sdk.MaxCaseBytes)
	_, err := e.Clocks(c, "2026-02-02")
	require.NoError(t, err, "a case at the cap is read")
	_, err = e.Permitted(c, "parent", "2026-02-02")
	require.NoError(t, err)
	assert.NotContains(t, e.Verify(c).Reason, "the limit is", "Verify reads it (and finds the events made up)")
	// Fire refuses what would take the case past the cap: its outcome
	// would be a case nothing accepts.
	_, err = e.Fire(c, f)
	limitErr(t, err, "/history")
	// A firing whose outcome is exactly at the cap is made.
	small := fabricated(e, 1, data)
	o, err := e.Fire(small, f)
	require.NoError(t, err)
	grows := sdk.CaseBytes(o.Case) - sdk.CaseBytes(small)
	o, err = e.Fire(sized(sdk.MaxCaseBytes-grows), f)
	require.NoError(t, err, "an outcome at the cap")
	assert.Equal(t, sdk.MaxCaseBytes, sdk.CaseBytes(o.Case))
	_, err = e.Fire(sized(sdk.MaxCaseBytes-grows+1), f)
	limitErr(t, err, "/history")

	c = sized(sdk.MaxCaseBytes + 1)
	_, err = e.Fire(c, f)
	limitErr(t, err, "/history")
	_, err = e.Permitted(c, "parent", "2026-02-02")
	limitErr(t, err, "/history")
	_, err = e.Clocks(c, "2026-02-02")
	limitErr(t, err, "/history")
	r := e.Verify(c)
	assert.False(t, r.OK)
	assert.Contains(t, r.Reason, "the limit is")
	// Replay is given the history alone, which is counted on its own.
	note := c.History[n-1].Data["note"].(string)
	c.History[n-1].Data = map[string]any{"note": strings.Repeat("x", len(note)+sdk.MaxCaseBytes+1-sdk.HistoryBytes(c.History))}
	require.Equal(t, sdk.MaxCaseBytes+1, sdk.HistoryBytes(c.History))
	_, err = e.Replay(*c.Origin, c.History)
	limitErr(t, err, "/history")

	// Every part of the case counts, not only the history: facts, origin,
	// clocks and decisions (here the origin's and the facts' evidence).
	big := e.NewCase(sdk.Facts{ID: strings.Repeat("i", sdk.MaxIdentifierLen)})
	big.History = c.History[:n-1]
	base := sdk.CaseBytes(big)
	assert.Greater(t, base, sdk.HistoryBytes(big.History)+2*sdk.MaxIdentifierLen)
}

func TestLimitEvidence(t *testing.T) {
	e := engine(t)
	ev := make([]string, sdk.MaxEvidence)
	for i := range ev {
		ev[i] = "sdq"
	}
	c := e.NewCase(sdk.Facts{Evidence: ev})
	o, err := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-02-02"})
	require.NoError(t, err, "a case at the cap fires")
	_, err = e.Fire(o.Case, sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-02-03",
		Facts: map[string]any{"evidence": []any{"sdq"}}})
	limitErr(t, err, "/facts/evidence")

	c.Evidence = append(c.Evidence, "sdq")
	_, err = e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-02-02"})
	limitErr(t, err, "/evidence")
	_, err = e.Clocks(c, "2026-02-02")
	limitErr(t, err, "/evidence")
}

func TestLimitPayloadBytes(t *testing.T) {
	e := engine(t)
	c := e.NewCase(sdk.Facts{})
	// data: the field plus an unknown padding field, sized exactly.
	data := func(size int) map[string]any {
		d := map[string]any{"annual_provision_cost": 7500, "pad": ""}
		d["pad"] = strings.Repeat("p", size-sdk.CanonSize(d))
		require.Equal(t, size, sdk.CanonSize(d))
		return d
	}
	_, err := e.Fire(c, sdk.Firing{Trigger: "hnf.considered", Actor: "school", At: "2026-02-02", Data: data(sdk.MaxPayloadBytes)})
	require.Error(t, err)
	assert.Equal(t, sdk.CodeInvalidInput, codeOf(err), "at the cap the payload is read (and its unknown field refused)")
	_, err = e.Fire(c, sdk.Firing{Trigger: "hnf.considered", Actor: "school", At: "2026-02-02", Data: data(sdk.MaxPayloadBytes + 1)})
	limitErr(t, err, "/data")

	// facts: {"id":"..."} as JSON, exactly. At the cap they are read (and
	// the id, longer than MaxIdentifierLen, refused: a case's id is capped).
	facts := func(size int) map[string]any { return map[string]any{"id": strings.Repeat("i", size-len(`{"id":""}`))} }
	_, err = e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-02-02", Facts: facts(sdk.MaxPayloadBytes)})
	require.Error(t, err)
	assert.Equal(t, sdk.CodeInvalidInput, codeOf(err), "facts at the cap are read")
	assert.Equal(t, "/facts/id", sdk.AsError(err).Pointer)
	_, err = e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-02-02", Facts: facts(sdk.MaxPayloadBytes + 1)})
	limitErr(t, err, "/facts")
}

func TestLimitStringsAndLists(t *testing.T) {
	e := engine(t)
	c := fire(t, e, e.NewCase(sdk.Facts{}), "ehc.requested", "parent", "2026-01-05", nil).Case
	c = fire(t, e, c, "ehc.decided_to_assess", "la_officer", "2026-02-02", nil).Case
	// A draft plan must name no school: a name at the length cap is read
	// (and refused by the guard), one past it is refused as input.
	_, err := e.Fire(c, sdk.Firing{Trigger: "ehc.draft_issued", Actor: "la_officer", At: "2026-03-02",
		Data: map[string]any{"named_school": strings.Repeat("s", sdk.MaxStringLength)}})
	assert.Equal(t, sdk.CodeGuardFailed, codeOf(err))
	_, err = e.Fire(c, sdk.Firing{Trigger: "ehc.draft_issued", Actor: "la_officer", At: "2026-03-02",
		Data: map[string]any{"named_school": strings.Repeat("s", sdk.MaxStringLength+1)}})
	assert.Equal(t, sdk.CodeInvalidInput, codeOf(err))
	assert.Equal(t, "/data/named_school", sdk.AsError(err).Pointer)

	s := fire(t, e, e.NewCase(sdk.Facts{}), "support.concern_raised", "senco", "2026-01-05", nil).Case
	list := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = "semh"
		}
		return out
	}
	_, err = e.Fire(s, sdk.Firing{Trigger: "support.placed", Actor: "senco", At: "2026-01-06", Data: map[string]any{"need_areas": list(sdk.MaxListItems)}})
	assert.NoError(t, err, "a list at the cap")
	_, err = e.Fire(s, sdk.Firing{Trigger: "support.placed", Actor: "senco", At: "2026-01-06", Data: map[string]any{"need_areas": list(sdk.MaxListItems + 1)}})
	assert.Equal(t, sdk.CodeInvalidInput, codeOf(err))
	assert.Equal(t, "/data/need_areas", sdk.AsError(err).Pointer)

	// Identifiers: a trigger or role name past the cap is never looked up.
	long := strings.Repeat("a", sdk.MaxIdentifierLen+1)
	_, err = e.Fire(c, sdk.Firing{Trigger: long, Actor: "parent", At: "2026-03-02"})
	assert.Equal(t, sdk.CodeUnknownTrigger, codeOf(err))
	_, err = e.Fire(c, sdk.Firing{Trigger: "ehc.withdrawn", Actor: long, At: "2026-03-02"})
	assert.Equal(t, sdk.CodeNotAuthorised, codeOf(err))
}

func TestLimitPolicyBytes(t *testing.T) {
	policy := func(size int) []byte {
		head := "id: big\n# "
		return []byte(head + strings.Repeat("x", size-len(head)-1) + "\n")
	}
	require.Len(t, policy(sdk.MaxPolicyBytes), sdk.MaxPolicyBytes)
	_, err := sdk.Compile(sdk.PolicySource{Name: "big.yaml", Data: policy(sdk.MaxPolicyBytes)})
	require.NoError(t, err, "a policy at the cap compiles")
	_, err = sdk.Compile(sdk.PolicySource{Name: "big.yaml", Data: policy(sdk.MaxPolicyBytes + 1)})
	require.Error(t, err)
	se := sdk.AsError(err)
	assert.Equal(t, sdk.CodeLimitExceeded, se.Code)
	assert.Contains(t, se.Message, fmt.Sprint(sdk.MaxPolicyBytes))
}
