package seeking

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

const (
	ms   = time.Millisecond
	sec  = time.Second
	none = gstmini.ClockTimeNone
)

// watchdog bounds every wait of these tests for something that should
// happen at once; a test never sleeps on real time to let something happen.
const watchdog = 2 * time.Second

// A render is one buffer the test sink rendered (or prerolled).
type render struct {
	pts, duration time.Duration
	discont       bool
	frame         byte
	runningTime   time.Duration // of its PTS in the segment it came with (its stop, backwards)
}

// recSink is a BaseSink that records, as one readable line each, every
// event it handles and every buffer it renders, with the segment the
// buffer came in. Sync is off unless a test turns it on.
type recSink struct {
	gstmini.BaseSink
	mu       sync.Mutex
	log      []string
	seqnums  map[string]uint32
	segments []*gstmini.Segment
	seg      *gstmini.Segment
	renders  []render
	prerolls []render
	changed  chan struct{}
}

func newRecSink(name string) *recSink {
	k := &recSink{seqnums: map[string]uint32{}, changed: make(chan struct{}, 1)}
	k.InitBaseSink(k, name, gstmini.BaseSinkHooks{
		Render: func(buf *gstmini.Buffer) gstmini.FlowReturn {
			k.record(buf, false)
			return gstmini.FlowOK
		},
		Preroll: func(buf *gstmini.Buffer) gstmini.FlowReturn {
			k.record(buf, true)
			return gstmini.FlowOK
		},
		Event: func(ev *gstmini.Event) {
			line := eventLine(ev)
			k.mu.Lock()
			k.log = append(k.log, line)
			k.seqnums[line] = ev.Seqnum()
			if ev.Type() == gstmini.EventSegment {
				k.seg = ev.Segment()
				k.segments = append(k.segments, ev.Segment())
			}
			k.mu.Unlock()
			k.wake()
		},
	})
	if err := k.SetProperty("sync", false); err != nil {
		panic(err)
	}
	return k
}

func eventLine(ev *gstmini.Event) string {
	switch ev.Type() {
	case gstmini.EventSegment:
		seg := ev.Segment()
		return fmt.Sprintf("segment rate=%g start=%s stop=%s base=%s", seg.Rate, short(seg.Start), short(seg.Stop), short(seg.Base))
	case gstmini.EventSegmentDone:
		_, pos := ev.SegmentDone()
		return "segment-done " + short(pos)
	case gstmini.EventFlushStop:
		return fmt.Sprintf("flush-stop reset-time=%t", ev.ResetTime())
	}
	return ev.Type().String()
}

func (k *recSink) record(buf *gstmini.Buffer, preroll bool) {
	r := render{pts: buf.PTS, duration: buf.Duration, discont: buf.Flags&gstmini.BufferFlagDiscont != 0}
	if len(buf.Data) > 0 {
		r.frame = buf.Data[0]
	}
	k.mu.Lock()
	if k.seg != nil {
		pos := buf.PTS
		if k.seg.Rate < 0 {
			pos += buf.Duration
		}
		r.runningTime, _ = k.seg.ToRunningTime(pos)
	}
	if preroll {
		k.prerolls = append(k.prerolls, r)
	} else {
		k.renders = append(k.renders, r)
		k.log = append(k.log, "buffer "+short(buf.PTS))
	}
	k.mu.Unlock()
	k.wake()
}

func (k *recSink) wake() {
	select {
	case k.changed <- struct{}{}:
	default: // a wake-up is pending already
	}
}

func (k *recSink) Log() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.log)
}

func (k *recSink) Seqnum(line string) uint32 {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.seqnums[line]
}

func (k *recSink) Segments() []*gstmini.Segment {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.segments)
}

func (k *recSink) Renders() []render {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.renders)
}

func (k *recSink) LastPreroll() (render, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.prerolls) == 0 {
		return render{}, false
	}
	return k.prerolls[len(k.prerolls)-1], true
}

