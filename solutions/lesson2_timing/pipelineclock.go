package timing

import (
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// A PipelineClock is the bookkeeping a top-level pipeline does so that
// running time (clock time minus base time) counts only the time spent
// PLAYING: it chooses BaseTime when the pipeline starts playing and
// remembers the running time reached, StartTime, when it pauses.
//
// The zero value is a pipeline in PAUSED whose running time starts from 0;
// set Clock before calling Play. A PipelineClock is not safe for concurrent
// use: a pipeline changes state on one goroutine at a time.
//
// Setting StartTime to ClockTimeNone hands BaseTime to the application:
// Play, Pause and Ready then leave both fields alone
// (gst_element_set_start_time with GST_CLOCK_TIME_NONE).
type PipelineClock struct {
	Clock     gstmini.Clock
	BaseTime  time.Duration // clock time at which running time was 0
	StartTime time.Duration // running time to resume from at the next Play

	playing bool
}

// Play is PAUSED→PLAYING: unless it is already playing or StartTime is
// ClockTimeNone, it sets
//
//	base_time = clock.Time() - start_time
//
// so that running time continues from StartTime. Calling Play while playing
// changes nothing.
//
// Mirrors GST_STATE_CHANGE_PAUSED_TO_PLAYING in gst_pipeline_change_state
// (gst/gstpipeline.c:397), without the pipeline's delay.
func (p *PipelineClock) Play() {
	if p.playing {
		return
	}
	p.playing = true
	if p.StartTime != none {
		p.BaseTime = p.Clock.Time() - p.StartTime
	}
}

// Pause is PLAYING→PAUSED: unless it is already paused or StartTime is
// ClockTimeNone, it keeps the running time reached,
//
//	start_time = clock.Time() - base_time
//
// for the next Play. Calling Pause while paused changes nothing.
//
// Mirrors pipeline_update_start_time (gst/gstpipeline.c:355).
func (p *PipelineClock) Pause() {
	if !p.playing {
		return
	}
	p.playing = false
	if p.StartTime != none {
		p.StartTime = p.Clock.Time() - p.BaseTime
	}
}

// Ready is PAUSED→READY (and READY→PAUSED): it stops playing and, unless
// StartTime is ClockTimeNone, sets StartTime to 0, so the next Play starts
// running time from 0 again.
//
// Mirrors reset_start_time (gst/gstpipeline.c:313).
func (p *PipelineClock) Ready() {
	p.playing = false
	if p.StartTime != none {
		p.StartTime = 0
	}
}

// RunningTime returns the pipeline's running time while it plays:
//
//	running_time = clock.Time() - base_time
//
// Mirrors the running time elements compute from gst_clock_get_time and
// gst_element_get_base_time (GstElement's base_time field).
func (p *PipelineClock) RunningTime() time.Duration {
	return p.Clock.Time() - p.BaseTime
}
