package gstmini

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

// BaseSrcHooks are the functions a source built on BaseSrc provides (the
// virtual methods of GstBaseSrcClass). Create is required. Create, the
// only hook on the streaming goroutine, runs without the source's locks,
// so it may block (a live source waiting for its next capture slot) as long
// as Unlock makes it return.
type BaseSrcHooks struct {
	// Create produces the next buffer (GstBaseSrcClass.create). offset is
	// the byte position for BYTES segments; returning FlowEOS ends the stream.
	Create func(offset uint64, size int) (*Buffer, FlowReturn)
	// Start and Stop open and close resources on READY↔PAUSED.
	Start, Stop func() error
	// Unlock makes a blocking Create return FlowFlushing at once; UnlockStop
	// clears that request (GstBaseSrcClass.unlock / unlock_stop).
	Unlock, UnlockStop func()
	// Latency answers the latency query: how much later than its timestamp
	// a buffer leaves the source (a camera: one frame). Only asked when live.
	Latency func() (min, max time.Duration)
	// Caps, if set, are sent downstream before the first buffer.
	Caps func() *Caps
}

// BaseSrc is the base of every source (GstBaseSrc,
// libs/gst/base/gstbasesrc.c at 1.22.0). Its source pad runs a task that
// calls Create in a loop and pushes each buffer, after stream-start, caps
// and segment; it stops after num-buffers buffers with EOS, and turns a
// fatal flow result into an ERROR message and EOS. A live source
// (SetLive(true)) answers NO_PREROLL in PAUSED and creates data only in
// PLAYING. Embed it and call InitBaseSrc.
type BaseSrc struct {
	ElementBase
	srcpad *Pad
	hooks  BaseSrcHooks

	mu             sync.Mutex // GST_LIVE_LOCK and the object lock
	cond           *sync.Cond // live_running and flushing changes
	live           bool
	liveRunning    bool
	flushing       bool
	numBuffers     int64
	numBuffersLeft int64
	blocksize      uint64
	format         Format
	segment        Segment
	segmentPending bool
	streamStarted  bool
	pendingEOS     bool
	discont        bool
	started        bool
	seqnum         uint32
}

// InitBaseSrc prepares the source part of self, named name, with a "src"
// pad and the given hooks; the segment format is TIME unless SetFormat
// says otherwise. Call it from the source's constructor.
func (s *BaseSrc) InitBaseSrc(self Element, name string, hooks BaseSrcHooks) {
	s.Init(self, name)
	s.hooks = hooks
	s.cond = sync.NewCond(&s.mu)
	s.numBuffers = -1
	s.blocksize = 4096
	s.format = FormatTime
	s.segment.Init(FormatTime)
	s.SetFlags(ElementFlagSource)
	s.srcpad = NewPad("src", PadSrc)
	s.srcpad.SetActivateModeFunc(func(_ *Pad, _ Element, _ PadMode, active bool) bool {
		return s.activatePush(active)
	})
	s.srcpad.SetQueryFunc(func(p *Pad, parent Element, q *Query) bool { return s.HandleQuery(q) })
	s.srcpad.SetEventFunc(func(_ *Pad, _ Element, ev *Event) bool { return s.srcEvent(ev) })
	if err := s.AddPad(s.srcpad); err != nil {
		panic(err) // a new element has no pads: cannot happen
	}
	s.InstallProperty(IntProperty("num-buffers", "Number of buffers to output before sending EOS (-1 = unlimited)", "gint",
		-1, math.MaxInt32, -1,
		func() int64 { s.mu.Lock(); defer s.mu.Unlock(); return s.numBuffers },
		func(v int64) { s.mu.Lock(); s.numBuffers = v; s.mu.Unlock() }))
	s.InstallProperty(UintProperty("blocksize", "Size in bytes to read per buffer (-1 = default)", "guint",
		0, math.MaxUint32, 4096,
		func() uint64 { s.mu.Lock(); defer s.mu.Unlock(); return s.blocksize },
		func(v uint64) { s.mu.Lock(); s.blocksize = v; s.mu.Unlock() }))
}

