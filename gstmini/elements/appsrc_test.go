package elements

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// bufAt returns a size-byte buffer with the given PTS and duration.
func bufAt(size int, pts, dur time.Duration) *gstmini.Buffer {
	b := gstmini.NewBuffer(size)
	b.PTS, b.Duration = pts, dur
	return b
}

// within waits for ch to deliver, failing t after the watchdog.
func within[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(watchdog):
		t.Fatalf("%s did not happen within %v", what, watchdog)
		var zero T
		return zero
	}
}

func TestAppSrc_PropertyDefaults(t *testing.T) {
	src := NewAppSrc("appsrc0")
	for _, tc := range []struct {
		name string
		want any
	}{
		{"max-bytes", uint64(200000)},
		{"max-buffers", uint64(0)},
		{"max-time", time.Duration(0)},
		{"format", gstmini.FormatBytes},
		{"block", false},
		{"is-live", false},
		{"min-latency", time.Duration(-1)},
		{"max-latency", time.Duration(-1)},
		{"emit-signals", true},
		{"min-percent", uint64(0)},
		{"current-level-bytes", uint64(0)},
		{"current-level-buffers", uint64(0)},
		{"current-level-time", time.Duration(0)},
		{"leaky-type", AppLeakyNone},
		{"do-timestamp", false},
		{"num-buffers", int64(-1)},
	} {
		if got := mustGet(t, src.Base(), tc.name); got != tc.want {
			t.Errorf("Property(%q) = %v (%T); want %v (%T), GStreamer 1.22's default (gstappsrc.c:217)", tc.name, got, got, tc.want, tc.want)
		}
		if spec, _ := src.FindProperty(tc.name); spec.Default != tc.want {
			t.Errorf("property %q: spec Default = %v (%T); want %v", tc.name, spec.Default, spec.Default, tc.want)
		}
	}
}

func TestAppSrc_BadPropertyValuesNameElementPropertyAndValue(t *testing.T) {
	src := NewAppSrc("cam")
	for _, tc := range []struct {
		name  string
		value any
		want  error
	}{
		{"format", "buffers", gstmini.ErrBadPropertyValue},
		{"leaky-type", "sideways", gstmini.ErrBadPropertyValue},
		{"min-percent", 101, gstmini.ErrBadPropertyValue},
		{"max-bytes", -1, gstmini.ErrBadPropertyValue},
		{"current-level-bytes", 5, gstmini.ErrReadOnlyProperty},
		{"max-size-buffers", 5, gstmini.ErrUnknownProperty},
	} {
		err := src.SetProperty(tc.name, tc.value)
		if !errors.Is(err, tc.want) {
			t.Errorf("SetProperty(%q, %v) = %v; want an error wrapping %q", tc.name, tc.value, err, tc.want)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, `"cam"`) || !strings.Contains(msg, tc.name) {
			t.Errorf("SetProperty(%q, %v) error %q does not name the element \"cam\" and the property", tc.name, tc.value, msg)
		}
	}
	if ret := src.PushBuffer(nil); ret != gstmini.FlowError {
		t.Errorf("PushBuffer(nil) = %s; want error", ret)
	}
}

