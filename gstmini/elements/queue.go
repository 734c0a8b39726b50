package elements

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// Leaky says what a full Queue does with data it has no room for: block the
// upstream goroutine, or drop buffers (GstQueueLeaky). The names say at
// which end of the queue the leak happens, which confuses many: "upstream"
// drops the NEW buffers arriving from upstream, "downstream" drops the OLD
// buffers about to go downstream.
type Leaky int

// Leak modes, with GStreamer's numbering (the "leaky" property).
const (
	// LeakyNo never drops: a full queue blocks the upstream goroutine in the
	// sink pad's chain function until the streaming goroutine has pushed an
	// item out.
	LeakyNo Leaky = iota
	// LeakyUpstream drops the incoming buffer, the newest, when the queue is
	// full, and marks the next accepted buffer DISCONT. Upstream never
	// blocks and queued data stays as it was: latency stays high.
	LeakyUpstream
	// LeakyDownstream drops the oldest queued items, from the head, until
	// there is room for the incoming buffer, and marks the next buffer
	// pushed downstream DISCONT. Upstream never blocks and the queue keeps
	// the freshest data: the choice for live, low-latency pipelines.
	LeakyDownstream
)

// String returns the mode's nick, as gst-inspect-1.0 shows it: "no",
// "upstream" or "downstream".
func (l Leaky) String() string {
	switch l {
	case LeakyNo:
		return "no"
	case LeakyUpstream:
		return "upstream"
	case LeakyDownstream:
		return "downstream"
	}
	return fmt.Sprintf("Leaky(%d)", int(l))
}

// queueLeakyValues are the values of the GstQueueLeaky enum
// (queue_leaky_get_type, plugins/elements/gstqueue.c:237 at 1.22.0).
var queueLeakyValues = []gstmini.EnumValue{
	{Value: int(LeakyNo), Nick: "no", Name: "Not Leaky"},
	{Value: int(LeakyUpstream), Nick: "upstream", Name: "Leaky on upstream (new buffers)"},
	{Value: int(LeakyDownstream), Nick: "downstream", Name: "Leaky on downstream (old buffers)"},
}

// Queue defaults (gstqueue.c:129-131 at 1.22.0).
const (
	queueDefaultMaxBuffers = 200
	queueDefaultMaxBytes   = 10 * 1024 * 1024
	queueDefaultMaxTime    = time.Second
)

// queueSTimeNone marks an unknown signed running time, as
// GST_CLOCK_STIME_NONE (G_MININT64) does in GstQueue's sinktime/srctime.
const queueSTimeNone = time.Duration(math.MinInt64)

// errQueueDataStream is the error of the ERROR message a queue posts when
// its streaming goroutine stops on a fatal flow result with an EOS queued
// (GStreamer's GST_ELEMENT_FLOW_ERROR: "Internal data stream error.").
var errQueueDataStream = errors.New("internal data stream error")

// QueueSignals are Go callbacks for GstQueue's four signals. Each runs on
// the goroutine noted below, with the queue's lock released, so it may read
// or set the queue's properties; it must not block for long, since it holds
// up that goroutine. A nil callback is skipped. No callback runs while the
// "silent" property is true, as no signal is emitted then in GStreamer.
type QueueSignals struct {
	// Underrun runs on the streaming goroutine each time it finds the queue
	// empty (or below a min-threshold), before it waits for data.
	Underrun func(q *Queue)
	// Running runs when data is available again: on the streaming goroutine
	// after an underrun, and on the upstream goroutine when a full,
	// non-leaky queue has room again.
	Running func(q *Queue)
	// Overrun runs on the upstream goroutine each time an incoming buffer
	// finds the queue full, before the leak mode decides what to do.
	Overrun func(q *Queue)
	// Pushing runs on the streaming goroutine right after Running, when it
	// is about to push data again after an underrun.
	Pushing func(q *Queue)
}

// queueLevel is an amount of queued data (GstQueueSize). Buffers and bytes
// are guint in GStreamer; time is guint64 nanoseconds.
type queueLevel struct {
	buffers uint
	bytes   uint
	time    time.Duration
}

// queueItem is one queued buffer or serialized event (GstQueueItem): a
// plain struct, so the ring below stores items without allocating.
type queueItem struct {
	buf  *gstmini.Buffer
	ev   *gstmini.Event
	size uint // the buffer's size when it was queued
}

// queueRing is a growable ring buffer of items (GstQueueArray). It never
// shrinks, so once it has grown to the queue's working size, queueing and
// dequeueing allocate nothing.
type queueRing struct {
	items []queueItem // len is a power of two
	head  int
	n     int
}

func (r *queueRing) len() int { return r.n }

func (r *queueRing) pushTail(it queueItem) {
	if r.n == len(r.items) {
		grown := make([]queueItem, max(16, 2*len(r.items)))
		for i := 0; i < r.n; i++ {
			grown[i] = r.items[(r.head+i)&(len(r.items)-1)]
		}
		r.items, r.head = grown, 0
	}
	r.items[(r.head+r.n)&(len(r.items)-1)] = it
	r.n++
}

func (r *queueRing) popHead() (queueItem, bool) {
	if r.n == 0 {
		return queueItem{}, false
	}
	it := r.items[r.head]
	r.items[r.head] = queueItem{} // let the buffer or event be collected
	r.head = (r.head + 1) & (len(r.items) - 1)
	r.n--
	return it, true
}

func (r *queueRing) peekTail() *queueItem {
	if r.n == 0 {
		return nil
	}
	return &r.items[(r.head+r.n-1)&(len(r.items)-1)]
}

