package demo

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine running: the demo
// helpers start pipelines whose streaming goroutines must all end.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
