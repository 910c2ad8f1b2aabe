package sdk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// Check letters and digits worked by hand.
func TestUPNAndULNChecks(t *testing.T) {
	// H801200001001: 8*2 + 0*3 + 1*4 + 2*5 + 0*6 + 0*7 + 0*8 + 0*9 + 1*10 + 0*11 + 0*12 + 1*13 = 53;
	// 53 mod 23 = 7, the eighth check letter (A-H): H.
	assert.True(t, sdk.ValidUPN("H801200001001"))
	assert.False(t, sdk.ValidUPN("G801200001001"), "wrong check letter")
	assert.Equal(t, "H", sdk.UPNCheckLetter("801200001001"))
	// A temporary UPN ends in a letter: A is 0, so ...00A sums 53 - 13 = 40; 40 mod 23 = 17:
	// A B C D E F G H J K L M N P Q R T U (I, O, S unused): U.
	assert.True(t, sdk.ValidUPN("U80120000100A"))
	assert.False(t, sdk.ValidUPN("U8012000010I0"), "a letter only in the last place")
	assert.False(t, sdk.ValidUPN("H80120000100"), "12 characters")
	// 1234567899: 1*10+2*9+3*8+4*7+5*6+6*5+7*4+8*3+9*2 = 210; 210 mod 11 = 1; 10 - 1 = 9.
	assert.True(t, sdk.ValidULN("1234567899"))
	assert.False(t, sdk.ValidULN("1234567898"))
	assert.False(t, sdk.ValidULN("123456789"))
	assert.Equal(t, "CT16 1AA", sdk.NormalisePostcode(" ct161aa"))
	assert.Equal(t, "SW1A 2AA", sdk.NormalisePostcode("SW1A 2AA"))
	assert.Equal(t, "", sdk.NormalisePostcode("CT16 1A"))
	assert.Equal(t, "", sdk.NormalisePostcode("QT16 1AA"), "Q never starts a postcode")
}

func personFiring(at string, person map[string]any) sdk.Firing {
	return sdk.Firing{Trigger: "plan.person_details_recorded", Actor: "la_officer", At: at,
		Facts: map[string]any{"person": person}}
}

// Person details merge over time: a placement gets its leaving date from a
// later firing, by its id; the case verifies and survives a JSON round trip.
func TestPersonDetailsMerge(t *testing.T) {
	e := engine(t)
	c := newCase(e)
	o, err := e.Fire(c, personFiring("2026-01-05", map[string]any{
		"surname": "Testperson", "forename": "Ada", "sex": "F", "ethnicity": "WBRI", "postcode": "ct16 1aa",
		"upn": "H801200001001", "sen_need": map[string]any{"primary": "ASD"},
		"placements": map[string]any{"p1": map[string]any{"urn": "118000", "rank": 1, "entry_date": "2025-09-03", "named_in_plan": true}},
	}))
	require.NoError(t, err)
	o, err = e.Fire(o.Case, personFiring("2026-03-02", map[string]any{
		"sen_need":   map[string]any{"secondary": "SLCN"},
		"placements": map[string]any{"p1": map[string]any{"leaving_date": "2026-02-27"}, "p2": map[string]any{"setting": "EHE", "rank": 1, "entry_date": "2026-03-02"}},
	}))
	require.NoError(t, err)
	p := o.Case.Person
	require.NotNil(t, p)
	assert.Equal(t, "Ada", p.Forename)
	assert.Equal(t, sdk.SENNeed{Primary: "ASD", Secondary: "SLCN"}, *p.SENNeed)
	assert.Equal(t, sdk.Placement{URN: "118000", Rank: 1, EntryDate: "2025-09-03", LeavingDate: "2026-02-27", NamedInPlan: true}, p.Placements["p1"])
	assert.Equal(t, "EHE", p.Placements["p2"].Setting)
	require.True(t, e.Verify(o.Case).OK)
	b, err := json.Marshal(o.Case)
	require.NoError(t, err)
	var back sdk.Case
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, o.Case.Person, back.Person)
	require.True(t, e.Verify(back).OK)
}

