package fidelity

// Behavioural scenarios ported from GStreamer's own check suite at tag
// 1.22.0 (subprojects/gstreamer/tests/check/...), run against gstmini's
// elements with gstcheck. Each test names the C test it ports. The facts
// are restated in our own words; where the C test relies on something
// gstmini does not have (pad probes, GObject signals, real sleeps), the
// doc comment says how the port reaches the same situation.
//
// GStreamer's queue tests block the queue's source pad with a BLOCK probe,
// so that the streaming thread stops inside its first push. gstmini has no
// probes: the ports use the harness's blocking push mode instead, where the
// first item the queue pushes (a buffer) stays inside the harness sink pad
// until the test pulls it. The queue is then in the same state as in C: its
// streaming goroutine is parked in a push and everything else stays queued.

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

const (
	ms = time.Millisecond
	s  = time.Second
)

// watchdog bounds every wait; nothing here sleeps.
const watchdog = 2 * time.Second

// counter counts a queue signal and lets a test wait for a count.
type counter struct {
	mu      sync.Mutex
	n       int
	changed chan struct{}
}

func newCounter() *counter { return &counter{changed: make(chan struct{})} }

func (c *counter) inc() {
	c.mu.Lock()
	c.n++
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

func (c *counter) get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// waitAtLeast waits until the count reaches n.
func (c *counter) waitAtLeast(t *testing.T, n int, what string) {
	t.Helper()
	deadline := time.After(watchdog)
	for {
		c.mu.Lock()
		got, ch := c.n, c.changed
		c.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("timed out after %v waiting for %d %s signal(s); got %d", watchdog, n, what, got)
		}
	}
}

// queueSignals counts a queue's overrun and underrun signals, as the C
// tests' queue_overrun and queue_underrun callbacks do.
type queueSignals struct{ overrun, underrun *counter }

func newQueue(t *testing.T, props map[string]any) (*elements.Queue, *queueSignals) {
	t.Helper()
	q := elements.NewQueue("queue")
	for name, v := range props {
		require.NoError(t, q.SetProperty(name, v), "property %s", name)
	}
	sig := &queueSignals{overrun: newCounter(), underrun: newCounter()}
	q.SetSignalHandlers(elements.QueueSignals{
		Overrun:  func(*elements.Queue) { sig.overrun.inc() },
		Underrun: func(*elements.Queue) { sig.underrun.inc() },
	})
	return q, sig
}

// numbered returns a 4-byte buffer (gst_buffer_new_and_alloc (4)) whose
// Offset identifies it, with the given timestamps.
func numbered(n uint64, pts, dur time.Duration) *gstmini.Buffer {
	b := gstmini.NewBuffer(4)
	b.Offset = n
	b.PTS, b.Duration = pts, dur
	return b
}

// heldQueue harnesses q in blocking push mode and, as the C tests do,
// waits for the first underrun of the idle queue. It then sends a segment
// (the harness sent stream-start), pushes held and waits until the queue's
// streaming goroutine holds it inside the harness: the queue is empty and
// stuck, as the probe-blocked queue of the C tests is.
func heldQueue(t *testing.T, q *elements.Queue, sig *queueSignals, seg *gstmini.Segment, held *gstmini.Buffer) *gstcheck.Harness {
	t.Helper()
	h := gstcheck.New(t, q)
	h.SetBlockingPushMode()
	sig.underrun.waitAtLeast(t, 1, "first underrun")
	require.True(t, h.PushSegment(seg))
	require.Equal(t, gstmini.FlowOK, h.Push(held))
	h.WaitForBlockedPush()
	return h
}

// pushAsync pushes buf on another goroutine and returns the result channel.
func pushAsync(h *gstcheck.Harness, buf *gstmini.Buffer) <-chan gstmini.FlowReturn {
	done := make(chan gstmini.FlowReturn, 1)
	go func() { done <- h.Push(buf) }()
	return done
}

func waitFlow(t *testing.T, done <-chan gstmini.FlowReturn, what string) gstmini.FlowReturn {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(watchdog):
		t.Fatalf("timed out after %v waiting for %s", watchdog, what)
		return gstmini.FlowError
	}
}

// pullOffsets pulls n buffers and returns their offsets, with DISCONT
// reported per buffer.
func pullOffsets(t *testing.T, h *gstcheck.Harness, n int) (offsets []uint64, discont []bool) {
	t.Helper()
	for range n {
		b := h.Pull()
		require.NotNil(t, b)
		offsets = append(offsets, b.Offset)
		discont = append(discont, b.HasFlags(gstmini.BufferFlagDiscont))
		b.Unref()
	}
	return offsets, discont
}

func level(q *elements.Queue) time.Duration {
	_, _, t := q.CurrentLevel()
	return t
}

