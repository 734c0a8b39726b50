package gstmini

import (
	"context"
	"sync"
)

// BusSyncReply is what a bus sync handler decides about a message.
type BusSyncReply int

// Sync handler replies (GstBusSyncReply).
const (
	BusDrop  BusSyncReply = iota // drop the message
	BusPass                      // queue the message for the application
	BusAsync                     // (as BusPass in gstmini)
)

// A Bus carries messages from the elements of a pipeline, on whatever
// goroutine posted them, to the application (GstBus). Messages queue up
// without limit until popped. Create it with NewBus; every Pipeline has one.
// It is safe for concurrent use.
type Bus struct {
	mu       sync.Mutex
	queue    []*Message
	notify   chan struct{} // closed and replaced when a message is queued
	flushing bool
	sync     func(*Message) BusSyncReply
}

// NewBus returns an empty bus.
func NewBus() *Bus { return &Bus{notify: make(chan struct{})} }

// SetSyncHandler installs f, which sees every message on the posting
// goroutine before it is queued (gst_bus_set_sync_handler). f must not block
// or call back into the element that posted.
func (b *Bus) SetSyncHandler(f func(*Message) BusSyncReply) {
	b.mu.Lock()
	b.sync = f
	b.mu.Unlock()
}

// SyncHandler returns the installed sync handler, or nil, so that a new
// one can chain to it.
func (b *Bus) SyncHandler() func(*Message) BusSyncReply {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sync
}

// Post queues m. It returns false if the bus is flushing and dropped m.
func (b *Bus) Post(m *Message) bool {
	b.mu.Lock()
	f := b.sync
	b.mu.Unlock()
	if f != nil && f(m) == BusDrop {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.flushing {
		return false
	}
	b.queue = append(b.queue, m)
	close(b.notify)
	b.notify = make(chan struct{})
	return true
}

// SetFlushing makes the bus drop queued and future messages, or accept
// them again (gst_bus_set_flushing).
func (b *Bus) SetFlushing(flushing bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushing = flushing
	if flushing {
		clear(b.queue)
		b.queue = b.queue[:0]
	}
}

// Pop removes and returns the oldest message, or nil if there is none.
func (b *Bus) Pop() *Message { return b.popMatch(MessageAny) }

// Peek returns the oldest message without removing it, or nil.
func (b *Bus) Peek() *Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) == 0 {
		return nil
	}
	return b.queue[0]
}

// HavePending reports whether messages are queued.
func (b *Bus) HavePending() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.queue) > 0
}

func (b *Bus) popMatch(types MessageType) *Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, m := range b.queue {
		if m.Type&types != 0 {
			b.queue = append(b.queue[:i], b.queue[i+1:]...)
			return m
		}
	}
	return nil
}

// PopFiltered waits until a message whose type is in types is queued,
// removes it and returns it, discarding the messages of other types queued
// before it as gst_bus_timed_pop_filtered does. It returns ctx's error if
// ctx ends first.
func (b *Bus) PopFiltered(ctx context.Context, types MessageType) (*Message, error) {
	for {
		b.mu.Lock()
		for len(b.queue) > 0 {
			m := b.queue[0]
			b.queue[0] = nil
			b.queue = b.queue[1:]
			if m.Type&types != 0 {
				b.mu.Unlock()
				return m, nil
			}
		}
		ch := b.notify
		b.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Messages removes and returns every queued message, oldest first.
func (b *Bus) Messages() []*Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.queue
	b.queue = nil
	return out
}
