package main

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGeneratedFileIsCurrent: wasm/bridge/fastjson_gen.go is what Generate
// writes from the SDK types today (make generate rewrites it).
func TestGeneratedFileIsCurrent(t *testing.T) {
	want, err := Generate()
	require.NoError(t, err)
	got, err := os.ReadFile("../../../wasm/bridge/fastjson_gen.go")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "wasm/bridge/fastjson_gen.go is stale: run make generate")
}

type (
	withFloat32 struct {
		F float32 `json:"f"`
	}
	withTagOption struct {
		N int `json:"n,string"`
	}
	selfMarshaling struct{ S string }
	Inner          struct {
		ID string `json:"id"`
	}
	twice struct {
		Inner
		ID string `json:"id"`
	}
	unexportedEmbedded struct {
		inner
	}
	inner   struct{ ID string }
	intKeys struct {
		M map[int]string `json:"m"`
	}
)

func (selfMarshaling) MarshalJSON() ([]byte, error) { return json.Marshal("x") }

// TestRefusesWhatItDoesNotWrite: a field appendgen cannot write as
// encoding/json does stops it with an error naming the field or type.
func TestRefusesWhatItDoesNotWrite(t *testing.T) {
	for _, v := range []any{withFloat32{}, withTagOption{}, selfMarshaling{}, twice{}, intKeys{}, unexportedEmbedded{}} {
		g := &gen{seen: map[reflect.Type]bool{}, embedded: map[reflect.Type]bool{}}
		err := g.object(reflect.TypeOf(v))
		assert.Error(t, err, "%T", v)
		t.Log(err)
	}
	g := &gen{seen: map[reflect.Type]bool{}, embedded: map[reflect.Type]bool{}}
	assert.NoError(t, g.object(reflect.TypeOf(Inner{})))
}
