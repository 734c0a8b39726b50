package gstcheck

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
)

// Times are whole seconds unless a test says otherwise.
const s = time.Second

// waitResult is what ClockID.Wait returned in a waiter goroutine.
type waitResult struct {
	ret    gstmini.ClockReturn
	jitter time.Duration
}

// startWait starts a goroutine that waits on id and returns the channel that
// receives its result. The ID is unscheduled when the test ends so that a
// failing test never leaks a blocked waiter.
func startWait(t *testing.T, id *gstmini.ClockID) <-chan waitResult {
	t.Helper()
	ch := make(chan waitResult, 1)
	go func() {
		ret, jitter := id.Wait()
		ch <- waitResult{ret, jitter}
	}()
	t.Cleanup(id.Unschedule)
	return ch
}

// receive returns the waiter's result. The deadline is a watchdog against a
// waiter that is never released, not a sleep: it normally returns at once.
func receive(t *testing.T, ch <-chan waitResult) waitResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("the waiter was not released within 5 s of real time")
		return waitResult{}
	}
}

// requireStillBlocked fails if the waiter has already returned.
func requireStillBlocked(t *testing.T, ch <-chan waitResult, why string) {
	t.Helper()
	select {
	case r := <-ch:
		t.Fatalf("the waiter returned %v (jitter %v) but should still be blocked: %s", r.ret, r.jitter, why)
	default:
	}
}

// watchdogCtx is a context for the blocking WaitFor*/Crank calls that ends
// with the test or after 5 s of real time, whichever is first.
func watchdogCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// registerWait starts a waiter on a new ID at time at and returns once the
// clock holds its pending entry.
func registerWait(t *testing.T, c *TestClock, at time.Duration) (*gstmini.ClockID, <-chan waitResult) {
	t.Helper()
	before := c.PendingIDCount()
	id := gstmini.NewSingleShotID(c, at)
	ch := startWait(t, id)
	_, err := c.WaitForMultiplePendingIDs(watchdogCtx(t), before+1)
	require.NoError(t, err, "the wait at %v never became pending", at)
	require.True(t, c.HasID(id), "the wait at %v should be pending", at)
	return id, ch
}

func TestTestClockStartsAtZeroOrAtTheGivenStartTime(t *testing.T) {
	assert.Equal(t, time.Duration(0), NewTestClock().Time(), "NewTestClock starts at 0")
	assert.Equal(t, 7*s, NewTestClockWithStartTime(7*s).Time(), "NewTestClockWithStartTime starts at the given time")
	var zero TestClock
	assert.Equal(t, time.Duration(0), zero.Time(), "the zero TestClock is at 0")
	assert.Panics(t, func() { NewTestClockWithStartTime(gstmini.ClockTimeNone) },
		"a ClockTimeNone start time is a programming error (GStreamer asserts)")
	assert.Panics(t, func() { NewTestClockWithStartTime(-s) }, "a negative start time is a programming error")
}

func TestTestClockWaitRegisteredLateReturnsEarlyWithPositiveJitter(t *testing.T) {
	c := NewTestClockWithStartTime(10 * s)
	id, ch := registerWait(t, c, 5*s)

	require.Same(t, id, c.ProcessNextClockID(), "the wait at 5 s is due at 10 s")
	r := receive(t, ch)
	assert.Equal(t, gstmini.ClockEarly, r.ret, "entry 5 s registered at 10 s is EARLY")
	assert.Equal(t, 5*s, r.jitter, "jitter = now - entry = 10 s - 5 s")
	assert.Zero(t, c.PendingIDCount(), "a processed wait is no longer pending")
}

func TestTestClockWaitRegisteredOnTimeReturnsOKWithZeroJitter(t *testing.T) {
	c := NewTestClockWithStartTime(10 * s)
	id, ch := registerWait(t, c, 10*s)

	require.Same(t, id, c.ProcessNextClockID(), "the wait at 10 s is due at 10 s")
	r := receive(t, ch)
	assert.Equal(t, gstmini.ClockOK, r.ret, "entry 10 s registered at 10 s is OK")
	assert.Equal(t, time.Duration(0), r.jitter, "jitter = 10 s - 10 s")
}

