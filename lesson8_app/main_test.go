package appbridge

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine running: the
// tests that run appsrc and appsink start streaming goroutines, and the
// pool tests start application goroutines; every test stops them before it
// ends, also when the code under test is unfinished.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
