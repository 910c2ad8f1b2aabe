package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/store"
)

func TestServeUsage(t *testing.T) {
	code, out, _ := cli(t, "serve", "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "--wasm-dir")
	assert.Contains(t, out, "--port")

	code, _, errOut := cli(t, "serve", "--port", "70000")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "not a TCP port")

	code, _, _ = cli(t, "serve", "extra")
	assert.Equal(t, exitUsage, code)
}

// TestServeWithDB: --db serves stored cases under /api beside the portal,
// every firing judged on the server's engine (issue #18).
func TestServeWithDB(t *testing.T) {
	a := &app{stdout: io.Discard, stderr: io.Discard}
	var pf policyFlag
	h, closeDB, err := serveHandler(a, serveOpts{wasmDir: t.TempDir(), db: filepath.Join(t.TempDir(), "cases.db")}, &pf)
	require.NoError(t, err)
	defer closeDB()
	srv := httptest.NewServer(h)
	defer srv.Close()
	e, err := sdk.Default()
	require.NoError(t, err)
	body, _ := json.Marshal(e.NewCase(sdk.Facts{ID: "s-1"}))
	res, err := http.Post(srv.URL+"/api/cases", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusCreated, res.StatusCode)
	res, err = http.Get(srv.URL + "/api/cases/s-1")
	require.NoError(t, err)
	var sc store.StoredCase
	require.NoError(t, json.NewDecoder(res.Body).Decode(&sc))
	res.Body.Close()
	fire, _ := json.Marshal(store.FireRequest{Head: sc.Head, Firing: sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"}})
	res, err = http.Post(srv.URL+"/api/cases/s-1/fire", "application/json", bytes.NewReader(fire))
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	res, err = http.Post(srv.URL+"/api/cases/s-1/fire", "application/json", bytes.NewReader(fire))
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusConflict, res.StatusCode, "the same head again: another firing won")
	res, err = http.Get(srv.URL + "/api/worklist.ics?as_of=2026-01-06&within=-1")
	require.NoError(t, err)
	ics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Contains(t, string(ics), "BEGIN:VCALENDAR")
	assert.Contains(t, string(ics), "ehc_decision_to_assess")
	res, err = http.Get(srv.URL + "/app.js")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "the portal is still served")
}

// TestServeWithLetters: --letters DIR gives the portal's letters the
// authority's own templates, and a broken or misnamed template stops serve
// before it listens.
func TestServeWithLetters(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "en"), 0o755))
	own := `{{define "title"}}Northshire: no assessment{{end}}{{define "body"}}<p>Our own words.</p>{{end}}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "en", "decision_not_to_assess.html.tmpl"), []byte(own), 0o644))
	a := &app{stdout: io.Discard, stderr: io.Discard}
	var pf policyFlag
	h, closeDB, err := serveHandler(a, serveOpts{wasmDir: t.TempDir(), letters: dir}, &pf)
	require.NoError(t, err)
	defer closeDB()
	e, err := sdk.Default()
	require.NoError(t, err)
	c := e.NewCase(sdk.Facts{ID: "l-1"})
	for _, f := range []sdk.Firing{{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"},
		{Trigger: "ehc.decided_not_to_assess", Actor: "la_officer", At: "2026-02-10"}} {
		out, err := e.Fire(c, f)
		require.NoError(t, err)
		c = out.Case
	}
	b, _ := json.Marshal(c)
	form := url.Values{"case": {string(b)}, "policy": {"default"}, "child_name": {"Sam"}}
	req := httptest.NewRequest(http.MethodPost, "/letters/decision_not_to_assess", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), "Our own words.")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "en", "cease.html.tmpl"), []byte(own), 0o644))
	code, _, errOut := cli(t, "serve", "--port", "0", "--letters", dir)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errOut, "en/cease.html.tmpl")
	code, _, errOut = cli(t, "serve", "--port", "0", "--letters", filepath.Join(dir, "missing"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "not a directory")
}
