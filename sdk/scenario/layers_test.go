package scenario

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func names(srcs []sdk.PolicySource) []string {
	var out []string
	for _, s := range srcs {
		out = append(out, filepath.Base(s.Name))
	}
	return out
}

func TestPolicySourcesFollowExtends(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "la.yaml", "id: la\n")
	d := writeFile(t, dir, "la/district.yaml", "id: district\nextends: ../la.yaml\n")
	srcs, err := PolicySources(d)
	require.NoError(t, err)
	assert.Equal(t, []string{"la.yaml", "district.yaml"}, names(srcs))
	// Naming the authority too does not compile it twice.
	srcs, err = PolicySources(filepath.Join(dir, "la.yaml"), d)
	require.NoError(t, err)
	assert.Equal(t, []string{"la.yaml", "district.yaml"}, names(srcs))

	writeFile(t, dir, "a.yaml", "id: a\nextends: b.yaml\n")
	writeFile(t, dir, "b.yaml", "id: b\nextends: a.yaml\n")
	_, err = PolicySources(filepath.Join(dir, "a.yaml"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cycle")

	_, err = PolicySources(writeFile(t, dir, "gone.yaml", "id: g\nextends: nowhere.yaml\n"))
	require.Error(t, err)
}

func TestExampleDistrictsSitOnKent(t *testing.T) {
	for _, d := range []string{"dover", "thanet"} {
		srcs, err := PolicySources("../../examples/policies/kent/" + d + ".yaml")
		require.NoError(t, err)
		e, err := sdk.Compile(srcs...)
		require.NoError(t, err)
		assert.Equal(t, []string{"default", "kent", "kent_" + d}, e.Layers())
	}
	srcs, err := PolicySources("../../examples/policies/kent/dover.yaml")
	require.NoError(t, err)
	e, err := sdk.Compile(srcs...)
	require.NoError(t, err)
	// Dover meets on Tuesdays: a meeting recorded on a Wednesday is advised on.
	// (lift reaches awaiting_meeting by firings: a case with no history is
	// at its initial states.)
	c := e.NewCase(sdk.Facts{Evidence: []string{"personalised_plan"}})
	for _, f := range []sdk.Firing{
		{Trigger: "lift.referral_started", Actor: "senco", At: "2026-09-01"},
		{Trigger: "lift.consent_recorded", Actor: "parent", At: "2026-09-02", Data: map[string]any{"agreement_to_engage": true}},
	} {
		o, err := e.Fire(c, f)
		require.NoError(t, err, f.Trigger)
		c = o.Case
	}
	require.Equal(t, "awaiting_meeting", c.States["lift"])
	meet := func(at, locale string) []sdk.Warning {
		o, err := e.Fire(c, sdk.Firing{Trigger: "lift.meeting_held", Actor: "lift_chair", At: at, Locale: locale,
			Data: map[string]any{"outcomes": []any{"advice_to_try"}}})
		require.NoError(t, err)
		return o.Warnings
	}
	assert.Empty(t, meet("2026-09-08", ""), "a Tuesday")
	w := meet("2026-09-09", "cy")
	require.Len(t, w, 1)
	assert.Equal(t, "district_meeting_day", w[0].Guard)
	assert.Equal(t, "kent", w[0].Layer)
	assert.Contains(t, w[0].Message, "bob wythnos")
	// Kent's advice to a school asking for an assessment without evidence; none for a parent.
	u := e.NewCase(sdk.Facts{})
	o, err := e.Fire(u, sdk.Firing{Trigger: "ehc.requested", Actor: "school", At: "2026-01-05"})
	require.NoError(t, err)
	require.Len(t, o.Warnings, 1)
	assert.Equal(t, "school_sends_evidence", o.Warnings[0].Guard)
	o, err = e.Fire(u, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	require.NoError(t, err)
	assert.Empty(t, o.Warnings)
}

func TestMemoryLoaderFollowsExtends(t *testing.T) {
	files := map[string][]byte{}
	for _, p := range []string{"kent.yaml", "kent/dover.yaml", "kent/scenarios/dover-lift-to-high-needs-funding.yaml"} {
		b, err := os.ReadFile("../../examples/policies/" + p)
		require.NoError(t, err)
		files["ex/"+p] = b
	}
	load := MemoryLoader(files)
	tgt, err := load("../dover.yaml", "ex/kent/scenarios")
	require.NoError(t, err)
	e := tgt.(*sdk.Engine)
	assert.Equal(t, []string{"default", "kent", "kent_dover"}, e.Layers())
	rep, err := RunSources([]Source{{Path: "ex/kent/scenarios/dover-lift-to-high-needs-funding.yaml", Data: files["ex/kent/scenarios/dover-lift-to-high-needs-funding.yaml"], Explicit: true}}, load)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Passed, "%+v", rep.Results)
	_, err = MemoryPolicySources(files, "ex/missing.yaml")
	assert.Error(t, err)
}
