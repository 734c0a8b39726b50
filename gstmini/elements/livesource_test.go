package elements

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// watchdog bounds every wait on another goroutine in these tests: a
// deadlock fails the test instead of hanging it.
const watchdog = 2 * time.Second

// testBase is the TestClock time at which the test pipelines go to
// PLAYING, so base_time is 10 s and a wait for running time r is a
// ClockID at 10 s + r.
const testBase = 10 * time.Second

// frame is what a recording sink saw of one buffer.
type frame struct {
	pts, duration     time.Duration
	offset, offsetEnd uint64
	flags             gstmini.BufferFlags
}

func (f frame) String() string {
	return fmt.Sprintf("#%d pts=%s dur=%s end=%d flags=%s",
		f.offset, gstmini.TimeString(f.pts), gstmini.TimeString(f.duration), f.offsetEnd, f.flags)
}

// recorder records the buffers a FakeSink renders, and can hold the
// streaming goroutine inside Render on one frame until the test releases
// it, as a slow downstream element would.
type recorder struct {
	mu      sync.Mutex
	frames  []frame
	blockAt uint64 // offset whose render blocks; BufferOffsetNone: none
	blocked chan struct{}
	release chan struct{}
}

func newRecorder() *recorder {
	return &recorder{blockAt: gstmini.BufferOffsetNone, blocked: make(chan struct{}), release: make(chan struct{})}
}

// block makes the render of the frame with offset n wait until unblock.
func (r *recorder) block(n uint64) {
	r.mu.Lock()
	r.blockAt = n
	r.mu.Unlock()
}

func (r *recorder) handoff(buf *gstmini.Buffer) {
	r.mu.Lock()
	r.frames = append(r.frames, frame{buf.PTS, buf.Duration, buf.Offset, buf.OffsetEnd, buf.Flags})
	block := buf.Offset == r.blockAt
	r.mu.Unlock()
	if block {
		close(r.blocked)
		<-r.release
	}
}

func (r *recorder) get() []frame {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]frame(nil), r.frames...)
}

// waitBlocked waits until the blocking render has begun.
func (r *recorder) waitBlocked(t *testing.T) {
	t.Helper()
	select {
	case <-r.blocked:
	case <-time.After(watchdog):
		t.Fatalf("the sink's render never blocked on frame %d within %v; frames so far: %v", r.blockAt, watchdog, r.get())
	}
}

// liveFixture is camera ! fakesink in a pipeline on a TestClock at 10 s.
type liveFixture struct {
	pipeline *gstmini.Pipeline
	clock    *gstcheck.TestClock
	src      *LiveSource
	sink     *FakeSink
	rec      *recorder
}

func newLiveFixture(t *testing.T, fps int) *liveFixture {
	t.Helper()
	f := &liveFixture{
		pipeline: gstmini.NewPipeline("pipeline"),
		clock:    gstcheck.NewTestClockWithStartTime(testBase),
		src:      NewLiveSource("cam"),
		sink:     NewFakeSink("sink"),
		rec:      newRecorder(),
	}
	f.pipeline.UseClock(f.clock)
	mustSet(t, f.src.Base(), "fps", fps)
	mustSet(t, f.sink.Base(), "signal-handoffs", true)
	f.sink.SetHandoff(f.rec.handoff)
	if err := f.pipeline.Add(f.src, f.sink); err != nil {
		t.Fatal(err)
	}
	if err := f.src.SrcPad().Link(f.sink.SinkPad()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		select { // a render the test blocked must not keep shutdown waiting
		case <-f.rec.release:
		default:
			close(f.rec.release)
		}
		stopWithin(t, f.pipeline)
	})
	return f
}

// play sets the pipeline to PLAYING; base_time becomes testBase.
func (f *liveFixture) play(t *testing.T) {
	t.Helper()
	if ret := f.pipeline.SetState(gstmini.StatePlaying); ret == gstmini.StateChangeFailure {
		t.Fatalf("pipeline.SetState(PLAYING) = %s; want ASYNC or SUCCESS", ret)
	}
}