// A Queue decouples its sink and source pads with a goroutine of its own
// (GstQueue, factory name "queue", plugins/elements/gstqueue.c at 1.22.0).
// Create it with NewQueue, which applies GStreamer's defaults; the zero
// value is not usable.
//
// Goroutines. The upstream goroutine that pushes into the sink pad runs the
// chain function: it only appends the buffer to the queue, and returns at
// once, unless the queue is full. The queue's streaming goroutine, the task
// of its source pad started when the queue goes to PAUSED, takes items from
// the head and pushes them downstream. Serialized events (segment, EOS,
// custom ones) travel through the queue in order with the buffers;
// flush-start, flush-stop and other out-of-band events go straight through.
// Queries go straight through too, on the caller's goroutine.
//
// States. PAUSED→READY wakes a chain blocked on a full queue (it returns
// FlowFlushing), stops the streaming goroutine and discards the queued data.
// A push the streaming goroutine has in progress must return first: as in a
// pipeline, which changes states from the sinks up, take downstream to READY
// before the queue, so its flushing sink pad lets the push go. All methods
// are safe for concurrent use.
//
// Limits. The queue is full when any of max-size-buffers, max-size-bytes or
// max-size-time (GStreamer: 200 buffers, 10 MiB, 1 s) is reached; a limit
// of 0 is disabled. Only buffers count: events occupy no room. The time
// level is the running time of the newest data in minus that of the last
// data out, from the segments seen on each side:
//
//	current-level-time = running_time(sink_segment.position) - running_time(src_segment.position)
//
// With "leaky" LeakyNo (the default) a full queue blocks the upstream
// goroutine; LeakyUpstream drops incoming buffers and LeakyDownstream drops
// the oldest ones; see Leaky. Nothing is lost silently in gstmini: the
// read-only "dropped" property (and Dropped) counts every buffer the queue
// drops or discards.
//
// Signals. GStreamer's underrun, running, overrun and pushing signals are
// the callbacks of QueueSignals (SetSignalHandlers). In addition, unless
// "silent" is set, each overrun posts an element message named "overrun"
// with the fields current-level-buffers, current-level-bytes (uint64) and
// current-level-time (time.Duration) when the queue has a bus; GStreamer
// posts no such message. Underrun, running and pushing post nothing: the
// streaming goroutine underruns once per buffer whenever downstream keeps
// up, and a message each time would allocate per buffer and flood the bus.
//
// Differences from GStreamer 1.22, besides the message above:
//   - Sticky events leaked from a downstream-leaky queue, or kept by a flush
//     (stream-start, caps, tag), are held by the queue and pushed out of the
//     source pad just before the next item, instead of being stored on the
//     source pad at once (gstmini exports no store-sticky-event call). What
//     reaches downstream, and in which order, is the same.
//   - A refused serialized event (after EOS, or after a downstream error)
//     makes the sink pad's event function return false, which the pad turns
//     into FlowError for the sender; GStreamer returns the queue's exact
//     flow result (EOS, FLUSHING, NOT_LINKED).
//   - gstmini has no buffer lists and no serialized queries, so neither is
//     queued.
//   - The time properties top out at 2^63-1 ns (ClockTimeNone), not 2^64-1.
type Queue struct {
	gstmini.ElementBase

	sinkpad, srcpad *gstmini.Pad
	loopFunc        gstmini.TaskFunc

	mu                     sync.Mutex // GST_QUEUE_MUTEX: every field below
	itemAdd                sync.Cond  // signalled when an item is queued; the streaming goroutine waits on it
	itemDel                sync.Cond  // signalled when an item leaves; a blocked chain waits on it
	waitingAdd, waitingDel bool

	items queueRing

	cur              queueLevel
	maxSize          queueLevel
	minThreshold     queueLevel // cleared by EOS so that everything drains
	origMinThreshold queueLevel // the configured thresholds, restored by a flush
	leaky            Leaky
	silent           bool
	flushOnEOS       bool

	srcresult  gstmini.FlowReturn // the last downstream result, or FlowFlushing while inactive
	eos        bool               // an EOS was queued: refuse more data
	unexpected bool               // downstream returned EOS with nothing pushable queued

	headNeedsDiscont bool // a leak at the head: the next buffer out gets DISCONT
	tailNeedsDiscont bool // a leak at the tail: the next buffer in gets DISCONT

	sinkSegment, srcSegment gstmini.Segment
	sinkTime, srcTime       time.Duration // signed running times, or queueSTimeNone
	sinkTainted, srcTainted bool
	newsegAppliedToSrc      bool

	pendingSticky []*gstmini.Event // sticky events "stored on the source pad", in sticky order

	dropped         uint64
	maxLevelBuffers uint
	signals         QueueSignals
}

// NewQueue returns a queue named name in state NULL with GStreamer's
// defaults: max-size-buffers 200, max-size-bytes 10485760, max-size-time
// 1 s, no min-threshold, not leaky, not silent, no flush on EOS
// (gst_queue_init, gstqueue.c:429 at 1.22.0).
func NewQueue(name string) *Queue {
	q := &Queue{}
	q.Init(q, name)
	q.itemAdd.L = &q.mu
	q.itemDel.L = &q.mu
	q.maxSize = queueLevel{buffers: queueDefaultMaxBuffers, bytes: queueDefaultMaxBytes, time: queueDefaultMaxTime}
	q.sinkSegment.Init(gstmini.FormatTime)
	q.srcSegment.Init(gstmini.FormatTime)
	q.sinkTime, q.srcTime = queueSTimeNone, queueSTimeNone
	q.sinkTainted, q.srcTainted = true, true
	q.srcresult = gstmini.FlowFlushing
	q.loopFunc = q.loop

	q.sinkpad = gstmini.NewPad("sink", gstmini.PadSink)
	q.sinkpad.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		return q.chain(buf)
	})
	q.sinkpad.SetEventFunc(func(_ *gstmini.Pad, _ gstmini.Element, ev *gstmini.Event) bool {
		return q.sinkEvent(ev)
	})
	q.sinkpad.SetActivateModeFunc(q.sinkActivateMode)
	q.srcpad = gstmini.NewPad("src", gstmini.PadSrc)
	q.srcpad.SetEventFunc(q.srcEvent)
	q.srcpad.SetQueryFunc(q.srcQuery)
	q.srcpad.SetActivateModeFunc(q.srcActivateMode)
	for _, p := range []*gstmini.Pad{q.sinkpad, q.srcpad} {
		if err := q.AddPad(p); err != nil {
			panic(err) // fresh pads with distinct names: cannot happen
		}
	}
	q.installProperties()
	return q
}

// SetSignalHandlers replaces the queue's signal callbacks (g_signal_connect
// on "underrun", "running", "overrun" and "pushing"). It is safe to call at
// any time; the new callbacks apply from the next emission.
func (q *Queue) SetSignalHandlers(s QueueSignals) {
	q.mu.Lock()
	q.signals = s
	q.mu.Unlock()
}