func TestTestClockCrankFutureWaitSetsClockToItsTimeAndReturnsOKWithNegativeJitter(t *testing.T) {
	c := NewTestClockWithStartTime(10 * s)
	_, ch := registerWait(t, c, 15*s)

	ok, err := c.Crank(watchdogCtx(t))
	require.NoError(t, err, "a wait is pending, so Crank must not time out")
	require.True(t, ok, "Crank reports that it processed a wait")
	assert.Equal(t, 15*s, c.Time(), "Crank moves the clock forward to the wait's time")
	r := receive(t, ch)
	assert.Equal(t, gstmini.ClockOK, r.ret, "entry 15 s registered at 10 s is OK")
	assert.Equal(t, -5*s, r.jitter, "jitter = 10 s - 15 s")
}

func TestTestClockResultAndJitterAreFixedAtRegistrationNotAtProcessing(t *testing.T) {
	c := NewTestClockWithStartTime(10 * s)
	_, ch := registerWait(t, c, 20*s)

	require.NoError(t, c.SetTime(30*s), "moving the clock forward is allowed")
	require.NotNil(t, c.ProcessNextClockID(), "the wait at 20 s is due at 30 s")
	r := receive(t, ch)
	assert.Equal(t, gstmini.ClockOK, r.ret, "the wait had not passed when it began at 10 s, so it is OK even though the clock is at 30 s")
	assert.Equal(t, -10*s, r.jitter, "jitter = 10 s (at registration) - 20 s, not 30 s - 20 s")
}

func TestTestClockUnscheduleWakesWaiterWithUnscheduledAndRemovesEntry(t *testing.T) {
	c := NewTestClockWithStartTime(10 * s)
	id, ch := registerWait(t, c, 12*s)

	id.Unschedule()
	assert.Zero(t, c.PendingIDCount(), "an unscheduled wait leaves the pending list as soon as Unschedule returns")
	assert.False(t, c.HasID(id), "HasID is false for an unscheduled wait")
	_, ok := c.PeekNextPendingID()
	assert.False(t, ok, "nothing is left to peek")
	r := receive(t, ch)
	assert.Equal(t, gstmini.ClockUnscheduled, r.ret, "an unscheduled wait returns UNSCHEDULED")
	assert.Equal(t, -2*s, r.jitter, "the jitter set at registration is still reported")
	assert.False(t, c.ProcessID(id), "an unscheduled wait cannot be processed")
	assert.Equal(t, 10*s, c.Time(), "unscheduling does not move the clock")
}

func TestTestClockWaitOnAlreadyUnscheduledIDReturnsUnscheduledAtOnce(t *testing.T) {
	c := NewTestClock()
	id := gstmini.NewSingleShotID(c, s)
	id.Unschedule()

	ret, jitter := id.Wait()
	assert.Equal(t, gstmini.ClockUnscheduled, ret, "ClockID.Wait on an unscheduled ID")
	assert.Equal(t, time.Duration(0), jitter, "no jitter without a registration")
	ret, jitter = c.WaitID(id)
	assert.Equal(t, gstmini.ClockUnscheduled, ret, "TestClock.WaitID checks for unscheduling itself too")
	assert.Equal(t, time.Duration(0), jitter, "no jitter without a registration")
	assert.Zero(t, c.PendingIDCount(), "nothing was registered")
}

func TestTestClockPastWaitStaysPendingUntilProcessed(t *testing.T) {
	c := NewTestClockWithStartTime(10 * s)
	id, ch := registerWait(t, c, 5*s)

	requireStillBlocked(t, ch, "the test clock never releases a wait by itself, even one in the past")
	assert.Equal(t, 1, c.PendingIDCount(), "the past wait is pending")
	next, ok := c.PeekNextPendingID()
	require.True(t, ok, "PeekNextPendingID sees the past wait")
	assert.Same(t, id, next, "PeekNextPendingID returns the past wait")

	require.True(t, c.ProcessID(id), "the pending wait can be processed")
	assert.Equal(t, gstmini.ClockEarly, receive(t, ch).ret, "the past wait is EARLY")
}

