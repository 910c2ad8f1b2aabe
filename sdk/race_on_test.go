//go:build race

package sdk_test

// raceSlowdown scales the hang watchdog: the race detector runs guard
// evaluation several times slower, and a whole Permitted call under it
// took 5-11 s on a loaded 2-core machine.
const raceSlowdown = 6
