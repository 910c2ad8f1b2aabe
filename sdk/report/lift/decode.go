package lift

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// noDistrict names the district of a case that has none.
const noDistrict = "unknown"

// slimCase is the part of a case the report reads: decoding only it skips
// the clocks, decisions and hashes of an unverified case.
type slimCase struct {
	ID       string `json:"id"`
	District string `json:"district"`
	Origin   *struct {
		District string `json:"district"`
	} `json:"origin"`
	History []slimEvent `json:"history"`
}

// slimEvent is the part of an event the report reads; the payload and the
// facts are decoded only for the triggers that need them.
type slimEvent struct {
	At           string          `json:"at"`
	Trigger      string          `json:"trigger"`
	Data         json.RawMessage `json:"data"`
	Facts        json.RawMessage `json:"facts"`
	StatesBefore struct {
		HNF string `json:"hnf"`
	} `json:"states_before"`
}

// eventDay is the UK calendar date of an event time (ok false when
// unreadable).
func eventDay(at string) (calendar.Date, bool) {
	t, err := calendar.ParseAt(at)
	if err != nil {
		return calendar.Date{}, false
	}
	return calendar.UKDate(t), true
}

func districtOr(d string) string {
	if d == "" {
		return noDistrict
	}
	return d
}

// readCase decodes one line (verifying its history unless noVerify) into
// the events the report reads, or says why it cannot be counted.
func readCase(ctx context.Context, b []byte, e *sdk.Engine, noVerify bool) (id string, evs []event, fl *Failure) {
	defer func() {
		if r := recover(); r != nil {
			id, evs, fl = "", nil, &Failure{Code: string(sdk.CodeInternal), Reason: fmt.Sprintf("could not read the case: %v", r)}
		}
	}()
	if noVerify {
		return readSlim(b)
	}
	var c sdk.Case
	if err := json.Unmarshal(b, &c); err != nil {
		return "", nil, &Failure{Code: string(sdk.CodeInvalidCase), Reason: "not a case: " + err.Error()}
	}
	if v := e.VerifyContext(ctx, c); !v.OK {
		return c.ID, nil, &Failure{ID: c.ID, Code: string(sdk.CodeHistoryMismatch), Event: v.FirstBad, Reason: v.Reason}
	}
	district := c.District
	if c.Origin != nil {
		district = c.Origin.District
	}
	evs = make([]event, 0, len(c.History))
	for _, h := range c.History {
		if d, ok := h.Facts["district"].(string); ok {
			district = d
		}
		day, ok := eventDay(h.At)
		if !ok {
			continue
		}
		ev := event{date: day, trigger: h.Trigger, district: districtOr(district), hnfBefore: h.StatesBefore["hnf"]}
		if reads(h.Trigger) {
			ev.data = liftDataOf(h.Data)
		}
		evs = append(evs, ev)
	}
	return c.ID, evs, nil
}

// readSlim decodes only what the report reads of an unverified case.
func readSlim(b []byte) (string, []event, *Failure) {
	var c slimCase
	if err := json.Unmarshal(b, &c); err != nil {
		return "", nil, &Failure{Code: string(sdk.CodeInvalidCase), Reason: "not a case: " + err.Error()}
	}
	district := c.District
	if c.Origin != nil {
		district = c.Origin.District
	}
	evs := make([]event, 0, len(c.History))
	for _, h := range c.History {
		if len(h.Facts) > 0 && bytes.Contains(h.Facts, []byte(`"district"`)) {
			var f map[string]any
			if json.Unmarshal(h.Facts, &f) == nil {
				if d, ok := f["district"].(string); ok {
					district = d
				}
			}
		}
		day, ok := eventDay(h.At)
		if !ok {
			continue
		}
		ev := event{date: day, trigger: h.Trigger, district: districtOr(district), hnfBefore: h.StatesBefore.HNF}
		if reads(h.Trigger) && len(h.Data) > 0 {
			var m map[string]any
			if err := json.Unmarshal(h.Data, &m); err != nil {
				return c.ID, nil, &Failure{ID: c.ID, Code: string(sdk.CodeInvalidCase), Reason: "not a case: the data of a " + h.Trigger + " event is not an object"}
			}
			ev.data = liftDataOf(m)
		}
		evs = append(evs, ev)
	}
	return c.ID, evs, nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
