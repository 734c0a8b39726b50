package seeking

import (
	"fmt"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// This file is given: you do not edit it. It is a small "file" source, the
// shape of GstBaseSrc with a demuxer behind it, written out so that the
// parts you write are the parts that matter: how it walks its segment
// (NextFrame and EndOfSegment, frames.go) and how it performs a seek
// (PerformSeek, seek.go).

// FileSrcFactory is the factory name FileSrc is registered under, so that
// launch lines can use it: "lessonfilesrc ! fakesink sync=true".
const FileSrcFactory = "lessonfilesrc"

func init() {
	err := gstmini.Register(gstmini.ElementFactory{
		Name: FileSrcFactory, LongName: "Lesson 7 file source", Klass: "Source/File",
		Description: "A 1 s clip of 100 ms frames, seekable with your PerformSeek",
		New:         func(name string) gstmini.Element { return NewFileSrc(name) },
	})
	if err != nil {
		panic(err)
	}
}

// Clip defaults: ten frames of 100 ms.
const (
	DefaultFrame    = 100 * time.Millisecond
	DefaultDuration = time.Second
)

// A FileSrc plays a clip of Duration in frames of Frame, as a file source
// and its demuxer would: a non-live source in TIME whose buffers are a
// function of their position — the buffer at PTS p carries one byte, the
// number of the frame p falls in. Create it with NewFileSrc.
//
// Its streaming goroutine is a pad task (gst_base_src_loop,
// gstbasesrc.c:2834 at 1.22.0). Each iteration, holding the source pad's
// stream lock:
//
//  1. sends stream-start once, then the pending SEGMENT (after a start or
//     a seek, with the seqnum UseSegment was given);
//  2. asks your NextFrame for the next buffer of the segment; when there is
//     none, pushes your EndOfSegment's event (posting SEGMENT_DONE for a
//     segment-done event) and pauses;
//  3. pushes the buffer, DISCONT if it is the first after a start or seek,
//     or if the segment plays backwards; a result other than OK pauses the
//     task (a fatal one posts an ERROR and pushes EOS).
//
// A seek event arriving on the source pad (sent upstream by a sink, after
// Pipeline.Seek) goes to your PerformSeek. Queries on the source pad answer
// position (the stream time of the segment's position: where the next
// buffer starts, or ends when playing backwards) and duration.
type FileSrc struct {
	gstmini.ElementBase

	// Frame and Duration shape the clip; set them before PAUSED.
	Frame, Duration time.Duration

	srcpad *gstmini.Pad

	mu             sync.Mutex
	active         bool
	segment        gstmini.Segment
	segmentPending bool
	segmentSeqnum  uint32
	lastSeqnum     uint32
	discont        bool
	streamStarted  bool
}

// NewFileSrc returns a source named name, in state NULL, with the default
// clip (1 s of 100 ms frames).
func NewFileSrc(name string) *FileSrc {
	s := &FileSrc{Frame: DefaultFrame, Duration: DefaultDuration}
	s.Init(s, name)
	s.SetFlags(gstmini.ElementFlagSource)
	s.srcpad = gstmini.NewPad("src", gstmini.PadSrc)
	s.srcpad.SetActivateModeFunc(func(_ *gstmini.Pad, _ gstmini.Element, _ gstmini.PadMode, active bool) bool {
		return s.activate(active)
	})
	s.srcpad.SetEventFunc(func(_ *gstmini.Pad, _ gstmini.Element, ev *gstmini.Event) bool {
		if ev.Type() == gstmini.EventSeek {
			return s.PerformSeek(ev)
		}
		return true
	})
	s.srcpad.SetQueryFunc(func(_ *gstmini.Pad, _ gstmini.Element, q *gstmini.Query) bool { return s.query(q) })
	if err := s.AddPad(s.srcpad); err != nil {
		panic(err) // a fresh pad on a fresh element: cannot happen
	}
	return s
}

// SrcPad returns the source's pad. PerformSeek pushes flushes on it, pauses
// its task and takes its stream lock (SrcPad().StreamLock()).
func (s *FileSrc) SrcPad() *gstmini.Pad { return s.srcpad }

// Segment returns a copy of the segment the source is playing.
func (s *FileSrc) Segment() gstmini.Segment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.segment.Copy()
}

