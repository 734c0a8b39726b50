package elements

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gstmini/workbook/gstmini"
)

// queueWatchdog bounds every wait in these tests: a deadlock fails the test
// with a message instead of hanging it. Nothing here sleeps.
const queueWatchdog = 2 * time.Second

const ms = time.Millisecond

// queueRecorder keeps, in order, what reached the test sink ("buffer 3",
// "buffer 5 discont", "event eos") and the queue's notifications
// ("overrun", "underrun", "running", "pushing", and "held" when the sink
// starts holding a buffer). The sink's chain runs on the queue's streaming
// goroutine, so the order is exactly the order of events there. Tests wait
// on it instead of sleeping.
type queueRecorder struct {
	mu      sync.Mutex
	log     []string
	changed chan struct{} // closed and replaced on every add
}

func newQueueRecorder() *queueRecorder { return &queueRecorder{changed: make(chan struct{})} }

func (r *queueRecorder) add(entry string) {
	r.mu.Lock()
	r.log = append(r.log, entry)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// waitFor waits until cond holds for the log and returns the log.
func (r *queueRecorder) waitFor(t *testing.T, what string, cond func(log []string) bool) []string {
	t.Helper()
	deadline := time.After(queueWatchdog)
	for {
		r.mu.Lock()
		log := slices.Clone(r.log)
		ch := r.changed
		r.mu.Unlock()
		if cond(log) {
			return log
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("timed out after %v waiting for %s; log so far:\n  %s", queueWatchdog, what, strings.Join(log, "\n  "))
		}
	}
}

func (r *queueRecorder) snapshot() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log)
}

// queueData keeps the entries that reached the sink: buffers and events.
func queueData(log []string) []string {
	var out []string
	for _, e := range log {
		if strings.HasPrefix(e, "buffer ") || strings.HasPrefix(e, "event ") {
			out = append(out, e)
		}
	}
	return out
}

func queueCount(log []string, entry string) int {
	n := 0
	for _, e := range log {
		if e == entry {
			n++
		}
	}
	return n
}

// queueAfter reports whether entry occurs after the first occurrence of first.
func queueAfter(log []string, first, entry string) bool {
	i := slices.Index(log, first)
	return i >= 0 && slices.Contains(log[i+1:], entry)
}

// queueTestSink is a tiny downstream element with one sink pad. Its chain
// records each buffer and, when armed with holdNext, holds the next buffer
// (the streaming goroutine of the queue stays inside the push) until the
// test calls releaseHeld or the sink flushes. Like a real sink it unblocks
// on flush-start and before its pads deactivate on PAUSED→READY.
type queueTestSink struct {
	gstmini.ElementBase
	pad *gstmini.Pad
	rec *queueRecorder

	mu       sync.Mutex
	holdNext bool
	release  chan struct{}
	flushing chan struct{} // closed while flushing or not PAUSED/PLAYING
	ret      gstmini.FlowReturn
}

func newQueueTestSink(rec *queueRecorder) *queueTestSink {
	s := &queueTestSink{rec: rec, flushing: make(chan struct{})}
	close(s.flushing)
	s.Init(s, "sink")
	s.pad = gstmini.NewPad("sink", gstmini.PadSink)
	s.pad.SetChainFunc(s.chain)
	s.pad.SetEventFunc(s.event)
	if err := s.AddPad(s.pad); err != nil {
		panic(err)
	}
	return s
}

func (s *queueTestSink) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	switch t {
	case gstmini.TransitionReadyToPaused:
		s.mu.Lock()
		s.flushing = make(chan struct{})
		s.mu.Unlock()
	case gstmini.TransitionPausedToReady:
		s.setFlushing() // let a held chain go before the pad waits for it
	}
	return s.ElementBase.ChangeState(t)
}

func (s *queueTestSink) setFlushing() {
	s.mu.Lock()
	select {
	case <-s.flushing:
	default:
		close(s.flushing)
	}
	s.mu.Unlock()
}

// hold makes the sink hold the next buffer it receives.
func (s *queueTestSink) hold() {
	s.mu.Lock()
	s.holdNext = true
	s.release = make(chan struct{})
	s.mu.Unlock()
}

func (s *queueTestSink) releaseHeld() {
	s.mu.Lock()
	close(s.release)
	s.mu.Unlock()
}

// setResult sets the flow result the chain returns from now on.
func (s *queueTestSink) setResult(r gstmini.FlowReturn) {
	s.mu.Lock()
	s.ret = r
	s.mu.Unlock()
}

