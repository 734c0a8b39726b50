package gstcheck

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// References of the form gsttestclock.c:N are to
// subprojects/gstreamer/libs/gst/check/gsttestclock.c at GStreamer tag
// 1.22.0; N is the line holding the function's name.

// watchdog is how long the testing.TB helpers wait in real time for the
// code under test to reach a clock wait before they fail the test. It is a
// deadline, never a sleep: the helpers return as soon as the wait appears.
const watchdog = 2 * time.Second

// A TestClock is a gstmini.Clock for tests (GstTestClock, defined in
// libs/gst/check/gsttestclock.c at GStreamer 1.22.0). Its time moves
// only when the test calls SetTime, Advance or Crank, and a goroutine that
// waits on it stays blocked until the test processes the wait (with
// ProcessNextClockID, ProcessID or Crank) or the ClockID is unscheduled, even
// if the wait's time has already passed: the clock never releases a wait by
// itself.
//
// Each wait becomes a pending entry when it begins. Its jitter (clock time
// minus the ID's time) and its result are fixed then: ClockOK if the ID's
// time had not yet passed, ClockEarly if it had. Processing the entry later
// releases the waiter with exactly that result and jitter, whatever the
// clock's time has become.
//
// Pending entries are kept sorted by time. Among entries with equal times
// the newest comes first, as GStreamer's g_list_insert_sorted puts it.
//
// Create a TestClock with NewTestClock or NewTestClockWithStartTime; the zero
// value is a usable clock at time 0. All methods are safe for concurrent use.
// Where GStreamer asserts and aborts the process on misuse (SetTime
// backwards, Advance by a negative amount, ProcessID of an ID that is not
// pending), TestClock returns an error or false and changes nothing.
type TestClock struct {
	mu      sync.Mutex
	now     time.Duration
	pending []*entry      // sorted by id.Time(), newest first among equal times
	changed chan struct{} // closed and replaced whenever pending changes
}

// entry is one registered wait (GStreamer's GstClockEntryContext).
type entry struct {
	id        *gstmini.ClockID
	jitter    time.Duration       // clock time at registration minus id.Time()
	status    gstmini.ClockReturn // ClockOK or ClockEarly, fixed at registration
	processed bool                // set under TestClock.mu before released is closed
	released  chan struct{}       // closed when the entry is processed
}

var _ gstmini.Clock = (*TestClock)(nil)

// NewTestClock returns a TestClock whose time is 0 (gst_test_clock_new,
// gsttestclock.c:671).
func NewTestClock() *TestClock { return NewTestClockWithStartTime(0) }

// NewTestClockWithStartTime returns a TestClock whose time is t
// (gst_test_clock_new_with_start_time, gsttestclock.c:689). It panics if t is
// ClockTimeNone, where GStreamer fails an assertion, or negative.
func NewTestClockWithStartTime(t time.Duration) *TestClock {
	if t == gstmini.ClockTimeNone || t < 0 {
		panic(fmt.Sprintf("gstcheck: NewTestClockWithStartTime(%s): the start time must be a valid time >= 0", gstmini.TimeString(t)))
	}
	return &TestClock{now: t, changed: make(chan struct{})}
}

// Time returns the clock's current time (gst_test_clock_get_internal_time,
// gsttestclock.c:414, which gst_clock_get_time reads).
func (c *TestClock) Time() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// WaitID implements gstmini.Clock; code under test reaches it through
// ClockID.Wait (gst_test_clock_wait, gsttestclock.c:433, which registers the
// entry with gst_test_clock_add_entry, gsttestclock.c:547).
//
// If id is already unscheduled it returns ClockUnscheduled and jitter 0 at
// once. Otherwise it registers a pending entry with jitter = Time() −
// id.Time() and result ClockOK if id.Time() >= Time(), else ClockEarly, then
// blocks until the test processes the entry, which returns that result and
// jitter, or until id is unscheduled, which removes the entry and returns
// ClockUnscheduled with the same jitter. If id is already pending (another
// goroutine waits on it), this wait joins the existing entry, as in GStreamer.
func (c *TestClock) WaitID(id *gstmini.ClockID) (gstmini.ClockReturn, time.Duration) {
	c.mu.Lock()
	if id.IsUnscheduled() {
		c.mu.Unlock()
		return gstmini.ClockUnscheduled, 0
	}
	e := c.lookupLocked(id)
	if e == nil {
		e = c.addLocked(id)
	}
	c.mu.Unlock()

	select {
	case <-e.released:
		return e.status, e.jitter
	case <-id.Unscheduled():
		// Remove the entry as gst_test_clock_unschedule (gsttestclock.c:501)
		// does, unless the test processed it first: then that result stands.
		c.mu.Lock()
		defer c.mu.Unlock()
		if e.processed {
			return e.status, e.jitter
		}
		c.removeLocked(e)
		return gstmini.ClockUnscheduled, e.jitter
	}
}

