package elements

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
)

// hlsCollector is a test sink element: its "sink" pad records every buffer
// and event that reaches it, and a readable log line for each.
type hlsCollector struct {
	gstmini.ElementBase
	pad *gstmini.Pad

	mu     sync.Mutex
	bufs   []*gstmini.Buffer
	events []*gstmini.Event
	log    []string
}

func newHLSCollector() *hlsCollector {
	c := &hlsCollector{}
	c.Init(c, "collector")
	c.pad = gstmini.NewPad("sink", gstmini.PadSink)
	c.pad.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.bufs = append(c.bufs, buf)
		c.log = append(c.log, fmt.Sprintf("buffer %v", buf.Meta[MetaHLSURI]))
		return gstmini.FlowOK
	})
	c.pad.SetEventFunc(func(_ *gstmini.Pad, _ gstmini.Element, ev *gstmini.Event) bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.events = append(c.events, ev)
		line := ev.Type().String()
		if ev.Name() != "" {
			line = ev.Name()
		}
		c.log = append(c.log, line)
		return true
	})
	if err := c.AddPad(c.pad); err != nil {
		panic(err)
	}
	return c
}

// ChangeState does the default work: activate and deactivate the pad.
func (c *hlsCollector) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	return c.ElementBase.ChangeState(t)
}

func (c *hlsCollector) buffers() []*gstmini.Buffer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*gstmini.Buffer(nil), c.bufs...)
}

func (c *hlsCollector) lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.log...)
}

// playlists returns the m3u8 text of every playlist event received.
func (c *hlsCollector) playlists() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, ev := range c.events {
		if ev.Name() == PlaylistEventName {
			text, _ := ev.Field("m3u8")
			out = append(out, text.(string))
		}
	}
	return out
}

func (c *hlsCollector) eventsOf(t gstmini.EventType) []*gstmini.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*gstmini.Event
	for _, ev := range c.events {
		if ev.Type() == t {
			out = append(out, ev)
		}
	}
	return out
}

// hlsRig is test source pad → HLSSegmenter → hlsCollector, all PLAYING.
type hlsRig struct {
	t   *testing.T
	seg *HLSSegmenter
	src *gstmini.Pad
	out *hlsCollector
}

// newHLSRig returns a running rig whose segmenter has the given properties
// (name, value, name, value, ...), and pushes stream-start and a segment
// starting at 0.
func newHLSRig(t *testing.T, props ...any) *hlsRig {
	t.Helper()
	r := &hlsRig{t: t, seg: NewHLSSegmenter("seg"), src: gstmini.NewPad("src", gstmini.PadSrc), out: newHLSCollector()}
	for i := 0; i+1 < len(props); i += 2 {
		require.NoError(t, r.seg.SetProperty(props[i].(string), props[i+1]))
	}
	require.NoError(t, r.src.Link(r.seg.SinkPad()))
	require.NoError(t, r.seg.SrcPad().Link(r.out.pad))
	require.True(t, r.src.SetActive(true))
	require.Equal(t, gstmini.StateChangeSuccess, r.out.SetState(gstmini.StatePlaying))
	require.Equal(t, gstmini.StateChangeSuccess, r.seg.SetState(gstmini.StatePlaying))
	t.Cleanup(func() {
		r.seg.SetState(gstmini.StateNull)
		r.out.SetState(gstmini.StateNull)
		r.src.SetActive(false)
	})
	require.True(t, r.src.PushEvent(gstmini.NewStreamStartEvent("hls-test")))
	require.True(t, r.src.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment())))
	return r
}

// hlsFrame returns frame i of a fps stream: PTS i/fps s, duration up to
// the next frame's PTS, 100 bytes.
func hlsFrame(fps, i int) *gstmini.Buffer {
	b := gstmini.NewBuffer(100)
	pts := time.Duration(i) * time.Second / time.Duration(fps)
	b.PTS = pts
	b.Duration = time.Duration(i+1)*time.Second/time.Duration(fps) - pts
	return b
}

// push pushes frames from..to-1 of a fps stream, letting edit change each.
func (r *hlsRig) push(fps, from, to int, edit func(i int, b *gstmini.Buffer)) {
	r.t.Helper()
	for i := from; i < to; i++ {
		b := hlsFrame(fps, i)
		if edit != nil {
			edit(i, b)
		}
		require.Equal(r.t, gstmini.FlowOK, r.src.Push(b), "push frame %d", i)
	}
}