// Dropped returns how many buffers the queue has dropped since it last went
// from READY to PAUSED: incoming buffers leaked upstream, queued buffers
// leaked downstream, buffers discarded by a flush, flush-on-eos or a state
// change to READY (the queued ones, and one whose push was waiting for
// room), and queued buffers dropped after downstream returned EOS. Buffers
// refused otherwise are not counted: one arriving while the queue is
// flushing, after EOS or after a downstream error never enters the queue,
// and the pusher sees the error. (The read-only property "dropped", a
// gstmini addition.)
func (q *Queue) Dropped() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.dropped
}

// CurrentLevel returns the amount of data queued now: buffers, bytes and
// time, as the current-level-* properties report them.
func (q *Queue) CurrentLevel() (buffers, bytes uint, time time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.cur.buffers, q.cur.bytes, q.cur.time
}

// MaxLevelBuffers returns the highest current-level-buffers seen since the
// queue last went from READY to PAUSED: how close it came to
// max-size-buffers. (The read-only property "max-level-buffers", a gstmini
// addition.)
func (q *Queue) MaxLevelBuffers() uint {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.maxLevelBuffers
}

// ChangeState resets Dropped and MaxLevelBuffers on READY→PAUSED and
// otherwise does the default work: READY→PAUSED activates the pads (the
// source pad first, which starts the streaming goroutine); PAUSED→READY
// deactivates them, which stops the goroutine and discards queued data.
// GStreamer's queue has no change_state of its own.
func (q *Queue) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	if t == gstmini.TransitionReadyToPaused {
		q.mu.Lock()
		q.dropped, q.maxLevelBuffers = 0, 0
		q.mu.Unlock()
	}
	return q.ElementBase.ChangeState(t)
}

// ---- levels (update_time_level and friends) ----

// isFilledLocked is gst_queue_is_filled (gstqueue.c:1127): any enabled
// maximum reached.
func (q *Queue) isFilledLocked() bool {
	return (q.maxSize.buffers > 0 && q.cur.buffers >= q.maxSize.buffers) ||
		(q.maxSize.bytes > 0 && q.cur.bytes >= q.maxSize.bytes) ||
		(q.maxSize.time > 0 && q.cur.time >= q.maxSize.time)
}

// isEmptyLocked is gst_queue_is_empty (gstqueue.c:1099): nothing queued,
// or a buffer at the tail while some min-threshold is not met and the queue
// is not full. An event at the tail always lets data out, so serialized
// events never wait for a threshold.
func (q *Queue) isEmptyLocked() bool {
	tail := q.items.peekTail()
	if tail == nil {
		return true
	}
	if tail.buf == nil {
		return false
	}
	belowMin := (q.minThreshold.buffers > 0 && q.cur.buffers < q.minThreshold.buffers) ||
		(q.minThreshold.bytes > 0 && q.cur.bytes < q.minThreshold.bytes) ||
		(q.minThreshold.time > 0 && q.cur.time < q.minThreshold.time)
	return belowMin && !q.isFilledLocked()
}

// queueRunningTime is my_segment_to_running_time (gstqueue.c:511): the
// signed running time of pos, or queueSTimeNone.
func queueRunningTime(seg *gstmini.Segment, pos time.Duration) time.Duration {
	if !gstmini.IsValidTime(pos) {
		return queueSTimeNone
	}
	rt, ok := seg.ToRunningTimeFull(pos)
	if !ok || rt == gstmini.ClockTimeNone {
		return queueSTimeNone
	}
	return rt
}

// updateTimeLevelLocked is update_time_level (gstqueue.c:529):
//
//	time = sink_rt - src_rt   if both are known and sink_rt >= src_rt, else 0
//
// Each side's running time is recomputed only when that side changed.
func (q *Queue) updateTimeLevelLocked() {
	if q.sinkTainted {
		q.sinkTime = queueRunningTime(&q.sinkSegment, q.sinkSegment.Position)
		q.sinkTainted = false
	}
	if q.srcTainted {
		q.srcTime = queueRunningTime(&q.srcSegment, q.srcSegment.Position)
		q.srcTainted = false
	}
	if q.sinkTime != queueSTimeNone && q.srcTime != queueSTimeNone && q.sinkTime >= q.srcTime {
		q.cur.time = q.sinkTime - q.srcTime
	} else {
		q.cur.time = 0
	}
}

func (q *Queue) taint(sink bool) {
	if sink {
		q.sinkTainted = true
	} else {
		q.srcTainted = true
	}
}

// applySegmentLocked is apply_segment (gstqueue.c:564): the segment event
// becomes the side's segment; a segment in another format is tracked as an
// open TIME segment from 0.
func (q *Queue) applySegmentLocked(ev *gstmini.Event, seg *gstmini.Segment, sink bool) {
	*seg = *ev.Segment()
	if seg.Format != gstmini.FormatTime {
		seg.Format = gstmini.FormatTime
		seg.Start = 0
		seg.Stop = gstmini.ClockTimeNone
		seg.Time = 0
	}
	q.taint(sink)
	q.updateTimeLevelLocked()
}

// applyGapLocked is apply_gap (gstqueue.c:591): a gap moves the side's
// position to its end.
func (q *Queue) applyGapLocked(ev *gstmini.Event, seg *gstmini.Segment, sink bool) {
	ts, dur := ev.Gap()
	if !gstmini.IsValidTime(ts) {
		return
	}
	if gstmini.IsValidTime(dur) {
		ts += dur
	}
	seg.Position = ts
	q.taint(sink)
	q.updateTimeLevelLocked()
}

