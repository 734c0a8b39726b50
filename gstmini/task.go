package gstmini

import (
	"sync"
	"sync/atomic"
)

// TaskState is the state of a Task (GstTaskState).
type TaskState int

// Task states.
const (
	TaskStopped TaskState = iota // no goroutine runs the function
	TaskStarted                  // the goroutine calls the function in a loop
	TaskPaused                   // the goroutine exists but waits, without the stream lock
)

// String returns GStreamer's nick for s.
func (s TaskState) String() string {
	switch s {
	case TaskStopped:
		return "stopped"
	case TaskStarted:
		return "started"
	case TaskPaused:
		return "paused"
	}
	return "unknown"
}

// TaskFunc is one iteration of a task's loop. It receives its task so it can
// pause or stop it from inside without waiting for itself.
type TaskFunc func(t *Task)

// A Task is a goroutine that calls a function in a loop while holding a
// stream lock (GstTask, gst/gsttask.c:329 gst_task_func at 1.22.0). It is how
// sources and queues get their streaming threads. Pads create tasks with
// Pad.StartTask.
//
// The goroutine holds the stream lock for as long as it runs the loop and
// releases it only while paused, so taking the stream lock from another
// goroutine waits for the current iteration to end.
type Task struct {
	lock *StreamLock
	fn   TaskFunc

	mu      sync.Mutex
	state   TaskState
	running atomic.Bool   // state == TaskStarted, read by the loop without mu
	changed chan struct{} // closed and replaced on every state change
	done    chan struct{} // closed when the goroutine exits; nil if none
}

func newTask(lock *StreamLock, fn TaskFunc) *Task {
	return &Task{lock: lock, fn: fn, changed: make(chan struct{})}
}

// State returns the task's state.
func (t *Task) State() TaskState {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.state
}

func (t *Task) setStateLocked(s TaskState) {
	t.state = s
	t.running.Store(s == TaskStarted)
	close(t.changed)
	t.changed = make(chan struct{})
}

// start sets the task started, creating its goroutine if there is none.
func (t *Task) start() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.setStateLocked(TaskStarted)
	if t.done == nil {
		t.done = make(chan struct{})
		go t.run(t.done)
	}
}

// Pause asks the loop to pause after the current iteration and returns at
// once. Called from the task's own function, it is how a streaming goroutine
// pauses itself (gst_pad_pause_task from the streaming thread).
func (t *Task) Pause() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state != TaskStopped {
		t.setStateLocked(TaskPaused)
	}
}

// Stop asks the loop to end after the current iteration and returns at
// once. Called from the task's own function, the goroutine exits when the
// function returns.
func (t *Task) Stop() { t.stop() }

// stop sets the task stopped and returns the channel that is closed when its
// current goroutine exits, or nil if it has none.
func (t *Task) stop() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.setStateLocked(TaskStopped)
	return t.done
}

func (t *Task) run(done chan struct{}) {
	defer close(done)
	t.lock.Lock()
	defer t.lock.Unlock()
	for {
		if t.running.Load() {
			// The common case, once per buffer: no lock to see that nothing
			// changed. A Pause or Stop stores false before it returns, so
			// the next iteration takes the slow path.
			t.fn(t)
			continue
		}
		t.mu.Lock()
		for t.state == TaskPaused {
			ch := t.changed
			t.mu.Unlock()
			t.lock.Unlock()
			<-ch
			t.lock.Lock()
			t.mu.Lock()
		}
		if t.state == TaskStopped {
			t.done = nil // a later start needs a new goroutine
			t.mu.Unlock()
			return
		}
		t.mu.Unlock()
		t.fn(t)
	}
}