func (s *queueTestSink) chain(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
	entry := "buffer pts=" + buf.PTS.String()
	if buf.Offset != gstmini.BufferOffsetNone {
		entry = fmt.Sprintf("buffer %d", buf.Offset)
	}
	if buf.HasFlags(gstmini.BufferFlagDiscont) {
		entry += " discont"
	}
	buf.Unref()
	s.rec.add(entry)

	s.mu.Lock()
	hold, release, flushing := s.holdNext, s.release, s.flushing
	s.holdNext = false
	s.mu.Unlock()
	if hold {
		s.rec.add("held")
		select {
		case <-release:
		case <-flushing:
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.flushing:
		return gstmini.FlowFlushing
	default:
		return s.ret
	}
}

func (s *queueTestSink) event(_ *gstmini.Pad, _ gstmini.Element, ev *gstmini.Event) bool {
	switch ev.Type() {
	case gstmini.EventFlushStart:
		s.setFlushing()
	case gstmini.EventFlushStop:
		s.mu.Lock()
		s.flushing = make(chan struct{})
		s.mu.Unlock()
	}
	entry := "event " + ev.Type().String()
	if ev.Name() != "" {
		entry += " " + ev.Name()
	}
	s.rec.add(entry)
	return true
}

// queueHarness drives a PLAYING queue between a parentless upstream source
// pad, pushed from the test goroutine, and a queueTestSink.
type queueHarness struct {
	t    *testing.T
	q    *Queue
	up   *gstmini.Pad
	sink *queueTestSink
	rec  *queueRecorder
	bus  *gstmini.Bus
}

// newQueueHarness sets the given property name/value pairs on a new queue,
// starts everything, and sends stream-start and a TIME segment from 0
// through the queue, waiting until the segment reached the sink.
func newQueueHarness(t *testing.T, props ...any) *queueHarness {
	t.Helper()
	rec := newQueueRecorder()
	h := &queueHarness{t: t, q: NewQueue("q"), up: gstmini.NewPad("upstream", gstmini.PadSrc),
		sink: newQueueTestSink(rec), rec: rec, bus: gstmini.NewBus()}
	h.q.SetBus(h.bus)
	for i := 0; i+1 < len(props); i += 2 {
		require.NoError(t, h.q.SetProperty(props[i].(string), props[i+1]))
	}
	note := func(name string) func(*Queue) { return func(*Queue) { rec.add(name) } }
	h.q.SetSignalHandlers(QueueSignals{Underrun: note("underrun"), Running: note("running"),
		Overrun: note("overrun"), Pushing: note("pushing")})
	require.NoError(t, h.up.Link(h.q.sinkpad))
	require.NoError(t, h.q.srcpad.Link(h.sink.pad))
	// Downstream first, as a pipeline changes states from the sinks up.
	require.Equal(t, gstmini.StateChangeSuccess, h.sink.SetState(gstmini.StatePlaying))
	require.Equal(t, gstmini.StateChangeSuccess, h.q.SetState(gstmini.StatePlaying))
	require.True(t, h.up.SetActive(true))
	t.Cleanup(h.shutdown)

	require.True(t, h.up.PushEvent(gstmini.NewStreamStartEvent("queue-test")))
	require.True(t, h.up.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment())))
	h.waitData("the segment to reach the sink", "event stream-start", "event segment")
	return h
}

// shutdown takes everything to NULL, downstream first. It may run twice.
func (h *queueHarness) shutdown() {
	h.sink.SetState(gstmini.StateNull)
	h.q.SetState(gstmini.StateNull)
	h.up.SetActive(false)
}

// queueBuf returns buffer number n: offset n, PTS n·100ms, duration 100ms.
func queueBuf(n int) *gstmini.Buffer {
	b := gstmini.NewBufferWithPTS(time.Duration(n)*100*ms, 100*ms)
	b.Offset = uint64(n)
	return b
}

func (h *queueHarness) push(n int) gstmini.FlowReturn { return h.up.Push(queueBuf(n)) }

// pushAll pushes buffers from..to, each of which must return OK.
func (h *queueHarness) pushAll(from, to int) {
	h.t.Helper()
	for n := from; n <= to; n++ {
		require.Equal(h.t, gstmini.FlowOK, h.push(n), "push(buffer %d) into the queue", n)
	}
}

// pushAsync pushes buf on a new goroutine; the result arrives on the channel.
func (h *queueHarness) pushAsync(buf *gstmini.Buffer) <-chan gstmini.FlowReturn {
	res := make(chan gstmini.FlowReturn, 1)
	go func() { res <- h.up.Push(buf) }()
	return res
}

func queueAwait(t *testing.T, res <-chan gstmini.FlowReturn, what string) gstmini.FlowReturn {
	t.Helper()
	select {
	case r := <-res:
		return r
	case <-time.After(queueWatchdog):
		t.Fatalf("timed out after %v waiting for %s", queueWatchdog, what)
		return gstmini.FlowError
	}
}

// holdFirst makes the sink hold buffer n and waits until it does: the
// queue's streaming goroutine is then stuck in its push and the queue
// itself is empty.
func (h *queueHarness) holdFirst(n int) {
	h.t.Helper()
	h.sink.hold()
	require.Equal(h.t, gstmini.FlowOK, h.push(n))
	h.rec.waitFor(h.t, fmt.Sprintf("the sink to hold buffer %d", n), func(log []string) bool {
		return queueAfter(log, fmt.Sprintf("buffer %d", n), "held")
	})
}

// waitData waits until the entries that reached the sink end with want.
func (h *queueHarness) waitData(what string, want ...string) []string {
	h.t.Helper()
	log := h.rec.waitFor(h.t, what, func(log []string) bool {
		data := queueData(log)
		return len(data) >= len(want) && slices.Equal(data[len(data)-len(want):], want)
	})
	return queueData(log)
}

// dataSinceSegment returns what reached the sink after the harness's setup.
func dataSinceSegment(data []string) []string {
	return data[slices.Index(data, "event segment")+1:]
}

// waitIdleAfter waits until the streaming goroutine, having pushed entry,
// found the queue empty again (it notifies underrun before it waits).
func (h *queueHarness) waitIdleAfter(entry string) {
	h.t.Helper()
	h.rec.waitFor(h.t, "the streaming goroutine to go idle after "+entry, func(log []string) bool {
		return queueAfter(log, entry, "underrun")
	})
}

