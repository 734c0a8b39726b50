package avsync

import (
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// SinkTiming is what a sink adds to a buffer's running time before it
// waits on the clock: the pipeline's latency, which the pipeline
// configures on every sink with a LATENCY event, and the sink's own
// "ts-offset" and "render-delay" properties.
type SinkTiming struct {
	// Latency is the latency the pipeline configured (the minimum of
	// CombineLatency over its sinks' answers; 0 in a pipeline that is not
	// live).
	Latency time.Duration
	// TsOffset shifts every render of this sink: positive later, negative
	// earlier ("ts-offset").
	TsOffset time.Duration
	// RenderDelay is how long the sink's device takes to output what it is
	// given ("render-delay"): the sink renders that much earlier. The sink
	// adds it to the latency it reports, so the pipeline's latency covers
	// it.
	RenderDelay time.Duration
}

// SyncTime returns the clock time a sink waits for before it renders a
// buffer of running time runningTime, when its base time is baseTime:
//
//	base_time + running_time + latency + ts-offset - render-delay
//
// where running_time + latency + ts-offset - render-delay never goes below 0
// (gst_base_sink_adjust_time, gstbasesink.c:2275 at 1.22.0, then
// gst_base_sink_wait_clock, :2330, adds base_time). A buffer without a
// running time (ClockTimeNone) is not synced: SyncTime returns
// ClockTimeNone.
//
// Worked example: base time 2 s, a buffer of running time 100 ms, latency
// 140 ms, render-delay 100 ms: the sink waits until 2.14 s and hands the
// buffer to its device, which outputs it at 2.24 s = base + 100 ms + 140 ms.
// A second sink of the same pipeline, without render delay, waits until
// 2.24 s for the same running time: both outputs meet.
func SyncTime(baseTime, runningTime time.Duration, s SinkTiming) time.Duration {
	if runningTime == gstmini.ClockTimeNone {
		return gstmini.ClockTimeNone
	}
	t := runningTime + s.Latency
	switch {
	case s.TsOffset >= 0:
		t += s.TsOffset
	case -s.TsOffset < t:
		t += s.TsOffset
	default:
		t = 0
	}
	if t > s.RenderDelay {
		t -= s.RenderDelay
	} else {
		t = 0
	}
	return baseTime + t
}

// Latency is an answer to the latency query (gst_query_parse_latency):
// whether the data comes from a live source, and the least and most time
// it may spend between capture and the sink. Max is ClockTimeNone when
// there is no upper bound.
type Latency struct {
	Live     bool
	Min, Max time.Duration
}

// CombineLatency combines the latency answers of a pipeline's sinks the
// way a bin does when it is asked for its latency (bin_query_latency_fold,
// gstbin.c:4140 at 1.22.0): only live answers count; the result is live if
// one of them is, its Min is the largest of their minimums and its Max the
// smallest of their maximums, a Max of ClockTimeNone meaning no bound. With
// no live answer the result is {Live: false, Min: 0, Max: ClockTimeNone}.
//
// The pipeline then configures Min on every sink (gst_bin_do_latency_func,
// gstbin.c:2730): each sink waits that much longer, so the slowest branch
// has its data in time and all sinks stay together.
//
// Worked example: a 30 fps camera's sink answers {live, 33.3 ms, 33.3 ms}
// (one frame; the sink's 20 ms processing-deadline does not fit under the
// camera's maximum of one frame), a 50 Hz microphone's sink with
// render-delay 100 ms answers {live, 120 ms, 120 ms}, a file branch {not
// live, 0, none}: the result is {live, 120 ms, 33.3 ms}, and GStreamer warns
// that max < min (gst_bin_do_latency_func, gstbin.c:2754).
func CombineLatency(answers []Latency) Latency {
	out := Latency{Max: gstmini.ClockTimeNone}
	for _, a := range answers {
		if !a.Live {
			continue
		}
		out.Live = true
		if a.Min > out.Min {
			out.Min = a.Min
		}
		if out.Max == gstmini.ClockTimeNone || (a.Max != gstmini.ClockTimeNone && a.Max < out.Max) {
			out.Max = a.Max
		}
	}
	return out
}
