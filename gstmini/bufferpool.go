package gstmini

import (
	"errors"
	"fmt"
	"sync"
)

// Buffer pool errors, returned by BufferPool.SetConfig and SetActive;
// test for them with errors.Is.
var (
	// ErrPoolActive is returned by SetConfig while the pool is active or
	// has buffers out (gst_buffer_pool_set_config refuses both).
	ErrPoolActive = errors.New("gstmini: buffer pool is active or has buffers outstanding")
	// ErrBadPoolConfig is returned by SetConfig for a negative size or
	// count, or min-buffers above a non-zero max-buffers.
	ErrBadPoolConfig = errors.New("gstmini: invalid buffer pool config")
)

// BufferPoolConfig is what a pool allocates (gst_buffer_pool_config_set_params):
// buffers of Size bytes, MinBuffers of them made when the pool is
// activated, and at most MaxBuffers alive at once, 0 meaning no limit.
type BufferPoolConfig struct {
	Size       int
	MinBuffers int
	MaxBuffers int
}

// AcquireFlags change how AcquireBuffer behaves (GstBufferPoolAcquireFlags).
type AcquireFlags int

// AcquireFlagDontWait makes AcquireBuffer return FlowEOS instead of
// waiting when all MaxBuffers buffers are out
// (GST_BUFFER_POOL_ACQUIRE_FLAG_DONTWAIT).
const AcquireFlagDontWait AcquireFlags = 1 << 1

// A BufferPool recycles buffers of one size, so a streaming goroutine
// allocates nothing per buffer in steady state, and, when bounded, limits
// how many buffers are alive at once (GstBufferPool, gst/gstbufferpool.c at
// 1.22.0). A buffer acquired from the pool goes back to it when its last
// reference is dropped with Unref (gst_buffer_pool_release_buffer); a
// buffer that is shared, by a tee or anyone holding a Ref, returns only
// when the last holder lets go.
//
// With MaxBuffers > 0, AcquireBuffer waits while all of them are out: a
// bounded pool is back-pressure, as a sink holding every buffer stops the
// source that needs a new one. SetFlushing(true), or deactivating the pool,
// wakes a waiting AcquireBuffer with FlowFlushing.
//
// Create a pool with NewBufferPool, which returns it configured and
// active with no limit, or NewBufferPoolWithConfig, which returns it
// inactive (a new GstBufferPool is flushing until activated). It is safe
// for concurrent use.
type BufferPool struct {
	mu          sync.Mutex
	cond        *sync.Cond // a buffer came back, or flushing changed
	cfg         BufferPoolConfig
	free        []*Buffer
	allocated   int // priv->cur_buffers: buffers alive, in the pool or out
	outstanding int // buffers out (acquired and not yet released)
	waiting     int // AcquireBuffer calls waiting for a buffer to come back
	active      bool
	flushing    bool
}

// NewBufferPool returns an active pool of buffers with size-byte payloads
// and no limit on their number.
func NewBufferPool(size int) *BufferPool {
	p, err := NewBufferPoolWithConfig(BufferPoolConfig{Size: size})
	if err != nil {
		panic(err) // only a negative size fails
	}
	if err := p.SetActive(true); err != nil {
		panic(err) // no min-buffers to allocate: cannot fail
	}
	return p
}

// NewBufferPoolWithConfig returns an inactive pool with the given
// configuration; SetActive(true) allocates MinBuffers and lets
// AcquireBuffer work.
func NewBufferPoolWithConfig(cfg BufferPoolConfig) (*BufferPool, error) {
	p := &BufferPool{flushing: true}
	p.cond = sync.NewCond(&p.mu)
	if err := p.SetConfig(cfg); err != nil {
		return nil, err
	}
	return p, nil
}

// SetConfig changes the configuration of an inactive pool with no buffers
// out (gst_buffer_pool_set_config, gstbufferpool.c:669). It returns
// ErrPoolActive otherwise, and ErrBadPoolConfig for a negative value or
// MinBuffers > MaxBuffers > 0 (GStreamer accepts those and then fails to
// activate).
func (p *BufferPool) SetConfig(cfg BufferPoolConfig) error {
	if cfg.Size < 0 || cfg.MinBuffers < 0 || cfg.MaxBuffers < 0 || (cfg.MaxBuffers > 0 && cfg.MinBuffers > cfg.MaxBuffers) {
		return fmt.Errorf("BufferPool.SetConfig(size %d, min-buffers %d, max-buffers %d): %w",
			cfg.Size, cfg.MinBuffers, cfg.MaxBuffers, ErrBadPoolConfig)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.active || p.outstanding > 0 {
		return fmt.Errorf("BufferPool.SetConfig(size %d, min-buffers %d, max-buffers %d) with %d buffers out: %w",
			cfg.Size, cfg.MinBuffers, cfg.MaxBuffers, p.outstanding, ErrPoolActive)
	}
	p.cfg = cfg
	p.free = nil
	p.allocated = 0
	return nil
}

// Config returns the pool's configuration.
func (p *BufferPool) Config() BufferPoolConfig {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cfg
}

// SetActive activates the pool, allocating MinBuffers buffers and ending
// flushing, or deactivates it (gst_buffer_pool_set_active,
// gstbufferpool.c:507): it starts flushing, which wakes every waiting
// AcquireBuffer, and frees the buffers in the pool; buffers still out are
// freed when they come back.
func (p *BufferPool) SetActive(active bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.active == active {
		return nil
	}
	if active {
		for len(p.free) < p.cfg.MinBuffers {
			p.free = append(p.free, p.allocLocked())
		}
		p.active, p.flushing = true, false
		return nil
	}
	p.flushing = true
	p.cond.Broadcast()
	if p.outstanding == 0 {
		p.stopLocked()
	}
	p.active = false
	return nil
}

// IsActive reports whether the pool is active.
func (p *BufferPool) IsActive() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.active
}

