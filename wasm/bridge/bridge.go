// Package bridge is the one JSON request/response API every non-Go host of
// sendflow goes through: the browser/Node build and the WASI build (both
// through exported functions; the browser build also through syscall/js)
// pass each call's JSON to Handle and hand its JSON answer back. It is plain Go, so it is tested and fuzzed on the
// host like any other package.
//
// # Protocol
//
// A request is one JSON object with an "op" and that op's arguments:
//
//	{"op": "fire", "engine": 1, "case": {...}, "firing": {...}}
//
// The response is always one JSON object, either
//
//	{"ok": true, "result": <the op's result>}
//	{"ok": false, "error": <sdk.Error: code, message, detail, pointer, location, guards, problems>}
//
// Handle never panics (a panic anywhere becomes internal_error and the next
// call works), never changes its input, and answers malformed JSON or an
// unknown field with invalid_input, a request over MaxRequestBytes with
// limit_exceeded. Names and values are exactly those of the Go SDK.
//
// # Ops
//
//	op              arguments                                  result
//	info            -                                          Info
//	compile         policy?, name?, layers?                    Compiled (engine handle and policy identity)
//	free            engine                                     {"freed": true}
//	policy          engine                                     sdk.Policy (the merged document)
//	default_policy  -                                          the embedded default policy, YAML text
//	new_case        engine, facts, remember?                   sdk.Case
//	fire            engine, case|case_ref, firing, remember?,  sdk.Outcome
//	                delta?
//	permitted       engine, case|case_ref, role, as_of,        []sdk.Permission
//	                locale?
//	clocks          engine, case|case_ref, as_of               sdk.ClockReport
//	replay          engine, origin, events, remember?          sdk.Case
//	verify          engine, case|case_ref, keys?               sdk.VerifyReport
//	graph           engine, format, case?|case_ref             string (dot or mermaid)
//	run_scenario    text, name?, engine?, policies?            scenario.Report
//	run_files       files, policies?, coverage?                RunFilesResult
//
// compile with no policy and no layers is the embedded default policy;
// policy (with name, default "policy.yaml") is one overlay on top of it;
// layers [{name, text}] is several (authority, then district). The handle
// stays valid until freed; handles are never reused.
//
// run_scenario with an engine runs every scenario in text on that engine;
// without one, "default" is the embedded policy and any other policy
// reference is looked up in policies (path → text, keyed by the reference
// joined to the directory of name, as the native CLI would read it).
// run_files is what `sendflow test` does, over files already read: the
// same report, text and exit code.
//
// verify with keys (ed25519 public keys, 32 bytes each in standard base64,
// at most MaxVerifyKeys) checks every event's signature against them, as
// sdk.WithVerifyKeys does: an unsigned event, one signed by another key or
// a forged signature is reported. The bridge never signs: a private key
// does not belong in a browser, and a host that signs (a server) signs in
// Go with sdk.WithSigner, or itself after fire (the scheme is on
// sdk.Event.Signature: ed25519 over "sendflow/event-signature/v1\n" and the
// event's hash, which the signature fields are not part of).
//
// # Case refs
//
// Additions to protocol 1 (every request above is answered as before)
// that let a host send a reference instead of a case the bridge returned:
//
//	argument        on                                  meaning
//	remember: true  new_case, fire, replay              keep the returned case; the response has "case_ref": N
//	case_ref: N     fire, permitted, clocks, verify,    the case kept under N, instead of case (not both)
//	                graph
//	delta: true     fire with case_ref                  answer with what changed; keep the new case
//
//	{"op": "fire", "engine": 1, "case_ref": 17, "firing": {...}, "delta": true}
//	{"ok": true, "case_ref": 18, "same": ["id", "la", "district", "child", "evidence", "decisions"],
//	 "result": {"case": {...}, "event": {...}, "clocks": [...], "warnings": [...]}}
//
// A delta's case has no "history": it is the old case's history followed by
// event. It has no "origin" when the origin is unchanged: it is the old
// case's. Both go last, where a whole case has them. (A delta case that has
// a "history" is whole.) The keys listed in "same" (of id, la, district,
// child, evidence, states, clocks, decisions) are left out too: their
// values are the old case's (a key the old case does not have stays
// absent), in the place a whole case has them. The JavaScript wrapper
// rebuilds the new case so; the answer is byte for byte the one for the
// case sent whole.
//
// Refs count up from 1, are never reused and belong to the engine that
// returned the case. The bridge keeps at most MaxCases cases and
// MaxCaseCacheBytes of them (the JSON bytes that carried each, though
// successive cases share their history events), dropping the least
// recently used first, and drops an engine's cases when it is freed. A ref
// it cannot use is invalid_input at "/case_ref" with one problem:
// ProblemCaseRefUnknown (evicted or never issued: send the case itself),
// ProblemCaseRefOtherEngine or ProblemCaseRefInvalid.
package bridge

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// Limits of the bridge itself (the SDK's own limits apply inside).
const (
	// MaxRequestBytes caps one request: room for a case at sdk.MaxHistory
	// events or a whole scenario suite.
	MaxRequestBytes = 32 << 20
	// MaxEngines caps the engines alive at once (compiled and not freed).
	MaxEngines = 256
	// MaxFiles caps the files of one run_files request.
	MaxFiles = 10000
	// MaxVerifyKeys caps the keys of one verify request.
	MaxVerifyKeys = 64
)