// waitTaskPaused waits until the queue's streaming goroutine has paused
// itself: a paused task releases the source pad's stream lock, which it
// holds for as long as it runs.
func (h *queueHarness) waitTaskPaused() {
	done := make(chan struct{})
	go func() {
		lock := h.q.srcpad.StreamLock()
		lock.Lock()
		lock.Unlock() //nolint:staticcheck // an empty critical section: we only wait for the lock
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(queueWatchdog):
		h.t.Fatalf("timed out after %v waiting for the queue's task to pause", queueWatchdog)
	}
}

func (h *queueHarness) level() (uint, uint, time.Duration) { return h.q.CurrentLevel() }

func (h *queueHarness) busMessages(typ gstmini.MessageType, name string) []*gstmini.Message {
	var out []*gstmini.Message
	for _, m := range h.bus.Messages() {
		if m.Type == typ && (name == "" || m.Name == name) {
			out = append(out, m)
		}
	}
	return out
}

func TestQueueDefaultsMatchGStreamer(t *testing.T) {
	q := NewQueue("q")
	ro, rw := gstmini.PropReadable, gstmini.PropReadWrite|gstmini.PropMutablePlaying
	cases := []struct {
		name  string
		gtype string
		typ   gstmini.PropertyType
		def   any
		flags gstmini.PropertyFlags
	}{
		{"current-level-bytes", "guint", gstmini.TypeUint, uint64(0), ro},
		{"current-level-buffers", "guint", gstmini.TypeUint, uint64(0), ro},
		{"current-level-time", "guint64", gstmini.TypeTime, time.Duration(0), ro},
		{"max-size-bytes", "guint", gstmini.TypeUint, uint64(10485760), rw},
		{"max-size-buffers", "guint", gstmini.TypeUint, uint64(200), rw},
		{"max-size-time", "guint64", gstmini.TypeTime, time.Second, rw},
		{"min-threshold-bytes", "guint", gstmini.TypeUint, uint64(0), rw},
		{"min-threshold-buffers", "guint", gstmini.TypeUint, uint64(0), rw},
		{"min-threshold-time", "guint64", gstmini.TypeTime, time.Duration(0), rw},
		{"leaky", "GstQueueLeaky", gstmini.TypeEnum, LeakyNo, rw},
		{"silent", "gboolean", gstmini.TypeBool, false, rw},
		{"flush-on-eos", "gboolean", gstmini.TypeBool, false, rw},
		{"dropped", "guint64", gstmini.TypeUint, uint64(0), ro | gstmini.PropNotGStreamer},
		{"max-level-buffers", "guint", gstmini.TypeUint, uint64(0), ro | gstmini.PropNotGStreamer},
	}
	for _, tc := range cases {
		spec, ok := q.FindProperty(tc.name)
		require.True(t, ok, "queue has no property %q; GStreamer's queue has it (or it is a gstmini addition)", tc.name)
		assert.Equal(t, tc.gtype, spec.GType, "%s: C type", tc.name)
		assert.Equal(t, tc.typ, spec.Type, "%s: property type", tc.name)
		assert.Equal(t, tc.flags, spec.Flags, "%s: flags (read-only levels, writable limits that may change in PLAYING)", tc.name)
		assert.Equal(t, tc.def, spec.Default, "%s: spec default", tc.name)
		got, err := q.Property(tc.name)
		require.NoError(t, err)
		assert.Equal(t, tc.def, got, "%s: a new queue's value must be GStreamer's default (gstqueue.c:129-131)", tc.name)
	}
	for _, name := range []string{"max-size-bytes", "max-size-buffers", "current-level-buffers"} {
		spec, _ := q.FindProperty(name)
		assert.Equal(t, uint64(0), spec.Min, "%s: guint range starts at 0", name)
		assert.Equal(t, uint64(4294967295), spec.Max, "%s: guint range ends at G_MAXUINT", name)
	}
	leaky, _ := q.FindProperty("leaky")
	assert.Equal(t, []gstmini.EnumValue{
		{Value: 0, Nick: "no", Name: "Not Leaky"},
		{Value: 1, Nick: "upstream", Name: "Leaky on upstream (new buffers)"},
		{Value: 2, Nick: "downstream", Name: "Leaky on downstream (old buffers)"},
	}, leaky.Enum, "GstQueueLeaky values, nicks and names")
	assert.Equal(t, []string{"no", "upstream", "downstream"},
		[]string{LeakyNo.String(), LeakyUpstream.String(), LeakyDownstream.String()}, "Leaky.String gives the nicks")

	require.NotNil(t, q.StaticPad("sink"), "queue has a sink pad named sink")
	require.NotNil(t, q.StaticPad("src"), "queue has a src pad named src")
	b, by, tm := q.CurrentLevel()
	assert.Equal(t, []any{uint(0), uint(0), time.Duration(0)}, []any{b, by, tm}, "a new queue is empty")
}

