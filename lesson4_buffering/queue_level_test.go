package buffering

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Step 6. A buffer leaky upstream drops never entered the queue: it moves
// neither the counts nor the sink side's position, so the time level does
// not grow with data the queue does not hold. GStreamer leaks it (out_unref)
// before gst_queue_locked_enqueue_buffer would apply it (gstqueue.c:1229-1236).
func TestLeakyUpstreamDropsLeaveTheLevelAlone(t *testing.T) {
	q := NewQueue(Level{Buffers: 2}, LeakyUpstream)
	type step struct {
		After string
		Level Level
	}
	var got, want []step
	record := func(after string, want1 Level) {
		got = append(got, step{after, q.Level()})
		want = append(want, step{after, want1})
	}
	q.Push(qbuf(0))
	q.Push(qbuf(1))
	record("push 0, 1", Level{2, 200, 200 * ms})
	for n := 2; n <= 5; n++ {
		q.Push(qbuf(n)) // full: dropped
	}
	record("push 2..5 (dropped)", Level{2, 200, 200 * ms})
	q.Pop()
	record("pop 0", Level{1, 100, 100 * ms})
	q.Push(qbuf(6))
	record("push 6 (accepted, DISCONT)", Level{2, 200, 600 * ms})

	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NewQueue(max-size 2 buffers, leaky upstream), Level() step by step (-want +got):\n%s"+
			"hint: a dropped buffer is handed back at once; only a buffer the queue keeps adds to the level and moves the sink\n"+
			"position with ApplyBuffer. (Buffer 6 shows 600 ms: from the end of buffer 0, the last one out, to the end of\n"+
			"buffer 6: the hole left by the drops counts as time, README: Step 5.) (README: Step 6)", diff)
	}
}