// Bad person details are refused field by field, and no message or pointer
// quotes a value (every value is personal data).
func TestPersonDetailsRefusedWithoutEcho(t *testing.T) {
	e := engine(t)
	_, err := e.Fire(newCase(e), personFiring("2026-01-05", map[string]any{
		"surname": markerName + string(make([]byte, 100)), "sex": "X", "ethnicity": "Quartermain", "postcode": "Elm Road",
		"upn": "A801200001001", "uln": "1234567898", "upn_unknown": "UN11", "plan_start_date": markerDOB + "x",
		"transfer_la": "kent", "sen_need": map[string]any{"primary": "ASD", "secondary": "ASD"},
		"placements": map[string]any{"Amelia Quartermain": map[string]any{"urn": "12345", "ukprn": "1", "setting": "XX", "rank": 3,
			"entry_date": "2026-02-01", "leaving_date": "2026-01-01"}},
	}))
	var se *sdk.Error
	require.True(t, errors.As(err, &se), "%v", err)
	assert.Equal(t, sdk.CodeInvalidInput, se.Code)
	var ptrs []string
	for _, p := range se.Problems {
		ptrs = append(ptrs, p.Pointer)
	}
	assert.ElementsMatch(t, []string{"/facts/person/surname", "/facts/person/sex", "/facts/person/ethnicity", "/facts/person/postcode",
		"/facts/person/upn", "/facts/person/uln", "/facts/person/upn_unknown", "/facts/person/plan_start_date",
		"/facts/person/transfer_la", "/facts/person/sen_need/secondary",
		"/facts/person/placements/urn", "/facts/person/placements/ukprn", "/facts/person/placements/setting",
		"/facts/person/placements/rank", "/facts/person/placements/leaving_date"}, ptrs)
	assert.Empty(t, leak(err))
	for _, v := range []string{"Elm Road", "A801200001001", "1234567898", "kent"} {
		assert.NotContains(t, fmt.Sprint(se.Problems), v)
	}
	// An unknown person detail is named by its key, not its value.
	_, err = e.Fire(newCase(e), personFiring("2026-01-05", map[string]any{"nickname": markerName}))
	require.True(t, errors.As(err, &se))
	assert.Empty(t, leak(err))
}

// MaxPlacements: 20 placements are held, 21 refused with limit_exceeded;
// MaxPersonText: a 100-byte surname is held, 101 bytes refused.
func TestLimitPersonDetails(t *testing.T) {
	e := engine(t)
	_, err := e.Fire(newCase(e), personFiring("2026-01-05", map[string]any{"surname": strings.Repeat("a", sdk.MaxPersonText)}))
	require.NoError(t, err)
	_, err = e.Fire(newCase(e), personFiring("2026-01-05", map[string]any{"surname": strings.Repeat("a", sdk.MaxPersonText+1)}))
	require.Error(t, err)
	pls := func(n int) map[string]any {
		m := map[string]any{}
		for i := 0; i < n; i++ {
			m[fmt.Sprintf("p%d", i)] = map[string]any{"setting": "OLA", "rank": 1, "entry_date": "2026-01-01"}
		}
		return m
	}
	o, err := e.Fire(newCase(e), personFiring("2026-01-05", map[string]any{"placements": pls(sdk.MaxPlacements)}))
	require.NoError(t, err)
	require.Len(t, o.Case.Person.Placements, sdk.MaxPlacements)
	_, err = e.Fire(o.Case, personFiring("2026-01-06", map[string]any{"placements": map[string]any{"extra": map[string]any{"setting": "OLA"}}}))
	var se *sdk.Error
	require.True(t, errors.As(err, &se), "%v", err)
	require.NotEmpty(t, se.Problems)
	assert.Equal(t, "limit_exceeded", string(se.Problems[0].Code))
	assert.Equal(t, "/facts/person/placements", se.Problems[0].Pointer)
}
