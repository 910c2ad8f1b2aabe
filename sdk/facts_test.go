package sdk_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// Every bad field of a firing's data and facts is reported, each with its
// own JSON pointer, so a portal can mark every field of a form at once.
func TestInvalidInputNamesEveryBadField(t *testing.T) {
	e := engine(t)
	c := fire(t, e, newCase(e), "support.concern_raised", "parent", "2026-01-05", nil).Case
	before, err := json.Marshal(c)
	require.NoError(t, err)
	_, err = e.Fire(c, sdk.Firing{Trigger: "support.placed", Actor: "senco", At: "2026-01-06",
		Data: map[string]any{"need_areas": []any{"semh", "bogus"}, "neeed_areas": 1},
		Facts: map[string]any{
			"la":       5,
			"colour":   "red",
			"evidence": []any{"sdq", "crayon_drawing"},
			"child":    map[string]any{"date_of_brith": "2016-03-02", "year_group": 2.5},
		}})
	var se *sdk.Error
	require.True(t, errors.As(err, &se), "want *sdk.Error, got %v", err)
	assert.Equal(t, sdk.CodeInvalidInput, se.Code)
	var ptrs []string
	for _, p := range se.Problems {
		ptrs = append(ptrs, p.Pointer)
		assert.NotEmpty(t, p.Message, p.Pointer)
	}
	assert.ElementsMatch(t, []string{"/data/need_areas", "/data/neeed_areas", "/facts/child/date_of_brith",
		"/facts/child/year_group", "/facts/colour", "/facts/evidence/1", "/facts/la"}, ptrs)
	assert.Equal(t, se.Problems[0].Pointer, se.Pointer, "the error's own pointer is its first problem's")
	after, err := json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after), "the case passed to Fire is unchanged")

	// A required field missing and a null fact.
	_, err = e.Fire(newCase(e), sdk.Firing{Trigger: "hnf.considered", Actor: "school", At: "2026-01-06",
		Facts: map[string]any{"district": nil, "child": map[string]any{"date_of_birth": "2016-02-30"}}})
	require.True(t, errors.As(err, &se))
	ptrs = nil
	for _, p := range se.Problems {
		ptrs = append(ptrs, p.Pointer)
	}
	assert.ElementsMatch(t, []string{"/data/annual_provision_cost", "/facts/child/date_of_birth", "/facts/district"}, ptrs)

	// Good facts still merge: evidence is appended, the child's fields merge.
	o, err := e.Fire(c, sdk.Firing{Trigger: "support.placed", Actor: "senco", At: "2026-01-06",
		Facts: map[string]any{"evidence": []any{"sdq"}, "child": map[string]any{"year_group": 5}}})
	require.NoError(t, err)
	assert.Equal(t, []string{"sdq"}, o.Case.Evidence)
	assert.Equal(t, 5, *o.Case.Child.YearGroup)
	assert.Equal(t, "2016-03-02", o.Case.Child.DateOfBirth)
}