// SrcPad returns the source's pad.
func (s *BaseSrc) SrcPad() *Pad { return s.srcpad }

// SetLive makes the source live (gst_base_src_set_live): it produces data
// only in PLAYING, and the pipeline cannot preroll on it.
func (s *BaseSrc) SetLive(live bool) {
	s.mu.Lock()
	s.live = live
	s.mu.Unlock()
}

// IsLive reports whether the source is live.
func (s *BaseSrc) IsLive() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.live
}

// SetFormat sets the format of the segment the source announces
// (gst_base_src_set_format): TIME, or BYTES as fakesrc uses.
func (s *BaseSrc) SetFormat(f Format) {
	s.mu.Lock()
	s.format = f
	s.mu.Unlock()
}

// activatePush starts or stops the streaming task (gst_base_src_activate_push,
// gstbasesrc.c:3886).
func (s *BaseSrc) activatePush(active bool) bool {
	if active {
		if s.hooks.Start != nil {
			if err := s.hooks.Start(); err != nil {
				s.PostError(fmt.Errorf("%s: could not start: %w", s.Name(), err), "gst_base_src_start")
				return false
			}
		}
		s.mu.Lock()
		s.started = true
		s.flushing = false
		s.numBuffersLeft = s.numBuffers
		s.segment.Init(s.format)
		s.segmentPending = true
		s.streamStarted = false
		s.pendingEOS = false
		s.discont = true
		s.seqnum = NextSeqnum()
		s.mu.Unlock()
		s.srcpad.StartTask(s.loop)
		return true
	}
	// gst_base_src_stop (gstbasesrc.c:3734): unblock, join, then clear the
	// unlock request so that a later start can create again.
	s.setFlushing(true)
	s.srcpad.StopTask()
	s.setFlushing(false)
	s.mu.Lock()
	s.started = false
	s.mu.Unlock()
	if s.hooks.Stop != nil {
		if err := s.hooks.Stop(); err != nil {
			s.PostError(fmt.Errorf("%s: could not stop: %w", s.Name(), err), "gst_base_src_stop")
		}
	}
	return true
}

// setFlushing is gst_base_src_set_flushing (gstbasesrc.c:3783): make a
// blocking Create and a wait for PLAYING return.
func (s *BaseSrc) setFlushing(flushing bool) {
	if flushing && s.hooks.Unlock != nil {
		s.hooks.Unlock()
	}
	s.mu.Lock()
	s.flushing = flushing
	if !flushing && s.hooks.UnlockStop != nil {
		s.hooks.UnlockStop()
	}
	s.cond.Broadcast()
	s.mu.Unlock()
}

// setPlaying is gst_base_src_set_playing (gstbasesrc.c:3846): a live
// source produces only while live_running. Going to PLAYING restarts the
// task, which may have paused on a flush while the source was PAUSED.
func (s *BaseSrc) setPlaying(playing bool) {
	s.mu.Lock()
	s.liveRunning = playing
	s.mu.Unlock()
	if playing && s.srcpad.IsActive() {
		s.srcpad.StartTask(s.loop)
	}
	s.mu.Lock()
	s.cond.Broadcast()
	s.mu.Unlock()
}

// ChangeState is gst_base_src_change_state (gstbasesrc.c:3988): a live
// source answers NO_PREROLL on READY→PAUSED and PLAYING→PAUSED, and
// produces data only while PLAYING.
func (s *BaseSrc) ChangeState(t StateChange) StateChangeReturn {
	noPreroll := false
	switch t {
	case TransitionReadyToPaused:
		noPreroll = s.IsLive()
	case TransitionPausedToPlaying:
		if s.IsLive() {
			s.setPlaying(true)
		}
	}
	ret := s.ElementBase.ChangeState(t)
	if ret == StateChangeFailure {
		return ret
	}
	if t == TransitionPlayingToPaused && s.IsLive() {
		noPreroll = true
		s.setPlaying(false)
	}
	if noPreroll && ret == StateChangeSuccess {
		return StateChangeNoPreroll
	}
	return ret
}