// Version is the version of this protocol. It changes only when an op's
// arguments or result change incompatibly.
const Version = "1"

// Ops lists every op, in the order above.
var Ops = []string{"info", "compile", "free", "policy", "default_policy", "new_case", "fire", "permitted",
	"clocks", "replay", "verify", "graph", "run_scenario", "run_files"}

// Request is every argument any op takes; each op reads its own.
type Request struct {
	Op       string            `json:"op"`
	Engine   int               `json:"engine,omitempty"`
	Policy   *string           `json:"policy,omitempty"`
	Name     string            `json:"name,omitempty"`
	Layers   []Layer           `json:"layers,omitempty"`
	Case     *sdk.Case         `json:"case,omitempty"`
	Firing   *sdk.Firing       `json:"firing,omitempty"`
	Facts    *sdk.Facts        `json:"facts,omitempty"`
	Role     string            `json:"role,omitempty"`
	AsOf     string            `json:"as_of,omitempty"`
	Locale   string            `json:"locale,omitempty"`
	Origin   *sdk.Facts        `json:"origin,omitempty"`
	Events   []sdk.Event       `json:"events,omitempty"`
	Format   string            `json:"format,omitempty"`
	Text     *string           `json:"text,omitempty"`
	Files    []File            `json:"files,omitempty"`
	Policies map[string]string `json:"policies,omitempty"`
	Coverage bool              `json:"coverage,omitempty"`
	// Keys are the ed25519 public keys (base64) verify checks signatures
	// against.
	Keys []string `json:"keys,omitempty"`
	// CaseRef names a case the bridge returned earlier (see Case refs)
	// instead of sending it again; Remember asks for the returned case to
	// be kept under a new ref; Delta asks fire to answer with what changed.
	CaseRef  *int64 `json:"case_ref,omitempty"`
	Remember bool   `json:"remember,omitempty"`
	Delta    bool   `json:"delta,omitempty"`
}

// rawRequest is Request with the engine values left undecoded: when a
// request does not decode, it finds which argument is at fault.
type rawRequest struct {
	Op       string            `json:"op"`
	Engine   int               `json:"engine,omitempty"`
	Policy   *string           `json:"policy,omitempty"`
	Name     string            `json:"name,omitempty"`
	Layers   []Layer           `json:"layers,omitempty"`
	Case     json.RawMessage   `json:"case,omitempty"`
	Firing   json.RawMessage   `json:"firing,omitempty"`
	Facts    json.RawMessage   `json:"facts,omitempty"`
	Role     string            `json:"role,omitempty"`
	AsOf     string            `json:"as_of,omitempty"`
	Locale   string            `json:"locale,omitempty"`
	Origin   json.RawMessage   `json:"origin,omitempty"`
	Events   json.RawMessage   `json:"events,omitempty"`
	Format   string            `json:"format,omitempty"`
	Text     *string           `json:"text,omitempty"`
	Files    []File            `json:"files,omitempty"`
	Policies map[string]string `json:"policies,omitempty"`
	Coverage bool              `json:"coverage,omitempty"`
	Keys     []string          `json:"keys,omitempty"`
	CaseRef  json.RawMessage   `json:"case_ref,omitempty"`
	Remember bool              `json:"remember,omitempty"`
	Delta    bool              `json:"delta,omitempty"`
}