// nextWait returns the next clock wait of the camera and checks it waits
// for running time rt.
func (f *liveFixture) nextWait(t *testing.T, rt time.Duration) *gstmini.ClockID {
	t.Helper()
	id := f.clock.WaitForNextPendingIDT(t)
	if id == nil {
		t.FailNow()
	}
	if got, want := id.Time(), f.pipeline.BaseTime()+rt; got != want {
		t.Fatalf("camera waits for clock time %s (running time %s); want %s (running time %s)",
			gstmini.TimeString(got), gstmini.TimeString(got-f.pipeline.BaseTime()),
			gstmini.TimeString(want), gstmini.TimeString(rt))
	}
	return id
}

// release sets the clock to id's time and releases the wait.
func (f *liveFixture) release(t *testing.T, id *gstmini.ClockID) {
	t.Helper()
	if err := f.clock.SetTime(id.Time()); err != nil {
		t.Fatal(err)
	}
	if !f.clock.ProcessID(id) {
		t.Fatalf("clock wait at %s was not pending", gstmini.TimeString(id.Time()))
	}
}

func mustSet(t *testing.T, e *gstmini.ElementBase, name string, v any) {
	t.Helper()
	if err := e.SetProperty(name, v); err != nil {
		t.Fatalf("SetProperty(%q, %v): %v", name, v, err)
	}
}

func mustGet(t *testing.T, e *gstmini.ElementBase, name string) any {
	t.Helper()
	v, err := e.Property(name)
	if err != nil {
		t.Fatalf("Property(%q): %v", name, err)
	}
	return v
}

// stopWithin sets p to NULL and fails t if that takes longer than the watchdog.
func stopWithin(t *testing.T, p *gstmini.Pipeline) {
	t.Helper()
	done := make(chan struct{})
	go func() { p.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(watchdog):
		t.Fatalf("pipeline.Stop() did not return within %v: a streaming goroutine is stuck", watchdog)
	}
}

func TestLiveSource_PropertyDefaults(t *testing.T) {
	src := NewLiveSource("cam")
	for _, tc := range []struct {
		name string
		want any
	}{
		{"fps", int64(30)},
		{"frame-size", uint64(1024)},
		{"is-live", true},
		{"num-buffers", int64(-1)},
		{"frames-slots", uint64(0)},
		{"frames-captured", uint64(0)},
		{"frames-lost", uint64(0)},
	} {
		if got := mustGet(t, src.Base(), tc.name); got != tc.want {
			t.Errorf("Property(%q) = %v (%T); want %v (%T)", tc.name, got, got, tc.want, tc.want)
		}
		spec, _ := src.FindProperty(tc.name)
		if spec.Default != tc.want && tc.name != "num-buffers" {
			t.Errorf("property %q: spec Default = %v; want %v", tc.name, spec.Default, tc.want)
		}
	}
	for _, name := range []string{"fps", "frame-size", "frames-slots", "frames-captured", "frames-lost"} {
		if spec, _ := src.FindProperty(name); spec.Flags&gstmini.PropNotGStreamer == 0 {
			t.Errorf("property %q is a gstmini addition but lacks PropNotGStreamer", name)
		}
	}
	if !src.IsLive() {
		t.Errorf("IsLive() = false; want true")
	}
}

func TestLiveSource_RejectsBadFPS(t *testing.T) {
	src := NewLiveSource("cam")
	for _, v := range []any{0, -5, 1001, "zero"} {
		err := src.SetProperty("fps", v)
		if !errors.Is(err, gstmini.ErrBadPropertyValue) {
			t.Errorf("SetProperty(\"fps\", %v) = %v; want ErrBadPropertyValue", v, err)
			continue
		}
		for _, part := range []string{`"cam"`, `"fps"`, fmt.Sprint(v), "1 - 1000"} {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("SetProperty(\"fps\", %v) error %q does not mention %s", v, err, part)
			}
		}
	}
	if got := mustGet(t, src.Base(), "fps"); got != int64(30) {
		t.Errorf("fps after rejected values = %v; want 30 (unchanged)", got)
	}
	for _, name := range []string{"is-live", "frames-slots", "frames-captured", "frames-lost"} {
		if err := src.SetProperty(name, 1); !errors.Is(err, gstmini.ErrReadOnlyProperty) {
			t.Errorf("SetProperty(%q, 1) = %v; want ErrReadOnlyProperty", name, err)
		}
	}
}