func TestQueueIsFilledWhenAnyEnabledLimitIsReached(t *testing.T) {
	// A leaky-upstream queue drops what does not fit, so the number queued
	// shows where it became full. Buffer 0 is held downstream first, so
	// the source side's running time is 100ms (the end of buffer 0).
	cases := []struct {
		description string
		buffers     uint // max-size-buffers
		bytes       uint // max-size-bytes
		maxTime     time.Duration
		size        int // payload of each buffer
		pushed      int // buffers pushed after buffer 0
		wantQueued  uint
	}{
		{"max-size-buffers 2 is full at 2 buffers", 2, 0, 0, 0, 5, 2},
		{"max-size-bytes 10 is full at 12 bytes (3 buffers of 4)", 0, 10, 0, 4, 5, 3},
		{"max-size-time 250ms is full at 300ms (buffers 1-3 end at 400ms, 100ms went out)", 0, 0, 250 * ms, 0, 5, 3},
		{"the smallest limit wins: 3 buffers before 100 bytes", 3, 100, time.Second, 4, 5, 3},
		{"all limits 0: never full, 250 buffers fit", 0, 0, 0, 4, 250, 250},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			h := newQueueHarness(t, "leaky", "upstream", "max-size-buffers", tc.buffers,
				"max-size-bytes", tc.bytes, "max-size-time", tc.maxTime)
			h.holdFirst(0)
			for n := 1; n <= tc.pushed; n++ {
				buf := queueBuf(n)
				buf.Data = make([]byte, tc.size)
				require.Equal(t, gstmini.FlowOK, h.up.Push(buf), "leaky upstream: push(buffer %d) = OK even when dropped", n)
			}
			buffers, _, _ := h.level()
			assert.Equal(t, tc.wantQueued, buffers, "current-level-buffers after %d pushes", tc.pushed)
			wantDropped := uint64(tc.pushed) - uint64(tc.wantQueued)
			assert.Equal(t, wantDropped, h.q.Dropped(), "Dropped(): every buffer that did not fit")
			assert.Equal(t, int(wantDropped), queueCount(h.rec.snapshot(), "overrun"), "one overrun per buffer that found the queue full")
		})
	}
}

func TestQueueLeakyUpstreamDropsNewestAndMarksNextDiscont(t *testing.T) {
	h := newQueueHarness(t, "max-size-buffers", 2, "leaky", LeakyUpstream)
	h.holdFirst(1)
	for n := 2; n <= 6; n++ {
		assert.Equal(t, gstmini.FlowOK, h.push(n), "push(buffer %d): a leaky queue never refuses or blocks", n)
	}
	assert.Equal(t, uint64(3), h.q.Dropped(), "4, 5 and 6 found the queue [2 3] full and were dropped")
	assert.Equal(t, 3, queueCount(h.rec.snapshot(), "overrun"), "one overrun per dropped buffer")
	overruns := h.busMessages(gstmini.MessageElement, "overrun")
	require.Len(t, overruns, 3, "each overrun posts an element message named overrun")
	assert.Equal(t, uint64(2), overruns[0].Fields["current-level-buffers"], "the overrun message carries the level")
	assert.Same(t, h.q, overruns[0].Src, "the overrun message comes from the queue")

	h.sink.releaseHeld()
	h.waitData("2 and 3 to drain", "buffer 3")
	require.Equal(t, gstmini.FlowOK, h.push(7))
	got := dataSinceSegment(h.waitData("buffer 7 to arrive", "buffer 7 discont"))
	assert.Equal(t, []string{"buffer 1", "buffer 2", "buffer 3", "buffer 7 discont"}, got,
		"the next buffer accepted after an upstream leak carries DISCONT: data before it is missing")
	assert.Equal(t, uint(2), h.q.MaxLevelBuffers(), "MaxLevelBuffers: the queue held at most 2 buffers")
	v, err := h.q.Property("max-level-buffers")
	require.NoError(t, err)
	assert.Equal(t, uint64(2), v, "property max-level-buffers")
}

func TestQueueLeakyDownstreamDropsOldestAndMarksDiscont(t *testing.T) {
	h := newQueueHarness(t, "max-size-buffers", 2, "leaky", "downstream")
	h.holdFirst(1)
	h.pushAll(2, 2)
	require.True(t, h.up.PushEvent(gstmini.NewCustomEvent(gstmini.EventCustomDownstream, "marker", nil)),
		"a serialized custom event is queued with the buffers")
	h.pushAll(3, 6)
	assert.Equal(t, uint64(3), h.q.Dropped(), "2, 3 and 4 leaked from the head to make room for 4, 5 and 6")
	buffers, _, _ := h.level()
	assert.Equal(t, uint(2), buffers, "the queue holds the 2 newest buffers")

	h.sink.releaseHeld()
	got := dataSinceSegment(h.waitData("5 and 6 to arrive", "buffer 6"))
	assert.Equal(t, []string{"buffer 1", "buffer 5 discont", "buffer 6"}, got,
		"the oldest buffers leak and the first buffer after the leak carries DISCONT;\n"+
			"the custom event leaked with them (only sticky events survive a leak)")
}

func TestQueueLeakyDownstreamStillDeliversLeakedStickyEvents(t *testing.T) {
	h := newQueueHarness(t, "max-size-buffers", 2, "leaky", "downstream")
	h.holdFirst(1)
	h.pushAll(2, 2)
	seg := gstmini.NewSegment()
	seg.Base = time.Second
	require.True(t, h.up.PushEvent(gstmini.NewSegmentEvent(seg)))
	h.pushAll(3, 5) // 4 leaks 2; 5 leaks the segment and 3: queue [4 5]
	assert.Equal(t, uint64(2), h.q.Dropped(), "buffers 2 and 3 leaked")

	h.sink.releaseHeld()
	got := dataSinceSegment(h.waitData("4 and 5 to arrive", "buffer 5"))
	assert.Equal(t, []string{"buffer 1", "event segment", "buffer 4 discont", "buffer 5"}, got,
		"a leaked segment is kept for the source pad (gst_pad_store_sticky_event) and goes out before the next buffer")
}

