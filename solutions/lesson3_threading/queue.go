// Package threading is lesson 3 of the gstmini workbook: "queues decouple
// threads". You write Queue, a small version of GStreamer's queue element,
// the element that gives a pipeline a second streaming goroutine.
//
// This file is given: the element's type, its constructor, its pads and
// the glue that connects them to the functions you write in chain.go,
// streaming.go and events.go. Read it first; README.md says what to do.
package threading

import (
	"math"
	"sync"

	"github.com/gstmini/workbook/gstmini"
)

// DefaultMaxSizeBuffers is GStreamer's default for queue's
// "max-size-buffers" (gstqueue.c:129 at 1.22.0).
const DefaultMaxSizeBuffers = 200

// A Queue decouples its sink pad from its source pad with a goroutine of
// its own (GstQueue, plugins/elements/gstqueue.c at GStreamer 1.22.0).
// Create it with NewQueue; the zero value is not usable.
//
// Two goroutines meet in a Queue:
//   - the upstream goroutine, whoever pushes into the sink pad, runs chain:
//     it appends the buffer to items and returns at once, unless the queue
//     holds max-size-buffers buffers, in which case it waits for room;
//   - the streaming goroutine, the task of the source pad (Pad.StartTask),
//     runs loop over and over: it waits until items is not empty, takes the
//     oldest item and pushes it downstream, with the lock released.
//
// Serialized events (stream-start, segment, EOS, custom ones) travel
// through items in order with the buffers; flush-start, flush-stop and
// out-of-band events go straight through. mu guards every field below it;
// the two conditions use mu as their lock:
//
//	q.mu.Lock()
//	for len(q.items) == 0 && q.srcresult == gstmini.FlowOK {
//		q.itemAdded.Wait() // unlocks mu while waiting, locks it again before returning
//	}
//
// All methods are safe for concurrent use.
type Queue struct {
	gstmini.ElementBase
	sinkpad, srcpad *gstmini.Pad

	mu             sync.Mutex         // the queue lock (GST_QUEUE_MUTEX): every field below
	itemAdded      sync.Cond          // signalled when an item is queued; the streaming goroutine waits on it (item_add)
	itemRemoved    sync.Cond          // signalled when an item leaves or the queue flushes; a chain waiting for room waits on it (item_del)
	items          []item             // queued buffers and serialized events, oldest first
	buffers        int                // how many of items are buffers: the level max-size-buffers limits (cur_level.buffers)
	maxSizeBuffers int                // the queue is full at this many buffers; 0: no limit
	srcresult      gstmini.FlowReturn // FlowOK while streaming; FlowFlushing while inactive or flushing; else the last downstream result
}

// item is one queued buffer or serialized event (GstQueueItem).
type item struct {
	buf *gstmini.Buffer // a buffer, or nil
	ev  *gstmini.Event  // the event, when buf is nil
}

// NewQueue returns a queue named name, in state NULL, with a "sink" and a
// "src" pad and max-size-buffers 200, GStreamer's default. It is inactive
// (srcresult FlowFlushing) until it goes to PAUSED.
func NewQueue(name string) *Queue {
	q := &Queue{maxSizeBuffers: DefaultMaxSizeBuffers, srcresult: gstmini.FlowFlushing}
	q.Init(q, name)
	q.itemAdded.L = &q.mu
	q.itemRemoved.L = &q.mu

	q.sinkpad = gstmini.NewPad("sink", gstmini.PadSink)
	q.sinkpad.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		return q.chain(buf)
	})
	q.sinkpad.SetEventFunc(q.sinkEvent)
	q.srcpad = gstmini.NewPad("src", gstmini.PadSrc)
	q.srcpad.SetActivateModeFunc(q.srcActivateMode)
	for _, p := range []*gstmini.Pad{q.sinkpad, q.srcpad} {
		if err := q.AddPad(p); err != nil {
			panic(err) // two new pads with different names: cannot happen
		}
	}

	size := gstmini.UintProperty("max-size-buffers", "The queue is full at this many buffers (0 = no limit)", "guint",
		0, math.MaxInt32, DefaultMaxSizeBuffers,
		func() uint64 { return uint64(q.MaxSizeBuffers()) }, func(v uint64) { q.SetMaxSizeBuffers(int(v)) })
	size.Flags = gstmini.PropReadWrite | gstmini.PropMutablePlaying
	q.InstallProperty(size)
	level := gstmini.UintProperty("current-level-buffers", "Number of buffers queued now", "guint",
		0, math.MaxInt32, 0, func() uint64 { return uint64(q.CurrentLevelBuffers()) }, nil)
	level.Flags, level.Set = gstmini.PropReadable, nil
	q.InstallProperty(level)
	return q
}

