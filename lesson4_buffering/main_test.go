package buffering

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine running: the
// tests that compare with the reference elements start their streaming
// goroutines through gstcheck.Harness, which stops them when the test ends.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