func TestQueueLoweringMaxSizeLeaksAtOnceWhenLeakyDownstream(t *testing.T) {
	h := newQueueHarness(t, "max-size-buffers", 0, "leaky", "downstream")
	h.holdFirst(1)
	h.pushAll(2, 5)
	require.NoError(t, h.q.SetProperty("max-size-buffers", 2))
	buffers, _, _ := h.level()
	assert.Equal(t, uint(1), buffers, "queue_capacity_change leaks while full: 4 buffers down to 1 (below the new limit of 2)")
	assert.Equal(t, uint64(3), h.q.Dropped(), "2, 3 and 4 leaked")
}

func TestQueueNonLeakyBlocksUpstreamUntilAnItemLeaves(t *testing.T) {
	h := newQueueHarness(t, "max-size-buffers", 2)
	h.holdFirst(1)
	h.pushAll(2, 3)
	res := h.pushAsync(queueBuf(4))
	h.rec.waitFor(t, "the 4th push to find the queue full", func(log []string) bool { return queueCount(log, "overrun") == 1 })
	select {
	case r := <-res:
		t.Fatalf("push(buffer 4) returned %v while the queue [2 3] was full and buffer 1 held downstream; want it to block", r)
	default:
	}
	h.sink.releaseHeld()
	assert.Equal(t, gstmini.FlowOK, queueAwait(t, res, "push(buffer 4) to return once 2 left the queue"))
	got := dataSinceSegment(h.waitData("all four buffers", "buffer 4"))
	assert.Equal(t, []string{"buffer 1", "buffer 2", "buffer 3", "buffer 4"}, got, "nothing is lost without leaking")
	assert.Zero(t, h.q.Dropped())
	assert.True(t, queueAfter(h.rec.snapshot(), "overrun", "running"), "the unblocked chain notifies running")
}

func TestQueueTimeLevelIsRunningTimeInMinusOut(t *testing.T) {
	t.Run("5 buffers of 100ms, the first held downstream: 400ms", func(t *testing.T) {
		h := newQueueHarness(t)
		h.holdFirst(0)
		h.pushAll(1, 4)
		buffers, _, tm := h.level()
		assert.Equal(t, uint(4), buffers)
		assert.Equal(t, 400*ms, tm, "time = rt(sink position 500ms) - rt(src position 100ms)")

		h.up.SetQueryFunc(func(_ *gstmini.Pad, _ gstmini.Element, q *gstmini.Query) bool {
			q.SetValue(5 * time.Second)
			return true
		})
		pos := gstmini.NewPositionQuery(gstmini.FormatTime)
		require.True(t, h.q.srcpad.Query(pos))
		assert.Equal(t, 4600*ms, pos.Value(), "a position query through the queue subtracts the time queued")

		require.True(t, h.up.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment())))
		_, _, tm = h.level()
		assert.Equal(t, time.Duration(0), tm, "a fresh segment at 0 puts the sink side (0) behind the src side (100ms): 0")
		require.Equal(t, gstmini.FlowOK, h.up.Push(gstmini.NewBufferWithPTS(100*ms, 100*ms)))
		_, _, tm = h.level()
		assert.Equal(t, 100*ms, tm, "one more buffer ending at 200ms: 200ms - 100ms")
	})
	t.Run("no timestamps: 0", func(t *testing.T) {
		h := newQueueHarness(t)
		h.holdFirst(0)
		for range 4 {
			require.Equal(t, gstmini.FlowOK, h.up.Push(gstmini.NewBuffer(0)))
		}
		buffers, _, tm := h.level()
		assert.Equal(t, uint(4), buffers)
		assert.Equal(t, time.Duration(0), tm, "untimestamped buffers continue from the last position: no time queued")
	})
	t.Run("timestamps without durations: 400ms", func(t *testing.T) {
		h := newQueueHarness(t)
		h.sink.hold()
		require.Equal(t, gstmini.FlowOK, h.up.Push(gstmini.NewBufferWithPTS(0, gstmini.ClockTimeNone)))
		h.rec.waitFor(t, "the sink to hold the first buffer", func(log []string) bool { return slices.Contains(log, "held") })
		for n := 1; n <= 4; n++ {
			require.Equal(t, gstmini.FlowOK, h.up.Push(gstmini.NewBufferWithPTS(time.Duration(n)*100*ms, gstmini.ClockTimeNone)))
		}
		_, _, tm := h.level()
		assert.Equal(t, 400*ms, tm, "positions are the PTS alone: 400ms in, 0 out")
	})
	t.Run("nothing dequeued: the src side is still at the segment start: 300ms", func(t *testing.T) {
		h := newQueueHarness(t, "min-threshold-buffers", 10) // keeps every buffer in
		require.Equal(t, gstmini.FlowOK, h.up.Push(gstmini.NewBufferWithPTS(100*ms, 100*ms)))
		require.Equal(t, gstmini.FlowOK, h.up.Push(gstmini.NewBufferWithPTS(200*ms, 100*ms)))
		buffers, _, tm := h.level()
		assert.Equal(t, uint(2), buffers)
		assert.Equal(t, 300*ms, tm, "sink side ends at 300ms; the segment went to the src side when the queue was empty (newseg_applied_to_src)")
	})
}