func TestTestClockSetTimeAndAdvanceNeverReleaseWaits(t *testing.T) {
	c := NewTestClock()
	id, ch := registerWait(t, c, 2*s)

	require.NoError(t, c.SetTime(3*s), "SetTime forward")
	require.NoError(t, c.Advance(4*s), "Advance forward")
	assert.Equal(t, 7*s, c.Time(), "3 s + 4 s")
	requireStillBlocked(t, ch, "SetTime and Advance do not process waits")
	assert.True(t, c.HasID(id), "the wait is still pending after the clock passed its time")

	require.Same(t, id, c.ProcessNextClockID(), "now it is due and processed")
	r := receive(t, ch)
	assert.Equal(t, gstmini.ClockOK, r.ret, "registered at 0 s for 2 s: OK")
	assert.Equal(t, -2*s, r.jitter, "jitter from registration time 0 s")
}

func TestTestClockSetTimeBackwardsReturnsErrorAndLeavesTimeUnchanged(t *testing.T) {
	c := NewTestClockWithStartTime(10 * s)

	err := c.SetTime(4 * s)
	require.Error(t, err, "going backwards aborts in GStreamer and is an error here")
	assert.Contains(t, err.Error(), gstmini.TimeString(10*s), "the error names the current time")
	assert.Contains(t, err.Error(), gstmini.TimeString(4*s), "the error names the requested time")
	assert.Equal(t, 10*s, c.Time(), "the time is unchanged")

	assert.NoError(t, c.SetTime(10*s), "setting the same time is allowed")
	assert.Equal(t, 10*s, c.Time(), "setting the same time keeps it")
}

func TestTestClockSetTimeClockTimeNoneReturnsErrorAndLeavesTimeUnchanged(t *testing.T) {
	c := NewTestClockWithStartTime(3 * s)

	err := c.SetTime(gstmini.ClockTimeNone)
	require.Error(t, err, "ClockTimeNone is not a time")
	assert.Contains(t, err.Error(), gstmini.TimeString(gstmini.ClockTimeNone), "the error names the requested time")
	assert.Contains(t, err.Error(), gstmini.TimeString(3*s), "the error names the current time")
	assert.Equal(t, 3*s, c.Time(), "the time is unchanged")
}

func TestTestClockAdvanceNegativeOrOverflowingReturnsErrorAndLeavesTimeUnchanged(t *testing.T) {
	c := NewTestClockWithStartTime(3 * s)

	err := c.Advance(-time.Nanosecond)
	require.Error(t, err, "a negative delta aborts in GStreamer and is an error here")
	assert.Contains(t, err.Error(), gstmini.TimeString(3*s), "the error names the current time")
	require.Error(t, c.Advance(gstmini.ClockTimeNone-3*s), "the time cannot reach ClockTimeNone")
	assert.Equal(t, 3*s, c.Time(), "the time is unchanged")

	require.NoError(t, c.Advance(0), "advancing by 0 is allowed")
	assert.Equal(t, 3*s, c.Time(), "advancing by 0 keeps the time")
}

func TestTestClockProcessNextClockIDReturnsNilWhenNothingIsDue(t *testing.T) {
	c := NewTestClockWithStartTime(10 * s)
	assert.Nil(t, c.ProcessNextClockID(), "nothing pending: nil")

	id, ch := registerWait(t, c, 15*s)
	assert.Nil(t, c.ProcessNextClockID(), "the only wait is at 15 s and the clock is at 10 s: nil")
	assert.True(t, c.HasID(id), "the wait that was not due is still pending")
	requireStillBlocked(t, ch, "ProcessNextClockID returned nil")

	require.NoError(t, c.SetTime(15*s), "the wait's time")
	require.Same(t, id, c.ProcessNextClockID(), "due at exactly its time")
	r := receive(t, ch)
	assert.Equal(t, gstmini.ClockOK, r.ret, "registered before its time")
	assert.Equal(t, -5*s, r.jitter, "jitter = 10 s - 15 s")
}

func TestTestClockCrankPastWaitLeavesClockAloneAndWaiterGetsEarly(t *testing.T) {
	c := NewTestClockWithStartTime(10 * s)
	_, ch := registerWait(t, c, 5*s)

	ok, err := c.Crank(watchdogCtx(t))
	require.NoError(t, err, "a wait is pending")
	require.True(t, ok, "Crank processed it")
	assert.Equal(t, 10*s, c.Time(), "Crank never moves the clock backwards")
	r := receive(t, ch)
	assert.Equal(t, gstmini.ClockEarly, r.ret, "the wait was in the past when it began")
	assert.Equal(t, 5*s, r.jitter, "jitter = 10 s - 5 s")
}

