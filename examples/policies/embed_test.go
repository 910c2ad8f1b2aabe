package policies

import (
	"strings"
	"testing"
)

// Every example found is a policy document with layers in order: the
// authority's first, and a district's last.
func TestExamples(t *testing.T) {
	for _, ex := range Examples() {
		if len(ex.Layers) == 0 || len(ex.Layers) > 2 {
			t.Fatalf("%s: %d layers", ex.ID, len(ex.Layers))
		}
		for _, l := range ex.Layers {
			if len(l.Data) == 0 || !isPolicy(l.Name) {
				t.Errorf("%s: layer %s is empty or not a policy file", ex.ID, l.Name)
			}
		}
		if last := ex.Layers[len(ex.Layers)-1].Name; trimExt(last) != ex.ID {
			t.Errorf("%s: last layer is %s", ex.ID, last)
		}
		if len(ex.Layers) == 2 && !strings.HasPrefix(ex.ID, trimExt(ex.Layers[0].Name)+"/") {
			t.Errorf("%s: district not under its authority %s", ex.ID, ex.Layers[0].Name)
		}
		if strings.Contains(ex.ID, "scenarios") {
			t.Errorf("%s: scenario files are not policies", ex.ID)
		}
	}
}
