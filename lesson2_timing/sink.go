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
// TODO(lesson2): implement. README Step 4.
func SyncTime(baseTime, runningTime, latency time.Duration) time.Duration {
	return 0
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
// returns once the buffer is rendered or dropped:
//
//  1. after Stop it returns FlowFlushing at once;
//  2. it clips [PTS, PTS+Duration] to the segment with Clip; a buffer
//     outside is dropped: not rendered, FlowOK;
//  3. it computes the running time of the clipped start (of the clipped stop
//     when Segment.Rate < 0: reverse playback renders a buffer at its end);
//  4. if Sync is on, there is a Clock and the running time is known, it waits
//     with a gstmini.ClockID until SyncTime(BaseTime, running time, Latency),
//     without holding its lock, so that Stop can unschedule the wait; an
//     unscheduled wait returns FlowFlushing without rendering;
//  5. it renders: it records a Rendering with the clock's time and the
//     jitter of the wait, and returns FlowOK.
//
// A late buffer (its sync time already passed) is rendered as soon as the
// clock releases the wait, with a positive jitter: how late it was.
// Chain reads buf's PTS and Duration and keeps no reference to buf.
//
// Mirrors gst_base_sink_chain_unlocked (libs/gst/base/gstbasesink.c:3761),
// gst_base_sink_get_sync_times (:2068), gst_base_sink_do_sync (:2662) and
// gst_base_sink_wait_clock (:2330).
// TODO(lesson2): implement. README Step 4 (clip, running time, wait), then Step 5 (sync off, late buffers, Stop).
func (s *Sink) Chain(buf *gstmini.Buffer) gstmini.FlowReturn {
	return gstmini.FlowOK
}

// Stop makes the sink flush: a Chain waiting on the clock returns
// FlowFlushing at once, and every later Chain too. It is safe to call from
// any goroutine and more than once.
//
// Mirrors gst_base_sink_set_flushing (libs/gst/base/gstbasesink.c:4640),
// which unschedules the clock ID the streaming thread waits on.
// TODO(lesson2): implement. README Step 5.
func (s *Sink) Stop() {
}

// Rendered returns what the sink has rendered so far, oldest first.
func (s *Sink) Rendered() []Rendering {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Rendering(nil), s.rendered...)
}