// TestScenarioQueueNonLeakyUnderrun ports test_non_leaky_underrun
// (tests/check/elements/queue.c at 1.22.0): a queue limited to 2 buffers
// that goes to PLAYING with nothing to push finds itself empty exactly once
// (one underrun) and never overruns.
func TestScenarioQueueNonLeakyUnderrun(t *testing.T) {
	q, sig := newQueue(t, map[string]any{"max-size-buffers": 2})
	gstcheck.New(t, q) // to PLAYING, which starts the streaming goroutine
	sig.underrun.waitAtLeast(t, 1, "underrun")
	assert.Equal(t, 1, sig.underrun.get(), "an idle queue underruns once, then waits for data")
	assert.Zero(t, sig.overrun.get())
}

// TestScenarioQueueNonLeakyOverrun ports test_non_leaky_overrun
// (tests/check/elements/queue.c at 1.22.0): with max-size-buffers 2 and
// downstream blocked, the push that finds the queue full emits "overrun"
// and blocks the upstream thread until downstream takes a buffer; then it
// returns OK and nothing is lost or reordered.
func TestScenarioQueueNonLeakyOverrun(t *testing.T) {
	q, sig := newQueue(t, map[string]any{"max-size-buffers": 2})
	h := heldQueue(t, q, sig, gstmini.NewSegmentWithFormat(gstmini.FormatBytes), numbered(1, gstmini.ClockTimeNone, gstmini.ClockTimeNone))

	require.Equal(t, gstmini.FlowOK, h.Push(numbered(2, gstmini.ClockTimeNone, gstmini.ClockTimeNone)))
	require.Equal(t, gstmini.FlowOK, h.Push(numbered(3, gstmini.ClockTimeNone, gstmini.ClockTimeNone)))
	assert.Zero(t, sig.overrun.get(), "two queued buffers reach the limit without overrunning")

	done := pushAsync(h, numbered(4, gstmini.ClockTimeNone, gstmini.ClockTimeNone))
	sig.overrun.waitAtLeast(t, 1, "overrun")
	select {
	case r := <-done:
		t.Fatalf("the push into a full non-leaky queue returned %v before downstream took anything", r)
	default:
	}

	underruns := sig.underrun.get() // the streaming goroutine is parked in a push
	offsets, discont := pullOffsets(t, h, 4)
	assert.Equal(t, gstmini.FlowOK, waitFlow(t, done, "the blocked push"))
	assert.Equal(t, []uint64{1, 2, 3, 4}, offsets, "a non-leaky queue loses and reorders nothing")
	assert.Equal(t, []bool{false, false, false, false}, discont)
	assert.Equal(t, 1, sig.overrun.get())
	sig.underrun.waitAtLeast(t, underruns+1, "underrun after draining")
}

// TestScenarioQueueLeakyUpstream ports test_leaky_upstream
// (tests/check/elements/queue.c at 1.22.0): a full upstream-leaky queue
// still emits "overrun", drops the incoming buffer and returns OK at once;
// the queued buffers come out untouched. The fact sheet's run-checked
// addition: the next buffer the queue accepts carries DISCONT.
func TestScenarioQueueLeakyUpstream(t *testing.T) {
	q, sig := newQueue(t, map[string]any{"max-size-buffers": 2, "leaky": elements.LeakyUpstream})
	h := heldQueue(t, q, sig, gstmini.NewSegmentWithFormat(gstmini.FormatBytes), numbered(1, gstmini.ClockTimeNone, gstmini.ClockTimeNone))

	require.Equal(t, gstmini.FlowOK, h.Push(numbered(2, gstmini.ClockTimeNone, gstmini.ClockTimeNone)))
	require.Equal(t, gstmini.FlowOK, h.Push(numbered(3, gstmini.ClockTimeNone, gstmini.ClockTimeNone)))
	assert.Zero(t, sig.overrun.get())
	assert.Equal(t, gstmini.FlowOK, h.Push(numbered(4, gstmini.ClockTimeNone, gstmini.ClockTimeNone)),
		"the leaked push returns OK without waiting")
	assert.Equal(t, 1, sig.overrun.get(), "leaking still emits overrun")
	assert.Equal(t, uint64(1), q.Dropped(), "the incoming buffer is the one dropped")

	underruns := sig.underrun.get()
	offsets, discont := pullOffsets(t, h, 3)
	assert.Equal(t, []uint64{1, 2, 3}, offsets)
	assert.Equal(t, []bool{false, false, false}, discont, "queued buffers are not touched")
	sig.underrun.waitAtLeast(t, underruns+1, "underrun after draining")

	require.Equal(t, gstmini.FlowOK, h.Push(numbered(5, gstmini.ClockTimeNone, gstmini.ClockTimeNone)))
	offsets, discont = pullOffsets(t, h, 1)
	assert.Equal(t, []uint64{5}, offsets)
	assert.Equal(t, []bool{true}, discont, "the first buffer accepted after an upstream leak is DISCONT")
}

