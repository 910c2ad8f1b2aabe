package schemagen

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sendflow/sendflow/schemas"
	"github.com/sendflow/sendflow/sdk"
)

// ForEngine on the default policy gives back the committed schemas, $id
// aside: the per-policy path and the generator cannot drift apart.
func TestForEngineDefaultEqualsCommitted(t *testing.T) {
	e, err := sdk.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range Docs {
		got, err := ForEngine(e, d.Name)
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		want, _ := schemas.Get(d.Name)
		if d.Strict {
			id := `"$id": "` + PolicyID(e, d.Name) + `"`
			if !bytes.Contains(got, []byte(id)) {
				t.Errorf("%s: no %s", d.Name, id)
			}
			got = bytes.Replace(got, []byte(id), []byte(`"$id": "`+schemas.ID(d.Name)+`"`), 1)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: ForEngine(default) differs from the committed schema:\n%s", d.Name, firstDiff(got, want))
		}
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n got  " + al[i] + "\n want " + bl[i]
		}
	}
	return "lengths " + itoa(len(al)) + " vs " + itoa(len(bl))
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestForEngineUnknownName(t *testing.T) {
	e, err := sdk.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"", "nope", "../case"} {
		if _, err := ForEngine(e, n); sdk.AsError(err) == nil || sdk.AsError(err).Code != sdk.CodeInvalidInput {
			t.Errorf("%q: got %v, want invalid_input", n, err)
		}
	}
	if _, err := ForEngine(nil, "case"); err == nil {
		t.Error("nil engine: no error")
	}
}
