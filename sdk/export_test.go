package sdk

import "github.com/sendflow/sendflow/sdk/internal/canon"

// EventHash exposes the event hash to the external tests, so a tamper test
// can forge a self-consistent chain and show that replay still catches it.
func EventHash(ev Event) string { return eventHash(&ev, nil) }

// HistoryBytes exposes the history size estimate behind Replay's MaxCaseBytes check.
var HistoryBytes = historyBytes

// CaseBytes exposes the whole case's size estimate behind MaxCaseBytes.
func CaseBytes(c Case) int { return caseBytes(&c) }

// CanonSize is the payload size estimate behind MaxPayloadBytes.
func CanonSize(v any) int {
	n, _ := canon.Normalise(v)
	return canon.Size(n)
}

// CompileDefaultEagerly compiles the default policy with every expression
// compiled at once (what Compile does for any other policy), to compare
// with Compile()'s lazily compiled expressions.
func CompileDefaultEagerly() (*Engine, error) {
	return compilePolicy(false, nil, DefaultGuardCost, DefaultCallSteps)
}

// EventCanonical is the exact byte string an event's Hash is the SHA-256
// of: the version prefix and the canonical form without the Hash.
func EventCanonical(ev Event) []byte { return appendEvent([]byte(eventPrefix), &ev, nil) }

// AppendEventCanonical appends EventCanonical(*ev) to b.
func AppendEventCanonical(b []byte, ev *Event) []byte {
	return appendEvent(append(b, eventPrefix...), ev, nil)
}
