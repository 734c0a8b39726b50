package appbridge

import (
	"context"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
)

// ---- Step 4: a bounded pool is back-pressure ----

type acquired struct {
	buf *gstmini.Buffer
	ret gstmini.FlowReturn
}

func acquireAsync(p *Pool) <-chan acquired {
	ch := make(chan acquired, 1)
	go func() {
		b, ret := p.Acquire()
		ch <- acquired{b, ret}
	}()
	return ch
}

// mustAcquire acquires a buffer that must be there at once.
func mustAcquire(t *testing.T, p *Pool, what string) *gstmini.Buffer {
	t.Helper()
	got, ok := within(t, acquireAsync(p), what)
	if !ok {
		p.SetFlushing(true) // free the goroutine, if the pool can
		t.FailNow()
	}
	if got.buf == nil || got.ret != gstmini.FlowOK {
		t.Fatalf("%s: Acquire() = %v, %s; want a buffer, ok\nhint: every pool test starts with Acquire (README: Step 4)", what, got.buf, got.ret)
	}
	return got.buf
}

func TestPoolAcquireWaitsWhileAllAreOut(t *testing.T) {
	p := NewPool(64, 2)
	a := mustAcquire(t, p, "first Acquire of a pool of 2")
	b := mustAcquire(t, p, "second Acquire of a pool of 2")
	if a == b || a.Size() != 64 {
		t.Fatalf("two Acquires returned the same buffer (%t) or a buffer of %d bytes; want two buffers of 64 bytes\nhint: README: Step 4", a == b, a.Size())
	}
	if n := p.Outstanding(); n != 2 {
		t.Errorf("Outstanding() with 2 buffers out = %d; want 2\nhint: README: Step 4", n)
	}
	third := acquireAsync(p)
	defer p.SetFlushing(true) // whatever happens, free the waiting goroutine
	if got, returned := waitUntilBlockedIn(t, ".(*Pool).Acquire", third); returned {
		t.Fatalf("third Acquire of a pool of 2 with both out returned %v, %s; want it to wait until one comes back\n"+
			"hint: while max buffers are out, wait (sync.Cond) instead of allocating (README: Step 4)", got.buf, got.ret)
	}
	a.PTS = 5 * sec
	p.Release(a)
	got, ok := within(t, third, "the waiting Acquire returning after Release")
	if !ok {
		return
	}
	if got.buf != a || got.ret != gstmini.FlowOK {
		t.Errorf("after Release(a) the waiting Acquire got %p, %s; want a (%p), ok: the pool recycles, it does not allocate a 3rd\n"+
			"hint: README: Step 4", got.buf, got.ret, a)
	} else if got.buf.PTS != none {
		t.Errorf("a recycled buffer still has PTS %s; want none: Acquire hands out buffers with unset timestamps", ts(got.buf.PTS))
	}
	if n := p.Outstanding(); n != 2 {
		t.Errorf("Outstanding() = %d; want 2 (b and the recycled a)", n)
	}
}

func TestPoolFlushingWakesAWaitingAcquire(t *testing.T) {
	p := NewPool(64, 1)
	held := mustAcquire(t, p, "Acquire of a pool of 1")
	waiting := acquireAsync(p)
	if got, returned := waitUntilBlockedIn(t, ".(*Pool).Acquire", waiting); returned {
		t.Fatalf("Acquire of a pool of 1 with its buffer out returned %v, %s; want it to wait\nhint: README: Step 4", got.buf, got.ret)
	}
	p.SetFlushing(true)
	got, ok := within(t, waiting, "the Acquire waiting for a buffer returning on SetFlushing(true)")
	if !ok {
		p.Release(held) // free it anyway
		<-waiting
		return
	}
	if got.ret != gstmini.FlowFlushing || got.buf != nil {
		t.Errorf("waiting Acquire after SetFlushing(true) = %v, %s; want nil, flushing\n"+
			"hint: SetFlushing wakes every waiter (Broadcast) and Acquire checks flushing each time it wakes (README: Step 4)", got.buf, got.ret)
	}
	if b, ret := p.Acquire(); b != nil || ret != gstmini.FlowFlushing {
		t.Errorf("Acquire while flushing = %v, %s; want nil, flushing", b, ret)
	}
	p.SetFlushing(false)
	p.Release(held)
	if b, ret := p.Acquire(); b != held || ret != gstmini.FlowOK {
		t.Errorf("Acquire after SetFlushing(false) and a Release = %p, %s; want the released buffer, ok", b, ret)
	}
}