// SetTime sets the clock's time to t (gst_test_clock_set_time,
// gsttestclock.c:730, and gst_test_clock_set_time_unlocked,
// gsttestclock.c:703). It neither wakes nor processes pending waits, even
// those whose time t reaches.
//
// The time never goes backwards. If t is earlier than the current time or is
// ClockTimeNone, GStreamer fails an assertion and aborts the process; SetTime
// instead returns an error naming the current and requested times and leaves
// the time unchanged.
func (c *TestClock) SetTime(t time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t == gstmini.ClockTimeNone {
		return fmt.Errorf("gstcheck: TestClock.SetTime(%s): ClockTimeNone is not a time; the clock stays at %s",
			gstmini.TimeString(t), gstmini.TimeString(c.now))
	}
	if t < c.now {
		return fmt.Errorf("gstcheck: TestClock.SetTime: cannot go backwards from %s to %s (GStreamer aborts here); the clock stays at %s",
			gstmini.TimeString(c.now), gstmini.TimeString(t), gstmini.TimeString(c.now))
	}
	c.now = t
	return nil
}

// Advance moves the clock's time forward by d (gst_test_clock_advance_time,
// gsttestclock.c:757). Like SetTime it neither wakes nor processes pending
// waits. If d is negative, where GStreamer fails an assertion and aborts, or
// the new time would reach ClockTimeNone, Advance returns an error and
// leaves the time unchanged.
func (c *TestClock) Advance(d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d < 0 {
		return fmt.Errorf("gstcheck: TestClock.Advance(%s): the delta must be >= 0; the clock stays at %s",
			gstmini.TimeString(d), gstmini.TimeString(c.now))
	}
	if d >= gstmini.ClockTimeNone-c.now {
		return fmt.Errorf("gstcheck: TestClock.Advance(%s): the time would overflow past %s; the clock stays at %s",
			gstmini.TimeString(d), gstmini.TimeString(gstmini.ClockTimeNone), gstmini.TimeString(c.now))
	}
	c.now += d
	return nil
}

// PendingIDCount returns the number of pending waits
// (gst_test_clock_peek_id_count, gsttestclock.c:792).
func (c *TestClock) PendingIDCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pruneLocked()
	return len(c.pending)
}

// HasID reports whether id is pending on the clock: a goroutine waits on it
// and it has been neither processed nor unscheduled
// (gst_test_clock_has_id, gsttestclock.c:821).
func (c *TestClock) HasID(id *gstmini.ClockID) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pruneLocked()
	return c.lookupLocked(id) != nil
}

// PeekNextPendingID returns the pending ID with the earliest time, without
// blocking; ok is false if nothing is pending
// (gst_test_clock_peek_next_pending_id, gsttestclock.c:852).
func (c *TestClock) PeekNextPendingID() (id *gstmini.ClockID, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pruneLocked()
	if len(c.pending) == 0 {
		return nil, false
	}
	return c.pending[0].id, true
}

// WaitForNextPendingID blocks until at least one wait is pending and returns
// the one with the earliest time, without processing it
// (gst_test_clock_wait_for_next_pending_id, gsttestclock.c:895). If nothing
// is pending when ctx is done it returns ctx.Err(); GStreamer's version has
// no timeout.
func (c *TestClock) WaitForNextPendingID(ctx context.Context) (*gstmini.ClockID, error) {
	ids, err := c.WaitForMultiplePendingIDs(ctx, 1)
	if err != nil {
		return nil, err
	}
	return ids[0], nil
}

