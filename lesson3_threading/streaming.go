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
//
// TODO(lesson3): Step 2: active: set q.srcresult = FlowOK (under q.mu),
// then q.srcpad.StartTask(q.loop). Not active: set q.srcresult =
// FlowFlushing and Broadcast both conditions (under q.mu), then
// q.srcpad.StopTask() WITHOUT holding q.mu, then drop the queued items
// (Unref the buffers, q.buffers = 0).
func (q *Queue) activate(active bool) {
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
//
// TODO(lesson3): Step 2: lock q.mu; while q.items is empty and q.srcresult
// is FlowOK, q.itemAdded.Wait(); if q.srcresult is not FlowOK, task.Pause()
// and return (unlocking); else take q.items[0], update q.buffers, signal
// q.itemRemoved, UNLOCK, then q.srcpad.Push(buf). A result other than
// FlowOK: store it in q.srcresult (under q.mu) and task.Pause().
// Step 3: an event item goes out with q.srcpad.PushEvent; after EOS, pause.
// Step 5: on FlowFlushing, drop what is queued and wake a waiting chain.
func (q *Queue) loop(task *gstmini.Task) {
}