// TestScenarioQueueLeakyDownstream ports test_leaky_downstream
// (tests/check/elements/queue.c at 1.22.0): a full downstream-leaky queue
// emits "overrun", drops its oldest queued buffer to make room and queues
// the new one. The next buffer it pushes after a leak carries DISCONT
// (head_needs_discont, checked by the fact sheet, not by the C test).
func TestScenarioQueueLeakyDownstream(t *testing.T) {
	q, sig := newQueue(t, map[string]any{"max-size-buffers": 2, "leaky": elements.LeakyDownstream})
	h := heldQueue(t, q, sig, gstmini.NewSegmentWithFormat(gstmini.FormatBytes), numbered(1, gstmini.ClockTimeNone, gstmini.ClockTimeNone))

	require.Equal(t, gstmini.FlowOK, h.Push(numbered(2, gstmini.ClockTimeNone, gstmini.ClockTimeNone)))
	require.Equal(t, gstmini.FlowOK, h.Push(numbered(3, gstmini.ClockTimeNone, gstmini.ClockTimeNone)))
	assert.Equal(t, gstmini.FlowOK, h.Push(numbered(4, gstmini.ClockTimeNone, gstmini.ClockTimeNone)))
	assert.Equal(t, 1, sig.overrun.get(), "leaking still emits overrun")
	assert.Equal(t, uint64(1), q.Dropped())

	underruns := sig.underrun.get()
	offsets, discont := pullOffsets(t, h, 3)
	assert.Equal(t, []uint64{1, 3, 4}, offsets, "the oldest queued buffer (2) was leaked")
	assert.Equal(t, []bool{false, true, false}, discont, "the buffer after the leak is DISCONT")
	sig.underrun.waitAtLeast(t, underruns+1, "underrun after draining")
}

// TestScenarioQueueLeakyDownstreamKeepsLatestSegment ports test_newsegment
// (tests/check/elements/queue.c at 1.22.0, compiled out with #if 0 there
// since it uses the 0.10 new-segment API) to 1.x semantics: when a
// downstream leak drops queued SEGMENT events, they are sticky, so the
// queue keeps them for its source pad, where each replaces the previous
// one; downstream receives only the latest segment, before the next data,
// and the buffer leaked with them is gone.
func TestScenarioQueueLeakyDownstreamKeepsLatestSegment(t *testing.T) {
	q, sig := newQueue(t, map[string]any{"max-size-buffers": 1, "max-size-time": time.Duration(0), "leaky": elements.LeakyDownstream})
	h := heldQueue(t, q, sig, gstmini.NewSegment(), numbered(0, gstmini.ClockTimeNone, gstmini.ClockTimeNone))

	seg := func(rate float64, start, stop, tm time.Duration) *gstmini.Segment {
		g := gstmini.NewSegment()
		g.Rate, g.Start, g.Stop, g.Time = rate, start, stop, tm
		return g
	}
	require.True(t, h.PushSegment(seg(2, 0, 2*s, 0)))
	require.True(t, h.PushSegment(seg(1, 0, 3*s, 0)))
	require.True(t, h.PushSegment(seg(1, 4*s, 5*s, 4*s)))
	assert.Zero(t, sig.overrun.get(), "events take no room")

	require.Equal(t, gstmini.FlowOK, h.Push(numbered(1, gstmini.ClockTimeNone, gstmini.ClockTimeNone)))
	assert.Zero(t, sig.overrun.get())
	require.Equal(t, gstmini.FlowOK, h.Push(numbered(2, gstmini.ClockTimeNone, gstmini.ClockTimeNone)))
	assert.Equal(t, 1, sig.overrun.get(), "the second buffer overruns and leaks the three segments and buffer 1")

	offsets, discont := pullOffsets(t, h, 2)
	assert.Equal(t, []uint64{0, 2}, offsets)
	assert.Equal(t, []bool{false, true}, discont)

	var segs []*gstmini.Segment
	for ev := h.TryPullEvent(); ev != nil; ev = h.TryPullEvent() {
		if ev.Type() == gstmini.EventSegment {
			segs = append(segs, ev.Segment())
		}
	}
	require.Len(t, segs, 2, "the initial segment, then only the latest of the three leaked ones")
	last := segs[1]
	assert.Equal(t, []any{1.0, 4 * s, 5 * s, 4 * s}, []any{last.Rate, last.Start, last.Stop, last.Time})
}

