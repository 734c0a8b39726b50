package live

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

const (
	ms  = time.Millisecond
	sec = time.Second
)

// watchdog bounds every wait on another goroutine in these tests. It is a
// deadline, never a sleep: each wait returns as soon as what it waits for
// happens, so a deadlock fails the test with a message instead of hanging.
const watchdog = 2 * time.Second

// slot is the running time at which frame n of a fps camera starts:
// n * 1 s / fps, rounded down to the nanosecond.
func slot(n, fps int) time.Duration { return time.Duration(int64(n) * int64(sec) / int64(fps)) }

// ts formats a time as GStreamer's debug log does, or "none".
func ts(t time.Duration) string {
	if t == none {
		return "none"
	}
	if t < 0 {
		return "-" + gstmini.TimeString(-t)
	}
	return gstmini.TimeString(t)
}

// ---- a pipeline on a TestClock, driven one clock wait at a time ----

// A rig is a pipeline on a gstcheck.TestClock starting at 0 (so base_time
// is 0 and running time is clock time). Every pipeline of these tests has
// one streaming goroutine, so at most one clock wait is pending at a time
// and step releases them in order: the run is the same every time.
type rig struct {
	t        *testing.T
	pipeline *gstmini.Pipeline
	clock    *gstcheck.TestClock

	latencies []time.Duration    // every latency the pipeline configured
	warnings  []string           // WARNING messages
	qos       []*gstmini.Message // QOS messages, in order
	eos       bool
}

func newRig(t *testing.T, elems ...gstmini.Element) *rig {
	t.Helper()
	r := &rig{t: t, pipeline: gstmini.NewPipeline("pipeline"), clock: gstcheck.NewTestClock()}
	r.pipeline.UseClock(r.clock)
	if err := r.pipeline.Add(elems...); err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(elems); i++ {
		src, sink := elems[i].Base().StaticPad("src"), elems[i+1].Base().StaticPad("sink")
		if err := src.Link(sink); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { r.stop() })
	return r
}

// stop sets the pipeline to NULL, failing t if that hangs.
func (r *rig) stop() {
	done := make(chan struct{})
	go func() {
		r.pipeline.SetState(gstmini.StateNull)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(watchdog):
		r.t.Errorf("setting the pipeline to NULL did not return within %v: a goroutine is stuck "+
			"(a Create or chain that ignores flushing?)", watchdog)
	}
}

// setState sets the pipeline's state and returns the result.
func (r *rig) setState(s gstmini.State) gstmini.StateChangeReturn {
	return r.pipeline.SetState(s)
}

// drainBus handles the messages posted so far, as an application does: a
// LATENCY message makes the pipeline recalculate and configure its latency
// (gst-launch-1.0's "Redistribute latency..."); QOS and WARNING messages
// are kept for the test.
func (r *rig) drainBus() {
	for {
		m := r.pipeline.Bus().Pop()
		if m == nil {
			return
		}
		switch m.Type {
		case gstmini.MessageLatency:
			if r.pipeline.RecalculateLatency() {
				_, minL, _, _ := r.pipeline.QueryLatency()
				r.latencies = append(r.latencies, minL)
			}
		case gstmini.MessageWarning:
			r.warnings = append(r.warnings, fmt.Sprint(m.Err))
		case gstmini.MessageQOS:
			r.qos = append(r.qos, m)
		case gstmini.MessageEOS:
			r.eos = true
		}
	}
}

// nextWait waits for the next clock wait of the streaming goroutine; ok is
// false if none came within the watchdog.
func (r *rig) nextWait() (*gstmini.ClockID, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	id, err := r.clock.WaitForNextPendingID(ctx)
	return id, err == nil
}

// step waits for the next clock wait and releases it. If the wait is for a
// time still to come, the clock moves there, and the bus is handled first,
// as an application handles messages while time passes: a LATENCY message
// posted on the streaming goroutine takes effect from the next wait the
// sink starts, never in the middle of one. (A wait for a time already
// past, such as a late frame's sync, is released at once.) It fails the
// test with why if no wait comes.
func (r *rig) step(why string) *gstmini.ClockID {
	r.t.Helper()
	id, ok := r.nextWait()
	if !ok {
		r.t.Fatalf("no clock wait within %v (%s); clock at %s", watchdog, why, ts(r.clock.Time()))
	}
	r.release(id)
	return id
}

func (r *rig) release(id *gstmini.ClockID) {
	r.t.Helper()
	if id.Time() > r.clock.Time() {
		r.drainBus()
		if err := r.clock.SetTime(id.Time()); err != nil {
			r.t.Fatal(err)
		}
	}
	r.clock.ProcessID(id)
}