// diagnose explains why raw did not decode as a Request: the envelope, or
// which argument (a bad case is invalid_case, anything else invalid_input).
func diagnose(raw []byte, err error) *sdk.Error {
	var rr rawRequest
	if rerr := strict(raw, &rr); rerr != nil {
		return &sdk.Error{Code: sdk.CodeInvalidInput, Message: "the request is not a valid JSON request: " + jsonProblem(rerr),
			Detail: `A request is one JSON object: {"op": "...", ...the op's arguments}.`}
	}
	if len(rr.CaseRef) > 0 {
		var ref int64
		if rerr := json.Unmarshal(rr.CaseRef, &ref); rerr != nil {
			return invalid("/case_ref", "case_ref must be a whole number the bridge returned: %s", jsonProblem(rerr))
		}
	}
	if len(rr.Case) > 0 {
		var c sdk.Case
		if cerr := strict(rr.Case, &c); cerr != nil {
			return &sdk.Error{Code: sdk.CodeInvalidCase, Message: "the case is not a valid case: " + jsonProblem(cerr), Pointer: "/case",
				Detail: "Pass the case as new_case or fire returned it."}
		}
	}
	for _, a := range []struct {
		name string
		raw  json.RawMessage
		into any
	}{{"firing", rr.Firing, &sdk.Firing{}}, {"facts", rr.Facts, &sdk.Facts{}}, {"origin", rr.Origin, &sdk.Facts{}}, {"events", rr.Events, &[]sdk.Event{}}} {
		if len(a.raw) > 0 {
			if aerr := strict(a.raw, a.into); aerr != nil {
				return invalid("/"+a.name, "%s: %s", a.name, jsonProblem(aerr))
			}
		}
	}
	return &sdk.Error{Code: sdk.CodeInvalidInput, Message: "the request is not a valid JSON request: " + jsonProblem(err)}
}

// Layer is one policy overlay given to compile.
type Layer struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// File is one scenario file given to run_files.
type File struct {
	Path string `json:"path"`
	Text string `json:"text"`
	// Explicit is true for a file named on the command line (never
	// skipped); false for one found in a directory.
	Explicit bool `json:"explicit,omitempty"`
}

// Response is what Handle answers.
type Response struct {
	OK bool `json:"ok"`
	// CaseRef is the ref of the case in Result, when the request asked for
	// it to be remembered (see Case refs).
	CaseRef int64      `json:"case_ref,omitempty"`
	Result  any        `json:"result,omitempty"`
	Error   *sdk.Error `json:"error,omitempty"`
}

// Info is the result of info.
type Info struct {
	Protocol     string         `json:"protocol"`
	Ops          []string       `json:"ops"`
	GraphFormats []string       `json:"graph_formats"`
	Codes        []sdk.Code     `json:"codes"`
	Limits       map[string]int `json:"limits"`
}

// Compiled is the result of compile.
type Compiled struct {
	Engine     int      `json:"engine"`
	PolicyID   string   `json:"policy_id"`
	PolicyHash string   `json:"policy_hash"`
	Layers     []string `json:"layers"`
	Tracks     []string `json:"tracks"`
	Triggers   []string `json:"triggers"`
}

// RunFilesResult is the result of run_files: the report, the text
// `sendflow test` prints, and its exit code (0 all passed, 1 some failed).
type RunFilesResult struct {
	Report   scenario.Report `json:"report"`
	Text     string          `json:"text"`
	ExitCode int             `json:"exit_code"`
}

// engines is the handle table. An *sdk.Engine is immutable, so sharing one
// between calls is safe; the table itself is guarded by its mutex.
var engines = struct {
	sync.Mutex
	next int
	m    map[int]*sdk.Engine
}{m: map[int]*sdk.Engine{}}

// beforeOp, when set (by tests), runs before every request is decoded.
var beforeOp func(req []byte)

// Handle answers one JSON request with one JSON response (see the package
// documentation). It is safe for concurrent use.
func Handle(req []byte) []byte { return AppendHandle(nil, req) }

// AppendHandle is Handle writing its answer at the end of dst, for hosts
// that reuse one buffer for every answer (the browser build does).
func AppendHandle(dst, req []byte) (resp []byte) {
	defer func() {
		if r := recover(); r != nil {
			resp = append(dst, encode(Response{Error: &sdk.Error{Code: sdk.CodeInternal, Message: fmt.Sprintf("the call panicked: %v", r),
				Detail: firstFrames(debug.Stack())}})...)
		}
	}()
	var k keep
	result, err := handle(req, &k)
	if err != nil {
		return append(dst, encode(Response{Error: err})...)
	}
	if k.c == nil {
		return respond(dst, 0, result)
	}
	ent := remember(k.engine, *k.c)
	out := respond(dst, ent.ref, result)
	sized(ent, k.base+len(out)-len(dst))
	return out
}

