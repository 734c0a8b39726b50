// Package gstmini is a small pure-Go model of GStreamer's core: buffers and
// events, pads and chain calls, segments and running time, clocks, and
// elements, bins and pipelines whose sinks wait on a Clock.
//
// It follows GStreamer 1.22 (tag 1.22.0): names, defaults, formulas and flow
// results are GStreamer's, in Go style. Times are time.Duration values and
// ClockTimeNone means "unset". Elements live in package elements; the test
// kit (a test clock and a harness) in package gstcheck.
//
// # Data flow
//
// A source pad's Push calls the linked sink pad's chain function on the
// calling goroutine and returns its FlowReturn: upstream waits until
// downstream is done. The receiving pad's stream lock is held during the
// chain call and during serialized events, so data and events on one pad
// never overlap. Threads come only from pad tasks (Pad.StartTask): a
// source's loop, or a queue's, which is how a Queue decouples its upstream
// from its downstream.
//
// # Running time
//
// A Segment maps buffer timestamps to running time, the time the pipeline
// has spent PLAYING when the buffer must be rendered:
//
//	B.running_time = (B.timestamp - (S.start + S.offset)) / |S.rate| + S.base   (S.rate > 0)
//
// Example: a segment with start 5 s maps PTS 5 s, 6 s, 7 s to running time
// 0 s, 1 s, 2 s.
//
// # Synchronisation
//
// The pipeline picks a clock and a base time when it goes to PLAYING; every
// sink then renders a buffer when the clock reaches
//
//	B.sync_time = base_time + B.running_time + latency + ts-offset - render-delay
//
// and not before (BaseSink). Pausing keeps running time: base time moves on
// by the time spent paused.
//
// # Names
//
//	Go name                      GStreamer (1.22.0)
//	Pad.Push                     gst_pad_push
//	Pad.PushEvent                gst_pad_push_event
//	Pad.StartTask                gst_pad_start_task
//	Segment.ToRunningTime        gst_segment_to_running_time
//	Segment.DoSeek               gst_segment_do_seek
//	ElementBase.SetState         gst_element_set_state
//	Bin.IterateSorted            gst_bin_iterate_sorted
//	Pipeline.Run                 gst_element_set_state + gst_bus_timed_pop_filtered
//	ClockID.Wait                 gst_clock_id_wait
//	BaseSink                     GstBaseSink
//	BaseSrc                      GstBaseSrc
//
// # Debug log
//
// GSTMINI_DEBUG works like GST_DEBUG: "2" shows warnings and errors,
// "GST_STATES:4,queue:5" shows state changes and the queue's debug output.
// The log goes to standard error through log/slog.
package gstmini
