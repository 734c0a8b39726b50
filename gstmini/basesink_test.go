package gstmini_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

const (
	ms = time.Millisecond
	s  = time.Second
)

// renderSink is a BaseSink that records the PTS of what it renders.
type renderSink struct {
	gstmini.BaseSink
	mu       sync.Mutex
	rendered []time.Duration
	at       []time.Duration // running time on the clock when each was rendered
	waiters  map[time.Duration]chan struct{}
}

func newRenderSink(name string) *renderSink {
	k := &renderSink{}
	k.InitBaseSink(k, name, gstmini.BaseSinkHooks{Render: func(buf *gstmini.Buffer) gstmini.FlowReturn {
		k.mu.Lock()
		k.rendered = append(k.rendered, buf.PTS)
		k.at = append(k.at, k.RunningTime())
		if ch, ok := k.waiters[buf.PTS]; ok {
			close(ch)
			delete(k.waiters, buf.PTS)
		}
		k.mu.Unlock()
		return gstmini.FlowOK
	}})
	return k
}

// WhenRendered returns a channel closed once the buffer with PTS pts has
// been rendered.
func (k *renderSink) WhenRendered(pts time.Duration) <-chan struct{} {
	k.mu.Lock()
	defer k.mu.Unlock()
	ch := make(chan struct{})
	if slices.Contains(k.rendered, pts) {
		close(ch)
		return ch
	}
	if k.waiters == nil {
		k.waiters = map[time.Duration]chan struct{}{}
	}
	k.waiters[pts] = ch
	return ch
}

// RenderedAt returns the running time at which the buffer with PTS pts was
// rendered, and whether it was.
func (k *renderSink) RenderedAt(pts time.Duration) (time.Duration, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for i, p := range k.rendered {
		if p == pts {
			return k.at[i], true
		}
	}
	return 0, false
}

func (k *renderSink) Rendered() []time.Duration {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]time.Duration(nil), k.rendered...)
}

// syncedSink returns a harnessed render sink with sync back on and base
// time baseTime, as GstHarness tests of basesink set them up.
func syncedSink(t *testing.T, baseTime time.Duration, props map[string]any) (*gstcheck.Harness, *renderSink) {
	t.Helper()
	k := newRenderSink("sink")
	h := gstcheck.New(t, k)
	require.NoError(t, k.SetProperty("sync", true))
	for name, v := range props {
		require.NoError(t, k.SetProperty(name, v), "property %s", name)
	}
	k.SetBaseTime(baseTime)
	return h, k
}

func buf(pts, dur time.Duration) *gstmini.Buffer { return gstmini.NewBufferWithPTS(pts, dur) }

// TestBaseSinkWaitsUntilBaseTimePlusRunningTime checks the clock time each
// buffer waits for against GStreamer 1.22.0, run-checked with base_time 1 s:
//
//	clock_time = base_time + running_time + latency + ts-offset - render-delay
func TestBaseSinkWaitsUntilBaseTimePlusRunningTime(t *testing.T) {
	cases := []struct {
		name    string
		props   map[string]any
		segment func(*gstmini.Segment)
		latency time.Duration
		buf     *gstmini.Buffer
		want    time.Duration
	}{
		{name: "pts 2 s syncs at base + 2 s", buf: buf(2*s, gstmini.ClockTimeNone), want: 3 * s},
		{name: "ts-offset adds, render-delay subtracts", props: map[string]any{"ts-offset": 500 * ms, "render-delay": 200 * ms},
			buf: buf(2*s, gstmini.ClockTimeNone), want: 3300 * ms},
		{name: "a negative ts-offset larger than the time clamps at 0", props: map[string]any{"ts-offset": -10 * s},
			buf: buf(2*s, gstmini.ClockTimeNone), want: 1 * s},
		{name: "render-delay larger than the time clamps at 0", props: map[string]any{"render-delay": 200 * ms},
			buf: buf(100*ms, gstmini.ClockTimeNone), want: 1 * s},
		{name: "segment start 1 s and base 5 s", segment: func(g *gstmini.Segment) { g.Start, g.Base = 1*s, 5*s },
			buf: buf(2*s, gstmini.ClockTimeNone), want: 7 * s},
		{name: "DTS is used before PTS", buf: func() *gstmini.Buffer { b := buf(2*s, gstmini.ClockTimeNone); b.DTS = 1500 * ms; return b }(),
			want: 2500 * ms},
		{name: "rate -1 on [0,10] syncs on the clipped stop", segment: func(g *gstmini.Segment) { g.Rate, g.Stop = -1, 10*s },
			buf: buf(2*s, 1*s), want: 8 * s},
		{name: "rate 2 halves running time", segment: func(g *gstmini.Segment) { g.Rate = 2 },
			buf: buf(4*s, gstmini.ClockTimeNone), want: 3 * s},
		{name: "LATENCY event adds the pipeline latency", latency: 300 * ms,
			buf: buf(2*s, gstmini.ClockTimeNone), want: 3300 * ms},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, k := syncedSink(t, 1*s, tc.props)
			seg := gstmini.NewSegment()
			if tc.segment != nil {
				tc.segment(seg)
			}
			require.True(t, h.PushSegment(seg))
			if tc.latency > 0 {
				require.True(t, k.SendEvent(gstmini.NewLatencyEvent(tc.latency)))
			}
			done := make(chan gstmini.FlowReturn, 1)
			go func() { done <- h.Push(tc.buf) }()
			id := h.Clock().WaitForNextPendingIDT(t)
			assert.Equal(t, gstmini.TimeString(tc.want), gstmini.TimeString(id.Time()),
				"the sink waits on the clock for base_time + running_time (+ latency + ts-offset - render-delay)")
			assert.Empty(t, k.Rendered(), "nothing is rendered before the clock reaches the sync time")
			require.NoError(t, h.Clock().SetTime(id.Time()))
			require.Equal(t, id, h.Clock().ProcessNextClockID())
			assert.Equal(t, gstmini.FlowOK, <-done)
			assert.Len(t, k.Rendered(), 1, "rendered once the clock reached the sync time")
		})
	}
}

