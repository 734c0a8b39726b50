package dataflow

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a test leaves a goroutine behind, for example a
// Push still blocked in a chain function that was never released.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
