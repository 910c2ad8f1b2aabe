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
//	lift_report     engine, text, from?, to?, as_of?,          LiftReport (the LIFT figures and their
//	                no_verify?                                 SVG charts, from JSON lines of cases)
//	sen2_return     engine, text, sen2                         Sen2Return
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
// sen2_return is `sendflow sen2 --format xml` over a caseload already read:
// text holds the cases as JSON lines, each verified with the engine;
// sen2 holds the return's options (report.ReturnOptions: year, la, dmo,
// dco, reference_date?, cut_off?, serial_no?, date_time?). The result has
// the counts and every issue (by case id, never a value), the lines not
// counted, and the XML only when there is no issue and every case counted.
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
//
// # Bridges
//
// The engines and the case cache belong to a Bridge value (New): Handle,
// AppendHandle and HandleString answer on the default one, which the
// WebAssembly builds use; a Go host or a test that wants state of its own
// makes its own with New or NewWithLimits. The files: request.go decodes a
// request (fastdecode.go the fast path), ops.go answers each op, cases.go
// keeps the case cache and makes deltas, fastjson.go writes the answers.
package bridge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

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

// Ops lists every op, in the order above. It returns a new copy on every
// call.
func Ops() []string { return slices.Clone(ops) }

var ops = []string{"info", "compile", "free", "policy", "default_policy", "new_case", "fire", "permitted",
	"clocks", "replay", "verify", "graph", "run_scenario", "run_files", "lift_report", "sen2_return"}

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
	// Labels are the words for each of Triggers by locale (en, cy), from
	// the policy's labels (sdk.TriggerLabels): show these, not the ids.
	Labels map[string]map[string]string `json:"labels,omitempty"`
}

// RunFilesResult is the result of run_files: the report, the text
// `sendflow test` prints, and its exit code (0 all passed, 1 some failed).
type RunFilesResult struct {
	Report   scenario.Report `json:"report"`
	Text     string          `json:"text"`
	ExitCode int             `json:"exit_code"`
}

// Bridge answers the protocol over its own engines and case cache, within
// its limits. Two Bridges share nothing: a handle or case_ref of one means
// nothing to the other. A Bridge is safe for concurrent use; New makes one.
type Bridge struct {
	limits  Limits
	engines engineTable
	cases   caseCache
	// beforeOp, when set (by tests), runs before every request is decoded.
	beforeOp func(req []byte)
}

// Limits are the bounds of a Bridge's state (the limits of one request
// are the constants above and the SDK's own).
type Limits struct {
	// Engines caps the engines alive at once (MaxEngines by default).
	Engines int
	// Cases and CaseCacheBytes cap the case cache (MaxCases and
	// MaxCaseCacheBytes by default).
	Cases          int
	CaseCacheBytes int
}

// New returns a Bridge with no engines and no cases, with the default
// limits (MaxEngines, MaxCases, MaxCaseCacheBytes).
func New() *Bridge { return NewWithLimits(Limits{}) }

// NewWithLimits is New with other limits; a zero limit is the default.
func NewWithLimits(l Limits) *Bridge {
	if l.Engines <= 0 {
		l.Engines = MaxEngines
	}
	if l.Cases <= 0 {
		l.Cases = MaxCases
	}
	if l.CaseCacheBytes <= 0 {
		l.CaseCacheBytes = MaxCaseCacheBytes
	}
	b := &Bridge{limits: l}
	b.engines.m = map[int]*sdk.Engine{}
	b.cases.m = map[int64]*cacheEntry{}
	b.cases.maxCases, b.cases.maxBytes = l.Cases, l.CaseCacheBytes
	return b
}

// defaultBridge is the Bridge of Handle, AppendHandle and HandleString:
// the one the WebAssembly builds answer with.
var defaultBridge = New()

// Handle answers one JSON request with one JSON response on the default
// Bridge (see the package documentation). It is safe for concurrent use.
func Handle(req []byte) []byte { return defaultBridge.AppendHandle(nil, req) }

