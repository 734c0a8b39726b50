package timing

import (
	"fmt"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

const (
	hintSyncTime = "hint: sync_time = base_time + running_time + latency; a running time of NONE gives NONE (README: Step 4)"
	hintWait     = "hint: a synced buffer waits on s.Clock until base_time + its running time + latency, taking the running time of " +
		"its start clipped to the segment (of its clipped stop when rate < 0); it renders only once that wait returns, " +
		"and s.mu stays free meanwhile (README: Step 4)"
	hintDrop    = "hint: a buffer that Clip puts outside the segment is dropped: Chain returns FlowOK at once, with no clock wait and no Rendering (README: Step 4)"
	hintSyncOff = "hint: with Sync false, without a Clock, or without a running time, Chain renders at once: no ClockID, jitter 0 (README: Step 5)"
	hintLate    = "hint: a late buffer is still waited for, and ClockID.Wait returns ClockEarly with a positive jitter; it is rendered, with that jitter (README: Step 5)"
	hintStop    = "hint: Stop must end a wait in progress, so the ClockID that Chain waits on has to be where Stop can reach it, under s.mu; " +
		"a wait that was unscheduled, and every Chain after Stop, is flushing: nothing rendered (README: Step 5)"
)

// Step 4

func TestSyncTimeAddsBaseTimeAndLatency(t *testing.T) {
	defer reportPanic(t)
	for _, tc := range syncTimeCases {
		t.Run(tc.description, func(t *testing.T) {
			defer reportPanic(t)
			if got := SyncTime(tc.baseTime, tc.runningTime, tc.latency); got != tc.want {
				t.Errorf("SyncTime(base_time=%s, running_time=%s, latency=%s) = %s; want %s\n%s",
					fmtTime(tc.baseTime), fmtTime(tc.runningTime), fmtTime(tc.latency), fmtTime(got), fmtTime(tc.want), hintSyncTime)
			}
		})
	}
}

func TestSinkWaitsUntilBaseTimePlusRunningTimePlusLatency(t *testing.T) {
	defer reportPanic(t)
	for _, tc := range sinkWaitCases {
		t.Run(tc.description, func(t *testing.T) {
			defer reportPanic(t)
			clk := gstcheck.NewTestClock()
			s := &Sink{Clock: clk, BaseTime: 1 * sec, Latency: tc.latency, Sync: true, Segment: tc.seg.Copy()}
			r := startChain(t, clk, s, gstmini.NewBufferWithPTS(tc.pts, tc.duration))
			call := fmt.Sprintf("Sink{BaseTime: 1s, Latency: %s, Segment: %s}.Chain(pts=%s, duration=%s)",
				fmtTime(tc.latency), segString(tc.seg), fmtTime(tc.pts), fmtTime(tc.duration))
			ids := waitForClockWaits(t, clk, 1, fmt.Sprintf("%s should wait until %s\n%s", call, fmtTime(tc.wantWait), hintWait), r)
			if got := ids[0].Time(); got != tc.wantWait {
				t.Errorf("%s waits until clock time %s; want %s\n%s", call, fmtTime(got), fmtTime(tc.wantWait), hintWait)
			}
		})
	}
}

func TestSinkWaitsForTheClockBeforeRendering(t *testing.T) {
	defer reportPanic(t)
	clk := gstcheck.NewTestClock()
	s := &Sink{Clock: clk, BaseTime: 1 * sec, Sync: true}
	r := startChain(t, clk, s, gstmini.NewBufferWithPTS(2*sec, gstmini.ClockTimeNone))

	ids := waitForClockWaits(t, clk, 1, "Chain(pts=2s) with base_time 1s should wait until 3s\n"+hintWait, r)
	if got := ids[0].Time(); got != 3*sec {
		t.Fatalf("Chain(pts=2s) with base_time 1s waits until %s; want 3s\n%s", fmtTime(got), hintWait)
	}
	if got := rendered(t, s); len(got) != 0 || r.finished() {
		t.Fatalf("the sink rendered %s before the clock reached 3s (clock at %s); it must render only after its wait returns\n%s",
			renderings(got), fmtTime(clk.Time()), hintWait)
	}

	if err := clk.SetTime(3 * sec); err != nil {
		t.Fatal(err)
	}
	if clk.ProcessNextClockID() == nil { // releases the wait: the clock reached it
		t.Fatalf("no wait was due at 3s on the test clock")
	}
	if ret := r.wait(t, clk, "after its wait was released at 3s"); ret != gstmini.FlowOK {
		t.Errorf("Chain(pts=2s) = %v; want ok", ret)
	}
	checkRendered(t, s, []Rendering{{PTS: 2 * sec, RunningTime: 2 * sec, ClockTime: 3 * sec, Jitter: -3 * sec}},
		"(jitter -3s: the wait began at clock 0, 3 s before its time)\n", hintWait)
}

func TestSinkDropsBuffersOutsideTheSegment(t *testing.T) {
	defer reportPanic(t)
	clk := gstcheck.NewTestClock()
	seg := segment(func(s *gstmini.Segment) { s.Start, s.Stop = 5*sec, 10*sec })
	s := &Sink{Clock: clk, BaseTime: 1 * sec, Sync: true, Segment: seg}

	for _, buf := range []*gstmini.Buffer{
		gstmini.NewBufferWithPTS(0, 1*sec),      // [0, 1 s]: before the segment
		gstmini.NewBufferWithPTS(4*sec, 1*sec),  // [4 s, 5 s]: ends at the start, half-open: outside
		gstmini.NewBufferWithPTS(11*sec, 1*sec), // after the stop
	} {
		r := startChain(t, clk, s, buf)
		why := fmt.Sprintf("for a buffer [%s, %s] outside %s, which must be dropped without waiting\n%s",
			fmtTime(buf.PTS), fmtTime(buf.PTS+buf.Duration), segString(seg), hintDrop)
		if ret := r.wait(t, clk, why); ret != gstmini.FlowOK {
			t.Errorf("Chain(pts=%s, duration=%s) = %v; want ok: a dropped buffer is not an error\n%s",
				fmtTime(buf.PTS), fmtTime(buf.Duration), ret, hintDrop)
		}
		if n := clk.PendingIDCount(); n != 0 {
			t.Fatalf("%d clock wait(s) pending after dropping pts=%s; want none\n%s", n, fmtTime(buf.PTS), hintDrop)
		}
	}

	r := startChain(t, clk, s, gstmini.NewBufferWithPTS(4*sec, 2*sec)) // [4 s, 6 s] overlaps: clipped to [5 s, 6 s]
	ids := waitForClockWaits(t, clk, 1, "Chain(pts=4s, duration=2s) overlaps the segment [5s, 10s] and should wait until 1s\n"+hintWait, r)
	if got := ids[0].Time(); got != 1*sec {
		t.Errorf("Chain(pts=4s, duration=2s) in %s waits until %s; want 1s (clipped to 5s: running time 0)\n%s", segString(seg), fmtTime(got), hintWait)
	}
	clk.CrankT(t)
	r.wait(t, clk, "after its wait was released")
	checkRendered(t, s, []Rendering{{PTS: 4 * sec, RunningTime: 0, ClockTime: 1 * sec, Jitter: -1 * sec}},
		"(only the buffer that overlaps the segment is rendered)\n", hintDrop)
}

// Step 5

func TestSinkWithSyncOffRendersAtOnce(t *testing.T) {
	defer reportPanic(t)
	clk := gstcheck.NewTestClock()
	s := &Sink{Clock: clk, BaseTime: 1 * sec, Sync: false}
	r := startChain(t, clk, s, gstmini.NewBufferWithPTS(5*sec, gstmini.ClockTimeNone))
	if ret := r.wait(t, clk, "with Sync false, where it must render without waiting on the clock\n"+hintSyncOff); ret != gstmini.FlowOK {
		t.Errorf("Chain(pts=5s) with Sync false = %v; want ok", ret)
	}
	if n := clk.PendingIDCount(); n != 0 {
		t.Errorf("%d clock wait(s) pending with Sync false; want none\n%s", n, hintSyncOff)
	}
	checkRendered(t, s, []Rendering{{PTS: 5 * sec, RunningTime: 5 * sec, ClockTime: 0, Jitter: 0}},
		"(with Sync false the buffer is rendered at clock 0, 6 s before its sync time)\n", hintSyncOff)
}

func TestSinkRendersALateBufferAtOnceAndReportsJitter(t *testing.T) {
	defer reportPanic(t)
	clk := gstcheck.NewTestClockWithStartTime(5 * sec)
	s := &Sink{Clock: clk, BaseTime: 0, Sync: true}
	r := startChain(t, clk, s, gstmini.NewBufferWithPTS(3*sec, gstmini.ClockTimeNone))

	// A real clock returns at once from a wait whose time has passed; the
	// test clock holds every wait until the test releases it, so that the
	// test can see it.
	ids := waitForClockWaits(t, clk, 1, "Chain(pts=3s) at clock 5s should still wait (until 3s, already past)\n"+hintLate, r)
	if got := ids[0].Time(); got != 3*sec {
		t.Fatalf("Chain(pts=3s) waits until %s; want 3s\n%s", fmtTime(got), hintWait)
	}
	if clk.ProcessNextClockID() == nil { // due: 3 s <= 5 s; the clock does not move
		t.Fatalf("no wait was due at 5s on the test clock")
	}
	if ret := r.wait(t, clk, "after its late wait was released"); ret != gstmini.FlowOK {
		t.Errorf("Chain(pts=3s) = %v; want ok: a late buffer is still rendered (max-lateness is off)\n%s", ret, hintLate)
	}
	checkRendered(t, s, []Rendering{{PTS: 3 * sec, RunningTime: 3 * sec, ClockTime: 5 * sec, Jitter: 2 * sec}},
		"(late by 2 s: rendered at clock 5s without the clock moving, jitter +2s)\n", hintLate)
}

func TestSinkStopReleasesAWaitingChain(t *testing.T) {
	defer reportPanic(t)
	clk := gstcheck.NewTestClock()
	s := &Sink{Clock: clk, Sync: true}
	r := startChain(t, clk, s, gstmini.NewBufferWithPTS(2*sec, gstmini.ClockTimeNone))
	waitForClockWaits(t, clk, 1, "Chain(pts=2s) should wait until 2s\n"+hintWait, r)

	stopped := goStop(s)
	select {
	case <-stopped.done:
		failIfPanicked(t, "Sink.Stop", stopped.panicked)
	case <-time.After(watchdog):
		t.Fatalf("Sink.Stop did not return within %v while Chain waited on the clock: "+
			"does Chain hold s.mu during ClockID.Wait?\n%s", watchdog, hintStop)
	}
	if ret := r.wait(t, clk, "after Stop, which must unschedule its clock wait\n"+hintStop); ret != gstmini.FlowFlushing {
		t.Errorf("Chain(pts=2s) interrupted by Stop = %v; want flushing\n%s", ret, hintStop)
	}
	if got := rendered(t, s); len(got) != 0 {
		t.Errorf("Sink rendered %s after Stop interrupted its wait; want nothing\n%s", renderings(got), hintStop)
	}

	r2 := startChain(t, clk, s, gstmini.NewBufferWithPTS(0, gstmini.ClockTimeNone))
	if ret := r2.wait(t, clk, "after Stop, where it must return flushing at once\n"+hintStop); ret != gstmini.FlowFlushing {
		t.Errorf("Chain(pts=0) after Stop = %v; want flushing\n%s", ret, hintStop)
	}
	if n, got := clk.PendingIDCount(), rendered(t, s); n != 0 || len(got) != 0 {
		t.Errorf("after Stop: %d clock wait(s) pending and Sink rendered %s; want none and nothing\n%s", n, renderings(got), hintStop)
	}
}

func TestSinkRendersAtOnceWhenItCannotSync(t *testing.T) {
	t.Run("a buffer without a timestamp has no running time", func(t *testing.T) {
		defer reportPanic(t)
		clk := gstcheck.NewTestClockWithStartTime(4 * sec)
		s := &Sink{Clock: clk, BaseTime: 1 * sec, Sync: true}
		r := startChain(t, clk, s, gstmini.NewBufferWithPTS(gstmini.ClockTimeNone, gstmini.ClockTimeNone))
		if ret := r.wait(t, clk, "for a buffer without PTS, which has no running time and so no sync time\n"+hintSyncOff); ret != gstmini.FlowOK {
			t.Errorf("Chain(pts=NONE) = %v; want ok: a buffer without a timestamp is rendered, not refused\n%s", ret, hintSyncOff)
		}
		if n := clk.PendingIDCount(); n != 0 {
			t.Errorf("%d clock wait(s) pending for a buffer without PTS; want none\n%s", n, hintSyncOff)
		}
		checkRendered(t, s, []Rendering{{PTS: none, RunningTime: none, ClockTime: 4 * sec, Jitter: 0}},
			"(no PTS: no running time, rendered at once at clock 4s)\n", hintSyncOff)
	})
	t.Run("a sink without a clock", func(t *testing.T) {
		defer reportPanic(t)
		clk := gstcheck.NewTestClock() // only to release the sink if it waits anyway; the sink does not have it
		s := &Sink{BaseTime: 1 * sec, Sync: true}
		r := startChain(t, clk, s, gstmini.NewBufferWithPTS(2*sec, gstmini.ClockTimeNone))
		if ret := r.wait(t, clk, "with no Clock to wait on\n"+hintSyncOff); ret != gstmini.FlowOK {
			t.Errorf("Chain(pts=2s) without a Clock = %v; want ok\n%s", ret, hintSyncOff)
		}
		checkRendered(t, s, []Rendering{{PTS: 2 * sec, RunningTime: 2 * sec, ClockTime: none, Jitter: 0}},
			"(without a clock there is nothing to wait on and no clock time to record: NONE)\n", hintSyncOff)
	})
}
