package threading

import "testing"

// Step 1. The streaming goroutine is frozen (the test holds the source
// pad's stream lock), so only chain runs: every buffer must stay queued.
func TestChainQueuesBuffersAndReturnsAtOnce(t *testing.T) {
	f := newFixture(t)
	f.freeze(t)
	f.play(t)

	f.pushOK(t, 0, 5)

	if got := f.sink.buffers(); len(got) != 0 {
		t.Fatalf("the sink received %q while the queue's streaming goroutine was frozen; want nothing.\n"+
			"hint: chain only queues the buffer; pushing downstream is the streaming goroutine's job (README: Step 1)", got)
	}
	if got := levelOf(t, f.q); got != 5 {
		t.Fatalf("CurrentLevelBuffers() after 5 pushes = %d; want 5: each buffer stays in q.items until the streaming goroutine takes it.\n"+
			"hint: chain appends item{buf: buf} to q.items and counts it in q.buffers, under q.mu (README: Step 1)", got)
	}
}
