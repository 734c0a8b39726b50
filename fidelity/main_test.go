package fidelity

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// afterTests holds checks that run once all tests are done; the
// differential files (build tag gstreference) add the one that prints how
// many cases were compared and excluded.
var afterTests []func() int

// TestMain runs the tests, then the afterTests hooks, then goleak's check
// for leaked goroutines (goleak.VerifyTestMain, spelled out so that the
// hooks run first).
func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range afterTests {
		if c := f(); code == 0 {
			code = c
		}
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: errors on successful test run: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}
