package store_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/store"
)

// icalProp is one unfolded content line: NAME;PARAMS:VALUE.
type icalProp struct{ name, params, value string }

// parseICal checks the RFC 5545 framing of a feed (CRLF line ends, no
// physical line over 75 octets, none splitting a UTF-8 character), unfolds
// it and returns its content lines.
func parseICal(t *testing.T, feed []byte) []icalProp {
	t.Helper()
	s := string(feed)
	require.True(t, strings.HasSuffix(s, "\r\n"), "the feed ends with CRLF")
	physical := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var logical []string
	for i, l := range physical {
		require.NotContains(t, l, "\n", "line %d: a bare LF", i+1)
		require.NotContains(t, l, "\r", "line %d: a bare CR", i+1)
		require.LessOrEqual(t, len(l), 75, "line %d is %d octets: %q", i+1, len(l), l)
		require.True(t, utf8.ValidString(l), "line %d splits a UTF-8 character", i+1)
		if strings.HasPrefix(l, " ") {
			require.NotEmpty(t, logical, "the first line is a continuation")
			logical[len(logical)-1] += l[1:]
			continue
		}
		logical = append(logical, l)
	}
	props := make([]icalProp, 0, len(logical))
	for _, l := range logical {
		head, value, ok := strings.Cut(l, ":")
		require.True(t, ok, "no colon in %q", l)
		name, params, _ := strings.Cut(head, ";")
		props = append(props, icalProp{name, params, value})
	}
	return props
}

// unescape reverses RFC 5545 TEXT escaping, failing on a bare special.
func unescape(t *testing.T, v string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ',' || c == ';' {
			t.Fatalf("unescaped %q in %q", c, v)
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		require.Less(t, i, len(v), "a trailing backslash in %q", v)
		switch v[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		case '\\', ';', ',':
			b.WriteByte(v[i])
		default:
			t.Fatalf("bad escape \\%c in %q", v[i], v)
		}
	}
	return b.String()
}

// events groups a feed's VEVENTs, each a map from property name to value.
func events(t *testing.T, props []icalProp) []map[string]icalProp {
	t.Helper()
	require.Equal(t, icalProp{"BEGIN", "", "VCALENDAR"}, props[0])
	require.Equal(t, icalProp{"END", "", "VCALENDAR"}, props[len(props)-1])
	var out []map[string]icalProp
	var cur map[string]icalProp
	for _, p := range props[1 : len(props)-1] {
		switch {
		case p.name == "BEGIN" && p.value == "VEVENT":
			require.Nil(t, cur, "nested VEVENT")
			cur = map[string]icalProp{}
		case p.name == "END" && p.value == "VEVENT":
			require.NotNil(t, cur)
			out = append(out, cur)
			cur = nil
		case cur != nil:
			cur[p.name] = p
		}
	}
	require.Nil(t, cur, "an unterminated VEVENT")
	return out
}

