package gstmini

import "sync/atomic"

// A StreamLock serialises everything that flows through one pad: chain
// calls, serialized events and flushes (GST_PAD_STREAM_LOCK). Create it with
// NewStreamLock; every Pad has one.
//
// GStreamer's stream lock is a recursive mutex, so a streaming thread may
// take it again. Go mutexes are not recursive and a goroutine has no identity
// to make them so. gstmini keeps one plain lock and removes the reasons to
// re-enter it instead: a pad task's function receives its *Task and pauses or
// stops itself through it without waiting on the lock it already holds (the
// case where GStreamer relies on recursion), and no Pad method that a
// streaming goroutine calls on its own pad takes that pad's stream lock.
//
// An uncontended Lock and Unlock are one atomic operation each, as the
// lock is taken for every buffer. A goroutine that finds the lock held
// waits on a channel rather than in a sync.Mutex, so that it is durably
// blocked in a testing/synctest bubble; Unlock wakes one waiter, which then
// competes for the lock again (the lock is not fair, as sync.Mutex's
// normal mode is not).
type StreamLock struct {
	state   atomic.Int32 // 0 unlocked, 1 locked
	waiters atomic.Int32 // goroutines in the slow path of Lock
	wake    chan struct{}
}

// NewStreamLock returns an unlocked stream lock.
func NewStreamLock() *StreamLock { return &StreamLock{wake: make(chan struct{}, 1)} }

// Lock acquires the lock, waiting until it is free.
func (l *StreamLock) Lock() {
	if l.state.CompareAndSwap(0, 1) {
		return
	}
	l.waiters.Add(1)
	for !l.state.CompareAndSwap(0, 1) {
		// Unlock leaves a token after it releases the lock whenever there
		// are waiters, so a release between the failed attempt and this
		// receive is not missed; a stale token only costs another attempt.
		<-l.wake
	}
	l.waiters.Add(-1)
}

// TryLock acquires the lock if it is free and reports whether it did.
func (l *StreamLock) TryLock() bool { return l.state.CompareAndSwap(0, 1) }

// Unlock releases the lock. Any goroutine may release it, as with sync.Mutex.
func (l *StreamLock) Unlock() {
	if !l.state.CompareAndSwap(1, 0) {
		panic("gstmini: unlock of unlocked StreamLock")
	}
	if l.waiters.Load() > 0 {
		select {
		case l.wake <- struct{}{}:
		default: // a token is pending already: it wakes a waiter
		}
	}
}
