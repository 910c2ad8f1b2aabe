package docgen_test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/sendflow/sendflow/internal/docgen"
	"github.com/sendflow/sendflow/sdk"
)

var update = flag.Bool("update", false, "rewrite the generated section of docs/lifecycle.md")

const (
	root          = "../.."
	lifecyclePath = root + "/docs/lifecycle.md"
)

// updating is -update or SENDFLOW_UPDATE_DOCS=1 (for runs of several
// packages, where a flag unknown to one of them is an error).
func updating() bool { return *update || os.Getenv("SENDFLOW_UPDATE_DOCS") == "1" }

// docs/lifecycle.md's reference part is generated from the compiled default
// policy: a change to the policy that is not regenerated fails here.
func TestLifecycleDocIsGenerated(t *testing.T) {
	eng, err := sdk.Default()
	if err != nil {
		t.Fatal(err)
	}
	gen, err := docgen.Lifecycle(eng)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(lifecyclePath)
	if err != nil {
		t.Fatal(err)
	}
	want, err := docgen.Splice(string(data), gen)
	if err != nil {
		t.Fatalf("%s: %v", lifecyclePath, err)
	}
	if want == string(data) {
		return
	}
	if updating() {
		if err := os.WriteFile(lifecyclePath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s", lifecyclePath)
		return
	}
	t.Errorf("%s is out of date with the default policy: run go test ./internal/docgen -run TestLifecycleDoc -update", lifecyclePath)
}

// The reference names every track, trigger, clock, role and parameter of
// the default policy, and nothing is written twice.
func TestLifecycleDocIsComplete(t *testing.T) {
	eng, err := sdk.Default()
	if err != nil {
		t.Fatal(err)
	}
	gen, err := docgen.Lifecycle(eng)
	if err != nil {
		t.Fatal(err)
	}
	p := eng.Policy()
	for _, tr := range eng.Tracks() {
		if !strings.Contains(gen, "## Track `"+tr+"`\n") {
			t.Errorf("track %s has no section", tr)
		}
	}
	for _, tr := range p.Triggers {
		if !strings.Contains(gen, "#### `"+tr.ID+"`\n") {
			t.Errorf("trigger %s has no section", tr.ID)
		}
		for _, g := range tr.Guards {
			if !strings.Contains(gen, "| `"+g.ID+"` |") {
				t.Errorf("guard %s/%s is not listed", tr.ID, g.ID)
			}
		}
	}
	for _, c := range p.Clocks {
		if !strings.Contains(gen, "### `"+c.ID+"`\n") {
			t.Errorf("clock %s has no section", c.ID)
		}
	}
	for _, r := range p.Roles {
		if !strings.Contains(gen, "| `"+r.ID+"` |") {
			t.Errorf("role %s is not listed", r.ID)
		}
	}
	for _, par := range p.Parameters {
		if !strings.Contains(gen, "| `"+par.ID+"` |") {
			t.Errorf("parameter %s is not listed", par.ID)
		}
	}
	// Every in-page link of the generated part lands on a heading.
	anchors := docgen.Anchors([]byte(gen))
	for _, l := range docgen.Links("lifecycle.md", []byte(gen)) {
		if a, ok := strings.CutPrefix(l.Target, "#"); ok && !anchors[a] {
			t.Errorf("line %d: link %s has no heading", l.Line, l.Target)
		}
	}
}
