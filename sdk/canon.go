package sdk

import (
	"strconv"

	"github.com/sendflow/sendflow/sdk/internal/canon"
)

// The canonical forms hashed for events and origins: the glue between the
// sdk types and package canon, which writes and hashes canonical JSON and
// normalises payloads (see its documentation for the encoding's rules).

// eventHash is the SHA-256 of the event's canonical form without its Hash.
// order is the policy's sorted track names (a shortcut; nil is fine).
func eventHash(ev *Event, order []string) string {
	return canon.Hash(eventPrefix, func(b []byte) []byte { return appendEvent(b, ev, order) })
}

// eventPrefix starts every event's hashed bytes: the canonical form's version.
const eventPrefix = "sendflow/event/v1\n"

// appendEvent writes the event's canonical form without its Hash.
func appendEvent(b []byte, ev *Event, order []string) []byte {
	b = append(b, '{')
	b = append(b, `"seq":`...)
	b = strconv.AppendInt(b, int64(ev.Seq), 10)
	b = append(b, ',')
	b = append(b, `"at":`...)
	b = canon.AppendString(b, ev.At)
	b = append(b, ',')
	b = append(b, `"actor":`...)
	b = canon.AppendString(b, ev.Actor)
	b = append(b, ',')
	if ev.By != "" { // left out when empty, so events without it hash as before
		b = append(b, `"by":`...)
		b = canon.AppendString(b, ev.By)
		b = append(b, ',')
	}
	b = append(b, `"trigger":`...)
	b = canon.AppendString(b, ev.Trigger)
	b = append(b, ',')
	b = append(b, `"data":`...)
	b = canon.AppendValue(b, mapOrNil(ev.Data))
	b = append(b, ',')
	b = append(b, `"facts":`...)
	b = canon.AppendValue(b, mapOrNil(ev.Facts))
	b = append(b, ',')
	b = append(b, `"states_before":`...)
	b = canon.AppendStates(b, ev.StatesBefore, order)
	b = append(b, ',')
	b = append(b, `"states_after":`...)
	b = canon.AppendStates(b, ev.StatesAfter, order)
	b = append(b, ',')
	b = append(b, `"policy_id":`...)
	b = canon.AppendString(b, ev.PolicyID)
	b = append(b, ',')
	b = append(b, `"policy_hash":`...)
	b = canon.AppendString(b, ev.PolicyHash)
	b = append(b, ',')
	b = append(b, `"prev_hash":`...)
	b = canon.AppendString(b, ev.PrevHash)
	return append(b, '}')
}

// mapOrNil makes an empty payload null in the canonical form.
func mapOrNil(m map[string]any) any {
	if len(m) == 0 {
		return nil
	}
	return m
}

// originHash anchors a history: the first event's PrevHash.
func originHash(o *Facts) string {
	var f Facts
	if o != nil {
		f = *o
	}
	return canon.Hash("sendflow/origin/v1\n", func(b []byte) []byte {
		b = append(b, '{')
		for i, kv := range [][2]string{{"id", f.ID}, {"la", f.LA}, {"district", f.District}, {"date_of_birth", f.Child.DateOfBirth}} {
			if i > 0 {
				b = append(b, ',')
			}
			b = canon.AppendField(b, kv[0])
			b = canon.AppendString(b, kv[1])
		}
		b = append(b, ',')
		b = canon.AppendField(b, "year_group")
		if f.Child.YearGroup == nil {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendInt(b, int64(*f.Child.YearGroup), 10)
		}
		b = append(b, ',')
		b = canon.AppendField(b, "evidence")
		b = append(b, '[')
		for i, ev := range f.Evidence {
			if i > 0 {
				b = append(b, ',')
			}
			b = canon.AppendString(b, ev)
		}
		return append(b, ']', '}')
	})
}

// historyBytes estimates the JSON size of a history, to enforce
// MaxCaseBytes without marshalling: the strings and payloads as they are,
// and a fixed allowance for the field names and states.
func historyBytes(h []Event) int {
	n := 0
	for i := range h {
		ev := &h[i]
		n += 200 + len(ev.At) + len(ev.Actor) + len(ev.By) + len(ev.Trigger) + len(ev.PolicyID) + len(ev.PolicyHash) +
			len(ev.PrevHash) + len(ev.Hash) + len(ev.KeyID) + len(ev.Signature) + 48*(len(ev.StatesBefore)+len(ev.StatesAfter))
		if len(ev.Data) > 0 {
			n += canon.Size(ev.Data)
		}
		if len(ev.Facts) > 0 {
			n += canon.Size(ev.Facts)
		}
	}
	return n
}
