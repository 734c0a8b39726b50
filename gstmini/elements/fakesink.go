package elements

import (
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"sync"
	"sync/atomic"

	"github.com/gstmini/workbook/gstmini"
)

// A FakeSink is a black hole for data (GstFakeSink, gstfakesink.c, factory
// "fakesink"): a BaseSink whose Render only counts the buffer, optionally
// hands it to a callback, and drops it. Create it with NewFakeSink, which
// applies GStreamer's defaults: sync=false (the one BaseSink default
// fakesink changes, gst_fake_sink_init, gstfakesink.c:253), silent=true,
// dump=false, signal-handoffs=false, num-buffers=-1. Every BaseSink
// property (async, max-lateness, qos, ts-offset, ...) is there too.
//
// With num-buffers=N the sink renders N buffers after READY→PAUSED and
// then returns FlowEOS, so the source stops and sends EOS, and the pipeline
// posts EOS (gst_fake_sink_render, gstfakesink.c:445).
//
// Ownership: BaseSink drops its reference to a buffer after Render
// returns. A handoff function that wants to keep a buffer must Ref it (and
// Unref it later); it must not change it.
//
// Not modelled: state-error, last-message, drop-out-of-segment (BaseSink
// has no setter for it; it stays true, GStreamer's default) and
// can-activate-pull. The "sync" property's spec still reports BaseSink's
// default, true: gstmini cannot override an installed property's default
// (GStreamer's class-level default is TRUE as well; fakesink changes the
// instance value, as here).
//
// All methods are safe for concurrent use.
type FakeSink struct {
	gstmini.BaseSink
	dumpOut io.Writer // where dump=true writes; os.Stdout

	mu             sync.Mutex // the fields below, up to rendering
	silent         bool
	dump           bool
	signalHandoffs bool
	numBuffers     int64
	handoff        func(buf *gstmini.Buffer)
	prerollHandoff func(buf *gstmini.Buffer)

	// What Render and Preroll read, so that a buffer takes no lock here:
	// rendering is republished under mu by every setter it depends on;
	// numBuffersLeft is set on READY→PAUSED and then counted down by the
	// streaming goroutine alone (-1: no limit).
	rendering      atomic.Pointer[fakeSinkRendering]
	numBuffersLeft atomic.Int64
}

// fakeSinkRendering is what Render and Preroll do besides counting.
type fakeSinkRendering struct {
	handoff, prerollHandoff func(buf *gstmini.Buffer) // nil unless signal-handoffs
	dump                    bool
}

// NewFakeSink returns a fakesink named name in state NULL with GStreamer's
// defaults (gst_fake_sink_init, gstfakesink.c:253).
func NewFakeSink(name string) *FakeSink {
	s := &FakeSink{dumpOut: os.Stdout, silent: true, numBuffers: -1}
	s.numBuffersLeft.Store(-1)
	s.publishLocked()
	s.InitBaseSink(s, name, gstmini.BaseSinkHooks{Render: s.render, Preroll: s.preroll})
	if err := s.SetProperty("sync", false); err != nil {
		panic(err) // BaseSink installs "sync": cannot happen
	}
	s.installProperties()
	return s
}

