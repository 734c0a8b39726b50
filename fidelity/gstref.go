//go:build gstreference && cgo

package fidelity

// This file and sinkref.go are the only ones that talk to C. Here: thin
// wrappers around GStreamer's GstSegment functions, taking and returning the segment as the
// guint64 values C holds (cSeg). Everything else, conversion to and from
// gstmini, the exclusion predicate and the comparison, is in Go.

/*
#cgo pkg-config: gstreamer-1.0
#include <gst/gst.h>

// Every GLib warning or critical (g_return_val_if_fail failures included)
// is counted here instead of being printed, so that a test can tell whether
// a call into GStreamer was refused. The Go side checks preconditions first
// and never means to trigger one: a non-zero count is a bug in the
// exclusion predicate.
static gint fid_log_count;
static gchar fid_last_log[512];

static void
fid_log (const gchar * domain, GLogLevelFlags level, const gchar * msg,
    gpointer data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) {
    g_snprintf (fid_last_log, sizeof fid_last_log, "%s: %s",
        domain ? domain : "(no domain)", msg);
    g_atomic_int_inc (&fid_log_count);
  }
}

static void
fid_init (void)
{
  gst_init (NULL, NULL);
  g_log_set_handler ("GStreamer", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL
      | G_LOG_FLAG_RECURSION, fid_log, NULL);
  g_log_set_default_handler (fid_log, NULL);
}

static gint fid_log_count_get (void) { return g_atomic_int_get (&fid_log_count); }
static const gchar * fid_last_log_get (void) { return fid_last_log; }
*/
import "C"

import (
	"sync"
)

// cSeg is a GstSegment's public fields, with GStreamer's types: times are
// guint64 (GST_CLOCK_TIME_NONE is 2^64-1), Offset included.
type cSeg struct {
	Flags       uint32
	Rate        float64
	AppliedRate float64
	Format      int32
	Base        uint64
	Offset      uint64
	Start       uint64
	Stop        uint64
	Time        uint64
	Position    uint64
	Duration    uint64
}

var gstInitOnce sync.Once

// gstInit calls gst_init once per process and installs the log counter.
func gstInit() { gstInitOnce.Do(func() { C.fid_init() }) }

// gstVersion returns the version of the libgstreamer loaded at run time.
func gstVersion() string {
	gstInit()
	s := C.gst_version_string()
	defer C.g_free(C.gpointer(s))
	return C.GoString(s)
}

// refLogCount returns how many GLib warnings or criticals GStreamer logged
// so far, and the last one's text.
func refLogCount() (int, string) {
	return int(C.fid_log_count_get()), C.GoString(C.fid_last_log_get())
}

func (s cSeg) gst() C.GstSegment {
	gstInit()
	var g C.GstSegment
	C.gst_segment_init(&g, C.GstFormat(s.Format))
	g.flags = C.GstSegmentFlags(s.Flags)
	g.rate = C.gdouble(s.Rate)
	g.applied_rate = C.gdouble(s.AppliedRate)
	g.base = C.guint64(s.Base)
	g.offset = C.guint64(s.Offset)
	g.start = C.guint64(s.Start)
	g.stop = C.guint64(s.Stop)
	g.time = C.guint64(s.Time)
	g.position = C.guint64(s.Position)
	g.duration = C.guint64(s.Duration)
	return g
}

func fromGst(g *C.GstSegment) cSeg {
	return cSeg{
		Flags:       uint32(g.flags),
		Rate:        float64(g.rate),
		AppliedRate: float64(g.applied_rate),
		Format:      int32(g.format),
		Base:        uint64(g.base),
		Offset:      uint64(g.offset),
		Start:       uint64(g.start),
		Stop:        uint64(g.stop),
		Time:        uint64(g.time),
		Position:    uint64(g.position),
		Duration:    uint64(g.duration),
	}
}

// untouched marks an out argument C did not write.
const untouched = 0x0DDBA11DEADBEEF

func refToRunningTimeFull(s cSeg, pos uint64) (int, uint64) {
	g := s.gst()
	out := C.guint64(untouched)
	r := C.gst_segment_to_running_time_full(&g, g.format, C.guint64(pos), &out)
	return int(r), uint64(out)
}

func refToRunningTime(s cSeg, pos uint64) uint64 {
	g := s.gst()
	return uint64(C.gst_segment_to_running_time(&g, g.format, C.guint64(pos)))
}

func refToStreamTimeFull(s cSeg, pos uint64) (int, uint64) {
	g := s.gst()
	out := C.guint64(untouched)
	r := C.gst_segment_to_stream_time_full(&g, g.format, C.guint64(pos), &out)
	return int(r), uint64(out)
}

func refToStreamTime(s cSeg, pos uint64) uint64 {
	g := s.gst()
	return uint64(C.gst_segment_to_stream_time(&g, g.format, C.guint64(pos)))
}

func refPositionFromRunningTimeFull(s cSeg, rt uint64) (int, uint64) {
	g := s.gst()
	out := C.guint64(untouched)
	r := C.gst_segment_position_from_running_time_full(&g, g.format, C.guint64(rt), &out)
	return int(r), uint64(out)
}

func refPositionFromRunningTime(s cSeg, rt uint64) uint64 {
	g := s.gst()
	return uint64(C.gst_segment_position_from_running_time(&g, g.format, C.guint64(rt)))
}

func refPositionFromStreamTimeFull(s cSeg, st uint64) (int, uint64) {
	g := s.gst()
	out := C.guint64(untouched)
	r := C.gst_segment_position_from_stream_time_full(&g, g.format, C.guint64(st), &out)
	return int(r), uint64(out)
}

func refPositionFromStreamTime(s cSeg, st uint64) uint64 {
	g := s.gst()
	return uint64(C.gst_segment_position_from_stream_time(&g, g.format, C.guint64(st)))
}

func refClip(s cSeg, start, stop uint64) (ok bool, cstart, cstop uint64) {
	g := s.gst()
	a, b := C.guint64(untouched), C.guint64(untouched)
	r := C.gst_segment_clip(&g, g.format, C.guint64(start), C.guint64(stop), &a, &b)
	return r != 0, uint64(a), uint64(b)
}

func refDoSeek(s cSeg, rate float64, format int32, flags uint32,
	startType int32, start uint64, stopType int32, stop uint64) (ok, update bool, out cSeg) {
	g := s.gst()
	upd := C.gboolean(2) // neither TRUE nor FALSE: shows an untouched out argument
	r := C.gst_segment_do_seek(&g, C.gdouble(rate), C.GstFormat(format), C.GstSeekFlags(flags),
		C.GstSeekType(startType), C.guint64(start), C.GstSeekType(stopType), C.guint64(stop), &upd)
	return r != 0, upd == 1, fromGst(&g)
}

func refSetRunningTime(s cSeg, rt uint64) (bool, cSeg) {
	g := s.gst()
	r := C.gst_segment_set_running_time(&g, g.format, C.guint64(rt))
	return r != 0, fromGst(&g)
}

func refOffsetRunningTime(s cSeg, off int64) (bool, cSeg) {
	g := s.gst()
	r := C.gst_segment_offset_running_time(&g, g.format, C.gint64(off))
	return r != 0, fromGst(&g)
}
