package core

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// A VirtualClock is the playground's "fast" clock: its time stands still
// while the pipeline works and jumps to the earliest pending clock wait
// once every goroutine has settled, as a test harness cranks a
// gstcheck.TestClock. A run on it does what it would do on the real clock
// with infinitely fast elements — a camera never misses a capture slot
// because the browser was busy drawing — and as fast as the machine allows,
// but no faster than MaxSpeed times real time, so that a run stays
// watchable. Create it with NewVirtualClock and start its driver with Run.
//
// Settled means: the clock saw no new wait, no unscheduled wait and no
// read of its time while the driver yielded the processor several times
// and slept briefly. It is a heuristic outside a testing/synctest bubble
// (inside one the driver's sleep ends only when every goroutine is
// blocked, which makes it exact); in the browser, where Go runs on one
// thread, a goroutine still busy gets the processor before the driver does.
type VirtualClock struct {
	// MaxSpeed caps how much faster than real time the clock runs; 0 means
	// no cap.
	MaxSpeed float64

	mu       sync.Mutex
	now      time.Duration
	waits    []*virtualWait
	activity uint64 // bumped by every call: a settled clock sees none
}

type virtualWait struct {
	at   time.Duration
	done chan struct{}
}

// NewVirtualClock returns a clock at time 0 capped at maxSpeed times real
// time (0: uncapped).
func NewVirtualClock(maxSpeed float64) *VirtualClock { return &VirtualClock{MaxSpeed: maxSpeed} }

// Time returns the virtual time.
func (c *VirtualClock) Time() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.activity++
	return c.now
}

// WaitID implements gstmini.Clock: EARLY at once for a time passed, OK at
// the time itself, else it waits until the driver moves the clock there or
// the ID is unscheduled.
func (c *VirtualClock) WaitID(id *gstmini.ClockID) (gstmini.ClockReturn, time.Duration) {
	c.mu.Lock()
	c.activity++
	jitter := c.now - id.Time()
	if jitter >= 0 {
		c.mu.Unlock()
		if jitter == 0 {
			return gstmini.ClockOK, 0
		}
		return gstmini.ClockEarly, jitter
	}
	w := &virtualWait{at: id.Time(), done: make(chan struct{})}
	c.waits = append(c.waits, w)
	c.mu.Unlock()
	select {
	case <-w.done:
		return gstmini.ClockOK, jitter
	case <-id.Unscheduled():
		c.mu.Lock()
		c.activity++
		if i := slices.Index(c.waits, w); i >= 0 {
			c.waits = slices.Delete(c.waits, i, i+1)
		}
		c.mu.Unlock()
		return gstmini.ClockUnscheduled, jitter
	}
}

// Run drives the clock until ctx ends: each time the goroutines using it
// have settled with waits pending, it moves the time to the earliest and
// releases the waits due.
func (c *VirtualClock) Run(ctx context.Context) {
	start := time.Now()
	for ctx.Err() == nil {
		next, ok := c.settle(ctx)
		if !ok {
			continue
		}
		if c.MaxSpeed > 0 {
			if ahead := time.Duration(float64(next)/c.MaxSpeed) - time.Since(start); ahead > 0 {
				select {
				case <-time.After(ahead):
				case <-ctx.Done():
					return
				}
			}
		}
		c.mu.Lock()
		if next > c.now {
			c.now = next
		}
		kept := c.waits[:0]
		for _, w := range c.waits {
			if w.at <= c.now {
				close(w.done)
			} else {
				kept = append(kept, w)
			}
		}
		c.waits = kept
		c.activity++
		c.mu.Unlock()
	}
}

// settle waits until the clock has seen no activity for a round of
// yields and a short sleep, and returns the earliest pending wait, if any.
func (c *VirtualClock) settle(ctx context.Context) (time.Duration, bool) {
	const nap = 200 * time.Microsecond
	for {
		c.mu.Lock()
		before := c.activity
		c.mu.Unlock()
		for range 8 {
			runtime.Gosched()
		}
		select {
		case <-time.After(nap):
		case <-ctx.Done():
			return 0, false
		}
		c.mu.Lock()
		quiet := c.activity == before
		var next time.Duration
		ok := len(c.waits) > 0
		for i, w := range c.waits {
			if i == 0 || w.at < next {
				next = w.at
			}
		}
		c.mu.Unlock()
		if quiet {
			if !ok {
				// Nothing waits on the clock (a pipeline prerolling, or
				// between states): look again a little later.
				select {
				case <-time.After(5 * time.Millisecond):
				case <-ctx.Done():
				}
			}
			return next, ok
		}
	}
}
