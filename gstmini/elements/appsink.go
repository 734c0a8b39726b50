package elements

import (
	"math"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// A Sample is a buffer as an application pulls it from an AppSink, with
// the caps and segment in force when it was rendered (GstSample). The
// caller owns the sample's reference to Buffer: call Unref when done with
// it, so that a buffer from a BufferPool goes back to its pool.
type Sample struct {
	Buffer  *gstmini.Buffer
	Caps    *gstmini.Caps    // nil if no caps were received
	Segment *gstmini.Segment // a copy; nil for a preroll sample before any segment
}

// Unref drops the sample's reference to its buffer (gst_sample_unref).
func (s *Sample) Unref() {
	if s != nil && s.Buffer != nil {
		s.Buffer.Unref()
		s.Buffer = nil
	}
}

// AppSinkCallbacks are the functions an application gives AppSink to learn
// that data is there (GstAppSinkCallbacks). Any may be nil. They run on the
// streaming goroutine without AppSink's lock, so they may pull; while one
// runs, the pipeline upstream of the sink waits.
type AppSinkCallbacks struct {
	// EOS runs when the sink has received EOS and, with wait-on-eos, the
	// application has pulled every sample (the eos signal).
	EOS func(sink *AppSink)
	// NewPreroll runs when a preroll buffer is there to pull with
	// PullPreroll (the new-preroll signal). A result other than FlowOK
	// goes upstream.
	NewPreroll func(sink *AppSink) gstmini.FlowReturn
	// NewSample runs when a sample was queued for PullSample (the
	// new-sample signal). A result other than FlowOK goes upstream.
	NewSample func(sink *AppSink) gstmini.FlowReturn
}

// AppSink lets application code take buffers out of a pipeline
// (GstAppSink, gst-plugins-base gst-libs/gst/app/gstappsink.c at 1.22.0,
// factory "appsink"). It is a BaseSink, so it prerolls and, with sync=true
// (the default), waits on the clock for each buffer's running time; what
// it "renders" goes on an internal queue from which the application pulls
// samples with PullSample or TryPullSample on its own goroutine. Create it
// with NewAppSink, which applies GStreamer's defaults: emit-signals=false,
// max-buffers=0 (unlimited), drop=false, wait-on-eos=true, plus BaseSink's.
//
// With max-buffers=N the queue holds at most N samples. When it is full,
// a new buffer waits on the streaming goroutine, holding the pipeline
// back, until the application pulls one ("every frame" consumers); with
// drop=true the oldest queued sample is dropped instead, so that the
// application always pulls the newest ("latest frame" consumers:
// max-buffers=1 drop=true). Without a limit, samples nobody pulls pile up.
//
// PullSample returns nil at EOS once the queue is empty, and when the sink
// is stopped (READY→NULL); a flush empties the queue. With wait-on-eos the
// sink reports EOS (its EOS callback and the pipeline's EOS message) only
// after the application has pulled every sample.
//
// Not modelled: caps as a property, buffer lists, new-serialized-event and
// pull-object, the DRAIN query, the GObject signals as such (ConnectSignals
// stands in for them). Dropped is a gstmini addition.
//
// All methods are safe for concurrent use.
type AppSink struct {
	gstmini.BaseSink

	mu                  sync.Mutex // priv->mutex: everything below
	wake                broadcaster
	queue               []any // *gstmini.Buffer or *gstmini.Event
	numBuffers          int
	numEvents           int
	preroll             *gstmini.Buffer
	prerollCaps         *gstmini.Caps
	prerollSegment      *gstmini.Segment
	lastCaps            *gstmini.Caps
	lastSegment         *gstmini.Segment
	eos                 bool
	flushing, started   bool
	unlock              bool
	emitSignals         bool
	maxBuffers          uint64
	drop, waitOnEOS     bool
	dropped             uint64
	callbacks, handlers AppSinkCallbacks
}

// NewAppSink returns an appsink named name in state NULL with GStreamer's
// defaults (gst_app_sink_init, gstappsink.c:551).
func NewAppSink(name string) *AppSink {
	s := &AppSink{waitOnEOS: true}
	s.InitBaseSink(s, name, gstmini.BaseSinkHooks{
		Render:     s.render,
		Preroll:    s.prerollHook,
		Event:      s.event,
		Start:      s.start,
		Stop:       s.stop,
		Unlock:     s.unlockStart,
		UnlockStop: s.unlockStop,
	})
	s.installProperties()
	return s
}

// installProperties installs appsink's properties (gst_app_sink_class_init,
// gstappsink.c:225).
func (s *AppSink) installProperties() {
	locked := func(f func()) { s.mu.Lock(); f(); s.mu.Unlock() }
	eos := gstmini.BoolProperty("eos", "Check if the sink is EOS or not started", true, s.IsEOS, nil)
	eos.Flags = gstmini.PropReadable
	s.InstallProperty(eos)
	s.InstallProperty(gstmini.BoolProperty("emit-signals", "Emit new-preroll and new-sample signals", false,
		func() (v bool) { locked(func() { v = s.emitSignals }); return },
		func(v bool) { locked(func() { s.emitSignals = v }) }))
	// Changing the limit or drop may make room: wake a waiting render, as
	// gst_app_sink_set_max_buffers does (gstappsink.c:1400).
	s.InstallProperty(gstmini.UintProperty("max-buffers", "The maximum number of buffers to queue internally (0 = unlimited)", "guint",
		0, math.MaxUint32, 0,
		func() (v uint64) { locked(func() { v = s.maxBuffers }); return },
		func(v uint64) { locked(func() { s.maxBuffers = v; s.wake.broadcast() }) }))
	s.InstallProperty(gstmini.BoolProperty("drop", "Drop old buffers when the buffer queue is filled", false,
		func() (v bool) { locked(func() { v = s.drop }); return },
		func(v bool) { locked(func() { s.drop = v; s.wake.broadcast() }) }))
	s.InstallProperty(gstmini.BoolProperty("wait-on-eos", "Wait for all buffers to be processed after receiving an EOS", true,
		func() (v bool) { locked(func() { v = s.waitOnEOS }); return },
		func(v bool) { locked(func() { s.waitOnEOS = v; s.wake.broadcast() }) }))
	dropped := gstmini.UintProperty("dropped", "Number of samples dropped because the queue was full (drop=true)", "guint64",
		0, math.MaxUint64, 0, s.Dropped, nil)
	dropped.Flags = gstmini.PropReadable | gstmini.PropNotGStreamer
	s.InstallProperty(dropped)
}

// SetCallbacks installs the application's callbacks
// (gst_app_sink_set_callbacks). A callback replaces the matching signal
// handler of ConnectSignals, and runs whatever emit-signals says.
func (s *AppSink) SetCallbacks(cb AppSinkCallbacks) {
	s.mu.Lock()
	s.callbacks = cb
	s.mu.Unlock()
}

// ConnectSignals installs handlers for the new-preroll, new-sample and eos
// signals. NewPreroll and NewSample run only while emit-signals is true
// (it is false by default: pulling needs no signals); EOS always runs.
// Where SetCallbacks installed a callback, the handler does not run.
func (s *AppSink) ConnectSignals(h AppSinkCallbacks) {
	s.mu.Lock()
	s.handlers = h
	s.mu.Unlock()
}

// Dropped returns how many samples drop=true discarded unpulled since the
// sink started. A gstmini addition.
func (s *AppSink) Dropped() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// QueuedSamples returns how many samples wait to be pulled. A gstmini
// addition, for measuring what an application leaves behind.
func (s *AppSink) QueuedSamples() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.numBuffers
}

