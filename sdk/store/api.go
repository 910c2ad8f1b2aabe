package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/sendflow/sendflow/sdk"
)

// MaxRequestBytes caps one request body of CasesHandler.
const MaxRequestBytes = sdk.MaxCaseBytes + 1<<20

// MaxListed caps the cases one GET /cases lists.
const MaxListed = 1000

// CaseSummary is one stored case as GET /cases lists it.
type CaseSummary struct {
	ID        string `json:"id"`
	LA        string `json:"la,omitempty"`
	District  string `json:"district,omitempty"`
	Officer   string `json:"officer,omitempty"`
	HeadSeq   int    `json:"head_seq"`
	UpdatedAt string `json:"updated_at"`
}

// StoredCase is a case with its head, as GET /cases/ID returns it.
type StoredCase struct {
	Case sdk.Case `json:"case"`
	Head Head     `json:"head"`
}

// FireRequest is the body of POST /cases/ID/fire: the firing, and the head
// the officer saw (the case as they decided on it).
type FireRequest struct {
	Firing sdk.Firing `json:"firing"`
	Head   Head       `json:"head"`
}

// List returns the stored cases, most recently changed first, at most
// limit of them, filtered like the worklist.
func (s *Store) List(ctx context.Context, f Filter, limit int) ([]CaseSummary, error) {
	if limit <= 0 || limit > MaxListed {
		limit = MaxListed
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT case_id, la, district, officer, head_seq, updated_at FROM sendflow_cases
		WHERE (? = '' OR la = ?) AND (? = '' OR district = ?) AND (? = '' OR officer = ?)
		ORDER BY updated_at DESC, case_id LIMIT ?`), f.LA, f.LA, f.District, f.District, f.Officer, f.Officer, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list: %w", err)
	}
	defer rows.Close()
	var out []CaseSummary
	for rows.Next() {
		var c CaseSummary
		if err := rows.Scan(&c.ID, &c.LA, &c.District, &c.Officer, &c.HeadSeq, &c.UpdatedAt); err != nil {
			return nil, fmt.Errorf("store: list: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CasesHandler serves stored, shared cases as a small JSON API, every
// firing judged again on the server's engine (the browser's answer is a
// preview; the server decides, and both run the same engine):
//
//	GET  /cases              the caseload (CaseSummary list; la, district, officer filters)
//	POST /cases              store a new case (a Case; it must verify): 201
//	GET  /cases/ID           the case and its head (StoredCase)
//	POST /cases/ID/fire      a FireRequest: 200 and the outcome; 409 conflict when the
//	                         case moved on since Head; 422 an engine refusal
//	GET  /worklist[.ics]     WorklistHandler
//
// Errors are an *sdk.Error as JSON. It does no authentication: mount it
// behind the host's. onError, if not nil, receives server-side failures.
func (s *Store) CasesHandler(eng *sdk.Engine, onError func(error)) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /worklist", s.WorklistHandler(eng, onError))
	mux.Handle("GET /worklist.ics", s.WorklistHandler(eng, onError))
	mux.HandleFunc("GET /cases", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		list, err := s.List(r.Context(), Filter{LA: q.Get("la"), District: q.Get("district"), Officer: q.Get("officer")}, MaxListed)
		if err != nil {
			s.fail(w, err, onError)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"cases": nonNil(list)})
	})
	mux.HandleFunc("POST /cases", func(w http.ResponseWriter, r *http.Request) {
		var c sdk.Case
		if !readBody(w, r, &c) {
			return
		}
		if err := s.Create(r.Context(), eng, c); err != nil {
			s.fail(w, err, onError)
			return
		}
		writeJSON(w, http.StatusCreated, StoredCase{Case: c, Head: HeadOf(c)})
	})
	mux.HandleFunc("GET /cases/{id}", func(w http.ResponseWriter, r *http.Request) {
		c, h, err := s.Load(r.Context(), r.PathValue("id"))
		if err != nil {
			s.fail(w, err, onError)
			return
		}
		writeJSON(w, http.StatusOK, StoredCase{Case: c, Head: h})
	})
	mux.HandleFunc("POST /cases/{id}/fire", func(w http.ResponseWriter, r *http.Request) {
		var req FireRequest
		if !readBody(w, r, &req) {
			return
		}
		out, err := s.fireAt(r.Context(), eng, r.PathValue("id"), req)
		if err != nil {
			s.fail(w, err, onError)
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
	return mux
}

// fireAt fires req on case id if its head is still req.Head.
func (s *Store) fireAt(ctx context.Context, eng *sdk.Engine, id string, req FireRequest) (sdk.Outcome, error) {
	c, h, err := s.Load(ctx, id)
	if err != nil {
		return sdk.Outcome{}, err
	}
	if h != req.Head {
		return sdk.Outcome{}, s.conflict(ctx, id, req.Head.Seq+1, nil)
	}
	out, err := eng.FireContext(ctx, c, req.Firing)
	if err != nil {
		return sdk.Outcome{}, err
	}
	if err := s.Append(ctx, id, h, out); err != nil {
		return sdk.Outcome{}, err
	}
	return out, nil
}

// fail writes err with the status it calls for.
func (s *Store) fail(w http.ResponseWriter, err error, onError func(error)) {
	var ce *ConflictError
	var se *sdk.Error
	switch {
	case errors.As(err, &ce):
		writeError(w, http.StatusConflict, sdk.AsError(ce.Err))
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, &sdk.Error{Code: sdk.CodeInvalidInput, Message: "no case is stored with that id", Pointer: "/id"})
	case errors.As(err, &se) && se.Code == sdk.CodeConflict:
		writeError(w, http.StatusConflict, se)
	case se != nil && se.Code != sdk.CodeInternal:
		writeError(w, http.StatusUnprocessableEntity, se)
	default:
		if onError != nil {
			onError(err)
		}
		writeError(w, http.StatusInternalServerError, &sdk.Error{Code: sdk.CodeInternal, Message: "the request could not be completed"})
	}
}

// readBody decodes a JSON body of at most MaxRequestBytes into v, strictly,
// answering 400 when it cannot.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, MaxRequestBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg := "the body is not valid JSON for this request"
		if strings.Contains(err.Error(), "unknown field") {
			msg += ": " + err.Error()
		}
		writeError(w, http.StatusBadRequest, &sdk.Error{Code: sdk.CodeInvalidInput, Message: msg})
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func nonNil(l []CaseSummary) []CaseSummary {
	if l == nil {
		return []CaseSummary{}
	}
	return l
}
