// mutant: MonotonicClock returns the source time as it is, so it goes back when the source does
package timing

import (
	"sync"
	"time"
)

// A TimeSource is anything that tells the time: a gstmini.Clock, or a raw
// counter (a sound card's sample count, a network time estimate) that can
// jump backwards when it is corrected.
type TimeSource interface {
	Time() time.Duration
}

// A MonotonicClock tells the time of its source but never goes backwards:
// when the source jumps back, it keeps returning the latest time it returned
// until the source catches up. Sinks rely on this: a clock that went back
// would make running time go back, and buffers already rendered would be due
// again. Create it with NewMonotonicClock. It is safe for concurrent use.
//
// Mirrors gst_clock_adjust_unlocked (gst/gstclock.c:955), which every
// gst_clock_get_time goes through: "priv->last_time = MAX (ret,
// priv->last_time)".
type MonotonicClock struct {
	src TimeSource

	mu   sync.Mutex
	last time.Duration
}

// NewMonotonicClock returns a MonotonicClock that reads src.
func NewMonotonicClock(src TimeSource) *MonotonicClock {
	return &MonotonicClock{src: src}
}

// Time reads the source once and returns the larger of that and every time
// returned before.
func (c *MonotonicClock) Time() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = c.src.Time()
	return c.last
}