// TestAppSrc_Limits ports test_appsrc_limits (tests/check/elements/appsrc.c:1071):
// for each kind of limit, a full queue drops the new buffer with
// leaky-type upstream and the oldest with downstream, the levels say so,
// and the buffer after a drop carries DISCONT.
func TestAppSrc_Limits(t *testing.T) {
	for _, tc := range []struct {
		limit      string
		props      map[string]any
		dur        time.Duration
		timeFull   time.Duration // current-level-time when full
		timeLeaked time.Duration // after leaky downstream took the oldest
	}{
		{"bytes", map[string]any{"max-bytes": 200, "max-buffers": 0, "max-time": 0}, gstmini.ClockTimeNone, time.Second, 3 * time.Second},
		{"buffers", map[string]any{"max-bytes": 0, "max-buffers": 2, "max-time": 0}, gstmini.ClockTimeNone, time.Second, 3 * time.Second},
		{"time", map[string]any{"max-bytes": 0, "max-buffers": 0, "max-time": 2 * time.Second}, time.Second, 2 * time.Second, 3 * time.Second},
	} {
		t.Run(tc.limit, func(t *testing.T) {
			src := NewAppSrc("appsrc0")
			mustSet(t, src.Base(), "format", "time")
			mustSet(t, src.Base(), "leaky-type", "upstream")
			for k, v := range tc.props {
				mustSet(t, src.Base(), k, v)
			}
			h := gstcheck.New(t, src)
			h.SetBlockingPushMode() // the streaming goroutine holds buffer 0 in the harness, as the C test's blocking probe
			h.Play()
			levels := func(when string, bytes, bufs uint64, tm time.Duration) {
				t.Helper()
				if b, n, d := src.CurrentLevelBytes(), src.CurrentLevelBuffers(), src.CurrentLevelTime(); b != bytes || n != bufs || d != tm {
					t.Errorf("%s: current-level bytes, buffers, time = %d, %d, %s; want %d, %d, %s",
						when, b, n, gstmini.TimeString(d), bytes, bufs, gstmini.TimeString(tm))
				}
			}
			push := func(pts time.Duration, want gstmini.FlowReturn) {
				t.Helper()
				if ret := src.PushBuffer(bufAt(100, pts, tc.dur)); ret != want {
					t.Errorf("PushBuffer(pts %s) = %s; want %s", gstmini.TimeString(pts), ret, want)
				}
			}
			push(0, gstmini.FlowOK)
			h.WaitForBlockedPush()
			push(time.Second, gstmini.FlowOK)
			push(2*time.Second, gstmini.FlowOK)
			levels("buffer 0 out, 1 s and 2 s queued", 200, 2, tc.timeFull)
			push(4*time.Second, gstmini.FlowEOS) // GStreamer 1.22 returns EOS for a leaked buffer
			levels("leaky upstream dropped the new 4 s buffer", 200, 2, tc.timeFull)
			mustSet(t, src.Base(), "leaky-type", "downstream")
			push(4*time.Second, gstmini.FlowOK)
			levels("leaky downstream dropped the oldest, 1 s", 200, 2, tc.timeLeaked)
			for i, want := range []struct {
				pts     time.Duration
				discont bool
			}{{0, true}, {2 * time.Second, true}, {4 * time.Second, true}} {
				b := h.Pull()
				if b == nil {
					t.Fatalf("buffer %d: nothing pulled", i)
				}
				if b.PTS != want.pts || b.HasFlags(gstmini.BufferFlagDiscont) != want.discont {
					t.Errorf("buffer %d out = pts %s discont %t; want pts %s discont %t (0: first after start; 2 s: after the leaked 1 s; 4 s: after the leaked 4 s)",
						i, gstmini.TimeString(b.PTS), b.HasFlags(gstmini.BufferFlagDiscont), gstmini.TimeString(want.pts), want.discont)
				}
				b.Unref()
			}
		})
	}
}

// TestAppSrc_WithoutBackPressureTheQueueGrows: block=false and an
// application that ignores enough-data: every push is accepted past the
// limit, and enough-data fires on each push that finds the queue full.
func TestAppSrc_WithoutBackPressureTheQueueGrows(t *testing.T) {
	src := NewAppSrc("appsrc0")
	mustSet(t, src.Base(), "max-buffers", 2)
	var enough int
	src.SetCallbacks(AppSrcCallbacks{EnoughData: func(*AppSrc) { enough++ }}) // called on this goroutine
	for i := range 5 {
		if ret := src.PushBuffer(bufAt(10, time.Duration(i)*time.Second, time.Second)); ret != gstmini.FlowOK {
			t.Fatalf("PushBuffer #%d = %s; want ok (block=false queues past the limit)", i, ret)
		}
	}
	if n, b := src.CurrentLevelBuffers(), src.CurrentLevelBytes(); n != 5 || b != 50 {
		t.Errorf("after 5 pushes nobody reads: current-level-buffers, bytes = %d, %d; want 5, 50", n, b)
	}
	if enough != 3 {
		t.Errorf("enough-data calls = %d; want 3 (pushes 3, 4 and 5 found 2 or more buffers queued)", enough)
	}
}

