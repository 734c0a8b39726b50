// mutant: Render with Drop drops the oldest but does not count it
package appbridge

import "github.com/gstmini/workbook/gstmini"

// A SampleQueue is the queue inside appsink, without its threads: Render
// is what the streaming goroutine does once a buffer's time has come
// (gst_app_sink_render_common, gstappsink.c:1027); Pull is what the
// application's PullSample does (gst_app_sink_try_pull_object,
// gstappsink.c:1871). Create it as a literal; the zero value holds any
// number of buffers. It is not safe for concurrent use.
type SampleQueue struct {
	// MaxBuffers limits the queue (max-buffers); 0 means no limit.
	MaxBuffers int
	// Drop makes a full queue drop its oldest buffer for the new one
	// (drop=true) instead of making Render wait.
	Drop bool

	items   []*gstmini.Buffer // oldest first
	dropped int
}

// Render offers buf to the queue. When MaxBuffers are queued, with Drop
// the oldest queued buffers are dropped (unreffed and counted by Dropped)
// until there is room, and buf is queued; without Drop, Render returns
// wait true and does not take buf: appsink's render would wait there,
// holding back the whole pipeline upstream, until the application pulls.
// Otherwise buf is queued. The queue takes the caller's reference to a
// buffer it queues.
//
// Worked example, MaxBuffers 1 holding buffer 1: Render(2) with Drop
// drops 1 and queues 2; without Drop it returns true and the queue still
// holds 1.
func (q *SampleQueue) Render(buf *gstmini.Buffer) (wait bool) {
	for q.MaxBuffers > 0 && len(q.items) >= q.MaxBuffers {
		if !q.Drop {
			return true
		}
		q.items[0].Unref()
		q.items[0] = nil
		q.items = q.items[1:]
	}
	q.items = append(q.items, buf)
	return false
}

// Pull takes the oldest queued buffer out, as PullSample does; ok is false
// when the queue is empty. The caller owns the buffer.
func (q *SampleQueue) Pull() (buf *gstmini.Buffer, ok bool) {
	if len(q.items) == 0 {
		return nil, false
	}
	buf = q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	return buf, true
}

// Len returns how many buffers wait to be pulled.
func (q *SampleQueue) Len() int { return len(q.items) }

// Dropped returns how many buffers Drop discarded unpulled.
func (q *SampleQueue) Dropped() int { return q.dropped }
