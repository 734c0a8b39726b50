// Package timing is lesson 2 of the gstmini workbook: how GStreamer 1.22
// decides when a buffer is shown. You write small, faithful versions of the
// pieces involved and the tests check them against gstmini, which matches
// GStreamer to the nanosecond.
//
// The chain of conversions, from a buffer to the moment a sink renders it:
//
//	segment.go        a buffer's PTS becomes running time, through the segment before it
//	sink.go           running time becomes a sync time on the pipeline's clock; the sink waits for it
//	pipelineclock.go  base_time and start_time make running time count only the time spent PLAYING
//
// seek.go shows what a seek does to the segment (and so to running time),
// and monotonic.go why a clock must never go backwards. Read README.md
// first: it gives the formulas, with worked numbers, and takes you through
// the steps in test order.
package timing
