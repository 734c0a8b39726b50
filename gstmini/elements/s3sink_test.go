package elements

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// s3Watchdog is how long a test waits in real time for something that must
// happen before it fails instead of hanging. It is a deadline, never a sleep.
const s3Watchdog = 2 * time.Second

// s3Rig drives an S3Sink through a test source pad linked to its sink pad,
// with a TestClock as its clock, base time 0 and a bus of its own.
type s3Rig struct {
	t     *testing.T
	sink  *S3Sink
	clock *gstcheck.TestClock
	bus   *gstmini.Bus
	src   *gstmini.Pad
}

// newS3Rig returns a rig whose sink has the given properties (set in order,
// name then value) and is going to PLAYING: with async on, SetState returns
// ASYNC and the first buffer prerolls and commits PLAYING.
func newS3Rig(t *testing.T, props ...any) *s3Rig {
	t.Helper()
	r := &s3Rig{t: t, sink: NewS3Sink("s3"), clock: gstcheck.NewTestClock(), bus: gstmini.NewBus(),
		src: gstmini.NewPad("src", gstmini.PadSrc)}
	for i := 0; i+1 < len(props); i += 2 {
		require.NoError(t, r.sink.SetProperty(props[i].(string), props[i+1]))
	}
	r.sink.SetClock(r.clock)
	r.sink.SetBaseTime(0)
	r.sink.SetBus(r.bus)
	require.NoError(t, r.src.Link(r.sink.SinkPad()))
	require.True(t, r.src.SetActive(true))
	ret := r.sink.SetState(gstmini.StatePlaying)
	require.NotEqual(t, gstmini.StateChangeFailure, ret, "SetState(PLAYING)")
	t.Cleanup(func() {
		r.src.PushEvent(gstmini.NewFlushStartEvent()) // release anything still blocked
		r.shutdown()
		r.src.SetActive(false)
	})
	return r
}

// shutdown sets the sink to NULL and fails the test if that does not return
// within the watchdog.
func (r *s3Rig) shutdown() {
	r.t.Helper()
	done := make(chan gstmini.StateChangeReturn, 1)
	go func() { done <- r.sink.SetState(gstmini.StateNull) }()
	select {
	case ret := <-done:
		assert.Equal(r.t, gstmini.StateChangeSuccess, ret, "SetState(NULL)")
	case <-time.After(s3Watchdog):
		r.t.Fatalf("SetState(NULL) did not return within %v", s3Watchdog)
	}
}

// startStream pushes stream-start and a TIME segment starting at 0.
func (r *s3Rig) startStream() {
	r.t.Helper()
	require.True(r.t, r.src.PushEvent(gstmini.NewStreamStartEvent("s3-test")))
	require.True(r.t, r.src.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment())))
}

// goPush pushes buf on a new goroutine, as a streaming goroutine would, and
// returns the channel its flow result arrives on.
func (r *s3Rig) goPush(buf *gstmini.Buffer) <-chan gstmini.FlowReturn {
	ch := make(chan gstmini.FlowReturn, 1)
	go func() { ch <- r.src.Push(buf) }()
	return ch
}

// result waits for a push's flow result, failing the test after the watchdog.
func (r *s3Rig) result(ch <-chan gstmini.FlowReturn) gstmini.FlowReturn {
	r.t.Helper()
	select {
	case ret := <-ch:
		return ret
	case <-time.After(s3Watchdog):
		r.t.Fatalf("push did not return within %v (uploads so far: %d, pending clock waits: %d)",
			s3Watchdog, len(r.sink.Uploads()), r.clock.PendingIDCount())
		return gstmini.FlowError
	}
}

// notDone fails the test if the push has returned already.
func (r *s3Rig) notDone(ch <-chan gstmini.FlowReturn, when string) {
	r.t.Helper()
	select {
	case ret := <-ch:
		r.t.Fatalf("%s: push returned %v; want it still blocked", when, ret)
	default:
	}
}