// respond encodes a successful answer: cases and outcomes by the
// hand-written encoder (fastjson.go), the rest by encoding/json.
func respond(dst []byte, ref int64, result any) []byte {
	if out, ok := fastResponse(dst, ref, result); ok {
		return out
	}
	if d, ok := result.(deltaAnswer); ok {
		result = d.out // whole but for history and origin: nothing is "same"
	}
	return append(dst, encode(Response{OK: true, CaseRef: ref, Result: result})...)
}

// keep is a case an op asks Handle to remember (Request.Remember, Delta):
// its engine, and for a delta the size of the case it was built on.
type keep struct {
	c      *sdk.Case
	engine int
	base   int
}

// HandleString is Handle for hosts that hold strings (syscall/js).
func HandleString(req string) string { return string(Handle([]byte(req))) }

func encode(r Response) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		buf.Reset()
		_ = json.NewEncoder(&buf).Encode(Response{Error: &sdk.Error{Code: sdk.CodeInternal, Message: "the result could not be encoded: " + err.Error()}})
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

func firstFrames(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	if len(lines) > 16 {
		lines = lines[:16]
	}
	return strings.Join(lines, "\n")
}

func invalid(ptr, format string, args ...any) *sdk.Error {
	return &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf(format, args...), Pointer: ptr}
}

// strict decodes JSON rejecting unknown fields and trailing data.
func strict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (at byte %d)", err, se.Offset)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func handle(raw []byte, k *keep) (any, *sdk.Error) {
	if len(raw) > MaxRequestBytes {
		return nil, &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("the request is %d bytes; the limit is %d", len(raw), MaxRequestBytes)}
	}
	var req Request
	if beforeOp != nil {
		beforeOp(raw)
	}
	if !fastRequest(raw, &req) {
		if err := strict(raw, &req); err != nil {
			return nil, diagnose(raw, err)
		}
	}
	switch req.Op {
	case "info":
		return Info{Protocol: Version, Ops: Ops, GraphFormats: sdk.GraphFormats, Codes: sdk.Codes,
			Limits: map[string]int{"request_bytes": MaxRequestBytes, "engines": MaxEngines, "files": MaxFiles,
				"policy_bytes": sdk.MaxPolicyBytes, "history": sdk.MaxHistory, "evidence": sdk.MaxEvidence,
				"payload_bytes": sdk.MaxPayloadBytes, "case_bytes": sdk.MaxCaseBytes, "clocks": sdk.MaxClocks, "decisions": sdk.MaxDecisions}}, nil
	case "compile":
		return compile(req)
	case "default_policy":
		return string(sdk.DefaultPolicy()), nil
	case "run_scenario":
		return runScenario(req)
	case "run_files":
		return runFiles(req)
	case "":
		return nil, invalid("/op", "the request has no op; the ops are: %s", strings.Join(Ops, ", "))
	}
	if !contains(Ops, req.Op) {
		return nil, invalid("/op", "unknown op %q; the ops are: %s", clip(req.Op), strings.Join(Ops, ", "))
	}
	e, err := lookup(req.Engine)
	if err != nil {
		return nil, err
	}
	switch req.Op {
	case "free":
		engines.Lock()
		delete(engines.m, req.Engine)
		engines.Unlock()
		forgetEngine(req.Engine)
		return map[string]bool{"freed": true}, nil
	case "policy":
		return e.Policy(), nil
	case "new_case":
		var f sdk.Facts
		if req.Facts != nil {
			f = *req.Facts
		}
		c := e.NewCase(f)
		if req.Remember {
			*k = keep{c: &c, engine: req.Engine}
		}
		return c, nil
	case "fire":
		if req.Delta && req.CaseRef == nil {
			return nil, invalid("/delta", "delta needs case_ref: the answer is what changed from that case")
		}
		c, size, cerr := caseArg(&req, "/case")
		if cerr != nil {
			return nil, cerr
		}
		if req.Firing == nil {
			return nil, invalid("/firing", "fire needs a firing: {trigger, actor, at, data?, facts?}")
		}
		out, err := e.Fire(c, *req.Firing)
		if err != nil {
			return nil, sdk.AsError(err)
		}
		if req.Delta {
			*k = keep{c: &out.Case, engine: req.Engine, base: size}
			return deltaOutcome(c, out), nil
		}
		if req.Remember {
			*k = keep{c: &out.Case, engine: req.Engine}
		}
		return out, nil
	case "permitted":
		c, _, cerr := caseArg(&req, "/case")
		if cerr != nil {
			return nil, cerr
		}
		if req.Locale != "" && !validLocale(req.Locale) {
			return nil, invalid("/locale", "locale %q is not a language tag such as en-GB", clip(req.Locale))
		}
		perms, err := e.PermittedIn(c, req.Role, req.AsOf, req.Locale)
		if err == nil && perms == nil {
			perms = []sdk.Permission{}
		}
		return wrap(perms, err)
	case "clocks":
		c, _, cerr := caseArg(&req, "/case")
		if cerr != nil {
			return nil, cerr
		}
		return wrap(e.Clocks(c, req.AsOf))
	case "replay":
		var origin sdk.Facts
		if req.Origin != nil {
			origin = *req.Origin
		}
		c, err := e.Replay(origin, req.Events)
		if err != nil {
			return nil, sdk.AsError(err)
		}
		if req.Remember {
			*k = keep{c: &c, engine: req.Engine}
		}
		return c, nil
	case "verify":
		c, _, cerr := caseArg(&req, "/case")
		if cerr != nil {
			return nil, cerr
		}
		if len(req.Keys) > 0 {
			ve, kerr := withVerifyKeys(e, req.Keys)
			if kerr != nil {
				return nil, kerr
			}
			e = ve
		}
		return e.Verify(c), nil
	case "graph":
		if req.CaseRef != nil {
			c, _, cerr := caseArg(&req, "/case")
			if cerr != nil {
				return nil, cerr
			}
			return wrap(e.Graph(req.Format, &c))
		}
		return wrap(e.Graph(req.Format, req.Case))
	}
	return nil, &sdk.Error{Code: sdk.CodeInternal, Message: "op " + req.Op + " is listed but not handled"}
}