func (r *hlsRig) eos() {
	r.t.Helper()
	require.True(r.t, r.src.PushEvent(gstmini.NewEOSEvent()))
}

// hlsWantSegment describes an expected segment buffer.
type hlsWantSegment struct {
	pts, duration time.Duration
	frames        int
}

func hlsCheckSegments(t *testing.T, got []*gstmini.Buffer, want []hlsWantSegment) {
	t.Helper()
	require.Len(t, got, len(want), "segment buffers")
	for i, w := range want {
		b := got[i]
		assert.Equal(t, gstmini.TimeString(w.pts), gstmini.TimeString(b.PTS), "segment %d PTS", i)
		assert.Equal(t, gstmini.TimeString(w.duration), gstmini.TimeString(b.Duration), "segment %d duration", i)
		assert.Equal(t, w.frames, b.Meta[MetaHLSFrameCount], "segment %d frame count", i)
		frames := b.Meta[MetaHLSFrames].([]time.Duration)
		if assert.Len(t, frames, w.frames, "segment %d frame PTS list", i) {
			assert.Equal(t, w.pts, frames[0], "segment %d first frame", i)
		}
		assert.Equal(t, 100*w.frames, b.Meta[MetaHLSBytes], "segment %d bytes", i)
		assert.Equal(t, i, b.Meta[MetaHLSSequence], "segment %d sequence", i)
		assert.Equal(t, fmt.Sprintf("segment%05d.ts", i), b.Meta[MetaHLSURI], "segment %d uri", i)
		assert.True(t, strings.HasPrefix(string(b.Data), "gstmini HLS segment"), "segment %d payload %q", i, b.Data)
	}
}

func TestHLSSegmenter_ClosesSegmentsAtTargetDuration(t *testing.T) {
	cases := []struct {
		description string
		fps         int
		target      any
		frames      int
		full        []hlsWantSegment
		partial     hlsWantSegment
	}{
		{
			description: "30 fps with a 6 s target: 180 frames per segment",
			fps:         30, target: 6, frames: 400,
			full: []hlsWantSegment{{0, 6 * time.Second, 180}, {6 * time.Second, 6 * time.Second, 180}},
			// frames 360..399: PTS 12 s to 13.3 s, ending at 400/30 s
			partial: hlsWantSegment{12 * time.Second, 1333333333, 40},
		},
		{
			description: "60 fps with a 2 s target: 120 frames per segment",
			fps:         60, target: "2s", frames: 300,
			full:    []hlsWantSegment{{0, 2 * time.Second, 120}, {2 * time.Second, 2 * time.Second, 120}},
			partial: hlsWantSegment{4 * time.Second, time.Second, 60},
		},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			r := newHLSRig(t, "target-duration", tc.target)
			r.push(tc.fps, 0, tc.frames, nil)
			hlsCheckSegments(t, r.out.buffers(), tc.full)
			assert.Equal(t, tc.partial.frames, r.seg.FramesInSegment(), "frames in the partial segment before EOS")
			assert.Equal(t, uint64(len(tc.full)), r.seg.SegmentsEmitted())

			r.eos()
			hlsCheckSegments(t, r.out.buffers(), append(tc.full, tc.partial))
			assert.Equal(t, 0, r.seg.FramesInSegment())
			want := []string{"stream-start", "segment",
				"buffer segment00000.ts", "hls-playlist", "buffer segment00001.ts", "hls-playlist",
				"buffer segment00002.ts", "hls-playlist", "eos"}
			assert.Equal(t, want, r.out.lines(), "what reached downstream, in order")
		})
	}
}

func TestHLSSegmenter_PlaylistEventsAndAccessor(t *testing.T) {
	r := newHLSRig(t) // defaults: target 6 s, playlist-length 5
	empty := "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:0\n"
	assert.Equal(t, empty, r.seg.Playlist())
	r.push(30, 0, 400, nil)
	r.eos()
	want := []string{
		empty + "#EXTINF:6.000,\nsegment00000.ts\n",
		empty + "#EXTINF:6.000,\nsegment00000.ts\n#EXTINF:6.000,\nsegment00001.ts\n",
		empty + "#EXTINF:6.000,\nsegment00000.ts\n#EXTINF:6.000,\nsegment00001.ts\n#EXTINF:1.333,\nsegment00002.ts\n" +
			"#EXT-X-ENDLIST\n",
	}
	assert.Equal(t, want, r.out.playlists())
	assert.Equal(t, want[2], r.seg.Playlist())
	for _, ev := range r.out.eventsOf(gstmini.EventCustomDownstream) {
		uri, _ := ev.Field("uri")
		assert.Equal(t, "playlist.m3u8", uri)
	}
}

