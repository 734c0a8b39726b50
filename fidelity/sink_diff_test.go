//go:build gstreference && cgo

package fidelity

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// The basesink comparison: the same buffers, at the same clock times, go
// through GStreamer's fakesink (sinkref.go) and gstmini's FakeSink, each in
// its own harness with a test clock, sync on. After every buffer the two
// must agree on everything the sink decides and reports: the clock wait's
// time, rendered or dropped, the WARNING of the "render anyway" rule, and
// the fields of the QOS message of a drop and of the QOS event sent
// upstream (running time, stream time, jitter, proportion, counts). That
// covers get_sync_times (clipping, rstart/rstop and their swap in reverse
// playback), the jitter of the wait, is_too_late with and without
// durations and its emergency rule, and perform_qos's averages.

// sinkScenario is one run: a segment, the sink's max-lateness and qos, and
// the buffers in order.
type sinkScenario struct {
	Seg         cSeg
	MaxLateness int64
	QoS         bool
	Steps       []sinkStep
}

func (sc sinkScenario) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "segment %v, max-lateness %d, qos %v, buffers (pts/duration @ clock):", sc.Seg, sc.MaxLateness, sc.QoS)
	for _, s := range sc.Steps {
		fmt.Fprintf(&b, " %s/%s@%s", cTime(s.PTS), cTime(s.Duration), cTime(s.Now))
	}
	return b.String()
}

// gmRunSink runs sc through gstmini's FakeSink as refRunSink runs it
// through GStreamer's: each clock wait is released as soon as it is
// pending, without moving the clock.
func gmRunSink(t testing.TB, sc sinkScenario) []sinkResult {
	sink := elements.NewFakeSink("sink")
	h := gstcheck.New(t, sink)
	defer h.Teardown()
	for name, v := range map[string]any{"sync": true, "max-lateness": time.Duration(sc.MaxLateness), "qos": sc.QoS} {
		if err := sink.SetProperty(name, v); err != nil {
			t.Fatalf("gstmini: setting %s: %v", name, err)
		}
	}
	h.SetSrcCaps(gstmini.Caps{MediaType: "fidelity/x-test"})
	h.PushSegment(segFromC(sc.Seg))
	for h.TryPullUpstreamEvent() != nil {
	}
	clk := h.Clock()
	out := make([]sinkResult, len(sc.Steps))
	for i, st := range sc.Steps {
		r := &out[i]
		if now := fromC(st.Now); now > clk.Time() {
			if err := clk.SetTime(now); err != nil {
				t.Fatalf("gstmini: %v", err)
			}
		}
		b := gstmini.NewBufferWithPTS(fromC(st.PTS), fromC(st.Duration))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan gstmini.FlowReturn, 1)
		go func() {
			done <- h.Push(b)
			cancel()
		}()
		for {
			id, err := clk.WaitForNextPendingID(ctx)
			if err != nil {
				break
			}
			r.Waits++
			r.WaitTime = toC(id.Time())
			clk.ProcessID(id)
		}
		r.Flow = int(<-done)
		r.Rendered, r.Dropped = sink.Stats()
		for _, m := range h.Bus().Messages() {
			switch m.Type {
			case gstmini.MessageWarning:
				r.Warnings++
			case gstmini.MessageQOS:
				q := m.QOS
				r.QOSMessages++
				r.MsgRunningTime, r.MsgStreamTime = toC(q.RunningTime), toC(q.StreamTime)
				r.MsgTimestamp, r.MsgDuration = toC(q.Timestamp), toC(q.Duration)
				r.MsgJitter, r.MsgProportion = int64(q.Jitter), q.Proportion
				r.MsgProcessed, r.MsgDropped = q.Processed, q.Dropped
			}
		}
		for ev := h.TryPullUpstreamEvent(); ev != nil; ev = h.TryPullUpstreamEvent() {
			if ev.Type() == gstmini.EventQOS {
				typ, prop, diff, ts := ev.QOS()
				r.QOSEvents++
				r.EvType, r.EvProportion, r.EvDiff, r.EvTimestamp = int(typ), prop, int64(diff), toC(ts)
			}
		}
	}
	return out
}

