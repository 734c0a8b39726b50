package elements

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// fakePipeline is fakesrc ! fakesink in a pipeline; the sink records what
// it renders.
type fakePipeline struct {
	pipeline *gstmini.Pipeline
	src      *FakeSrc
	sink     *FakeSink
	rec      *recorder
}

func newFakePipeline(t testing.TB) *fakePipeline {
	t.Helper()
	f := &fakePipeline{
		pipeline: gstmini.NewPipeline("pipeline"),
		src:      NewFakeSrc("fakesrc0"),
		sink:     NewFakeSink("fakesink0"),
		rec:      newRecorder(),
	}
	if err := f.pipeline.Add(f.src, f.sink); err != nil {
		t.Fatal(err)
	}
	if err := f.src.SrcPad().Link(f.sink.SinkPad()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.pipeline.Stop() })
	return f
}

// record makes the sink record every rendered buffer.
func (f *fakePipeline) record(t testing.TB) {
	t.Helper()
	if err := f.sink.SetProperty("signal-handoffs", true); err != nil {
		t.Fatal(err)
	}
	f.sink.SetHandoff(f.rec.handoff)
}

// run plays the pipeline from NULL to EOS on the system clock, with a
// watchdog.
func (f *fakePipeline) run(t testing.TB) {
	t.Helper()
	f.play(t)
}

// preroll takes the pipeline to PAUSED and waits until fakesink has
// prerolled the first buffer.
func (f *fakePipeline) preroll(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	if ret := f.pipeline.SetState(gstmini.StatePaused); ret == gstmini.StateChangeFailure {
		t.Fatalf("pipeline.SetState(PAUSED) = %s", ret)
	}
	if _, cur, _, err := f.pipeline.GetState(ctx); err != nil || cur != gstmini.StatePaused {
		t.Fatalf("pipeline did not preroll: state %s, %v", cur, err)
	}
}

// play runs the pipeline until EOS with pipeline.Run, which
// leaves it in NULL.
func (f *fakePipeline) play(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.pipeline.Run(ctx); err != nil {
		t.Fatalf("pipeline.Run() = %v; want nil (EOS)", err)
	}
}

func TestFakeSrc_PropertyDefaults(t *testing.T) {
	src := NewFakeSrc("fakesrc0")
	for _, tc := range []struct {
		name string
		want any
	}{
		{"num-buffers", int64(-1)},
		{"sizetype", FakeSrcSizeEmpty},
		{"sizemin", int64(0)},
		{"sizemax", int64(4096)},
		{"parentsize", int64(40960)},
		{"filltype", FakeSrcFillNothing},
		{"datarate", int64(0)},
		{"sync", false},
		{"pattern", ""},
		{"silent", true},
		{"signal-handoffs", false},
		{"dump", false},
		{"can-activate-push", true},
		{"is-live", false},
		{"format", gstmini.FormatBytes},
	} {
		if got := mustGet(t, src.Base(), tc.name); got != tc.want {
			t.Errorf("Property(%q) = %v (%T); want %v (%T)", tc.name, got, got, tc.want, tc.want)
		}
		if spec, _ := src.FindProperty(tc.name); spec.Default != tc.want {
			t.Errorf("property %q: spec Default = %v (%T); want %v", tc.name, spec.Default, spec.Default, tc.want)
		}
	}
	if src.IsLive() {
		t.Errorf("IsLive() = true; want false")
	}
}

func TestFakeSrc_PropertyValues(t *testing.T) {
	src := NewFakeSrc("fakesrc0")
	for _, tc := range []struct {
		name string
		set  any
		want any
	}{
		{"sizetype", "fixed", FakeSrcSizeFixed},
		{"sizetype", 3, FakeSrcSizeRandom},
		{"sizetype", FakeSrcSizeEmpty, FakeSrcSizeEmpty},
		{"filltype", "pattern-span", FakeSrcFillPatternSpan},
		{"filltype", "Fill buffers with zeros", FakeSrcFillZero},
		{"format", "time", gstmini.FormatTime},
		{"format", gstmini.FormatBytes, gstmini.FormatBytes},
		{"is-live", "true", true},
		{"sizemax", "100", int64(100)},
	} {
		mustSet(t, src.Base(), tc.name, tc.set)
		if got := mustGet(t, src.Base(), tc.name); got != tc.want {
			t.Errorf("after SetProperty(%q, %v): Property = %v; want %v", tc.name, tc.set, got, tc.want)
		}
	}
	if !src.IsLive() {
		t.Errorf("is-live=true did not make the source live")
	}
}