// IsEOS reports whether no more samples can be pulled: EOS was received
// and the queue is empty, or the sink is not started (gst_app_sink_is_eos,
// gstappsink.c:1309).
func (s *AppSink) IsEOS() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.started || (s.eos && s.numBuffers == 0)
}

// PullSample blocks until a sample is there, and returns it; it returns
// nil at EOS with an empty queue, or when the sink is (or becomes)
// stopped, in NULL (gst_app_sink_pull_sample, gstappsink.c:1656). The
// caller owns the sample. Call it from the application's goroutine, never
// from a callback that must return for the sample to arrive.
func (s *AppSink) PullSample() *Sample { return s.TryPullSample(gstmini.ClockTimeNone) }

// TryPullSample is PullSample waiting at most timeout of real (monotonic)
// time, as GStreamer's g_cond_wait_until does; it returns nil when the
// timeout expires. A timeout of 0 never waits; ClockTimeNone waits
// forever (gst_app_sink_try_pull_sample, gstappsink.c:1823).
func (s *AppSink) TryPullSample(timeout time.Duration) *Sample {
	var deadline <-chan time.Time
	if timeout != gstmini.ClockTimeNone {
		t := time.NewTimer(max(timeout, 0))
		defer t.Stop()
		deadline = t.C
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unrefPrerollLocked()
	for {
		for {
			if !s.started {
				return nil
			}
			if s.numBuffers > 0 || s.numEvents > 0 {
				break
			}
			if s.eos {
				return nil
			}
			if !s.waitLocked(deadline) {
				return nil
			}
		}
		switch obj := s.dequeueLocked().(type) {
		case *gstmini.Buffer:
			s.wake.broadcast() // room for a render waiting on max-buffers
			return &Sample{Buffer: obj, Caps: s.lastCaps, Segment: copySegment(s.lastSegment)}
		}
		// An event: activated by dequeueLocked; look again.
		s.wake.broadcast()
	}
}

// PullPreroll blocks until the sink has a preroll buffer, the first buffer
// in PAUSED or the next one after a flush, and returns it; nil at EOS or
// when stopped (gst_app_sink_pull_preroll, gstappsink.c:1631). Pulling a
// sample with PullSample discards the preroll buffer.
func (s *AppSink) PullPreroll() *Sample { return s.TryPullPreroll(gstmini.ClockTimeNone) }

// TryPullPreroll is PullPreroll waiting at most timeout of real time
// (gst_app_sink_try_pull_preroll, gstappsink.c:1727).
func (s *AppSink) TryPullPreroll(timeout time.Duration) *Sample {
	var deadline <-chan time.Time
	if timeout != gstmini.ClockTimeNone {
		t := time.NewTimer(max(timeout, 0))
		defer t.Stop()
		deadline = t.C
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if !s.started {
			return nil
		}
		if s.preroll != nil {
			break
		}
		if s.eos {
			return nil
		}
		if !s.waitLocked(deadline) {
			return nil
		}
	}
	smp := &Sample{Buffer: s.preroll, Caps: s.prerollCaps, Segment: copySegment(s.prerollSegment)}
	s.preroll = nil
	return smp
}

func copySegment(seg *gstmini.Segment) *gstmini.Segment {
	if seg == nil {
		return nil
	}
	return seg.Copy()
}

// waitLocked waits for a change with s.mu released; false if the deadline
// passed first.
func (s *AppSink) waitLocked(deadline <-chan time.Time) bool {
	ch := s.wake.channel()
	s.mu.Unlock()
	defer s.mu.Lock()
	select {
	case <-ch:
		return true
	case <-deadline:
		return false
	}
}

func (s *AppSink) unrefPrerollLocked() {
	if s.preroll != nil {
		s.preroll.Unref()
		s.preroll = nil
	}
}

// dequeueLocked is dequeue_object (gstappsink.c:966): a buffer leaves the
// queue; a caps or segment event becomes the one samples carry.
func (s *AppSink) dequeueLocked() any {
	obj := s.queue[0]
	s.queue[0] = nil
	s.queue = s.queue[1:]
	switch o := obj.(type) {
	case *gstmini.Buffer:
		s.numBuffers--
	case *gstmini.Event:
		s.numEvents--
		switch o.Type() {
		case gstmini.EventCaps:
			c := o.Caps()
			s.lastCaps = &c
		case gstmini.EventSegment:
			s.lastSegment = o.Segment().Copy()
		}
	}
	return obj
}

// dropOldestLocked drops the oldest queued buffer, activating the events
// before it (dequeue_buffer, gstappsink.c:1009).
func (s *AppSink) dropOldestLocked() {
	for len(s.queue) > 0 {
		if b, ok := s.dequeueLocked().(*gstmini.Buffer); ok {
			b.Unref()
			s.dropped++
			return
		}
	}
}

// render is the Render hook (gst_app_sink_render_common, gstappsink.c:1027),
// run at the buffer's time when sync is on: queue the buffer for the
// application, dropping the oldest or waiting for room when max-buffers
// are queued.
func (s *AppSink) render(buf *gstmini.Buffer) gstmini.FlowReturn {
	s.mu.Lock()
	for {
		if s.flushing {
			s.mu.Unlock()
			return gstmini.FlowFlushing
		}
		if s.maxBuffers == 0 || uint64(s.numBuffers) < s.maxBuffers {
			break
		}
		if s.drop {
			s.dropOldestLocked()
			continue
		}
		if s.unlock {
			// A flush or PLAYING→PAUSED: wait in BaseSink for PLAYING or
			// for the flush to end this render, then look again.
			s.mu.Unlock()
			if ret := s.WaitPreroll(); ret != gstmini.FlowOK {
				return ret
			}
			s.mu.Lock()
			continue
		}
		s.waitLocked(nil)
	}
	s.queue = append(s.queue, buf.Ref())
	s.numBuffers++
	s.wake.broadcast()
	f := s.callbacks.NewSample
	if f == nil && s.emitSignals {
		f = s.handlers.NewSample
	}
	s.mu.Unlock()
	if f != nil {
		return f(s)
	}
	return gstmini.FlowOK
}

// prerollHook is the Preroll hook (gst_app_sink_preroll, gstappsink.c:921).
func (s *AppSink) prerollHook(buf *gstmini.Buffer) gstmini.FlowReturn {
	s.mu.Lock()
	if s.flushing {
		s.mu.Unlock()
		return gstmini.FlowFlushing
	}
	s.unrefPrerollLocked()
	s.preroll = buf.Ref()
	s.wake.broadcast()
	f := s.callbacks.NewPreroll
	if f == nil && s.emitSignals {
		f = s.handlers.NewPreroll
	}
	s.mu.Unlock()
	if f != nil {
		return f(s)
	}
	return gstmini.FlowOK
}

// event is the Event hook (gst_app_sink_event, gstappsink.c:801). BaseSink
// calls it after its own handling; for EOS after it waited for EOS's
// running time and before it posts the EOS message, which therefore waits
// too while the application has samples to pull (wait-on-eos).
func (s *AppSink) event(ev *gstmini.Event) {
	switch ev.Type() {
	case gstmini.EventSegment:
		s.mu.Lock()
		if s.preroll == nil {
			s.prerollSegment = ev.Segment().Copy()
		}
		s.mu.Unlock()
	case gstmini.EventCaps:
		s.mu.Lock()
		if s.preroll == nil {
			c := ev.Caps()
			s.prerollCaps = &c
		}
		s.mu.Unlock()
	case gstmini.EventEOS:
		s.mu.Lock()
		s.eos = true
		s.wake.broadcast()
		pad := s.SinkPad()
		// A flush or a deactivation marks the pad flushing before it
		// unlocks the sink: that ends the wait, with no EOS callback.
		for s.numBuffers > 0 && !s.flushing && s.waitOnEOS && !pad.IsFlushing() {
			s.waitLocked(nil)
		}
		emit := !s.flushing && !pad.IsFlushing()
		f := s.callbacks.EOS
		if f == nil {
			f = s.handlers.EOS
		}
		s.mu.Unlock()
		if emit && f != nil {
			f(s)
		}
		return
	case gstmini.EventFlushStop:
		s.mu.Lock()
		s.flushQueueLocked()
		s.mu.Unlock()
		return
	}
	if ev.Type().IsSerialized() {
		s.mu.Lock()
		s.queue = append(s.queue, ev)
		s.numEvents++
		s.wake.broadcast()
		s.mu.Unlock()
	}
}

// flushQueueLocked is gst_app_sink_flush_unlocked (gstappsink.c:722).
func (s *AppSink) flushQueueLocked() {
	s.eos = false
	s.unrefPrerollLocked()
	for _, obj := range s.queue {
		if b, ok := obj.(*gstmini.Buffer); ok {
			b.Unref()
		}
	}
	s.queue = nil
	s.numBuffers, s.numEvents = 0, 0
	s.lastCaps = nil
	s.wake.broadcast()
}

// start is gst_app_sink_start (gstappsink.c:739), on NULL→READY.
func (s *AppSink) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushing = false
	s.started = true
	s.dropped = 0
	s.prerollSegment, s.lastSegment = nil, nil
	return nil
}

// stop is gst_app_sink_stop (gstappsink.c:762), on READY→NULL: a blocked
// pull returns nil.
func (s *AppSink) stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushing = true
	s.started = false
	s.flushQueueLocked()
	s.prerollCaps, s.lastCaps = nil, nil
	s.prerollSegment, s.lastSegment = nil, nil
	return nil
}

// unlockStart is gst_app_sink_unlock_start (gstappsink.c:692): a flush or
// PLAYING→PAUSED wakes a render waiting for room.
func (s *AppSink) unlockStart() {
	s.mu.Lock()
	s.unlock = true
	s.wake.broadcast()
	s.mu.Unlock()
}

func (s *AppSink) unlockStop() {
	s.mu.Lock()
	s.unlock = false
	s.wake.broadcast()
	s.mu.Unlock()
}
