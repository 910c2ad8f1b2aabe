package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/store"
)

// Store a case in SQLite, fire on it through the store, and see what a
// second officer who fired on the same stale copy gets. docs/storage.md
// shows this example.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "sendflow-example")
	defer os.RemoveAll(dir)

	eng, _ := sdk.Default()
	st, err := store.Open(ctx, store.SQLite, filepath.Join(dir, "cases.db")) // or store.Postgres, "postgres://..."
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()

	_ = st.Create(ctx, eng, eng.NewCase(sdk.Facts{ID: "c-001", LA: "kent", District: "dover", Child: sdk.Child{DateOfBirth: "2016-03-02"}}))
	_ = st.Assign(ctx, "c-001", "user-4821") // the host's user id, never a name
	_, _ = st.Fire(ctx, eng, "c-001", sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})

	// Two officers open the case at the same head and decide differently.
	c, head, _ := st.Load(ctx, "c-001")
	yes, _ := eng.Fire(c, sdk.Firing{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-02-10"})
	no, _ := eng.Fire(c, sdk.Firing{Trigger: "ehc.decided_not_to_assess", Actor: "la_officer", At: "2026-02-10"})
	fmt.Println(st.Append(ctx, "c-001", head, yes))
	err = st.Append(ctx, "c-001", head, no)
	fmt.Println(errors.Is(err, sdk.ErrConflict))
	fmt.Println(err)

	// The worklist on 18 May 2026: every duty missed and not done, and every
	// clock due within 10 working days (bank holidays are not working days).
	items, _ := st.Worklist(ctx, eng, "2026-05-18", 10, store.Filter{LA: "kent", Officer: "user-4821"})
	for _, it := range items {
		fmt.Println(it.CaseID, it.Key, it.Status, it.Due, it.WorkingDaysLeft)
	}
	// Output:
	// <nil>
	// true
	// conflict at /history/1: case c-001 changed after it was loaded: event 2 (ehc.decided_to_assess by la_officer at 2026-02-10T00:00:00Z) was recorded first
	// c-001 ehc_no_plan_notice missed 2026-04-27 -14
	// c-001 ehc_final_plan running 2026-05-25 4
}
