package gstmini

import (
	"sync"
	"time"
)

// ClockReturn is the result of waiting on a ClockID (GstClockReturn).
type ClockReturn int

// Clock wait results, with GStreamer's numbering.
const (
	ClockOK          ClockReturn = iota // the clock reached the time, or it had not passed when the wait began
	ClockEarly                          // the time had already passed when the wait began
	ClockUnscheduled                    // the wait was cancelled with Unschedule
	ClockBusy                           // the ID is already being waited on
	ClockBadTime                        // the time was ClockTimeNone
	ClockError                          // the wait failed
	ClockUnsupported                    // the clock cannot do this wait
	ClockDone                           // the ID was already processed (async waits)
)

// String returns GStreamer's name for r.
func (r ClockReturn) String() string {
	switch r {
	case ClockOK:
		return "ok"
	case ClockEarly:
		return "early"
	case ClockUnscheduled:
		return "unscheduled"
	case ClockBusy:
		return "busy"
	case ClockBadTime:
		return "badtime"
	case ClockError:
		return "error"
	case ClockUnsupported:
		return "unsupported"
	case ClockDone:
		return "done"
	}
	return "unknown"
}

// A Clock is a source of monotonically increasing time that can block a
// goroutine until a given time (GstClock). A pipeline picks one clock and
// gives it to all of its elements, so that they all agree on "now".
//
// Implementations must be safe for concurrent use. Time never decreases.
type Clock interface {
	// Time returns the clock's current time (gst_clock_get_time).
	Time() time.Duration
	// WaitID blocks until the clock reaches id.Time() or id is unscheduled,
	// and returns the result with the jitter: the clock's time when the wait
	// began minus id.Time(), positive when the wait began late. Callers use
	// ClockID.Wait, which handles ClockTimeNone and unscheduled IDs first.
	WaitID(id *ClockID) (ClockReturn, time.Duration)
}

// A ClockID is one single-shot wait on a Clock (GstClockID from
// gst_clock_new_single_shot_id). Create it with NewSingleShotID. It can be
// unscheduled at any time from any goroutine, which makes a pending or future
// Wait return ClockUnscheduled at once: this is how sinks never hang on a wait
// when they are flushed or shut down.
type ClockID struct {
	clock Clock
	time  time.Duration

	once        sync.Once
	unscheduled chan struct{}
}

// NewSingleShotID returns an ID that waits on c until time t
// (gst_clock_new_single_shot_id, gst/gstclock.c:421 at 1.22.0).
func NewSingleShotID(c Clock, t time.Duration) *ClockID {
	return &ClockID{clock: c, time: t, unscheduled: make(chan struct{})}
}

// Time returns the time the ID waits for.
func (id *ClockID) Time() time.Duration { return id.time }

// Clock returns the clock the ID belongs to.
func (id *ClockID) Clock() Clock { return id.clock }

// Wait blocks until the clock reaches the ID's time and returns ClockOK, or
// ClockEarly at once if that time had already passed. It returns
// ClockUnscheduled if the ID is unscheduled before or during the wait, and
// ClockBadTime without waiting if the time is ClockTimeNone. jitter is the
// clock time when the wait began minus the ID's time: positive when late
// (gst_clock_id_wait, gst/gstclock.c:525).
func (id *ClockID) Wait() (ret ClockReturn, jitter time.Duration) {
	if id.time == ClockTimeNone {
		return ClockBadTime, 0
	}
	if id.IsUnscheduled() {
		return ClockUnscheduled, 0
	}
	return id.clock.WaitID(id)
}

// Unschedule cancels the ID: a goroutine waiting on it returns
// ClockUnscheduled, and so does every later Wait (gst_clock_id_unschedule, gst/gstclock.c:674).
// It is safe to call more than once and from any goroutine.
func (id *ClockID) Unschedule() {
	id.once.Do(func() { close(id.unscheduled) })
}

// IsUnscheduled reports whether Unschedule has been called.
func (id *ClockID) IsUnscheduled() bool {
	select {
	case <-id.unscheduled:
		return true
	default:
		return false
	}
}

// Unscheduled returns a channel that is closed when the ID is unscheduled.
// Clock implementations select on it while they wait.
func (id *ClockID) Unscheduled() <-chan struct{} { return id.unscheduled }

// SystemClock is a Clock that follows the monotonic wall clock
// (GstSystemClock with GST_CLOCK_TYPE_MONOTONIC). Its time starts at 0 when
// it is created. Create it with NewSystemClock.
type SystemClock struct {
	epoch time.Time
}

// NewSystemClock returns a system clock whose time is 0 now.
func NewSystemClock() *SystemClock { return &SystemClock{epoch: time.Now()} }

// Time returns the monotonic time elapsed since the clock was created.
func (c *SystemClock) Time() time.Duration { return time.Since(c.epoch) }

// WaitID implements Clock. Like gst_system_clock_id_wait_jitter_unlocked
// (gst/gstsystemclock.c:1043 at 1.22.0) it returns ClockEarly at once when
// the time has passed, and otherwise sleeps on a timer and returns ClockOK.
func (c *SystemClock) WaitID(id *ClockID) (ClockReturn, time.Duration) {
	now := c.Time()
	jitter := now - id.time
	if jitter > 0 {
		return ClockEarly, jitter
	}
	if jitter == 0 {
		return ClockOK, 0
	}
	t := time.NewTimer(-jitter)
	defer t.Stop()
	select {
	case <-t.C:
		return ClockOK, jitter
	case <-id.unscheduled:
		return ClockUnscheduled, jitter
	}
}
