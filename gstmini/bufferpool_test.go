package gstmini

import (
	"errors"
	"testing"
	"time"
)

// poolWatchdog bounds every wait of these tests on real time.
const poolWatchdog = 2 * time.Second

func acquireAsync(p *BufferPool) <-chan acquired {
	ch := make(chan acquired, 1)
	go func() {
		b, ret := p.AcquireBuffer(0)
		ch <- acquired{b, ret}
	}()
	return ch
}

type acquired struct {
	buf *Buffer
	ret FlowReturn
}

func waitAcquire(t *testing.T, ch <-chan acquired, what string) acquired {
	t.Helper()
	select {
	case a := <-ch:
		return a
	case <-time.After(poolWatchdog):
		t.Fatalf("%s: AcquireBuffer still waiting after %v", what, poolWatchdog)
		return acquired{}
	}
}

func newBoundedPool(t *testing.T, min, max int) *BufferPool {
	t.Helper()
	p, err := NewBufferPoolWithConfig(BufferPoolConfig{Size: 16, MinBuffers: min, MaxBuffers: max})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetActive(true); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBufferPool_ActivePreallocatesMinBuffers(t *testing.T) {
	p, err := NewBufferPoolWithConfig(BufferPoolConfig{Size: 16, MinBuffers: 3, MaxBuffers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if b, ret := p.AcquireBuffer(0); ret != FlowFlushing || b != nil {
		t.Errorf("AcquireBuffer on an inactive pool = %v, %s; want nil, flushing (a new pool flushes until activated)", b, ret)
	}
	if err := p.SetActive(true); err != nil {
		t.Fatal(err)
	}
	if alloc, out := p.Stats(); alloc != 3 || out != 0 {
		t.Errorf("after SetActive(true) allocated, outstanding = %d, %d; want 3, 0 (min-buffers made up front)", alloc, out)
	}
}

func TestBufferPool_AcquireWaitsWhileAllAreOut(t *testing.T) {
	p := newBoundedPool(t, 0, 2)
	a, _ := p.AcquireBuffer(0)
	b, _ := p.AcquireBuffer(0)
	if _, ret := p.AcquireBuffer(AcquireFlagDontWait); ret != FlowEOS {
		t.Errorf("AcquireBuffer(DontWait) with max-buffers 2 out = %s; want eos", ret)
	}
	third := acquireAsync(p)
	select {
	case got := <-third:
		t.Fatalf("AcquireBuffer with both buffers out returned %v, %s; want it to wait", got.buf, got.ret)
	default:
	}
	a.PTS = time.Second
	a.Flags = BufferFlagDiscont
	shared := b.Ref() // b is shared, as a tee shares one buffer between branches
	b.Unref()
	select {
	case got := <-third:
		t.Fatalf("AcquireBuffer returned %v, %s while b still has a holder; a buffer returns on its last unref", got.buf, got.ret)
	default:
	}
	a.Unref()
	got := waitAcquire(t, third, "after a's last unref")
	if got.ret != FlowOK || got.buf != a {
		t.Fatalf("AcquireBuffer after a came back = %p, %s; want a (%p) recycled, ok", got.buf, got.ret, a)
	}
	if got.buf.PTS != ClockTimeNone || got.buf.Flags != 0 || got.buf.RefCount() != 1 {
		t.Errorf("recycled buffer pts %s flags %s refs %d; want unset, none, 1", TimeString(got.buf.PTS), got.buf.Flags, got.buf.RefCount())
	}
	if alloc, out := p.Stats(); alloc != 2 || out != 2 {
		t.Errorf("allocated, outstanding = %d, %d; want 2, 2", alloc, out)
	}
	shared.Unref()
	got.buf.Unref()
}

func TestBufferPool_FlushingWakesAWaitingAcquire(t *testing.T) {
	p := newBoundedPool(t, 1, 1)
	held, _ := p.AcquireBuffer(0)
	waiting := acquireAsync(p)
	p.SetFlushing(true)
	if got := waitAcquire(t, waiting, "after SetFlushing(true)"); got.ret != FlowFlushing || got.buf != nil {
		t.Errorf("waiting AcquireBuffer after SetFlushing(true) = %v, %s; want nil, flushing", got.buf, got.ret)
	}
	p.SetFlushing(false)
	held.Unref()
	if b, ret := p.AcquireBuffer(0); ret != FlowOK {
		t.Errorf("AcquireBuffer after SetFlushing(false) = %s; want ok", ret)
	} else {
		b.Unref()
	}
}

func TestBufferPool_DeactivateWakesAndFreesReturningBuffers(t *testing.T) {
	p := newBoundedPool(t, 1, 1)
	held, _ := p.AcquireBuffer(0)
	waiting := acquireAsync(p)
	if err := p.SetActive(false); err != nil {
		t.Fatal(err)
	}
	if got := waitAcquire(t, waiting, "after SetActive(false)"); got.ret != FlowFlushing {
		t.Errorf("waiting AcquireBuffer after SetActive(false) = %s; want flushing", got.ret)
	}
	if alloc, out := p.Stats(); alloc != 1 || out != 1 {
		t.Errorf("inactive with one buffer out: allocated, outstanding = %d, %d; want 1, 1", alloc, out)
	}
	held.Unref()
	if alloc, out := p.Stats(); alloc != 0 || out != 0 {
		t.Errorf("after the last buffer came back to the inactive pool: allocated, outstanding = %d, %d; want 0, 0 (freed)", alloc, out)
	}
}

func TestBufferPool_SetConfigErrors(t *testing.T) {
	if _, err := NewBufferPoolWithConfig(BufferPoolConfig{Size: 16, MinBuffers: 4, MaxBuffers: 2}); !errors.Is(err, ErrBadPoolConfig) {
		t.Errorf("min-buffers 4 > max-buffers 2: error %v; want ErrBadPoolConfig", err)
	}
	if _, err := NewBufferPoolWithConfig(BufferPoolConfig{Size: -1}); !errors.Is(err, ErrBadPoolConfig) {
		t.Errorf("size -1: error %v; want ErrBadPoolConfig", err)
	}
	p := NewBufferPool(16)
	if err := p.SetConfig(BufferPoolConfig{Size: 32}); !errors.Is(err, ErrPoolActive) {
		t.Errorf("SetConfig on an active pool: error %v; want ErrPoolActive", err)
	}
	p.SetActive(false)
	if err := p.SetConfig(BufferPoolConfig{Size: 32, MaxBuffers: 1}); err != nil {
		t.Errorf("SetConfig on an inactive pool: %v; want nil", err)
	}
	if got := p.Config(); got.Size != 32 || got.MaxBuffers != 1 {
		t.Errorf("Config() = %+v; want size 32, max-buffers 1", got)
	}
}