// waitFor waits until cond holds for the sink's log, failing with what the
// sink saw after the watchdog.
func (k *recSink) waitFor(t *testing.T, what, hint string, cond func(log []string) bool) {
	t.Helper()
	deadline := time.After(watchdog)
	for !cond(k.Log()) {
		select {
		case <-k.changed:
		case <-deadline:
			t.Fatalf("timed out after %s waiting for %s\nthe sink saw: %q\nhint: %s", watchdog, what, k.Log(), hint)
		}
	}
}

// after returns the log from the last line equal to marker on (excluded),
// or nil.
func after(log []string, marker string) []string {
	i := slices.Index(log, marker)
	if i < 0 {
		return nil
	}
	return log[i+1:]
}

func pts(rs []render) []time.Duration {
	var out []time.Duration
	for _, r := range rs {
		out = append(out, r.pts)
	}
	return out
}

func short(d time.Duration) string {
	if d == none {
		return "none"
	}
	return d.String()
}

func shorts(ds []time.Duration) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, short(d))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// A rig is a test pipeline: your source, optionally a queue, and the test
// sink, on a test clock at 10 s unless clk is nil.
type rig struct {
	p    *gstmini.Pipeline
	src  *FileSrc
	q    *elements.Queue
	sink *recSink
	clk  *gstcheck.TestClock
}

type rigOption func(*rig)

// synced gives the pipeline a test clock at 10 s and turns the sink's sync on.
func synced(r *rig) {
	r.clk = gstcheck.NewTestClockWithStartTime(10 * sec)
	r.p.UseClock(r.clk)
	if err := r.sink.SetProperty("sync", true); err != nil {
		panic(err)
	}
}

// withQueue puts a queue of at most 2 buffers between source and sink.
func withQueue(r *rig) {
	r.q = elements.NewQueue("queue")
	for name, v := range map[string]any{"max-size-buffers": 2, "max-size-bytes": 0, "max-size-time": 0} {
		if err := r.q.SetProperty(name, v); err != nil {
			panic(err)
		}
	}
}

// newRig builds the pipeline in NULL; its cleanup takes it back to NULL,
// which unblocks whatever your code left waiting.
func newRig(t *testing.T, opts ...rigOption) *rig {
	t.Helper()
	// Every pipeline test needs Step 1: a source that cannot say which
	// frame comes next never prerolls, and the test would only find out
	// when its watchdog fires.
	if _, _, ok := NextFrame(gstmini.NewSegment(), 100*time.Millisecond); !ok {
		t.Fatalf("NextFrame(a default segment, 100 ms frames) gives no frame, so the source can produce nothing and this pipeline test cannot run.\n" +
			"hint: do README Step 1 first (TestNextFrame...): from position 0 the first frame is PTS 0, duration 100 ms")
	}
	r := &rig{p: gstmini.NewPipeline("pipeline"), src: NewFileSrc("src"), sink: newRecSink("sink")}
	for _, o := range opts {
		o(r)
	}
	require.NoError(t, r.p.Add(r.src, r.sink))
	if r.q != nil {
		require.NoError(t, r.p.Add(r.q))
		require.NoError(t, r.src.SrcPad().Link(r.q.Base().StaticPad("sink")))
		require.NoError(t, r.q.Base().StaticPad("src").Link(r.sink.SinkPad()))
	} else {
		require.NoError(t, r.src.SrcPad().Link(r.sink.SinkPad()))
	}
	t.Cleanup(func() { r.p.Stop() })
	return r
}

// setState takes the pipeline to state and waits for it to get there.
func (r *rig) setState(t *testing.T, state gstmini.State, hint string) {
	t.Helper()
	r.p.SetState(state)
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	_, got, _, err := r.p.GetState(ctx)
	if err != nil || got != state {
		t.Fatalf("the pipeline did not reach %s within %s (it is %s, err %v): the sink never prerolled\n"+
			"the sink saw: %q\nhint: %s", state, watchdog, got, err, r.sink.Log(), hint)
	}
}