// AppendHandle is Handle writing its answer at the end of dst, for hosts
// that reuse one buffer for every answer (the browser build does).
func AppendHandle(dst, req []byte) []byte { return defaultBridge.AppendHandle(dst, req) }

// HandleString is Handle for hosts that hold strings (syscall/js).
func HandleString(req string) string { return string(Handle([]byte(req))) }

// Handle answers one JSON request with one JSON response on b.
func (b *Bridge) Handle(req []byte) []byte { return b.AppendHandle(nil, req) }

// AppendHandle is b.Handle writing its answer at the end of dst.
func (b *Bridge) AppendHandle(dst, req []byte) (resp []byte) {
	defer func() {
		if r := recover(); r != nil {
			resp = append(dst, encode(Response{Error: &sdk.Error{Code: sdk.CodeInternal, Message: fmt.Sprintf("the call panicked: %v", r),
				Detail: firstFrames(debug.Stack())}})...)
		}
	}()
	var k keep
	result, err := b.handle(req, &k)
	if err != nil {
		return append(dst, encode(Response{Error: err})...)
	}
	if k.c == nil {
		return respond(dst, 0, result)
	}
	ent := b.cases.remember(k.engine, *k.c)
	out := respond(dst, ent.ref, result)
	b.cases.sized(ent, k.base+len(out)-len(dst))
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

// decode reads a request into req: by fastRequest when it can, else
// strictly by encoding/json (a request that does not decode is diagnosed).
func (b *Bridge) decode(raw []byte, req *Request) *sdk.Error {
	if len(raw) > MaxRequestBytes {
		return &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("the request is %d bytes; the limit is %d", len(raw), MaxRequestBytes)}
	}
	if b.beforeOp != nil {
		b.beforeOp(raw)
	}
	if !fastRequest(raw, req) {
		if err := strict(raw, req); err != nil {
			return diagnose(raw, err)
		}
	}
	return nil
}

// handle decodes raw and answers it by its op's method (ops.go); k is set
// when the op asks Handle to remember the case it returns. The methods are
// called directly, not through a table, so that req and k stay on the
// stack.
func (b *Bridge) handle(raw []byte, k *keep) (any, *sdk.Error) {
	var req Request
	if err := b.decode(raw, &req); err != nil {
		return nil, err
	}
	switch req.Op {
	case "info":
		return b.info(), nil
	case "compile":
		return b.compile(&req)
	case "default_policy":
		return string(sdk.DefaultPolicy()), nil
	case "run_scenario":
		return b.runScenario(&req)
	case "run_files":
		return b.runFiles(&req)
	case "":
		return nil, invalid("/op", "the request has no op; the ops are: %s", strings.Join(ops, ", "))
	}
	if !contains(ops, req.Op) {
		return nil, invalid("/op", "unknown op %q; the ops are: %s", clip(req.Op), strings.Join(ops, ", "))
	}
	e, err := b.engines.lookup(req.Engine)
	if err != nil {
		return nil, err
	}
	return b.onEngine(e, &req, k)
}

// onEngine answers the ops on an engine, e (the one req.Engine names).
func (b *Bridge) onEngine(e *sdk.Engine, req *Request, k *keep) (any, *sdk.Error) {
	switch req.Op {
	case "free":
		b.engines.remove(req.Engine)
		b.cases.forgetEngine(req.Engine)
		return map[string]bool{"freed": true}, nil
	case "policy":
		return e.Policy(), nil
	case "new_case":
		return b.newCase(e, req, k), nil
	case "fire":
		return b.fire(e, req, k)
	case "permitted":
		return b.permitted(e, req)
	case "clocks":
		c, _, cerr := b.caseArg(req, "/case")
		if cerr != nil {
			return nil, cerr
		}
		return wrap(e.Clocks(c, req.AsOf))
	case "replay":
		return b.replay(e, req, k)
	case "verify":
		return b.verify(e, req)
	case "graph":
		return b.graph(e, req)
	case "lift_report":
		return liftReport(e, req)
	case "sen2_return":
		return sen2Return(e, req)
	}
	return nil, &sdk.Error{Code: sdk.CodeInternal, Message: "op " + req.Op + " is listed but not handled"}
}
