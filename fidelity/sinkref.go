//go:build gstreference && cgo

package fidelity

// The reference side of the basesink comparison: GStreamer's fakesink (a
// GstBaseSink with no prepare or render of note) in a GstHarness with its
// GstTestClock, fed one buffer at a time. Like gstref.go, this file only
// wraps C; the scenarios and the comparison are in sink_diff_test.go.

/*
#cgo pkg-config: gstreamer-1.0 gstreamer-check-1.0
#include <stdlib.h>
#include <string.h>
#include <gst/gst.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>

typedef struct {
  guint64 pts, duration;
  guint64 now; // the clock's time when the buffer is pushed
} FidSinkStep;

typedef struct {
  gint flow;
  guint64 rendered, dropped; // the sink's totals after the step
  gint n_waits;
  guint64 wait_time; // the last clock wait's time
  gint warnings;
  gint qos_msgs;
  guint64 qm_running_time, qm_stream_time, qm_timestamp, qm_duration;
  gint64 qm_jitter;
  gdouble qm_proportion;
  guint64 qm_processed, qm_dropped;
  gint qos_events;
  gint qe_type;
  gdouble qe_proportion;
  gint64 qe_diff;
  guint64 qe_timestamp;
} FidSinkResult;

typedef struct {
  GstHarness *h;
  GstBuffer *buf;
  volatile gint done;
  GstFlowReturn flow;
} FidPush;

static gpointer
fid_push_thread (gpointer data)
{
  FidPush *p = data;
  p->flow = gst_harness_push (p->h, p->buf);
  g_atomic_int_set (&p->done, 1);
  return NULL;
}

static guint64
fid_sink_stat (GstElement * sink, const gchar * field)
{
  GstStructure *st = NULL;
  guint64 v = 0;
  g_object_get (sink, "stats", &st, NULL);
  if (st) {
    gst_structure_get_uint64 (st, field, &v);
    gst_structure_free (st);
  }
  return v;
}

// fid_run_sink plays the steps through fakesink sync=true with the given
// segment, max-lateness and qos, and fills one result per step. Every clock
// wait the sink makes is released as soon as it is registered, without
// moving the clock: a wait whose time has passed returns EARLY with a
// positive jitter, one in the future OK with a negative one.
static void
fid_run_sink (const GstSegment * seg, gint64 max_lateness, gboolean qos,
    const FidSinkStep * steps, gint n, FidSinkResult * out)
{
  GstHarness *h = gst_harness_new ("fakesink");
  GstTestClock *clock = gst_harness_get_testclock (h);
  GstBus *bus = gst_bus_new ();
  gint i;

  gst_element_set_bus (h->element, bus);
  g_object_set (h->element, "sync", TRUE, "max-lateness", max_lateness,
      "qos", qos, NULL);
  gst_harness_set_src_caps_str (h, "fidelity/x-test");
  gst_harness_push_event (h, gst_event_new_segment (seg));
  while (gst_harness_try_pull_upstream_event (h) != NULL);

  for (i = 0; i < n; i++) {
    FidSinkResult *r = &out[i];
    FidPush p = { h, gst_buffer_new (), 0, GST_FLOW_OK };
    GThread *thread;
    GstMessage *msg;
    GstEvent *ev;

    memset (r, 0, sizeof *r);
    if (steps[i].now > gst_clock_get_time (GST_CLOCK (clock)))
      gst_test_clock_set_time (clock, steps[i].now);
    GST_BUFFER_PTS (p.buf) = steps[i].pts;
    GST_BUFFER_DURATION (p.buf) = steps[i].duration;

    thread = g_thread_new ("fid-push", fid_push_thread, &p);
    while (!g_atomic_int_get (&p.done)) {
      if (gst_test_clock_peek_id_count (clock) > 0) {
        GstClockID id = NULL;
        gst_test_clock_wait_for_next_pending_id (clock, &id);
        r->n_waits++;
        r->wait_time = gst_clock_id_get_time (id);
        gst_test_clock_process_id (clock, id);  // takes the reference
      } else {
        g_thread_yield ();
      }
    }
    g_thread_join (thread);

    r->flow = p.flow;
    r->rendered = fid_sink_stat (h->element, "rendered");
    r->dropped = fid_sink_stat (h->element, "dropped");
    while ((msg = gst_bus_pop (bus)) != NULL) {
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
        r->warnings++;
      } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_QOS) {
        GstFormat fmt;
        r->qos_msgs++;
        gst_message_parse_qos (msg, NULL, &r->qm_running_time,
            &r->qm_stream_time, &r->qm_timestamp, &r->qm_duration);
        gst_message_parse_qos_values (msg, &r->qm_jitter, &r->qm_proportion,
            NULL);
        gst_message_parse_qos_stats (msg, &fmt, &r->qm_processed,
            &r->qm_dropped);
      }
      gst_message_unref (msg);
    }
    while ((ev = gst_harness_try_pull_upstream_event (h)) != NULL) {
      if (GST_EVENT_TYPE (ev) == GST_EVENT_QOS) {
        GstQOSType type;
        r->qos_events++;
        gst_event_parse_qos (ev, &type, &r->qe_proportion, &r->qe_diff,
            &r->qe_timestamp);
        r->qe_type = type;
      }
      gst_event_unref (ev);
    }
  }

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_object_unref (clock);
  gst_harness_teardown (h);
}
*/
import "C"

