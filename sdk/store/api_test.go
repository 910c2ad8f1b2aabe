package store_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/store"
)

func send(t *testing.T, h http.Handler, method, url string, body any) *httptest.ResponseRecorder {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, url, bytes.NewReader(b)))
	return rec
}

// TestCasesAPI: create, list, load and fire through the JSON API; a
// firing against a stale head is 409 naming the winner; an engine refusal
// is 422; an unknown case 404; nothing is lost.
func TestCasesAPI(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, _, _ := b.open(t)
			e := engine(t)
			h := s.CasesHandler(e, nil)
			c := e.NewCase(sdk.Facts{ID: "api-1", LA: "kent", District: "dover"})
			rec := send(t, h, http.MethodPost, "/cases", c)
			require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
			assert.Equal(t, http.StatusConflict, send(t, h, http.MethodPost, "/cases", c).Code, "the id is taken")

			rec = get(t, h, http.MethodGet, "/cases?district=dover")
			require.Equal(t, http.StatusOK, rec.Code)
			var list struct{ Cases []store.CaseSummary }
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &list))
			require.Len(t, list.Cases, 1)
			assert.Equal(t, "api-1", list.Cases[0].ID)

			var sc store.StoredCase
			rec = get(t, h, http.MethodGet, "/cases/api-1")
			require.Equal(t, http.StatusOK, rec.Code)
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &sc))
			stale := sc.Head

			fire := store.FireRequest{Head: sc.Head, Firing: sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"}}
			rec = send(t, h, http.MethodPost, "/cases/api-1/fire", fire)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			var out sdk.Outcome
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
			assert.Equal(t, "request_received", out.Case.States["ehc"])

			// A second officer decided on the case as it was before.
			late := store.FireRequest{Head: stale, Firing: sdk.Firing{Trigger: "ehc.brought_to_attention", Actor: "health", At: "2026-01-06"}}
			rec = send(t, h, http.MethodPost, "/cases/api-1/fire", late)
			require.Equal(t, http.StatusConflict, rec.Code, rec.Body.String())
			assert.Contains(t, rec.Body.String(), "ehc.requested by parent")

			// The engine refuses: 422 with its code.
			rec = send(t, h, http.MethodPost, "/cases/api-1/fire", store.FireRequest{Head: store.HeadOf(out.Case),
				Firing: sdk.Firing{Trigger: "ehc.plan_finalised", Actor: "parent", At: "2026-01-07"}})
			require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
			assert.Contains(t, rec.Body.String(), `"not_authorised"`)

			assert.Equal(t, http.StatusNotFound, get(t, h, http.MethodGet, "/cases/nobody").Code)
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/cases", bytes.NewReader([]byte(`{"states":`))))
			assert.Equal(t, http.StatusBadRequest, rec.Code)

			loaded, _, err := s.Load(t.Context(), "api-1")
			require.NoError(t, err)
			assert.Len(t, loaded.History, 1, "exactly the one firing that won is stored")
			assert.True(t, e.Verify(loaded).OK)
		})
	}
}