// SetFlushing makes AcquireBuffer return FlowFlushing, waking those that
// wait, until SetFlushing(false) (gst_buffer_pool_set_flushing,
// gstbufferpool.c:1410). An inactive pool ignores it: it is flushing until
// activated.
func (p *BufferPool) SetFlushing(flushing bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.active {
		return
	}
	p.flushing = flushing
	p.cond.Broadcast()
}

// Stats returns how many buffers the pool has alive (in the pool or out)
// and how many are out. A gstmini addition, for tests and measurements.
func (p *BufferPool) Stats() (allocated, outstanding int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.allocated, p.outstanding
}

// AcquireBuffer returns a buffer from the pool, with unset timestamps and
// offsets, no flags and one reference owned by the caller
// (gst_buffer_pool_acquire_buffer, gstbufferpool.c:1275; the payload keeps
// whatever bytes it last held). When none is free it allocates one, unless
// MaxBuffers are alive: then it waits until one comes back, or returns
// FlowEOS at once with AcquireFlagDontWait. It returns FlowFlushing, with a
// nil buffer, while the pool is flushing or inactive, including when that
// happens during the wait.
func (p *BufferPool) AcquireBuffer(flags AcquireFlags) (*Buffer, FlowReturn) {
	// No defer: this is on every buffer's path, only the pool's own code
	// runs under the lock, and a deferred unlock cost a third of the
	// function's instructions (callgrind, docs/BENCHMARKS.md).
	p.mu.Lock()
	for {
		if p.flushing {
			p.mu.Unlock()
			return nil, FlowFlushing
		}
		if n := len(p.free); n > 0 {
			b := p.free[n-1]
			p.free[n-1] = nil
			p.free = p.free[:n-1]
			b.reset()
			p.outstanding++
			p.mu.Unlock()
			return b, FlowOK
		}
		if p.cfg.MaxBuffers == 0 || p.allocated < p.cfg.MaxBuffers {
			p.outstanding++
			b := p.allocLocked()
			p.mu.Unlock()
			return b, FlowOK
		}
		if flags&AcquireFlagDontWait != 0 {
			p.mu.Unlock()
			return nil, FlowEOS
		}
		p.waiting++
		p.cond.Wait()
		p.waiting--
	}
}

// Acquire is AcquireBuffer(0) for pools that never wait or flush, such as
// those of NewBufferPool: it returns nil where AcquireBuffer would return
// a flow result other than FlowOK.
func (p *BufferPool) Acquire() *Buffer {
	b, _ := p.AcquireBuffer(0)
	return b
}

func (p *BufferPool) allocLocked() *Buffer {
	b := NewBuffer(p.cfg.Size)
	b.pool = p
	p.allocated++
	return b
}

// release takes back a buffer whose last reference went
// (default_release_buffer, gstbufferpool.c:1309): kept for the next
// acquire unless the pool is inactive or the payload shrank below the
// pool's size, in which case it is freed.
func (p *BufferPool) release(b *Buffer) {
	p.mu.Lock() // no defer, as in AcquireBuffer
	p.outstanding--
	if !p.active || cap(b.Data) < p.cfg.Size {
		p.allocated--
		b.pool = nil
	} else {
		b.Data = b.Data[:p.cfg.Size]
		p.free = append(p.free, b)
	}
	if p.outstanding == 0 && !p.active {
		p.stopLocked()
	}
	if p.waiting > 0 { // no wake-up to pay for on every buffer when nobody waits
		p.cond.Broadcast()
	}
	p.mu.Unlock()
}

// stopLocked frees the buffers in the pool (default_stop, gstbufferpool.c:404).
func (p *BufferPool) stopLocked() {
	for _, b := range p.free {
		b.pool = nil
	}
	p.allocated -= len(p.free)
	p.free = nil
}