func TestTestClockCrankProcessesWaitsInTimeOrder(t *testing.T) {
	c := NewTestClock()
	_, ch3 := registerWait(t, c, 3*s)
	_, ch1 := registerWait(t, c, 1*s)
	_, ch2 := registerWait(t, c, 2*s)

	for i, ch := range []<-chan waitResult{ch1, ch2, ch3} {
		want := time.Duration(i+1) * s
		c.CrankT(t)
		assert.Equal(t, want, c.Time(), "crank %d moves the clock to the earliest wait", i+1)
		r := receive(t, ch)
		assert.Equal(t, gstmini.ClockOK, r.ret, "wait at %v", want)
		assert.Equal(t, -want, r.jitter, "wait at %v registered at 0 s", want)
	}
	assert.Zero(t, c.PendingIDCount(), "all three were processed")
}

func TestClockIDWaitWithClockTimeNoneReturnsBadTimeWithoutRegistering(t *testing.T) {
	c := NewTestClock()
	ret, jitter := gstmini.NewSingleShotID(c, gstmini.ClockTimeNone).Wait()
	assert.Equal(t, gstmini.ClockBadTime, ret, "a ClockTimeNone wait is BADTIME")
	assert.Equal(t, time.Duration(0), jitter, "no jitter for BADTIME")
	assert.Zero(t, c.PendingIDCount(), "the clock was never asked to wait")
}

func TestTestClockWaitForNextPendingIDWithCancelledContextReturnsContextError(t *testing.T) {
	c := NewTestClock()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	id, err := c.WaitForNextPendingID(ctx)
	require.ErrorIs(t, err, context.Canceled, "nothing is pending and ctx is cancelled")
	assert.Nil(t, id, "no ID on error")
	ids, err := c.WaitForMultiplePendingIDs(ctx, 2)
	require.ErrorIs(t, err, context.Canceled, "WaitForMultiplePendingIDs also honours ctx")
	assert.Empty(t, ids, "nothing was pending")
	ok, err := c.Crank(ctx)
	require.ErrorIs(t, err, context.Canceled, "Crank also honours ctx")
	assert.False(t, ok, "Crank processed nothing")
}

func TestTestClockWaitForNextPendingIDReturnsPromptlyWhenCancelledWhileBlocked(t *testing.T) {
	c := NewTestClock()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := c.WaitForNextPendingID(ctx)
		errc <- err
	}()
	cancel()
	select {
	case err := <-errc:
		assert.ErrorIs(t, err, context.Canceled, "the blocked call returns ctx's error")
	case <-time.After(5 * time.Second):
		t.Fatal("WaitForNextPendingID did not return within 5 s of real time after cancel")
	}
}

func TestTestClockWaitForNextPendingIDReturnsAWaitThatBeginsLater(t *testing.T) {
	c := NewTestClock()
	ctx := watchdogCtx(t)
	got := make(chan *gstmini.ClockID, 1)
	go func() {
		id, err := c.WaitForNextPendingID(ctx)
		assert.NoError(t, err, "a wait begins, so this must not time out")
		got <- id
	}()

	id := gstmini.NewSingleShotID(c, 4*s)
	ch := startWait(t, id)
	select {
	case pending := <-got:
		assert.Same(t, id, pending, "the wait that began is returned")
	case <-time.After(5 * time.Second):
		t.Fatal("WaitForNextPendingID did not see the wait within 5 s of real time")
	}
	require.True(t, c.ProcessID(id), "the wait is pending")
	assert.Equal(t, gstmini.ClockOK, receive(t, ch).ret, "processed before its time, registered in time")
}

func TestTestClockWaitForMultiplePendingIDsReturnsThemSortedByTime(t *testing.T) {
	c := NewTestClock()
	times := []time.Duration{3 * s, 1 * s, 2 * s}
	chans := make([]<-chan waitResult, len(times))
	for i, at := range times {
		chans[i] = startWait(t, gstmini.NewSingleShotID(c, at))
	}

	ids, err := c.WaitForMultiplePendingIDs(watchdogCtx(t), 3)
	require.NoError(t, err, "three waits begin")
	require.Len(t, ids, 3, "all pending IDs are returned")
	for i, id := range ids {
		assert.Equal(t, time.Duration(i+1)*s, id.Time(), "pending ID %d in time order", i)
	}
	assert.Equal(t, 3, c.PendingIDCount(), "waiting for IDs does not process them")

	for _, id := range ids {
		require.True(t, c.ProcessID(id), "each returned ID is pending")
	}
	for i, ch := range chans {
		assert.Equal(t, gstmini.ClockOK, receive(t, ch).ret, "wait %d", i)
	}
}