import "unsafe"

// sinkStep is one buffer of a basesink scenario, in C's terms (guint64,
// NONE = 2^64-1).
type sinkStep struct {
	PTS, Duration uint64
	Now           uint64 // clock time at the push (kept if earlier than the clock)
}

// sinkResult is what one step produced: the flow return, the sink's
// rendered/dropped totals, its clock waits, and the WARNING and QOS
// messages and upstream QOS events it sent, with their fields (the last of
// each, with counts).
type sinkResult struct {
	Flow              int
	Rendered, Dropped uint64
	Waits             int
	WaitTime          uint64
	Warnings          int
	QOSMessages       int
	MsgRunningTime    uint64
	MsgStreamTime     uint64
	MsgTimestamp      uint64
	MsgDuration       uint64
	MsgJitter         int64
	MsgProportion     float64
	MsgProcessed      uint64
	MsgDropped        uint64
	QOSEvents         int
	EvType            int
	EvProportion      float64
	EvDiff            int64
	EvTimestamp       uint64
}

// refRunSink runs steps through GStreamer's fakesink (see fid_run_sink).
func refRunSink(seg cSeg, maxLateness int64, qos bool, steps []sinkStep) []sinkResult {
	gstInit()
	if len(steps) == 0 {
		return nil
	}
	g := seg.gst()
	cs := make([]C.FidSinkStep, len(steps))
	for i, s := range steps {
		cs[i] = C.FidSinkStep{pts: C.guint64(s.PTS), duration: C.guint64(s.Duration), now: C.guint64(s.Now)}
	}
	cr := (*C.FidSinkResult)(C.malloc(C.size_t(len(steps)) * C.size_t(unsafe.Sizeof(C.FidSinkResult{}))))
	defer C.free(unsafe.Pointer(cr))
	q := C.gboolean(0)
	if qos {
		q = 1
	}
	C.fid_run_sink(&g, C.gint64(maxLateness), q, &cs[0], C.gint(len(steps)), cr)
	out := make([]sinkResult, len(steps))
	for i, r := range unsafe.Slice(cr, len(steps)) {
		out[i] = sinkResult{
			Flow: int(r.flow), Rendered: uint64(r.rendered), Dropped: uint64(r.dropped),
			Waits: int(r.n_waits), WaitTime: uint64(r.wait_time), Warnings: int(r.warnings),
			QOSMessages: int(r.qos_msgs), MsgRunningTime: uint64(r.qm_running_time),
			MsgStreamTime: uint64(r.qm_stream_time), MsgTimestamp: uint64(r.qm_timestamp),
			MsgDuration: uint64(r.qm_duration), MsgJitter: int64(r.qm_jitter),
			MsgProportion: float64(r.qm_proportion), MsgProcessed: uint64(r.qm_processed),
			MsgDropped: uint64(r.qm_dropped), QOSEvents: int(r.qos_events), EvType: int(r.qe_type),
			EvProportion: float64(r.qe_proportion), EvDiff: int64(r.qe_diff), EvTimestamp: uint64(r.qe_timestamp),
		}
	}
	return out
}