func TestQueueFlushStartUnblocksChainWithFlushing(t *testing.T) {
	h := newQueueHarness(t, "max-size-buffers", 2)
	h.holdFirst(1)
	h.pushAll(2, 3)
	res := h.pushAsync(queueBuf(4))
	h.rec.waitFor(t, "the 4th push to block on the full queue", func(log []string) bool { return queueCount(log, "overrun") == 1 })

	require.True(t, h.up.PushEvent(gstmini.NewFlushStartEvent()))
	assert.Equal(t, gstmini.FlowFlushing, queueAwait(t, res, "the blocked push to return"),
		"flush-start wakes a chain waiting for room; it returns FLUSHING")
	buffers, bytes, _ := h.level()
	assert.Equal(t, []uint{0, 0}, []uint{buffers, bytes}, "flush-start waits for the streaming goroutine, which emptied the queue")
	assert.Equal(t, uint64(3), h.q.Dropped(), "the flush discarded queued 2 and 3, and 4, which waited for room: all counted")
	assert.Equal(t, gstmini.FlowFlushing, h.q.sinkpad.Chain(queueBuf(5)), "until flush-stop the queue's sink pad refuses data")
	assert.Equal(t, uint64(3), h.q.Dropped(), "5 was refused at the door, never queued: not counted (its pusher got FLUSHING)")

	require.True(t, h.up.PushEvent(gstmini.NewFlushStopEvent(true)))
	require.True(t, h.up.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment())))
	require.Equal(t, gstmini.FlowOK, h.push(6), "after flush-stop the queue accepts data again")
	got := dataSinceSegment(h.waitData("buffer 6", "buffer 6"))
	assert.Equal(t, []string{"buffer 1", "event flush-start", "event flush-stop", "event segment", "buffer 6"}, got,
		"flush events go straight through; flush-stop restarts the streaming goroutine")
}

func TestQueueEOSRefusesLaterBuffers(t *testing.T) {
	h := newQueueHarness(t)
	require.True(t, h.up.PushEvent(gstmini.NewEOSEvent()))
	assert.Equal(t, gstmini.FlowEOS, h.up.Push(queueBuf(1)), "after EOS upstream's own pad refuses data")
	assert.Equal(t, gstmini.FlowEOS, h.q.sinkpad.Chain(queueBuf(2)), "and so does the queue's sink pad")
	h.waitData("EOS to reach the sink", "event eos")
}

func TestQueueEOSDrainsQueuedDataInOrder(t *testing.T) {
	h := newQueueHarness(t)
	h.holdFirst(1)
	h.pushAll(2, 3)
	require.True(t, h.up.PushEvent(gstmini.NewEOSEvent()))
	h.sink.releaseHeld()
	got := dataSinceSegment(h.waitData("EOS", "event eos"))
	assert.Equal(t, []string{"buffer 1", "buffer 2", "buffer 3", "event eos"}, got, "EOS waits behind the queued buffers")
	buffers, bytes, tm := h.level()
	assert.Equal(t, []any{uint(0), uint(0), time.Duration(0)}, []any{buffers, bytes, tm}, "dequeuing EOS clears the level")
	assert.Zero(t, h.q.Dropped())
}

func TestQueueFlushOnEOSDiscardsQueuedData(t *testing.T) {
	h := newQueueHarness(t, "flush-on-eos", true)
	h.holdFirst(1)
	h.pushAll(2, 3)
	require.True(t, h.up.PushEvent(gstmini.NewEOSEvent()))
	assert.Equal(t, uint64(2), h.q.Dropped(), "flush-on-eos discards 2 and 3")
	h.sink.releaseHeld()
	got := dataSinceSegment(h.waitData("EOS", "event eos"))
	assert.Equal(t, []string{"buffer 1", "event eos"}, got, "EOS overtakes the discarded data")
}

func TestQueueMinThresholdBuffersHoldsDataBack(t *testing.T) {
	h := newQueueHarness(t, "min-threshold-buffers", 3)
	h.pushAll(1, 2)
	assert.Empty(t, dataSinceSegment(queueData(h.rec.snapshot())), "2 buffers are below the threshold of 3: nothing leaves")
	h.pushAll(3, 3)
	h.waitIdleAfter("buffer 1")
	assert.Equal(t, []string{"buffer 1"}, dataSinceSegment(queueData(h.rec.snapshot())),
		"at 3 buffers exactly one leaves; at 2 the queue counts as empty again")
	require.True(t, h.up.PushEvent(gstmini.NewEOSEvent()))
	got := dataSinceSegment(h.waitData("EOS", "event eos"))
	assert.Equal(t, []string{"buffer 1", "buffer 2", "buffer 3", "event eos"}, got, "EOS clears the threshold so everything drains")
}

func TestQueueDownstreamEOSDropsQueuedBuffersUntilNewSegment(t *testing.T) {
	h := newQueueHarness(t)
	h.holdFirst(1)
	h.pushAll(2, 3)
	h.sink.setResult(gstmini.FlowEOS)
	h.sink.releaseHeld()
	h.waitIdleAfter("buffer 1")
	assert.Equal(t, uint64(2), h.q.Dropped(), "downstream returned EOS for 1: queued 2 and 3 can never go out")
	assert.Equal(t, gstmini.FlowEOS, h.push(4), "until a new segment, the queue answers EOS (unexpected)")

	h.sink.setResult(gstmini.FlowOK)
	require.True(t, h.up.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment())))
	require.Equal(t, gstmini.FlowOK, h.push(5), "a new segment lets data flow again")
	got := dataSinceSegment(h.waitData("buffer 5", "buffer 5"))
	assert.Equal(t, []string{"buffer 1", "event segment", "buffer 5"}, got)
}

