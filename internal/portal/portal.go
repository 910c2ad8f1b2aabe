// Package portal is the in-browser SEND case portal: a static page (HTML,
// CSS and ES modules, embedded here) that runs the whole case lifecycle in
// the browser on sendflow's WebAssembly build. The server only hands out
// files: the page, the WASM build (from a directory, because wasm/dist is a
// build output) and the policy documents the picker offers. Every firing,
// permission, clock and verification happens in the browser.
//
// `sendflow serve` serves it (Handler lets any program of this module do
// the same). It lives under internal/ so the CLI does not import examples/;
// the example policies it offers come from internal/examplepolicies.
package portal

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/sendflow/sendflow/sdk"
)

//go:embed static
var static embed.FS

// Static returns the portal's static files (index.html, app.js, ...) at the
// root of the returned file system.
func Static() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded tree always has static/
	}
	return sub
}

// WasmFiles are the files of the browser build the page loads from /wasm/.
var WasmFiles = []string{"sendflow.wasm", "sendflow.mjs", "wasm_exec.js"}

// PolicyDoc is one policy the page's picker offers.
type PolicyDoc struct {
	// ID is "default" or the example's id, e.g. "kent".
	ID string `json:"id"`
	// Title is the policy's title, for the picker.
	Title string `json:"title"`
	// File is the last overlay's file name ("" for the default).
	File string `json:"file,omitempty"`
	// Source is the one overlay document the page compiles in the browser
	// ("" for the default, which the WASM build embeds, and for a district).
	Source string `json:"source"`
	// Layers are the overlays of a district policy, authority first; the
	// page compiles them in the browser as layers.
	Layers []DocLayer `json:"layers,omitempty"`
	// Policy is the merged policy document (tracks, states, triggers and their
	// payload fields) the page draws its forms and diagram from when the WASM
	// API does not describe a compiled policy itself.
	Policy *sdk.Policy `json:"policy,omitempty"`
	// Error is the compile error, when the overlay does not compile natively.
	Error *sdk.Error `json:"error,omitempty"`
}

// Options configures Handler.
type Options struct {
	// WasmDir holds the browser build: sendflow.wasm, sendflow.mjs and
	// wasm_exec.js (`make wasm` writes them to wasm/dist).
	WasmDir string
	// Examples are the example overlays offered after the default, in order.
	Examples []Example
	// Letters are the host's own letter templates (LOCALE/KIND.html.tmpl,
	// see sdk/letters), used before the SDK's; nil for the SDK's own.
	Letters fs.FS
}

// Example is one example policy: one overlay (an authority's) or several
// (a district's on its authority's), compiled on top of the default.
type Example struct {
	ID     string
	Layers []DocLayer
}

// DocLayer is one overlay document.
type DocLayer struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// Handler serves the portal: the page at /, the WASM build under /wasm/,
// the policy picker's documents at /policies.json, and the SDK's letters for
// the page's case (POST /letters/{kind}). When the WASM build
// is missing, / answers 503 with a page saying how to build it.
func Handler(opts Options) (http.Handler, error) {
	docs, engines, err := policyDocs(opts.Examples)
	if err != nil {
		return nil, err
	}
	policiesJSON, err := json.Marshal(docs)
	if err != nil {
		return nil, err
	}
	files := Static()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /policies.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(policiesJSON)
	})
	ls := newLetterServer(opts.Letters, engines)
	mux.HandleFunc("GET /letters.json", ls.kinds)
	mux.HandleFunc("POST /letters/{kind}", ls.write)
	// A host that keeps cases mounts sdk/store's CasesHandler at /api/ (sendflow serve --db), in front of
	// this handler; without one, the page asks here and learns there is no caseload (a 200, so the
	// browser logs no failed request).
	mux.HandleFunc("GET /api/cases", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"store":false}` + "\n"))
	})
	mux.HandleFunc("GET /wasm/{file}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		if !isWasmFile(name) {
			http.NotFound(w, r)
			return
		}
		f, err := os.Open(filepath.Join(opts.WasmDir, name))
		if err != nil {
			http.Error(w, fmt.Sprintf("%s is missing from %s: run `make wasm` (or pass --wasm-dir)", name, opts.WasmDir), http.StatusServiceUnavailable)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", contentType(name))
		http.ServeContent(w, r, name, st.ModTime(), f)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if missing := MissingWasm(opts.WasmDir); len(missing) > 0 {
			writeMissingPage(w, opts.WasmDir, missing)
			return
		}
		serveStatic(w, r, files, "index.html")
	})
	mux.HandleFunc("GET /{file}", func(w http.ResponseWriter, r *http.Request) {
		serveStatic(w, r, files, r.PathValue("file"))
	})
	return secure(mux), nil
}

func isWasmFile(name string) bool {
	for _, f := range WasmFiles {
		if f == name {
			return true
		}
	}
	// sendflow.wasm.gz is optional: the wrapper fetches it first and falls
	// back to sendflow.wasm when it is missing.
	return name == "sendflow.d.ts" || name == "sendflow.wasm.gz"
}

// MissingWasm lists the WASM build's files that are not in dir.
func MissingWasm(dir string) []string {
	var out []string
	for _, f := range WasmFiles {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.IsDir() {
			out = append(out, f)
		}
	}
	return out
}

var missingTmpl = template.Must(template.New("missing").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>sendflow portal: WebAssembly build missing</title><link rel="stylesheet" href="/styles.css"></head>
<body><main class="notice" id="main"><h1>The WebAssembly build is missing</h1>
<p>The portal runs sendflow in your browser and needs its WebAssembly build, which was not found in
<code>{{.Dir}}</code> (missing: {{range $i, $f := .Missing}}{{if $i}}, {{end}}<code>{{$f}}</code>{{end}}).</p>
<p>Build it with <code>make wasm</code> (or run <code>make demo</code>, which builds everything), or point the
server at a build with <code>sendflow serve --wasm-dir DIR</code>, then reload this page.</p></main></body></html>
`))