func TestBaseSinkSyncFalseRendersAtOnceWithoutClockWait(t *testing.T) {
	k := newRenderSink("sink")
	h := gstcheck.New(t, k) // the harness turns sync off, as GstHarness does
	h.PushSegment(gstmini.NewSegment())
	assert.Equal(t, gstmini.FlowOK, h.Push(buf(5*s, 1*s)))
	assert.Equal(t, []time.Duration{5 * s}, k.Rendered())
	assert.Zero(t, h.Clock().PendingIDCount(), "sync=false never waits on the clock")
	assert.Zero(t, k.ClockWaits())
}

func TestBaseSinkDropsBuffersOutsideTheSegmentBeforeSync(t *testing.T) {
	cases := []struct {
		name     string
		buf      *gstmini.Buffer
		wantWait time.Duration // ClockTimeNone: dropped, no wait
	}{
		{"pts 0 dur 1 s before start 5 s is dropped", buf(0, 1*s), gstmini.ClockTimeNone},
		{"pts 0 without duration is kept and clipped to the start", buf(0, gstmini.ClockTimeNone), 0},
		{"pts 4 s dur 2 s overlaps the start and syncs at running time 0", buf(4*s, 2*s), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, k := syncedSink(t, 0, nil)
			seg := gstmini.NewSegment()
			seg.Start = 5 * s
			h.PushSegment(seg)
			if tc.wantWait == gstmini.ClockTimeNone {
				assert.Equal(t, gstmini.FlowOK, h.Push(tc.buf), "a dropped buffer still returns OK")
				assert.Empty(t, k.Rendered())
				assert.Zero(t, h.Clock().PendingIDCount(), "no clock wait for a dropped buffer")
				return
			}
			done := make(chan gstmini.FlowReturn, 1)
			go func() { done <- h.Push(tc.buf) }()
			id := h.Clock().WaitForNextPendingIDT(t)
			assert.Equal(t, tc.wantWait, id.Time())
			h.Clock().ProcessID(id)
			assert.Equal(t, gstmini.FlowOK, <-done)
		})
	}
}