// s3Segment returns a segment buffer as HLSSegmenter makes it.
func s3Segment(seq int, pts, dur time.Duration) *gstmini.Buffer {
	b := gstmini.NewBuffer(0)
	uri := fmt.Sprintf("segment%05d.ts", seq)
	b.Data = []byte("data of " + uri)
	b.PTS, b.Duration = pts, dur
	b.Meta = map[string]any{
		MetaHLSURI: uri, MetaHLSSequence: seq, MetaHLSFrameCount: 2,
		MetaHLSFrames: []time.Duration{pts, pts + dur/2},
	}
	return b
}

func TestS3Sink_UploadsWhenClockReachesRunningTime(t *testing.T) {
	r := newS3Rig(t)
	r.startStream()

	cur, pending := r.sink.State()
	require.Equal(t, []gstmini.State{gstmini.StateReady, gstmini.StatePlaying}, []gstmini.State{cur, pending},
		"with async on, the sink waits for preroll")
	first := r.goPush(s3Segment(0, 0, 6*time.Second))
	id := r.clock.WaitForNextPendingIDT(t)
	assert.Equal(t, time.Duration(0), id.Time(), "sync wait of the segment at PTS 0: base_time + running_time")
	cur, pending = r.sink.State()
	assert.Equal(t, []gstmini.State{gstmini.StatePlaying, gstmini.StateVoidPending}, []gstmini.State{cur, pending},
		"the first buffer prerolled the sink and committed PLAYING before the sync wait")
	assert.Empty(t, r.sink.Uploads(), "uploads before the clock released the sync wait")
	require.Equal(t, id, r.clock.ProcessNextClockID())
	require.Equal(t, gstmini.FlowOK, r.result(first))

	second := r.goPush(s3Segment(1, 6*time.Second, 6*time.Second))
	id = r.clock.WaitForNextPendingIDT(t)
	assert.Equal(t, 6*time.Second, id.Time(), "sync wait of the segment at PTS 6 s")
	require.NoError(t, r.clock.SetTime(6*time.Second-time.Nanosecond))
	assert.Nil(t, r.clock.ProcessNextClockID(), "a wait at 0:00:06 must not be due at 0:00:05.999999999")
	r.notDone(second, "clock 1 ns before the segment's running time")
	assert.Len(t, r.sink.Uploads(), 1, "uploads while the second segment waits for 0:00:06")
	require.NoError(t, r.clock.SetTime(6*time.Second))
	require.Equal(t, id, r.clock.ProcessNextClockID())
	require.Equal(t, gstmini.FlowOK, r.result(second))

	ups := r.sink.Uploads()
	require.Len(t, ups, 2)
	want := Upload{URI: "segment00001.ts", Key: "live-streams/segment00001.ts", Sequence: 1,
		PTS: 6 * time.Second, Duration: 6 * time.Second, Frames: []time.Duration{6 * time.Second, 9 * time.Second},
		Size: len("data of segment00001.ts"), Started: 6 * time.Second, Finished: 6 * time.Second}
	assert.Equal(t, want, ups[1])
	assert.Equal(t, uint64(2), r.sink.SegmentsUploaded())
	got, ok := r.sink.Store().(*MemoryStore).Get("live-streams/segment00001.ts")
	assert.True(t, ok)
	assert.Equal(t, "data of segment00001.ts", string(got))
}