// TestICalFeed: the worklist as a feed an officer subscribes to.
func TestICalFeed(t *testing.T) {
	s := sqliteStore(t)
	ctx, e := context.Background(), engine(t)
	caseload(t, s, e)
	items, err := s.Worklist(ctx, e, "2026-03-30", 5, store.Filter{LA: "kent"})
	require.NoError(t, err)
	now := time.Date(2026, 3, 30, 7, 5, 9, 0, time.FixedZone("BST", 3600))
	props := parseICal(t, store.ICal(items, now))
	header := map[string]string{}
	for _, p := range props[1:6] {
		header[p.name] = p.value
	}
	assert.Equal(t, map[string]string{"VERSION": "2.0", "PRODID": "-//sendflow//worklist//EN", "CALSCALE": "GREGORIAN", "METHOD": "PUBLISH",
		"X-WR-CALNAME": "sendflow worklist"}, header)
	evs := events(t, props)
	require.Len(t, evs, 3)
	d := evs[0] // c-d, missed
	assert.Equal(t, icalProp{"DTSTART", "VALUE=DATE", "20260323"}, d["DTSTART"])
	assert.Equal(t, icalProp{"DTEND", "VALUE=DATE", "20260324"}, d["DTEND"])
	assert.Equal(t, "20260330T060509Z", d["DTSTAMP"].value)
	assert.Equal(t, "OVERDUE: ehc_decision_to_assess due, case c-d", unescape(t, d["SUMMARY"].value))
	assert.Equal(t, "Case c-d, clock ehc_decision_to_assess (duty), missed, started 2026-02-09, due 2026-03-23.\nDistrict: canterbury\nCitation: R5(1); R5(4)",
		unescape(t, d["DESCRIPTION"].value))
	assert.Equal(t, "canterbury", d["CATEGORIES"].value)
	a := evs[1]
	assert.Equal(t, "20260406", a["DTSTART"].value)
	assert.Equal(t, "ehc_decision_to_assess due, case c-a", unescape(t, a["SUMMARY"].value))

	// UIDs are distinct per case, and the same in tomorrow's feed, which
	// adds c-c (due Thursday 9 April, now within five working days).
	var uids []string
	for _, ev := range evs {
		uids = append(uids, ev["UID"].value)
		assert.True(t, strings.HasSuffix(ev["UID"].value, "@sendflow"))
	}
	later, err := s.Worklist(ctx, e, "2026-03-31", 5, store.Filter{LA: "kent"})
	require.NoError(t, err)
	var laterUIDs []string
	for _, ev := range events(t, parseICal(t, store.ICal(later, now.AddDate(0, 0, 1)))) {
		laterUIDs = append(laterUIDs, ev["UID"].value)
	}
	assert.Equal(t, []string{"c-d", "c-a", "c-c", "c-b"}, caseIDs(later), "c-c is officer o-1's, before o-2's c-b")
	require.Len(t, laterUIDs, 4)
	assert.Equal(t, uids, []string{laterUIDs[0], laterUIDs[1], laterUIDs[3]})
	assert.NotContains(t, uids, laterUIDs[2])

	// No officer id and no name: the feed names cases and clocks only.
	assert.NotContains(t, string(store.ICal(items, now)), "o-1")
}

// TestICalEscapesAndFolds: text with every special character, and lines
// long enough to fold, some across multi-byte characters, come back intact.
func TestICalEscapesAndFolds(t *testing.T) {
	long := strings.Repeat("é£€ü", 40) // 2-, 2-, 3- and 2-byte characters
	it := store.WorkItem{CaseID: `c,1;\x`, District: "Dover, East; \\ Kent\nnorth", Key: "ehc_advice.medical", Clock: "ehc_advice",
		Kind: sdk.ClockWindow, Status: sdk.ClockRunning, StartedAt: "2026-01-05", Due: "2026-12-31", Citation: long}
	evs := events(t, parseICal(t, store.ICal([]store.WorkItem{it}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	require.Len(t, evs, 1)
	ev := evs[0]
	assert.Equal(t, `ehc_advice.medical window ends, case c,1;\x`, unescape(t, ev["SUMMARY"].value))
	assert.Equal(t, "Dover, East; \\ Kent\nnorth", unescape(t, ev["CATEGORIES"].value))
	assert.Equal(t, "Case c,1;\\x, clock ehc_advice.medical (window), running, started 2026-01-05, due 2026-12-31.\nDistrict: Dover, East; \\ Kent\nnorth\nCitation: "+long,
		unescape(t, ev["DESCRIPTION"].value))
	assert.Equal(t, "20270101", ev["DTEND"].value, "an all-day event ends the next day, across a year end")
}

// TestICalEmpty: no items is still a calendar a client accepts.
func TestICalEmpty(t *testing.T) {
	props := parseICal(t, store.ICal(nil, time.Unix(0, 0)))
	assert.Empty(t, events(t, props))
	assert.Len(t, props, 7)
}