// TestBaseSinkMaxLatenessDropsLateBuffers uses GStreamer's rule: a buffer
// is dropped when jitter > duration + max-lateness (run-checked: 10 ms
// buffers, 50 ms late).
func TestBaseSinkMaxLatenessDropsLateBuffers(t *testing.T) {
	cases := []struct {
		maxLateness time.Duration
		duration    time.Duration
		dropped     bool
	}{
		{20 * ms, 10 * ms, true},
		{40 * ms, 10 * ms, false},
		{39 * ms, 10 * ms, true},
		{-1, 10 * ms, false},
	}
	for _, tc := range cases {
		t.Run(gstmini.TimeString(tc.maxLateness), func(t *testing.T) {
			h, k := syncedSink(t, 0, map[string]any{"max-lateness": tc.maxLateness, "qos": true})
			h.PushSegment(gstmini.NewSegment())
			require.NoError(t, h.Clock().SetTime(1*s+50*ms))
			done := make(chan gstmini.FlowReturn, 1)
			go func() { done <- h.Push(buf(1*s, tc.duration)) }()
			id := h.Clock().WaitForNextPendingIDT(t)
			h.Clock().ProcessID(id)
			assert.Equal(t, gstmini.FlowOK, <-done, "a late buffer is dropped, not an error")
			rendered, dropped := k.Stats()
			if tc.dropped {
				assert.Equal(t, uint64(1), dropped, "50 ms late > %v + %v: dropped", tc.duration, tc.maxLateness)
				assert.Zero(t, rendered)
				var qos *gstmini.Message
				for _, m := range h.Bus().Messages() {
					if m.Type == gstmini.MessageQOS {
						qos = m
					}
				}
				require.NotNil(t, qos, "with qos on, a drop posts a QOS message")
				assert.Equal(t, 50*ms, qos.QOS.Jitter, "the QOS message carries the jitter")
				assert.Equal(t, uint64(1), qos.QOS.Dropped)
			} else {
				assert.Equal(t, uint64(1), rendered, "50 ms late <= %v + %v: rendered", tc.duration, tc.maxLateness)
			}
		})
	}
}

func TestBaseSinkEOSWaitsForTheEndOfTheLastBufferThenPostsEOS(t *testing.T) {
	h, _ := syncedSink(t, 0, nil)
	h.PushSegment(gstmini.NewSegment())
	go h.Push(buf(0, 1*s))
	h.Clock().ProcessID(h.Clock().WaitForNextPendingIDT(t))
	done := make(chan bool, 1)
	go func() { done <- h.PushEvent(gstmini.NewEOSEvent()) }()
	id := h.Clock().WaitForNextPendingIDT(t)
	assert.Equal(t, 1*s, id.Time(), "EOS syncs on the running time where the last buffer ends")
	for _, m := range h.Bus().Messages() {
		assert.NotEqual(t, gstmini.MessageEOS, m.Type, "no EOS message before the clock reaches the end")
	}
	h.Clock().ProcessID(id)
	assert.True(t, <-done)
	var eos bool
	for _, m := range h.Bus().Messages() {
		eos = eos || m.Type == gstmini.MessageEOS
	}
	assert.True(t, eos, "EOS message posted once EOS was rendered in time")
}

func TestBaseSinkFlushUnblocksClockWait(t *testing.T) {
	h, _ := syncedSink(t, 0, nil)
	h.PushSegment(gstmini.NewSegment())
	done := make(chan gstmini.FlowReturn, 1)
	go func() { done <- h.Push(buf(10*s, 1*s)) }()
	h.Clock().WaitForNextPendingIDT(t)
	require.True(t, h.PushEvent(gstmini.NewFlushStartEvent()))
	select {
	case ret := <-done:
		assert.Equal(t, gstmini.FlowFlushing, ret, "a flush unschedules the clock wait")
	case <-time.After(2 * s):
		t.Fatal("push still blocked in the clock wait after flush-start")
	}
	assert.Zero(t, h.Clock().PendingIDCount())
	require.True(t, h.PushEvent(gstmini.NewFlushStopEvent(true)))
}

// pushSynced pushes b into the harnessed sink and releases every clock wait
// it makes, at the clock's current time, until the push returns. It returns
// the push's result and the times the sink waited for.
func pushSynced(t *testing.T, h *gstcheck.Harness, b *gstmini.Buffer) (gstmini.FlowReturn, []time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan gstmini.FlowReturn, 1)
	go func() {
		done <- h.Push(b)
		cancel()
	}()
	var waits []time.Duration
	for {
		id, err := h.Clock().WaitForNextPendingID(ctx)
		if err != nil {
			return <-done, waits
		}
		waits = append(waits, id.Time())
		h.Clock().ProcessID(id)
	}
}

