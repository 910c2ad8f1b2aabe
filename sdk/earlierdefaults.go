package sdk

import "slices"

// earlierDefaults are the policy hashes of earlier versions of the
// embedded default policy (policy id "default"), oldest first: every
// version committed since the default policy was pre-generated
// (2026-11-29). Verify accepts an event recorded under one of them when
// this engine, running the current default, replays the history to the
// same result (it always replays), so a case recorded under an earlier
// default still verifies as long as the law it was judged by has not
// changed for it; a policy hash not listed here, or another policy's id,
// is reported. Whoever changes the default policy adds the hash it had
// (PolicyHash of the engine before the change) at the end; a test checks
// the current hash is not listed and the list has no duplicates. (Replaying
// each event under the very policy it was recorded under is issue #17.)
var earlierDefaults = []string{
	"0c5b95366cde470fc134ac040d10a41a76bd1b6d98c057c7907627cd9c7affd9",
	"9d0b23c169f2ad92117150abd911be68148d5be657afe885cfffaed5d405bba8",
	"cd60c3b12154e28b3890d507c936edcaa9fa7570f6ff6dea23451536b2a1896f",
	"10afad8fb30aa53e48664809cd751bcec3c52256eec0dc703e3a643738efba2b",
	"6793b8abc3a823500fa116a3f1eecac92775e9b578abab61e71c150a3e03e60a",
	"4cb9ff38ea37ed1d202c1ee9e608237408d290ddd41e968d2f009f6353722ac3",
	"c1142a2e9c2aff5f79a34a41780cd2e2b59a58664487acad5753b63a753f2a19",
	"36e1a0646e7840e6131796a6640da5dfac8ccafe27ffbdb44736572744172fdc",
	"eac0385213dd0413935c8110f684e7af118cd06526d4e94ba7599837fd9b27e6",
	"f64ccaa9701245fbc06af7c63773c93b33113f92dc39ee54514cbab22b188b2a",
	"87c01f423635fcf458524d8a03a6fdb0c17e3522ff5efe23f6f23d8a882886da",
	"5904fa6d483d96734c8fa3f2bc89d35427789bc9ff787c0c6b46b0e953851019",
}

// isEarlierDefault reports whether an event of policy id and hash was
// recorded under an earlier version of the default policy, while e runs
// the current default.
func (e *Engine) isEarlierDefault(id, hash string) bool {
	return e.p.id == "default" && id == "default" && e.p.hash == genDefault.policyHash && slices.Contains(earlierDefaults, hash)
}