// withVerifyKeys derives from e an engine that verifies signatures with
// keys, each an ed25519 public key in standard base64. A bad key is
// described, never shown.
func withVerifyKeys(e *sdk.Engine, keys []string) (*sdk.Engine, *sdk.Error) {
	if len(keys) > MaxVerifyKeys {
		return nil, &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("%d keys; the limit is %d", len(keys), MaxVerifyKeys), Pointer: "/keys"}
	}
	pubs := make([]ed25519.PublicKey, len(keys))
	for i, k := range keys {
		b, err := base64.StdEncoding.DecodeString(k)
		if err != nil || len(b) != ed25519.PublicKeySize {
			return nil, invalid(fmt.Sprintf("/keys/%d", i), "key %d is not an ed25519 public key: give its %d bytes in standard base64 (%d characters)",
				i+1, ed25519.PublicKeySize, base64.StdEncoding.EncodedLen(ed25519.PublicKeySize))
		}
		pubs[i] = b
	}
	ve, err := e.With(sdk.WithVerifyKeys(pubs...))
	if err != nil {
		return nil, sdk.AsError(err)
	}
	return ve, nil
}

// validLocale accepts BCP 47-shaped tags. permitted passes the locale to
// PermittedIn: a guard's reason in that language when the policy gives one
// (Welsh, "cy"), English otherwise.
func validLocale(s string) bool {
	// ^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$, by hand: no regexp is
	// compiled when the module starts.
	parts := strings.Split(s, "-")
	if len(parts) > 5 || len(parts[0]) < 2 || len(parts[0]) > 3 {
		return false
	}
	for i, p := range parts {
		if i > 0 && (len(p) < 1 || len(p) > 8) {
			return false
		}
		for j := 0; j < len(p); j++ {
			c := p[j]
			letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if !letter && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

func wrap[T any](v T, err error) (any, *sdk.Error) {
	if err != nil {
		return nil, sdk.AsError(err)
	}
	return v, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func decodeCase(c *sdk.Case, ptr string) (sdk.Case, *sdk.Error) {
	if c == nil {
		return sdk.Case{}, &sdk.Error{Code: sdk.CodeInvalidCase, Message: "a case is needed", Pointer: ptr,
			Detail: "Pass the case as new_case or fire returned it."}
	}
	return *c, nil
}

func lookup(h int) (*sdk.Engine, *sdk.Error) {
	engines.Lock()
	defer engines.Unlock()
	e := engines.m[h]
	if e == nil {
		return nil, invalid("/engine", "no engine with handle %d (compile one first; a freed handle is gone)", h)
	}
	return e, nil
}

func compile(req Request) (any, *sdk.Error) {
	var srcs []sdk.PolicySource
	if req.Policy != nil && strings.TrimSpace(*req.Policy) != "" {
		name := req.Name
		if name == "" {
			name = "policy.yaml"
		}
		srcs = append(srcs, sdk.PolicySource{Name: name, Data: []byte(*req.Policy)})
	}
	for i, l := range req.Layers {
		name := l.Name
		if name == "" {
			name = fmt.Sprintf("layer%d.yaml", i+1)
		}
		srcs = append(srcs, sdk.PolicySource{Name: name, Data: []byte(l.Text)})
	}
	engines.Lock()
	full := len(engines.m) >= MaxEngines
	engines.Unlock()
	if full {
		return nil, &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("%d engines are alive; the limit is %d", MaxEngines, MaxEngines),
			Detail: "Free engines you no longer use."}
	}
	var e *sdk.Engine
	var err error
	if len(srcs) == 0 {
		e, err = sdk.Default()
	} else {
		e, err = sdk.Compile(srcs...)
	}
	if err != nil {
		return nil, sdk.AsError(err)
	}
	engines.Lock()
	engines.next++
	h := engines.next
	engines.m[h] = e
	engines.Unlock()
	return Compiled{Engine: h, PolicyID: e.PolicyID(), PolicyHash: e.PolicyHash(), Layers: e.Layers(),
		Tracks: e.Tracks(), Triggers: e.TriggerNames()}, nil
}

func policyMap(in map[string]string) map[string][]byte {
	out := make(map[string][]byte, len(in))
	for k, v := range in {
		out[k] = []byte(v)
	}
	return out
}

func scenarioError(err error) *sdk.Error {
	var pe *scenario.ParseError
	if errors.As(err, &pe) {
		loc := pe.File
		if pe.Line > 0 {
			loc = fmt.Sprintf("%s:%d", pe.File, pe.Line)
			if pe.Column > 0 {
				loc = fmt.Sprintf("%s:%d", loc, pe.Column)
			}
		}
		return &sdk.Error{Code: sdk.CodeInvalidInput, Message: pe.Error(), Location: loc,
			Detail: "The scenario file does not follow the scenario format (docs/scenarios.md)."}
	}
	return &sdk.Error{Code: sdk.CodeInvalidInput, Message: err.Error()}
}

func runScenario(req Request) (any, *sdk.Error) {
	if req.Text == nil {
		return nil, invalid("/text", "run_scenario needs text: the scenario file's contents")
	}
	name := req.Name
	if name == "" {
		name = "scenario.yaml"
	}
	load := scenario.MemoryLoader(policyMap(req.Policies))
	if req.Engine != 0 {
		e, err := lookup(req.Engine)
		if err != nil {
			return nil, err
		}
		load = func(string, string) (scenario.Target, error) { return e, nil }
	}
	rep, err := scenario.RunSources([]scenario.Source{{Path: name, Data: []byte(*req.Text), Explicit: true}}, load)
	if err != nil {
		return nil, scenarioError(err)
	}
	return rep, nil
}

func runFiles(req Request) (any, *sdk.Error) {
	if len(req.Files) == 0 {
		return nil, invalid("/files", "run_files needs files: [{path, text, explicit}]")
	}
	if len(req.Files) > MaxFiles {
		return nil, &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("%d files; the limit is %d", len(req.Files), MaxFiles), Pointer: "/files"}
	}
	srcs := make([]scenario.Source, len(req.Files))
	for i, f := range req.Files {
		srcs[i] = scenario.Source{Path: f.Path, Data: []byte(f.Text), Explicit: f.Explicit}
	}
	rep, err := scenario.RunSources(srcs, scenario.MemoryLoader(policyMap(req.Policies)))
	if err != nil {
		return nil, scenarioError(err)
	}
	var b strings.Builder
	_ = scenario.WriteText(&b, rep, req.Coverage)
	code := 0
	if !rep.OK() {
		code = 1
	}
	return RunFilesResult{Report: rep, Text: b.String(), ExitCode: code}, nil
}

// Engines reports how many engines are alive (for tests and hosts that
// watch for leaks).
func Engines() int {
	engines.Lock()
	defer engines.Unlock()
	return len(engines.m)
}
