package threading

import "github.com/gstmini/workbook/gstmini"

// activate starts or stops the streaming goroutine
// (gst_queue_src_activate_mode, gstqueue.c:1738 at 1.22.0). It runs on the
// goroutine changing the state, when the source pad is activated
// (READY→PAUSED) or deactivated (PAUSED→READY).
//
// Activation sets srcresult to FlowOK and starts the source pad's task with
// loop. Deactivation sets srcresult to FlowFlushing and wakes both waits (a
// streaming goroutine waiting for data, a chain waiting for room), then
// stops the task with Pad.StopTask, which waits for the goroutine to exit,
// and finally drops whatever is still queued.
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

	q.mu.Lock()
	q.flushLocked()
	q.mu.Unlock()
}

// loop is one iteration of the source pad's task (gst_queue_loop,
// gstqueue.c:1509, and gst_queue_push_one, gstqueue.c:1356), on the
// queue's streaming goroutine, with the source pad's stream lock held.
//
// It waits on itemAdded while the queue is empty, takes the oldest item,
// signals itemRemoved (a full chain may go on), and pushes the item out of
// the source pad with the lock RELEASED, so that upstream can queue more
// while downstream is busy. A buffer goes out with Pad.Push, an event with
// Pad.PushEvent. A result other than FlowOK — an error or flushing from
// downstream, FlowEOS once the EOS event went out, or srcresult no longer
// FlowOK — is kept in srcresult and pauses the task from inside with
// task.Pause; on FlowFlushing the queue is emptied.
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