// SinkPad returns the queue's sink pad, where upstream pushes.
func (q *Queue) SinkPad() *gstmini.Pad { return q.sinkpad }

// SrcPad returns the queue's source pad, whose task pushes downstream.
func (q *Queue) SrcPad() *gstmini.Pad { return q.srcpad }

// MaxSizeBuffers returns the "max-size-buffers" limit; 0 means no limit.
func (q *Queue) MaxSizeBuffers() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.maxSizeBuffers
}

// SetMaxSizeBuffers sets the "max-size-buffers" limit (0: no limit, n < 0
// counts as 0). A chain waiting for room checks again
// (queue_capacity_change, gstqueue.c:1781).
func (q *Queue) SetMaxSizeBuffers(n int) {
	q.mu.Lock()
	q.maxSizeBuffers = max(n, 0)
	q.itemRemoved.Broadcast()
	q.mu.Unlock()
}

// CurrentLevelBuffers returns how many buffers are queued now
// ("current-level-buffers"). Events are queued too but take no room.
func (q *Queue) CurrentLevelBuffers() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.buffers
}

// isFullLocked is gst_queue_is_filled (gstqueue.c:1127) for the buffer
// limit alone. Call it with mu held.
func (q *Queue) isFullLocked() bool {
	return q.maxSizeBuffers > 0 && q.buffers >= q.maxSizeBuffers
}

// sinkEvent is the sink pad's event function: the dispatch of
// gst_queue_handle_sink_event (gstqueue.c:911). It runs on the goroutine
// that sends the event; serialized events arrive with the sink pad's stream
// lock held, so never while a chain call is in progress.
//
//   - flush-start goes downstream FIRST, so that a push blocked downstream
//     returns, then flushStart unblocks and pauses the queue;
//   - flush-stop goes downstream, then flushStop empties the queue and
//     restarts the streaming goroutine;
//   - every other serialized event is queued by enqueueEvent, in order with
//     the buffers, and leaves through the streaming goroutine;
//   - out-of-band events go downstream at once.
func (q *Queue) sinkEvent(_ *gstmini.Pad, _ gstmini.Element, ev *gstmini.Event) bool {
	switch t := ev.Type(); {
	case t == gstmini.EventFlushStart:
		ok := q.srcpad.PushEvent(ev)
		q.flushStart()
		return ok
	case t == gstmini.EventFlushStop:
		ok := q.srcpad.PushEvent(ev)
		q.flushStop()
		return ok
	case t.IsSerialized():
		return q.enqueueEvent(ev) == gstmini.FlowOK
	default:
		return q.srcpad.PushEvent(ev)
	}
}

// srcActivateMode is the source pad's activate-mode function
// (gst_queue_src_activate_mode, gstqueue.c:1738). Pad.SetActive calls it
// on the goroutine changing the state: READY→PAUSED activates the pad,
// PAUSED→READY deactivates it (the pad is already flushing then). Elements
// are deactivated from the sinks up, so downstream of the queue is flushing
// by then and a push in progress returns.
func (q *Queue) srcActivateMode(_ *gstmini.Pad, _ gstmini.Element, mode gstmini.PadMode, active bool) bool {
	if mode != gstmini.PadModePush {
		return false
	}
	q.activate(active)
	return true
}
