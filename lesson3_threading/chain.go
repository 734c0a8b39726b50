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
//
// TODO(lesson3): Step 1: under q.mu, append item{buf: buf} to q.items,
// count it in q.buffers, signal q.itemAdded, return FlowOK.
// Step 4: while the queue is full (q.isFullLocked()), wait on q.itemRemoved
// first. Step 5: give up with q.srcresult when it is not FlowOK, before and
// after waiting (drop buf with buf.Unref()).
func (q *Queue) chain(buf *gstmini.Buffer) gstmini.FlowReturn {
	return gstmini.FlowOK
}