func TestHLSSegmenter_PlaylistSlidingWindow(t *testing.T) {
	r := newHLSRig(t, "target-duration", 1, "playlist-length", 2)
	r.push(10, 0, 45, nil) // four 1 s segments, then 0.5 s at EOS
	r.eos()
	assert.Equal(t, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:3\n"+
		"#EXTINF:1.000,\nsegment00003.ts\n#EXTINF:0.500,\nsegment00004.ts\n#EXT-X-ENDLIST\n", r.seg.Playlist())
}

func TestHLSSegmenter_TargetDurationTagCoversLongSegments(t *testing.T) {
	r := newHLSRig(t)  // target 6 s
	for i := range 4 { // PTS 0, 2.2, 4.4, 6.6 s: the frame at 6.6 s closes a 6.6 s segment
		b := gstmini.NewBufferWithPTS(time.Duration(i)*2200*time.Millisecond, 2200*time.Millisecond)
		require.Equal(t, gstmini.FlowOK, r.src.Push(b))
	}
	assert.Equal(t, []string{"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:7\n#EXT-X-MEDIA-SEQUENCE:0\n" +
		"#EXTINF:6.600,\nsegment00000.ts\n"}, r.out.playlists(),
		"RFC 8216 §4.3.3.1: round(6.600) = 7 must not exceed EXT-X-TARGETDURATION")
}

func TestHLSSegmenter_DiscontPropagates(t *testing.T) {
	r := newHLSRig(t)
	r.push(30, 0, 400, func(i int, b *gstmini.Buffer) {
		if i == 5 || i == 365 {
			b.Flags |= gstmini.BufferFlagDiscont
		}
	})
	r.eos()
	bufs := r.out.buffers()
	require.Len(t, bufs, 3)
	for i, want := range []bool{true, false, true} {
		assert.Equal(t, want, bufs[i].HasFlags(gstmini.BufferFlagDiscont), "segment %d DISCONT", i)
	}
}

func TestHLSSegmenter_DurationWithoutFrameDurations(t *testing.T) {
	r := newHLSRig(t, "target-duration", 1)
	r.push(10, 0, 15, func(_ int, b *gstmini.Buffer) { b.Duration = gstmini.ClockTimeNone })
	r.eos()
	hlsCheckSegments(t, r.out.buffers(), []hlsWantSegment{
		{0, time.Second, 10},                     // next frame's PTS (1.0 s) - first PTS
		{time.Second, 500 * time.Millisecond, 5}, // EOS: 0.4 s span of 5 frames, extrapolated to 5 frame spacings
	})
}

func TestHLSSegmenter_FlushStopDiscardsPartialSegment(t *testing.T) {
	r := newHLSRig(t)
	r.push(30, 0, 50, nil)
	assert.Equal(t, 50, r.seg.FramesInSegment())

	require.True(t, r.src.PushEvent(gstmini.NewFlushStartEvent()))
	require.True(t, r.src.PushEvent(gstmini.NewFlushStopEvent(true)))
	assert.Equal(t, 0, r.seg.FramesInSegment())
	assert.Equal(t, uint64(50), r.seg.FramesDiscarded())
	v, err := r.seg.Property("frames-discarded")
	require.NoError(t, err)
	assert.Equal(t, uint64(50), v)

	require.True(t, r.src.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment())))
	r.push(30, 300, 481, nil) // PTS 10 s onwards
	hlsCheckSegments(t, r.out.buffers(), []hlsWantSegment{{10 * time.Second, 6 * time.Second, 180}})
	assert.Equal(t, []string{"stream-start", "segment", "flush-start", "flush-stop", "segment",
		"buffer segment00000.ts", "hls-playlist"}, r.out.lines())
}

