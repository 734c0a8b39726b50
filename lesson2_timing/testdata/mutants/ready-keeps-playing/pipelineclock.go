// mutant: Ready does not stop playing, so the next Play keeps the old base time
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

// Play is PAUSED→PLAYING: it chooses BaseTime so that running time
// continues from StartTime, the running time reached before (0 the first
// time). Calling Play while playing changes nothing, and a StartTime of
// ClockTimeNone leaves BaseTime to the application.
//
// For example, a pipeline paused with StartTime 3 s and played again when the
// clock reads 20 s gets BaseTime 17 s: its running time is 3 s again.
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

// Pause is PLAYING→PAUSED: it keeps in StartTime the running time reached,
// for the next Play. Calling Pause while paused changes nothing, and a
// StartTime of ClockTimeNone stays NONE.
//
// For example, a pipeline that started playing when the clock read 10 s
// (BaseTime 10 s) and pauses at 13 s gets StartTime 3 s.
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

// Ready is PAUSED→READY (and READY→PAUSED): it stops playing and makes the
// next Play start running time from 0 again, unless StartTime is
// ClockTimeNone.
//
// For example, a pipeline paused with StartTime 5 s has StartTime 0 after
// Ready, and the next Play at clock time 30 s gives BaseTime 30 s.
//
// Mirrors reset_start_time (gst/gstpipeline.c:313).
func (p *PipelineClock) Ready() {
	if p.StartTime != none {
		p.StartTime = 0
	}
}

// RunningTime returns the pipeline's running time while it plays: how long
// it has been PLAYING, counted on the clock since BaseTime.
//
// For example, with BaseTime 17 s and the clock at 21 s it returns 4 s.
//
// Mirrors the running time elements compute from gst_clock_get_time and
// gst_element_get_base_time (GstElement's base_time field).
func (p *PipelineClock) RunningTime() time.Duration {
	return p.Clock.Time() - p.BaseTime
}
