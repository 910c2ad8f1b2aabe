package reliability_test

import (
	"flag"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sendflow/sendflow/internal/randomwalk"
	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// The model-based random walks. `go test ./internal/reliability` runs 60; `make walks`
// runs the full 10,000 (SENDFLOW_WALKS=10000). A failure prints the seed
// and step; -walk.seed=N reproduces that walk exactly.
var (
	walkSeed  = flag.Int64("walk.seed", 0, "run only the walk with this seed (printed by a failing walk)")
	walkCount = flag.Int("walk.n", 0, "number of walks (default $SENDFLOW_WALKS, else 60)")
	walkSteps = flag.Int("walk.steps", 200, "the most firings one walk tries")
)

type namedEngine struct {
	name string
	e    *sdk.Engine
}

// walkEngines compiles the default policy and every example policy found
// under examples/policies/ at test time: the authorities (*.yaml) and
// their districts (*/*.yaml), with the layers they extend.
func walkEngines(t testing.TB) []namedEngine {
	t.Helper()
	def, err := sdk.Default()
	if err != nil {
		t.Fatal(err)
	}
	out := []namedEngine{{"default", def}}
	for _, p := range repoGlob(t, "examples/policies/*.yaml", "examples/policies/*/*.yaml") {
		tg, err := scenario.DefaultLoader(repoPath(p), "")
		if err != nil {
			t.Fatalf("example policy %s does not compile: %v", p, err)
		}
		e, ok := tg.(*sdk.Engine)
		if !ok {
			t.Fatalf("example policy %s: the loader gave %T", p, tg)
		}
		out = append(out, namedEngine{strings.TrimPrefix(p, "examples/policies/"), e})
	}
	return out
}

func walksToRun() int {
	if *walkCount > 0 {
		return *walkCount
	}
	if n, err := strconv.Atoi(os.Getenv("SENDFLOW_WALKS")); err == nil && n > 0 {
		return n
	}
	return 60
}

// walkOf runs the walk with one seed: the seed chooses the policy (seed
// modulo the number of policies), the walk's length (1 to -walk.steps) and
// every firing.
func walkOf(engines []namedEngine, seed int64) (string, randomwalk.Result, error) {
	ne := engines[int(seed%int64(len(engines)))]
	src := randomwalk.Rand(seed)
	steps := 1 + src.Intn(*walkSteps)
	res, err := randomwalk.Walk(ne.e, src, randomwalk.Options{Steps: steps, Check: true, PermittedEvery: 10,
		Validate: validatorFor(ne.e), ValidateEvery: 10})
	return ne.name, res, err
}

func TestRandomWalks(t *testing.T) {
	engines := walkEngines(t)
	if *walkSeed != 0 {
		name, res, err := walkOf(engines, *walkSeed)
		if err != nil {
			t.Fatalf("walk seed=%d policy=%s: %v", *walkSeed, name, err)
		}
		t.Logf("walk seed=%d policy=%s: %d steps, %d fired", *walkSeed, name, res.Steps, res.Fired)
		return
	}
	n := walksToRun()
	var next, steps, fired, deepest atomic.Int64
	var mu sync.Mutex
	var failures []string
	codes := map[sdk.Code]int{}
	perPolicy := map[string]int{}
	start := time.Now()
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				seed := i
				name, res, err := walkOf(engines, seed)
				steps.Add(int64(res.Steps))
				fired.Add(int64(res.Fired))
				for {
					d := deepest.Load()
					if int64(res.Fired) <= d || deepest.CompareAndSwap(d, int64(res.Fired)) {
						break
					}
				}
				mu.Lock()
				perPolicy[name]++
				for c, k := range res.Codes {
					codes[c] += k
				}
				if err != nil && len(failures) < 10 {
					failures = append(failures, "walk seed="+strconv.FormatInt(seed, 10)+" policy="+name+": "+err.Error()+
						"\n  reproduce: go test -run TestRandomWalks -walk.seed="+strconv.FormatInt(seed, 10)+" ./internal/reliability")
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	if fired.Load() == 0 || deepest.Load() < 20 {
		t.Errorf("the walks did not go deep: %d firings succeeded, the longest walk fired %d", fired.Load(), deepest.Load())
	}
	t.Logf("%d walks (%v), %d steps tried, %d fired (longest walk fired %d), refusals %v, in %v",
		n, perPolicy, steps.Load(), fired.Load(), deepest.Load(), codes, time.Since(start).Round(time.Millisecond))
}
