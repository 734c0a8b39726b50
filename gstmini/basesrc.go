package gstmini

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
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
	// IsSeekable says whether a seek event arriving on the source pad is
	// performed (GstBaseSrcClass.is_seekable). Unset, the source is
	// seekable in its segment format: gstmini's sources replay their
	// data from any position, where GStreamer's default is "not
	// seekable" (gst_base_src_seekable, gstbasesrc.c:2077).
	IsSeekable func() bool
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
	liveNow        atomic.Bool // live, for IsLive without the lock (sources ask it per buffer)
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
	seqnum         uint32 // of the last seek (priv->seqnum): EOS and SEGMENT_DONE carry it
	segmentSeqnum  uint32 // for the next SEGMENT event (priv->segment_seqnum)
	duration       time.Duration
	pendingSeek    *Event // a seek sent before the source started (src->pending_seek)
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
	s.duration = ClockTimeNone
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
	s.liveNow.Store(live)
	s.mu.Unlock()
}

// IsLive reports whether the source is live.
func (s *BaseSrc) IsLive() bool { return s.liveNow.Load() }

// SetFormat sets the format of the segment the source announces
// (gst_base_src_set_format): TIME, or BYTES as fakesrc uses.
func (s *BaseSrc) SetFormat(f Format) {
	s.mu.Lock()
	s.format = f
	s.mu.Unlock()
}

// SetDuration sets the length of the media in the segment format, which
// the duration query answers and seeks are clamped to; ClockTimeNone means
// unknown, the default. GStreamer's subclasses write src->segment.duration
// for this, usually in their start method (gst_base_src_start_complete,
// gstbasesrc.c:3600, refreshes it only for BYTES).
func (s *BaseSrc) SetDuration(d time.Duration) {
	s.mu.Lock()
	s.duration = d
	s.segment.Duration = d
	s.mu.Unlock()
}

