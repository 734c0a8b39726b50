package gstmini

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
// The lock is a one-slot channel rather than a sync.Mutex so that a
// goroutine waiting for it is durably blocked in a testing/synctest bubble.
type StreamLock struct {
	ch chan struct{}
}

// NewStreamLock returns an unlocked stream lock.
func NewStreamLock() *StreamLock { return &StreamLock{ch: make(chan struct{}, 1)} }

// Lock acquires the lock, waiting until it is free.
func (l *StreamLock) Lock() { l.ch <- struct{}{} }

// TryLock acquires the lock if it is free and reports whether it did.
func (l *StreamLock) TryLock() bool {
	select {
	case l.ch <- struct{}{}:
		return true
	default:
		return false
	}
}

// Unlock releases the lock. Any goroutine may release it, as with sync.Mutex.
func (l *StreamLock) Unlock() {
	select {
	case <-l.ch:
	default:
		panic("gstmini: unlock of unlocked StreamLock")
	}
}
