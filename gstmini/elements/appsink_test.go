package elements

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// newAppSinkHarness is appsink in a harness, PLAYING, with sync and async
// off (as GstHarness turns them off), after caps and a TIME segment.
func newAppSinkHarness(t *testing.T, props map[string]any) (*AppSink, *gstcheck.Harness) {
	t.Helper()
	sink := NewAppSink("appsink0")
	for k, v := range props {
		mustSet(t, sink.Base(), k, v)
	}
	h := gstcheck.New(t, sink)
	h.SetSrcCaps(gstmini.Caps{MediaType: "video/x-raw"})
	return sink, h
}

// pushAsync pushes buf into h on its own goroutine and returns its result.
func pushAsync(h *gstcheck.Harness, buf *gstmini.Buffer) <-chan gstmini.FlowReturn {
	ch := make(chan gstmini.FlowReturn, 1)
	go func() { ch <- h.Push(buf) }()
	return ch
}

func TestAppSink_PropertyDefaults(t *testing.T) {
	sink := NewAppSink("appsink0")
	for _, tc := range []struct {
		name string
		want any
	}{
		{"eos", true}, // not started
		{"emit-signals", false},
		{"max-buffers", uint64(0)},
		{"drop", false},
		{"wait-on-eos", true},
		{"sync", true}, // a BaseSink: it syncs on the clock
		{"async", true},
	} {
		if got := mustGet(t, sink.Base(), tc.name); got != tc.want {
			t.Errorf("Property(%q) = %v (%T); want %v (%T), GStreamer 1.22's default (gstappsink.c:162)", tc.name, got, got, tc.want, tc.want)
		}
	}
	for _, tc := range []struct {
		name  string
		value any
		want  error
	}{
		{"max-buffers", -1, gstmini.ErrBadPropertyValue},
		{"drop", "maybe", gstmini.ErrBadPropertyValue},
		{"eos", false, gstmini.ErrReadOnlyProperty},
	} {
		if err := sink.SetProperty(tc.name, tc.value); !errors.Is(err, tc.want) {
			t.Errorf("SetProperty(%q, %v) = %v; want an error wrapping %q", tc.name, tc.value, err, tc.want)
		}
	}
}

// TestAppSink_PullSampleCarriesCapsAndSegment ports test_segment
// (tests/check/elements/appsink.c:412): preroll and sample carry the segment
// in force.
func TestAppSink_PullSampleCarriesCapsAndSegment(t *testing.T) {
	sink, h := newAppSinkHarness(t, nil)
	seg := gstmini.NewSegment()
	seg.Start = 2 * time.Second
	h.PushSegment(seg)
	if ret := h.Push(bufAt(4, 2*time.Second, gstmini.ClockTimeNone)); ret != gstmini.FlowOK {
		t.Fatalf("Push = %s; want ok", ret)
	}
	pre := sink.TryPullPreroll(0)
	if pre == nil || pre.Segment == nil || pre.Segment.Start != 2*time.Second {
		t.Fatalf("TryPullPreroll(0) = %+v; want the buffer with the segment starting at 2 s", pre)
	}
	pre.Unref()
	smp := sink.TryPullSample(0)
	if smp == nil {
		t.Fatalf("TryPullSample(0) = nil; want the rendered buffer")
	}
	defer smp.Unref()
	if smp.Segment == nil || smp.Segment.Start != 2*time.Second || smp.Caps == nil || smp.Caps.MediaType != "video/x-raw" {
		t.Errorf("sample segment %v caps %v; want start 2 s and video/x-raw", smp.Segment, smp.Caps)
	}
	if sink.TryPullPreroll(0) != nil {
		t.Errorf("TryPullPreroll(0) after a pull = a sample; want nil (pulling a sample drops the preroll buffer)")
	}
}

// TestAppSink_TryPullTimesOut ports test_pull_with_timeout
// (tests/check/elements/appsink.c:447) onto synctest's virtual time: the
// timeout is real (monotonic) time in GStreamer, so the bubble measures it
// without waiting for it.
func TestAppSink_TryPullTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sink, h := newAppSinkHarness(t, nil)
		start := time.Now()
		if s := sink.TryPullPreroll(50 * time.Millisecond); s != nil {
			t.Fatalf("TryPullPreroll(50ms) with nothing pushed = %+v; want nil", s)
		}
		if waited := time.Since(start); waited != 50*time.Millisecond {
			t.Errorf("TryPullPreroll(50ms) returned after %v; want 50ms", waited)
		}
		h.Push(bufAt(4, 0, gstmini.ClockTimeNone))
		if s := sink.TryPullPreroll(50 * time.Millisecond); s == nil {
			t.Fatalf("TryPullPreroll(50ms) after a push = nil; want the preroll sample")
		} else {
			s.Unref()
		}
		if s := sink.TryPullSample(500 * time.Second); s == nil {
			t.Fatalf("TryPullSample(500s) with a sample queued = nil")
		} else {
			s.Unref()
		}
		start = time.Now()
		if s := sink.TryPullSample(0); s != nil || time.Since(start) != 0 {
			t.Errorf("TryPullSample(0) on an empty queue = %+v after %v; want nil at once", s, time.Since(start))
		}
		start = time.Now()
		if s := sink.TryPullSample(50 * time.Millisecond); s != nil || time.Since(start) != 50*time.Millisecond {
			t.Errorf("TryPullSample(50ms) on an empty queue = %+v after %v; want nil after 50ms", s, time.Since(start))
		}
	})
}

