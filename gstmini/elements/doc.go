// Package elements holds gstmini's elements: the live camera source
// (LiveSource), the thread-decoupling Queue, the HLS segmenter, the S3 sink,
// GStreamer's fakesrc and fakesink for tests and benchmarks, and appsrc and
// appsink (AppSrc, AppSink), which put application code at either end of a
// pipeline. Each keeps
// GStreamer's property names and defaults where GStreamer has the element
// or property.
package elements