// TestScenarioQueueTimeLevel ports test_time_level
// (tests/check/elements/queue.c at 1.22.0). The time level is the running
// time of the newest data in minus that of the last data out; a buffer
// without duration counts up to its timestamp, one with a duration up to
// its end. With max-size-time 7 s the push that finds 7 s queued
// overruns. The C test's BYTES segment is turned into a TIME segment from
// 0 by the queue. The port's held buffer 0 (PTS 0, no duration) leaves the
// source side at running time 0, where the C test's blocked stream-start
// leaves it at the segment start, 0 as well.
func TestScenarioQueueTimeLevel(t *testing.T) {
	q, sig := newQueue(t, map[string]any{"max-size-buffers": 6, "max-size-time": 7 * s})
	h := heldQueue(t, q, sig, gstmini.NewSegmentWithFormat(gstmini.FormatBytes), numbered(0, 0, gstmini.ClockTimeNone))

	steps := []struct {
		pts, dur, level time.Duration
		why             string
	}{
		{1 * s, gstmini.ClockTimeNone, 1 * s, "no duration: up to the timestamp (sparse stream)"},
		{2 * s, gstmini.ClockTimeNone, 2 * s, ""},
		{3 * s, 1 * s, 4 * s, "a duration counts to the end"},
		{5 * s, 1 * s, 6 * s, ""},
		{5 * s, 1 * s, 6 * s, "the same timestamp and duration again: no change"},
		{7 * s, gstmini.ClockTimeNone, 7 * s, ""},
	}
	for i, st := range steps {
		require.Equal(t, gstmini.FlowOK, h.Push(numbered(uint64(i+1), st.pts, st.dur)))
		assert.Equal(t, st.level, level(q), "after buffer %d (pts %v, duration %v): %s", i+1, st.pts, st.dur, st.why)
	}
	assert.Zero(t, sig.overrun.get())

	done := pushAsync(h, numbered(7, 8*s, gstmini.ClockTimeNone))
	sig.overrun.waitAtLeast(t, 1, "overrun")
	offsets, _ := pullOffsets(t, h, 8)
	assert.Equal(t, gstmini.FlowOK, waitFlow(t, done, "the push that overran"))
	assert.Equal(t, []uint64{0, 1, 2, 3, 4, 5, 6, 7}, offsets)
	assert.Equal(t, 1, sig.overrun.get())
}

// TestScenarioQueueTimeLevelTaskNotStarted ports
// test_time_level_task_not_started (tests/check/elements/queue.c at
// 1.22.0): segments alone move the time level. A segment arriving at an
// empty queue applies to both sides at once (level 0); a second one with
// base 4 s, queued behind the first, moves only the input side: 4 s.
func TestScenarioQueueTimeLevelTaskNotStarted(t *testing.T) {
	q, sig := newQueue(t, nil)
	h := heldQueue(t, q, sig, gstmini.NewSegment(), numbered(0, 0, gstmini.ClockTimeNone))

	seg := gstmini.NewSegment()
	seg.Start, seg.Stop, seg.Time, seg.Position = 1*s, 5*s, 0, 1*s
	require.True(t, h.PushSegment(seg))
	assert.Equal(t, time.Duration(0), level(q))

	seg2 := seg.Copy()
	seg2.Base = 4 * s
	require.True(t, h.PushSegment(seg2))
	assert.Equal(t, 4*s, level(q))
	h.Pull().Unref()
}

// sinkHarness harnesses a fakesink with sync back on (the harness turns it
// off) and the given properties.
func sinkHarness(t *testing.T, props map[string]any) (*gstcheck.Harness, *elements.FakeSink) {
	t.Helper()
	k := elements.NewFakeSink("sink")
	h := gstcheck.New(t, k)
	require.NoError(t, k.SetProperty("sync", true))
	for name, v := range props {
		require.NoError(t, k.SetProperty(name, v), "property %s", name)
	}
	return h, k
}

// TestScenarioSinkClipping ports the data half of test_clipping
// (tests/check/elements/fakesink.c at 1.22.0): with a segment [1 s, 5 s],
// buffers entirely outside it are dropped before any sync (OK returned,
// nothing rendered, no clock wait), including one starting exactly at the
// segment stop, and buffers overlapping an edge are clipped: they sync on
// the running time of their clipped start.
func TestScenarioSinkClipping(t *testing.T) {
	h, k := sinkHarness(t, nil)
	seg := gstmini.NewSegment()
	seg.Start, seg.Stop, seg.Time = 1*s, 5*s, 1*s
	require.True(t, h.PushSegment(seg))

	cases := []struct {
		pts, dur time.Duration
		syncAt   time.Duration // ClockTimeNone: dropped
		why      string
	}{
		{0, 1 * ms, gstmini.ClockTimeNone, "ends before the start"},
		{5 * s, 1 * ms, gstmini.ClockTimeNone, "starts at the stop"},
		{1 * s, 1 * ms, 0, "inside: running time 0"},
		{6 * s, 1 * ms, gstmini.ClockTimeNone, "after the stop"},
		{0, 2 * s, 0, "clipped to [1 s, 2 s]: syncs at running time 0"},
		{4 * s, 2 * s, 3 * s, "clipped to [4 s, 5 s]: syncs at running time 3 s"},
	}
	rendered := uint64(0)
	for _, tc := range cases {
		if tc.syncAt == gstmini.ClockTimeNone {
			assert.Equal(t, gstmini.FlowOK, h.Push(gstmini.NewBufferWithPTS(tc.pts, tc.dur)), "pts %v: %s", tc.pts, tc.why)
			assert.Zero(t, h.Clock().PendingIDCount(), "pts %v: %s: no clock wait", tc.pts, tc.why)
			assert.Equal(t, rendered, k.Rendered(), "pts %v: %s: not rendered", tc.pts, tc.why)
			continue
		}
		done := pushAsync(h, gstmini.NewBufferWithPTS(tc.pts, tc.dur))
		id := h.Clock().WaitForNextPendingIDT(t)
		assert.Equal(t, tc.syncAt, id.Time(), "pts %v: %s", tc.pts, tc.why)
		require.True(t, h.Clock().ProcessID(id))
		assert.Equal(t, gstmini.FlowOK, waitFlow(t, done, "the synced push"))
		rendered++
		assert.Equal(t, rendered, k.Rendered(), "pts %v: %s: rendered", tc.pts, tc.why)
	}
}