func TestS3Sink_UploadLatencyWaitsOnThePipelineClock(t *testing.T) {
	r := newS3Rig(t, "upload-latency", "200ms")
	r.sink.SetBaseTime(10 * time.Second) // running time = clock time - 10 s
	r.startStream()

	done := r.goPush(s3Segment(0, time.Second, 6*time.Second))
	id := r.clock.WaitForNextPendingIDT(t)
	require.Equal(t, 11*time.Second, id.Time(), "sync wait: base_time 10 s + running_time 1 s")
	r.clock.CrankT(t) // clock to 0:00:11: the segment is due, the upload starts

	id = r.clock.WaitForNextPendingIDT(t)
	assert.Equal(t, 11200*time.Millisecond, id.Time(), "upload wait: clock time when Render began + upload-latency")
	assert.Empty(t, r.sink.Uploads(), "uploads during the upload wait")
	require.NoError(t, r.clock.SetTime(11200*time.Millisecond-time.Nanosecond))
	assert.Nil(t, r.clock.ProcessNextClockID())
	r.notDone(done, "clock 1 ns before the upload finishes")
	require.NoError(t, r.clock.SetTime(11200*time.Millisecond))
	require.Equal(t, id, r.clock.ProcessNextClockID())
	require.Equal(t, gstmini.FlowOK, r.result(done))

	ups := r.sink.Uploads()
	require.Len(t, ups, 1)
	assert.Equal(t, time.Second, ups[0].Started)
	assert.Equal(t, 1200*time.Millisecond, ups[0].Finished)
}

func TestS3Sink_SyncFalseUploadsWithoutSyncWait(t *testing.T) {
	t.Run("no upload latency: no clock wait at all", func(t *testing.T) {
		r := newS3Rig(t, "sync", false)
		r.startStream()
		require.Equal(t, gstmini.FlowOK, r.result(r.goPush(s3Segment(0, 10*time.Second, 6*time.Second))))
		ups := r.sink.Uploads()
		require.Len(t, ups, 1)
		assert.Equal(t, time.Duration(0), ups[0].Started, "running time at render: the clock never moved")
		assert.Equal(t, 0, r.clock.PendingIDCount())
		assert.Equal(t, uint64(0), r.sink.ClockWaits(), "BaseSink clock waits")
	})
	t.Run("upload latency is still waited on the clock", func(t *testing.T) {
		r := newS3Rig(t, "sync", false, "upload-latency", 300*time.Millisecond)
		r.startStream()
		done := r.goPush(s3Segment(0, 10*time.Second, 6*time.Second))
		id := r.clock.WaitForNextPendingIDT(t)
		assert.Equal(t, 300*time.Millisecond, id.Time(), "the only wait is the upload wait, from clock time 0")
		r.notDone(done, "during the upload wait")
		r.clock.CrankT(t)
		require.Equal(t, gstmini.FlowOK, r.result(done))
		ups := r.sink.Uploads()
		require.Len(t, ups, 1)
		assert.Equal(t, time.Duration(0), ups[0].Started)
		assert.Equal(t, 300*time.Millisecond, ups[0].Finished)
	})
}

func TestS3Sink_FlushDuringUploadWaitReturnsFlushing(t *testing.T) {
	// async=false as GstHarness sets it: with async on, a flush makes a sink
	// lose its state and wait in PAUSED for its parent to set it PLAYING
	// again (gst_element_lost_state), and this sink has no parent.
	r := newS3Rig(t, "sync", false, "async", false, "upload-latency", time.Second)
	r.startStream()
	done := r.goPush(s3Segment(0, 0, 6*time.Second))
	r.clock.WaitForPendingIDs(t, 1) // blocked in the upload wait

	require.True(t, r.src.PushEvent(gstmini.NewFlushStartEvent()))
	assert.Equal(t, gstmini.FlowFlushing, r.result(done))
	assert.Empty(t, r.sink.Uploads())
	assert.Equal(t, 0, r.clock.PendingIDCount(), "the upload wait was unscheduled")
	assert.Empty(t, r.sink.Store().(*MemoryStore).Keys())

	// After the flush the sink uploads again: UnlockStop cleared the unlock.
	require.True(t, r.src.PushEvent(gstmini.NewFlushStopEvent(true)))
	require.True(t, r.src.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment())))
	done = r.goPush(s3Segment(1, 0, 6*time.Second))
	r.clock.CrankT(t)
	require.Equal(t, gstmini.FlowOK, r.result(done))
	assert.Len(t, r.sink.Uploads(), 1)
}

