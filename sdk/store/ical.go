package store

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// ICal writes a worklist as an iCalendar feed (RFC 5545) that officers
// subscribe to in Outlook or Google Calendar: one all-day event per item on
// its due date. An event says the case id, the clock, its status and due
// date, the district and the citation; never a name (the officer's id is
// not written either: the feed is already the officer's). Each event's UID
// is stable for a case's clock key, so a calendar updates the event when
// the clock is restarted or met rather than add another. now is DTSTAMP.
// Lines end in CRLF and are folded at 75 octets.
func ICal(items []WorkItem, now time.Time) []byte {
	var w icalWriter
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:-//sendflow//worklist//EN")
	w.line("CALSCALE:GREGORIAN")
	w.line("METHOD:PUBLISH")
	w.line("X-WR-CALNAME:sendflow worklist")
	stamp := now.UTC().Format("20060102T150405Z")
	for _, it := range items {
		due, err := time.Parse(time.DateOnly, it.Due)
		if err != nil {
			continue // Worklist items always have a date
		}
		w.line("BEGIN:VEVENT")
		w.line("UID:" + uid(it) + "@sendflow")
		w.line("DTSTAMP:" + stamp)
		w.line("DTSTART;VALUE=DATE:" + due.Format("20060102"))
		w.line("DTEND;VALUE=DATE:" + due.AddDate(0, 0, 1).Format("20060102"))
		w.line("SUMMARY:" + escapeText(summary(it)))
		w.line("DESCRIPTION:" + escapeText(description(it)))
		if it.District != "" {
			w.line("CATEGORIES:" + escapeText(it.District))
		}
		w.line("TRANSP:TRANSPARENT")
		w.line("END:VEVENT")
	}
	w.line("END:VCALENDAR")
	return []byte(w.b.String())
}

// uid is stable for one clock key of one case.
func uid(it WorkItem) string {
	sum := sha256.Sum256([]byte("sendflow/worklist/v1\n" + it.CaseID + "\n" + it.Key))
	return hex.EncodeToString(sum[:16])
}

func summary(it WorkItem) string {
	what := "due"
	if it.Kind == "window" {
		what = "window ends"
	}
	s := it.Key + " " + what + ", case " + it.CaseID
	if it.Status == "missed" {
		s = "OVERDUE: " + s
	}
	return s
}

func description(it WorkItem) string {
	var b strings.Builder
	b.WriteString("Case " + it.CaseID + ", clock " + it.Key + " (" + string(it.Kind) + "), " + string(it.Status))
	b.WriteString(", started " + it.StartedAt + ", due " + it.Due + ".")
	if it.District != "" {
		b.WriteString("\nDistrict: " + it.District)
	}
	if it.Citation != "" {
		b.WriteString("\nCitation: " + it.Citation)
	}
	return b.String()
}

// escapeText escapes an RFC 5545 TEXT value (3.3.11): backslash, semicolon,
// comma and newline; other control characters are dropped.
func escapeText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\', r == ';', r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// icalWriter writes content lines folded at 75 octets (RFC 5545 3.1), never
// inside a UTF-8 sequence.
type icalWriter struct{ b strings.Builder }

func (w *icalWriter) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.b.WriteString(s[:cut] + "\r\n ")
		s = s[cut:]
		limit = 74 // a continuation line starts with the space
	}
	w.b.WriteString(s + "\r\n")
}