func TestQueueCachesDownstreamErrorForUpstream(t *testing.T) {
	h := newQueueHarness(t)
	h.holdFirst(1)
	h.sink.setResult(gstmini.FlowError)
	h.sink.releaseHeld()
	h.waitTaskPaused()
	assert.Equal(t, gstmini.FlowError, h.push(2), "the streaming goroutine paused on ERROR; the chain returns it to upstream")
	assert.False(t, h.up.PushEvent(gstmini.NewCustomEvent(gstmini.EventCustomDownstream, "marker", nil)),
		"a non-sticky serialized event is refused after a downstream error")
	assert.Empty(t, h.busMessages(gstmini.MessageError, ""), "without a queued EOS the queue posts no error: upstream sees the flow result")
}

func TestQueueFatalErrorWithQueuedEOSPostsErrorAndPushesEOS(t *testing.T) {
	h := newQueueHarness(t)
	h.holdFirst(1)
	require.True(t, h.up.PushEvent(gstmini.NewEOSEvent()))
	h.sink.setResult(gstmini.FlowError)
	h.sink.releaseHeld()
	got := dataSinceSegment(h.waitData("the queue's own EOS", "event eos"))
	assert.Equal(t, []string{"buffer 1", "event eos"}, got, "the queue pushes EOS itself so the pipeline can still end")
	errs := h.busMessages(gstmini.MessageError, "")
	require.Len(t, errs, 1, "upstream is done (EOS), so only an ERROR message can report the failure")
	assert.Same(t, h.q, errs[0].Src)
	assert.True(t, errors.Is(errs[0].Err, errQueueDataStream), "error = %v; want internal data stream error", errs[0].Err)
	assert.Contains(t, errs[0].Debug, "streaming stopped, reason error (-5)")
}

func TestQueueSilentNotifiesNothing(t *testing.T) {
	h := newQueueHarness(t, "silent", true, "max-size-buffers", 1, "leaky", "upstream")
	h.holdFirst(1)
	h.pushAll(2, 4)
	assert.Equal(t, uint64(2), h.q.Dropped(), "a silent queue still leaks")
	log := h.rec.snapshot()
	for _, sig := range []string{"overrun", "underrun", "running", "pushing"} {
		assert.Zero(t, queueCount(log, sig), "silent: no %s notification", sig)
	}
	assert.Empty(t, h.busMessages(gstmini.MessageElement, "overrun"), "silent: no overrun message")
}

func TestQueueShutdownWithChainBlockedOnFullQueue(t *testing.T) {
	h := newQueueHarness(t, "max-size-buffers", 2)
	h.holdFirst(1)
	h.pushAll(2, 3)
	res := h.pushAsync(queueBuf(4))
	h.rec.waitFor(t, "the 4th push to block on the full queue", func(log []string) bool { return queueCount(log, "overrun") == 1 })

	queueShutdownPromptly(t, h)
	assert.Equal(t, gstmini.FlowFlushing, queueAwait(t, res, "the blocked push"), "shutdown wakes the blocked chain with FLUSHING")
	assert.Equal(t, uint64(3), h.q.Dropped(),
		"the shutdown discarded queued 2 and 3, and 4, which waited for room in chain: every buffer the queue took is counted")
	goleak.VerifyNone(t, goleak.IgnoreCurrent())
}

func TestQueueShutdownWithDownstreamBlocked(t *testing.T) {
	h := newQueueHarness(t)
	h.holdFirst(1)
	h.pushAll(2, 4)
	queueShutdownPromptly(t, h)
	assert.Equal(t, uint64(3), h.q.Dropped(), "buffers 2, 3 and 4 were discarded and counted")
	assert.Equal(t, gstmini.TaskStopped, h.q.srcpad.TaskState(), "the streaming goroutine is gone")
	goleak.VerifyNone(t, goleak.IgnoreCurrent())
}

func TestQueueShutdownWhileWaitingForData(t *testing.T) {
	h := newQueueHarness(t)
	queueShutdownPromptly(t, h)
	assert.Zero(t, h.q.Dropped())
	assert.Equal(t, gstmini.TaskStopped, h.q.srcpad.TaskState(), "the streaming goroutine is gone")
	assert.Equal(t, gstmini.FlowFlushing, h.q.sinkpad.Chain(queueBuf(1)), "a queue in NULL refuses data with FLUSHING")
	goleak.VerifyNone(t, goleak.IgnoreCurrent())
}

// queueShutdownPromptly takes the harness to NULL, downstream first, and
// fails if that does not finish within the watchdog.
func queueShutdownPromptly(t *testing.T, h *queueHarness) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		h.shutdown()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(queueWatchdog):
		t.Fatalf("PLAYING→NULL did not finish within %v: a blocked chain, loop or push was never woken", queueWatchdog)
	}
}