func TestS3Sink_ShutdownDuringUploadReturnsPromptly(t *testing.T) {
	r := newS3Rig(t, "upload-latency", time.Second)
	r.startStream()
	done := r.goPush(s3Segment(0, 0, 6*time.Second))
	r.clock.CrankT(t)               // the sync wait
	r.clock.WaitForPendingIDs(t, 1) // blocked in the upload wait
	r.shutdown()
	assert.Equal(t, gstmini.FlowFlushing, r.result(done))
	assert.Empty(t, r.sink.Uploads())
	assert.Equal(t, 0, r.clock.PendingIDCount())
}

// s3BlockingStore blocks every Put until its context is cancelled.
type s3BlockingStore struct{ entered chan struct{} }

func (s *s3BlockingStore) Put(ctx context.Context, key string, _ []byte) error {
	close(s.entered)
	<-ctx.Done()
	return fmt.Errorf("blocking store: put %q: %w", key, ctx.Err())
}

func TestS3Sink_ShutdownDuringPutCancelsIt(t *testing.T) {
	r := newS3Rig(t, "sync", false)
	st := &s3BlockingStore{entered: make(chan struct{})}
	r.sink.SetStore(st)
	r.startStream()
	done := r.goPush(s3Segment(0, 0, 6*time.Second))
	select {
	case <-st.entered:
	case <-time.After(s3Watchdog):
		t.Fatal("the sink never called Put")
	}
	r.shutdown()
	assert.Equal(t, gstmini.FlowFlushing, r.result(done), "a cancelled Put is a flush, not an error")
	for _, m := range r.bus.Messages() {
		assert.NotEqual(t, gstmini.MessageError, m.Type, "message %v", m)
	}
}

// s3FailingStore fails every Put.
type s3FailingStore struct{}

var errS3Denied = errors.New("access denied")

func (s3FailingStore) Put(_ context.Context, key string, _ []byte) error {
	return fmt.Errorf("failing store: put %q: %w", key, errS3Denied)
}

func TestS3Sink_PutErrorPostsErrorAndReturnsFlowError(t *testing.T) {
	r := newS3Rig(t, "sync", false, "bucket", "b")
	r.sink.SetStore(s3FailingStore{})
	r.startStream()
	assert.Equal(t, gstmini.FlowError, r.result(r.goPush(s3Segment(0, 0, time.Second))))
	ctx, cancel := context.WithTimeout(context.Background(), s3Watchdog)
	defer cancel()
	m, err := r.bus.PopFiltered(ctx, gstmini.MessageError)
	require.NoError(t, err)
	assert.Equal(t, "s3", m.SrcName())
	assert.ErrorIs(t, m.Err, errS3Denied)
	assert.Contains(t, m.Err.Error(), `"b/segment00000.ts"`)
	assert.Contains(t, m.Err.Error(), "s3")
	assert.Empty(t, r.sink.Uploads())
}

func TestS3Sink_PostsUploadMessage(t *testing.T) {
	r := newS3Rig(t, "sync", false, "key-prefix", "vod/", "bucket", "cam1")
	r.startStream()
	require.NoError(t, r.clock.SetTime(5*time.Second))
	require.Equal(t, gstmini.FlowOK, r.result(r.goPush(s3Segment(3, 0, time.Second))))
	ctx, cancel := context.WithTimeout(context.Background(), s3Watchdog)
	defer cancel()
	for {
		m, err := r.bus.PopFiltered(ctx, gstmini.MessageElement)
		require.NoError(t, err, "no s3sink-upload message")
		if m.Name != "s3sink-upload" {
			continue
		}
		assert.Equal(t, map[string]any{
			"uri": "segment00003.ts", "key": "vod/cam1/segment00003.ts", "size": len("data of segment00003.ts"),
			"sequence": 3, "running-time": 5 * time.Second,
		}, m.Fields)
		return
	}
}

