// Command schemagen writes sendflow's JSON Schemas (schemas/*.schema.json).
// It is run by `go generate ./schemas` (see schemas/doc.go) and by
// `make check-generated`, which writes to a temporary directory and diffs.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/sendflow/sendflow/internal/schemagen"
)

func main() {
	root := flag.String("root", ".", "the module's root directory (its Go sources are read for doc comments)")
	out := flag.String("out", "schemas", "the directory to write NAME.schema.json files to")
	flag.Parse()
	files, err := schemagen.Generate(*root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(*out, n), files[n], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "schemagen:", err)
			os.Exit(1)
		}
	}
}