func TestQueuePropertyErrorsNameElementPropertyValueAndAllowed(t *testing.T) {
	q := NewQueue("q")
	err := q.SetProperty("leaky", "sideways")
	require.ErrorIs(t, err, gstmini.ErrBadPropertyValue)
	for _, want := range []string{`"q"`, `"leaky"`, "sideways", "(0) no, (1) upstream, (2) downstream"} {
		assert.Contains(t, err.Error(), want, "SetProperty(leaky, sideways) error")
	}
	err = q.SetProperty("max-size-buffers", -1)
	require.ErrorIs(t, err, gstmini.ErrBadPropertyValue, "max-size-buffers is a guint: -1 is out of range")
	for _, want := range []string{`"q"`, `"max-size-buffers"`, "-1", "0 - 4294967295"} {
		assert.Contains(t, err.Error(), want, "SetProperty(max-size-buffers, -1) error")
	}
	assert.ErrorIs(t, q.SetProperty("current-level-buffers", 1), gstmini.ErrReadOnlyProperty)
	assert.ErrorIs(t, q.SetProperty("dropped", 0), gstmini.ErrReadOnlyProperty)
	assert.ErrorIs(t, q.SetProperty("max-size-buffer", 1), gstmini.ErrUnknownProperty)

	for _, v := range []any{"downstream", 2, "Leaky on downstream (old buffers)", LeakyDownstream} {
		require.NoError(t, q.SetProperty("leaky", v))
		got, _ := q.Property("leaky")
		assert.Equal(t, LeakyDownstream, got, "SetProperty(leaky, %v)", v)
	}
	require.NoError(t, q.SetProperty("max-size-time", "2s"))
	got, _ := q.Property("max-size-time")
	assert.Equal(t, 2*time.Second, got)
}

func TestQueueLatencyQueryAddsWhatTheQueueCanHold(t *testing.T) {
	cases := []struct {
		description      string
		props            []any
		upMax            time.Duration
		wantMin, wantMax time.Duration
	}{
		{"not leaky: upstream max + max-size-time", nil, 50 * ms, 10 * ms, 1050 * ms},
		{"leaky: MAX(upstream max, max-size-time)", []any{"leaky", "downstream"}, 50 * ms, 10 * ms, time.Second},
		{"max-size-time 0: no bound", []any{"max-size-time", 0}, 50 * ms, 10 * ms, gstmini.ClockTimeNone},
		{"upstream max unknown, not leaky: no bound", nil, gstmini.ClockTimeNone, 10 * ms, gstmini.ClockTimeNone},
		{"min-threshold-time adds to min", []any{"min-threshold-time", 20 * ms}, 50 * ms, 30 * ms, 1050 * ms},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			q := NewQueue("q")
			for i := 0; i < len(tc.props); i += 2 {
				require.NoError(t, q.SetProperty(tc.props[i].(string), tc.props[i+1]))
			}
			up := gstmini.NewPad("upstream", gstmini.PadSrc)
			up.SetQueryFunc(func(_ *gstmini.Pad, _ gstmini.Element, query *gstmini.Query) bool {
				query.SetLatency(true, 10*ms, tc.upMax)
				return true
			})
			require.NoError(t, up.Link(q.StaticPad("sink")))
			query := gstmini.NewLatencyQuery()
			require.True(t, q.StaticPad("src").Query(query))
			live, minL, maxL := query.Latency()
			assert.True(t, live, "live comes from upstream")
			assert.Equal(t, tc.wantMin, minL, "min latency")
			assert.Equal(t, tc.wantMax, maxL, "max latency")
		})
	}
}

// queueBenchSink is a downstream element that only counts and frees buffers.
type queueBenchSink struct{ gstmini.ElementBase }

// BenchmarkQueuePush measures one buffer's trip through a PLAYING queue:
// upstream chain, queue, streaming goroutine, downstream chain. Buffers come
// from a BufferPool and go back to it at the sink, so the steady state
// should allocate nothing.
func BenchmarkQueuePush(b *testing.B) {
	q := NewQueue("q")
	sink := &queueBenchSink{}
	sink.Init(sink, "sink")
	pad := gstmini.NewPad("sink", gstmini.PadSink)
	var received, target atomic.Int64
	target.Store(int64(b.N))
	done := make(chan struct{})
	pad.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		buf.Unref()
		if received.Add(1) == target.Load() {
			close(done)
		}
		return gstmini.FlowOK
	})
	if err := sink.AddPad(pad); err != nil {
		b.Fatal(err)
	}
	up := gstmini.NewPad("upstream", gstmini.PadSrc)
	if err := up.Link(q.StaticPad("sink")); err != nil {
		b.Fatal(err)
	}
	if err := q.StaticPad("src").Link(pad); err != nil {
		b.Fatal(err)
	}
	sink.SetState(gstmini.StatePlaying)
	q.SetState(gstmini.StatePlaying)
	up.SetActive(true)
	defer func() {
		sink.SetState(gstmini.StateNull)
		q.SetState(gstmini.StateNull)
		up.SetActive(false)
	}()
	up.PushEvent(gstmini.NewStreamStartEvent("bench"))
	up.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment()))
	pool := gstmini.NewBufferPool(1024)

	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf := pool.Acquire()
		buf.PTS, buf.Duration = time.Duration(i)*ms, ms
		if r := up.Push(buf); r != gstmini.FlowOK {
			b.Fatalf("push %d = %v; want ok", i, r)
		}
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		b.Fatalf("only %d of %d buffers reached the sink", received.Load(), b.N)
	}
	b.StopTimer()
}
