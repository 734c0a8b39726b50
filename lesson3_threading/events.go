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
//
// TODO(lesson3): Step 3: under q.mu, refuse with q.srcresult if it is not
// FlowOK; else append item{ev: ev} to q.items (q.buffers does not change),
// signal q.itemAdded and return FlowOK. (Returning FlowOK without queueing,
// as now, loses the event.)
func (q *Queue) enqueueEvent(ev *gstmini.Event) gstmini.FlowReturn {
	return gstmini.FlowOK
}

// flushStart runs after flush-start went downstream (the FLUSH_START
// branch of gst_queue_handle_sink_event, gstqueue.c:911). Downstream is
// flushing now, so a push the streaming goroutine has in progress returns.
//
// It sets srcresult to FlowFlushing and wakes both waits: a chain waiting
// for room returns FlowFlushing, the streaming goroutine pauses itself.
// Then it waits for the task to pause with Pad.PauseTask.
//
// TODO(lesson3): Step 5: under q.mu, q.srcresult = FlowFlushing and
// Broadcast both conditions; then, unlocked, q.srcpad.PauseTask().
func (q *Queue) flushStart() {
}

// flushStop runs after flush-stop went downstream (the FLUSH_STOP branch of
// gst_queue_handle_sink_event). It drops everything queued, sets srcresult
// back to FlowOK and restarts the task with Pad.StartTask, unless the
// source pad is inactive.
//
// TODO(lesson3): Step 5: under q.mu, drop the queued items (Unref the
// buffers) and set q.srcresult = FlowOK; then, if q.srcpad.IsActive(),
// q.srcpad.StartTask(q.loop).
func (q *Queue) flushStop() {
}