// sinkCompared counts the basesink scenarios compared in this process, for
// the FIDELITY-SUMMARY line.
var sinkCompared, sinkMismatched atomic.Int64

func compareSink(t *testing.T, sc sinkScenario) bool {
	t.Helper()
	logsBefore, _ := refLogCount()
	ref := refRunSink(sc.Seg, sc.MaxLateness, sc.QoS, sc.Steps)
	if logsAfter, last := refLogCount(); logsAfter != logsBefore {
		t.Errorf("GStreamer logged %d warning(s)/critical(s), last %q, for %v: the scenario is not one GStreamer accepts", logsAfter-logsBefore, last, sc)
		return false
	}
	gm := gmRunSink(t, sc)
	sinkCompared.Add(1)
	for i := range ref {
		if !reflect.DeepEqual(gm[i], ref[i]) {
			sinkMismatched.Add(1)
			t.Errorf("basesink mismatch: at buffer %d of %v\n  GStreamer: %+v\n  gstmini:   %+v", i, sc, ref[i], gm[i])
			return false
		}
	}
	return true
}

// defaultSeg is a TIME segment as gst_segment_init makes it.
func defaultSeg() cSeg {
	return cSeg{Rate: 1, AppliedRate: 1, Format: int32(gstmini.FormatTime), Stop: cNone, Duration: cNone}
}

const cms = uint64(time.Millisecond)

// sinkAnchors are the cases the rules are stated with, with what GStreamer
// does: TestDiffSinkAnchors checks both implementations against it.
var sinkAnchors = []struct {
	name     string
	sc       sinkScenario
	rendered uint64 // after the last buffer
}{
	{
		// Reverse playback: a buffer with a duration syncs on its clipped
		// stop (running time 1 s); one without syncs on the segment's stop
		// (running time 0), before the last render time, so
		// rstart - last_render_time wraps and the late buffer is rendered.
		name: "reverse, late buffer without duration before the last render: rendered",
		sc: sinkScenario{
			Seg:         cSeg{Rate: -1, AppliedRate: 1, Format: int32(gstmini.FormatTime), Stop: 10000 * cms, Duration: cNone},
			MaxLateness: int64(20 * time.Millisecond), QoS: true,
			Steps: []sinkStep{{8000 * cms, 1000 * cms, 1000 * cms}, {7000 * cms, cNone, 3500 * cms}},
		},
		rendered: 2,
	},
	{
		name: "forward, late buffer 0.5 s after the last render: dropped",
		sc: sinkScenario{
			Seg: defaultSeg(), MaxLateness: int64(20 * time.Millisecond), QoS: true,
			Steps: []sinkStep{{1000 * cms, cNone, 1000 * cms}, {1500 * cms, cNone, 5000 * cms}},
		},
		rendered: 1,
	},
	{
		// A buffer without a timestamp is rendered without a wait, and in
		// GstClockTime its unset running time is later than any: the
		// spacing to it enters avg_in_diff, wrapped, and moves the limit
		// of the next buffer without a duration.
		name: "a buffer without timestamp in the middle: rendered, the next late one too",
		sc: sinkScenario{
			Seg: defaultSeg(), MaxLateness: int64(20 * time.Millisecond), QoS: true,
			Steps: []sinkStep{{1000 * cms, cNone, 1000 * cms}, {1100 * cms, cNone, 1100 * cms}, {cNone, cNone, 1100 * cms}, {1200 * cms, cNone, 1200 * cms}, {1300 * cms, cNone, 1900 * cms}},
		},
		rendered: 5,
	},
}