func writeMissingPage(w http.ResponseWriter, dir string, missing []string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	var b bytes.Buffer
	_ = missingTmpl.Execute(&b, struct {
		Dir     string
		Missing []string
	}{abs, missing})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write(b.Bytes())
}

var started = time.Now()

func serveStatic(w http.ResponseWriter, r *http.Request, files fs.FS, name string) {
	if !fs.ValidPath(name) || strings.HasPrefix(name, ".") {
		http.NotFound(w, r)
		return
	}
	data, err := fs.ReadFile(files, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", contentType(name))
	http.ServeContent(w, r, name, started, bytes.NewReader(data))
}

// contentType is set explicitly: browsers refuse to stream-compile WASM
// served as anything but application/wasm, and module scripts need a
// JavaScript type, whatever the host's mime.types says.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".wasm":
		return "application/wasm"
	case ".gz":
		return "application/gzip"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".json":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ts":
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// secure adds the headers every response carries: no caching (the WASM
// build changes under a running server during development), no sniffing,
// and a content security policy that allows only this origin's scripts and
// WebAssembly compilation.
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Cache-Control", "no-cache")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "+
			"style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
		h.ServeHTTP(w, r)
	})
}

// policyDocs compiles the default and every example natively once, so the
// page can describe them (tracks, triggers, payload fields) even when the
// WASM API does not; the page still compiles and runs them in the browser.
func policyDocs(examples []Example) ([]PolicyDoc, map[string]*sdk.Engine, error) {
	def, err := sdk.Default()
	if err != nil {
		return nil, nil, fmt.Errorf("the default policy does not compile: %w", err)
	}
	dp := def.Policy()
	docs := []PolicyDoc{{ID: "default", Title: titleOr(dp.Title, "Default (England)"), Policy: &dp}}
	engines := map[string]*sdk.Engine{"default": def}
	for _, ex := range examples {
		if len(ex.Layers) == 0 {
			continue
		}
		doc := PolicyDoc{ID: ex.ID, File: ex.Layers[len(ex.Layers)-1].Name, Title: ex.ID}
		var srcs []sdk.PolicySource
		for _, l := range ex.Layers {
			srcs = append(srcs, sdk.PolicySource{Name: l.Name, Data: []byte(l.Text)})
		}
		if len(ex.Layers) == 1 {
			doc.Source = ex.Layers[0].Text
		} else {
			doc.Layers = ex.Layers
		}
		eng, err := sdk.Compile(srcs...)
		if err != nil {
			doc.Error = sdk.AsError(err)
		} else {
			engines[ex.ID] = eng
			p := eng.Policy()
			doc.Policy = &p
			if p.Title != "" && p.Title != dp.Title {
				doc.Title = p.Title
			}
		}
		docs = append(docs, doc)
	}
	return docs, engines, nil
}

func titleOr(t, def string) string {
	if t != "" {
		return t
	}
	return def
}
