package threading

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any goroutine is still running after the
// tests: a streaming goroutine that was never stopped, or a pusher that
// never came back.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