// applyBufferLocked is apply_buffer (gstqueue.c:620): the side's position
// becomes the buffer's end,
//
//	position = (DTS if set, else PTS if set, else position) + duration if set
//
// so a buffer without timestamps continues from the previous one.
func (q *Queue) applyBufferLocked(buf *gstmini.Buffer, seg *gstmini.Segment, sink bool) {
	ts := buf.DTS
	if !gstmini.IsValidTime(ts) {
		ts = buf.PTS
	}
	if !gstmini.IsValidTime(ts) {
		ts = seg.Position
	}
	// C adds to an unset position too and wraps; an unset position plus a
	// duration stays unset here.
	if gstmini.IsValidTime(buf.Duration) && gstmini.IsValidTime(ts) {
		ts += buf.Duration
	}
	// The side's running time depends on its segment and position only: a
	// position that did not move (buffers without timestamps or
	// durations) leaves it as it is.
	if ts != seg.Position {
		seg.Position = ts
		q.taint(sink)
	}
	q.updateTimeLevelLocked()
}

// ---- queueing (gst_queue_locked_*) ----

// signalAddLocked and signalDelLocked are GST_QUEUE_SIGNAL_ADD and
// GST_QUEUE_SIGNAL_DEL: wake the goroutine waiting for data or for room.
// Each condition has one waiter at most (for data, the streaming task; for
// room, the chain, under the sink pad's stream lock), so the first signal
// clears the flag: the items that move before the woken waiter runs signal
// nothing.
func (q *Queue) signalAddLocked() {
	if q.waitingAdd {
		q.waitingAdd = false
		q.itemAdd.Signal()
	}
}

func (q *Queue) signalDelLocked() {
	if q.waitingDel {
		q.waitingDel = false
		q.itemDel.Signal()
	}
}

// enqueueBufferLocked is gst_queue_locked_enqueue_buffer (gstqueue.c:738).
// The queue owns buf from here on.
func (q *Queue) enqueueBufferLocked(buf *gstmini.Buffer) {
	size := uint(buf.Size())
	q.cur.buffers++
	q.cur.bytes += size
	q.maxLevelBuffers = max(q.maxLevelBuffers, q.cur.buffers)
	q.applyBufferLocked(buf, &q.sinkSegment, true)
	q.items.pushTail(queueItem{buf: buf, size: size})
	q.signalAddLocked()
}

// enqueueEventLocked is gst_queue_locked_enqueue_event (gstqueue.c:778).
// EOS drops the min-thresholds (or, with flush-on-eos, all queued data) so
// everything drains, and makes the chain refuse data. A segment applies to
// the sink side at once, and to the source side too if nothing is queued
// ahead of it; it also lifts the refusal that followed a downstream EOS.
func (q *Queue) enqueueEventLocked(ev *gstmini.Event) {
	switch ev.Type() {
	case gstmini.EventEOS:
		if q.flushOnEOS {
			q.flushLocked(false)
		} else {
			q.minThreshold = queueLevel{}
		}
		q.eos = true
	case gstmini.EventSegment:
		q.applySegmentLocked(ev, &q.sinkSegment, true)
		if q.items.len() == 0 {
			q.applySegmentLocked(ev, &q.srcSegment, false)
			q.newsegAppliedToSrc = true
		}
		q.unexpected = false
	case gstmini.EventGap:
		q.applyGapLocked(ev, &q.sinkSegment, true)
	}
	q.items.pushTail(queueItem{ev: ev})
	q.signalAddLocked()
}

// dequeueLocked is gst_queue_locked_dequeue (gstqueue.c:823): it takes the
// head item and moves the source side of the level accounting past it. A
// buffer that leaves the queue empty of buffers forces the time level to 0;
// an EOS clears the whole level.
func (q *Queue) dequeueLocked() (queueItem, bool) {
	it, ok := q.items.popHead()
	if !ok {
		return it, false
	}
	if it.buf != nil {
		q.cur.buffers--
		q.cur.bytes -= it.size
		q.applyBufferLocked(it.buf, &q.srcSegment, false)
		if q.cur.buffers == 0 {
			q.cur.time = 0
		}
	} else {
		switch it.ev.Type() {
		case gstmini.EventEOS:
			q.cur = queueLevel{}
		case gstmini.EventSegment:
			if !q.newsegAppliedToSrc {
				q.applySegmentLocked(it.ev, &q.srcSegment, false)
			} else {
				q.newsegAppliedToSrc = false
			}
		case gstmini.EventGap:
			q.applyGapLocked(it.ev, &q.srcSegment, false)
		}
	}
	q.signalDelLocked()
	return it, true
}

// flushLocked is gst_queue_locked_flush (gstqueue.c:702): discard every
// queued item, counting the buffers in Dropped, and reset the level,
// thresholds, segments and DISCONT marks. Unless full, the sticky events
// other than segment and EOS are kept for the source pad, so the stream's
// identity and caps survive a flushing seek.
func (q *Queue) flushLocked(full bool) {
	for {
		it, ok := q.items.popHead()
		if !ok {
			break
		}
		if it.buf != nil {
			it.buf.Unref()
			q.dropped++
			continue
		}
		t := it.ev.Type()
		if !full && t.IsSticky() && t != gstmini.EventSegment && t != gstmini.EventEOS {
			q.storeStickyLocked(it.ev)
		}
	}
	q.cur = queueLevel{}
	q.minThreshold = q.origMinThreshold
	q.sinkSegment.Init(gstmini.FormatTime)
	q.srcSegment.Init(gstmini.FormatTime)
	q.headNeedsDiscont, q.tailNeedsDiscont = false, false
	q.sinkTime, q.srcTime = queueSTimeNone, queueSTimeNone
	q.sinkTainted, q.srcTainted = true, true
	q.signalDelLocked()
}

// leakDownstreamLocked is gst_queue_leak_downstream (gstqueue.c:1138):
// drop items from the head while the queue is full. Sticky events among
// them are kept for the source pad, other events are lost, and the next
// buffer pushed out is marked DISCONT.
func (q *Queue) leakDownstreamLocked() {
	for q.isFilledLocked() {
		it, ok := q.dequeueLocked()
		if !ok {
			// Full with nothing queued (a time level raised by gap events):
			// GStreamer asserts here; stop leaking instead.
			return
		}
		if it.buf != nil {
			it.buf.Unref()
			q.dropped++
		} else if it.ev.Type().IsSticky() {
			q.storeStickyLocked(it.ev)
		}
		q.headNeedsDiscont = true
	}
}

