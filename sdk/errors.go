package sdk

import (
	"errors"
	"fmt"
	"strings"
)

// Code is a stable code: the code of an Error (the constants below), of a
// Permission, or of one Problem (PolicyDiagnostics lists a policy's; an
// input problem's are such as bad_value, bad_date, required). Hosts switch
// on it; the message may change.
type Code string

// The error codes. The first six are the scenario codes of SCENARIOS.md, in
// their order of precedence after invalid_case. The engine never returns
// conflict: a store (sdk/store) does, when a firing was made from a case
// that another firing changed after it was loaded (its message names the
// event recorded first; load the case again and decide afresh).
const (
	CodeInvalidCase     Code = "invalid_case"
	CodeUnknownTrigger  Code = "unknown_trigger"
	CodeNotAuthorised   Code = "not_authorised"
	CodeNotPermitted    Code = "not_permitted"
	CodeInvalidInput    Code = "invalid_input"
	CodeGuardFailed     Code = "guard_failed"
	CodeInvalidPolicy   Code = "invalid_policy"
	CodeStatutoryFloor  Code = "statutory_floor"
	CodeLimitExceeded   Code = "limit_exceeded"
	CodeHistoryMismatch Code = "history_mismatch"
	CodeConflict        Code = "conflict"
	CodeInternal        Code = "internal_error"
)

// codes lists every error code; Codes returns a copy.
var codes = [...]Code{CodeInvalidCase, CodeUnknownTrigger, CodeNotAuthorised, CodeNotPermitted,
	CodeInvalidInput, CodeGuardFailed, CodeInvalidPolicy, CodeStatutoryFloor, CodeLimitExceeded,
	CodeHistoryMismatch, CodeConflict, CodeInternal}

// Codes lists every error code the SDK can return, in the order above. The
// list is a copy: a caller changing it changes nothing another caller sees.
func Codes() []Code { return append([]Code(nil), codes[:]...) }

// Error makes a Code an error, so the sentinels below are constants:
// errors.Is(err, sdk.ErrGuardFailed) is true for any *Error with that code.
func (c Code) Error() string { return string(c) }

// Sentinels for errors.Is, one per code. They are constants: no caller can
// change what another caller's errors.Is compares with.
const (
	ErrInvalidCase     = CodeInvalidCase
	ErrUnknownTrigger  = CodeUnknownTrigger
	ErrNotAuthorised   = CodeNotAuthorised
	ErrNotPermitted    = CodeNotPermitted
	ErrInvalidInput    = CodeInvalidInput
	ErrGuardFailed     = CodeGuardFailed
	ErrInvalidPolicy   = CodeInvalidPolicy
	ErrStatutoryFloor  = CodeStatutoryFloor
	ErrLimitExceeded   = CodeLimitExceeded
	ErrHistoryMismatch = CodeHistoryMismatch
	ErrConflict        = CodeConflict
	ErrInternal        = CodeInternal
)

// Error is the one error type the SDK returns. It is plain data: it
// marshals to JSON as it is, so every host (Go, CLI, JS, WASI) sees the same.
type Error struct {
	// Code is the stable code.
	Code Code `json:"code"`
	// Message is one line saying what went wrong.
	Message string `json:"message"`
	// Detail says why, and how to fix it.
	Detail string `json:"detail,omitempty"`
	// Pointer is the JSON pointer into the input at fault, e.g. "/data/from".
	Pointer string `json:"pointer,omitempty"`
	// Location is the policy position at fault, "file:line:col".
	Location string `json:"location,omitempty"`
	// Guards lists every failing guard (guard_failed).
	Guards []GuardFailure `json:"guards,omitempty"`
	// Problems lists every individual problem (invalid_input, invalid_policy).
	Problems []Problem `json:"problems,omitempty"`
}

// Problem is one fault among several, e.g. one bad payload field.
type Problem struct {
	// Code is a stable code for this problem.
	Code Code `json:"code"`
	// Message says what is wrong.
	Message string `json:"message"`
	// Severity is set on policy problems: "error" for one that stops the
	// policy compiling (Compile, sendflow check), "warning" for Lint's
	// advice (PolicyDiagnostics marks those codes Lint).
	Severity string `json:"severity,omitempty" jsonschema:"enum=error,enum=warning"`
	// Pointer is the JSON pointer of the bad field, if any.
	Pointer string `json:"pointer,omitempty"`
	// Location is the policy position, "file:line:col", if any (kept for
	// compatibility: File, Line and Column say the same, structured).
	Location string `json:"location,omitempty"`
	// File is the policy file of Location, if any.
	File string `json:"file,omitempty"`
	// Line is Location's line, from 1 (0 when only the file is known).
	Line int `json:"line,omitempty"`
	// Column is Location's column, from 1 (0 when only the file is known).
	Column int `json:"column,omitempty"`
	// Snippet is the policy source line with a caret under the column.
	Snippet string `json:"snippet,omitempty"`
}

// The severities of a Problem.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Error renders the error on one line: code, position, message and every
// failing guard.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Location != "" {
		b.WriteString(" at " + e.Location)
	}
	if e.Pointer != "" {
		b.WriteString(" at " + e.Pointer)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for _, g := range e.Guards {
		fmt.Fprintf(&b, "; %s: %s", g.ID, g.Reason)
	}
	return b.String()
}

// Is reports whether target is the same code (a sentinel such as
// ErrGuardFailed) or an *Error with the same code, so the sentinels work
// with errors.Is.
func (e *Error) Is(target error) bool {
	if c, ok := target.(Code); ok {
		return c == e.Code
	}
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code
	}
	return false
}

// AsError returns err as an *Error, wrapping any other error as internal_error.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeInternal, Message: err.Error()}
}
