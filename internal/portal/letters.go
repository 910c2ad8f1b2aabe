package portal

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"sync"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/letters"
)

// MaxLetterRequestBytes caps one POST /letters/{kind} body: a case, an
// uploaded policy's text and the letter's own fields.
const MaxLetterRequestBytes = sdk.MaxCaseBytes + sdk.MaxPolicyBytes + 64<<10

// letterCSP lets a letter's own print stylesheet (inline in the document)
// apply and nothing else run: a letter is a document to read and print.
const letterCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// LetterKind is one letter the portal offers, as GET /letters.json lists it.
type LetterKind struct {
	Kind letters.Kind `json:"kind"`
	// Decision is the appealable decision (Decision.Kind) it gives notice of.
	Decision string `json:"decision"`
}

// letterServer writes the SDK's letters for the case the page holds.
type letterServer struct {
	writer  *letters.Writer
	engines map[string]*sdk.Engine // by policy document id
	mu      sync.Mutex
	upload  map[string]*sdk.Engine // uploaded policies by their text, compiled once
}

func (ls *letterServer) kinds(w http.ResponseWriter, _ *http.Request) {
	var out []LetterKind
	for _, k := range letters.Kinds() {
		out = append(out, LetterKind{Kind: k, Decision: letters.DecisionKind(k)})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// write answers POST /letters/{kind}: a form with the case (JSON), the
// policy it runs on (policy: a document id; policy_source: an uploaded
// overlay's text) and the letter's fields. The case must verify on that
// policy. The answer is the letter, a printable HTML document.
func (ls *letterServer) write(w http.ResponseWriter, r *http.Request) {
	kind := letters.Kind(r.PathValue("kind"))
	if letters.DecisionKind(kind) == "" {
		letterProblem(w, http.StatusNotFound, fmt.Sprintf("There is no letter called %q.", kind))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxLetterRequestBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			letterProblem(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request is larger than %d bytes.", MaxLetterRequestBytes))
			return
		}
		letterProblem(w, http.StatusBadRequest, "The request is not a form.")
		return
	}
	e, err := ls.engine(r.PostFormValue("policy"), r.PostFormValue("policy_source"))
	if err != nil {
		letterProblem(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	var c sdk.Case
	if err := json.Unmarshal([]byte(r.PostFormValue("case")), &c); err != nil {
		letterProblem(w, http.StatusBadRequest, "The case is not valid JSON.")
		return
	}
	if rep := e.Verify(c); !rep.OK {
		letterProblem(w, http.StatusUnprocessableEntity, "The case's history does not verify on its policy, so no letter is written from it: "+rep.Reason)
		return
	}
	l, err := ls.writer.Write(e, c, kind, letterParams(r))
	if err != nil {
		letterProblem(w, http.StatusUnprocessableEntity, strings.TrimPrefix(err.Error(), "letters: "))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", letterCSP)
	w.Header().Set("Content-Language", l.Locale)
	_, _ = w.Write([]byte(l.HTML))
}

// engine is the compiled policy for document id, or an uploaded overlay's.
func (ls *letterServer) engine(id, source string) (*sdk.Engine, error) {
	if e, ok := ls.engines[id]; ok {
		return e, nil
	}
	if source == "" {
		return nil, fmt.Errorf("the policy %q is not one this server offers: upload it with the case", id)
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if e, ok := ls.upload[source]; ok {
		return e, nil
	}
	e, err := sdk.Compile(sdk.PolicySource{Name: id, Data: []byte(source)})
	if err != nil {
		return nil, fmt.Errorf("the uploaded policy does not compile: %v", err)
	}
	if len(ls.upload) >= 16 { // a few uploads are kept; more start again
		ls.upload = map[string]*sdk.Engine{}
	}
	ls.upload[source] = e
	return e, nil
}

// letterParams reads the letter's own fields; reasons are one per
// paragraph, paragraphs separated by a blank line.
func letterParams(r *http.Request) letters.Params {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	var reasons []string
	for _, p := range strings.Split(strings.ReplaceAll(v("reasons"), "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			reasons = append(reasons, p)
		}
	}
	return letters.Params{
		Locale: v("locale"), Recipient: v("recipient"), ChildName: v("child_name"), Authority: v("authority"),
		Reasons: reasons, School: v("school"), Officer: v("officer"),
		MediationAdviser: letters.Contact{Name: v("mediation_name"), Phone: v("mediation_phone"),
			Email: v("mediation_email"), Address: v("mediation_address")},
		Advice: letters.Contact{Name: v("advice_name"), Phone: v("advice_phone"), Email: v("advice_email")},
	}
}

var letterProblemTmpl = template.Must(template.New("problem").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>The letter could not be written</title><link rel="stylesheet" href="/govuk-frontend.min.css"></head>
<body class="govuk-template__body"><main class="govuk-width-container govuk-main-wrapper" id="main">
<h1 class="govuk-heading-l">The letter could not be written</h1>
<p class="govuk-body" data-letter-problem>{{.}}</p>
<p class="govuk-body"><a class="govuk-link" href="/">Back to the case</a></p></main></body></html>
`))

func letterProblem(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = letterProblemTmpl.Execute(w, msg)
}

// newLetterServer writes letters from over (a host's own templates, nil
// for none) before the SDK's, on engines by policy document id.
func newLetterServer(over fs.FS, engines map[string]*sdk.Engine) *letterServer {
	return &letterServer{writer: letters.New(over), engines: engines, upload: map[string]*sdk.Engine{}}
}
