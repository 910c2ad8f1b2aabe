package bridge

import (
	"container/list"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"

	"github.com/sendflow/sendflow/sdk"
)

// Limits of the case cache (see Case refs in the package documentation).
const (
	// MaxCases caps the cases the bridge remembers at once.
	MaxCases = 256
	// MaxCaseCacheBytes caps the memory they hold, counted as the JSON
	// bytes that carried each case to the host. Successive cases share
	// their history events, so the real memory is well under this.
	MaxCaseCacheBytes = 64 << 20
)

// Problem codes of an invalid_input answer about a case_ref (pointer
// "/case_ref"). ProblemCaseRefUnknown is the one a host answers by sending
// the case itself: the ref was evicted, or never issued.
const (
	ProblemCaseRefUnknown     sdk.Code = "case_ref_unknown"
	ProblemCaseRefOtherEngine sdk.Code = "case_ref_other_engine"
	ProblemCaseRefInvalid     sdk.Code = "case_ref_invalid"
)

type cacheEntry struct {
	ref    int64
	engine int
	c      sdk.Case
	size   int
	at     *list.Element // in caseCache.lru
}

// caseCache is a Bridge's case cache: a map from ref to entry and a list in
// recency order (the front is the most recent), bounded by maxCases cases
// and maxBytes bytes. Refs count up from 1 and are never reused. Cases are
// immutable once stored: the SDK never changes its input.
type caseCache struct {
	sync.Mutex
	maxCases, maxBytes int
	last               int64
	m                  map[int64]*cacheEntry
	lru                list.List // of *cacheEntry
	bytes              int
}

// remember stores a case returned by engine h under a new ref; its size is
// set by sized once the response is encoded.
func (cc *caseCache) remember(h int, c sdk.Case) *cacheEntry {
	c = normalise(c)
	cc.Lock()
	defer cc.Unlock()
	cc.last++
	e := &cacheEntry{ref: cc.last, engine: h, c: c}
	cc.m[e.ref] = e
	e.at = cc.lru.PushFront(e)
	cc.evict()
	return e
}

// sized records the bytes that carried e's case and evicts what no longer
// fits (e itself when it alone is over the byte limit).
func (cc *caseCache) sized(e *cacheEntry, n int) {
	cc.Lock()
	defer cc.Unlock()
	if cc.m[e.ref] != e {
		return
	}
	cc.bytes += n - e.size
	e.size = n
	cc.evict()
}

// evict drops the least recently used cases until both limits hold.
func (cc *caseCache) evict() {
	for len(cc.m) > cc.maxCases || (cc.bytes > cc.maxBytes && len(cc.m) > 0) {
		old := cc.lru.Remove(cc.lru.Back()).(*cacheEntry)
		delete(cc.m, old.ref)
		cc.bytes -= old.size
	}
}

// recall returns the case stored under ref for engine h and its size.
func (cc *caseCache) recall(h int, ref int64) (sdk.Case, int, *sdk.Error) {
	if ref <= 0 {
		return sdk.Case{}, 0, refError(ProblemCaseRefInvalid, fmt.Sprintf("case_ref %d is not a ref: refs are positive whole numbers the bridge returned", ref))
	}
	cc.Lock()
	defer cc.Unlock()
	e := cc.m[ref]
	if e == nil {
		return sdk.Case{}, 0, refError(ProblemCaseRefUnknown, fmt.Sprintf("no case with ref %d: it was never returned, or it was evicted (the bridge keeps the last %d cases)", ref, cc.maxCases))
	}
	if e.engine != h {
		return sdk.Case{}, 0, refError(ProblemCaseRefOtherEngine, fmt.Sprintf("case_ref %d was returned by engine %d, not engine %d", ref, e.engine, h))
	}
	cc.lru.MoveToFront(e.at)
	return e.c, e.size, nil
}

func refError(code sdk.Code, msg string) *sdk.Error {
	return &sdk.Error{Code: sdk.CodeInvalidInput, Message: msg, Pointer: "/case_ref",
		Detail:   "Send the case itself (case) instead of case_ref.",
		Problems: []sdk.Problem{{Code: code, Message: msg, Pointer: "/case_ref"}}}
}

// forgetEngine drops the cases of a freed engine.
func (cc *caseCache) forgetEngine(h int) {
	cc.Lock()
	defer cc.Unlock()
	for ref, e := range cc.m {
		if e.engine == h {
			cc.lru.Remove(e.at)
			delete(cc.m, ref)
			cc.bytes -= e.size
		}
	}
}

// CachedCases reports how many cases b remembers and the bytes counted for
// them (for tests and hosts that watch memory).
func (b *Bridge) CachedCases() (n, bytes int) {
	b.cases.Lock()
	defer b.cases.Unlock()
	return len(b.cases.m), b.cases.bytes
}