func TestLiveSource_NoPrerollAndNothingBeforePlaying(t *testing.T) {
	f := newLiveFixture(t, 30)
	if ret := f.pipeline.SetState(gstmini.StatePaused); ret != gstmini.StateChangeNoPreroll {
		t.Fatalf("pipeline.SetState(PAUSED) = %s; want NO_PREROLL (a live source cannot preroll)", ret)
	}
	if n := f.src.FramesCaptured(); n != 0 {
		t.Errorf("frames captured in PAUSED = %d; want 0", n)
	}
	if n := f.clock.PendingIDCount(); n != 0 {
		t.Errorf("clock waits in PAUSED = %d; want 0: a live source waits for PLAYING first", n)
	}
	f.play(t)
	// Frame 0's slot is running time 0, which is now: it leaves at once,
	// and the camera then waits for frame 1.
	f.nextWait(t, 33333333)
	got := f.rec.get()
	if len(got) != 1 || got[0].pts != 0 || got[0].offset != 0 || got[0].flags&gstmini.BufferFlagDiscont == 0 {
		t.Fatalf("frames rendered on PLAYING = %v; want [#0 pts=0 with DISCONT (first buffer)]", got)
	}
	if cur := f.src.CurrentState(); cur != gstmini.StatePlaying {
		t.Errorf("camera state = %s; want PLAYING", cur)
	}
}

func TestLiveSource_FramesFollowTheirSlots(t *testing.T) {
	for _, tc := range []struct {
		fps   int
		slots []time.Duration // slot(0) .. slot(4)
	}{
		{30, []time.Duration{0, 33333333, 66666666, 100000000, 133333333}},
		{60, []time.Duration{0, 16666666, 33333333, 50000000, 66666666}},
	} {
		t.Run(fmt.Sprintf("%d fps", tc.fps), func(t *testing.T) {
			f := newLiveFixture(t, tc.fps)
			f.play(t)
			for n := 1; n <= 3; n++ {
				// Frame n-1 is out; the camera waits for exactly base + slot(n).
				id := f.nextWait(t, tc.slots[n])
				if got := len(f.rec.get()); got != n {
					t.Fatalf("frames rendered while the camera waits for frame %d = %d; want %d", n, got, n)
				}
				f.release(t, id)
			}
			f.nextWait(t, tc.slots[4])
			var want []frame
			for n := range 4 {
				fr := frame{tc.slots[n], tc.slots[n+1] - tc.slots[n], uint64(n), uint64(n) + 1, 0}
				if n == 0 {
					fr.flags = gstmini.BufferFlagDiscont
				}
				want = append(want, fr)
			}
			if got := f.rec.get(); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("frames at %d fps:\n got %v\nwant %v", tc.fps, got, want)
			}
			if got, want := f.src.CaptureTimes(), tc.slots[:4]; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("CaptureTimes() = %v; want %v", got, want)
			}
			if c, l := f.src.FramesCaptured(), f.src.FramesLost(); c != 4 || l != 0 {
				t.Errorf("frames captured, lost = %d, %d; want 4, 0", c, l)
			}
			ev := f.sink.SinkPad().StickyEvent(gstmini.EventCaps)
			if ev == nil {
				t.Fatalf("the sink pad has no caps event")
			}
			if got, want := ev.Caps(), (gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: tc.fps, Den: 1}}); got != want {
				t.Errorf("caps = %s; want %s", got, want)
			}
		})
	}
}