func TestHLSSegmenter_ForwardsStreamEventsUnchanged(t *testing.T) {
	r := newHLSRig(t)
	caps := gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: 30, Den: 1}}
	require.True(t, r.src.PushEvent(gstmini.NewCapsEvent(caps)))
	in := gstmini.NewSegment()
	in.Start, in.Base = 5*time.Second, 2*time.Second
	require.True(t, r.src.PushEvent(gstmini.NewSegmentEvent(in)))

	capsEvents := r.out.eventsOf(gstmini.EventCaps)
	require.Len(t, capsEvents, 1)
	assert.Equal(t, caps, capsEvents[0].Caps())
	segs := r.out.eventsOf(gstmini.EventSegment)
	require.Len(t, segs, 2)
	assert.Equal(t, in, segs[1].Segment(), "the output segment is the input segment")
	starts := r.out.eventsOf(gstmini.EventStreamStart)
	require.Len(t, starts, 1)
	assert.Equal(t, "hls-test", starts[0].StreamID())
}

func TestHLSSegmenter_LatencyQueryAddsTargetDuration(t *testing.T) {
	r := newHLSRig(t, "target-duration", 2)
	var answer struct {
		ok       bool
		live     bool
		min, max time.Duration
	}
	r.src.SetQueryFunc(func(_ *gstmini.Pad, _ gstmini.Element, q *gstmini.Query) bool {
		if q.Type() != gstmini.QueryLatency || !answer.ok {
			return false
		}
		q.SetLatency(answer.live, answer.min, answer.max)
		return true
	})
	cases := []struct {
		description      string
		live             bool
		upMin, upMax     time.Duration
		wantMin, wantMax time.Duration
	}{
		{"unbounded maximum stays unbounded", true, 33 * time.Millisecond, gstmini.ClockTimeNone, 2033 * time.Millisecond, gstmini.ClockTimeNone},
		{"bounded maximum grows by the target", true, 33 * time.Millisecond, time.Second, 2033 * time.Millisecond, 3 * time.Second},
		{"non-live upstream keeps live false", false, 0, gstmini.ClockTimeNone, 2 * time.Second, gstmini.ClockTimeNone},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			answer.ok, answer.live, answer.min, answer.max = true, tc.live, tc.upMin, tc.upMax
			q := gstmini.NewLatencyQuery()
			require.True(t, r.out.pad.PeerQuery(q))
			live, minL, maxL := q.Latency()
			assert.Equal(t, tc.live, live)
			assert.Equal(t, gstmini.TimeString(tc.wantMin), gstmini.TimeString(minL), "min")
			assert.Equal(t, gstmini.TimeString(tc.wantMax), gstmini.TimeString(maxL), "max")
		})
	}
	answer.ok = false
	assert.False(t, r.out.pad.PeerQuery(gstmini.NewLatencyQuery()), "upstream could not answer")
}

