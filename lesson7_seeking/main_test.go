package seeking

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine running: every
// test takes its pipeline back to NULL, which stops the source's task and
// the queue's, and waits for the seeks it started.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
