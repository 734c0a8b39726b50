package timing

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

const (
	sec = time.Second
	ms  = time.Millisecond

	// watchdog bounds every wait on the code under test in real time. It is
	// a deadline, never slept on: the helpers return as soon as the awaited
	// thing happens.
	watchdog = 2 * time.Second
)

// fmtTime prints a time as Go does ("1.5s", "300ms", "3ns"), and
// ClockTimeNone as NONE.
func fmtTime(t time.Duration) string {
	if t == gstmini.ClockTimeNone {
		return "NONE"
	}
	return t.String()
}

// segment returns a TIME segment in its initial state (start 0, stop NONE,
// rate 1, base 0, ...) changed by set.
func segment(set func(s *gstmini.Segment)) *gstmini.Segment {
	s := gstmini.NewSegment()
	if set != nil {
		set(s)
	}
	return s
}

// segString prints only the fields of s that differ from a new segment,
// "segment{start=5s base=10s}", so that a failure shows what matters.
func segString(s *gstmini.Segment) string {
	d := gstmini.NewSegment()
	var parts []string
	add := func(name string, v, def time.Duration) {
		if v != def {
			parts = append(parts, name+"="+fmtTime(v))
		}
	}
	if s.Rate != d.Rate {
		parts = append(parts, fmt.Sprintf("rate=%g", s.Rate))
	}
	if s.AppliedRate != d.AppliedRate {
		parts = append(parts, fmt.Sprintf("applied_rate=%g", s.AppliedRate))
	}
	add("start", s.Start, d.Start)
	add("stop", s.Stop, d.Stop)
	add("offset", s.Offset, d.Offset)
	add("base", s.Base, d.Base)
	add("time", s.Time, d.Time)
	add("position", s.Position, d.Position)
	add("duration", s.Duration, d.Duration)
	if s.Flags != d.Flags {
		parts = append(parts, "flags="+s.Flags.String())
	}
	return "segment{" + strings.Join(parts, " ") + "}"
}

// okString prints a (time, ok) result as "1s, true".
func okString(t time.Duration, ok bool) string { return fmt.Sprintf("%s, %t", fmtTime(t), ok) }

// chainRun is one Sink.Chain call on its own goroutine, as a streaming
// thread would make it.
type chainRun struct {
	name     string // "Chain(pts=2s)", for messages
	done     chan struct{}
	ret      gstmini.FlowReturn // valid once done is closed
	panicked string             // what Chain's panic said and where, "" if it did not panic
}

// startChain calls s.Chain(buf) on a new goroutine. When the test ends,
// even if it failed or the sink is unfinished, it stops the sink and
// releases any wait on clk until Chain has returned, so no goroutine is
// left behind.
func startChain(t *testing.T, clk *gstcheck.TestClock, s *Sink, buf *gstmini.Buffer) *chainRun {
	t.Helper()
	r := &chainRun{name: fmt.Sprintf("Chain(pts=%s)", fmtTime(buf.PTS)), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		defer func() {
			if v := recover(); v != nil {
				r.panicked = fmt.Sprintf("%v\n%s", v, panicSite())
			}
		}()
		r.ret = s.Chain(buf)
	}()
	t.Cleanup(func() { r.release(t, clk, s) })
	return r
}

// finished reports whether Chain has returned.
func (r *chainRun) finished() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// wait waits for Chain to return and returns its result. If it has not
// returned within the watchdog it fails t, saying what the clock held.
func (r *chainRun) wait(t *testing.T, clk *gstcheck.TestClock, why string) gstmini.FlowReturn {
	t.Helper()
	select {
	case <-r.done:
		failIfPanicked(t, "Sink."+r.name, r.panicked)
		return r.ret
	case <-time.After(watchdog):
		ids, _ := clk.WaitForMultiplePendingIDs(context.Background(), 0)
		t.Fatalf("Sink.%s did not return within %v %s; the clock is at %s with %d wait(s) pending %s.\n"+
			"It is probably blocked: waiting on the clock when it should not, or on s.mu held by another call",
			r.name, watchdog, why, fmtTime(clk.Time()), len(ids), idTimes(ids))
		return 0
	}
}

