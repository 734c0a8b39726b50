package seeking

import (
	"github.com/gstmini/workbook/gstmini"
)

// PerformSeek performs the seek event ev on the running source, and
// reports whether it was performed (gst_base_src_perform_seek,
// gstbasesrc.c:1679 at 1.22.0). Only TIME seeks are performed; a seek in
// any other format is refused at once, with nothing changed.
//
// A flushing seek (SeekFlagFlush) first pushes FLUSH_START (with ev's
// seqnum) on the source pad: every pad downstream refuses data from then on
// and every streaming goroutine wakes wherever it waits — a sink in its
// clock or preroll wait, a queue's full chain, the source's own push — so
// the task's iteration ends at once. A non-flushing seek pauses the task
// instead (SrcPad().PauseTask()): the buffer in flight is played to the end.
//
// Then, holding the source pad's stream lock, so that nothing moves:
//
//  1. apply the seek to a copy of the current segment (Segment.DoSeek). A
//     flushing seek sets Base 0; a non-flushing one sets Base to the
//     running time the old segment reached — running time goes on.
//  2. for a flushing seek, push FLUSH_STOP with reset-time (ev's seqnum):
//     the pads accept data again, and the sinks post RESET_TIME, so the
//     pipeline takes a new base time and running time restarts at 0.
//  3. if DoSeek succeeded, UseSegment(the new segment, ev's seqnum).
//  4. StartTask, whether the seek succeeded or not.
func (s *FileSrc) PerformSeek(ev *gstmini.Event) bool {
	rate, format, flags, startType, start, stopType, stop := ev.Seek()
	if format != gstmini.FormatTime {
		return false
	}
	flush := flags&gstmini.SeekFlagFlush != 0
	if flush {
		s.SrcPad().PushEvent(gstmini.NewFlushStartEvent().WithSeqnum(ev.Seqnum()))
	} else {
		s.SrcPad().PauseTask()
	}
	lock := s.SrcPad().StreamLock()
	lock.Lock()
	defer lock.Unlock()

	seg := s.Segment()
	_, err := seg.DoSeek(rate, format, flags, startType, start, stopType, stop)
	if flush {
		s.SrcPad().PushEvent(gstmini.NewFlushStopEvent(true).WithSeqnum(ev.Seqnum()))
	}
	if err == nil {
		s.UseSegment(seg, ev.Seqnum())
	}
	s.StartTask()
	return err == nil
}