// TestABoundedPoolStopsTheSourceAndAFlushFreesIt: an application source
// takes frames from a pool of 3 and pushes them into appsrc ! appsink
// (max-buffers 2, sync off), whose application does not pull. Two frames
// wait in appsink's queue and the third in its render: all 3 are out, so
// the source waits in Acquire. A pulled and released sample lets it take
// one more; SetFlushing, as a shutdown does, frees it for good.
func TestABoundedPoolStopsTheSourceAndAFlushFreesIt(t *testing.T) {
	pipeline := gstmini.NewPipeline("p")
	src, sink := elements.NewAppSrc("src"), elements.NewAppSink("sink")
	mustSet(t, src, "format", "time")
	mustSet(t, sink, "max-buffers", 2)
	mustSet(t, sink, "sync", false)
	if err := pipeline.Add(src, sink); err != nil {
		t.Fatal(err)
	}
	if err := src.SrcPad().Link(sink.SinkPad()); err != nil {
		t.Fatal(err)
	}
	pool := NewPool(1024, 3)
	acquiredN := make(chan int, 16)
	ended := make(chan gstmini.FlowReturn, 1)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { // the application's source
		for n := 0; ; n++ {
			b, ret := pool.Acquire()
			if ret != gstmini.FlowOK || b == nil || ctx.Err() != nil {
				ended <- ret
				return
			}
			acquiredN <- n
			b.PTS, b.Offset = slot(n, 30), uint64(n)
			src.PushBuffer(b)
		}
	}()
	t.Cleanup(func() {
		cancel()
		pool.SetFlushing(true)
		pipeline.Stop()
		select {
		case <-ended:
		case <-acquiredN:
		default:
		}
	})
	pipeline.SetState(gstmini.StatePlaying)
	next := func(what string) (n int, ok bool) {
		t.Helper()
		select {
		case n := <-acquiredN:
			return n, true
		case ret := <-ended:
			t.Fatalf("%s: the source's Acquire gave no buffer (%s); want one\nhint: README: Step 4", what, ret)
		case <-time.After(watchdog):
			t.Errorf("%s did not happen within %v of real time", what, watchdog)
		}
		return 0, false
	}
	for want := 0; want < 3; want++ {
		if n, ok := next("the source acquiring a frame of the pool of 3"); !ok || n != want {
			t.Fatalf("acquired frame %d; want %d\nhint: README: Step 4", n, want)
		}
	}
	select {
	case n := <-acquiredN:
		t.Fatalf("the source acquired frame %d with all 3 buffers of the pool held downstream; want it to wait\nhint: README: Step 4", n)
	case ret := <-ended:
		t.Fatalf("the source's Acquire returned %s with all 3 buffers out; want it to wait\nhint: README: Step 4", ret)
	default:
	}
	s := sink.PullSample()
	if s == nil {
		t.Fatalf("PullSample = nil; want frame 0")
	}
	pool.Release(s.Buffer) // the sample held the last reference
	if n, ok := next("the source acquiring a 4th frame after a release"); ok && n != 3 {
		t.Errorf("acquired frame %d after the release; want 3", n)
	}
	pool.SetFlushing(true)
	if ret, ok := within(t, ended, "the source's waiting Acquire returning on SetFlushing(true)"); ok && ret != gstmini.FlowFlushing {
		t.Errorf("the source's Acquire ended with %s; want flushing", ret)
	}
}

// ---- Step 5: a buffer shared by a tee ----

func TestPoolBufferReturnsWithItsLastHolder(t *testing.T) {
	p := NewPool(64, 1)
	b := mustAcquire(t, p, "Acquire of a pool of 1")
	b.Ref() // a tee hands the same buffer to a second branch
	p.Done(b)
	if n := p.Outstanding(); n != 1 {
		t.Errorf("after the first branch's Done, Outstanding() = %d; want 1: the second branch still holds the buffer\n"+
			"hint: Done only unrefs a buffer that has other references; the last one gives it back (README: Step 5)", n)
	}
	if b.RefCount() != 1 {
		t.Errorf("after the first branch's Done the buffer has %d references; want 1 (the second branch's)", b.RefCount())
	}
	p.Done(b)
	if n := p.Outstanding(); n != 0 {
		t.Errorf("after the second branch's Done, Outstanding() = %d; want 0: the last holder gave it back\nhint: README: Step 5", n)
	}
	if got := mustAcquire(t, p, "Acquire after both branches let go"); got != b {
		t.Errorf("Acquire after the buffer came back = %p; want the same buffer %p", got, b)
	}
}

func TestSetFrameNumberCopiesASharedBuffer(t *testing.T) {
	p := NewPool(64, 1)
	b := mustAcquire(t, p, "Acquire of a pool of 1")
	other := b.Ref() // the tee's other branch
	mine := SetFrameNumber(b, 42)
	if mine == nil || mine.Offset != 42 {
		t.Fatalf("SetFrameNumber(shared buffer, 42) = %v; want a buffer with offset 42\nhint: README: Step 5", mine)
	}
	if mine == other || other.Offset == 42 {
		t.Fatalf("SetFrameNumber wrote the buffer the other branch holds (same buffer %t, its offset %d): it changed under that branch\n"+
			"hint: buf = buf.MakeWritable() first: a copy when others hold buf (README: Step 5)", mine == other, other.Offset)
	}
	if other.RefCount() != 1 {
		t.Errorf("the other branch's buffer has %d references; want 1 (MakeWritable dropped this branch's)", other.RefCount())
	}
	p.Done(other)
	if n := p.Outstanding(); n != 0 {
		t.Errorf("after the other branch's Done, Outstanding() = %d; want 0: the copy is not the pool's, the original came back", n)
	}
	if solo := SetFrameNumber(mine, 43); solo != mine || solo.Offset != 43 {
		t.Errorf("SetFrameNumber(buffer nobody else holds, 43) = %p offset %d; want the same buffer %p: no copy is needed", solo, solo.Offset, mine)
	}
}