// TestDiffSinkAnchors checks the anchor scenarios against what GStreamer is
// known to do, on both implementations, so that a change on either side
// shows as a change of fact and not only as a mismatch.
func TestDiffSinkAnchors(t *testing.T) {
	for _, a := range sinkAnchors {
		t.Run(a.name, func(t *testing.T) {
			ref := refRunSink(a.sc.Seg, a.sc.MaxLateness, a.sc.QoS, a.sc.Steps)
			if got := ref[len(ref)-1].Rendered; got != a.rendered {
				t.Errorf("GStreamer rendered %d buffers, want %d: %v\n%+v", got, a.rendered, a.sc, ref)
			}
			compareSink(t, a.sc)
		})
	}
}

// sinkScenarios generates the compared scenarios: a fixed pseudo-random
// walk over rates (forward and reverse), segment start/stop/base,
// max-lateness (off, 0, 20 ms, 1 s), qos on and off, and buffers with and
// without durations and timestamps, moving forward or back in playback
// order, pushed early, on time, a little or far late (up to 3.5 s).
func sinkScenarios(n int) []sinkScenario {
	r := rand.New(rand.NewPCG(1722, 0))
	pick := func(vs ...uint64) uint64 { return vs[r.IntN(len(vs))] }
	rates := []float64{1, -1, 2, -2, 0.5, -0.5}
	latenesses := []int64{-1, 0, int64(20 * time.Millisecond), int64(time.Second)}
	out := make([]sinkScenario, 0, n)
	for range n {
		seg := defaultSeg()
		seg.Rate = rates[r.IntN(len(rates))]
		seg.Start = pick(0, 0, 1000*cms)
		seg.Time = seg.Start
		seg.Base = pick(0, 0, 500*cms)
		seg.Stop = pick(cNone, 10000*cms, 10000*cms)
		if seg.Rate < 0 {
			seg.Stop = 10000 * cms // GStreamer asserts that a reverse segment has a stop
		}
		sc := sinkScenario{Seg: seg, MaxLateness: latenesses[r.IntN(len(latenesses))], QoS: r.IntN(4) != 0}
		g := segFromC(seg)
		pos := seg.Start + pick(0, 100*cms)
		if seg.Rate < 0 {
			pos = 9000 * cms
		}
		var clock uint64
		for range 3 + r.IntN(10) {
			step := pick(0, 40*cms, 100*cms, 100*cms, 600*cms, 1200*cms)
			back := r.IntN(6) == 0 // against the playback direction
			if (seg.Rate > 0) == back {
				pos = max(pos, step) - step
			} else {
				pos = min(pos+step, 12000*cms)
			}
			st := sinkStep{PTS: pos, Duration: pick(cNone, cNone, 0, 10*cms, 40*cms, 100*cms, 1000*cms)}
			if r.IntN(12) == 0 {
				st.PTS = cNone
			}
			// When to push: relative to the running time of the PTS (the
			// sink may sync on another edge; both sides get the same times).
			at := clock
			if rt, ok := g.ToRunningTime(fromC(pos)); ok && rt != gstmini.ClockTimeNone {
				at = uint64(rt)
			}
			switch late := r.IntN(8); late {
			case 0:
				at = max(at, 30*cms) - 30*cms // early
			case 1, 2:
			default:
				at += pick(5*cms, 30*cms, 60*cms, 300*cms, 1500*cms, 3500*cms)
			}
			clock = max(clock, at)
			st.Now = clock
			sc.Steps = append(sc.Steps, st)
		}
		out = append(out, sc)
	}
	return out
}

// TestDiffSinkLateness compares the generated scenarios.
func TestDiffSinkLateness(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 150
	}
	failed := 0
	for _, sc := range sinkScenarios(n) {
		if !compareSink(t, sc) {
			failed++
			if failed >= 10 {
				t.Fatalf("stopping after %d mismatching scenarios", failed)
			}
		}
	}
	t.Logf("compared %d basesink scenarios", n)
}