// release is startChain's cleanup: Stop the sink, then process every wait
// pending on clk until Chain returns, so that even a sink that ignores Stop
// lets its goroutine end.
func (r *chainRun) release(t *testing.T, clk *gstcheck.TestClock, s *Sink) {
	stopped := goStop(s)
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	go func() {
		select {
		case <-r.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		ids, err := clk.WaitForMultiplePendingIDs(ctx, 1)
		for _, id := range ids {
			clk.ProcessID(id)
		}
		if err != nil {
			break
		}
	}
	select {
	case <-r.done:
	default:
		t.Errorf("cleanup: Sink.%s still had not returned %v after the test ended, even with Stop called and "+
			"every wait on the test clock released: does it wait on another clock, or loop?", r.name, watchdog)
		return
	}
	select {
	case <-stopped.done:
	case <-time.After(watchdog):
		t.Errorf("cleanup: Sink.Stop did not return within %v: is it waiting for a lock that Chain holds?", watchdog)
	}
}

// waitForClockWaits waits until at least n waits are pending on clk and
// returns them, sorted by time. It fails t at once if one of runs returns
// first (the sink rendered or dropped without waiting), and after the
// watchdog if nothing happens at all.
func waitForClockWaits(t *testing.T, clk *gstcheck.TestClock, n int, why string, runs ...*chainRun) []*gstmini.ClockID {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	type result struct {
		ids []*gstmini.ClockID
		err error
	}
	pending := make(chan result, 1)
	go func() {
		ids, err := clk.WaitForMultiplePendingIDs(ctx, n)
		pending <- result{ids, err}
	}()
	returned := make(chan *chainRun, len(runs))
	for _, r := range runs {
		go func() {
			select {
			case <-r.done:
				returned <- r
			case <-ctx.Done():
			}
		}()
	}
	select {
	case res := <-pending:
		if res.err == nil {
			return res.ids
		}
		t.Fatalf("no Sink.Chain waited on the clock within %v (%d of %d waits pending %s); want %s.\n"+
			"Is Chain blocked on a lock, or waiting on a clock other than s.Clock?",
			watchdog, len(res.ids), n, idTimes(res.ids), why)
	case r := <-returned:
		failIfPanicked(t, "Sink."+r.name, r.panicked)
		t.Fatalf("Sink.%s returned %v without waiting on the clock (clock at %s); want it blocked in ClockID.Wait: %s",
			r.name, r.ret, fmtTime(clk.Time()), why)
	}
	return nil
}

// idTimes prints the times of clock IDs: "[3s 3.3s]".
func idTimes(ids []*gstmini.ClockID) string {
	ts := make([]string, len(ids))
	for i, id := range ids {
		ts[i] = fmtTime(id.Time())
	}
	return "[" + strings.Join(ts, " ") + "]"
}

// rendered returns s.Rendered(), failing t if that blocks for the
// watchdog: Rendered takes s.mu, so it blocks while a Chain holds s.mu
// during its clock wait.
func rendered(t *testing.T, s *Sink) []Rendering {
	t.Helper()
	got := make(chan []Rendering, 1)
	go func() { got <- s.Rendered() }()
	select {
	case rs := <-got:
		return rs
	case <-time.After(watchdog):
		t.Fatalf("Sink.Rendered() blocked for %v on s.mu while Chain waited on the clock: "+
			"Chain must unlock s.mu around ClockID.Wait, so that Stop (and Rendered) can run (README: Step 4)", watchdog)
		return nil
	}
}

// renderings prints what a sink rendered, one line each.
func renderings(rs []Rendering) string {
	if len(rs) == 0 {
		return "nothing"
	}
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "\n\tpts=%s running_time=%s clock=%s jitter=%s",
			fmtTime(r.PTS), fmtTime(r.RunningTime), fmtTime(r.ClockTime), fmtTime(r.Jitter))
	}
	return b.String()
}

// A stopRun is one Sink.Stop call on its own goroutine.
type stopRun struct {
	done     chan struct{} // closed when Stop returned or panicked
	panicked string        // what Stop's panic said and where, "" if none
}

