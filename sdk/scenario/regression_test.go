package scenario_test

import (
	"errors"
	"testing"

	"github.com/sendflow/sendflow/sdk/scenario"
)

// Found with FuzzCompilePolicy's input 1254d0ad8d87028c tried on the
// scenario parser: go-yaml panicked on an empty "!" tag where a list or a
// mapping was expected, and the panic escaped ParseAll (sendflow test
// crashed). It is an error in the file: a *ParseError naming it.
func TestRegressionYAMLDecoderPanicIsAParseError(t *testing.T) {
	for _, doc := range []string{"name: x\nsteps:  ! ", "#0\nsteps:  ! ", "name: x\ncase:\n  evidence: !\n"} {
		_, err := scenario.ParseAll("f.yaml", []byte(doc))
		var pe *scenario.ParseError
		if !errors.As(err, &pe) || pe.File != "f.yaml" || pe.Message == "" {
			t.Errorf("%q: got %v, want a *ParseError naming f.yaml", doc, err)
		}
	}
}