func TestHLSSegmenter_TargetDurationProperty(t *testing.T) {
	accepted := []struct {
		value any
		want  time.Duration
	}{
		{2, 2 * time.Second}, // a bare integer is seconds, as hlssink2's guint
		{"2", 2 * time.Second},
		{" 7 ", 7 * time.Second},
		{uint8(4), 4 * time.Second},
		{int64(4294967295), 4294967295 * time.Second},
		{"1500ms", 1500 * time.Millisecond},
		{3 * time.Second, 3 * time.Second},
		{time.Millisecond, time.Millisecond},
	}
	for _, tc := range accepted {
		t.Run(fmt.Sprintf("accepts %v (%T)", tc.value, tc.value), func(t *testing.T) {
			h := NewHLSSegmenter("seg")
			require.NoError(t, h.SetProperty("target-duration", tc.value))
			got, err := h.Property("target-duration")
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	refused := []struct {
		value  any
		reason string
	}{
		{0, "must be > 0"},
		{-1, "must be > 0"},
		{"0", "must be > 0"},
		{"-1s", "must be > 0"},
		{"0s", "must be > 0"},
		{time.Duration(0), "must be > 0"},
		{-time.Second, "must be > 0"},
		{"-99999999999999999999", "must be > 0"},
		{int64(4294967296), "too long"},
		{uint64(1 << 63), "too long"},
		{time.Microsecond, "too short"},
		{"soon", "not a number of seconds or a duration"},
		{1.5, "allowed"},
	}
	for _, tc := range refused {
		t.Run(fmt.Sprintf("refuses %v (%T)", tc.value, tc.value), func(t *testing.T) {
			h := NewHLSSegmenter("seg")
			err := h.SetProperty("target-duration", tc.value)
			require.ErrorIs(t, err, gstmini.ErrBadPropertyValue)
			for _, want := range []string{`element "seg"`, `property "target-duration"`, fmt.Sprint(tc.value), "allowed", tc.reason} {
				assert.Contains(t, err.Error(), want)
			}
			assert.Equal(t, 6*time.Second, h.TargetDuration(), "a refused value changes nothing")
		})
	}
	t.Run("through ElementBase an integer is nanoseconds", func(t *testing.T) {
		h := NewHLSSegmenter("seg")
		assert.ErrorIs(t, h.ElementBase.SetProperty("target-duration", 2), gstmini.ErrBadPropertyValue, "2 ns is below 1 ms")
		require.NoError(t, h.ElementBase.SetProperty("target-duration", 6000000000))
		assert.Equal(t, 6*time.Second, h.TargetDuration())
	})
}

func TestHLSSegmenter_OtherProperties(t *testing.T) {
	h := NewHLSSegmenter("seg")
	get := func(name string) any {
		t.Helper()
		v, err := h.Property(name)
		require.NoError(t, err)
		return v
	}
	assert.Equal(t, 6*time.Second, get("target-duration"))
	assert.Equal(t, uint64(5), get("playlist-length"))
	require.NoError(t, h.SetProperty("playlist-length", 0))
	assert.Equal(t, uint64(0), get("playlist-length"))
	err := h.SetProperty("playlist-length", -1)
	require.ErrorIs(t, err, gstmini.ErrBadPropertyValue)
	assert.Contains(t, err.Error(), `"playlist-length"`)

	for _, name := range []string{"segments-emitted", "frames-in-segment", "frames-discarded"} {
		spec, ok := h.FindProperty(name)
		require.True(t, ok, name)
		assert.NotZero(t, spec.Flags&gstmini.PropNotGStreamer, "%s is a gstmini addition", name)
		assert.ErrorIs(t, h.SetProperty(name, 1), gstmini.ErrReadOnlyProperty, name)
	}
	for _, name := range []string{"target-duration", "playlist-length"} {
		spec, _ := h.FindProperty(name)
		assert.Zero(t, spec.Flags&gstmini.PropNotGStreamer, "%s is hlssink2's", name)
	}
}

func TestHLSSegmenter_ReleasesFramesAndResetsOnRestart(t *testing.T) {
	r := newHLSRig(t)
	frames := make([]*gstmini.Buffer, 200)
	r.push(30, 0, 200, func(i int, b *gstmini.Buffer) { frames[i] = b.Ref() })
	for i, b := range frames {
		require.Equal(t, 1, b.RefCount(), "frame %d: the segmenter must drop its reference at once", i)
	}
	v, err := r.seg.Property("segments-emitted")
	require.NoError(t, err)
	assert.Equal(t, uint64(1), v)
	v, err = r.seg.Property("frames-in-segment")
	require.NoError(t, err)
	assert.Equal(t, uint64(20), v)

	require.Equal(t, gstmini.StateChangeSuccess, r.seg.SetState(gstmini.StateReady))
	assert.Equal(t, uint64(20), r.seg.FramesDiscarded(), "going to READY drops the partial segment")
	assert.Contains(t, r.seg.Playlist(), "segment00000.ts", "the playlist stays readable after stopping")

	require.Equal(t, gstmini.StateChangeSuccess, r.seg.SetState(gstmini.StatePlaying))
	assert.Equal(t, uint64(0), r.seg.SegmentsEmitted())
	assert.Equal(t, uint64(0), r.seg.FramesDiscarded())
	assert.NotContains(t, r.seg.Playlist(), "segment00000.ts")
	require.True(t, r.src.PushEvent(gstmini.NewStreamStartEvent("again")))
	require.True(t, r.src.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment())))
	r.push(30, 0, 181, nil)
	bufs := r.out.buffers()
	require.Len(t, bufs, 2)
	assert.Equal(t, 0, bufs[1].Meta[MetaHLSSequence], "numbering restarts after READY→PAUSED")
}
