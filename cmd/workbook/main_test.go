package main

import (
	"context"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// asWorkbook, set in a child's environment, makes this test binary run as
// the workbook command itself, so that tests can drive the real program
// (under a pty, with files changing) without building it first.
const asWorkbook = "WORKBOOK_TEST_RUN_AS_WORKBOOK"

func TestMain(m *testing.M) {
	if os.Getenv(asWorkbook) == "1" {
		os.Exit(runWithInput(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	goleak.VerifyTestMain(m)
}
