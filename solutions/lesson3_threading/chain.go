package threading

import "github.com/gstmini/workbook/gstmini"

// chain is the sink pad's chain function (gst_queue_chain_buffer_or_list,
// gstqueue.c:1182 at 1.22.0). It runs on the upstream goroutine, with the
// sink pad's stream lock held, and owns buf.
//
// It appends buf to the queue, wakes the streaming goroutine and returns
// FlowOK at once: it never waits for downstream. Only a full queue (buffers
// == max-size-buffers, if that is not 0) makes it wait, on itemRemoved,
// until the streaming goroutine has taken a buffer out. While the queue is
// not streaming (srcresult is not FlowOK: inactive, flushing, or
// downstream failed) it drops buf and returns srcresult, also when that
// happens during the wait.
func (q *Queue) chain(buf *gstmini.Buffer) gstmini.FlowReturn {
	q.mu.Lock()
	defer q.mu.Unlock()
	// GST_QUEUE_MUTEX_LOCK_CHECK, then the wait of the non-leaky branch
	// (GST_QUEUE_WAIT_DEL_CHECK, gstqueue.c:1251).
	for q.srcresult == gstmini.FlowOK && q.isFullLocked() {
		q.itemRemoved.Wait()
	}
	if q.srcresult != gstmini.FlowOK {
		buf.Unref()
		return q.srcresult
	}
	// gst_queue_locked_enqueue_buffer (gstqueue.c:738).
	q.items = append(q.items, item{buf: buf})
	q.buffers++
	q.itemAdded.Signal()
	return gstmini.FlowOK
}