// loop is gst_base_src_loop (gstbasesrc.c:2834), one buffer per iteration.
func (s *BaseSrc) loop(task *Task) {
	pad := s.srcpad
	if pad.IsEOS() {
		task.Pause()
		return
	}
	s.mu.Lock()
	sendStart := !s.streamStarted
	s.streamStarted = true
	s.mu.Unlock()
	if sendStart {
		pad.PushEvent(NewStreamStartEvent(fmt.Sprintf("%s/%d", s.Name(), s.seqnum)))
		if s.hooks.Caps != nil {
			if c := s.hooks.Caps(); c != nil {
				pad.PushEvent(NewCapsEvent(*c))
			}
		}
	}
	buf, ret := s.getRange()
	if ret != FlowOK {
		s.pause(task, ret)
		return
	}
	s.mu.Lock()
	var segEvent *Event
	if s.segmentPending {
		segEvent = NewSegmentEvent(&s.segment)
		s.segmentPending = false
	}
	switch s.segment.Format {
	case FormatBytes:
		s.segment.Position += time.Duration(buf.Size())
	case FormatTime:
		pos := buf.PTS
		if pos == ClockTimeNone {
			pos = s.segment.Position
		}
		if buf.Duration != ClockTimeNone && s.segment.Rate >= 0 {
			pos += buf.Duration
		}
		s.segment.Position = pos
	}
	eos := false
	if s.segment.Stop != ClockTimeNone && s.segment.Position >= s.segment.Stop {
		eos = true
		s.segment.Position = s.segment.Stop
	}
	if s.discont {
		buf = buf.MakeWritable()
		buf.Flags |= BufferFlagDiscont
		s.discont = false
	}
	s.mu.Unlock()
	if segEvent != nil {
		pad.PushEvent(segEvent)
	}
	if ret = pad.Push(buf); ret != FlowOK {
		s.pause(task, ret)
		return
	}
	if eos {
		s.pause(task, FlowEOS)
	}
}

// getRange is gst_base_src_get_range: wait for PLAYING if live, count
// num-buffers, then Create.
func (s *BaseSrc) getRange() (*Buffer, FlowReturn) {
	s.mu.Lock()
	if ret := s.waitPlayingLocked(); ret != FlowOK {
		s.mu.Unlock()
		return nil, ret
	}
	if s.numBuffersLeft >= 0 {
		if s.numBuffersLeft == 0 {
			s.mu.Unlock()
			return nil, FlowEOS
		}
		s.numBuffersLeft--
	}
	if s.pendingEOS {
		s.mu.Unlock()
		return nil, FlowEOS
	}
	offset := uint64(max(s.segment.Position, 0))
	size := int(s.blocksize)
	s.mu.Unlock()

	buf, ret := s.hooks.Create(offset, size)

	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.waitPlayingLocked(); w != FlowOK {
		if ret == FlowOK {
			buf.Unref()
		}
		return nil, w
	}
	if s.pendingEOS {
		if ret == FlowOK {
			buf.Unref()
		}
		return nil, FlowEOS
	}
	if ret == FlowOK && buf == nil {
		return nil, FlowError
	}
	return buf, ret
}

// waitPlayingLocked blocks a live source until PLAYING
// (gst_base_src_wait_playing_unlocked, gstbasesrc.c:509).
func (s *BaseSrc) waitPlayingLocked() FlowReturn {
	for s.live && !s.liveRunning && !s.flushing {
		s.cond.Wait()
	}
	if s.flushing {
		return FlowFlushing
	}
	return FlowOK
}

// ErrInternalDataStream is the error a source or queue posts when
// streaming stops on a fatal flow result (GST_ELEMENT_FLOW_ERROR's
// "Internal data stream error.").
var ErrInternalDataStream = errors.New("internal data stream error")