// storeStickyLocked keeps ev for the source pad as gst_pad_store_sticky_event
// would store it there: one event per type (per name for tags), in sticky
// order. The streaming goroutine pushes them before its next item.
func (q *Queue) storeStickyLocked(ev *gstmini.Event) {
	t := ev.Type()
	for i, s := range q.pendingSticky {
		if s.Type() == t && (t != gstmini.EventTag || s.Name() == ev.Name()) {
			q.pendingSticky[i] = ev
			return
		}
	}
	i := len(q.pendingSticky)
	for i > 0 && uint32(q.pendingSticky[i-1].Type())>>8 > uint32(t)>>8 {
		i--
	}
	q.pendingSticky = append(q.pendingSticky, nil)
	copy(q.pendingSticky[i+1:], q.pendingSticky[i:])
	q.pendingSticky[i] = ev
}

// dropStickyLocked forgets the held sticky events that match.
func (q *Queue) dropStickyLocked(match func(gstmini.EventType) bool) {
	kept := q.pendingSticky[:0]
	for _, ev := range q.pendingSticky {
		if !match(ev.Type()) {
			kept = append(kept, ev)
		}
	}
	clear(q.pendingSticky[len(kept):])
	q.pendingSticky = kept
}

// takeStickyLocked hands the held sticky events to the streaming goroutine.
func (q *Queue) takeStickyLocked() []*gstmini.Event {
	if len(q.pendingSticky) == 0 {
		return nil
	}
	evs := q.pendingSticky
	q.pendingSticky = nil
	return evs
}

// ---- upstream goroutine: chain and sink events ----

// chain is gst_queue_chain_buffer_or_list (gstqueue.c:1182). It runs on the
// upstream goroutine with the sink pad's stream lock held, and returns as
// soon as buf is queued, dropped, or refused:
//   - a cached downstream result other than OK (FLUSHING while flushing or
//     inactive, or NOT_LINKED/ERROR from the last push) is returned as is;
//   - after an EOS event, or after downstream returned EOS, EOS;
//   - while the queue is full: overrun, then per the leak mode drop buf
//     (upstream), drop old items (downstream) or wait for room (no).
func (q *Queue) chain(buf *gstmini.Buffer) gstmini.FlowReturn {
	q.mu.Lock()
	if q.srcresult != gstmini.FlowOK {
		return q.refuseLocked(buf, q.srcresult)
	}
	if q.eos || q.unexpected {
		return q.refuseLocked(buf, gstmini.FlowEOS)
	}
full:
	for q.isFilledLocked() {
		if !q.silent {
			q.emitOverrunLocked()
			if q.srcresult != gstmini.FlowOK {
				return q.refuseWaitingLocked(buf)
			}
			if !q.isFilledLocked() { // the callback may have raised a limit
				break
			}
		}
		switch q.leaky {
		case LeakyUpstream:
			q.tailNeedsDiscont = true
			q.dropped++
			q.mu.Unlock()
			buf.Unref()
			return gstmini.FlowOK
		case LeakyDownstream:
			// Leaves room, unless the queue is full with nothing left to
			// leak (GStreamer asserts then); buf is queued either way.
			q.leakDownstreamLocked()
			break full
		default:
			for q.isFilledLocked() {
				q.waitingDel = true
				q.itemDel.Wait()
				q.waitingDel = false
				if q.srcresult != gstmini.FlowOK {
					return q.refuseWaitingLocked(buf)
				}
			}
			if !q.silent {
				q.emitLocked(q.signals.Running)
				if q.srcresult != gstmini.FlowOK {
					return q.refuseWaitingLocked(buf)
				}
			}
		}
	}
	if q.tailNeedsDiscont {
		buf = buf.MakeWritable()
		buf.Flags |= gstmini.BufferFlagDiscont
		q.tailNeedsDiscont = false
	}
	q.enqueueBufferLocked(buf)
	q.mu.Unlock()
	return gstmini.FlowOK
}

// refuseWaitingLocked is refuseLocked with the queue's result for a buffer
// that was waiting for room: in the overrun notification, the wait itself
// or the running notification after it, each with the lock released. A
// flush or shutdown that came meanwhile discards it with the queued
// buffers, so it counts as dropped wherever in the wait the flush found it.
func (q *Queue) refuseWaitingLocked(buf *gstmini.Buffer) gstmini.FlowReturn {
	if q.srcresult == gstmini.FlowFlushing {
		q.dropped++
	}
	return q.refuseLocked(buf, q.srcresult)
}

// refuseLocked unlocks, drops buf and returns ret.
func (q *Queue) refuseLocked(buf *gstmini.Buffer, ret gstmini.FlowReturn) gstmini.FlowReturn {
	q.mu.Unlock()
	buf.Unref()
	return ret
}

// emitLocked calls f, if set, with the lock released.
func (q *Queue) emitLocked(f func(*Queue)) {
	if f == nil {
		return
	}
	q.mu.Unlock()
	f(q)
	q.mu.Lock()
}

// emitOverrunLocked posts the "overrun" element message (if the queue has a
// bus) and calls the Overrun callback, with the lock released.
func (q *Queue) emitOverrunLocked() {
	f := q.signals.Overrun
	cur := q.cur
	q.mu.Unlock()
	if q.Bus() != nil {
		q.PostMessage(gstmini.NewElementMessage(q, "overrun", map[string]any{
			"current-level-buffers": uint64(cur.buffers),
			"current-level-bytes":   uint64(cur.bytes),
			"current-level-time":    cur.time,
		}))
	}
	if f != nil {
		f(q)
	}
	q.mu.Lock()
}

