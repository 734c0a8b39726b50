// mutant: Chain keeps s.mu locked while it waits on the clock
package timing

import (
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// SyncTime returns the clock time at which a sink renders a buffer of running
// time runningTime:
//
//	sync_time = base_time + running_time + latency
//
// baseTime is the clock time at which the pipeline's running time was 0, and
// latency the pipeline latency every sink adds so that live sources have time
// to deliver. It returns ClockTimeNone when runningTime is ClockTimeNone: such
// a buffer is not synced at all.
//
// Mirrors gst_base_sink_adjust_time (libs/gst/base/gstbasesink.c:2275), without
// ts-offset and render-delay, plus the "time += base_time" of
// gst_base_sink_wait_clock (libs/gst/base/gstbasesink.c:2353).
func SyncTime(baseTime, runningTime, latency time.Duration) time.Duration {
	if runningTime == none {
		return none
	}
	return baseTime + runningTime + latency
}

// A Rendering is what a Sink records when it renders a buffer.
type Rendering struct {
	PTS         time.Duration // the buffer's PTS
	RunningTime time.Duration // the running time Chain computed for it, ClockTimeNone if none
	ClockTime   time.Duration // Clock.Time() when the buffer was rendered (ClockTimeNone without a clock)
	Jitter      time.Duration // from ClockID.Wait: positive = late by that much; 0 when the sink did not wait
}

// A Sink renders buffers when the clock reaches their sync time, and never
// before: a small GstBaseSink. Set its exported fields, then call Chain from
// one streaming goroutine at a time; do not change the fields while Chain
// runs. The zero value renders at once (Sync is false) in a default segment.
//
// Chain blocks while it waits on the clock. Stop, safe to call from any
// goroutine, ends such a wait at once.
type Sink struct {
	Clock    gstmini.Clock    // the pipeline's clock
	BaseTime time.Duration    // clock time at which running time was 0
	Latency  time.Duration    // added to every sync time
	Sync     bool             // wait on the clock (true) or render at once (false)
	Segment  *gstmini.Segment // the last SEGMENT event; nil means gstmini.NewSegment()

	mu       sync.Mutex // guards the fields below
	clockID  *gstmini.ClockID
	flushing bool
	rendered []Rendering
}

// Chain receives one buffer, as a sink pad's chain function does, and
// returns once the buffer is rendered or dropped.
//
// A buffer is rendered, and recorded in Rendered, when the clock reaches its
// sync time: the SyncTime of the running time at which the segment says the
// buffer must be shown, which is where its part inside the segment begins (or
// ends, when the segment plays backwards). Chain never renders before then,
// and holds no lock while it waits, so that Stop can end the wait. It returns
//
//   - FlowOK once the buffer is rendered, even late (as soon as the clock
//     lets it, with a positive jitter: how late it was), and FlowOK too for a
//     buffer dropped because none of it is inside the segment; a dropped
//     buffer is not waited for and not recorded;
//   - FlowFlushing, rendering nothing, when Stop ended its wait or came
//     before it.
//
// With Sync false, without a Clock, or for a buffer that has no running time,
// it renders at once, with jitter 0. Chain reads buf's PTS and Duration and
// keeps no reference to buf.
//
// For example, with BaseTime 1 s and a segment that starts at 5 s, a buffer
// with PTS 4 s and duration 2 s is rendered when the clock reaches 1 s, at
// running time 0.
//
// Mirrors gst_base_sink_chain_unlocked (libs/gst/base/gstbasesink.c:3761),
// gst_base_sink_get_sync_times (:2068), gst_base_sink_do_sync (:2662) and
// gst_base_sink_wait_clock (:2330).
func (s *Sink) Chain(buf *gstmini.Buffer) gstmini.FlowReturn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flushing {
		return gstmini.FlowFlushing
	}
	seg := s.Segment
	if seg == nil {
		seg = gstmini.NewSegment()
	}
	stop := none
	if buf.PTS != none && buf.Duration != none {
		stop = buf.PTS + buf.Duration
	}
	cstart, cstop, ok := Clip(seg, buf.PTS, stop)
	if !ok {
		return gstmini.FlowOK // out of segment: dropped
	}
	rt, ok := RunningTime(seg, cstart)
	if !ok {
		rt = none // not synced, as GStreamer does with an invalid running time
	}
	if rstop, ok := RunningTime(seg, cstop); ok && seg.Rate < 0 {
		rt = rstop
	}
	var jitter time.Duration
	if t := SyncTime(s.BaseTime, rt, s.Latency); s.Sync && s.Clock != nil && t != none {
		id := gstmini.NewSingleShotID(s.Clock, t)
		s.clockID = id
		var ret gstmini.ClockReturn
		ret, jitter = id.Wait()
		s.clockID = nil
		if ret == gstmini.ClockUnscheduled || s.flushing {
			return gstmini.FlowFlushing
		}
	}
	now := none
	if s.Clock != nil {
		now = s.Clock.Time()
	}
	s.rendered = append(s.rendered, Rendering{PTS: buf.PTS, RunningTime: rt, ClockTime: now, Jitter: jitter})
	return gstmini.FlowOK
}

// Stop makes the sink flush: a Chain waiting on the clock returns
// FlowFlushing at once, and every later Chain too. It is safe to call from
// any goroutine and more than once.
//
// Mirrors gst_base_sink_set_flushing (libs/gst/base/gstbasesink.c:4640),
// which unschedules the clock ID the streaming thread waits on.
func (s *Sink) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushing = true
	if s.clockID != nil {
		s.clockID.Unschedule()
	}
}

// Rendered returns what the sink has rendered so far, oldest first.
func (s *Sink) Rendered() []Rendering {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Rendering(nil), s.rendered...)
}
