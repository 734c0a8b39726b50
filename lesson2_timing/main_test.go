package timing

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine behind, such as a
// Sink.Chain still waiting on the clock.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