func TestFakeSrc_PropertyErrors(t *testing.T) {
	src := NewFakeSrc("fakesrc0")
	for _, tc := range []struct {
		name    string
		value   any
		wantErr error
		mention string
	}{
		{"sizetype", "huge", gstmini.ErrBadPropertyValue, "(1) empty, (2) fixed, (3) random"},
		{"sizetype", 0, gstmini.ErrBadPropertyValue, "(1) empty"},
		{"filltype", "sparkles", gstmini.ErrBadPropertyValue, "(5) pattern-span"},
		{"sizemax", -1, gstmini.ErrBadPropertyValue, "0 - 2147483647"},
		{"datarate", -1, gstmini.ErrBadPropertyValue, "0 - 2147483647"},
		{"num-buffers", -2, gstmini.ErrBadPropertyValue, "-1 - 2147483647"},
		{"format", "percent", gstmini.ErrBadPropertyValue, "bytes and time"},
		{"format", "furlongs", gstmini.ErrBadPropertyValue, "(3) time"},
		{"can-activate-push", false, gstmini.ErrBadPropertyValue, "push mode"},
		{"output", 1, gstmini.ErrUnknownProperty, `"output"`},
	} {
		err := src.SetProperty(tc.name, tc.value)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("SetProperty(%q, %v) = %v; want %v", tc.name, tc.value, err, tc.wantErr)
			continue
		}
		if !strings.Contains(err.Error(), "fakesrc0") || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("SetProperty(%q, %v) error %q; want it to name fakesrc0 and mention %q", tc.name, tc.value, err, tc.mention)
		}
	}
}

func TestFakeSrcFakeSink_NumBuffersReachesEOS(t *testing.T) {
	const n = 100
	f := newFakePipeline(t)
	f.record(t)
	mustSet(t, f.src.Base(), "num-buffers", n)
	f.run(t)
	if got := f.sink.Rendered(); got != n {
		t.Errorf("fakesink rendered %d buffers; want %d", got, n)
	}
	frames := f.rec.get()
	if len(frames) != n {
		t.Fatalf("fakesink handed off %d buffers; want %d", len(frames), n)
	}
	// fakesrc's defaults: empty buffers at byte offset 0, no timestamps
	// (GStreamer's BaseSrc would stamp them PTS 0: see FakeSrc's doc).
	for i, fr := range frames {
		if fr.pts != gstmini.ClockTimeNone || fr.duration != gstmini.ClockTimeNone || fr.offset != 0 {
			t.Fatalf("buffer %d = %v; want offset 0, no PTS, no duration", i, fr)
		}
	}
	if seg := f.sink.Segment(); seg.Format != gstmini.FormatBytes {
		t.Errorf("segment format at fakesink = %s; want bytes (fakesrc's default format)", seg.Format)
	}
	if cur := f.pipeline.CurrentState(); cur != gstmini.StateNull {
		t.Errorf("pipeline state after Run = %s; want NULL", cur)
	}
}

func TestFakeSrc_FixedSizeAdvancesOffset(t *testing.T) {
	f := newFakePipeline(t)
	f.record(t)
	mustSet(t, f.src.Base(), "num-buffers", 3)
	mustSet(t, f.src.Base(), "sizetype", "fixed")
	mustSet(t, f.src.Base(), "sizemax", 100)
	f.run(t)
	var offsets []uint64
	for _, fr := range f.rec.get() {
		offsets = append(offsets, fr.offset)
	}
	if fmt.Sprint(offsets) != "[0 100 200]" {
		t.Errorf("offsets of 100-byte buffers = %v; want [0 100 200]", offsets)
	}
}

func TestFakeSrc_FormatTime(t *testing.T) {
	f := newFakePipeline(t)
	mustSet(t, f.src.Base(), "num-buffers", 1)
	mustSet(t, f.src.Base(), "format", "time")
	f.run(t)
	if seg := f.sink.Segment(); seg.Format != gstmini.FormatTime {
		t.Errorf("segment format with format=time = %s; want time", seg.Format)
	}
}

