package appbridge

import (
	"sync"

	"github.com/gstmini/workbook/gstmini"
)

// A Pool is a bounded buffer pool (GstBufferPool with max-buffers, the
// reference is gstmini.BufferPool): at most Max buffers of Size bytes
// exist, and Acquire waits while all of them are out. A source that takes
// its buffers from a Pool therefore stops when downstream holds them all:
// a bounded pool is back-pressure. Create it with NewPool. It is safe for
// concurrent use.
type Pool struct {
	size, max int

	mu       sync.Mutex
	cond     *sync.Cond // a buffer came back, or flushing changed
	free     []*gstmini.Buffer
	out      int // buffers acquired and not released
	made     int // buffers allocated
	flushing bool
}

// NewPool returns a pool of at most max buffers of size bytes; max 0 means
// no limit.
func NewPool(size, max int) *Pool {
	p := &Pool{size: size, max: max}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// Acquire returns a buffer with one reference and unset timestamps: a
// free one, or a new one while fewer than Max exist
// (gst_buffer_pool_acquire_buffer, gstbufferpool.c:1275). When Max are
// out it waits until Release gives one back. While the pool is flushing it
// returns (nil, FlowFlushing), also to an Acquire that was waiting when
// SetFlushing(true) came.
//
// Worked example, Max 2: Acquire, Acquire, then a third Acquire waits;
// Release of either buffer lets it return that very buffer.
func (p *Pool) Acquire() (*gstmini.Buffer, gstmini.FlowReturn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if p.flushing {
			return nil, gstmini.FlowFlushing
		}
		if n := len(p.free); n > 0 {
			b := p.free[n-1]
			p.free = p.free[:n-1]
			b.PTS, b.DTS, b.Duration = gstmini.ClockTimeNone, gstmini.ClockTimeNone, gstmini.ClockTimeNone
			b.Offset, b.OffsetEnd, b.Flags = gstmini.BufferOffsetNone, gstmini.BufferOffsetNone, 0
			p.out++
			return b, gstmini.FlowOK
		}
		if p.max == 0 || p.made < p.max {
			p.made++
			p.out++
			return gstmini.NewBuffer(p.size), gstmini.FlowOK
		}
		p.cond.Wait()
	}
}

// Release gives b back to the pool, where Acquire finds it again
// (gst_buffer_pool_release_buffer, gstbufferpool.c:1372), and wakes an
// Acquire that waits. Call it only for a buffer of this pool whose last
// reference the caller holds; Done does that check.
func (p *Pool) Release(b *gstmini.Buffer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out--
	p.free = append(p.free, b)
	p.cond.Broadcast()
}

// Done drops the caller's reference to b, a buffer of this pool: the
// buffer goes back to the pool only with its last reference, as a
// GstBuffer returns to its pool when its refcount drops to 0. While a tee's
// other branch still holds it, Done only unrefs it.
//
// Worked example: Acquire b, b.Ref() for a second branch; the first
// branch's Done(b) leaves it out (Outstanding 1), the second's gives it
// back (Outstanding 0).
func (p *Pool) Done(b *gstmini.Buffer) {
	if b.RefCount() > 1 {
		b.Unref()
		return
	}
	p.Release(b)
}

// SetFlushing makes Acquire return FlowFlushing, waking those that wait,
// until SetFlushing(false) (gst_buffer_pool_set_flushing,
// gstbufferpool.c:1410): this is how a state change or a flush frees a
// source stuck waiting for a buffer that downstream will never give back.
func (p *Pool) SetFlushing(flushing bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flushing = flushing
	p.cond.Broadcast()
}

// Outstanding returns how many buffers are out.
func (p *Pool) Outstanding() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out
}

// SetFrameNumber sets buf's Offset to n, the frame number, as an element
// that annotates frames does, and returns the buffer to pass on. A buffer a
// tee shares with another branch must not change under that branch: like
// any writer, SetFrameNumber calls buf.MakeWritable first, which returns
// buf itself when the caller holds the only reference and a copy (not the
// pool's) otherwise, dropping the caller's reference to the shared one.
func SetFrameNumber(buf *gstmini.Buffer, n uint64) *gstmini.Buffer {
	buf = buf.MakeWritable()
	buf.Offset = n
	return buf
}