func TestLiveSource_NumBuffersThenEOS(t *testing.T) {
	f := newLiveFixture(t, 30)
	mustSet(t, f.src.Base(), "num-buffers", 3)
	f.play(t)
	f.release(t, f.nextWait(t, 33333333))
	f.release(t, f.nextWait(t, 66666666))
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	m, err := f.pipeline.Bus().PopFiltered(ctx, gstmini.MessageEOS|gstmini.MessageError)
	if err != nil {
		t.Fatalf("no EOS on the bus within %v after 3 frames with num-buffers=3: %v", watchdog, err)
	}
	if m.Type != gstmini.MessageEOS {
		t.Fatalf("bus message = %s; want EOS", m)
	}
	if got := len(f.rec.get()); got != 3 {
		t.Errorf("frames rendered = %d; want 3", got)
	}
	if n := f.clock.PendingIDCount(); n != 0 {
		t.Errorf("clock waits after EOS = %d; want 0", n)
	}
}

// A sink that blocks for 100 ms at 30 fps: the camera's one capture buffer
// is overwritten by frames 2 and 3, frame 4 arrives with DISCONT.
func TestLiveSource_BlockedDownstreamLosesFrames(t *testing.T) {
	f := newLiveFixture(t, 30)
	f.rec.block(1)
	f.play(t)
	f.release(t, f.nextWait(t, 33333333)) // frame 1 leaves at running time 33.3 ms ...
	f.rec.waitBlocked(t)                  // ... and its render blocks
	if err := f.clock.Advance(100 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	close(f.rec.release) // running time 133.333333 ms = slot(4): frames 2, 3 are lost
	f.nextWait(t, 166666666)

	want := []frame{
		{0, 33333333, 0, 1, gstmini.BufferFlagDiscont},
		{33333333, 33333333, 1, 2, 0},
		{133333333, 33333333, 4, 5, gstmini.BufferFlagDiscont},
	}
	if got := f.rec.get(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("frames after a 100 ms block:\n got %v\nwant %v", got, want)
	}
	if c, l := f.src.FramesCaptured(), f.src.FramesLost(); c != 3 || l != 2 {
		t.Errorf("frames captured, lost = %d, %d; want 3, 2", c, l)
	}
	if got := mustGet(t, f.src.Base(), "frames-lost"); got != uint64(2) {
		t.Errorf(`Property("frames-lost") = %v; want 2`, got)
	}
	if s := f.src.FramesSlots(); s != 5 {
		t.Errorf("frames slots = %d; want 5: slots 0-4 are accounted for, 3 delivered + 2 lost", s)
	}
	if got, want := f.src.CaptureTimes(), []time.Duration{0, 33333333, 133333333}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("CaptureTimes() = %v; want %v", got, want)
	}
	var qos *gstmini.Message
	for _, m := range f.pipeline.Bus().Messages() {
		if m.Type == gstmini.MessageQOS && m.Src == gstmini.Element(f.src) {
			qos = m
		}
	}
	if qos == nil {
		t.Fatalf("no QoS message from the camera for the lost frames")
	}
	if q := qos.QOS; !q.Live || q.Timestamp != 133333333 || q.Duration != 2*33333333 || q.Dropped != 2 {
		t.Errorf("QoS message = %+v; want live, timestamp 133333333, duration 66666666 (2 frames), dropped 2", q)
	}
}

