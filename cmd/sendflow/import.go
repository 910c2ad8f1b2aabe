package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk"
)

// maxImportLine caps one import line (a record is small).
const maxImportLine = 1 << 20

func newImportCmd(a *app) *cobra.Command {
	var pf policyFlag
	var format string
	cmd := &cobra.Command{
		Use:   "import [--policy FILE]... [--format jsonl|csv] [FILE|-]",
		Short: "Bring cases begun in another system into sendflow, each as its first event",
		Long: `Read cases begun in another system, where each stands on the day of the
import, and print each as a sendflow case (one JSON line per record, in
order) whose first event records the import: it verifies, replays and fires
on from there. Each record is checked against the policy; an impossible one
(an unknown state or clock, a date after the import, a clock running on a
track that has not started) gives {"line": N, "error": {...}} instead, with
every problem, and the run goes on.

--format jsonl (the default): one sdk.ImportRecord per line:
  {"facts": {"id": "c1", "la": "kent", "child": {"date_of_birth": "2016-03-02"}},
   "at": "2026-02-20", "by": "migration-1", "from": "legacy-mis",
   "states": {"ehc": "assessing"},
   "clocks": [{"clock": "ehc_final_plan", "started_at": "2026-01-05"},
              {"clock": "ehc_advice", "source": "educational", "started_at": "2026-02-09"}],
   "decisions": [{"kind": "refusal_to_assess", "at": "2025-11-03"}]}

--format csv: a header row and one row per case, with the columns
  id, la, district, date_of_birth, year_group, at, by, from, states, clocks, decisions
where states is "track=state;track=state", clocks "clock@start;clock.source@start"
(a clock due on a date from its data: "clock@start>due") and decisions
"kind@date;kind@date". Columns may come in any order; unknown ones are an error.

Exits 0 when every record was imported, 1 when any was not, 2 when the input
cannot be read, 3 when the policy does not compile.`,
		Example: `  sendflow import legacy-cases.jsonl > cases.jsonl
  sendflow import --format csv --policy examples/policies/kent/dover.yaml legacy.csv > cases.jsonl`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "jsonl" && format != "csv" {
				return fail(exitUsage, fmt.Errorf("--format must be jsonl or csv, not %q", format))
			}
			e, err := pf.engine(a)
			if err != nil {
				return err
			}
			in, closeIn, err := openInput(a, args)
			if err != nil {
				return err
			}
			defer closeIn()
			return runImport(a, e, in, format)
		},
	}
	pf.register(cmd)
	cmd.Flags().StringVar(&format, "format", "jsonl", "the input: jsonl (import records) or csv")
	return cmd
}

// runImport imports every record, writing a case or an error per line.
func runImport(a *app, e *sdk.Engine, in io.Reader, format string) error {
	out := bufio.NewWriter(a.stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	ok, bad := 0, 0
	seen := map[string]int{}
	each := func(n int, r sdk.ImportRecord, perr error) error {
		var res any
		if first, dup := seen[r.Facts.ID]; perr == nil && dup && r.Facts.ID != "" {
			perr = &sdk.Error{Code: sdk.CodeInvalidInput, Pointer: "/facts/id", Message: fmt.Sprintf("this case was already imported from line %d: give each case once", first)}
		} else if perr == nil && r.Facts.ID != "" {
			seen[r.Facts.ID] = n
		}
		if perr == nil {
			o, err := e.Import(r)
			perr = err
			res = o.Case
		}
		if perr != nil {
			bad++
			res = map[string]any{"line": n, "error": sdk.AsError(perr)}
		} else {
			ok++
		}
		return enc.Encode(res)
	}
	var err error
	if format == "csv" {
		err = readImportCSV(in, each)
	} else {
		err = readImportJSONL(in, each)
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return fail(exitUsage, err)
	}
	fmt.Fprintf(a.stderr, "%d case(s) imported, %d refused\n", ok, bad)
	if ok+bad == 0 {
		fmt.Fprintln(a.stderr, "sendflow: warning: the input held no cases")
	}
	if bad > 0 {
		return fail(exitFailed, nil)
	}
	return nil
}

// readImportJSONL calls each with every line's record (or why it is not one).
func readImportJSONL(in io.Reader, each func(int, sdk.ImportRecord, error) error) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), maxImportLine)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var r sdk.ImportRecord
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		var perr error
		if err := dec.Decode(&r); err != nil {
			perr = &sdk.Error{Code: sdk.CodeInvalidInput, Message: "the line is not an import record: " + err.Error()}
		}
		if err := each(n, r, perr); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading the records: %v (a line may be at most %d bytes)", err, maxImportLine)
	}
	return nil
}

// importColumns are the CSV columns.
var importColumns = []string{"id", "la", "district", "date_of_birth", "year_group", "at", "by", "from", "states", "clocks", "decisions"}

// readImportCSV calls each with every row's record (or why it is not one).
func readImportCSV(in io.Reader, each func(int, sdk.ImportRecord, error) error) error {
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("reading the CSV header: %v", err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.TrimSpace(strings.ToLower(h))
		if !contains(importColumns, h) {
			return fmt.Errorf("unknown CSV column %q (the columns are %s)", h, strings.Join(importColumns, ", "))
		}
		col[h] = i
	}
	for n := 2; ; n++ {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the CSV: %v", err)
		}
		get := func(k string) string {
			if i, ok := col[k]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		r, perr := csvRecord(get)
		if err := each(n, r, perr); err != nil {
			return err
		}
	}
}

// csvRecord builds an import record from one row's columns.
func csvRecord(get func(string) string) (sdk.ImportRecord, error) {
	r := sdk.ImportRecord{Facts: sdk.Facts{ID: get("id"), LA: get("la"), District: get("district"), Child: sdk.Child{DateOfBirth: get("date_of_birth")}},
		At: get("at"), By: get("by"), From: get("from")}
	bad := func(what string) error {
		return &sdk.Error{Code: sdk.CodeInvalidInput, Message: "the " + what + " column is not in its documented form (see sendflow import --help)"}
	}
	if y := get("year_group"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return r, bad("year_group")
		}
		r.Facts.Child.YearGroup = &n
	}
	for _, kv := range splitList(get("states")) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return r, bad("states")
		}
		if r.States == nil {
			r.States = map[string]string{}
		}
		r.States[k] = v
	}
	for _, c := range splitList(get("clocks")) {
		id, rest, ok := strings.Cut(c, "@")
		if !ok {
			return r, bad("clocks")
		}
		start, due, _ := strings.Cut(rest, ">")
		clock, source, _ := strings.Cut(id, ".")
		r.Clocks = append(r.Clocks, sdk.ImportClock{Clock: clock, Source: source, StartedAt: start, Due: due})
	}
	for _, d := range splitList(get("decisions")) {
		kind, at, ok := strings.Cut(d, "@")
		if !ok {
			return r, bad("decisions")
		}
		r.Decisions = append(r.Decisions, sdk.ImportDecision{Kind: kind, At: at})
	}
	return r, nil
}

// splitList splits "a;b;c", dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
