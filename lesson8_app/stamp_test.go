package appbridge

import (
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// ---- Step 1: timestamps are the application's job ----

var doTimestampCases = []struct {
	description      string
	pts, dts         time.Duration
	clock            bool
	clockAt, base    time.Duration
	wantPTS, wantDTS time.Duration
}{
	{"an unstamped buffer gets the running time of its arrival: 12.5 s - 10 s", none, none, true, 12500 * ms, 10 * sec, 2500 * ms, 2500 * ms},
	{"base time 0: running time is the clock's time", none, none, true, 3 * sec, 0, 3 * sec, 3 * sec},
	{"a clock behind the base time gives 0, never a negative time", none, none, true, 5 * sec, 10 * sec, 0, 0},
	{"a buffer with a PTS keeps it, and gets no DTS", 7 * sec, none, true, 12 * sec, 10 * sec, 7 * sec, none},
	{"a buffer with only a DTS keeps it", none, 4 * sec, true, 12 * sec, 10 * sec, none, 4 * sec},
	{"no clock yet (before PLAYING): nothing to stamp with", none, none, false, 0, 0, none, none},
}

func TestDoTimestampStampsTheRunningTimeOfArrival(t *testing.T) {
	for _, tc := range doTimestampCases {
		t.Run(tc.description, func(t *testing.T) {
			var clock gstmini.Clock
			if tc.clock {
				clock = gstcheck.NewTestClockWithStartTime(tc.clockAt)
			}
			in := buffer(4, tc.pts, none)
			in.DTS = tc.dts
			out := DoTimestamp(in, clock, tc.base)
			if out == nil {
				t.Fatalf("DoTimestamp returned nil; want the buffer to push\nhint: README: Step 1")
			}
			if out.PTS != tc.wantPTS || out.DTS != tc.wantDTS {
				t.Errorf("DoTimestamp(buffer pts %s dts %s, clock at %s, base time %s) = pts %s dts %s; want pts %s dts %s\n"+
					"hint: only a buffer with neither PTS nor DTS is stamped, with running_time = clock time - base time\n"+
					"(0 if negative), in both fields; without a clock nothing is stamped (README: Step 1)",
					ts(tc.pts), ts(tc.dts), ts(tc.clockAt), ts(tc.base), ts(out.PTS), ts(out.DTS), ts(tc.wantPTS), ts(tc.wantDTS))
			}
		})
	}
}

func TestDoTimestampNeverChangesASharedBuffer(t *testing.T) {
	clock := gstcheck.NewTestClockWithStartTime(12 * sec)
	in := buffer(4, none, none)
	kept := in.Ref() // the application keeps a reference, to push the same frame elsewhere
	out := DoTimestamp(in, clock, 10*sec)
	if out == nil || out.PTS != 2*sec {
		t.Fatalf("DoTimestamp(shared unstamped buffer, clock 12 s, base 10 s) = %v; want a buffer with PTS 2 s\nhint: README: Step 1", out)
	}
	if out == kept || kept.PTS != none || kept.DTS != none {
		t.Errorf("DoTimestamp stamped the buffer the application still holds (same buffer %t, its PTS now %s): "+
			"writing a shared buffer changes it under its other holder, and in Go it is a data race\n"+
			"hint: buf = buf.MakeWritable() before setting the fields: a copy when someone else holds buf (README: Step 1)",
			out == kept, ts(kept.PTS))
	}
	if n := kept.RefCount(); n != 1 {
		t.Errorf("the application's buffer has %d references after DoTimestamp; want 1 (MakeWritable drops the caller's reference to the original)", n)
	}
	kept.Unref()
	out.Unref()
}

// TestDoTimestampMatchesAppSrc pushes the same buffers into appsrc with
// do-timestamp=true (gstmini/elements, the reference) and compares what
// comes out with DoTimestamp.
func TestDoTimestampMatchesAppSrc(t *testing.T) {
	src := elements.NewAppSrc("appsrc0")
	mustSet(t, src, "format", "time")
	mustSet(t, src, "do-timestamp", true)
	h := gstcheck.New(t, src) // a TestClock at 0 and base time 0: running time = the test clock's time
	h.Play()
	for _, step := range []struct {
		clockAt, pts time.Duration
	}{{1 * sec, none}, {1500 * ms, none}, {2 * sec, 9 * sec}, {4 * sec, none}} {
		h.SetTime(step.clockAt)
		src.PushBuffer(buffer(4, step.pts, none))
		ref := h.Pull()
		if ref == nil {
			t.FailNow()
		}
		got := DoTimestamp(buffer(4, step.pts, none), h.Clock(), 0)
		if got == nil || got.PTS != ref.PTS {
			var pts time.Duration = none
			if got != nil {
				pts = got.PTS
			}
			t.Errorf("clock at %s, pushed PTS %s: appsrc sent PTS %s; DoTimestamp gives %s\nhint: README: Step 1",
				ts(step.clockAt), ts(step.pts), ts(ref.PTS), ts(pts))
		}
		ref.Unref()
	}
}

var captureCases = []struct {
	description   string
	capture, zero time.Duration
	want          time.Duration
	ok            bool
}{
	{"the pipeline went PLAYING at 100 s on the application's clock: a frame captured at 101.5 s has PTS 1.5 s", 101500 * ms, 100 * sec, 1500 * ms, true},
	{"a frame captured exactly at zero has PTS 0", 100 * sec, 100 * sec, 0, true},
	{"a frame captured before the pipeline started has no running time", 99 * sec, 100 * sec, 0, false},
	{"with zero 0 the capture time is the running time", 2 * sec, 0, 2 * sec, true},
}

func TestCaptureToRunningTime(t *testing.T) {
	for _, tc := range captureCases {
		t.Run(tc.description, func(t *testing.T) {
			if got, ok := CaptureToRunningTime(tc.capture, tc.zero); got != tc.want || ok != tc.ok {
				t.Errorf("CaptureToRunningTime(capture %s, zero %s) = %s, %t; want %s, %t\n"+
					"hint: pts = capture - zero; a capture before zero is not a running time (README: Step 1)",
					ts(tc.capture), ts(tc.zero), ts(got), ok, ts(tc.want), tc.ok)
			}
		})
	}
}

// TestAStampInRunningTimeRendersAtItsCaptureTime: appsink (a BaseSink) with
// sync=true waits until clock = base_time + PTS. With base time 10 s and a
// frame captured on the pipeline clock at 10.5 s, a PTS in running time
// (0.5 s) makes the sink render at 10.5 s, when it was captured; the raw
// clock reading as PTS would hold the frame until 20.5 s.
func TestAStampInRunningTimeRendersAtItsCaptureTime(t *testing.T) {
	sink := elements.NewAppSink("appsink0")
	h := gstcheck.New(t, sink)
	mustSet(t, sink, "sync", true)
	sink.SetBaseTime(10 * sec)
	h.SetTime(10500 * ms)
	pts, ok := CaptureToRunningTime(h.Clock().Time(), sink.BaseTime())
	if !ok {
		t.Fatalf("CaptureToRunningTime(10.5 s, base time 10 s) = _, false; want 500 ms, true\nhint: README: Step 1")
	}
	pushed := make(chan gstmini.FlowReturn, 1)
	go func() { pushed <- h.Push(buffer(4, pts, 33*ms)) }()
	id := h.Clock().WaitForNextPendingIDT(t)
	if id == nil {
		t.FailNow()
	}
	if id.Time() != 10500*ms {
		t.Errorf("frame captured at clock 10.5 s, stamped PTS %s: appsink waits until clock %s; want 0:00:10.500000000 (base time 10 s + running time 0.5 s)\n"+
			"hint: a PTS is a running time; the sink adds the base time back (README: Step 1)", ts(pts), ts(id.Time()))
	}
	h.Clock().CrankT(t) // let the wait end, whatever its time
	within(t, pushed, "the push into appsink returning after the clock wait")
}
