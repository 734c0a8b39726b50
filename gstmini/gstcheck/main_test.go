package gstcheck

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: every
// wait a test starts on a TestClock must have been released.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