// pause ends streaming for now: EOS pushes an EOS event; a fatal result
// posts an ERROR and pushes EOS; FLUSHING just pauses (the "pause" label of
// gst_base_src_loop).
func (s *BaseSrc) pause(task *Task, ret FlowReturn) {
	task.Pause()
	switch {
	case ret == FlowEOS:
		s.srcpad.PushEvent(NewEOSEvent().WithSeqnum(s.seqnum))
	case ret == FlowNotLinked || ret < FlowEOS:
		s.PostError(fmt.Errorf("%s: %w", s.Name(), ErrInternalDataStream),
			fmt.Sprintf("streaming stopped, reason %s (%d)", ret, int(ret)))
		s.srcpad.PushEvent(NewEOSEvent().WithSeqnum(s.seqnum))
	}
}

// HandleSendEvent handles an event sent to the source element
// (gst_base_src_send_event, gstbasesrc.c:1857): EOS makes the streaming
// task end the stream after the current buffer; a seek is performed.
func (s *BaseSrc) HandleSendEvent(ev *Event) bool {
	switch ev.Type() {
	case EventEOS:
		s.mu.Lock()
		s.pendingEOS = true
		s.mu.Unlock()
		if s.hooks.Unlock != nil {
			s.hooks.Unlock() // a blocked Create returns; the loop then sends EOS
		}
		return true
	case EventSeek:
		return s.performSeek(ev)
	}
	return s.srcpad.PushEvent(ev)
}

func (s *BaseSrc) srcEvent(ev *Event) bool {
	if ev.Type() == EventSeek {
		return s.performSeek(ev)
	}
	return true
}

// performSeek is gst_base_src_perform_seek (gstbasesrc.c:1679): a flushing
// seek flushes downstream and restarts running time; either way the task
// restarts with a new segment from Segment.DoSeek.
func (s *BaseSrc) performSeek(ev *Event) bool {
	rate, format, flags, startType, start, stopType, stop := ev.Seek()
	flush := flags&SeekFlagFlush != 0
	if flush {
		s.srcpad.PushEvent(NewFlushStartEvent().WithSeqnum(ev.Seqnum()))
	}
	s.setFlushing(true)
	s.srcpad.PauseTask() // waits for the loop iteration to end
	s.setFlushing(false)
	if flush {
		s.srcpad.PushEvent(NewFlushStopEvent(true).WithSeqnum(ev.Seqnum()))
	}
	s.mu.Lock()
	seg := s.segment.Copy()
	s.mu.Unlock()
	if format == FormatUndefined {
		format = seg.Format
	}
	if _, err := seg.DoSeek(rate, format, flags, startType, start, stopType, stop); err != nil {
		s.PostWarning(fmt.Errorf("%s: seek refused: %w", s.Name(), err), "gst_base_src_perform_seek")
		s.srcpad.StartTask(s.loop)
		return false
	}
	s.mu.Lock()
	s.segment = *seg
	s.segmentPending = true
	s.discont = true
	s.mu.Unlock()
	s.srcpad.StartTask(s.loop)
	return true
}

// HandleQuery answers queries on the source (gst_base_src_default_query,
// gstbasesrc.c:1068): latency is (live, min, max) from the Latency hook,
// 0 and unbounded by default; position from the segment.
func (s *BaseSrc) HandleQuery(q *Query) bool {
	switch q.Type() {
	case QueryLatency:
		live := s.IsLive()
		minL, maxL := time.Duration(0), ClockTimeNone
		if live && s.hooks.Latency != nil {
			minL, maxL = s.hooks.Latency()
		}
		q.SetLatency(live, minL, maxL)
		return true
	case QueryPosition:
		s.mu.Lock()
		defer s.mu.Unlock()
		if q.Format() != s.segment.Format {
			return false
		}
		q.SetValue(s.segment.Position)
		return true
	}
	return false
}