func TestFakeSrc_DatarateTimestamps(t *testing.T) {
	f := newFakePipeline(t)
	f.record(t)
	mustSet(t, f.src.Base(), "num-buffers", 4)
	mustSet(t, f.src.Base(), "sizetype", "fixed")
	mustSet(t, f.src.Base(), "sizemax", 1000)
	mustSet(t, f.src.Base(), "datarate", 4000) // 1000 bytes = 250 ms
	f.run(t)
	want := []frame{
		{0, 250 * time.Millisecond, 0, gstmini.BufferOffsetNone, gstmini.BufferFlagDiscont},
		{250 * time.Millisecond, 250 * time.Millisecond, 1000, gstmini.BufferOffsetNone, 0},
		{500 * time.Millisecond, 250 * time.Millisecond, 2000, gstmini.BufferOffsetNone, 0},
		{750 * time.Millisecond, 250 * time.Millisecond, 3000, gstmini.BufferOffsetNone, 0},
	}
	if got := f.rec.get(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("buffers with datarate 4000:\n got %v\nwant %v", got, want)
	}
}

func TestFakeSrc_IsLiveNoPreroll(t *testing.T) {
	f := newFakePipeline(t)
	f.record(t)
	clock := gstcheck.NewTestClockWithStartTime(testBase)
	f.pipeline.UseClock(clock)
	mustSet(t, f.src.Base(), "is-live", true)
	mustSet(t, f.src.Base(), "num-buffers", 3)
	t.Cleanup(func() { stopWithin(t, f.pipeline) })
	if ret := f.pipeline.SetState(gstmini.StatePaused); ret != gstmini.StateChangeNoPreroll {
		t.Fatalf("SetState(PAUSED) with is-live=true = %s; want NO_PREROLL", ret)
	}
	// fakesink has not prerolled, so ASYNC, as run-checked on GStreamer; or
	// SUCCESS if the first live buffer already completed fakesink's change.
	if ret := f.pipeline.SetState(gstmini.StatePlaying); ret != gstmini.StateChangeAsync && ret != gstmini.StateChangeSuccess {
		t.Errorf("SetState(PLAYING) = %s; want ASYNC (fakesink prerolls on the first live buffer)", ret)
	}
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	if m, err := f.pipeline.Bus().PopFiltered(ctx, gstmini.MessageEOS|gstmini.MessageError); err != nil || m.Type != gstmini.MessageEOS {
		t.Fatalf("bus = %v, %v; want EOS after 3 live buffers", m, err)
	}
	// A live fakesrc without datarate stamps buffers with the running time
	// (the test clock stands still at base time: 0).
	for i, fr := range f.rec.get() {
		if fr.pts != 0 {
			t.Errorf("live buffer %d PTS = %s; want the running time 0", i, gstmini.TimeString(fr.pts))
		}
	}
}

func TestFakeSrc_SyncWaitsOnTheClock(t *testing.T) {
	f := newFakePipeline(t)
	f.record(t)
	clock := gstcheck.NewTestClockWithStartTime(testBase)
	f.pipeline.UseClock(clock)
	for name, v := range map[string]any{"is-live": true, "sync": true, "datarate": 4000, "sizetype": "fixed", "sizemax": 1000} {
		mustSet(t, f.src.Base(), name, v)
	}
	t.Cleanup(func() { stopWithin(t, f.pipeline) })
	f.pipeline.SetState(gstmini.StatePlaying)
	for i := range 3 {
		id := clock.WaitForNextPendingIDT(t)
		if id == nil {
			t.FailNow()
		}
		want := testBase + time.Duration(i)*250*time.Millisecond
		if id.Time() != want {
			t.Fatalf("buffer %d waits for clock time %s; want %s (base time + bytes_sent/datarate)",
				i, gstmini.TimeString(id.Time()), gstmini.TimeString(want))
		}
		if got := len(f.rec.get()); got != i {
			t.Fatalf("buffers rendered before buffer %d's time = %d; want %d", i, got, i)
		}
		clock.CrankT(t)
	}
	clock.WaitForNextPendingIDT(t)
	if got := len(f.rec.get()); got != 3 {
		t.Errorf("buffers rendered = %d; want 3", got)
	}
}

