package portal

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func wasmDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range append(WasmFiles, "sendflow.wasm.gz") {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte("content of "+f), 0o644))
	}
	return dir
}

func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	res := rec.Result()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(b)
}

func TestStaticHasThePage(t *testing.T) {
	for _, f := range []string{"index.html", "app.js", "engine.js", "forms.js", "datefields.js", "styles.css", "govuk-frontend.min.css", "accessibility.html",
		"nav.js", "disputes.js", "caseload.js", "store.js"} {
		_, err := fs.Stat(Static(), f)
		assert.NoError(t, err, f)
	}
	page, err := fs.ReadFile(Static(), "index.html")
	require.NoError(t, err)
	// The stable test hooks the issue names live in the page or are made by app.js.
	for _, hook := range []string{`name="role"`, `name="at"`, `data-fire`} {
		assert.Contains(t, string(page), hook)
	}
	// Every page has the one header navigation (nav.js), so a page added to its list is linked from all.
	for _, p := range []string{"index.html", "accessibility.html", "lift.html", "sen2.html"} {
		b, err := fs.ReadFile(Static(), p)
		require.NoError(t, err)
		assert.Contains(t, string(b), `id="app-nav"`, p)
		assert.Contains(t, string(b), `src="/nav.js"`, p)
	}
	app, err := fs.ReadFile(Static(), "app.js")
	require.NoError(t, err)
	for _, hook := range []string{`'data-trigger'`, `'data-track'`, `'data-state'`, `'data-clock'`, `'data-due'`, `'data-status'`} {
		assert.Contains(t, string(app), hook)
	}
}

func TestServesPageAssetsAndWasmWithTheirTypes(t *testing.T) {
	h, err := Handler(Options{WasmDir: wasmDir(t)})
	require.NoError(t, err)
	cases := map[string]string{
		"/":                       "text/html; charset=utf-8",
		"/app.js":                 "text/javascript; charset=utf-8",
		"/styles.css":             "text/css; charset=utf-8",
		"/wasm/sendflow.wasm":     "application/wasm",
		"/wasm/sendflow.mjs":      "text/javascript; charset=utf-8",
		"/wasm/wasm_exec.js":      "text/javascript; charset=utf-8",
		"/policies.json":          "application/json",
		"/index.html":             "text/html; charset=utf-8",
		"/forms.js":               "text/javascript; charset=utf-8",
		"/engine.js":              "text/javascript; charset=utf-8",
		"/wasm/sendflow.wasm?v=1": "application/wasm",
		"/wasm/sendflow.wasm.gz":  "application/gzip", // no Content-Encoding: the page inflates it
	}
	for path, ct := range cases {
		res, body := get(t, h, path)
		assert.Equal(t, http.StatusOK, res.StatusCode, path)
		assert.Equal(t, ct, res.Header.Get("Content-Type"), path)
		assert.NotEmpty(t, body, path)
		assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"), path)
		assert.Contains(t, res.Header.Get("Content-Security-Policy"), "'wasm-unsafe-eval'", path)
	}
	_, body := get(t, h, "/wasm/sendflow.wasm")
	assert.Equal(t, "content of sendflow.wasm", body)
	res, _ := get(t, h, "/wasm/sendflow.wasm.gz")
	assert.Empty(t, res.Header.Get("Content-Encoding"))
}

func TestRefusesEverythingElse(t *testing.T) {
	dir := wasmDir(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("no"), 0o644))
	h, err := Handler(Options{WasmDir: dir})
	require.NoError(t, err)
	for _, path := range []string{"/wasm/secret.txt", "/wasm/../portal.go", "/nope.js", "/wasm/", "/static/app.js",
		"/..%2fportal.go", "/wasm/..%2f..%2fetc%2fpasswd", "/.hidden"} {
		res, _ := get(t, h, path)
		assert.NotEqual(t, http.StatusOK, res.StatusCode, path)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/policies.json", strings.NewReader("{}")))
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
}

func TestMissingWasmBuildSaysHowToBuildIt(t *testing.T) {
	dir := t.TempDir()
	h, err := Handler(Options{WasmDir: dir})
	require.NoError(t, err)
	res, body := get(t, h, "/")
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Contains(t, body, "make wasm")
	assert.Contains(t, body, "--wasm-dir")
	assert.Contains(t, body, "sendflow.wasm")
	res, body = get(t, h, "/wasm/sendflow.wasm")
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	assert.Contains(t, body, "make wasm")
	assert.Equal(t, WasmFiles, MissingWasm(dir))
	assert.Empty(t, MissingWasm(wasmDir(t)))
}

func TestPoliciesListDefaultThenExamples(t *testing.T) {
	good := []byte("id: kent\ntitle: Kent County Council\nparameters:\n  - {id: hnf_threshold, value: 6000}\n")
	bad := []byte("id: broken\ntriggers:\n  - id: hnf.applied\n    guards:\n      - {id: g, expr: 'evidence >', reason: r}\n")
	district := "id: kent_dover\ntitle: Dover district\n"
	h, err := Handler(Options{WasmDir: wasmDir(t), Examples: []Example{
		{ID: "kent", Layers: []DocLayer{{Name: "kent.yaml", Text: string(good)}}},
		{ID: "kent/dover", Layers: []DocLayer{{Name: "kent.yaml", Text: string(good)}, {Name: "kent/dover.yaml", Text: district}}},
		{ID: "broken", Layers: []DocLayer{{Name: "broken.yaml", Text: string(bad)}}},
	}})
	require.NoError(t, err)
	_, body := get(t, h, "/policies.json")
	var docs []PolicyDoc
	require.NoError(t, json.Unmarshal([]byte(body), &docs))
	require.Len(t, docs, 4)
	assert.Equal(t, "default", docs[0].ID)
	assert.Empty(t, docs[0].Source, "the default is compiled from the WASM build's own embedded policy")
	require.NotNil(t, docs[0].Policy)
	assert.NotEmpty(t, docs[0].Policy.Tracks)
	var finalised bool
	for _, tr := range docs[0].Policy.Triggers {
		if tr.ID == "ehc.plan_finalised" {
			finalised = len(tr.Payload) > 0
		}
	}
	assert.True(t, finalised, "triggers carry their payload fields for the forms")

	assert.Equal(t, "kent", docs[1].ID)
	assert.Equal(t, string(good), docs[1].Source)
	assert.Equal(t, "Kent County Council", docs[1].Title)
	assert.Nil(t, docs[1].Error)

	assert.Equal(t, "kent/dover", docs[2].ID)
	assert.Empty(t, docs[2].Source)
	require.Len(t, docs[2].Layers, 2, "a district compiles on its authority")
	assert.Equal(t, "kent/dover.yaml", docs[2].File)
	assert.Equal(t, "Dover district", docs[2].Title)

	assert.Equal(t, "broken", docs[3].ID)
	require.NotNil(t, docs[3].Error)
	assert.Contains(t, []string{"invalid_policy", "statutory_floor"}, string(docs[3].Error.Code))
	assert.NotEmpty(t, docs[3].Error.Location, "compile errors carry their position")
	assert.Nil(t, docs[3].Policy)
}

func TestContentTypes(t *testing.T) {
	assert.Equal(t, "application/wasm", contentType("x.wasm"))
	assert.Equal(t, "application/octet-stream", contentType("x.bin"))
	assert.Equal(t, "image/svg+xml", contentType("a/b.svg"))
}
