// Command schemacorpus writes the schema test corpus (see package
// internal/schemacorpus) as one JSON file, for the ajv test
// (schemas/test/ajv.test.mjs): `go run ./internal/cmd/schemacorpus -out FILE`.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/sendflow/sendflow/internal/schemacorpus"
)

func main() {
	root := flag.String("root", ".", "the module's root directory")
	out := flag.String("out", "", "the file to write (required)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "schemacorpus: -out FILE is required")
		os.Exit(2)
	}
	items, err := schemacorpus.Build(*root)
	if err == nil {
		var b []byte
		if b, err = json.Marshal(items); err == nil {
			err = os.WriteFile(*out, b, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemacorpus:", err)
		os.Exit(1)
	}
	fmt.Printf("schemacorpus: %d documents written to %s\n", len(items), *out)
}