// UseSegment makes seg the segment the source plays from its next
// iteration on: that iteration sends it as a SEGMENT event carrying seqnum
// (the seek's: every event a seek causes carries its seqnum, so that
// applications and elements can tell which seek they belong to) and marks
// the next buffer DISCONT. For a segment seek (SegmentFlagSegment) it
// posts SEGMENT_START, which the pipeline keeps, to post SEGMENT_DONE once
// every source has finished (gst_base_src_perform_seek, gstbasesrc.c:1821).
// Call it holding the stream lock.
func (s *FileSrc) UseSegment(seg gstmini.Segment, seqnum uint32) {
	s.mu.Lock()
	if s.lastSeqnum == seqnum {
		s.mu.Unlock()
		s.PostWarning(fmt.Errorf("%s: the same seek (seqnum %d) was performed twice", s.Name(), seqnum), "gst_base_src_perform_seek")
		s.mu.Lock()
	}
	s.lastSeqnum = seqnum
	s.segment = *seg.Copy()
	s.segmentPending = true
	s.segmentSeqnum = seqnum
	s.discont = true
	s.mu.Unlock()
	if seg.Flags&gstmini.SegmentFlagSegment != 0 {
		m := gstmini.NewSegmentStartMessage(s, seg.Format, seg.Position)
		m.Seqnum = seqnum
		s.PostMessage(m)
	}
}

// StartTask starts the streaming task again, or resumes it after a pause
// (gst_pad_start_task). It does nothing while the source is not active
// (NULL or READY).
func (s *FileSrc) StartTask() {
	s.mu.Lock()
	active := s.active
	s.mu.Unlock()
	if active {
		s.srcpad.StartTask(s.loop)
	}
}

func (s *FileSrc) activate(active bool) bool {
	if active {
		s.mu.Lock()
		s.active = true
		s.segment.Init(gstmini.FormatTime)
		s.segment.Duration = s.Duration
		s.segmentPending, s.segmentSeqnum = true, gstmini.NextSeqnum()
		s.discont, s.streamStarted = true, false
		s.mu.Unlock()
		s.srcpad.StartTask(s.loop)
		return true
	}
	s.mu.Lock()
	s.active = false
	s.mu.Unlock()
	s.srcpad.StopTask() // the pad is flushing already: a push in flight returns
	return true
}

// loop is one iteration of the streaming task.
func (s *FileSrc) loop(task *gstmini.Task) {
	pad := s.srcpad
	if pad.IsEOS() {
		task.Pause()
		return
	}
	s.mu.Lock()
	sendStart := !s.streamStarted
	s.streamStarted = true
	var segEvent *gstmini.Event
	if s.segmentPending {
		segEvent = gstmini.NewSegmentEvent(&s.segment).WithSeqnum(s.segmentSeqnum)
		s.segmentPending = false
	}
	frame := s.Frame
	pts, duration, ok := NextFrame(&s.segment, frame)
	seg := *s.segment.Copy()
	discont := s.discont || seg.Rate < 0
	s.discont = false
	seqnum := s.lastSeqnum
	s.mu.Unlock()

	if sendStart {
		pad.PushEvent(gstmini.NewStreamStartEvent(s.Name()))
	}
	if segEvent != nil {
		pad.PushEvent(segEvent)
	}
	if !ok {
		task.Pause()
		end := EndOfSegment(&seg)
		if end == nil {
			s.PostWarning(fmt.Errorf("%s: EndOfSegment returned no event: the stream stops without EOS", s.Name()), "lesson7")
			return
		}
		if seqnum != 0 {
			end = end.WithSeqnum(seqnum)
		}
		if end.Type() == gstmini.EventSegmentDone {
			format, position := end.SegmentDone()
			m := gstmini.NewSegmentDoneMessage(s, format, position)
			m.Seqnum = end.Seqnum()
			s.PostMessage(m)
		}
		pad.PushEvent(end)
		return
	}
	buf := gstmini.NewBuffer(1)
	buf.PTS, buf.Duration = pts, duration
	if frame > 0 {
		buf.Data[0] = byte(pts / frame)
	}
	if discont {
		buf.Flags |= gstmini.BufferFlagDiscont
	}
	if ret := pad.Push(buf); ret != gstmini.FlowOK {
		task.Pause()
		if ret == gstmini.FlowNotLinked || ret < gstmini.FlowEOS {
			s.PostError(fmt.Errorf("%s: %w", s.Name(), gstmini.ErrInternalDataStream),
				fmt.Sprintf("streaming stopped, reason %s", ret))
			pad.PushEvent(gstmini.NewEOSEvent())
		}
	}
}

// query answers position and duration in TIME (gst_base_src_default_query,
// gstbasesrc.c:1068).
func (s *FileSrc) query(q *gstmini.Query) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.Format() != gstmini.FormatTime {
		return false
	}
	switch q.Type() {
	case gstmini.QueryPosition:
		st, ok := s.segment.ToStreamTime(s.segment.Position)
		if !ok {
			st = gstmini.ClockTimeNone
		}
		q.SetValue(st)
		return true
	case gstmini.QueryDuration:
		q.SetValue(s.segment.Duration)
		return true
	}
	return false
}