// Segment returns a copy of the segment the source is producing: after a
// seek, its Position is where the next buffer starts (its end, for a
// negative rate) and Rate says which way to go. Create hooks read it, as
// GStreamer's subclasses read src->segment.
func (s *BaseSrc) Segment() Segment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.segment.Copy()
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
		s.segment.Duration = s.duration
		s.segmentPending = true
		s.streamStarted = false
		s.pendingEOS = false
		s.discont = true
		s.seqnum = NextSeqnum()
		s.segmentSeqnum = NextSeqnum()
		pending := s.pendingSeek
		s.pendingSeek = nil
		s.mu.Unlock()
		if pending == nil {
			s.srcpad.StartTask(s.loop)
			return true
		}
		// gst_base_src_start_complete (gstbasesrc.c:3638): a seek sent
		// before the start is performed now, and starts the task.
		if !s.performSeek(pending, false) {
			s.PostError(fmt.Errorf("%s: failed to perform the initial seek: %s", s.Name(), pending), "gst_base_src_start_complete")
			return false
		}
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
	// Two lock sections a buffer: before Create and after it
	// (gst_base_src_get_range's, with the loop's bookkeeping folded in).
	s.mu.Lock()
	if !s.streamStarted {
		s.streamStarted = true
		s.mu.Unlock()
		pad.PushEvent(NewStreamStartEvent(fmt.Sprintf("%s/%d", s.Name(), s.seqnum)))
		if s.hooks.Caps != nil {
			if c := s.hooks.Caps(); c != nil {
				pad.PushEvent(NewCapsEvent(*c))
			}
		}
		s.mu.Lock()
	}
	offset, size, ret := s.beforeCreateLocked()
	s.mu.Unlock()
	if ret != FlowOK {
		s.pause(task, ret)
		return
	}

	buf, ret := s.hooks.Create(offset, size)

	s.mu.Lock()
	if buf, ret = s.afterCreateLocked(buf, ret); ret != FlowOK {
		s.mu.Unlock()
		s.pause(task, ret)
		return
	}
	var segEvent *Event
	if s.segmentPending {
		segEvent = NewSegmentEvent(&s.segment).WithSeqnum(s.segmentSeqnum)
		s.segmentSeqnum = NextSeqnum()
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
	// The end of the segment: its stop going forwards, its start going
	// backwards, where every buffer is DISCONT (gst_base_src_loop,
	// gstbasesrc.c:2996).
	eos := false
	if s.segment.Rate >= 0 {
		if s.segment.Stop != ClockTimeNone && s.segment.Position >= s.segment.Stop {
			eos = true
			s.segment.Position = s.segment.Stop
		}
	} else {
		if s.segment.Position <= s.segment.Start {
			eos = true
			s.segment.Position = s.segment.Start
		}
		s.discont = true
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
	// A seek performed while the buffer was pushed configured a new
	// segment: that one plays on (basesrc_seek_on_last_buffer).
	if eos {
		s.mu.Lock()
		eos = !s.segmentPending
		s.mu.Unlock()
	}
	if eos {
		s.pause(task, FlowEOS)
	}
}

// beforeCreateLocked is the first half of gst_base_src_get_range: wait
// for PLAYING if live, count num-buffers, and say where to read.
func (s *BaseSrc) beforeCreateLocked() (offset uint64, size int, ret FlowReturn) {
	if ret := s.waitPlayingLocked(); ret != FlowOK {
		return 0, 0, ret
	}
	if s.numBuffersLeft >= 0 {
		if s.numBuffersLeft == 0 {
			return 0, 0, FlowEOS
		}
		s.numBuffersLeft--
	}
	if s.pendingEOS {
		return 0, 0, FlowEOS
	}
	return uint64(max(s.segment.Position, 0)), int(s.blocksize), FlowOK
}

// afterCreateLocked is the second half: a flush, shutdown or EOS request
// that came while Create ran discards its buffer.
func (s *BaseSrc) afterCreateLocked(buf *Buffer, ret FlowReturn) (*Buffer, FlowReturn) {
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

// pause ends streaming for now (the "pause" label of gst_base_src_loop,
// gstbasesrc.c:3081): at the end of a segment played with SeekFlagSegment
// it posts SEGMENT_DONE and pushes a segment-done event; any other EOS
// pushes an EOS event; a fatal result posts an ERROR and pushes EOS;
// FLUSHING just pauses. The events carry the last seek's seqnum.
func (s *BaseSrc) pause(task *Task, ret FlowReturn) {
	task.Pause()
	s.mu.Lock()
	seqnum := s.seqnum
	forced := s.pendingEOS
	segmentSeek := s.segment.Flags&SegmentFlagSegment != 0
	format, position := s.segment.Format, s.segment.Position
	s.mu.Unlock()
	switch {
	case ret == FlowEOS && segmentSeek && !forced:
		m := NewSegmentDoneMessage(s.self, format, position)
		m.Seqnum = seqnum
		s.PostMessage(m)
		s.srcpad.PushEvent(NewSegmentDoneEvent(format, position).WithSeqnum(seqnum))
	case ret == FlowEOS:
		s.srcpad.PushEvent(NewEOSEvent().WithSeqnum(seqnum))
	case ret == FlowNotLinked || ret < FlowEOS:
		s.PostError(fmt.Errorf("%s: %w", s.Name(), ErrInternalDataStream),
			fmt.Sprintf("streaming stopped, reason %s (%d)", ret, int(ret)))
		s.srcpad.PushEvent(NewEOSEvent().WithSeqnum(seqnum))
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
		// A source that has not started yet keeps the seek and performs
		// it when it starts (gstbasesrc.c:2006).
		s.mu.Lock()
		started := s.started
		if !started {
			s.pendingSeek = ev
		}
		s.mu.Unlock()
		if !started {
			return true
		}
		return s.performSeek(ev, true)
	}
	return s.srcpad.PushEvent(ev)
}

// srcEvent is the source pad's event function (gst_base_src_default_event,
// gstbasesrc.c:2103): a seek from downstream is performed if the source is
// seekable.
func (s *BaseSrc) srcEvent(ev *Event) bool {
	if ev.Type() == EventSeek {
		if s.hooks.IsSeekable != nil && !s.hooks.IsSeekable() {
			return false
		}
		return s.performSeek(ev, true)
	}
	return true
}

// performSeek is gst_base_src_perform_seek (gstbasesrc.c:1679). A
// flushing seek pushes FLUSH_START, which makes every pad downstream refuse
// data and wakes every streaming goroutine where it waits; a non-flushing
// one pauses the task, so the buffer in flight finishes. With unlock, a
// blocking Create is woken too. Then, holding the stream lock (no buffer
// moves), it applies the seek to a copy of the segment (Segment.DoSeek: a
// flush sets Base 0, otherwise Base is the running time reached), pushes
// FLUSH_STOP with reset-time for a flushing seek, makes the result the
// segment (posting SEGMENT_START for a segment seek), marks a new SEGMENT
// event and a DISCONT buffer pending, and restarts the task. A seek that
// fails leaves the segment as it was and restarts the task anyway.
func (s *BaseSrc) performSeek(ev *Event, unlock bool) bool {
	rate, format, flags, startType, start, stopType, stop := ev.Seek()
	s.mu.Lock()
	dest := s.segment.Format
	s.mu.Unlock()
	if format == FormatUndefined {
		format = dest
	}
	if format != dest {
		// GStreamer asks the subclass to convert (prepare_seek_segment);
		// gstmini's sources seek only in their own format.
		s.PostWarning(fmt.Errorf("%s: seek refused: %s seek on a %s segment", s.Name(), format, dest), "gst_base_src_perform_seek")
		return false
	}
	flush := flags&SeekFlagFlush != 0
	seqnum := ev.Seqnum()
	if flush {
		s.srcpad.PushEvent(NewFlushStartEvent().WithSeqnum(seqnum))
	} else {
		s.srcpad.PauseTask()
	}
	if unlock {
		s.setFlushing(true)
	}
	lock := s.srcpad.StreamLock()
	lock.Lock()
	defer lock.Unlock()
	s.mu.Lock()
	if s.seqnum == seqnum {
		logger(categoryElement).Warn("duplicate seek event", "element", s.Name(), "seqnum", seqnum)
	}
	s.seqnum = seqnum
	seg := s.segment.Copy()
	s.mu.Unlock()
	if unlock {
		s.setFlushing(false)
	}
	_, err := seg.DoSeek(rate, format, flags, startType, start, stopType, stop)
	if flush {
		s.srcpad.PushEvent(NewFlushStopEvent(true).WithSeqnum(seqnum))
	}
	if err != nil {
		s.PostWarning(fmt.Errorf("%s: seek refused: %w", s.Name(), err), "gst_base_src_perform_seek")
	} else {
		s.mu.Lock()
		s.segment = *seg
		s.segmentPending = true
		s.segmentSeqnum = seqnum
		s.mu.Unlock()
		if seg.Flags&SegmentFlagSegment != 0 {
			m := NewSegmentStartMessage(s.self, seg.Format, seg.Position)
			m.Seqnum = seqnum
			s.PostMessage(m)
		}
	}
	s.mu.Lock()
	s.discont = true
	s.mu.Unlock()
	s.srcpad.StartTask(s.loop)
	return err == nil
}

// HandleQuery answers queries on the source (gst_base_src_default_query,
// gstbasesrc.c:1068): latency is (live, min, max) from the Latency hook,
// 0 and unbounded by default; position is the stream time of the
// segment's position (where the next buffer starts), duration what
// SetDuration set, ClockTimeNone if unknown.
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
		if q.Format() == FormatPercent {
			q.SetValue(percentOf(s.segment.Position, s.segment.Duration))
			return true
		}
		if q.Format() != s.segment.Format {
			return false // GStreamer converts with a CONVERT query; gstmini has none
		}
		st, ok := s.segment.ToStreamTime(s.segment.Position)
		if !ok {
			st = ClockTimeNone
		}
		q.SetValue(st)
		return true
	case QueryDuration:
		s.mu.Lock()
		defer s.mu.Unlock()
		if q.Format() == FormatPercent {
			q.SetValue(PercentMax)
			return true
		}
		if q.Format() != s.segment.Format {
			return false
		}
		// Unknown (ClockTimeNone) is an answer too: the media has no
		// known length. Failing would mean "cannot tell".
		q.SetValue(s.segment.Duration)
		return true
	}
	return false
}

// PercentMax is 100 % in FormatPercent (GST_FORMAT_PERCENT_MAX).
const PercentMax time.Duration = 1000000

// percentOf is position as a share of duration, in FormatPercent.
func percentOf(position, duration time.Duration) time.Duration {
	if position == ClockTimeNone || duration == ClockTimeNone || position < 0 || duration <= 0 {
		return -1
	}
	if position >= duration {
		return PercentMax
	}
	return time.Duration(float64(PercentMax) * float64(position) / float64(duration))
}
