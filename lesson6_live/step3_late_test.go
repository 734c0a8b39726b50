package live

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

func TestIsTooLate(t *testing.T) {
	cases := []struct {
		description                        string
		rstart, rstop, jitter, maxLateness time.Duration
		want                               bool
	}{
		{"a 10 ms buffer 50 ms late, max-lateness 20 ms: 50 > 10 + 20, dropped (run-checked)", 1 * sec, 1*sec + 10*ms, 50 * ms, 20 * ms, true},
		{"a 10 ms buffer 50 ms late, max-lateness 40 ms: 50 = 10 + 40, exactly at the limit, rendered (run-checked)", 1 * sec, 1*sec + 10*ms, 50 * ms, 40 * ms, false},
		{"a 10 ms buffer 50 ms late, max-lateness 39 ms: 50 > 10 + 39, dropped (run-checked)", 1 * sec, 1*sec + 10*ms, 50 * ms, 39 * ms, true},
		{"max-lateness -1 never drops, even 10 s late (run-checked)", 1 * sec, 1*sec + 10*ms, 10 * sec, -1, false},
		{"a 40 ms frame 50 ms late, max-lateness 20 ms: 50 <= 40 + 20, rendered late", 2 * sec, 2*sec + 40*ms, 50 * ms, 20 * ms, false},
		{"a 40 ms frame 61 ms late, max-lateness 20 ms: 61 > 40 + 20, dropped", 2 * sec, 2*sec + 40*ms, 61 * ms, 20 * ms, true},
		{"max-lateness 0: later than its own end is too late", 2 * sec, 2*sec + 40*ms, 41 * ms, 0, true},
		{"an early buffer (negative jitter) is never too late", 2 * sec, 2*sec + 40*ms, -30 * ms, 0, false},
		{"without an end (rstop none) the limit is rstart + max-lateness: 30 ms late > 20 ms", 2 * sec, none, 30 * ms, 20 * ms, true},
		{"without an end, 20 ms late = 20 ms: rendered", 2 * sec, none, 20 * ms, 20 * ms, false},
		{"without a running time (rstart none) a buffer cannot be judged: rendered", none, none, 5 * sec, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			if got := IsTooLate(tc.rstart, tc.rstop, tc.jitter, tc.maxLateness); got != tc.want {
				t.Errorf("IsTooLate(rstart %s, rstop %s, jitter %s, max-lateness %s) = %t; want %t\n"+
					"hint: late = rstart + jitter > max-lateness + (rstop, or rstart without an end); never with max-lateness -1 "+
					"or without rstart (README: Step 3)", ts(tc.rstart), ts(tc.rstop), ts(tc.jitter), ts(tc.maxLateness), got, tc.want)
			}
		})
	}
}

// lateFrame is a 25 fps frame and the clock time at which it reaches the sink.
type lateFrame struct {
	pts, dur, arrives time.Duration
}

// lateFrames are four 40 ms frames reaching the sink 50, 60, 61 and 0 ms
// late, then a frame without a duration 30 ms late.
var lateFrames = []lateFrame{
	{1000 * ms, 40 * ms, 1050 * ms}, // 50 ms late: within 40 + 20, rendered
	{1040 * ms, 40 * ms, 1100 * ms}, // 60 ms late: exactly at the limit, rendered
	{1080 * ms, 40 * ms, 1141 * ms}, // 61 ms late: dropped
	{1120 * ms, 40 * ms, 1141 * ms}, // 21 ms late: rendered
	{1200 * ms, none, 1230 * ms},    // no duration, 30 ms late: dropped
}

// pushLate pushes each frame into the sink through h once the clock has
// reached its arrival time, and releases the sink's wait.
func pushLate(t *testing.T, h *gstcheck.Harness, frames []lateFrame) {
	t.Helper()
	for _, f := range frames {
		if f.arrives > h.Clock().Time() {
			h.SetTime(f.arrives)
		}
		buf := gstmini.NewBuffer(0)
		buf.PTS, buf.Duration = f.pts, f.dur
		done := make(chan gstmini.FlowReturn, 1)
		go func() { done <- h.Push(buf) }()
		h.CrankSingleClockWait()
		select {
		case ret := <-done:
			require.Equal(t, gstmini.FlowOK, ret, "pushing a frame at %s into the sink: a late frame is not an error", ts(f.pts))
		case <-time.After(watchdog):
			t.Fatalf("the push of the frame at %s did not return within %v after its clock wait was released", ts(f.pts), watchdog)
		}
	}
}

// qosOf returns the QOS messages on bus, with the fields a drop sets.
func qosOf(bus *gstmini.Bus) []string {
	var out []string
	for m := bus.Pop(); m != nil; m = bus.Pop() {
		if m.Type == gstmini.MessageQOS {
			q := m.QOS
			out = append(out, fmt.Sprintf("QOS live=%t running-time=%s stream-time=%s timestamp=%s duration=%s jitter=%s quality=%d processed=%d dropped=%d",
				q.Live, ts(q.RunningTime), ts(q.StreamTime), ts(q.Timestamp), ts(q.Duration), ts(q.Jitter), q.Quality, q.Processed, q.Dropped))
		}
	}
	return out
}