// TestAppSrc_BlockWaitsForRoom: with block=true a push into a full queue
// waits until the streaming goroutine takes a buffer. Before the source
// starts, nobody takes any, so the second push waits until PLAYING.
func TestAppSrc_BlockWaitsForRoom(t *testing.T) {
	src := NewAppSrc("appsrc0")
	mustSet(t, src.Base(), "max-buffers", 1)
	mustSet(t, src.Base(), "block", true)
	h := gstcheck.New(t, src)
	enough := make(chan struct{}, 1)
	src.SetCallbacks(AppSrcCallbacks{EnoughData: func(*AppSrc) { enough <- struct{}{} }})
	if ret := src.PushBuffer(bufAt(1, 0, gstmini.ClockTimeNone)); ret != gstmini.FlowOK {
		t.Fatalf("first PushBuffer in NULL = %s; want ok (a new appsrc queues before it starts)", ret)
	}
	done := make(chan gstmini.FlowReturn, 1)
	go func() { done <- src.PushBuffer(bufAt(1, time.Second, gstmini.ClockTimeNone)) }()
	within(t, enough, "enough-data for the second push")
	select {
	case ret := <-done:
		t.Fatalf("second PushBuffer returned %s with the queue full and nobody reading; want it to wait (block=true)", ret)
	default:
	}
	h.Play()
	if ret := within(t, done, "the blocked push returning once PLAYING took buffer 0"); ret != gstmini.FlowOK {
		t.Errorf("blocked PushBuffer = %s; want ok", ret)
	}
	for i := range 2 {
		if b := h.Pull(); b == nil || b.PTS != time.Duration(i)*time.Second {
			t.Fatalf("buffer %d = %v; want pts %ds", i, b, i)
		} else {
			b.Unref()
		}
	}
}

// TestAppSrc_ShutdownWakesBlockedPushAndRender: appsrc block=true
// max-buffers=1 feeds an appsink max-buffers=1 that nobody pulls. Three
// buffers fill the chain (one in appsink's queue, one in appsink's render
// waiting for room, one in appsrc's queue); the fourth push waits. Setting
// the pipeline to NULL must return promptly and the push return flushing.
func TestAppSrc_ShutdownWakesBlockedPushAndRender(t *testing.T) {
	p := gstmini.NewPipeline("p")
	src, sink := NewAppSrc("src"), NewAppSink("sink")
	mustSet(t, src.Base(), "max-buffers", 1)
	mustSet(t, src.Base(), "block", true)
	mustSet(t, sink.Base(), "max-buffers", 1)
	mustSet(t, sink.Base(), "sync", false)
	if err := p.Add(src, sink); err != nil {
		t.Fatal(err)
	}
	if err := src.SrcPad().Link(sink.SinkPad()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop() })
	p.SetState(gstmini.StatePlaying)
	results := make(chan gstmini.FlowReturn, 4)
	go func() {
		for i := range 4 {
			results <- src.PushBuffer(bufAt(1, time.Duration(i)*time.Second, gstmini.ClockTimeNone))
		}
	}()
	for i := range 3 {
		if ret := within(t, results, "push "+string(rune('0'+i))); ret != gstmini.FlowOK {
			t.Fatalf("push %d = %s; want ok", i, ret)
		}
	}
	stopWithin(t, p)
	if ret := within(t, results, "the fourth, blocked push returning on NULL"); ret != gstmini.FlowFlushing {
		t.Errorf("blocked PushBuffer after NULL = %s; want flushing", ret)
	}
	if ret := src.PushBuffer(bufAt(1, 0, gstmini.ClockTimeNone)); ret != gstmini.FlowFlushing {
		t.Errorf("PushBuffer on a stopped appsrc = %s; want flushing", ret)
	}
	if ret := src.EndOfStream(); ret != gstmini.FlowFlushing {
		t.Errorf("EndOfStream on a stopped appsrc = %s; want flushing", ret)
	}
}

func TestAppSrc_EndOfStreamAfterTheQueuedBuffers(t *testing.T) {
	src := NewAppSrc("appsrc0")
	h := gstcheck.New(t, src)
	h.Play()
	for i := range 2 {
		src.PushBuffer(bufAt(4, time.Duration(i)*time.Second, gstmini.ClockTimeNone))
	}
	if ret := src.EndOfStream(); ret != gstmini.FlowOK {
		t.Fatalf("EndOfStream() = %s; want ok", ret)
	}
	if ret := src.PushBuffer(bufAt(4, 5*time.Second, gstmini.ClockTimeNone)); ret != gstmini.FlowEOS {
		t.Errorf("PushBuffer after EndOfStream = %s; want eos", ret)
	}
	for i := range 2 {
		if b := h.Pull(); b == nil || b.PTS != time.Duration(i)*time.Second {
			t.Fatalf("buffer %d = %v; want pts %ds (EOS comes after the queued buffers)", i, b, i)
		} else {
			b.Unref()
		}
	}
	// The streaming goroutine sends EOS right after the second buffer:
	// wait for it (PullEvent), not only look (TryPullEvent).
	var types []string
	for len(types) == 0 || types[len(types)-1] != gstmini.EventEOS.String() {
		ev := h.PullEvent() // fails the test if EOS never comes
		if ev == nil {
			break
		}
		types = append(types, ev.Type().String())
	}
	if h.BuffersInQueue() != 0 {
		t.Errorf("a buffer came out after EOS (events %v)", types)
	}
}