// seekAsync sends a seek to the pipeline from another goroutine, as an
// application's UI thread does, and returns the channel its result comes
// on. The test's cleanup waits for it (taking the pipeline to NULL first
// releases a seek that is stuck).
func (r *rig) seekAsync(t *testing.T, rate float64, flags gstmini.SeekFlags, start, stop time.Duration) <-chan bool {
	t.Helper()
	done := make(chan bool, 1)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		startType, stopType := gstmini.SeekTypeSet, gstmini.SeekTypeSet
		if start == none {
			startType = gstmini.SeekTypeNone
		}
		if stop == none {
			stopType = gstmini.SeekTypeNone
		}
		done <- r.p.Seek(rate, gstmini.FormatTime, flags, startType, start, stopType, stop)
	}()
	t.Cleanup(func() {
		r.p.Stop()
		select {
		case <-finished:
		case <-time.After(watchdog):
			t.Errorf("the seek was still running after the pipeline went to NULL")
		}
	})
	return done
}

// waitTaskPaused waits until something has paused the source's task. The
// tests need it because a seek runs on its own goroutine: this is how they
// know it has begun before they let the clock run on.
func (r *rig) waitTaskPaused(t *testing.T, hint string) {
	t.Helper()
	deadline := time.After(watchdog)
	for r.src.SrcPad().TaskState() != gstmini.TaskPaused {
		select {
		case <-deadline:
			t.Fatalf("the seek did not pause the source's task within %s (it is %s)\nhint: %s", watchdog, r.src.SrcPad().TaskState(), hint)
		default:
			runtime.Gosched()
		}
	}
}

// seek seeks and waits for the result.
func (r *rig) seek(t *testing.T, rate float64, flags gstmini.SeekFlags, start, stop time.Duration, hint string) bool {
	t.Helper()
	return recvSeek(t, r.seekAsync(t, rate, flags, start, stop), hint)
}

func recvSeek(t *testing.T, done <-chan bool, hint string) bool {
	t.Helper()
	select {
	case ok := <-done:
		return ok
	case <-time.After(watchdog):
		t.Fatalf("Pipeline.Seek did not return within %s: the seek is stuck, probably waiting for the stream lock "+
			"while the streaming goroutine waits downstream\nhint: %s", watchdog, hint)
		return false
	}
}

// pop waits for a message of one of types on the bus.
func (r *rig) pop(t *testing.T, types gstmini.MessageType, what, hint string) *gstmini.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	m, err := r.p.Bus().PopFiltered(ctx, types)
	if err != nil {
		t.Fatalf("no %s message within %s\nthe sink saw: %q\nhint: %s", what, watchdog, r.sink.Log(), hint)
	}
	return m
}

// nextWait waits for the sink's next clock wait and returns it.
func (r *rig) nextWait(t *testing.T, what, hint string) *gstmini.ClockID {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	id, err := r.clk.WaitForNextPendingID(ctx)
	if err != nil {
		t.Fatalf("no clock wait for %s within %s\nthe sink saw: %q\nhint: %s", what, watchdog, r.sink.Log(), hint)
	}
	return id
}

// release sets the clock to the wait's time (never backwards) and ends the wait.
func (r *rig) release(t *testing.T, id *gstmini.ClockID) {
	t.Helper()
	require.NoError(t, r.clk.SetTime(max(r.clk.Time(), id.Time())))
	r.clk.ProcessID(id)
}

// playUntil plays the clock, ending each clock wait at its time, until
// done reports true.
func (r *rig) playUntil(t *testing.T, done func() bool, what, hint string) {
	t.Helper()
	deadline := time.After(watchdog)
	for !done() {
		select {
		case <-deadline:
			t.Fatalf("timed out after %s playing the clock until %s\nthe sink saw: %q\nhint: %s", watchdog, what, r.sink.Log(), hint)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*ms)
		id, err := r.clk.WaitForNextPendingID(ctx)
		cancel()
		if err == nil {
			r.release(t, id)
		}
	}
}

// playUntilSeeked plays the clock until the seek returns, and returns its result.
func (r *rig) playUntilSeeked(t *testing.T, done <-chan bool, hint string) bool {
	t.Helper()
	var ok, got bool
	r.playUntil(t, func() bool {
		select {
		case ok = <-done:
			got = true
		default:
		}
		return got
	}, "the seek returned", hint)
	return ok
}

// hasRendered reports whether the sink has rendered pts.
func (r *rig) hasRendered(p time.Duration) func() bool {
	return func() bool { return slices.Contains(pts(r.sink.Renders()), p) }
}