// sinkPipeline puts a fakesink with sync on in a pipeline driven by a
// TestClock, and returns its sink pad, as test_preroll_sync and
// basesink_test_gap set it up.
func sinkPipeline(t *testing.T) (*gstmini.Pipeline, *elements.FakeSink, *gstmini.Pad, *gstcheck.TestClock) {
	t.Helper()
	p := gstmini.NewPipeline("pipeline")
	k := elements.NewFakeSink("sink")
	require.NoError(t, k.SetProperty("sync", true))
	require.NoError(t, p.Add(k))
	clock := gstcheck.NewTestClock()
	p.UseClock(clock)
	t.Cleanup(func() { p.SetState(gstmini.StateNull) })
	return p, k, k.StaticPad("sink"), clock
}

func getState(t *testing.T, e gstmini.Element) (gstmini.StateChangeReturn, gstmini.State, gstmini.State) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	ret, cur, pending, err := e.Base().GetState(ctx)
	require.NoError(t, err, "get_state timed out after %v", watchdog)
	return ret, cur, pending
}

func chainAsync(pad *gstmini.Pad, buf *gstmini.Buffer) <-chan gstmini.FlowReturn {
	done := make(chan gstmini.FlowReturn, 1)
	go func() { done <- pad.Chain(buf) }()
	return done
}

// TestScenarioSinkPrerollSync ports test_preroll_sync and the preroll half
// of test_clipping (tests/check/elements/fakesink.c at 1.22.0). A syncing
// sink going to PAUSED returns ASYNC; a buffer outside the segment does not
// complete the preroll; the first buffer inside does, with one
// preroll-handoff, and blocks in the sink. PLAYING renders it (after its
// clock wait, which the C test sleeps through and the port processes on
// the TestClock). A buffer far in the future blocks on the clock, and
// taking the pipeline down to READY makes that chain return FLUSHING.
//
// The C test first goes back to PAUSED while that buffer waits, expecting
// ASYNC and a second preroll on it. That step is checked separately, many
// times over, by TestScenarioSinkPausedWhileWaitingPrerollsAgain.
func TestScenarioSinkPrerollSync(t *testing.T) {
	p, k, pad, clock := sinkPipeline(t)
	prerolls := prerollCounter(t, k)

	require.Equal(t, gstmini.StateChangeAsync, p.SetState(gstmini.StatePaused))
	sendStreamStartAndSegment(t, pad)

	assert.Equal(t, gstmini.FlowOK, pad.Chain(gstmini.NewBufferWithPTS(0, 1*ms)), "out of segment: dropped")
	_, pending := k.State()
	assert.Equal(t, gstmini.StatePaused, pending, "a dropped buffer does not complete the preroll")
	assert.Zero(t, prerolls.get())

	done := chainAsync(pad, gstmini.NewBufferWithPTS(1*s, 1*s))
	ret, cur, pending := getState(t, p)
	assert.Equal(t, gstmini.StateChangeSuccess, ret)
	assert.Equal(t, gstmini.StatePaused, cur)
	assert.Equal(t, gstmini.StateVoidPending, pending)
	assert.Equal(t, 1, prerolls.get())

	require.Equal(t, gstmini.StateChangeSuccess, p.SetState(gstmini.StatePlaying))
	clock.CrankT(t) // the buffer's running time 0 is due at once
	assert.Equal(t, gstmini.FlowOK, waitFlow(t, done, "the prerolled buffer"))
	assert.Equal(t, 1, prerolls.get(), "no new preroll in PLAYING")
	assert.Equal(t, uint64(1), k.Rendered())

	done = chainAsync(pad, gstmini.NewBufferWithPTS(100*s, 100*s))
	clock.WaitForPendingIDs(t, 1) // blocked on the clock, far in the future
	require.Equal(t, gstmini.StateChangeSuccess, p.SetState(gstmini.StateReady))
	assert.Equal(t, gstmini.FlowFlushing, waitFlow(t, done, "the chain blocked on the clock"))
}