// TestBaseSinkRendersALateBufferAnywayAfterASecondInUnsignedTime pins
// GStreamer's "render anyway" rule in gst_base_sink_is_too_late
// (gstbasesink.c:3141 at 1.22.0): a buffer later than max-lateness allows is
// still rendered, with a WARNING, when rstart - last_render_time > 1 s.
// GstClockTime is unsigned, so when rstart is earlier than the last render
// time, as in reverse playback or timestamps that go back, the difference
// wraps around and the buffer is rendered however late it is.
func TestBaseSinkRendersALateBufferAnywayAfterASecondInUnsignedTime(t *testing.T) {
	none := gstmini.ClockTimeNone
	cases := []struct {
		name            string
		rate            float64
		stop            time.Duration // the segment's stop
		first, late     [2]time.Duration
		firstRT, lateRT time.Duration // the running times the two buffers sync on
		wantRendered    bool
	}{
		// Forward, no stop: a buffer without a duration has no rstop, so
		// the limit is rstart + the average spacing + max-lateness.
		{"forward, 1.5 s after the last render: rendered", 1, none, [2]time.Duration{1 * s, none}, [2]time.Duration{2500 * ms, none}, 1 * s, 2500 * ms, true},
		{"forward, 0.5 s after the last render: dropped", 1, none, [2]time.Duration{1 * s, none}, [2]time.Duration{1500 * ms, none}, 1 * s, 1500 * ms, false},
		{"forward, 0.5 s before the last render: the difference wraps, rendered", 1, none, [2]time.Duration{2 * s, none}, [2]time.Duration{1500 * ms, none}, 2 * s, 1500 * ms, true},
		// Reverse, stop 10 s: a buffer syncs on its clipped stop (the
		// segment's stop when it has no duration, so running time 0).
		{"reverse, a buffer without duration after one with: the difference wraps, rendered", -1, 10 * s, [2]time.Duration{8 * s, 1 * s}, [2]time.Duration{7 * s, none}, 1 * s, 0, true},
		{"reverse, 1 s after the last render: dropped", -1, 10 * s, [2]time.Duration{8 * s, 1 * s}, [2]time.Duration{7500 * ms, 500 * ms}, 1 * s, 2 * s, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, k := syncedSink(t, 0, map[string]any{"max-lateness": 20 * ms})
			seg := gstmini.NewSegment()
			seg.Rate, seg.Stop = tc.rate, tc.stop
			require.True(t, h.PushSegment(seg))

			require.NoError(t, h.Clock().SetTime(tc.firstRT))
			ret, waits := pushSynced(t, h, buf(tc.first[0], tc.first[1]))
			require.Equal(t, gstmini.FlowOK, ret)
			require.Equal(t, []time.Duration{tc.firstRT}, waits, "the first buffer syncs on its running time")

			// 3.5 s late: far beyond max-lateness 20 ms.
			require.NoError(t, h.Clock().SetTime(max(tc.firstRT, tc.lateRT+3500*ms)))
			ret, waits = pushSynced(t, h, buf(tc.late[0], tc.late[1]))
			require.Equal(t, gstmini.FlowOK, ret, "a late buffer is dropped or rendered, never an error")
			require.Equal(t, []time.Duration{tc.lateRT}, waits, "the late buffer syncs on its running time")

			rendered, dropped := k.Stats()
			warned := false
			for _, m := range h.Bus().Messages() {
				warned = warned || m.Type == gstmini.MessageWarning
			}
			if tc.wantRendered {
				assert.Equal(t, []uint64{2, 0}, []uint64{rendered, dropped},
					"rstart %v - last render %v, in unsigned GstClockTime, is more than 1 s: rendered anyway (gst_base_sink_is_too_late's emergency rule)",
					tc.lateRT, tc.firstRT)
			} else {
				assert.Equal(t, []uint64{1, 1}, []uint64{rendered, dropped},
					"rstart %v - last render %v is at most 1 s: the late buffer is dropped", tc.lateRT, tc.firstRT)
			}
			assert.Equal(t, tc.wantRendered, warned, "an emergency render, and only that, posts a WARNING (\"A lot of buffers are being dropped.\")")
		})
	}
}

