package core

import (
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// A FastClock is a system clock whose time runs Speed times faster than
// real time, so that 20 s of camera play in 1 s of a workshop. Every wait
// on it sleeps 1/Speed of its length. It is not a GStreamer clock: it is
// how the playground's "fast" switch keeps every element's timing, scaled
// alike. Create it with NewFastClock.
type FastClock struct {
	epoch time.Time
	speed float64
}

// NewFastClock returns a clock at time 0 running speed times faster than
// real time; a speed below 1 is taken as 1.
func NewFastClock(speed float64) *FastClock {
	return &FastClock{epoch: time.Now(), speed: max(speed, 1)}
}

// Time returns speed times the real time since the clock was created.
func (c *FastClock) Time() time.Duration {
	return time.Duration(float64(time.Since(c.epoch)) * c.speed)
}

// WaitID implements gstmini.Clock as gstmini.SystemClock does (EARLY at
// once for a time passed, else a timer), with the timer scaled.
func (c *FastClock) WaitID(id *gstmini.ClockID) (gstmini.ClockReturn, time.Duration) {
	jitter := c.Time() - id.Time()
	if jitter > 0 {
		return gstmini.ClockEarly, jitter
	}
	if jitter == 0 {
		return gstmini.ClockOK, 0
	}
	t := time.NewTimer(time.Duration(float64(-jitter) / c.speed))
	defer t.Stop()
	select {
	case <-t.C:
		return gstmini.ClockOK, jitter
	case <-id.Unscheduled():
		return gstmini.ClockUnscheduled, jitter
	}
}
