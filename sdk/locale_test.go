package sdk_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// WithLocale is the language of guard reasons when a call names none; a
// call's own locale still wins.
func TestWithLocaleIsTheEnginesDefault(t *testing.T) {
	const welsh, english = "Rhaid cael cynllun personol cyn cytuno ar y cynllun.", "A personalised plan must be held in evidence before the plan is agreed."
	e := compileOverlay(t, welshOverlay)
	cy, err := e.With(sdk.WithLocale("cy-GB"))
	require.NoError(t, err)
	c := e.NewCase(sdk.Facts{})
	c = fire(t, e, c, "support.concern_raised", "senco", "2026-01-05", nil).Case
	c = fire(t, e, c, "support.placed", "senco", "2026-01-06", nil).Case

	reason := func(perms []sdk.Permission, err error) string {
		t.Helper()
		require.NoError(t, err)
		for _, p := range perms {
			if p.Trigger == "support.plan_agreed" {
				assert.Equal(t, sdk.CodeGuardFailed, p.Code)
				return p.Reason
			}
		}
		t.Fatal("no permission for support.plan_agreed")
		return ""
	}
	assert.Equal(t, welsh, reason(cy.Permitted(c, "senco", "2026-01-07")))
	assert.Equal(t, welsh, reason(cy.PermittedContext(context.Background(), c, "senco", "2026-01-07", "")))
	assert.Equal(t, english, reason(cy.PermittedContext(context.Background(), c, "senco", "2026-01-07", "en")))
	assert.Equal(t, english, reason(e.Permitted(c, "senco", "2026-01-07")), "the engine it was derived from is unchanged")

	fired := func(e *sdk.Engine, locale string) string {
		t.Helper()
		_, err := e.Fire(c, sdk.Firing{Trigger: "support.plan_agreed", Actor: "senco", At: "2026-01-07", Locale: locale})
		se := sdk.AsError(err)
		require.Equal(t, sdk.CodeGuardFailed, se.Code)
		return se.Guards[0].Reason
	}
	assert.Equal(t, welsh, fired(cy, ""))
	assert.Equal(t, english, fired(cy, "en"))
	assert.Equal(t, english, fired(e, ""))
}

func TestWithLocaleRefusesAnUnknownLocale(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	_, err = e.With(sdk.WithLocale("fr"))
	require.ErrorIs(t, err, sdk.ErrInvalidInput)
	assert.Contains(t, err.Error(), `unknown locale "fr"`)
	_, err = sdk.CompileWith(nil, sdk.WithLocale("xx-GB"))
	require.ErrorIs(t, err, sdk.ErrInvalidInput)
	for _, l := range append(sdk.Locales(), "", "CY", "cy_GB", "en-GB") {
		_, err := e.With(sdk.WithLocale(l))
		assert.NoError(t, err, "locale %q", l)
	}
}
