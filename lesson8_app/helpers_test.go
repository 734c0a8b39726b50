package appbridge

import (
	"fmt"
	"runtime"
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

// waitUntilBlockedIn waits until a goroutine is blocked (on a condition
// variable, a channel, a lock...) inside the function named fn, as the
// goroutine dump shows it, and returns returned false; if the call
// delivers on done first, without blocking, it returns that value and
// returned true. It fails t after the watchdog. It reads runtime.Stack in a
// loop, yielding in between: no sleep, and no guess about the scheduler.
func waitUntilBlockedIn[T any](t *testing.T, fn string, done <-chan T) (v T, returned bool) {
	t.Helper()
	deadline := time.Now().Add(watchdog)
	buf := make([]byte, 1<<20)
	for time.Now().Before(deadline) {
		select {
		case v := <-done:
			return v, true
		default:
		}
		n := runtime.Stack(buf, true)
		for _, g := range strings.Split(string(buf[:n]), "\n\n") {
			header, _, _ := strings.Cut(g, "\n")
			if strings.Contains(g, fn+"(") && !strings.Contains(header, "[running]") && !strings.Contains(header, "[runnable]") {
				return v, false
			}
		}
		runtime.Gosched()
	}
	t.Errorf("no goroutine blocked in %s within %v of real time", fn, watchdog)
	return v, false
}
