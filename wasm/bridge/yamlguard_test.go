package bridge

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/internal/hostile"
	"github.com/sendflow/sendflow/sdk"
)

// TestBridgeRefusesHostileYAML: a portal's uploaded policy and scenario
// reach the SDK through the bridge; nested aliases and deep nesting are
// refused there too, quickly.
func TestBridgeRefusesHostileYAML(t *testing.T) {
	policy := "id: lol\nparameters:\n  - id: p\n    value:\n" + hostile.Laughs("      ", 9)
	deep := "id: deep\nparameters: " + strings.Repeat("[", 50_000) + "\n"
	scen := "name: lol\nsteps:\n  - at: 2026-01-05\n    actor: parent\n    trigger: ehc.requested\n    data:\n" + hostile.Laughs("      ", 9)
	for name, req := range map[string]M{
		"compile laughs":  {"op": "compile", "policy": policy},
		"compile deep":    {"op": "compile", "layers": []M{{"name": "deep.yaml", "text": deep}}},
		"scenario laughs": {"op": "run_scenario", "text": scen},
		"scenario deep":   {"op": "run_scenario", "text": "name: deep\nsteps: " + strings.Repeat("[", 50_000) + "\n"},
	} {
		t.Run(name, func(t *testing.T) {
			done := make(chan answer)
			go func() { done <- call(t, New(), req) }()
			select {
			case a := <-done:
				require.False(t, a.OK)
				assert.Contains(t, []sdk.Code{sdk.CodeLimitExceeded, sdk.CodeInvalidInput}, a.Error.Code, "%+v", a.Error)
				assert.Contains(t, a.Error.Message+a.Error.Detail, "limit")
			case <-time.After(10 * time.Second):
				t.Fatal("still running after 10 s")
			}
		})
	}
}
