// mutant: IsTooLate drops a buffer exactly at the limit (>=)
package live

import (
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// none is gstmini.ClockTimeNone, GStreamer's GST_CLOCK_TIME_NONE: "no time".
const none = gstmini.ClockTimeNone

// IsTooLate reports whether a buffer that reached the sink jitter late
// (positive: late, negative: early) must be dropped instead of rendered,
// as gst_base_sink_is_too_late decides (libs/gst/base/gstbasesink.c:3092):
//
//	maxLateness == -1      never: every buffer is rendered, however late
//	rstart == none         never: a buffer without a running time cannot be judged
//	otherwise              late = rstart + jitter > limit, where
//	                       limit = maxLateness + rstop   (rstop: running time of the buffer's end)
//	                       limit = maxLateness + rstart  (when rstop is none)
//
// rstart + jitter is the running time at which the buffer is rendered, so a
// buffer is too late when it would be rendered after its own end plus
// max-lateness: jitter > duration + max-lateness. Exactly at the limit it
// is rendered. For example, a 33.333333 ms frame at rstart 1 s that is 50 ms
// late: with max-lateness 20 ms, 1.05 s > 1.053333333 s is false, so it is
// rendered (late); with max-lateness 10 ms, 1.05 s > 1.043333333 s: dropped.
func IsTooLate(rstart, rstop, jitter, maxLateness time.Duration) bool {
	if maxLateness == -1 || rstart == none {
		return false
	}
	limit := maxLateness + rstart
	if rstop != none {
		limit = maxLateness + rstop
	}
	return rstart+jitter >= limit
}

// A Rendering is what a Display records for each frame it shows.
type Rendering struct {
	PTS         time.Duration // the frame's PTS
	RunningTime time.Duration // its running time (rstart)
	ClockTime   time.Duration // the clock's time when it was shown
	Jitter      time.Duration // how late: ClockTime - (base_time + running time + latency); 0 when on time
}

// A Display is a video sink: built on gstmini.BaseSink (sync=true, qos=true),
// which waits on the clock until each frame's render time and, after each
// render, sends a QOS event upstream. Create it with NewDisplay. Its own
// lateness rule — MaxLateness, IsTooLate and the drop in render — is what
// you write in Step 3; BaseSink's max-lateness stays -1, so BaseSink itself
// drops nothing.
//
// Set MaxLateness before PAUSED (GStreamer's video sinks default to 20 ms,
// basesink to -1). Read the results with Renderings and Dropped.
type Display struct {
	gstmini.BaseSink
	MaxLateness time.Duration // -1: render every late frame

	mu         sync.Mutex
	renderings []Rendering
	dropped    uint64
}

// NewDisplay returns a display named name in state NULL, with sync and qos
// on and MaxLateness 20 ms.
func NewDisplay(name string) *Display {
	d := &Display{MaxLateness: 20 * time.Millisecond}
	d.InitBaseSink(d, name, gstmini.BaseSinkHooks{Render: d.render})
	if err := d.SetProperty("qos", true); err != nil {
		panic(err) // BaseSink installs "qos": cannot happen
	}
	return d
}

// times returns the running times of buf's start and end in the sink's
// segment, and how late the clock is now for buf: now - (base_time +
// rstart + latency), the jitter BaseSink's clock wait reported.
func (d *Display) times(buf *gstmini.Buffer) (rstart, rstop, jitter time.Duration) {
	seg := d.Segment()
	rstart, rstop = none, none
	if r, ok := seg.ToRunningTime(buf.PTS); ok && buf.PTS != none {
		rstart = r
	}
	if buf.PTS != none && buf.Duration != none {
		if r, ok := seg.ToRunningTime(buf.PTS + buf.Duration); ok {
			rstop = r
		}
	}
	if clock := d.Clock(); clock != nil && rstart != none {
		jitter = clock.Time() - (d.BaseTime() + rstart + d.Latency())
	}
	return rstart, rstop, jitter
}

// render is the Render hook: BaseSink calls it once the clock has reached
// buf's render time (or at once, with positive jitter, if that time had
// passed). It decides, with IsTooLate and d.MaxLateness on d.times(buf),
// whether the frame is shown or dropped:
//
//   - shown: d.show(buf, rstart, jitter) records a Rendering;
//   - dropped: count it (d.dropped) and post a QOS message
//     (gst_base_sink_chain_unlocked's drop, gstbasesink.c:4048) with
//     Live true, RunningTime rstart, StreamTime (the segment's stream time
//     of the PTS), Timestamp PTS, Duration, Jitter, Proportion -1 (the
//     rate estimate is BaseSink's, not the Display's), Quality 1000000,
//     Processed = frames shown so far, Dropped = frames dropped so far,
//     this one included.
//
// Either way it returns FlowOK: a late frame is not an error. For example,
// with MaxLateness 20 ms a 33 ms frame 60 ms late is dropped and the bus
// gets a QOS message with Jitter 60 ms and Dropped 1.
func (d *Display) render(buf *gstmini.Buffer) gstmini.FlowReturn {
	rstart, rstop, jitter := d.times(buf)
	if IsTooLate(rstart, rstop, jitter, d.MaxLateness) {
		st, ok := d.Segment().ToStreamTime(buf.PTS)
		if !ok {
			st = none
		}
		d.mu.Lock()
		d.dropped++
		v := gstmini.QOSValues{
			Live: true, RunningTime: rstart, StreamTime: st, Timestamp: buf.PTS, Duration: buf.Duration,
			Jitter: jitter, Proportion: -1, Quality: 1000000,
			Processed: uint64(len(d.renderings)), Dropped: d.dropped,
		}
		d.mu.Unlock()
		d.PostMessage(gstmini.NewQOSMessage(d, v))
		return gstmini.FlowOK
	}
	d.show(buf, rstart, jitter)
	return gstmini.FlowOK
}

// show records that buf, of running time rstart, is shown now, jitter late.
func (d *Display) show(buf *gstmini.Buffer, rstart, jitter time.Duration) {
	now := none
	if clock := d.Clock(); clock != nil {
		now = clock.Time()
	}
	d.mu.Lock()
	d.renderings = append(d.renderings, Rendering{PTS: buf.PTS, RunningTime: rstart, ClockTime: now, Jitter: max(jitter, 0)})
	d.mu.Unlock()
}

// Renderings returns a copy of the frames shown so far.
func (d *Display) Renderings() []Rendering {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Rendering(nil), d.renderings...)
}

// Dropped returns how many frames the Display dropped as too late.
func (d *Display) Dropped() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dropped
}
