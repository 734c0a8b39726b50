// Package gstmini is a small pure-Go model of GStreamer's core: buffers and
// events, pads and chain calls, segments and running time, clocks, and
// elements, bins and pipelines whose sinks wait on a Clock.
//
// It follows GStreamer 1.22 (tag 1.22.0): names, defaults, formulas and flow
// results are GStreamer's, in Go style. Times are time.Duration values and
// ClockTimeNone means "unset".
package gstmini