func displayHarness(t *testing.T, maxLateness time.Duration) (*Display, *gstcheck.Harness) {
	t.Helper()
	d := NewDisplay("display")
	d.MaxLateness = maxLateness
	h := gstcheck.New(t, d)
	require.NoError(t, d.SetProperty("sync", true)) // the harness turns a sink's sync off
	h.SetSrcCaps(gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: 25, Den: 1}})
	return d, h
}

func TestDisplayDropsFramesLaterThanMaxLateness(t *testing.T) {
	d, h := displayHarness(t, 20*ms)
	pushLate(t, h, lateFrames)

	wantShown := []Rendering{
		{PTS: 1000 * ms, RunningTime: 1000 * ms, ClockTime: 1050 * ms, Jitter: 50 * ms},
		{PTS: 1040 * ms, RunningTime: 1040 * ms, ClockTime: 1100 * ms, Jitter: 60 * ms},
		{PTS: 1120 * ms, RunningTime: 1120 * ms, ClockTime: 1141 * ms, Jitter: 21 * ms},
	}
	if diff := cmp.Diff(wantShown, d.Renderings()); diff != "" {
		t.Errorf("frames the display showed, max-lateness 20 ms (-want +got):\n%s"+
			"got:\n%s\nhint: render shows a frame unless IsTooLate(d.times(buf), d.MaxLateness) (README: Step 3)",
			diff, renderingsString(d.Renderings()))
	}
	require.Equal(t, uint64(2), d.Dropped(),
		"Dropped() = %d; want 2: the 40 ms frame 61 ms late and the frame without a duration 30 ms late\nhint: README Step 3", d.Dropped())
	want := []string{
		"QOS live=true running-time=0:00:01.080000000 stream-time=0:00:01.080000000 timestamp=0:00:01.080000000 duration=0:00:00.040000000 jitter=0:00:00.061000000 quality=1000000 processed=2 dropped=1",
		"QOS live=true running-time=0:00:01.200000000 stream-time=0:00:01.200000000 timestamp=0:00:01.200000000 duration=none jitter=0:00:00.030000000 quality=1000000 processed=3 dropped=2",
	}
	if diff := cmp.Diff(want, qosOf(h.Bus())); diff != "" {
		t.Errorf("QOS messages the display posted (-want +got):\n%s"+
			"hint: each drop posts gstmini.NewQOSMessage with the frame's running time, stream time, PTS, duration and jitter, "+
			"and the counts so far: processed = frames shown, dropped = frames dropped including this one (README: Step 3)", diff)
	}

	t.Run("max-lateness -1 shows every late frame", func(t *testing.T) {
		d, h := displayHarness(t, -1)
		frames := []lateFrame{{1000 * ms, 40 * ms, 3000 * ms}, {1040 * ms, 40 * ms, 3000 * ms}, {1080 * ms, none, 3500 * ms}}
		pushLate(t, h, frames)
		var got []time.Duration
		for _, r := range d.Renderings() {
			got = append(got, r.Jitter)
		}
		want := []time.Duration{2000 * ms, 1960 * ms, 2420 * ms}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("jitter of the frames shown with max-lateness -1 (-want +got):\n%s"+
				"hint: max-lateness -1 turns dropping off: every frame is shown, however late (README: Step 3)", diff)
		}
		require.Zero(t, d.Dropped(), "max-lateness -1 drops nothing")
		require.Empty(t, qosOf(h.Bus()), "no drop, no QOS message")
	})
}

// TestDisplayDropsWhatBaseSinkDrops runs the same late frames (with
// durations) through fakesink max-lateness=20ms, whose BaseSink drops them
// with gst_base_sink_is_too_late, and compares.
func TestDisplayDropsWhatBaseSinkDrops(t *testing.T) {
	frames := lateFrames[:4]
	ref := elements.NewFakeSink("fakesink")
	var refShown []time.Duration
	ref.SetHandoff(func(buf *gstmini.Buffer) { refShown = append(refShown, buf.PTS) })
	rh := gstcheck.New(t, ref)
	for k, v := range map[string]any{"sync": true, "max-lateness": 20 * ms, "qos": true, "signal-handoffs": true} {
		require.NoError(t, ref.SetProperty(k, v))
	}
	rh.SetSrcCaps(gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: 25, Den: 1}})
	pushLate(t, rh, frames)

	d, h := displayHarness(t, 20*ms)
	pushLate(t, h, frames)
	var shown []time.Duration
	for _, r := range d.Renderings() {
		shown = append(shown, r.PTS)
	}
	if diff := cmp.Diff(refShown, shown); diff != "" {
		t.Errorf("PTS of the frames shown: BaseSink's (fakesink max-lateness=20ms) vs the Display's (-basesink +display):\n%s"+
			"hint: README Step 3", diff)
	}
	_, refDropped := ref.Stats()
	require.Equal(t, refDropped, d.Dropped(), "frames dropped: BaseSink's vs the Display's")
	if diff := cmp.Diff(qosOf(rh.Bus()), qosOf(h.Bus())); diff != "" {
		t.Errorf("QOS messages of the drops: BaseSink's vs the Display's (-basesink +display):\n%s"+
			"hint: the fields of gst_base_sink_chain_unlocked's QOS message, gstbasesink.c:4048 (README: Step 3)", diff)
	}
}