// settle waits until the streaming goroutine is parked in its next clock
// wait (so what it did before is done), then handles the bus.
func (r *rig) settle(why string) {
	r.t.Helper()
	if _, ok := r.nextWait(); !ok {
		r.t.Fatalf("the streaming goroutine never waited on the clock again within %v (%s)", watchdog, why)
	}
	r.drainBus()
}

// runToEOS steps until the pipeline posts EOS, at most maxSteps waits.
func (r *rig) runToEOS(maxSteps int, why string) {
	r.t.Helper()
	// A sync handler ends the wait for the next clock wait as soon as EOS is
	// posted: after EOS nothing waits on the clock any more. It leaves the
	// message on the bus for drainBus.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var eos atomic.Bool
	bus := r.pipeline.Bus()
	prev := bus.SyncHandler()
	bus.SetSyncHandler(func(m *gstmini.Message) gstmini.BusSyncReply {
		if m.Type == gstmini.MessageEOS {
			eos.Store(true)
			cancel()
		}
		if prev != nil {
			return prev(m)
		}
		return gstmini.BusPass
	})
	defer bus.SetSyncHandler(prev)
	for i := 0; i < maxSteps; i++ {
		wctx, wcancel := context.WithTimeout(ctx, watchdog)
		id, err := r.clock.WaitForNextPendingID(wctx)
		wcancel()
		r.drainBus()
		if r.eos || eos.Load() {
			r.eos = true
			return
		}
		if err != nil {
			r.t.Fatalf("no clock wait and no EOS within %v after %d waits (%s); clock at %s", watchdog, i, why, ts(r.clock.Time()))
		}
		r.release(id)
	}
	r.t.Fatalf("no EOS after %d clock waits (%s)", maxSteps, why)
}

// ---- a source that never loses a frame ----

// A backlogSrc is a live 30 fps camera followed by a queue without limits,
// folded into one goroutine: frame n is available once its exposure ends,
// at running time slot(n+1), and is pushed as soon as it is available and
// the previous push returned. Nothing is ever lost: when downstream is
// slow, frames wait (in the imaginary queue) and get older. It answers the
// latency query with (live, one frame, none): the queue can hold anything.
type backlogSrc struct {
	gstmini.BaseSrc
	fps  int
	mu   sync.Mutex
	next int
	id   *gstmini.ClockID
	stop bool
}

func newBacklogSrc(name string, fps, frames int) *backlogSrc {
	s := &backlogSrc{fps: fps}
	s.InitBaseSrc(s, name, gstmini.BaseSrcHooks{
		Create: s.create,
		Unlock: func() {
			s.mu.Lock()
			s.stop = true
			if s.id != nil {
				s.id.Unschedule()
			}
			s.mu.Unlock()
		},
		UnlockStop: func() { s.mu.Lock(); s.stop = false; s.mu.Unlock() },
		Latency:    func() (time.Duration, time.Duration) { return slot(1, fps), none },
		Caps: func() *gstmini.Caps {
			return &gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: fps, Den: 1}}
		},
	})
	s.SetLive(true)
	if err := s.SetProperty("num-buffers", frames); err != nil {
		panic(err)
	}
	return s
}

func (s *backlogSrc) create(uint64, int) (*gstmini.Buffer, gstmini.FlowReturn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop {
		return nil, gstmini.FlowFlushing
	}
	n := s.next
	clock := s.Clock()
	if end := s.BaseTime() + slot(n+1, s.fps); clock.Time() < end {
		id := gstmini.NewSingleShotID(clock, end)
		s.id = id
		s.mu.Unlock()
		ret, _ := id.Wait()
		s.mu.Lock()
		s.id = nil
		if ret == gstmini.ClockUnscheduled || s.stop {
			return nil, gstmini.FlowFlushing
		}
	}
	s.next++
	buf := gstmini.NewBuffer(0)
	buf.PTS, buf.Duration = slot(n, s.fps), slot(n+1, s.fps)-slot(n, s.fps)
	buf.Offset = uint64(n)
	return buf, gstmini.FlowOK
}

// ---- formatting ----

func renderingsString(rs []Rendering) string {
	if len(rs) == 0 {
		return "    (none)"
	}
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "    pts %s  running time %s  shown at %s  jitter %s\n", ts(r.PTS), ts(r.RunningTime), ts(r.ClockTime), ts(r.Jitter))
	}
	return strings.TrimRight(b.String(), "\n")
}

func jitters(rs []Rendering) []time.Duration {
	out := make([]time.Duration, len(rs))
	for i, r := range rs {
		out[i] = r.Jitter
	}
	return out
}
