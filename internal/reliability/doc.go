// Package reliability holds the repository-wide reliability tests, which
// exercise the SDK, the scenario runner and the WASM bridge together:
//
//   - the fuzz targets (fuzz_test.go, amplify_fuzz_test.go,
//     bridge_fuzz_test.go), whose seed corpora are this package's
//     testdata/fuzz/FuzzXxx/ (the seed-* files generated from seeds_test.go);
//     `go test ./internal/reliability` runs them on their seeds and
//     `make fuzz` fuzzes each;
//   - the model-based random walks (walk_test.go; the walker and its checks
//     are internal/randomwalk): `make walks` runs 10,000;
//   - the schema checks every fuzz target and walk uses (schema_test.go), and
//     the overlay and signed-event schema tests;
//   - the code-shape rule that no hand-written function of the module is
//     over 80 lines (funclen_test.go).
//
// The tests read the repository's example policies, scenarios and
// conformance suite through repoPath (paths from the repository root).
// docs/reliability.md lists what each test proves. The package has no
// code of its own.
package reliability
