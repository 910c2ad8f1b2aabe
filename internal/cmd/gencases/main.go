// Command gencases writes N cases as JSON Lines, for measuring the bulk CLI
// commands (docs/performance.md, "Bulk CLI commands and reliability
// limits"). The cases come from seeded random walks on the default policy
// (up to -steps firings each, so each has a history); a pool of distinct
// cases is made once and written in turn, so a million lines cost little
// to make.
//
//	go run ./internal/cmd/gencases -n 1000000 | sendflow clocks --as-of 2027-01-01 - >/dev/null
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/sendflow/sendflow/internal/randomwalk"
	"github.com/sendflow/sendflow/sdk"
)

func main() {
	n := flag.Int("n", 1000, "number of cases to write")
	steps := flag.Int("steps", 12, "the most firings tried per case")
	pool := flag.Int("pool", 256, "number of distinct walked cases")
	flag.Parse()
	e, err := sdk.Default()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var lines [][]byte
	for i := 0; i < *pool; i++ {
		src := randomwalk.Rand(int64(i + 1))
		res, err := randomwalk.Walk(e, src, randomwalk.Options{Steps: 1 + src.Intn(*steps)})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		b, err := json.Marshal(res.Case)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		lines = append(lines, b)
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	for i := 0; i < *n; i++ {
		w.Write(lines[i%len(lines)])
		w.WriteByte('\n')
	}
}