func TestTestClockEqualTimesPutTheNewestWaitFirst(t *testing.T) {
	c := NewTestClockWithStartTime(s)
	first, ch1 := registerWait(t, c, s)
	second, ch2 := registerWait(t, c, s)

	next, ok := c.PeekNextPendingID()
	require.True(t, ok, "two waits are pending")
	assert.Same(t, second, next, "equal times: g_list_insert_sorted puts the newest wait first, as GstTestClock does")
	assert.Same(t, second, c.ProcessNextClockID(), "and it is processed first")
	assert.Same(t, first, c.ProcessNextClockID(), "then the older one")
	receive(t, ch1)
	receive(t, ch2)
}

func TestTestClockProcessIDReleasesWaitWhateverItsTime(t *testing.T) {
	c := NewTestClock()
	id, ch := registerWait(t, c, 20*s)

	require.True(t, c.ProcessID(id), "ProcessID ignores the wait's time")
	r := receive(t, ch)
	assert.Equal(t, gstmini.ClockOK, r.ret, "registered at 0 s for 20 s")
	assert.Equal(t, -20*s, r.jitter, "jitter = 0 s - 20 s")
	assert.Equal(t, time.Duration(0), c.Time(), "ProcessID does not move the clock")
}

func TestTestClockProcessIDOfIDThatIsNotPendingReturnsFalse(t *testing.T) {
	c := NewTestClock()
	id := gstmini.NewSingleShotID(c, s)
	assert.False(t, c.ProcessID(id), "never waited on: GStreamer asserts, we return false")
	assert.False(t, c.HasID(id), "never waited on: not pending")
	assert.False(t, c.HasID(nil), "nil is never pending")

	ch := startWait(t, id)
	c.WaitForPendingIDs(t, 1)
	require.True(t, c.ProcessID(id), "pending once waited on")
	receive(t, ch)
	assert.False(t, c.ProcessID(id), "already processed: no longer pending")
}

func TestTestClockWaitingAgainAfterProcessingRegistersANewWait(t *testing.T) {
	c := NewTestClockWithStartTime(s)
	id, ch := registerWait(t, c, 2*s)
	c.CrankT(t)
	r := receive(t, ch)
	assert.Equal(t, gstmini.ClockOK, r.ret, "first wait in time")
	assert.Equal(t, -s, r.jitter, "first wait registered at 1 s")

	ch = startWait(t, id)
	c.WaitForPendingIDs(t, 1)
	assert.True(t, c.HasID(id), "the same ID is pending again")
	require.True(t, c.ProcessID(id), "and can be processed again")
	r = receive(t, ch)
	assert.Equal(t, gstmini.ClockOK, r.ret, "registered at exactly its time")
	assert.Equal(t, time.Duration(0), r.jitter, "second wait registered at 2 s")
}

func TestTestClockZeroValueIsUsable(t *testing.T) {
	var c TestClock
	_, ch := registerWait(t, &c, s)
	c.CrankT(t)
	assert.Equal(t, s, c.Time(), "crank moved the zero clock")
	assert.Equal(t, gstmini.ClockOK, receive(t, ch).ret, "the wait on the zero clock was released")
}

func TestTestClockWaitForNextPendingIDTReturnsTheEarliestPendingWait(t *testing.T) {
	c := NewTestClock()
	_, ch2 := registerWait(t, c, 2*s)
	id1, ch1 := registerWait(t, c, s)

	assert.Same(t, id1, c.WaitForNextPendingIDT(t), "the earliest pending wait")
	c.WaitForPendingIDs(t, 2)
	c.CrankT(t)
	c.CrankT(t)
	receive(t, ch1)
	receive(t, ch2)
}

// fakeTB records Fatalf instead of ending the test, so that the helpers'
// failure messages can be checked.
type fakeTB struct {
	testing.TB
	fatal []string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatal = append(f.fatal, fmt.Sprintf(format, args...))
}

