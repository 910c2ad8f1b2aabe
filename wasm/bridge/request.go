package bridge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report"
)

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
	// From, To and NoVerify are lift_report's period and whether it skips
	// verifying the histories (AsOf is its as-of date).
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
	NoVerify bool   `json:"no_verify,omitempty"`
	// CaseRef names a case the bridge returned earlier (see Case refs)
	// instead of sending it again; Remember asks for the returned case to
	// be kept under a new ref; Delta asks fire to answer with what changed.
	CaseRef  *int64 `json:"case_ref,omitempty"`
	Remember bool   `json:"remember,omitempty"`
	Delta    bool   `json:"delta,omitempty"`
	// SEN2 are the options of sen2_return (the person-level XML return).
	SEN2 *report.ReturnOptions `json:"sen2,omitempty"`
}

// rawRequest is Request with the arguments of SDK types (and case_ref)
// left undecoded: when a request does not decode, diagnose finds which
// argument is at fault. Its fields shadow Request's of the same JSON name
// (encoding/json takes the shallower field), so it accepts exactly the
// fields Request does; Request's own Case, Firing, Facts, Origin, Events
// and CaseRef stay unset.
type rawRequest struct {
	Request
	Case    json.RawMessage `json:"case,omitempty"`
	Firing  json.RawMessage `json:"firing,omitempty"`
	Facts   json.RawMessage `json:"facts,omitempty"`
	Origin  json.RawMessage `json:"origin,omitempty"`
	Events  json.RawMessage `json:"events,omitempty"`
	CaseRef json.RawMessage `json:"case_ref,omitempty"`
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
