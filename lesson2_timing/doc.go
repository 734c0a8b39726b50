// Package timing is lesson 2 of the gstmini workbook: how GStreamer 1.22
// decides when a buffer is shown. You write small, faithful versions of the
// pieces involved and the tests check them against gstmini, which matches
// GStreamer to the nanosecond.
//
// The chain of conversions, from a buffer to the moment a sink renders it:
//
//	B.running_time = (B.pts - (S.start + S.offset)) / |S.rate| + S.base   segment.go  (S.rate > 0)
//	B.sync_time    = base_time + B.running_time + latency                 sink.go
//	base_time      = clock.Time() - start_time    on PAUSED→PLAYING       pipelineclock.go
//	start_time     = clock.Time() - base_time     on PLAYING→PAUSED       pipelineclock.go
//
// seek.go shows what a seek does to the segment (and so to running time),
// and monotonic.go why a clock must never go backwards. Read README.md
// first: it takes you through the steps in test order.
package timing