// expiredCtx stands for a watchdog that has run out, without waiting for it.
func expiredCtx() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestTestClockWaitForPendingIDsFailsNamingPendingWaitsAndTheLikelyCause(t *testing.T) {
	c := NewTestClockWithStartTime(s)
	id, ch := registerWait(t, c, 3*s)

	tb := &fakeTB{}
	ids := c.waitForPendingT(expiredCtx(), tb, "WaitForPendingIDs", 2)
	assert.Nil(t, ids, "no IDs on failure")
	require.Len(t, tb.fatal, 1, "the helper fails the test once")
	msg := tb.fatal[0]
	assert.Contains(t, msg, "WaitForPendingIDs", "the message names the helper")
	assert.Contains(t, msg, "wanted 2 pending", "the message says how many waits were wanted")
	assert.Contains(t, msg, "1 were pending", "the message says how many were pending")
	assert.Contains(t, msg, gstmini.TimeString(3*s), "the message lists the pending times")
	assert.Contains(t, msg, "clock at "+gstmini.TimeString(s), "the message gives the clock time")
	assert.Contains(t, msg, "2s of real time", "the message says how long it waited")
	assert.Contains(t, msg, "never reached its clock wait", "the message names the likely cause")
	assert.Contains(t, msg, "blocked elsewhere", "the message names the likely cause")

	require.True(t, c.ProcessID(id), "release the wait")
	receive(t, ch)
}

func TestTestClockWaitForNextPendingIDTAndCrankTFailWhenNothingIsPending(t *testing.T) {
	c := NewTestClockWithStartTime(s)

	tb := &fakeTB{}
	assert.Nil(t, c.waitForPendingT(expiredCtx(), tb, "WaitForNextPendingIDT", 1), "no ID on failure")
	c.crankT(expiredCtx(), tb)
	require.Len(t, tb.fatal, 2, "each helper fails the test")
	assert.Contains(t, tb.fatal[0], "0 were pending", "WaitForNextPendingIDT says nothing was pending")
	assert.Contains(t, tb.fatal[0], "never reached its clock wait", "WaitForNextPendingIDT names the likely cause")
	assert.Contains(t, tb.fatal[1], "CrankT", "the CrankT message names the helper")
	assert.Contains(t, tb.fatal[1], "no clock wait became pending", "CrankT says nothing was pending")
	assert.Contains(t, tb.fatal[1], "never reached its clock wait", "CrankT names the likely cause")
	assert.Equal(t, s, c.Time(), "a failed crank leaves the clock alone")
}

func TestTestClockConcurrentWaitsCranksAndUnschedulesAreRaceFree(t *testing.T) {
	const n = 64
	c := NewTestClock()
	ids := make([]*gstmini.ClockID, n)
	results := make([]waitResult, n)
	var wg sync.WaitGroup // the waiters
	for i, at := range rand.Perm(n) {
		ids[i] = gstmini.NewSingleShotID(c, time.Duration(at+1)*time.Millisecond)
		wg.Go(func() {
			ret, jitter := ids[i].Wait()
			results[i] = waitResult{ret, jitter}
		})
	}
	c.WaitForPendingIDs(t, n)

	// Unschedule every odd waiter while the test cranks. Crank stops with
	// ctx's error once every waiter has returned.
	ctx, cancel := context.WithCancel(context.Background())
	var all sync.WaitGroup
	all.Go(func() { wg.Wait(); cancel() })
	for i := 1; i < n; i += 2 {
		all.Go(ids[i].Unschedule)
	}
	last := time.Duration(0)
	for {
		ok, err := c.Crank(ctx)
		if err != nil {
			require.ErrorIs(t, err, context.Canceled, "Crank stops only when every waiter has returned")
			break
		}
		require.True(t, ok, "Crank without error processed a wait")
		now := c.Time()
		assert.GreaterOrEqual(t, now, last, "the clock never goes backwards")
		last = now
	}
	all.Wait()

	for i, r := range results {
		if i%2 == 1 && r.ret == gstmini.ClockUnscheduled {
			continue // unscheduled before a crank reached it
		}
		assert.Equal(t, gstmini.ClockOK, r.ret, "waiter %d was cranked in time", i)
		assert.Equal(t, -ids[i].Time(), r.jitter, "waiter %d registered at 0", i)
	}
}
