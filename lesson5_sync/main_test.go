package avsync

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine running: the
// pipelines of Steps 2-4 start streaming goroutines (sources, queues), and
// every test takes its pipeline back to NULL, which stops them.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
