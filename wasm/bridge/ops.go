package bridge

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/sendflow/sendflow/internal/textclip"
	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// The ops that need no engine.

func (b *Bridge) info() Info {
	return Info{Protocol: Version, Ops: Ops(), GraphFormats: sdk.GraphFormats(), Codes: sdk.Codes(),
		Limits: map[string]int{"request_bytes": MaxRequestBytes, "engines": b.limits.Engines, "files": MaxFiles,
			"policy_bytes": sdk.MaxPolicyBytes, "history": sdk.MaxHistory, "evidence": sdk.MaxEvidence,
			"payload_bytes": sdk.MaxPayloadBytes, "case_bytes": sdk.MaxCaseBytes, "clocks": sdk.MaxClocks, "decisions": sdk.MaxDecisions}}
}

func (b *Bridge) compile(req *Request) (any, *sdk.Error) {
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
	if limit := b.limits.Engines; b.engines.len() >= limit {
		return nil, &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("%d engines are alive; the limit is %d", limit, limit),
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
	h := b.engines.add(e)
	return Compiled{Engine: h, PolicyID: e.PolicyID(), PolicyHash: e.PolicyHash(), Layers: e.Layers(),
		Tracks: e.Tracks(), Triggers: e.TriggerNames(), Labels: engineLabels(e, srcs)}, nil
}

// engineLabels is the labels of e's triggers (compiled from srcs), or nil
// when there are none. The layers have compiled, so they parse.
func engineLabels(e *sdk.Engine, srcs []sdk.PolicySource) map[string]map[string]string {
	all, err := sdk.TriggerLabels(srcs...)
	if err != nil {
		return nil
	}
	out := map[string]map[string]string{}
	for _, t := range e.TriggerNames() {
		if l := all[t]; len(l) > 0 {
			out[t] = l
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (b *Bridge) runScenario(req *Request) (any, *sdk.Error) {
	if req.Text == nil {
		return nil, invalid("/text", "run_scenario needs text: the scenario file's contents")
	}
	name := req.Name
	if name == "" {
		name = "scenario.yaml"
	}
	load := scenario.MemoryLoader(policyMap(req.Policies))
	if req.Engine != 0 {
		e, err := b.engines.lookup(req.Engine)
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

func (b *Bridge) runFiles(req *Request) (any, *sdk.Error) {
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
	var text strings.Builder
	_ = scenario.WriteText(&text, rep, req.Coverage)
	code := 0
	if !rep.OK() {
		code = 1
	}
	return RunFilesResult{Report: rep, Text: text.String(), ExitCode: code}, nil
}

// The ops on an engine (e, the one req.Engine names) that take more than a
// few lines; onEngine answers the others itself.

func (b *Bridge) newCase(e *sdk.Engine, req *Request, k *keep) sdk.Case {
	var f sdk.Facts
	if req.Facts != nil {
		f = *req.Facts
	}
	c := e.NewCase(f)
	if req.Remember {
		*k = keep{c: &c, engine: req.Engine}
	}
	return c
}

func (b *Bridge) fire(e *sdk.Engine, req *Request, k *keep) (any, *sdk.Error) {
	if req.Delta && req.CaseRef == nil {
		return nil, invalid("/delta", "delta needs case_ref: the answer is what changed from that case")
	}
	c, size, cerr := b.caseArg(req, "/case")
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
}

func (b *Bridge) permitted(e *sdk.Engine, req *Request) (any, *sdk.Error) {
	c, _, cerr := b.caseArg(req, "/case")
	if cerr != nil {
		return nil, cerr
	}
	if req.Locale != "" && !validLocale(req.Locale) {
		return nil, invalid("/locale", "locale %q is not a language tag such as en-GB", clip(req.Locale))
	}
	perms, err := e.PermittedContext(context.Background(), c, req.Role, req.AsOf, req.Locale)
	if err == nil && perms == nil {
		perms = []sdk.Permission{}
	}
	return wrap(perms, err)
}

func (b *Bridge) replay(e *sdk.Engine, req *Request, k *keep) (any, *sdk.Error) {
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
}

func (b *Bridge) verify(e *sdk.Engine, req *Request) (any, *sdk.Error) {
	c, _, cerr := b.caseArg(req, "/case")
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
}

func (b *Bridge) graph(e *sdk.Engine, req *Request) (any, *sdk.Error) {
	if req.CaseRef != nil {
		c, _, cerr := b.caseArg(req, "/case")
		if cerr != nil {
			return nil, cerr
		}
		return wrap(e.Graph(req.Format, &c))
	}
	return wrap(e.Graph(req.Format, req.Case))
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
// PermittedContext: a guard's reason in that language when the policy gives one
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

// clip shortens a value quoted in a message to 40 bytes.
func clip(s string) string { return textclip.Clip(s, 40) }

func decodeCase(c *sdk.Case, ptr string) (sdk.Case, *sdk.Error) {
	if c == nil {
		return sdk.Case{}, &sdk.Error{Code: sdk.CodeInvalidCase, Message: "a case is needed", Pointer: ptr,
			Detail: "Pass the case as new_case or fire returned it."}
	}
	return *c, nil
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
