package live

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine running: every
// pipeline a test starts is set to NULL when the test ends, which stops its
// streaming goroutine even when the code under test is unfinished.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