// goStop calls s.Stop on a new goroutine.
func goStop(s *Sink) *stopRun {
	r := &stopRun{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		defer func() {
			if v := recover(); v != nil {
				r.panicked = fmt.Sprintf("%v\n%s", v, panicSite())
			}
		}()
		s.Stop()
	}()
	return r
}

// reportPanic, deferred first thing in every test and subtest, turns a panic
// of the code under test into a failure of that test alone: without it one
// nil pointer would stop the test binary and hide every later result.
func reportPanic(t *testing.T) {
	if v := recover(); v != nil {
		t.Errorf("the code under test panicked: %v\n%s\n%s", v, panicSite(), panicHint)
	}
}

const panicHint = "hint: unfinished code returns zero values, never crashes; a Sink works without a Segment " +
	"(nil means gstmini.NewSegment()) and without a Clock (README: Steps 4 and 5)"

// failIfPanicked stops the test if what panicked, saying where.
func failIfPanicked(t *testing.T, what, panicked string) {
	t.Helper()
	if panicked != "" {
		t.Fatalf("%s panicked: %s\n%s", what, panicked, panicHint)
	}
}

// panicSite lists where, outside the tests and the runtime, the panic being
// recovered happened: "at sink.go:52 lesson2_timing.(*Sink).Chain".
func panicSite() string {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	var where []string
	for {
		f, more := frames.Next()
		if strings.Contains(f.File, "/lesson2_timing/") && !strings.HasSuffix(f.File, "_test.go") {
			where = append(where, fmt.Sprintf("\tat %s:%d %s", filepath.Base(f.File), f.Line, f.Function[strings.LastIndex(f.Function, "/")+1:]))
		}
		if !more || len(where) == 3 {
			break
		}
	}
	if len(where) == 0 {
		return "\t(not in the lesson's own code)"
	}
	return strings.Join(where, "\n")
}

// explainRace prints, when the test fails under the race detector, what a
// data race reported in it means for this lesson: which lock is missing and
// where the README explains it. The race report itself only says which two
// accesses collided.
func explainRace(t *testing.T, explanation string) {
	t.Cleanup(func() {
		if raceDetector && t.Failed() {
			t.Log("if the race detector reported a DATA RACE above: " + explanation)
		}
	})
}

// What each field of a Rendering follows, for the failure that names it.
const (
	hintRenderedRunningTime = "hint: the running time recorded is that of the clipped start of the buffer (of its clipped stop when rate < 0), " +
		"or NONE when it has none (README: Step 4)"
	hintRenderedClockTime = "hint: a synced buffer is rendered only once its clock wait has returned, at the clock's time then; " +
		"a buffer that is not synced is rendered at once (README: Steps 4 and 5)"
	hintRenderedJitter = "hint: the jitter recorded is the one ClockID.Wait returned: the clock's time when the wait began minus the wait's time, " +
		"negative when the buffer was early, positive when late; 0 when the sink did not wait (README: Step 4, What to observe)"
)

// checkRendered compares what s rendered with want. When the renderings
// differ in number or PTS it fails with hint, the rule of the test (a drop,
// a Stop...); when they differ in a field, with the rule of that field, so
// that a wrong jitter is reported as a wrong jitter and not as a wrong drop.
func checkRendered(t *testing.T, s *Sink, want []Rendering, why, hint string) {
	t.Helper()
	got := rendered(t, s)
	fail := func(h string) {
		t.Helper()
		t.Errorf("Sink rendered:%s\nwant:%s\n%s%s", renderings(got), renderings(want), why, h)
	}
	if len(got) != len(want) {
		fail(hint)
		return
	}
	for i := range got {
		g, w := got[i], want[i]
		switch {
		case g.PTS != w.PTS:
			fail(hint)
		case g.RunningTime != w.RunningTime:
			fail(hintRenderedRunningTime)
		case g.ClockTime != w.ClockTime:
			fail(hintRenderedClockTime)
		case g.Jitter != w.Jitter:
			fail(hintRenderedJitter)
		default:
			continue
		}
		return
	}
}