// normalise makes c what decoding its JSON would give: the empty lists and
// maps JSON omits become nil. The SDK treats both alike; this keeps a
// remembered case indistinguishable from one sent again as JSON.
func normalise(c sdk.Case) sdk.Case {
	if len(c.Evidence) == 0 {
		c.Evidence = nil
	}
	if len(c.Clocks) == 0 {
		c.Clocks = nil
	}
	if len(c.Decisions) == 0 {
		c.Decisions = nil
	}
	if len(c.History) == 0 {
		c.History = nil
	}
	if c.Origin != nil && c.Origin.Evidence != nil && len(c.Origin.Evidence) == 0 {
		o := *c.Origin
		o.Evidence = nil
		c.Origin = &o
	}
	return c
}

// caseArg is the case an op works on: the one sent (case) or a remembered
// one (case_ref), never both. size is the remembered case's size.
func (b *Bridge) caseArg(req *Request, ptr string) (c sdk.Case, size int, err *sdk.Error) {
	if req.CaseRef != nil {
		if req.Case != nil {
			return sdk.Case{}, 0, invalid("/case_ref", "give case or case_ref, not both")
		}
		return b.cases.recall(req.Engine, *req.CaseRef)
	}
	c, err = decodeCase(req.Case, ptr)
	return c, 0, err
}

// deltaAnswer is the answer to fire with delta: the outcome whose case
// leaves out what it shares with the case it was fired on (see
// deltaOutcome), and which parts those are.
type deltaAnswer struct {
	out  sdk.Outcome
	same uint8
}

// appendSame writes the JSON array of the case's keys that "same" lists
// for d.same.
func (d deltaAnswer) appendSame(b []byte) []byte {
	b = append(b, '[')
	start := len(b)
	for _, part := range [...]struct {
		bit  uint8
		keys string
	}{
		{sameFacts, `,"id","la","district","child","evidence","person"`},
		{sameStates, `,"states"`},
		{sameClocks, `,"clocks"`},
		{sameDecisions, `,"decisions"`},
	} {
		if d.same&part.bit != 0 {
			b = appendField(b, start, part.keys)
		}
	}
	return append(b, ']')
}

// deltaOutcome is the outcome of fire with delta: the new case without the
// history (the old case's history plus event) and, when unchanged, without
// the origin; and without the facts, states, clocks and decisions that are
// the old case's (listed in the answer's "same"). If the new case is not
// the old one plus event (it always is today), it is sent whole.
func deltaOutcome(old sdk.Case, out sdk.Outcome) deltaAnswer {
	n := len(old.History)
	nc := out.Case
	if len(nc.History) != n+1 || nc.History[n].Hash != out.Event.Hash || (n > 0 && nc.History[n-1].Hash != old.History[n-1].Hash) {
		return deltaAnswer{out: out}
	}
	if old.Origin != nil && nc.Origin == nil {
		return deltaAnswer{out: out} // "no origin" cannot be told from "origin unchanged"
	}
	nc.History = nil
	if old.Origin != nil && nc.Origin != nil && sameFactsAs(old.Origin, nc.Origin) {
		nc.Origin = nil
	}
	out.Case = nc
	var same uint8
	if sameFactsAs(&old.Facts, &nc.Facts) {
		same |= sameFacts
	}
	if maps.Equal(old.States, nc.States) {
		same |= sameStates
	}
	if maps.Equal(old.Clocks, nc.Clocks) {
		same |= sameClocks
	}
	if slices.EqualFunc(old.Decisions, nc.Decisions, sameDecision) {
		same |= sameDecisions
	}
	return deltaAnswer{out: out, same: same}
}

// sameDecision reports whether two decisions encode to the same JSON.
func sameDecision(a, b sdk.Decision) bool {
	return a.Kind == b.Kind && a.At == b.At && a.Trigger == b.Trigger && a.Seq == b.Seq && a.Dispute == b.Dispute &&
		a.Order == b.Order && slices.Equal(a.Notes, b.Notes)
}

// sameFacts reports whether two facts encode to the same JSON.
func sameFactsAs(a, b *sdk.Facts) bool {
	ca, cb := a.Child, b.Child
	ya, yb := ca.YearGroup, cb.YearGroup
	ca.YearGroup, cb.YearGroup = nil, nil // Child is comparable without its pointer
	return a.ID == b.ID && a.LA == b.LA && a.District == b.District && ca == cb &&
		(ya == nil) == (yb == nil) && (ya == nil || *ya == *yb) && slices.Equal(a.Evidence, b.Evidence) &&
		reflect.DeepEqual(a.Person, b.Person)
}