// TestAppSink_EOSReachesThePullerAfterTheSamples: with wait-on-eos (the
// default) EOS waits on the streaming goroutine until the application has
// pulled every sample; then PullSample returns nil and IsEOS is true.
func TestAppSink_EOSReachesThePullerAfterTheSamples(t *testing.T) {
	sink, h := newAppSinkHarness(t, nil)
	var eosQueued atomic.Int64
	eosQueued.Store(-1)
	eos := make(chan struct{})
	sink.SetCallbacks(AppSinkCallbacks{EOS: func(s *AppSink) { eosQueued.Store(int64(s.QueuedSamples())); close(eos) }})
	for i := range 2 {
		h.Push(bufAt(4, time.Duration(i)*time.Second, gstmini.ClockTimeNone))
	}
	pushed := make(chan bool, 1)
	go func() { pushed <- h.PushEvent(gstmini.NewEOSEvent()) }()
	for i := range 2 {
		s := sink.PullSample()
		if s == nil || s.Buffer.PTS != time.Duration(i)*time.Second {
			t.Fatalf("PullSample %d = %+v; want pts %ds", i, s, i)
		}
		s.Unref()
	}
	within(t, eos, "the EOS callback")
	if n := eosQueued.Load(); n != 0 {
		t.Errorf("samples queued when the EOS callback ran = %d; want 0 (wait-on-eos waits for the application)", n)
	}
	if ok := within(t, pushed, "the EOS push returning"); !ok {
		t.Errorf("PushEvent(eos) = false; want true")
	}
	if s := sink.PullSample(); s != nil {
		t.Errorf("PullSample at EOS = %+v; want nil", s)
	}
	if !sink.IsEOS() {
		t.Errorf("IsEOS() = false after EOS with an empty queue; want true")
	}
}

// TestAppSink_LatestFrame: max-buffers=1 drop=true never holds the pipeline
// back; the application pulls the newest buffer and the others are dropped.
func TestAppSink_LatestFrame(t *testing.T) {
	sink, h := newAppSinkHarness(t, map[string]any{"max-buffers": 1, "drop": true})
	for i := range 5 {
		if ret := h.Push(bufAt(4, time.Duration(i)*time.Second, gstmini.ClockTimeNone)); ret != gstmini.FlowOK {
			t.Fatalf("Push %d = %s; want ok (drop=true never waits)", i, ret)
		}
	}
	if n, d := sink.QueuedSamples(), sink.Dropped(); n != 1 || d != 4 {
		t.Errorf("queued, dropped = %d, %d; want 1, 4", n, d)
	}
	s := sink.PullSample()
	if s == nil || s.Buffer.PTS != 4*time.Second {
		t.Fatalf("PullSample = %+v; want the newest, pts 4 s", s)
	}
	s.Unref()
}

// TestAppSink_EveryFrameHoldsThePipelineBack: max-buffers=2 without drop:
// the third buffer waits in render until the application pulls one.
func TestAppSink_EveryFrameHoldsThePipelineBack(t *testing.T) {
	sink, h := newAppSinkHarness(t, map[string]any{"max-buffers": 2})
	var pulls atomic.Int64
	var pullsAtThird atomic.Int64
	sink.SetCallbacks(AppSinkCallbacks{NewSample: func(s *AppSink) gstmini.FlowReturn {
		if s.QueuedSamples() == 2 && pullsAtThird.Load() == 0 && pulls.Load() > 0 {
			pullsAtThird.Store(pulls.Load())
		}
		return gstmini.FlowOK
	}})
	for i := range 2 {
		h.Push(bufAt(4, time.Duration(i)*time.Second, gstmini.ClockTimeNone))
	}
	third := pushAsync(h, bufAt(4, 2*time.Second, gstmini.ClockTimeNone))
	select {
	case ret := <-third:
		t.Fatalf("third Push returned %s with 2 samples queued and max-buffers=2; want it to wait for a pull", ret)
	default:
	}
	pulls.Add(1)
	s := sink.PullSample()
	if s == nil || s.Buffer.PTS != 0 {
		t.Fatalf("PullSample = %+v; want pts 0", s)
	}
	s.Unref()
	if ret := within(t, third, "the third push after a pull"); ret != gstmini.FlowOK {
		t.Errorf("third Push = %s; want ok", ret)
	}
	if n := sink.QueuedSamples(); n != 2 || pullsAtThird.Load() != 1 {
		t.Errorf("queued = %d, pulls before the third sample = %d; want 2 and 1", n, pullsAtThird.Load())
	}
	if d := sink.Dropped(); d != 0 {
		t.Errorf("Dropped() = %d; want 0 without drop", d)
	}
}