// Late by less than a frame: the capture buffer still holds the frame.
func TestLiveSource_LateLessThanAFrameLosesNothing(t *testing.T) {
	f := newLiveFixture(t, 30)
	f.rec.block(1)
	f.play(t)
	f.release(t, f.nextWait(t, 33333333))
	f.rec.waitBlocked(t)
	if err := f.clock.Advance(50 * time.Millisecond); err != nil { // running time 83.3 ms, in slot 2
		t.Fatal(err)
	}
	close(f.rec.release)
	f.nextWait(t, 100000000) // frame 2 left without waiting; the camera waits for frame 3
	got := f.rec.get()
	if len(got) != 3 || got[2].offset != 2 || got[2].pts != 66666666 || got[2].flags != 0 {
		t.Errorf("frames = %v; want frame #2 at 66.666666 ms without DISCONT last", got)
	}
	if l := f.src.FramesLost(); l != 0 {
		t.Errorf("frames lost = %d; want 0", l)
	}
	if ct := f.src.CaptureTimes(); len(ct) != 3 || ct[2] != 83333333 {
		t.Errorf("CaptureTimes() = %v; want the third at 83.333333 ms, when Create returned", ct)
	}
}

func TestLiveSource_ShutdownWhileWaitingOnTheClock(t *testing.T) {
	f := newLiveFixture(t, 30)
	f.play(t)
	id := f.nextWait(t, 33333333)
	stopWithin(t, f.pipeline)
	if !id.IsUnscheduled() {
		t.Errorf("the camera's clock wait was not unscheduled by the shutdown")
	}
	if n := f.clock.PendingIDCount(); n != 0 {
		t.Errorf("clock waits after shutdown = %d; want 0", n)
	}
	if st := f.src.SrcPad().TaskState(); st != gstmini.TaskStopped {
		t.Errorf("camera task after shutdown = %s; want stopped", st)
	}
	goleak.VerifyNone(t)
}

// PLAYING→PAUSED→PLAYING: the camera resumes, and its next wait uses the
// new base time, so running time continues where it paused.
func TestLiveSource_PauseAndResume(t *testing.T) {
	f := newLiveFixture(t, 30)
	f.play(t)
	id := f.nextWait(t, 33333333)
	if ret := f.pipeline.SetState(gstmini.StatePaused); ret != gstmini.StateChangeNoPreroll {
		t.Fatalf("pipeline.SetState(PAUSED) = %s; want NO_PREROLL", ret)
	}
	if !f.clock.HasID(id) {
		t.Logf("the camera's wait for frame 1 ended on PLAYING->PAUSED; a camera keeps capturing")
	}
	if err := f.clock.Advance(5 * time.Second); err != nil { // paused for 5 s
		t.Fatal(err)
	}
	f.play(t)
	if got, want := f.pipeline.BaseTime(), testBase+5*time.Second; got != want {
		t.Fatalf("base time after resume = %s; want %s", gstmini.TimeString(got), gstmini.TimeString(want))
	}
	f.release(t, f.nextWait(t, 33333333))
	f.nextWait(t, 66666666)
	got := f.rec.get()
	t.Log(got, f.src.SrcPad().TaskState())
	if len(got) != 2 || got[1].offset != 1 || got[1].pts != 33333333 || got[1].flags != 0 {
		t.Errorf("frames = %v; want frame #1 at 33.333333 ms without DISCONT after resuming", got)
	}
	if l := f.src.FramesLost(); l != 0 {
		t.Errorf("frames lost across a pause = %d; want 0 (running time stops while PAUSED)", l)
	}
	stopWithin(t, f.pipeline)
	if s, c, l := f.src.FramesSlots(), f.src.FramesCaptured(), f.src.FramesLost(); s != 2 || c != 2 || l != 0 {
		t.Errorf("after NULL at running time 33.3 ms: frames slots, captured, lost = %d, %d, %d; want 2, 2, 0: "+
			"the 5 s PAUSED are not in the capture window", s, c, l)
	}
}