// prerollCounter counts the sink's preroll-handoff signals.
func prerollCounter(t *testing.T, k *elements.FakeSink) *counter {
	t.Helper()
	require.NoError(t, k.SetProperty("signal-handoffs", true))
	c := newCounter()
	k.SetPrerollHandoff(func(*gstmini.Buffer) { c.inc() })
	return c
}

// sendStreamStartAndSegment sends what test_preroll_sync sends before data:
// stream-start and a TIME segment [1 s, 102 s] (time 1 s).
func sendStreamStartAndSegment(t *testing.T, pad *gstmini.Pad) {
	t.Helper()
	require.True(t, pad.SendEvent(gstmini.NewStreamStartEvent("test")))
	seg := gstmini.NewSegment()
	seg.Start, seg.Stop, seg.Time = 1*s, 102*s, 1*s
	require.True(t, pad.SendEvent(gstmini.NewSegmentEvent(seg)))
}

// TestScenarioSinkGapThenEOS ports basesink_test_gap
// (tests/check/libs/basesink.c at 1.22.0): a syncing sink in a PLAYING
// pipeline that receives a segment, a GAP event without duration and EOS
// posts EOS (not an error). The GAP syncs on its timestamp, 200 ms; EOS
// syncs on the GAP's running time. The port drives both waits on the
// TestClock.
func TestScenarioSinkGapThenEOS(t *testing.T) {
	p, _, pad, clock := sinkPipeline(t)
	p.SetState(gstmini.StatePlaying)

	eosDone := make(chan bool, 1)
	go func() {
		seg := gstmini.NewSegment()
		seg.Stop = 120 * s
		ok := pad.SendEvent(gstmini.NewStreamStartEvent("test")) &&
			pad.SendEvent(gstmini.NewSegmentEvent(seg)) &&
			pad.SendEvent(gstmini.NewGapEvent(200*ms, gstmini.ClockTimeNone)) &&
			pad.SendEvent(gstmini.NewEOSEvent())
		eosDone <- ok
	}()
	id := clock.WaitForNextPendingIDT(t)
	assert.Equal(t, 200*ms, id.Time(), "the GAP syncs on its timestamp")
	clock.CrankT(t)
	id = clock.WaitForNextPendingIDT(t)
	assert.Equal(t, 200*ms, id.Time(), "EOS syncs on the last running time")
	clock.CrankT(t)
	select {
	case ok := <-eosDone:
		assert.True(t, ok, "every event was accepted")
	case <-time.After(watchdog):
		t.Fatal("the events were not all handled")
	}

	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	m, err := p.Bus().PopFiltered(ctx, gstmini.MessageEOS|gstmini.MessageError)
	require.NoError(t, err)
	assert.Equal(t, gstmini.MessageEOS, m.Type)
}

// TestScenarioSinkMaxLateness has no counterpart in GStreamer 1.22.0's
// check suite (no test there sets max-lateness); it checks the behaviour of
// gst_base_sink_is_too_late (libs/gst/base/gstbasesink.c:3092) with the
// fact sheet's run-checked numbers: a 10 ms buffer processed 50 ms late is
// dropped when 50 ms > 10 ms + max-lateness, rendered otherwise (equality
// renders, -1 never drops); a buffer without duration gets the average
// spacing of the previous buffers instead (100 ms here), so it renders.
func TestScenarioSinkMaxLateness(t *testing.T) {
	cases := []struct {
		name        string
		maxLateness time.Duration
		dur         time.Duration
		before      int // buffers 100 ms apart rendered on time first
		dropped     bool
	}{
		{"20 ms: dropped", 20 * ms, 10 * ms, 0, true},
		{"40 ms: equality renders", 40 * ms, 10 * ms, 0, false},
		{"39 ms: dropped", 39 * ms, 10 * ms, 0, true},
		{"-1: never dropped", -1, 10 * ms, 0, false},
		{"20 ms without duration: average spacing 100 ms", 20 * ms, gstmini.ClockTimeNone, 2, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, k := sinkHarness(t, map[string]any{"max-lateness": tc.maxLateness})
			require.True(t, h.PushSegment(gstmini.NewSegment()))
			pts := time.Duration(0)
			for i := range tc.before {
				pts = time.Duration(i) * 100 * ms
				done := pushAsync(h, gstmini.NewBufferWithPTS(pts, gstmini.ClockTimeNone))
				h.Clock().CrankT(t)
				require.Equal(t, gstmini.FlowOK, waitFlow(t, done, "an on-time buffer"))
			}
			pts += 100 * ms
			require.NoError(t, h.Clock().SetTime(pts+50*ms))
			done := pushAsync(h, gstmini.NewBufferWithPTS(pts, tc.dur))
			id := h.Clock().WaitForNextPendingIDT(t)
			require.True(t, h.Clock().ProcessID(id))
			assert.Equal(t, gstmini.FlowOK, waitFlow(t, done, "the late buffer"), "a late buffer is dropped, not an error")
			rendered, dropped := k.Stats()
			if tc.dropped {
				assert.Equal(t, []uint64{uint64(tc.before), 1}, []uint64{rendered, dropped})
			} else {
				assert.Equal(t, []uint64{uint64(tc.before) + 1, 0}, []uint64{rendered, dropped})
			}
		})
	}
}

