// mutant: activate(false) stops the task but leaves the queued buffers in the queue
package threading

import "github.com/gstmini/workbook/gstmini"

// activate starts or stops the streaming goroutine
// (gst_queue_src_activate_mode, gstqueue.c:1738 at 1.22.0). It runs on the
// goroutine changing the state, when the source pad is activated
// (READY→PAUSED) or deactivated (PAUSED→READY).
//
// After activate(true) the queue is streaming (srcresult FlowOK) and the
// source pad's task runs loop. activate(false) returns once the queue is
// inactive (srcresult FlowFlushing), the task has stopped (its goroutine
// has exited, even if it was asleep waiting for data), a chain that was
// waiting for room has returned FlowFlushing, and the queue is empty.
//
// Worked example: READY→PAUSED, nothing pushed: the streaming goroutine
// sleeps in loop. PAUSED→READY: it wakes, loop returns, the task stops, no
// goroutine is left. Had downstream refused buffer 1 with buffer 2 queued,
// PAUSED→READY would also release buffer 2 (level 0).
func (q *Queue) activate(active bool) {
	if active {
		q.mu.Lock()
		q.srcresult = gstmini.FlowOK
		q.mu.Unlock()
		q.srcpad.StartTask(q.loop)
		return
	}
	q.mu.Lock()
	q.srcresult = gstmini.FlowFlushing
	q.itemAdded.Broadcast()
	q.itemRemoved.Broadcast()
	q.mu.Unlock()

	q.srcpad.StopTask()
}

// loop is one iteration of the source pad's task (gst_queue_loop,
// gstqueue.c:1509, and gst_queue_push_one, gstqueue.c:1356), on the
// queue's streaming goroutine, with the source pad's stream lock held.
//
// Each call sends the oldest queued item downstream, a buffer with
// Pad.Push, an event with Pad.PushEvent, and returns; with nothing queued
// it sleeps until chain or enqueueEvent queues something (it never returns
// empty-handed while streaming). While it pushes, the queue stays open to
// upstream: chain and enqueueEvent go on queueing. When the queue stops
// streaming (srcresult not FlowOK), or downstream returns something other
// than FlowOK, or EOS has gone out, it keeps that result in srcresult
// (FlowEOS after EOS), pauses the task from inside (task.Pause), and, when
// the result is FlowFlushing, empties the queue.
//
// Worked example: buffers 0, 1 and a segment queued, downstream returns
// FlowOK for buffer 0 and FlowError for buffer 1. Call 1 pushes buffer 0;
// call 2 pushes buffer 1, srcresult becomes FlowError and the task pauses:
// the segment stays queued and the next chain returns FlowError.
func (q *Queue) loop(task *gstmini.Task) {
	q.mu.Lock()
	for len(q.items) == 0 && q.srcresult == gstmini.FlowOK {
		q.itemAdded.Wait()
	}
	if q.srcresult != gstmini.FlowOK {
		q.pauseLocked(task)
		return
	}
	// gst_queue_locked_dequeue (gstqueue.c:823).
	it := q.items[0]
	q.items[0] = item{}
	q.items = q.items[1:]
	if it.buf != nil {
		q.buffers--
	}
	q.itemRemoved.Signal()
	q.mu.Unlock()

	ret := gstmini.FlowOK
	if it.buf != nil {
		ret = q.srcpad.Push(it.buf)
	} else {
		q.srcpad.PushEvent(it.ev)
		if it.ev.Type() == gstmini.EventEOS {
			ret = gstmini.FlowEOS // the stream is over: pause
		}
	}
	if ret == gstmini.FlowOK {
		return
	}
	q.mu.Lock()
	if q.srcresult == gstmini.FlowOK { // a flush or shutdown meanwhile wins
		q.srcresult = ret
	}
	q.pauseLocked(task)
}

// pauseLocked is the out_flushing exit of gst_queue_loop: pause the task
// from inside (Task.Pause does not wait for the iteration that calls it),
// empty the queue if flushing, wake a chain waiting for room so that it
// sees srcresult, and unlock.
func (q *Queue) pauseLocked(task *gstmini.Task) {
	task.Pause()
	if q.srcresult == gstmini.FlowFlushing {
		q.flushLocked()
	}
	q.itemRemoved.Broadcast()
	q.mu.Unlock()
}
