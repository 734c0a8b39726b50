package appbridge

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

const (
	ms   = time.Millisecond
	sec  = time.Second
	none = gstmini.ClockTimeNone
)

// watchdog bounds every wait of these tests on real time: a wait that
// should end at once fails the test after it instead of hanging.
const watchdog = 2 * time.Second

// ts formats a time as GStreamer's debug log does, or "none".
func ts(t time.Duration) string {
	if t == none {
		return "none"
	}
	return gstmini.TimeString(t)
}

// within receives from ch, or fails t after the watchdog with a message
// saying what did not happen.
func within[T any](t *testing.T, ch <-chan T, what string) (T, bool) {
	t.Helper()
	select {
	case v := <-ch:
		return v, true
	case <-time.After(watchdog):
		t.Errorf("%s did not happen within %v of real time", what, watchdog)
		var zero T
		return zero, false
	}
}

// buffer returns a size-byte buffer with the given PTS and duration.
func buffer(size int, pts, dur time.Duration) *gstmini.Buffer {
	b := gstmini.NewBuffer(size)
	b.PTS, b.Duration = pts, dur
	return b
}

// mustSet sets a property or fails t.
func mustSet(t *testing.T, e gstmini.Element, name string, v any) {
	t.Helper()
	if err := e.Base().SetProperty(name, v); err != nil {
		t.Fatal(err)
	}
}

// lines indents a list of strings for a failure message.
func lines(s []string) string {
	if len(s) == 0 {
		return "    (nothing)"
	}
	return "    " + strings.Join(s, "\n    ")
}

// slot is the PTS of frame n of a fps producer: n * 1 s / fps.
func slot(n, fps int) time.Duration {
	return time.Duration(int64(n) * int64(sec) / int64(fps))
}

func flowName(r gstmini.FlowReturn) string { return fmt.Sprint(r) }