// WaitForMultiplePendingIDs blocks until at least n waits are pending and
// returns all pending IDs, sorted by time, without processing them
// (gst_test_clock_wait_for_multiple_pending_ids, gsttestclock.c:1038). If
// fewer than n are pending when ctx is done it returns the IDs pending then
// and ctx.Err(), as the timed variant
// gst_test_clock_timed_wait_for_multiple_pending_ids (gsttestclock.c:1077)
// returns FALSE with the pending list.
func (c *TestClock) WaitForMultiplePendingIDs(ctx context.Context, n int) ([]*gstmini.ClockID, error) {
	ids, _, err := c.waitForPending(ctx, n)
	return ids, err
}

// WaitForPendingIDs is WaitForMultiplePendingIDs for tests
// (gst_test_clock_wait_for_multiple_pending_ids, gsttestclock.c:1038, under
// check's per-test timeout): it returns as soon as at least n waits are
// pending. If they are not within 2 s of real time, it fails t with a message
// that says how many waits were pending, at which times, and that the code
// under test probably never reached its clock wait.
func (c *TestClock) WaitForPendingIDs(t testing.TB, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	c.waitForPendingT(ctx, t, "WaitForPendingIDs", n)
}

// WaitForNextPendingIDT is WaitForNextPendingID for tests
// (gst_test_clock_wait_for_next_pending_id, gsttestclock.c:895): it returns
// the earliest pending ID as soon as there is one, and fails t like
// WaitForPendingIDs (and returns nil) if no wait became pending within 2 s of
// real time.
func (c *TestClock) WaitForNextPendingIDT(t testing.TB) *gstmini.ClockID {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	ids := c.waitForPendingT(ctx, t, "WaitForNextPendingIDT", 1)
	if len(ids) == 0 {
		return nil
	}
	return ids[0]
}

// ProcessNextClockID releases the earliest pending wait whose time is at or
// before the clock's time, and returns its ID; it returns nil if no pending
// wait is due (gst_test_clock_process_next_clock_id, gsttestclock.c:966, and
// process_entry_context_unlocked, gsttestclock.c:615). The waiter gets the
// result and jitter fixed when its wait began.
func (c *TestClock) ProcessNextClockID() *gstmini.ClockID {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pruneLocked()
	for _, e := range c.pending {
		if e.id.Time() <= c.now {
			c.processLocked(e)
			return e.id
		}
	}
	return nil
}

// ProcessID releases the pending wait on id whatever its time, and reports
// whether it was pending (gst_test_clock_process_id, gsttestclock.c:1119).
// Where GStreamer fails an assertion because id is not pending, ProcessID
// returns false and does nothing.
func (c *TestClock) ProcessID(id *gstmini.ClockID) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pruneLocked()
	e := c.lookupLocked(id)
	if e == nil {
		return false
	}
	c.processLocked(e)
	return true
}

// Crank waits for a pending wait, sets the clock to the earliest pending
// wait's time if that is later than the current time (the clock never goes
// backwards), and processes that wait (gst_test_clock_crank,
// gsttestclock.c:1226). It returns true once it has processed a wait, or
// false and ctx.Err() if nothing became pending before ctx was done;
// GStreamer's version has no timeout.
//
// Cranking a wait whose time has passed leaves the clock where it is; the
// waiter gets the result fixed at registration, ClockEarly if the time had
// already passed then.
func (c *TestClock) Crank(ctx context.Context) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		c.pruneLocked()
		if len(c.pending) > 0 {
			break
		}
		if err := c.waitChangeLocked(ctx); err != nil {
			return false, err
		}
	}
	e := c.pending[0]
	if e.id.Time() > c.now {
		c.now = e.id.Time()
	}
	c.processLocked(e)
	return true, nil
}

// CrankT is Crank for tests (gst_test_clock_crank, gsttestclock.c:1226): it
// returns as soon as it has processed a wait, and fails t with a message that
// says the code under test probably never reached its clock wait if no wait
// became pending within 2 s of real time.
func (c *TestClock) CrankT(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	c.crankT(ctx, t)
}

// crankT is CrankT with the deadline in ctx.
func (c *TestClock) crankT(ctx context.Context, t testing.TB) {
	t.Helper()
	if _, err := c.Crank(ctx); err != nil {
		t.Fatalf("gstcheck: TestClock.CrankT: no clock wait became pending within %v of real time (%v); clock at %s. "+
			"The code under test probably never reached its clock wait: it is blocked elsewhere "+
			"(a pad push, a full queue, a state change) or never received data",
			watchdog, err, gstmini.TimeString(c.Time()))
	}
}