// sinkEvent is gst_queue_handle_sink_event (gstqueue.c:911), on the
// goroutine that sends the event (serialized events with the sink pad's
// stream lock held):
//   - flush-start goes downstream first, then unblocks the chain and the
//     streaming goroutine and waits for the latter to pause;
//   - flush-stop goes downstream, empties the queue and restarts the
//     streaming goroutine;
//   - other serialized events are queued in order with buffers;
//   - non-serialized events go downstream at once.
//
// A false result means the event was refused (see the Queue doc).
func (q *Queue) sinkEvent(ev *gstmini.Event) bool {
	t := ev.Type()
	switch t {
	case gstmini.EventFlushStart:
		ok := q.srcpad.PushEvent(ev)
		q.mu.Lock()
		q.srcresult = gstmini.FlowFlushing
		q.signalAddLocked()
		q.signalDelLocked()
		q.mu.Unlock()
		// Downstream is flushing now, so the streaming goroutine's push
		// returns and the loop pauses; wait for that.
		q.srcpad.PauseTask()
		return ok
	case gstmini.EventFlushStop:
		ok := q.srcpad.PushEvent(ev)
		q.mu.Lock()
		// The source pad dropped its stored segment and EOS on flush-stop.
		q.dropStickyLocked(func(x gstmini.EventType) bool {
			return x == gstmini.EventSegment || x == gstmini.EventEOS || x == gstmini.EventStreamGroupDone
		})
		q.flushLocked(false)
		q.srcresult = gstmini.FlowOK
		q.eos, q.unexpected = false, false
		if q.srcpad.IsActive() {
			q.srcpad.StartTask(q.loopFunc)
		}
		q.mu.Unlock()
		return ok
	}
	if !t.IsSerialized() {
		return q.srcpad.PushEvent(ev)
	}

	q.mu.Lock()
	defer q.mu.Unlock()
	// Stream-start and segment lift an EOS that came from downstream.
	if q.srcresult == gstmini.FlowEOS && (t == gstmini.EventStreamStart || t == gstmini.EventSegment) {
		q.srcresult = gstmini.FlowOK
	}
	if q.srcresult != gstmini.FlowOK {
		// Sticky events other than EOS are still queued: a failure to
		// deliver them shows up on the next buffer anyway.
		if !t.IsSticky() {
			return false
		}
		if t == gstmini.EventEOS {
			if ret := q.srcresult; ret.IsFatal() {
				q.mu.Unlock()
				q.postFlowError(ret)
				q.mu.Lock()
			}
			return false
		}
	}
	if q.eos {
		switch t {
		case gstmini.EventStreamStart, gstmini.EventSegment:
			q.eos, q.unexpected = false, false
			if q.srcpad.IsActive() {
				q.srcresult = gstmini.FlowOK
				q.srcpad.StartTask(q.loopFunc)
			}
		default:
			return false // refused: EOS
		}
	}
	q.enqueueEventLocked(ev)
	return true
}

// postFlowError posts the ERROR message of GST_ELEMENT_FLOW_ERROR.
func (q *Queue) postFlowError(ret gstmini.FlowReturn) {
	q.PostError(fmt.Errorf("%s: %w", q.Name(), errQueueDataStream),
		fmt.Sprintf("streaming stopped, reason %s (%d)", ret, int(ret)))
}

// ---- streaming goroutine: the source pad's task ----

// loop is gst_queue_loop (gstqueue.c:1509), one iteration of the source
// pad's task, on the queue's streaming goroutine with the source pad's
// stream lock held. It waits while the queue is empty (underrun), then
// pushes one item downstream. A result other than OK pauses the task: on
// FLUSHING the queue is emptied; if an EOS was queued and the result is
// fatal (NOT_LINKED or an error), it posts an ERROR and pushes EOS so the
// pipeline still ends.
func (q *Queue) loop(task *gstmini.Task) {
	q.mu.Lock()
	if q.srcresult != gstmini.FlowOK {
		q.pauseLocked(task)
		return
	}
	for q.isEmptyLocked() {
		if !q.silent {
			q.emitLocked(q.signals.Underrun)
			if q.srcresult != gstmini.FlowOK {
				q.pauseLocked(task)
				return
			}
		}
		for q.isEmptyLocked() {
			q.waitingAdd = true
			q.itemAdd.Wait()
			q.waitingAdd = false
			if q.srcresult != gstmini.FlowOK {
				q.pauseLocked(task)
				return
			}
		}
		if !q.silent {
			q.emitLocked(q.signals.Running)
			q.emitLocked(q.signals.Pushing)
			if q.srcresult != gstmini.FlowOK {
				q.pauseLocked(task)
				return
			}
		}
	}
	ret := q.pushOneLocked()
	q.srcresult = ret
	if ret != gstmini.FlowOK {
		q.pauseLocked(task)
		return
	}
	q.mu.Unlock()
}

// pauseLocked is the out_flushing exit of gst_queue_loop: pause the task
// from inside (it does not wait for itself), then unlock.
func (q *Queue) pauseLocked(task *gstmini.Task) {
	eos, ret := q.eos, q.srcresult
	task.Pause()
	if ret == gstmini.FlowFlushing {
		q.flushLocked(false)
	} else {
		q.signalDelLocked() // a chain waiting for room must see the error
	}
	q.mu.Unlock()
	// An EOS queued behind the failure will never be pushed: tell the
	// application and end the stream downstream. A plain EOS from
	// downstream needs neither.
	if eos && ret.IsFatal() {
		q.postFlowError(ret)
		q.srcpad.PushEvent(gstmini.NewEOSEvent())
	}
}

// pushOneLocked is gst_queue_push_one (gstqueue.c:1356): dequeue the head
// item and push it out of the source pad with the lock released, marking a
// buffer DISCONT after a downstream leak. It returns with the lock held,
// and returns the queue's srcresult instead if that changed meanwhile (a
// flush). If downstream returns EOS for a buffer, the queued items are
// dropped up to the next EOS, segment or stream-start, which is pushed; if
// there is none, the chain refuses further buffers with EOS until a segment
// arrives, and the loop carries on (FlowOK).
func (q *Queue) pushOneLocked() gstmini.FlowReturn {
	result := q.srcresult
	it, ok := q.dequeueLocked()
	if !ok {
		return gstmini.FlowError
	}
	for {
		if it.buf != nil {
			buf := it.buf
			if q.headNeedsDiscont {
				buf = buf.MakeWritable()
				buf.Flags |= gstmini.BufferFlagDiscont
				q.headNeedsDiscont = false
			}
			sticky := q.takeStickyLocked()
			q.mu.Unlock()
			q.pushSticky(sticky)
			result = q.srcpad.Push(buf)
			q.mu.Lock()
			if q.srcresult != gstmini.FlowOK {
				return q.srcresult
			}
			if result != gstmini.FlowEOS {
				return result
			}
			// Downstream is EOS: drop what cannot be pushed any more.
			found := false
			for !found {
				if it, ok = q.dequeueLocked(); !ok {
					break
				}
				if it.buf != nil {
					it.buf.Unref()
					q.dropped++
					continue
				}
				switch it.ev.Type() {
				case gstmini.EventEOS, gstmini.EventSegment, gstmini.EventStreamStart:
					found = true
				}
			}
			if found {
				// Pushed below; result stays EOS, as in gstqueue.c, so
				// the task still pauses after this event.
				continue
			}
			q.unexpected = true
			return gstmini.FlowOK
		}

		ev := it.ev
		sticky := q.takeStickyLocked()
		q.mu.Unlock()
		q.pushSticky(sticky)
		q.srcpad.PushEvent(ev)
		q.mu.Lock()
		if q.srcresult != gstmini.FlowOK {
			return q.srcresult
		}
		if ev.Type() == gstmini.EventEOS {
			result = gstmini.FlowEOS // pause the task: the stream is over
		}
		return result
	}
}