func TestFakeSrc_Handoff(t *testing.T) {
	f := newFakePipeline(t)
	mustSet(t, f.src.Base(), "num-buffers", 5)
	var calls int
	f.src.SetHandoff(func(buf *gstmini.Buffer) { calls++ }) // streaming goroutine only
	f.run(t)
	if calls != 0 {
		t.Errorf("handoff called %d times with signal-handoffs=false; want 0", calls)
	}
	mustSet(t, f.src.Base(), "signal-handoffs", true)
	f.run(t)
	if calls != 5 {
		t.Errorf("handoff called %d times with signal-handoffs=true; want 5", calls)
	}
}

func TestFakeSrc_SizeAndFill(t *testing.T) {
	src := NewFakeSrc("fakesrc0")
	next := func() []byte {
		t.Helper()
		buf, ret := src.create(0, 0)
		if ret != gstmini.FlowOK {
			t.Fatalf("create = %s; want ok", ret)
		}
		data := append([]byte(nil), buf.Data...)
		for i := range buf.Data {
			buf.Data[i] = 0xee // dirty it for the next user of the pool
		}
		buf.Unref()
		return data
	}
	if err := src.start(); err != nil {
		t.Fatal(err)
	}
	if got := next(); len(got) != 0 {
		t.Errorf("sizetype=empty: %d bytes; want 0", len(got))
	}
	mustSet(t, src.Base(), "sizetype", "fixed")
	mustSet(t, src.Base(), "sizemax", 8)
	mustSet(t, src.Base(), "filltype", "zero")
	for range 3 {
		if got := next(); !bytes.Equal(got, make([]byte, 8)) {
			t.Errorf("fixed, zero: %x; want 8 zero bytes", got)
		}
	}
	mustSet(t, src.Base(), "filltype", "pattern")
	for range 2 {
		if got := next(); !bytes.Equal(got, []byte{0, 1, 2, 3, 4, 5, 6, 7}) {
			t.Errorf("pattern: %x; want 0001020304050607 in every buffer", got)
		}
	}
	// As in gst_fake_src_prepare_buffer, "pattern" leaves the pattern byte
	// where its buffer ended, and "pattern-span" goes on from there.
	mustSet(t, src.Base(), "filltype", "pattern-span")
	for _, want := range [][]byte{{8, 9, 10, 11, 12, 13, 14, 15}, {16, 17, 18, 19, 20, 21, 22, 23}} {
		if got := next(); !bytes.Equal(got, want) {
			t.Errorf("pattern-span buffer: %x; want %x", got, want)
		}
	}
	mustSet(t, src.Base(), "sizetype", "random")
	mustSet(t, src.Base(), "sizemin", 3)
	for range 50 {
		if got := len(next()); got < 3 || got >= 8 {
			t.Fatalf("sizetype=random, sizemin 3, sizemax 8: %d bytes; want 3 <= size < 8", got)
		}
	}
}

func TestFakeSrc_Dump(t *testing.T) {
	src := NewFakeSrc("fakesrc0")
	var out bytes.Buffer
	src.dumpOut = &out
	for name, v := range map[string]any{"dump": true, "sizetype": "fixed", "sizemax": 4, "filltype": "pattern"} {
		mustSet(t, src.Base(), name, v)
	}
	buf, _ := src.create(0, 0)
	buf.Unref()
	if !strings.Contains(out.String(), "00 01 02 03") {
		t.Errorf("dump output %q; want the hex bytes 00 01 02 03", out.String())
	}
}

// BenchmarkFakesrcFakesink measures `fakesrc num-buffers=b.N ! fakesink
// sync=false`: one push, chain and render per buffer, on one streaming
// goroutine. Allocations per buffer should be 0 in steady state (the
// pipeline's setup is spread over b.N).
func BenchmarkFakesrcFakesink(b *testing.B) {
	for _, tc := range []struct {
		name     string
		sizetype string
	}{{"empty", "empty"}, {"fixed-4096", "fixed"}} {
		b.Run(tc.name, func(b *testing.B) {
			f := newFakePipeline(b)
			if err := f.src.SetProperty("num-buffers", b.N); err != nil {
				b.Fatal(err)
			}
			if err := f.src.SetProperty("sizetype", tc.sizetype); err != nil {
				b.Fatal(err)
			}
			f.preroll(b) // the first buffer is out of the timed region
			b.ReportAllocs()
			b.ResetTimer()
			f.play(b)
			b.StopTimer()
			if got := f.sink.Rendered(); got != uint64(b.N) {
				b.Fatalf("fakesink rendered %d buffers; want %d", got, b.N)
			}
		})
	}
}
