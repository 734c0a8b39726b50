package main

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestRunReportsExitStatusAndOutput(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no sh")
	}
	r := newRunner("/work/x", 1, []string{"WORKBOOK_TEST=yes"}, nil)
	res, err := r.run(context.Background(), t.TempDir(), 10*time.Second, "sh", "-c",
		`echo "out $WORKBOOK_TEST /work/x/lesson1/a.go:3"; echo err >&2; exit 3`)
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 3 || res.Killed || res.Output != "out yes lesson1/a.go:3\nerr\n" {
		t.Errorf("run = exit %d, killed %t, output %q; want exit 3, not killed, both streams with paths trimmed",
			res.ExitCode, res.Killed, res.Output)
	}
}

func TestRunFailsForAMissingProgram(t *testing.T) {
	r := newRunner("", 1, nil, nil)
	if _, err := r.run(context.Background(), t.TempDir(), time.Second, "workbook-no-such-program"); err == nil {
		t.Error("run(missing program) = nil error; want an error")
	}
}

func TestCappedBufferKeepsBothEnds(t *testing.T) {
	b := newCappedBuffer(100)
	for i := 0; i < 1000; i++ {
		b.Write([]byte("x"))
	}
	b.Write([]byte("THE END"))
	got := b.String()
	if !strings.HasPrefix(got, strings.Repeat("x", 75)) || !strings.HasSuffix(got, "THE END") ||
		!strings.Contains(got, "bytes of output cut") || len(got) > 200 {
		t.Errorf("capped output = %q; want 75 bytes of head, a cut mark and 25 bytes of tail", got)
	}
}