// pushSticky pushes the sticky events held for the source pad; a failure
// shows up on the next push, as with any stored sticky event.
func (q *Queue) pushSticky(evs []*gstmini.Event) {
	for _, ev := range evs {
		q.srcpad.PushEvent(ev)
	}
}

// ---- source pad: events, queries, activation ----

// srcEvent is gst_queue_handle_src_event (gstqueue.c:1578), for upstream
// events arriving at the source pad: a reconfigure event restarts a
// streaming goroutine that stopped on NOT_LINKED, since downstream may be
// linked now; every event then goes upstream.
func (q *Queue) srcEvent(pad *gstmini.Pad, parent gstmini.Element, ev *gstmini.Event) bool {
	if ev.Type() == gstmini.EventReconfigure {
		q.mu.Lock()
		if q.srcresult == gstmini.FlowNotLinked {
			q.srcresult = gstmini.FlowOK
			q.srcpad.StartTask(q.loopFunc)
		}
		q.mu.Unlock()
		return q.sinkpad.PushEvent(ev)
	}
	return pad.EventDefault(parent, ev)
}

// srcQuery is gst_queue_handle_src_query (gstqueue.c:1611). Queries go
// upstream; the answers are then corrected for the queued data. A position
// query in bytes or time gets the current level subtracted (down to 0). A
// latency query gets what the queue can hold added:
//
//	max = upstream_max + max-size-time      not leaky, max-size-time > 0, upstream_max known
//	max = MAX(upstream_max, max-size-time)  leaky, max-size-time > 0
//	max = unknown (ClockTimeNone)           otherwise
//	min = upstream_min + min-threshold-time
func (q *Queue) srcQuery(pad *gstmini.Pad, parent gstmini.Element, query *gstmini.Query) bool {
	if !pad.QueryDefault(parent, query) {
		return false
	}
	q.mu.Lock()
	cur, maxTime, minTime, leaky := q.cur, q.maxSize.time, q.minThreshold.time, q.leaky
	q.mu.Unlock()
	switch query.Type() {
	case gstmini.QueryPosition:
		pos := query.Value()
		switch query.Format() {
		case gstmini.FormatBytes:
			pos -= time.Duration(cur.bytes)
		case gstmini.FormatTime:
			pos -= cur.time
		default:
			return true // nothing to correct in other formats
		}
		query.SetValue(max(pos, 0))
	case gstmini.QueryLatency:
		live, minL, maxL := query.Latency()
		switch {
		case maxTime > 0 && maxL != gstmini.ClockTimeNone && leaky == LeakyNo:
			if maxL > gstmini.ClockTimeNone-maxTime {
				maxL = gstmini.ClockTimeNone
			} else {
				maxL += maxTime
			}
		case maxTime > 0 && leaky != LeakyNo:
			maxL = max(maxTime, maxL)
		default:
			maxL = gstmini.ClockTimeNone
		}
		if minTime > 0 {
			minL += minTime
		}
		query.SetLatency(live, minL, maxL)
	}
	return true
}

// srcActivateMode is gst_queue_src_activate_mode (gstqueue.c:1738), called
// by Pad.SetActive on the goroutine changing the state. Activation starts
// the streaming goroutine. Deactivation (the pad is already flushing) wakes
// the goroutine if it waits for data, stops it (a push in progress returns
// because downstream, deactivated first, is flushing), then discards the
// queued data.
func (q *Queue) srcActivateMode(_ *gstmini.Pad, _ gstmini.Element, mode gstmini.PadMode, active bool) bool {
	if mode != gstmini.PadModePush {
		return false
	}
	if active {
		q.mu.Lock()
		q.srcresult = gstmini.FlowOK
		q.eos, q.unexpected = false, false
		q.srcpad.StartTask(q.loopFunc)
		q.mu.Unlock()
		return true
	}
	q.mu.Lock()
	q.srcresult = gstmini.FlowFlushing
	q.itemAdd.Signal()
	q.mu.Unlock()

	q.srcpad.StopTask()

	q.mu.Lock()
	q.flushLocked(false)
	q.pendingSticky = nil // a deactivated pad forgets its sticky events
	q.mu.Unlock()
	return true
}

// sinkActivateMode is gst_queue_sink_activate_mode (gstqueue.c:1697).
// Deactivation wakes a chain waiting for room (it returns FLUSHING), waits
// for the chain to leave by taking the sink pad's stream lock, then
// discards everything queued.
func (q *Queue) sinkActivateMode(pad *gstmini.Pad, _ gstmini.Element, mode gstmini.PadMode, active bool) bool {
	if mode != gstmini.PadModePush {
		return false
	}
	if active {
		q.mu.Lock()
		q.srcresult = gstmini.FlowOK
		q.eos, q.unexpected = false, false
		q.mu.Unlock()
		return true
	}
	q.mu.Lock()
	q.srcresult = gstmini.FlowFlushing
	q.signalDelLocked()
	q.mu.Unlock()

	pad.StreamLock().Lock()
	q.mu.Lock()
	q.flushLocked(true)
	q.mu.Unlock()
	pad.StreamLock().Unlock()
	return true
}

// ---- properties (gst_queue_set_property / get_property) ----