// waitOnClock starts a wait on a single-shot ID at time at on another
// goroutine and returns where its result arrives.
type waitResult struct {
	ret    gstmini.ClockReturn
	jitter time.Duration
}

func waitOnClock(c *gstcheck.TestClock, at time.Duration) (*gstmini.ClockID, <-chan waitResult) {
	id := gstmini.NewSingleShotID(c, at)
	done := make(chan waitResult, 1)
	go func() {
		r, j := id.Wait()
		done <- waitResult{r, j}
	}()
	return id, done
}

func waitDone(t *testing.T, done <-chan waitResult) waitResult {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(watchdog):
		t.Fatalf("the clock wait did not return within %v", watchdog)
		return waitResult{}
	}
}

// TestScenarioTestClockSingleShotSync ports test_single_shot_sync_past,
// test_single_shot_sync_present and test_single_shot_sync_future
// (tests/check/libs/gsttestclock.c at 1.22.0): with the clock at 1 s, a
// wait for 1 s - 1 ns is EARLY with jitter +1 ns, one for 1 s is OK with
// jitter 0, and one for 2 s, released after the clock advanced by 1 s, is
// OK with jitter -1 s (the jitter is fixed when the wait begins). The C
// tests compute the result with a helper; the port lets the waits run
// for real on the TestClock and processes them.
func TestScenarioTestClockSingleShotSync(t *testing.T) {
	cases := []struct {
		name    string
		at      time.Duration
		advance time.Duration
		want    waitResult
	}{
		{"past", 1*s - 1, 0, waitResult{gstmini.ClockEarly, 1}},
		{"present", 1 * s, 0, waitResult{gstmini.ClockOK, 0}},
		{"future", 2 * s, 1 * s, waitResult{gstmini.ClockOK, -1 * s}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := gstcheck.NewTestClockWithStartTime(1 * s)
			id, done := waitOnClock(c, tc.at)
			c.WaitForPendingIDs(t, 1)
			require.NoError(t, c.Advance(tc.advance))
			require.True(t, c.ProcessID(id))
			assert.Equal(t, tc.want, waitDone(t, done))
		})
	}
}

// TestScenarioTestClockCrank ports test_crank and test_late_crank
// (tests/check/libs/gsttestclock.c at 1.22.0): cranking a wait for 5 s
// with the clock at 1 s moves the clock to 5 s and releases the wait with
// jitter -4 s; cranking a wait for 5 s registered when the clock was
// already at 6 s leaves the clock at 6 s and releases it with jitter +1 s.
func TestScenarioTestClockCrank(t *testing.T) {
	t.Run("crank", func(t *testing.T) {
		c := gstcheck.NewTestClockWithStartTime(1 * s)
		_, done := waitOnClock(c, 5*s)
		c.CrankT(t)
		r := waitDone(t, done)
		assert.Equal(t, -4*s, r.jitter)
		assert.Equal(t, 5*s, c.Time(), "the clock moved to the wait's time")
	})
	t.Run("late crank", func(t *testing.T) {
		c := gstcheck.NewTestClockWithStartTime(1 * s)
		require.NoError(t, c.SetTime(6*s))
		_, done := waitOnClock(c, 5*s)
		c.CrankT(t)
		r := waitDone(t, done)
		assert.Equal(t, 1*s, r.jitter)
		assert.Equal(t, 6*s, c.Time(), "the clock never goes back")
	})
}

// checkTimes is the C suite's check_times macro: the stream and running
// time of pos, and, when they exist, the positions they map back to.
// none stands for GStreamer's -1.
func checkTimes(t *testing.T, g *gstmini.Segment, pos, wantST, wantRT time.Duration) {
	t.Helper()
	st, _ := g.ToStreamTime(pos)
	rt, _ := g.ToRunningTime(pos)
	assert.Equal(t, wantST, st, "stream time of %d", pos)
	assert.Equal(t, wantRT, rt, "running time of %d", pos)
	if wantST != gstmini.ClockTimeNone {
		p, _ := g.PositionFromStreamTime(st)
		assert.Equal(t, pos, p, "position of stream time %d", st)
	}
	if wantRT != gstmini.ClockTimeNone {
		p, _ := g.PositionFromRunningTime(rt)
		assert.Equal(t, pos, p, "position of running time %d", rt)
	}
}

const none = gstmini.ClockTimeNone