// waitForPendingT waits for n pending IDs until ctx is done and fails t with
// a diagnostic if they do not appear. helper names the exported caller.
func (c *TestClock) waitForPendingT(ctx context.Context, t testing.TB, helper string, n int) []*gstmini.ClockID {
	t.Helper()
	ids, now, err := c.waitForPending(ctx, n)
	if err == nil {
		return ids
	}
	times := make([]string, len(ids))
	for i, id := range ids {
		times[i] = gstmini.TimeString(id.Time())
	}
	t.Fatalf("gstcheck: TestClock.%s: wanted %d pending clock wait(s) within %v of real time, but %d were pending (%v) at times [%s]; clock at %s. "+
		"The code under test probably never reached its clock wait: it is blocked elsewhere "+
		"(a pad push, a full queue, a state change) or never received data",
		helper, n, watchdog, len(ids), err, strings.Join(times, ", "), gstmini.TimeString(now))
	return nil
}

// waitForPending blocks until at least n entries are pending or ctx is done.
// It returns the pending IDs (sorted by time) and the clock time, also on
// error, for diagnostics.
func (c *TestClock) waitForPending(ctx context.Context, n int) ([]*gstmini.ClockID, time.Duration, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		c.pruneLocked()
		if len(c.pending) >= n {
			return c.idsLocked(), c.now, nil
		}
		if err := c.waitChangeLocked(ctx); err != nil {
			return c.idsLocked(), c.now, err
		}
	}
}

// waitChangeLocked releases c.mu until the pending list changes or ctx is
// done, then locks it again. It returns ctx.Err() if ctx is done.
func (c *TestClock) waitChangeLocked(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ch := c.changedLocked()
	c.mu.Unlock()
	defer c.mu.Lock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// changedLocked returns the channel closed at the next pending-list change.
func (c *TestClock) changedLocked() chan struct{} {
	if c.changed == nil {
		c.changed = make(chan struct{})
	}
	return c.changed
}

// notifyLocked wakes everyone waiting for a pending-list change.
func (c *TestClock) notifyLocked() {
	close(c.changedLocked())
	c.changed = make(chan struct{})
}

// addLocked registers a wait on id at the current time.
func (c *TestClock) addLocked(id *gstmini.ClockID) *entry {
	e := &entry{
		id:       id,
		jitter:   c.now - id.Time(),
		status:   gstmini.ClockOK,
		released: make(chan struct{}),
	}
	if id.Time() < c.now {
		e.status = gstmini.ClockEarly
	}
	// Before older entries with the same time, as g_list_insert_sorted puts them.
	i := sort.Search(len(c.pending), func(i int) bool { return c.pending[i].id.Time() >= id.Time() })
	c.pending = slices.Insert(c.pending, i, e)
	c.notifyLocked()
	return e
}

// processLocked releases e's waiter with its registered result.
func (c *TestClock) processLocked(e *entry) {
	e.processed = true
	close(e.released)
	c.removeLocked(e)
}

// removeLocked takes e off the pending list, if it is there.
func (c *TestClock) removeLocked(e *entry) {
	for i, p := range c.pending {
		if p == e {
			c.pending = slices.Delete(c.pending, i, i+1)
			c.notifyLocked()
			return
		}
	}
}

// pruneLocked removes entries whose ID was unscheduled but whose waiter has
// not yet woken up to remove them, so that the clock forgets an unscheduled
// wait as soon as ClockID.Unschedule returns, as gst_test_clock_unschedule
// (gsttestclock.c:501) does.
func (c *TestClock) pruneLocked() {
	kept := c.pending[:0]
	for _, e := range c.pending {
		if !e.id.IsUnscheduled() {
			kept = append(kept, e)
		}
	}
	if len(kept) != len(c.pending) {
		clear(c.pending[len(kept):])
		c.pending = kept
		c.notifyLocked()
	}
}

// lookupLocked returns the pending entry for id, or nil.
func (c *TestClock) lookupLocked(id *gstmini.ClockID) *entry {
	for _, e := range c.pending {
		if e.id == id {
			return e
		}
	}
	return nil
}

// idsLocked returns the pending IDs in list order (sorted by time).
func (c *TestClock) idsLocked() []*gstmini.ClockID {
	ids := make([]*gstmini.ClockID, len(c.pending))
	for i, e := range c.pending {
		ids[i] = e.id
	}
	return ids
}