// TestAppSink_FlushWakesAWaitingRender: a render waiting for room returns
// flushing on FLUSH_START, and FLUSH_STOP empties the queue.
func TestAppSink_FlushWakesAWaitingRender(t *testing.T) {
	sink, h := newAppSinkHarness(t, map[string]any{"max-buffers": 1})
	h.Push(bufAt(4, 0, gstmini.ClockTimeNone))
	second := pushAsync(h, bufAt(4, time.Second, gstmini.ClockTimeNone))
	done := make(chan bool, 1)
	go func() { done <- sink.SinkPad().SendEvent(gstmini.NewFlushStartEvent()) }()
	if ret := within(t, second, "the waiting render returning on flush-start"); ret != gstmini.FlowFlushing {
		t.Errorf("push waiting on max-buffers after flush-start = %s; want flushing", ret)
	}
	within(t, done, "flush-start")
	sink.SinkPad().SendEvent(gstmini.NewFlushStopEvent(false))
	if n := sink.QueuedSamples(); n != 0 {
		t.Errorf("queued after flush-stop = %d; want 0", n)
	}
}

// TestAppSink_NullWakesABlockedPull: PullSample blocked on an empty queue
// returns nil when the sink goes to NULL.
func TestAppSink_NullWakesABlockedPull(t *testing.T) {
	sink, h := newAppSinkHarness(t, nil)
	got := make(chan *Sample, 1)
	go func() { got <- sink.PullSample() }()
	h.Teardown()
	if s := within(t, got, "the blocked PullSample returning on NULL"); s != nil {
		t.Errorf("PullSample after NULL = %+v; want nil", s)
	}
}

// TestAppSink_SyncsOnTheClock: appsink is a BaseSink; with sync=true a
// buffer is queued for the application only when the clock reaches its
// running time.
func TestAppSink_SyncsOnTheClock(t *testing.T) {
	sink, h := newAppSinkHarness(t, nil)
	mustSet(t, sink.Base(), "sync", true)
	res := pushAsync(h, bufAt(4, time.Second, gstmini.ClockTimeNone))
	id := h.Clock().WaitForNextPendingIDT(t)
	if id == nil {
		t.FailNow()
	}
	if id.Time() != time.Second {
		t.Errorf("appsink waits for clock time %s; want 0:00:01 (base 0 + running time 1 s)", gstmini.TimeString(id.Time()))
	}
	if s := sink.TryPullSample(0); s != nil {
		t.Errorf("a sample is there before the clock reached its time: %+v", s)
	}
	h.Clock().CrankT(t)
	within(t, res, "the push after the crank")
	if s := sink.TryPullSample(0); s == nil {
		t.Errorf("no sample after the clock reached its time")
	} else {
		s.Unref()
	}
}

// TestAppSink_SignalsNeedEmitSignals: new-sample handlers run only with
// emit-signals=true; callbacks always run.
func TestAppSink_SignalsNeedEmitSignals(t *testing.T) {
	sink, h := newAppSinkHarness(t, nil)
	var mu sync.Mutex
	var log []string
	rec := func(what string) func(*AppSink) gstmini.FlowReturn {
		return func(*AppSink) gstmini.FlowReturn {
			mu.Lock()
			log = append(log, what)
			mu.Unlock()
			return gstmini.FlowOK
		}
	}
	sink.ConnectSignals(AppSinkCallbacks{NewSample: rec("signal")})
	h.Push(bufAt(1, 0, gstmini.ClockTimeNone))
	mustSet(t, sink.Base(), "emit-signals", true)
	h.Push(bufAt(1, time.Second, gstmini.ClockTimeNone))
	sink.SetCallbacks(AppSinkCallbacks{NewSample: rec("callback")})
	h.Push(bufAt(1, 2*time.Second, gstmini.ClockTimeNone))
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"signal", "callback"}; len(log) != 2 || log[0] != want[0] || log[1] != want[1] {
		t.Errorf("new-sample notifications = %q; want %q (no signal while emit-signals=false; a callback replaces the signal)", log, want)
	}
}

// TestAppSink_NullEndsTheWaitOnEOS: EOS waiting for the application to
// pull (wait-on-eos) holds the streaming goroutine; going to NULL must end
// the wait promptly, without the EOS callback.
func TestAppSink_NullEndsTheWaitOnEOS(t *testing.T) {
	sink, h := newAppSinkHarness(t, nil)
	var eosCalls atomic.Int64
	sink.SetCallbacks(AppSinkCallbacks{EOS: func(*AppSink) { eosCalls.Add(1) }})
	h.Push(bufAt(4, 0, gstmini.ClockTimeNone))
	pushed := make(chan bool, 1)
	go func() { pushed <- h.PushEvent(gstmini.NewEOSEvent()) }()
	select {
	case <-pushed:
		t.Fatalf("EOS returned with a sample unpulled; want it to wait (wait-on-eos)")
	default:
	}
	h.Teardown() // fails the test if NULL does not come within the watchdog
	within(t, pushed, "the EOS push returning after NULL")
	if n := eosCalls.Load(); n != 0 {
		t.Errorf("EOS callback ran %d times after a shutdown during the wait; want 0", n)
	}
}
