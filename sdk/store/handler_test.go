package store_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/store"
)

func get(t *testing.T, h http.Handler, method, url string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, url, nil))
	return rec
}

// TestWorklistHandler: the worklist served as JSON and as a feed.
func TestWorklistHandler(t *testing.T) {
	s := sqliteStore(t) // its clock says 2026-03-30
	e := engine(t)
	caseload(t, s, e)
	var logged []error
	h := s.WorklistHandler(e, func(err error) { logged = append(logged, err) })

	rec := get(t, h, http.MethodGet, "/worklist?la=kent&within=5")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	var page store.WorklistPage
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
	assert.Equal(t, "2026-03-30", page.AsOf)
	assert.Equal(t, 5, page.Within)
	assert.Equal(t, store.Filter{LA: "kent"}, page.Filter)
	assert.Equal(t, []string{"c-d", "c-a", "c-b"}, caseIDs(page.Items))

	// The default horizon is ten working days: c-c (9 April) is in it.
	rec = get(t, h, http.MethodGet, "/worklist?district=dover&as_of=2026-03-30")
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
	assert.Equal(t, store.DefaultWithin, page.Within)
	assert.Equal(t, []string{"c-a", "c-c", "c-b"}, caseIDs(page.Items))

	for _, url := range []string{"/worklist/o-1.ics?officer=o-1&within=5", "/worklist?officer=o-1&within=5&format=ics"} {
		rec = get(t, h, http.MethodGet, url)
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, "text/calendar; charset=utf-8", rec.Header().Get("Content-Type"))
		evs := events(t, parseICal(t, rec.Body.Bytes()))
		require.Len(t, evs, 2, url)
		assert.Equal(t, "20260323", evs[0]["DTSTART"].value)
		assert.Equal(t, "20260330T080000Z", evs[0]["DTSTAMP"].value)
	}

	for url, ptr := range map[string]string{"/worklist?within=soon": "/within", "/worklist?within=-2": "/within", "/worklist?as_of=2026-02-30": "/as_of"} {
		rec = get(t, h, http.MethodGet, url)
		assert.Equal(t, http.StatusBadRequest, rec.Code, url)
		var se sdk.Error
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &se))
		assert.Equal(t, sdk.CodeInvalidInput, se.Code)
		assert.Equal(t, ptr, se.Pointer)
	}
	assert.Equal(t, http.StatusMethodNotAllowed, get(t, h, http.MethodPost, "/worklist").Code)
	assert.Empty(t, logged)

	// A database that fails is a 500 that does not show why; the host's
	// onError gets the error.
	require.NoError(t, s.Close())
	rec = get(t, h, http.MethodGet, "/worklist")
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.NotContains(t, rec.Body.String(), "closed")
	require.Len(t, logged, 1)
	assert.Contains(t, logged[0].Error(), "store: worklist: sql: database is closed")
}
