package timing

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

const hintMonotonic = "hint: the clock never returns less than it returned before: it remembers the latest time it gave, " +
	"reads its source once per call, and callers on several goroutines share that memory safely (README: Step 8)"

// Question 1: what happens if base_time is set differently for different sinks?
func TestTwoSinksWithDifferentBaseTimesDriftApart(t *testing.T) {
	defer reportPanic(t)
	clk := gstcheck.NewTestClock()
	video := &Sink{Clock: clk, BaseTime: 0, Sync: true}
	audio := &Sink{Clock: clk, BaseTime: 1 * sec, Sync: true} // got a base time 1 s later
	rv := startChain(t, clk, video, gstmini.NewBufferWithPTS(2*sec, gstmini.ClockTimeNone))
	ra := startChain(t, clk, audio, gstmini.NewBufferWithPTS(2*sec, gstmini.ClockTimeNone))

	ids := waitForClockWaits(t, clk, 2, "both sinks should wait for PTS 2s: video (base_time 0) until 2s, audio (base_time 1s) until 3s\n"+hintWait, rv, ra)
	if got := []time.Duration{ids[0].Time(), ids[1].Time()}; !slices.Equal(got, []time.Duration{2 * sec, 3 * sec}) {
		t.Fatalf("the two sinks wait until %s; want [2s 3s]: same running time, base times 1 s apart\n%s", idTimes(ids), hintWait)
	}

	clk.CrankT(t) // the clock jumps to 2 s and releases the earliest wait
	rv.wait(t, clk, "after the clock reached its sync time 2s")
	if got := rendered(t, audio); len(got) != 0 || ra.finished() {
		t.Fatalf("audio rendered %s at clock 2s; want nothing before 3s\n%s", renderings(got), hintWait)
	}
	clk.CrankT(t) // to 3 s
	ra.wait(t, clk, "after the clock reached its sync time 3s")

	v, a := rendered(t, video), rendered(t, audio)
	if len(v) != 1 || len(a) != 1 || v[0].ClockTime != 2*sec || a[0].ClockTime != 3*sec || v[0].RunningTime != a[0].RunningTime {
		t.Errorf("the same buffer (PTS 2s, running time 2s) was rendered by video:%s\nand by audio:%s\n"+
			"want video at clock 2s and audio at 3s: with different base times the sinks drift apart by the difference, 1 s\n%s",
			renderings(v), renderings(a), hintWait)
	}
}

// scriptedSource returns the given times one after the other, then the
// last one forever: a counter that jumps back when it is corrected.
type scriptedSource struct {
	mu    sync.Mutex
	times []time.Duration
}

func (s *scriptedSource) Time() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.times[0]
	if len(s.times) > 1 {
		s.times = s.times[1:]
	}
	return t
}

// Question 5: what happens if clock time goes backwards?
func TestMonotonicClockNeverGoesBackwards(t *testing.T) {
	defer reportPanic(t)
	src := []time.Duration{5 * sec, 7 * sec, 3 * sec, 6 * sec, 8 * sec, 2 * sec}
	want := []time.Duration{5 * sec, 7 * sec, 7 * sec, 7 * sec, 8 * sec, 8 * sec}
	c := NewMonotonicClock(&scriptedSource{times: slices.Clone(src)})
	got := make([]time.Duration, len(src))
	for i := range got {
		got[i] = c.Time()
	}
	if !slices.Equal(got, want) {
		t.Errorf("MonotonicClock over a source reading %v returned %v; want %v: after the jump back to 3s it must hold 7s until the source passes it\n%s",
			src, got, want, hintMonotonic)
	}
}

func TestMonotonicClockFollowsATestClockThatRefusesToGoBack(t *testing.T) {
	defer reportPanic(t)
	clk := gstcheck.NewTestClock()
	c := NewMonotonicClock(clk)
	setTime(t, clk, 10*sec)
	if got := c.Time(); got != 10*sec {
		t.Fatalf("MonotonicClock.Time() over a test clock at 10s = %s; want 10s\n%s", fmtTime(got), hintMonotonic)
	}
	// GstTestClock asserts and aborts the whole process here; gstmini's
	// returns an error and keeps its time.
	err := clk.SetTime(4 * sec)
	if err == nil || clk.Time() != 10*sec {
		t.Fatalf("TestClock.SetTime(4s) at 10s = %v, clock now %s; want an error and the clock still at 10s", err, fmtTime(clk.Time()))
	}
	t.Logf("as expected, %v", err)
	if got := c.Time(); got != 10*sec {
		t.Errorf("MonotonicClock.Time() after the refused SetTime(4s) = %s; want 10s\n%s", fmtTime(got), hintMonotonic)
	}
}

func TestMonotonicClockIsSafeForConcurrentUse(t *testing.T) {
	defer reportPanic(t)
	explainRace(t, "two goroutines called MonotonicClock.Time at once and both used c.last unguarded. "+
		"Time reads and updates the latest time under c.mu, so that concurrent callers see one another's results (README: Step 8).")
	// The source counts up but every third reading is 50 ms behind, as a
	// clock being corrected would be; it remembers the largest time it gave.
	var calls, maxGiven atomic.Int64
	src := sourceFunc(func() time.Duration {
		n := calls.Add(1)
		v := time.Duration(n) * time.Millisecond
		if n%3 == 0 {
			v = max(v-50*time.Millisecond, 0)
		}
		for {
			m := maxGiven.Load()
			if int64(v) <= m || maxGiven.CompareAndSwap(m, int64(v)) {
				return v
			}
		}
	})
	c := NewMonotonicClock(src)
	const goroutines, reads = 8, 200
	var wg sync.WaitGroup
	errs := make(chan string, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if v := recover(); v != nil {
					errs <- fmt.Sprintf("MonotonicClock.Time panicked: %v\n%s", v, panicSite())
				}
			}()
			var last time.Duration
			for i := 0; i < reads; i++ {
				now := c.Time()
				if now < last {
					errs <- "it went backwards: a goroutine read " + fmtTime(last) + " then " + fmtTime(now)
					return
				}
				last = now
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("MonotonicClock under concurrent use: %s\n%s", e, hintMonotonic)
	}
	final := c.Time()
	switch want := time.Duration(maxGiven.Load()); {
	case calls.Load() == 0:
		t.Errorf("MonotonicClock.Time() returned %s after %d concurrent reads without ever reading its source\n%s",
			fmtTime(final), goroutines*reads, hintMonotonic)
	case final != want:
		t.Errorf("MonotonicClock.Time() after %d concurrent reads = %s; want %s, the largest time the source gave\n%s",
			goroutines*reads, fmtTime(final), fmtTime(want), hintMonotonic)
	}
}

// sourceFunc is a TimeSource made from a function.
type sourceFunc func() time.Duration

func (f sourceFunc) Time() time.Duration { return f() }