// TestBaseSinkDropsABufferTooLateToPrepareWithoutPreparingIt: a sink with
// a Prepare hook, in PLAYING, checks lateness against the clock before
// preparing (gst_base_sink_chain_unlocked, gstbasesink.c:3866 at 1.22.0): a
// buffer already later than max-lateness allows is dropped without Prepare,
// Render or a clock wait.
func TestBaseSinkDropsABufferTooLateToPrepareWithoutPreparingIt(t *testing.T) {
	var prepared, renderedPTS []time.Duration
	k := &renderSink{}
	k.InitBaseSink(k, "sink", gstmini.BaseSinkHooks{
		Prepare: func(b *gstmini.Buffer) gstmini.FlowReturn { prepared = append(prepared, b.PTS); return gstmini.FlowOK },
		Render: func(b *gstmini.Buffer) gstmini.FlowReturn {
			renderedPTS = append(renderedPTS, b.PTS)
			return gstmini.FlowOK
		},
	})
	h := gstcheck.New(t, k)
	require.NoError(t, k.SetProperty("sync", true))
	require.NoError(t, k.SetProperty("max-lateness", 20*ms))
	require.True(t, h.PushSegment(gstmini.NewSegment()))

	ret, waits := pushSynced(t, h, buf(0, 10*ms))
	require.Equal(t, gstmini.FlowOK, ret)
	assert.Equal(t, []time.Duration{0}, waits, "a buffer in time is prepared, then waits for its running time")

	require.NoError(t, h.Clock().SetTime(1*s+100*ms)) // 100 ms late: more than 10 ms + 20 ms
	ret, waits = pushSynced(t, h, buf(1*s, 10*ms))
	require.Equal(t, gstmini.FlowOK, ret)
	assert.Empty(t, waits, "a buffer too late to prepare is dropped before the clock wait")
	assert.Equal(t, []time.Duration{0}, prepared, "a buffer too late to prepare is not prepared")
	assert.Equal(t, []time.Duration{0}, renderedPTS, "a buffer too late to prepare is not rendered")
	_, dropped := k.Stats()
	assert.Equal(t, uint64(1), dropped, "it counts as dropped")
}

// TestBaseSinkReverseQoSReportsTheStreamTimeOfTheBufferStart: in reverse
// playback a buffer syncs on its clipped stop, so its running times swap,
// but its stream times do not (gst_base_sink_get_sync_times,
// gstbasesink.c:2207 at 1.22.0): the QOS message of a dropped buffer
// carries the running time of its end and the stream time of its start.
func TestBaseSinkReverseQoSReportsTheStreamTimeOfTheBufferStart(t *testing.T) {
	h, _ := syncedSink(t, 0, map[string]any{"max-lateness": 20 * ms, "qos": true})
	seg := gstmini.NewSegment()
	seg.Rate, seg.Stop = -1, 10*s
	require.True(t, h.PushSegment(seg))
	require.NoError(t, h.Clock().SetTime(5*s)) // far too late
	ret, waits := pushSynced(t, h, buf(8*s, 1*s))
	require.Equal(t, gstmini.FlowOK, ret)
	require.Equal(t, []time.Duration{1 * s}, waits, "reverse playback syncs on the running time of the buffer's end (9 s → 1 s)")
	var qos *gstmini.Message
	for _, m := range h.Bus().Messages() {
		if m.Type == gstmini.MessageQOS {
			qos = m
		}
	}
	require.NotNil(t, qos, "the dropped buffer posts a QOS message")
	assert.Equal(t, 1*s, qos.QOS.RunningTime, "running time: of the clipped stop, which reverse playback syncs on")
	assert.Equal(t, 8*s, qos.QOS.StreamTime, "stream time: of the clipped start; GStreamer swaps only the running times")
}

// TestBaseSinkDoesNotSyncABufferItsGetTimesHookGivesNoStart: a GetTimes
// hook that gives no start turns sync off for that buffer, while the
// default times still clip it (gst_base_sink_get_sync_times,
// gstbasesink.c:2156 at 1.22.0).
func TestBaseSinkDoesNotSyncABufferItsGetTimesHookGivesNoStart(t *testing.T) {
	var rendered []time.Duration
	k := &renderSink{}
	k.InitBaseSink(k, "sink", gstmini.BaseSinkHooks{
		Render: func(b *gstmini.Buffer) gstmini.FlowReturn { rendered = append(rendered, b.PTS); return gstmini.FlowOK },
		GetTimes: func(*gstmini.Buffer) (time.Duration, time.Duration) {
			return gstmini.ClockTimeNone, gstmini.ClockTimeNone
		},
	})
	h := gstcheck.New(t, k)
	require.NoError(t, k.SetProperty("sync", true))
	require.True(t, h.PushSegment(gstmini.NewSegment()))
	ret, waits := pushSynced(t, h, buf(3*s, 10*ms))
	require.Equal(t, gstmini.FlowOK, ret)
	assert.Empty(t, waits, "no start from GetTimes: the buffer is rendered without a clock wait")
	assert.Equal(t, []time.Duration{3 * s}, rendered)
}
