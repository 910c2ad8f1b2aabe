package portal

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/letters"
)

func postLetter(t *testing.T, h http.Handler, kind string, form url.Values) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/letters/"+kind, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(b)
}

// refusedCase is a request refused on Tue 2026-02-10: appeal and mediation
// by Fri 10 April 2026 (2 months, a working day, no HESC r12 move).
func refusedCase(t *testing.T) sdk.Case {
	t.Helper()
	e, err := sdk.Default()
	require.NoError(t, err)
	c := e.NewCase(sdk.Facts{ID: "case-7", LA: "kent", Child: sdk.Child{DateOfBirth: "2016-09-20"}})
	for _, f := range []sdk.Firing{
		{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"},
		{Trigger: "ehc.decided_not_to_assess", Actor: "la_officer", At: "2026-02-10"},
	} {
		out, err := e.Fire(c, f)
		require.NoError(t, err)
		c = out.Case
	}
	return c
}

func letterForm(t *testing.T, c sdk.Case, extra map[string]string) url.Values {
	b, err := json.Marshal(c)
	require.NoError(t, err)
	f := url.Values{"case": {string(b)}, "policy": {"default"}, "child_name": {"Sam"},
		"mediation_name": {"Kent Mediation"}, "mediation_phone": {"01622 000000"},
		"reasons": {"First reason.\r\n\r\nSecond reason."}}
	for k, v := range extra {
		f.Set(k, v)
	}
	return f
}

func TestLettersForThePagesCase(t *testing.T) {
	h, err := Handler(Options{WasmDir: wasmDir(t)})
	require.NoError(t, err)
	c := refusedCase(t)

	res, body := get(t, h, "/letters.json")
	require.Equal(t, http.StatusOK, res.StatusCode)
	var kinds []LetterKind
	require.NoError(t, json.Unmarshal([]byte(body), &kinds))
	require.Len(t, kinds, len(letters.Kinds()))
	assert.Equal(t, LetterKind{Kind: letters.NotToAssess, Decision: "refusal_to_assess"}, kinds[0])

	res, body = postLetter(t, h, string(letters.NotToAssess), letterForm(t, c, nil))
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	assert.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Contains(t, res.Header.Get("Content-Security-Policy"), "style-src 'unsafe-inline'")
	assert.NotContains(t, res.Header.Get("Content-Security-Policy"), "script-src")
	for _, want := range []string{"Friday 10 April 2026", "Kent Mediation", "01622 000000", "<p>First reason.</p>", "<p>Second reason.</p>", "@page { size: A4", "case-7"} {
		assert.Contains(t, body, want)
	}

	res, body = postLetter(t, h, string(letters.NotToAssess), letterForm(t, c, map[string]string{"locale": "cy"}))
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	assert.Equal(t, "cy", res.Header.Get("Content-Language"))
	assert.Contains(t, body, "Dydd Gwener 10 Ebrill 2026")
}

func TestLetterRefusals(t *testing.T) {
	h, err := Handler(Options{WasmDir: wasmDir(t)})
	require.NoError(t, err)
	c := refusedCase(t)
	tampered := c
	tampered.History = append([]sdk.Event(nil), c.History...)
	tampered.History[1].At = "2026-02-11"

	for name, tc := range map[string]struct {
		kind   string
		form   url.Values
		status int
		says   string
	}{
		"an unknown letter":            {"nonsense", letterForm(t, c, nil), http.StatusNotFound, "no letter called"},
		"a decision the case lacks":    {string(letters.Cease), letterForm(t, c, nil), http.StatusUnprocessableEntity, "no cease decision"},
		"a case that is not JSON":      {string(letters.NotToAssess), url.Values{"case": {"{"}, "policy": {"default"}}, http.StatusBadRequest, "not valid JSON"},
		"a tampered case":              {string(letters.NotToAssess), letterForm(t, tampered, nil), http.StatusUnprocessableEntity, "does not verify"},
		"a policy the server lacks":    {string(letters.NotToAssess), letterForm(t, c, map[string]string{"policy": "upload-x"}), http.StatusUnprocessableEntity, "not one this server offers"},
		"an upload that won't compile": {string(letters.NotToAssess), letterForm(t, c, map[string]string{"policy": "upload-x", "policy_source": "id: [x"}), http.StatusUnprocessableEntity, "does not compile"},
	} {
		t.Run(name, func(t *testing.T) {
			res, body := postLetter(t, h, tc.kind, tc.form)
			assert.Equal(t, tc.status, res.StatusCode)
			assert.Contains(t, body, tc.says)
			assert.Contains(t, body, "data-letter-problem")
		})
	}
}

// The request is capped at MaxLetterRequestBytes: at the cap it is read
// (and judged on its content), one byte past it is refused as too large.
func TestLetterRequestCap(t *testing.T) {
	h, err := Handler(Options{WasmDir: wasmDir(t)})
	require.NoError(t, err)
	for _, tc := range []struct {
		size   int
		status int
	}{{MaxLetterRequestBytes, http.StatusBadRequest}, {MaxLetterRequestBytes + 1, http.StatusRequestEntityTooLarge}} {
		prefix := "policy=default&case="
		body := prefix + strings.Repeat("x", tc.size-len(prefix))
		req := httptest.NewRequest(http.MethodPost, "/letters/"+string(letters.NotToAssess), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Equal(t, tc.status, rec.Code, "a body of %d bytes", tc.size)
	}
}

// Without a store in front of it, the portal says there is no caseload.
func TestNoStoreNoCaseload(t *testing.T) {
	h, err := Handler(Options{WasmDir: wasmDir(t)})
	require.NoError(t, err)
	res, body := get(t, h, "/api/cases")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.JSONEq(t, `{"store": false}`, body)
}