func TestS3Sink_KeyAndDefaultURI(t *testing.T) {
	r := newS3Rig(t, "sync", false, "key-prefix", "a/b", "bucket", "")
	r.startStream()
	buf := gstmini.NewBufferWithPTS(0, time.Second) // no HLS meta
	require.Equal(t, gstmini.FlowOK, r.result(r.goPush(buf)))
	require.Equal(t, gstmini.FlowOK, r.result(r.goPush(gstmini.NewBufferWithPTS(time.Second, time.Second))))
	assert.Equal(t, []string{"a/b/segment00000.ts", "a/b/segment00001.ts"}, r.sink.Store().(*MemoryStore).Keys())
	ups := r.sink.Uploads()
	require.Len(t, ups, 2)
	assert.Equal(t, 1, ups[1].Sequence)
	assert.Nil(t, ups[1].Frames)
}

func TestS3Sink_PlaylistEventUploadsWithoutWaiting(t *testing.T) {
	r := newS3Rig(t, "upload-latency", time.Second)
	r.startStream()
	ev := gstmini.NewCustomEvent(gstmini.EventCustomDownstream, PlaylistEventName,
		map[string]any{"m3u8": "#EXTM3U\n", "uri": "playlist.m3u8"})
	ok := make(chan bool, 1)
	go func() { ok <- r.src.PushEvent(ev) }()
	select {
	case got := <-ok:
		assert.True(t, got)
	case <-time.After(s3Watchdog):
		t.Fatal("the playlist event blocked")
	}
	data, found := r.sink.Store().(*MemoryStore).Get("live-streams/playlist.m3u8")
	require.True(t, found)
	assert.Equal(t, "#EXTM3U\n", string(data))
	assert.Equal(t, 0, r.clock.PendingIDCount())
	assert.Empty(t, r.sink.Uploads(), "a playlist is not a segment upload")
}

func TestS3Sink_Properties(t *testing.T) {
	s := NewS3Sink("up")
	get := func(name string) any {
		t.Helper()
		v, err := s.Property(name)
		require.NoError(t, err)
		return v
	}
	assert.Equal(t, "live-streams", get("bucket"))
	assert.Equal(t, "", get("key-prefix"))
	assert.Equal(t, time.Duration(0), get("upload-latency"))
	assert.Equal(t, uint64(0), get("segments-uploaded"))
	assert.Equal(t, true, get("sync"), "a BaseSink syncs by default, as the seed's S3Sink")

	require.NoError(t, s.SetProperty("upload-latency", "200ms"))
	assert.Equal(t, 200*time.Millisecond, get("upload-latency"))
	require.NoError(t, s.SetProperty("upload-latency", 5000))
	assert.Equal(t, 5*time.Microsecond, get("upload-latency"), "an integer is nanoseconds, as GStreamer's time properties")

	err := s.SetProperty("upload-latency", "-1s")
	require.ErrorIs(t, err, gstmini.ErrBadPropertyValue)
	for _, want := range []string{`"up"`, `"upload-latency"`, "-1s", "0 - "} {
		assert.Contains(t, err.Error(), want)
	}
	assert.ErrorIs(t, s.SetProperty("segments-uploaded", 3), gstmini.ErrReadOnlyProperty)

	for _, name := range []string{"upload-latency", "segments-uploaded"} {
		spec, ok := s.FindProperty(name)
		require.True(t, ok)
		assert.NotZero(t, spec.Flags&gstmini.PropNotGStreamer, "%s is a gstmini addition", name)
	}
	for _, name := range []string{"bucket", "key-prefix"} {
		spec, ok := s.FindProperty(name)
		require.True(t, ok)
		assert.Zero(t, spec.Flags&gstmini.PropNotGStreamer, "%s is awss3hlssink's", name)
	}

	s.SetStore(nil)
	assert.IsType(t, &MemoryStore{}, s.Store())
}

