package store

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// DefaultWithin is the worklist horizon WorklistHandler uses when the
// request names none: two working weeks.
const DefaultWithin = 10

// WorklistPage is the JSON WorklistHandler serves.
type WorklistPage struct {
	AsOf   string     `json:"as_of"`
	Within int        `json:"within_working_days"`
	Filter Filter     `json:"filter"`
	Items  []WorkItem `json:"items"`
}

// WorklistHandler serves the worklist over HTTP (GET or HEAD): as JSON (a
// WorklistPage), or as an iCalendar feed when the path ends in ".ics" or
// the query has format=ics. The query may set la, district, officer,
// within (working days, default DefaultWithin; -1 for every running clock)
// and as_of (YYYY-MM-DD; default today in the UK by the store's clock).
// It does no authentication: mount it behind the host's, and give each
// officer a feed URL with a secret in it, since a calendar client cannot
// log in. A bad query is 400 with the *sdk.Error as JSON; a failure to
// make the list is 500, its error passed to onError (if not nil) to log.
func (s *Store) WorklistHandler(eng *sdk.Engine, onError func(error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		q := r.URL.Query()
		page := WorklistPage{AsOf: q.Get("as_of"), Within: DefaultWithin,
			Filter: Filter{LA: q.Get("la"), District: q.Get("district"), Officer: q.Get("officer")}}
		if page.AsOf == "" {
			page.AsOf = calendar.UKDate(s.now()).String()
		}
		if _, err := calendar.ParseDate(page.AsOf); err != nil {
			writeError(w, http.StatusBadRequest, &sdk.Error{Code: sdk.CodeInvalidInput, Pointer: "/as_of", Message: "as_of must be a date, YYYY-MM-DD"})
			return
		}
		if v := q.Get("within"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < -1 || n > calendar.MaxLength {
				writeError(w, http.StatusBadRequest, &sdk.Error{Code: sdk.CodeInvalidInput, Pointer: "/within",
					Message: "within must be a number of working days, -1 to " + strconv.Itoa(calendar.MaxLength)})
				return
			}
			page.Within = n
		}
		items, err := s.Worklist(r.Context(), eng, page.AsOf, page.Within, page.Filter)
		if err != nil {
			// A stored case the engine cannot judge, or the database: the
			// server's fault, and its text may name a case, so not shown.
			if onError != nil {
				onError(err)
			}
			writeError(w, http.StatusInternalServerError, &sdk.Error{Code: sdk.CodeInternal, Message: "the worklist could not be made"})
			return
		}
		if strings.HasSuffix(r.URL.Path, ".ics") || q.Get("format") == "ics" {
			w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
			_, _ = w.Write(ICal(items, s.now()))
			return
		}
		page.Items = items
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(page)
	})
}

// writeError writes an *sdk.Error as JSON with the status.
func writeError(w http.ResponseWriter, status int, e *sdk.Error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(e)
}