// TestAppSrc_SendEOSQueuesBehindBuffers: an EOS sent to the element (as a
// pipeline's SendEOS does) waits in the queue behind the buffers pushed
// before it (gst_app_src_send_event, gstappsrc.c:1015).
func TestAppSrc_SendEOSQueuesBehindBuffers(t *testing.T) {
	src := NewAppSrc("appsrc0")
	mustSet(t, src.Base(), "format", "time")
	h := gstcheck.New(t, src)
	h.SetBlockingPushMode()
	h.Play()
	src.PushBuffer(bufAt(4, 0, gstmini.ClockTimeNone))
	h.WaitForBlockedPush()
	src.PushBuffer(bufAt(4, time.Second, gstmini.ClockTimeNone))
	if !src.SendEvent(gstmini.NewEOSEvent()) {
		t.Fatalf("SendEvent(eos) = false; want true (queued)")
	}
	if ret := src.PushBuffer(bufAt(4, 2*time.Second, gstmini.ClockTimeNone)); ret != gstmini.FlowOK {
		t.Errorf("PushBuffer after a sent EOS = %s; want ok (only EndOfStream refuses data)", ret)
	}
	var got []string
	for range 2 {
		b := h.Pull()
		if b == nil {
			t.FailNow()
		}
		got = append(got, gstmini.TimeString(b.PTS))
		b.Unref()
	}
	waitEOS(t, h)
	if b := h.TryPull(); b != nil {
		got = append(got, gstmini.TimeString(b.PTS))
		b.Unref()
	}
	if want := []string{"0:00:00.000000000", "0:00:01.000000000"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("buffers out of appsrc before and after the sent EOS = %v; want %v, then EOS and nothing after it", got, want)
	}
}

// waitEOS pulls events from h until EOS.
func waitEOS(t *testing.T, h *gstcheck.Harness) {
	t.Helper()
	for !h.EOSReceived() {
		if ev := h.PullEvent(); ev == nil {
			t.Fatalf("no EOS reached the harness")
		}
	}
}

// TestAppSrc_Timestamps: the application's timestamps pass unchanged;
// do-timestamp stamps a buffer without any with the running time of its
// push; a live source's first unstamped buffer after PLAYING gets running
// time 0 and the rest none (gst_base_src_do_sync).
func TestAppSrc_Timestamps(t *testing.T) {
	type out struct{ pts, dts time.Duration }
	run := func(t *testing.T, props map[string]any, pushes []time.Duration, clockAt []time.Duration) []out {
		t.Helper()
		src := NewAppSrc("appsrc0")
		for k, v := range props {
			mustSet(t, src.Base(), k, v)
		}
		h := gstcheck.New(t, src)
		h.Play()
		var got []out
		for i, pts := range pushes {
			h.SetTime(clockAt[i])
			src.PushBuffer(bufAt(1, pts, gstmini.ClockTimeNone))
			b := h.Pull()
			if b == nil {
				t.Fatalf("buffer %d not pulled", i)
			}
			got = append(got, out{b.PTS, b.DTS})
			b.Unref()
		}
		return got
	}
	none := gstmini.ClockTimeNone
	for _, tc := range []struct {
		description string
		props       map[string]any
		pushes      []time.Duration
		clockAt     []time.Duration
		want        []out
	}{
		{"application timestamps pass unchanged", map[string]any{"format": "time"},
			[]time.Duration{5 * time.Second, 6 * time.Second}, []time.Duration{time.Second, 2 * time.Second},
			[]out{{5 * time.Second, none}, {6 * time.Second, none}}},
		{"do-timestamp stamps the running time of arrival, and fills a missing DTS", map[string]any{"format": "time", "do-timestamp": true},
			[]time.Duration{none, none, 7 * time.Second}, []time.Duration{time.Second, 3 * time.Second, 4 * time.Second},
			[]out{{time.Second, time.Second}, {3 * time.Second, 3 * time.Second}, {7 * time.Second, 4 * time.Second}}},
		{"a live source without timestamps: the first gets 0, the rest none", map[string]any{"format": "time", "is-live": true},
			[]time.Duration{none, none}, []time.Duration{time.Second, 2 * time.Second},
			[]out{{0, 0}, {none, none}}},
		{"non-live time format without timestamps: none", map[string]any{"format": "time"},
			[]time.Duration{none}, []time.Duration{time.Second},
			[]out{{none, none}}},
		{"non-live bytes format: the first buffer at offset 0 gets 0", map[string]any{},
			[]time.Duration{none, none}, []time.Duration{time.Second, 2 * time.Second},
			[]out{{0, 0}, {none, none}}},
	} {
		t.Run(tc.description, func(t *testing.T) {
			got := run(t, tc.props, tc.pushes, tc.clockAt)
			for i := range tc.want {
				if i >= len(got) || got[i] != tc.want[i] {
					t.Errorf("buffer %d out: got %v; want pts %s dts %s (all: %v)", i, got, gstmini.TimeString(tc.want[i].pts), gstmini.TimeString(tc.want[i].dts), got)
					break
				}
			}
		})
	}
}

