// mutant: flushStop restarts the queue without dropping what was queued before the flush
package threading

import "github.com/gstmini/workbook/gstmini"

// enqueueEvent queues a serialized event in order with the buffers
// (the serialized branch of gst_queue_handle_sink_event, gstqueue.c:911,
// and gst_queue_locked_enqueue_event, gstqueue.c:778 at 1.22.0). It runs
// on the upstream goroutine with the sink pad's stream lock held.
//
// It returns FlowOK once the event is queued behind everything queued
// before it; the streaming goroutine pushes it when it reaches the head.
// The event takes no room: only buffers count towards max-size-buffers, so
// it is queued even when the queue is full, and the level does not change.
// While the queue is not streaming (srcresult is not FlowOK) it refuses the
// event and returns srcresult.
//
// Worked example: buffers 1 and 2 queued, then a segment, then buffer 3:
// downstream receives buffer 1, buffer 2, the segment, buffer 3, in that
// order, and CurrentLevelBuffers is 3 before anything leaves. After
// downstream returned FlowError for a buffer, the next event is refused
// with FlowError.
func (q *Queue) enqueueEvent(ev *gstmini.Event) gstmini.FlowReturn {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.srcresult != gstmini.FlowOK {
		return q.srcresult
	}
	q.items = append(q.items, item{ev: ev})
	q.itemAdded.Signal()
	return gstmini.FlowOK
}

// flushStart runs after flush-start went downstream (the FLUSH_START
// branch of gst_queue_handle_sink_event, gstqueue.c:911). Downstream is
// flushing now, so a push the streaming goroutine has in progress returns.
//
// When it returns, the queue is flushing (srcresult FlowFlushing), a chain
// that was waiting for room has returned FlowFlushing, and the source
// pad's task is paused. It wakes both waits itself: the streaming goroutine
// may be unable to run, so nobody else would.
//
// Worked example: the sink holds buffer 0, buffer 1 fills the queue
// (max-size-buffers 1) and the push of buffer 2 waits. flush-start: the
// sink lets buffer 0 go (its push returns FlowFlushing), the push of
// buffer 2 returns FlowFlushing, the task is paused.
func (q *Queue) flushStart() {
	q.mu.Lock()
	q.srcresult = gstmini.FlowFlushing
	q.itemAdded.Broadcast()
	q.itemRemoved.Broadcast()
	q.mu.Unlock()
	q.srcpad.PauseTask()
}

// flushStop runs after flush-stop went downstream (the FLUSH_STOP branch of
// gst_queue_handle_sink_event, gstqueue.c:947). When it returns, the queue
// is empty (every buffer queued before the flush is released, whatever
// paused the task), srcresult is FlowOK, and the source pad's task runs
// again unless the pad is inactive.
//
// Worked example: downstream refused buffer 1 with FlowError, so the task
// paused with buffer 2 still queued. flush-start, flush-stop: the level is
// 0, buffer 2 never reaches downstream, and buffer 3, pushed next, does.
func (q *Queue) flushStop() {
	q.mu.Lock()
	q.srcresult = gstmini.FlowOK
	q.mu.Unlock()
	if q.srcpad.IsActive() {
		q.srcpad.StartTask(q.loop)
	}
}

// flushLocked drops every queued item, releasing the buffers, and wakes a
// chain waiting for room (gst_queue_locked_flush, gstqueue.c:702). Call it
// with mu held.
func (q *Queue) flushLocked() {
	for i, it := range q.items {
		if it.buf != nil {
			it.buf.Unref()
		}
		q.items[i] = item{}
	}
	q.items = q.items[:0]
	q.buffers = 0
	q.itemRemoved.Broadcast()
}