// installProperties installs GstQueue's properties in GStreamer's order
// (gst_queue_class_init, gstqueue.c:257), then gstmini's additions.
func (q *Queue) installProperties() {
	const rw = gstmini.PropReadWrite | gstmini.PropMutablePlaying
	const ro = gstmini.PropReadable
	readOnly := func(s gstmini.PropertySpec, extra gstmini.PropertyFlags) gstmini.PropertySpec {
		s.Flags = ro | extra
		s.Set = nil
		return s
	}
	writable := func(s gstmini.PropertySpec) gstmini.PropertySpec {
		s.Flags = rw
		return s
	}
	getUint := func(f func() uint) func() uint64 {
		return func() uint64 {
			q.mu.Lock()
			defer q.mu.Unlock()
			return uint64(f())
		}
	}
	getTime := func(f func() time.Duration) func() time.Duration {
		return func() time.Duration {
			q.mu.Lock()
			defer q.mu.Unlock()
			return f()
		}
	}
	// set runs f under the lock: gst_queue_set_property holds the queue
	// mutex throughout.
	set := func(f func()) {
		q.mu.Lock()
		f()
		q.mu.Unlock()
	}
	const maxUint = math.MaxUint32

	q.InstallProperty(readOnly(gstmini.UintProperty("current-level-bytes",
		"Bytes of buffer data queued now", "guint", 0, maxUint, 0,
		getUint(func() uint { return q.cur.bytes }), nil), 0))
	q.InstallProperty(readOnly(gstmini.UintProperty("current-level-buffers",
		"Number of buffers queued now", "guint", 0, maxUint, 0,
		getUint(func() uint { return q.cur.buffers }), nil), 0))
	q.InstallProperty(readOnly(gstmini.TimeProperty("current-level-time",
		"Running time between the newest and the oldest queued data (ns)", "guint64", 0, gstmini.ClockTimeNone, 0,
		getTime(func() time.Duration { return q.cur.time }), nil), 0))

	q.InstallProperty(writable(gstmini.UintProperty("max-size-bytes",
		"The queue is full at this many bytes of buffers (0 = no limit)", "guint", 0, maxUint, queueDefaultMaxBytes,
		getUint(func() uint { return q.maxSize.bytes }),
		func(v uint64) { set(func() { q.maxSize.bytes = uint(v); q.capacityChangedLocked() }) })))
	q.InstallProperty(writable(gstmini.UintProperty("max-size-buffers",
		"The queue is full at this many buffers (0 = no limit)", "guint", 0, maxUint, queueDefaultMaxBuffers,
		getUint(func() uint { return q.maxSize.buffers }),
		func(v uint64) { set(func() { q.maxSize.buffers = uint(v); q.capacityChangedLocked() }) })))
	q.InstallProperty(writable(gstmini.TimeProperty("max-size-time",
		"The queue is full at this much running time of data (ns, 0 = no limit)", "guint64", 0, gstmini.ClockTimeNone, queueDefaultMaxTime,
		getTime(func() time.Duration { return q.maxSize.time }),
		func(v time.Duration) { set(func() { q.maxSize.time = v; q.capacityChangedLocked() }) })))

	q.InstallProperty(writable(gstmini.UintProperty("min-threshold-bytes",
		"Data leaves only once this many bytes are queued (0 = no threshold)", "guint", 0, maxUint, 0,
		getUint(func() uint { return q.minThreshold.bytes }),
		func(v uint64) {
			set(func() { q.minThreshold.bytes, q.origMinThreshold.bytes = uint(v), uint(v); q.signalAddLocked() })
		})))
	q.InstallProperty(writable(gstmini.UintProperty("min-threshold-buffers",
		"Data leaves only once this many buffers are queued (0 = no threshold)", "guint", 0, maxUint, 0,
		getUint(func() uint { return q.minThreshold.buffers }),
		func(v uint64) {
			set(func() { q.minThreshold.buffers, q.origMinThreshold.buffers = uint(v), uint(v); q.signalAddLocked() })
		})))
	q.InstallProperty(writable(gstmini.TimeProperty("min-threshold-time",
		"Data leaves only once this much time is queued (ns, 0 = no threshold)", "guint64", 0, gstmini.ClockTimeNone, 0,
		getTime(func() time.Duration { return q.minThreshold.time }),
		func(v time.Duration) {
			set(func() { q.minThreshold.time, q.origMinThreshold.time = v, v; q.signalAddLocked() })
		})))

	q.InstallProperty(writable(gstmini.EnumProperty("leaky",
		"Which buffers a full queue drops, if any", "GstQueueLeaky", queueLeakyValues, LeakyNo,
		func() any { q.mu.Lock(); defer q.mu.Unlock(); return q.leaky },
		func(v int) { set(func() { q.leaky = Leaky(v) }) })))
	q.InstallProperty(writable(gstmini.BoolProperty("silent",
		"Emit no underrun/running/overrun/pushing notifications", false,
		func() bool { q.mu.Lock(); defer q.mu.Unlock(); return q.silent },
		func(v bool) { set(func() { q.silent = v }) })))
	q.InstallProperty(writable(gstmini.BoolProperty("flush-on-eos",
		"Discard the queued data when EOS arrives and pass EOS on at once", false,
		func() bool { q.mu.Lock(); defer q.mu.Unlock(); return q.flushOnEOS },
		func(v bool) { set(func() { q.flushOnEOS = v }) })))

	q.InstallProperty(readOnly(gstmini.UintProperty("dropped",
		"Buffers dropped by leaking, or discarded by a flush or a state change (gstmini)", "guint64", 0, math.MaxUint64, 0,
		func() uint64 { return q.Dropped() }, nil), gstmini.PropNotGStreamer))
	q.InstallProperty(readOnly(gstmini.UintProperty("max-level-buffers",
		"Highest current-level-buffers since the queue left READY (gstmini)", "guint", 0, maxUint, 0,
		getUint(func() uint { return q.maxLevelBuffers }), nil), gstmini.PropNotGStreamer))
}

// capacityChangedLocked is queue_capacity_change (gstqueue.c:1781): a
// downstream-leaky queue leaks down to the new limits at once, and a chain
// waiting for room re-checks.
func (q *Queue) capacityChangedLocked() {
	if q.leaky == LeakyDownstream {
		q.leakDownstreamLocked()
	}
	q.signalDelLocked()
}