// TestAppSrc_NeedDataWhenEmpty: the streaming goroutine asks for data each
// time it finds the queue empty, and the application can push from the
// callback; min-percent asks again as the level falls.
func TestAppSrc_NeedDataWhenEmpty(t *testing.T) {
	src := NewAppSrc("appsrc0")
	mustSet(t, src.Base(), "format", "time")
	var mu sync.Mutex
	next := time.Duration(0)
	calls := 0
	src.SetCallbacks(AppSrcCallbacks{NeedData: func(s *AppSrc, length uint) {
		mu.Lock()
		calls++
		pts := next
		next += time.Second
		mu.Unlock()
		if pts < 3*time.Second {
			s.PushBuffer(bufAt(int(length), pts, time.Second))
		} else {
			s.EndOfStream()
		}
	}})
	h := gstcheck.New(t, src)
	h.Play()
	for i := range 3 {
		b := h.Pull()
		if b == nil || b.PTS != time.Duration(i)*time.Second || b.Size() != 4096 {
			t.Fatalf("buffer %d = %v; want pts %ds, 4096 bytes (need-data's length is blocksize)", i, b, i)
		}
		b.Unref()
	}
	waitEOS(t, h)
	mu.Lock()
	defer mu.Unlock()
	if calls != 4 {
		t.Errorf("need-data calls = %d; want 4 (three buffers, then EndOfStream)", calls)
	}
}

func TestAppSrc_LiveLatency(t *testing.T) {
	src := NewAppSrc("appsrc0")
	mustSet(t, src.Base(), "is-live", true)
	mustSet(t, src.Base(), "min-latency", 40*time.Millisecond)
	q := gstmini.NewLatencyQuery()
	if !src.SrcPad().Query(q) {
		t.Fatalf("latency query failed")
	}
	if live, minL, maxL := q.Latency(); !live || minL != 40*time.Millisecond || maxL != gstmini.ClockTimeNone {
		t.Errorf("latency = %t, %s, %s; want live, 40 ms, none", live, gstmini.TimeString(minL), gstmini.TimeString(maxL))
	}
}

// TestAppSrc_MinPercentAsksForDataBeforeTheQueueIsEmpty: with max-buffers 4
// and min-percent 50, need-data comes each time a buffer leaves a queue at
// or below half full (level*100/max <= 50: at 2, 1 and 0 buffers left),
// then again when the streaming goroutine finds the queue empty. Every
// enabled limit counts: with the default max-bytes (200000) a few bytes are
// always under 50 %, and need-data would come after every buffer.
func TestAppSrc_MinPercentAsksForDataBeforeTheQueueIsEmpty(t *testing.T) {
	src := NewAppSrc("appsrc0")
	mustSet(t, src.Base(), "format", "time")
	mustSet(t, src.Base(), "max-bytes", 0)
	mustSet(t, src.Base(), "max-buffers", 4)
	mustSet(t, src.Base(), "min-percent", 50)
	var mu sync.Mutex
	var levels []uint64
	calls := make(chan struct{}, 16)
	src.SetCallbacks(AppSrcCallbacks{NeedData: func(s *AppSrc, _ uint) {
		mu.Lock()
		levels = append(levels, s.CurrentLevelBuffers())
		mu.Unlock()
		calls <- struct{}{}
	}})
	for i := range 4 {
		src.PushBuffer(bufAt(1, time.Duration(i)*time.Second, time.Second))
	}
	h := gstcheck.New(t, src)
	h.Play()
	for range 4 {
		within(t, calls, "need-data")
	}
	for range 4 {
		if b := h.Pull(); b != nil {
			b.Unref()
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []uint64{2, 1, 0, 0}; !slices.Equal(levels, want) {
		t.Errorf("current-level-buffers at each need-data = %v; want %v (min-percent 50 of max-buffers 4, then the empty queue)", levels, want)
	}
}
