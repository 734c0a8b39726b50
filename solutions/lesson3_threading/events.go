package threading

import "github.com/gstmini/workbook/gstmini"

// enqueueEvent queues a serialized event in order with the buffers
// (the serialized branch of gst_queue_handle_sink_event, gstqueue.c:911,
// and gst_queue_locked_enqueue_event, gstqueue.c:778 at 1.22.0). It runs
// on the upstream goroutine with the sink pad's stream lock held.
//
// The event takes no room: only buffers count towards max-size-buffers, so
// it is queued even when the queue is full. The streaming goroutine pushes
// it when it reaches the head. While the queue is not streaming (srcresult
// is not FlowOK) it refuses the event and returns srcresult.
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
// It sets srcresult to FlowFlushing and wakes both waits: a chain waiting
// for room returns FlowFlushing, the streaming goroutine pauses itself.
// Then it waits for the task to pause with Pad.PauseTask.
func (q *Queue) flushStart() {
	q.mu.Lock()
	q.srcresult = gstmini.FlowFlushing
	q.itemAdded.Broadcast()
	q.itemRemoved.Broadcast()
	q.mu.Unlock()
	q.srcpad.PauseTask()
}

// flushStop runs after flush-stop went downstream (the FLUSH_STOP branch of
// gst_queue_handle_sink_event). It drops everything queued, sets srcresult
// back to FlowOK and restarts the task with Pad.StartTask, unless the
// source pad is inactive.
func (q *Queue) flushStop() {
	q.mu.Lock()
	q.flushLocked()
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
