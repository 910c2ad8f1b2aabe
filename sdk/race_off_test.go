//go:build !race

package sdk_test

// raceSlowdown scales the hang watchdog (see race_on_test.go).
const raceSlowdown = 1