// TestS3Sink_WithSegmenterWritesDirStore runs frames through an
// HLSSegmenter into an S3Sink that writes to a directory.
func TestS3Sink_WithSegmenterWritesDirStore(t *testing.T) {
	dir := t.TempDir()
	st, err := NewDirStore(dir)
	require.NoError(t, err)

	r := newS3Rig(t, "sync", false)
	r.sink.SetStore(st)
	seg := NewHLSSegmenter("seg")
	require.NoError(t, seg.SetProperty("target-duration", 2))
	src := gstmini.NewPad("src", gstmini.PadSrc)
	require.NoError(t, r.src.Unlink(r.sink.SinkPad()))
	require.NoError(t, src.Link(seg.SinkPad()))
	require.NoError(t, seg.SrcPad().Link(r.sink.SinkPad()))
	require.True(t, src.SetActive(true))
	require.Equal(t, gstmini.StateChangeSuccess, seg.SetState(gstmini.StatePlaying))
	t.Cleanup(func() { seg.SetState(gstmini.StateNull); src.SetActive(false) })

	require.True(t, src.PushEvent(gstmini.NewStreamStartEvent("frames")))
	require.True(t, src.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment())))
	for i := range 150 { // 30 fps, 5 s: segments of 2 s, 2 s and 1 s
		pts := time.Duration(i) * time.Second / 30
		next := time.Duration(i+1) * time.Second / 30
		b := gstmini.NewBuffer(10)
		b.PTS, b.Duration = pts, next-pts
		require.Equal(t, gstmini.FlowOK, src.Push(b), "frame %d", i)
	}
	require.True(t, src.PushEvent(gstmini.NewEOSEvent()))

	for _, name := range []string{"segment00000.ts", "segment00001.ts", "segment00002.ts"} {
		data, err := os.ReadFile(filepath.Join(dir, "live-streams", name))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(data), "gstmini HLS segment "+name), "%s holds %q", name, data)
	}
	data, err := os.ReadFile(filepath.Join(dir, "live-streams", "playlist.m3u8"))
	require.NoError(t, err)
	assert.Equal(t, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"+
		"#EXTINF:2.000,\nsegment00000.ts\n#EXTINF:2.000,\nsegment00001.ts\n#EXTINF:1.000,\nsegment00002.ts\n"+
		"#EXT-X-ENDLIST\n", string(data))
	ups := r.sink.Uploads()
	require.Len(t, ups, 3)
	assert.Len(t, ups[0].Frames, 60)
	assert.Len(t, ups[2].Frames, 30)
	entries, err := os.ReadDir(filepath.Join(dir, "live-streams"))
	require.NoError(t, err)
	assert.Len(t, entries, 4, "three segments and the playlist, no temporary files")
}

// TestS3Sink_PauseDuringUploadFinishesWhenPlayingAgain: PLAYING→PAUSED
// interrupts the upload wait (Unlock); the render waits in preroll
// (gst_base_sink_wait_preroll) and, back in PLAYING, finishes the upload at
// the clock time it would have ended anyway.
func TestS3Sink_PauseDuringUploadFinishesWhenPlayingAgain(t *testing.T) {
	r := newS3Rig(t, "sync", false, "async", false, "upload-latency", time.Second)
	r.startStream()
	done := r.goPush(s3Segment(0, 0, 6*time.Second))
	first := r.clock.WaitForNextPendingIDT(t) // blocked in the upload wait, until 1 s
	require.Equal(t, time.Second, first.Time())
	require.Equal(t, gstmini.StateChangeSuccess, r.sink.SetState(gstmini.StatePaused))
	r.notDone(done, "while PAUSED: the render waits in preroll")
	assert.Zero(t, r.clock.PendingIDCount(), "the upload wait was unscheduled by the pause")
	assert.Empty(t, r.sink.Uploads())

	require.NoError(t, r.clock.SetTime(400*time.Millisecond))
	require.Equal(t, gstmini.StateChangeSuccess, r.sink.SetState(gstmini.StatePlaying))
	again := r.clock.WaitForNextPendingIDT(t)
	assert.Equal(t, time.Second, again.Time(), "the upload still ends at 1 s of clock time")
	require.NoError(t, r.clock.SetTime(time.Second))
	r.clock.ProcessID(again)
	assert.Equal(t, gstmini.FlowOK, r.result(done))
	require.Len(t, r.sink.Uploads(), 1, "the segment was uploaded")
}
