// mutant: after an upstream drop, DISCONT goes on the next buffer out of the queue (an old one) instead of the next buffer accepted
package buffering

import (
	"fmt"

	"github.com/gstmini/workbook/gstmini"
)

// Leaky says what a full Queue does with a buffer it has no room for
// (GstQueueLeaky, the queue's "leaky" property). The names say at which END
// of the queue the leak happens, which confuses almost everyone:
// "upstream" drops the NEW buffers arriving from upstream, "downstream" drops
// the OLD buffers about to go downstream.
type Leaky int

// Leak modes, numbered as GStreamer's.
const (
	// LeakyNo never drops: a full queue makes the upstream thread wait in
	// the chain function until the streaming thread takes a buffer out.
	// Queue.Push reports this as blocked.
	LeakyNo Leaky = iota
	// LeakyUpstream drops the incoming buffer, the newest, and marks the
	// next buffer the queue accepts DISCONT. What is queued stays: the
	// oldest data survives.
	LeakyUpstream
	// LeakyDownstream drops the oldest queued buffers, from the head, until
	// the queue is no longer full, then queues the incoming one, and marks
	// the next buffer that leaves the queue DISCONT. The newest data
	// survives.
	LeakyDownstream
)

// String returns the mode's nick as gst-inspect-1.0 shows it.
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

// A Queue is the data structure inside GStreamer's queue element, without
// its threads: a FIFO of buffers with limits and a leak mode. Push is what
// the chain function does on the upstream thread
// (gst_queue_chain_buffer_or_list, gstqueue.c:1182); Pop is what the
// streaming thread does before it pushes a buffer downstream
// (gst_queue_push_one, gstqueue.c:1356). Create it with NewQueue; it is not
// safe for concurrent use.
//
// The queue owns the buffers it holds. Its level is kept as the element
// keeps it: buffers and bytes count up on Push and down on Pop, and the time
// level comes from the running times of the last buffer in and the last
// buffer out (ApplyBuffer, TimeLevel), in a default TIME segment on each
// side; when the last buffer leaves, the time level is 0. The queue is full
// when IsFilled(level, Max).
//
// A buffer that must be marked DISCONT is made writable first
// (Buffer.MakeWritable): if anybody else still holds a reference to it, the
// queue flags a copy and never changes the buffer they hold.
type Queue struct {
	// Max are the limits (max-size-buffers, max-size-bytes,
	// max-size-time); 0 disables a limit.
	Max Level
	// Leaky is what Push does when the queue is full.
	Leaky Leaky

	items            []*gstmini.Buffer // oldest first
	level            Level
	sink, src        gstmini.Segment // positions of the last buffer in, and out
	headNeedsDiscont bool            // a downstream leak: the next buffer out gets DISCONT
	tailNeedsDiscont bool            // an upstream leak: the next buffer in gets DISCONT
}

// NewQueue returns an empty queue with the given limits and leak mode. Its
// two segments are default TIME segments, so running time equals buffer
// time.
func NewQueue(max Level, leaky Leaky) *Queue {
	q := &Queue{Max: max, Leaky: leaky}
	q.sink.Init(gstmini.FormatTime)
	q.src.Init(gstmini.FormatTime)
	return q
}

// Level returns the amount of data queued now (current-level-buffers,
// current-level-bytes and current-level-time).
func (q *Queue) Level() Level { return q.level }

// Push offers buf to the queue, as the chain function does. While the queue
// is full:
//
//   - LeakyNo: Push returns blocked true and does not take buf; the caller
//     still owns it. (GStreamer's chain would wait until Pop makes room.)
//   - LeakyUpstream: buf itself is dropped and returned in dropped; the next
//     buffer Push accepts gets DISCONT.
//   - LeakyDownstream: the oldest buffers are dropped until the queue is no
//     longer full, returned in dropped oldest first, and buf is queued; the
//     next buffer Pop returns gets DISCONT.
//
// Otherwise buf is queued (with DISCONT if an upstream leak came before it).
// The caller owns the dropped buffers and unrefs them when done. A dropped
// buffer never entered the queue: it changes neither the level nor the
// sink position.
//
// Worked example, max-size-buffers 2, holding buffers 2 and 3: with
// LeakyNo, Push(4) returns (nil, true); with LeakyUpstream it returns
// ([4], false), the queue still holds 2 and 3, and the next buffer Push
// accepts carries DISCONT; with LeakyDownstream it returns ([2], false),
// the queue holds 3 and 4, and the next Pop returns 3 with DISCONT.
func (q *Queue) Push(buf *gstmini.Buffer) (dropped []*gstmini.Buffer, blocked bool) {
	if IsFilled(q.level, q.Max) {
		switch q.Leaky {
		case LeakyUpstream:
			q.headNeedsDiscont = true
			return []*gstmini.Buffer{buf}, false
		case LeakyDownstream:
			for IsFilled(q.level, q.Max) {
				old, ok := q.dequeue()
				if !ok {
					break // full with nothing queued: cannot happen with buffers alone
				}
				dropped = append(dropped, old)
				q.headNeedsDiscont = true
			}
		default:
			return nil, true
		}
	}
	if q.tailNeedsDiscont {
		buf = buf.MakeWritable()
		buf.Flags |= gstmini.BufferFlagDiscont
		q.tailNeedsDiscont = false
	}
	q.items = append(q.items, buf)
	q.level.Buffers++
	q.level.Bytes += uint(buf.Size())
	ApplyBuffer(&q.sink, buf)
	q.level.Time = TimeLevel(&q.sink, &q.src)
	return dropped, false
}

// Pop takes the oldest buffer out of the queue, as the streaming thread does
// before pushing it downstream, marking it DISCONT if a downstream leak came
// before it. ok is false if the queue is empty. The caller owns the buffer.
//
// Worked example: after Push(1), Push(2), Pop returns buffer 1 (the very
// same *Buffer), then buffer 2, then (nil, false); the level goes from 2
// buffers to 1 to 0, and the time level is 0 once the queue is empty.
func (q *Queue) Pop() (buf *gstmini.Buffer, ok bool) {
	buf, ok = q.dequeue()
	if !ok {
		return nil, false
	}
	if q.headNeedsDiscont {
		buf = buf.MakeWritable()
		buf.Flags |= gstmini.BufferFlagDiscont
		q.headNeedsDiscont = false
	}
	return buf, true
}

// dequeue removes the head buffer and moves the src side of the level past
// it (gst_queue_locked_dequeue, gstqueue.c:823).
func (q *Queue) dequeue() (*gstmini.Buffer, bool) {
	if len(q.items) == 0 {
		return nil, false
	}
	buf := q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	q.level.Buffers--
	q.level.Bytes -= uint(buf.Size())
	ApplyBuffer(&q.src, buf)
	q.level.Time = TimeLevel(&q.sink, &q.src)
	if q.level.Buffers == 0 {
		q.level.Time = 0
	}
	return buf, true
}