func TestLiveSource_LatencyIsOneFrame(t *testing.T) {
	for _, tc := range []struct {
		fps  int
		want time.Duration
	}{{30, 33333333}, {60, 16666666}, {1, time.Second}} {
		src := NewLiveSource("cam")
		mustSet(t, src.Base(), "fps", tc.fps)
		q := gstmini.NewLatencyQuery()
		if !src.Query(q) {
			t.Fatalf("%d fps: latency query not answered", tc.fps)
		}
		if live, minL, maxL := q.Latency(); !live || minL != tc.want || maxL != tc.want {
			t.Errorf("%d fps: latency = live %t, min %s, max %s; want live true, min = max = %s",
				tc.fps, live, gstmini.TimeString(minL), gstmini.TimeString(maxL), gstmini.TimeString(tc.want))
		}
	}
	// Through a linked sink pad, as a sink asks upstream.
	f := newLiveFixture(t, 30)
	f.play(t)
	f.nextWait(t, 33333333)
	q := gstmini.NewLatencyQuery()
	if !f.sink.SinkPad().PeerQuery(q) {
		t.Fatalf("latency query from the sink pad not answered")
	}
	if live, minL, _ := q.Latency(); !live || minL != 33333333 {
		t.Errorf("latency upstream of the sink = %s; want live, min 33.333333 ms", q)
	}
}

func TestLiveSource_WithoutAClockPostsAnError(t *testing.T) {
	src := NewLiveSource("cam")
	bus := gstmini.NewBus()
	src.SetBus(bus)
	buf, ret := src.create(0, 4096)
	if ret != gstmini.FlowError || buf != nil {
		t.Fatalf("create without a clock = %v, %s; want nil, error", buf, ret)
	}
	m := bus.Pop()
	if m == nil || m.Type != gstmini.MessageError || !errors.Is(m.Err, ErrNoClock) || !strings.Contains(m.Err.Error(), "cam") {
		t.Fatalf("bus message = %v; want an ERROR from cam wrapping ErrNoClock", m)
	}
}

func TestLiveSource_SettingsFixedWhileStreaming(t *testing.T) {
	f := newLiveFixture(t, 30)
	f.play(t)
	f.nextWait(t, 33333333)
	for _, name := range []string{"fps", "frame-size"} {
		err := f.src.SetProperty(name, 25)
		if !errors.Is(err, gstmini.ErrBadPropertyValue) || !strings.Contains(err.Error(), "streaming") {
			t.Errorf("SetProperty(%q, 25) in PLAYING = %v; want an error saying it cannot change while streaming", name, err)
		}
	}
	stopWithin(t, f.pipeline)
	mustSet(t, f.src.Base(), "fps", 25)
	mustSet(t, f.src.Base(), "frame-size", 16)
}

func TestLiveSource_FrameSize(t *testing.T) {
	f := newLiveFixture(t, 30)
	mustSet(t, f.src.Base(), "frame-size", 333)
	var size int
	f.sink.SetHandoff(func(buf *gstmini.Buffer) {
		f.rec.handoff(buf)
		f.rec.mu.Lock()
		size = buf.Size()
		f.rec.mu.Unlock()
	})
	f.play(t)
	f.nextWait(t, 33333333)
	f.rec.mu.Lock()
	defer f.rec.mu.Unlock()
	if size != 333 {
		t.Errorf("frame size = %d; want 333", size)
	}
}

func TestSlotArithmetic(t *testing.T) {
	for _, tc := range []struct {
		now  time.Duration
		fps  int64
		want uint64
	}{
		{0, 30, 0},
		{33333332, 30, 0},
		{33333333, 30, 1}, // slot(1) rounds down onto 33333333
		{99999999, 30, 2},
		{100000000, 30, 3},
		{time.Hour, 1000, 3600000},
		{time.Hour - 1, 7, 25199},
	} {
		if got := frameAt(tc.now, tc.fps); got != tc.want {
			t.Errorf("frameAt(%d, %d) = %d; want %d", tc.now, tc.fps, got, tc.want)
		}
		k := frameAt(tc.now, tc.fps)
		if slotTime(k, tc.fps) > tc.now || slotTime(k+1, tc.fps) <= tc.now {
			t.Errorf("frameAt(%d, %d) = %d is not the latest slot <= now", tc.now, tc.fps, k)
		}
	}
	if got := scale(1<<62, 1000, 1000); got != 1<<62 { // the product needs 72 bits
		t.Errorf("scale overflowed: %d", got)
	}
}