// TestScenarioSegmentSeekReverse ports segment_seek_reverse
// (tests/check/gst/gstsegment.c at 1.22.0): reverse seeks on a BYTES
// segment of duration 200 put the position at the stop, and running time
// counts down from it.
func TestScenarioSegmentSeekReverse(t *testing.T) {
	g := gstmini.NewSegmentWithFormat(gstmini.FormatBytes)
	g.Duration = 200
	seek := func(startType gstmini.SeekType, start time.Duration, stopType gstmini.SeekType, stop time.Duration) bool {
		t.Helper()
		update, err := g.DoSeek(-1, gstmini.FormatBytes, gstmini.SeekFlagNone, startType, start, stopType, stop)
		require.NoError(t, err)
		return update
	}
	fields := func() []time.Duration { return []time.Duration{g.Start, g.Stop, g.Time, g.Position} }

	assert.True(t, seek(gstmini.SeekTypeSet, 0, gstmini.SeekTypeSet, 100))
	assert.Equal(t, []time.Duration{0, 100, 0, 100}, fields())
	checkTimes(t, g, 100, 100, 0)
	checkTimes(t, g, 50, 50, 50)
	checkTimes(t, g, 0, 0, 100)

	assert.True(t, seek(gstmini.SeekTypeSet, 10, gstmini.SeekTypeSet, 80))
	assert.Equal(t, []time.Duration{10, 80, 10, 80}, fields())
	checkTimes(t, g, 80, 80, 0)
	checkTimes(t, g, 40, 40, 40)
	checkTimes(t, g, 10, 10, 70)

	assert.False(t, seek(gstmini.SeekTypeSet, 20, gstmini.SeekTypeNone, 0), "the stop did not move")
	assert.Equal(t, []time.Duration{20, 80, 20, 80}, fields())
	checkTimes(t, g, 80, 80, 0)
	checkTimes(t, g, 20, 20, 60)
}

// TestScenarioSegmentOffset ports the first half of segment_offset
// (tests/check/gst/gstsegment.c at 1.22.0): offset_running_time adds a
// positive offset to base, takes a negative one from base first and moves
// the rest into the segment's offset, and refuses an offset that would put
// running time 0 past the stop, leaving the segment as it was.
func TestScenarioSegmentOffset(t *testing.T) {
	g := gstmini.NewSegment()
	g.Start, g.Position, g.Stop, g.Time = 0, 50, 200, 0
	checkTimes(t, g, 20, 20, 20)
	checkTimes(t, g, 220, none, none)

	steps := []struct {
		offset        time.Duration
		ok            bool
		base, offset2 time.Duration
		pos, st, rt   time.Duration
	}{
		{0, true, 0, 0, 20, 20, 20},
		{100, true, 100, 0, 20, 20, 120},
		{-50, true, 50, 0, 20, 20, 70},
		{-100, true, 0, 50, 20, 20, none},
		{-151, false, 0, 50, 100, 100, 50},
		{-150, true, 0, 200, 200, 200, 0},
	}
	for _, st := range steps {
		assert.Equal(t, st.ok, g.OffsetRunningTime(st.offset), "offset %d", st.offset)
		assert.Equal(t, []time.Duration{0, 200, 0, 50, st.base, st.offset2},
			[]time.Duration{g.Start, g.Stop, g.Time, g.Position, g.Base, g.Offset}, "after offset %d", st.offset)
		checkTimes(t, g, st.pos, st.st, st.rt)
	}
}

// TestScenarioSegmentNegativeRates ports segment_negative_rate and
// segment_negative_applied_rate (tests/check/gst/gstsegment.c at 1.22.0):
// with rate -1 running time counts down from the stop; with applied_rate
// -1 stream time does; outside [start, stop] neither exists; base and time
// shift them.
func TestScenarioSegmentNegativeRates(t *testing.T) {
	type point struct{ pos, st, rt time.Duration }
	cases := []struct {
		name             string
		rate             float64
		before, afterSet []point // before and after time = base = 100
	}{
		{"segment_negative_rate", -1,
			[]point{{100, 100, 100}, {220, none, none}, {10, none, none}, {50, 150, 150}, {150, 50, 50}, {200, 0, 0}},
			[]point{{100, 200, 200}, {50, 250, 250}, {150, 150, 150}, {200, 100, 100}}},
		{"segment_negative_applied_rate", 1,
			[]point{{100, 100, 50}, {220, none, none}, {10, none, none}, {50, 150, 0}, {150, 50, 100}, {200, 0, 150}},
			[]point{{100, 200, 150}, {50, 250, 100}, {150, 150, 200}, {200, 100, 250}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := gstmini.NewSegment()
			g.Start, g.Position, g.Stop, g.Time = 50, 150, 200, 0
			g.AppliedRate, g.Rate = -1, tc.rate
			for _, p := range tc.before {
				checkTimes(t, g, p.pos, p.st, p.rt)
			}
			g.Time, g.Base = 100, 100
			for _, p := range tc.afterSet {
				checkTimes(t, g, p.pos, p.st, p.rt)
			}
		})
	}
}