// installProperties installs fakesink's own properties
// (gst_fake_sink_class_init, gstfakesink.c:147).
func (s *FakeSink) installProperties() {
	locked := func(f func()) { s.mu.Lock(); f(); s.mu.Unlock() }
	set := func(f func()) { s.mu.Lock(); f(); s.publishLocked(); s.mu.Unlock() }
	s.InstallProperty(gstmini.BoolProperty("signal-handoffs", "Send a signal before unreffing the buffer", false,
		func() (v bool) { locked(func() { v = s.signalHandoffs }); return },
		func(v bool) { set(func() { s.signalHandoffs = v }) }))
	silent := gstmini.BoolProperty("silent", "Don't produce last_message events", true,
		func() (v bool) { locked(func() { v = s.silent }); return },
		func(v bool) { locked(func() { s.silent = v }) })
	silent.Flags = gstmini.PropReadWrite | gstmini.PropMutablePlaying
	s.InstallProperty(silent)
	dump := gstmini.BoolProperty("dump", "Dump buffer contents to stdout", false,
		func() (v bool) { locked(func() { v = s.dump }); return },
		func(v bool) { set(func() { s.dump = v }) })
	dump.Flags = gstmini.PropReadWrite | gstmini.PropMutablePlaying
	s.InstallProperty(dump)
	push := gstmini.BoolProperty("can-activate-push", "Can activate in push mode", true,
		func() bool { return true }, func(bool) {})
	push.Check = func(v any) error {
		if !v.(bool) {
			return fmt.Errorf("gstmini sinks always activate in push mode")
		}
		return nil
	}
	s.InstallProperty(push)
	s.InstallProperty(gstmini.IntProperty("num-buffers", "Number of buffers to accept going EOS", "gint",
		-1, math.MaxInt32, -1,
		func() (v int64) { locked(func() { v = s.numBuffers }); return },
		func(v int64) { locked(func() { s.numBuffers = v }) }))
}

// SetHandoff sets the function the streaming goroutine calls with each
// buffer it renders, when signal-handoffs is true (the "handoff" signal,
// gstfakesink.c:211). The function runs inside Render, with the sink's
// stream lock held: while it blocks, so does the pipeline upstream of the
// sink. It must Ref the buffer to keep it. nil removes the function.
func (s *FakeSink) SetHandoff(f func(buf *gstmini.Buffer)) {
	s.mu.Lock()
	s.handoff = f
	s.publishLocked()
	s.mu.Unlock()
}

// SetPrerollHandoff sets the function the streaming goroutine calls with
// the buffer the sink prerolls on, when signal-handoffs is true (the
// "preroll-handoff" signal, gstfakesink.c:225). The same ownership rules
// as for SetHandoff apply.
func (s *FakeSink) SetPrerollHandoff(f func(buf *gstmini.Buffer)) {
	s.mu.Lock()
	s.prerollHandoff = f
	s.publishLocked()
	s.mu.Unlock()
}

// publishLocked makes the settings just written under mu the ones the
// streaming goroutine reads.
func (s *FakeSink) publishLocked() {
	r := &fakeSinkRendering{dump: s.dump}
	if s.signalHandoffs {
		r.handoff, r.prerollHandoff = s.handoff, s.prerollHandoff
	}
	s.rendering.Store(r)
}

// Rendered returns how many buffers the sink rendered (BaseSink.Stats).
func (s *FakeSink) Rendered() uint64 {
	rendered, _ := s.Stats()
	return rendered
}

// ChangeState is gst_fake_sink_change_state (gstfakesink.c:550): READY→PAUSED
// restarts the num-buffers count, then BaseSink does its work. Called on
// the goroutine changing state.
func (s *FakeSink) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	if t == gstmini.TransitionReadyToPaused {
		s.mu.Lock()
		s.numBuffersLeft.Store(s.numBuffers)
		s.mu.Unlock()
	}
	return s.BaseSink.ChangeState(t)
}

// preroll is the Preroll hook (gst_fake_sink_preroll, gstfakesink.c:413).
func (s *FakeSink) preroll(buf *gstmini.Buffer) gstmini.FlowReturn {
	if s.numBuffersLeft.Load() == 0 {
		return gstmini.FlowEOS
	}
	if f := s.rendering.Load().prerollHandoff; f != nil {
		f(buf)
	}
	return gstmini.FlowOK
}

// render is the Render hook (gst_fake_sink_render, gstfakesink.c:445).
func (s *FakeSink) render(buf *gstmini.Buffer) gstmini.FlowReturn {
	left := s.numBuffersLeft.Load()
	if left == 0 {
		return gstmini.FlowEOS
	}
	if left != -1 {
		left--
		s.numBuffersLeft.Store(left) // only this goroutine counts down
	}
	r := s.rendering.Load()
	if r.handoff != nil {
		r.handoff(buf)
	}
	if r.dump {
		fmt.Fprint(s.dumpOut, hex.Dump(buf.Data))
	}
	if left == 0 {
		return gstmini.FlowEOS
	}
	return gstmini.FlowOK
}
