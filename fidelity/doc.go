// Package fidelity checks gstmini against the real GStreamer 1.22.
//
// Two kinds of test live here:
//
//   - Differential tests (files tagged gstreference, which need cgo and
//     libgstreamer-1.0): every GstSegment operation is run on the same
//     inputs by gstmini and by GStreamer's own C functions, on table cases
//     and as fuzz targets, and the results must be identical. Inputs that
//     GStreamer refuses or that lie outside gstmini's range are excluded by
//     one documented predicate, counted and reported, never skipped
//     silently. BaseSink's decisions are compared the same way: the same
//     buffers at the same test-clock times go through GStreamer's fakesink
//     in a GstHarness and gstmini's FakeSink in a gstcheck.Harness, and
//     every clock wait, render or drop, WARNING and QOS message and event
//     must agree (sink_diff_test.go). Run them with scripts/gstreference.sh.
//   - Behavioural scenarios (scenarios_test.go, no tag, no cgo): GStreamer's
//     own check tests for queue, basesink, the test clock and the harness,
//     ported to gstmini's elements and gstcheck.
//
// See docs/FIDELITY.md for the map from gstmini to GStreamer and the known
// differences.
package fidelity
