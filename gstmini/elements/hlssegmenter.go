package elements

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// Buffer meta keys of the segment buffers HLSSegmenter pushes (gstmini
// additions; a GStreamer element would use GstMeta or the caps).
const (
	// MetaHLSFrames holds a []time.Duration: the PTS of every frame in the
	// segment, in arrival order (ClockTimeNone for a frame without PTS).
	// Sinks compute capture-to-upload latency from it.
	MetaHLSFrames = "hls-frames"
	// MetaHLSSequence holds an int: the segment's media sequence number,
	// counted from 0 since the segmenter went to PAUSED.
	MetaHLSSequence = "hls-sequence"
	// MetaHLSURI holds a string: the segment's URI in the playlist,
	// "segment00000.ts" (hlssink2's default location "segment%05d.ts").
	MetaHLSURI = "hls-uri"
	// MetaHLSFrameCount holds an int: the number of frames in the segment.
	MetaHLSFrameCount = "hls-frame-count"
	// MetaHLSBytes holds an int: the sum of the frames' sizes, the size the
	// real segment file would have. The buffer's own payload is a short
	// text summary, so that a segment costs no copy of its frames.
	MetaHLSBytes = "hls-bytes"
)

// The custom event that carries the playlist downstream.
const (
	// PlaylistEventName is the name of the serialized custom downstream
	// event HLSSegmenter pushes after every segment buffer and at EOS. Its
	// field "m3u8" holds the playlist text and "uri" its name,
	// DefaultPlaylistURI.
	PlaylistEventName = "hls-playlist"
	// DefaultPlaylistURI is the playlist's name (hlssink2's default
	// playlist-location "playlist.m3u8").
	DefaultPlaylistURI = "playlist.m3u8"
)

// HLSSegmenter defaults and limits.
const (
	hlsDefaultTarget         = 6 * time.Second // the seed's; hlssink2's is 15 s
	hlsDefaultPlaylistLength = 5               // hlssink2's
	hlsMinTarget             = time.Millisecond
	hlsMaxTarget             = math.MaxUint32 * time.Second // hlssink2's guint seconds
	hlsSegmentURIFormat      = "segment%05d.ts"
)

// An HLSSegmenter groups frames into HLS media segments, as GStreamer's
// hlssink2 does with its splitmuxsink and playlist (ext/hls/gsthlssink2.c),
// but as a filter (factory name "hlssegmenter"): instead of writing files it
// pushes one buffer per segment out of its "src" pad, for S3Sink to upload,
// followed by the updated playlist as a custom event. Create it with
// NewHLSSegmenter; the zero value is not usable.
//
// # Segmenting
//
// The sink pad's chain function runs on the upstream goroutine (the queue's
// streaming goroutine in the seed's pipeline). It records each frame's PTS,
// duration, size and DISCONT flag and unrefs the frame at once, so pool
// buffers go back to their pool. A segment starts at its first frame's PTS,
// seg_start, and closes at the first frame that reaches the target:
//
//	frame.PTS >= seg_start + target-duration
//
// That frame starts the next segment. hlssink2 splits the same way, at the
// first keyframe at or after the target; every gstmini frame is a keyframe.
// Worked example: 30 fps and a 6 s target put frames 0..179 (PTS 0 to
// 5.967 s) in segment 0, and frame 180 (PTS 6.000 s) closes it: 180 frames.
// At 60 fps with a 2 s target, a segment has 120 frames.
//
// Closing a segment pushes one buffer, inside the chain function on the
// same goroutine (the push, and a syncing sink's clock wait, block the
// upstream goroutine until the sink is done), with
//
//	PTS      = PTS of the segment's first frame
//	Duration = last.PTS + last.Duration - PTS   (without durations: next_frame.PTS - PTS)
//	Flags    = DISCONT if any of its frames had DISCONT
//	Meta     = MetaHLSFrames, MetaHLSSequence, MetaHLSURI, MetaHLSFrameCount, MetaHLSBytes
//
// and then the playlist event (PlaylistEventName). At EOS the partial
// segment is closed and pushed (its duration extrapolated from the frame
// spacing if frames carry no duration), then the final playlist, with
// EXT-X-ENDLIST, then EOS. FLUSH_STOP discards the partial segment; its
// frames count in FramesDiscarded. Stream-start, caps and segment events
// pass through unchanged: segment buffers carry the frames' timestamps, so
// the output segment is the input segment.
//
// # Playlist
//
// After each segment the element adds it to a Playlist with a sliding
// window of "playlist-length" segments and sends the rendered text
// downstream as a serialized custom event:
//
//	gstmini.NewCustomEvent(gstmini.EventCustomDownstream, "hls-playlist",
//		map[string]any{"m3u8": text, "uri": "playlist.m3u8"})
//
// # Latency
//
// A frame leaves the element only when the segment holding it closes, up to
// target-duration after it arrived. The src pad therefore answers the
// latency query with upstream's answer plus target-duration, on the minimum
// and on the maximum (if bounded), since the element holds that much data:
//
//	min = upstream_min + target-duration
//	max = upstream_max + target-duration
//
// This is gstmini's model: hlssink2 is a sink and adds nothing of the kind.
// Here the segmenter sits in front of a syncing sink, which waits for each
// segment's PTS plus the pipeline latency; without the target in the
// latency, every segment would reach the sink target-duration late.
//
// # Properties
//
//   - "target-duration": how long each segment should last, default 6 s
//     (the seed's; hlssink2's is 15 s). hlssink2's is a guint of seconds;
//     gstmini stores a time.Duration. Through HLSSegmenter.SetProperty a
//     bare integer, or a string holding one, is whole seconds as in
//     hlssink2 (2 means 2 s); a time.Duration or a string such as "1500ms"
//     is a duration. The allowed range is 1 ms to 4294967295 s; 0 and
//     negative values are refused. Through ElementBase.SetProperty (generic
//     code holding only the Element) the property behaves as any gstmini
//     time property: an integer is nanoseconds, so 2 is refused as below
//     1 ms, while 6000000000 means 6 s.
//   - "playlist-length": segments in the playlist window, default 5, 0
//     unlimited (hlssink2's).
//   - Read-only gstmini additions: "segments-emitted" (guint64),
//     "frames-in-segment" (guint, the partial segment) and
//     "frames-discarded" (guint64).
//
// Properties may change at any time; a new target applies from the next
// frame, a new playlist-length from the next playlist. All methods are safe
// for concurrent use.
type HLSSegmenter struct {
	gstmini.ElementBase

	sinkpad, srcpad *gstmini.Pad

	mu             sync.Mutex // every field below
	target         time.Duration
	playlistLength uint64

	frames    []time.Duration // PTS of the partial segment's frames
	bytes     int
	discont   bool
	segStart  time.Duration // PTS of the partial segment's first timestamped frame, or ClockTimeNone
	lastPTS   time.Duration // PTS of its last timestamped frame, or ClockTimeNone
	lastDur   time.Duration // that frame's duration, or ClockTimeNone
	nextSeq   int
	emitted   uint64
	discarded uint64
	playlist  *Playlist
}

// NewHLSSegmenter returns a segmenter named name, in state NULL, with a
// "sink" and a "src" pad, target-duration 6 s and playlist-length 5.
func NewHLSSegmenter(name string) *HLSSegmenter {
	h := &HLSSegmenter{target: hlsDefaultTarget, playlistLength: hlsDefaultPlaylistLength}
	h.Init(h, name)
	h.resetLocked()
	h.sinkpad = gstmini.NewPad("sink", gstmini.PadSink)
	h.sinkpad.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		return h.chain(buf)
	})
	h.sinkpad.SetEventFunc(h.sinkEvent)
	h.srcpad = gstmini.NewPad("src", gstmini.PadSrc)
	h.srcpad.SetQueryFunc(h.srcQuery)
	for _, p := range []*gstmini.Pad{h.sinkpad, h.srcpad} {
		if err := h.AddPad(p); err != nil {
			panic(err) // fresh pads with distinct names: cannot happen
		}
	}
	h.installProperties()
	return h
}

// SinkPad returns the pad frames enter through.
func (h *HLSSegmenter) SinkPad() *gstmini.Pad { return h.sinkpad }

// SrcPad returns the pad segment buffers and playlist events leave through.
func (h *HLSSegmenter) SrcPad() *gstmini.Pad { return h.srcpad }

// TargetDuration returns the "target-duration" property.
func (h *HLSSegmenter) TargetDuration() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.target
}

// Playlist returns the current playlist text, as last sent downstream (or
// an empty playlist before the first segment). It stays readable after the
// element stopped, until it next goes from READY to PAUSED.
func (h *HLSSegmenter) Playlist() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.configurePlaylistLocked()
	return h.playlist.Render()
}

// SegmentsEmitted returns how many segment buffers the element has closed
// and pushed since it went from READY to PAUSED ("segments-emitted").
func (h *HLSSegmenter) SegmentsEmitted() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.emitted
}

// FramesInSegment returns the number of frames in the partial segment
// ("frames-in-segment").
func (h *HLSSegmenter) FramesInSegment() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.frames)
}

// FramesDiscarded returns how many frames were dropped with a partial
// segment by FLUSH_STOP or by going to READY, since the element went from
// READY to PAUSED ("frames-discarded").
func (h *HLSSegmenter) FramesDiscarded() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.discarded
}

// SetProperty sets a property as ElementBase.SetProperty does, except that
// "target-duration" also takes a bare integer, or a string holding one, as
// whole seconds (hlssink2's guint): SetProperty("target-duration", 2) is
// 2 s, SetProperty("target-duration", "1500ms") is 1.5 s. Values at or below
// 0 are refused with an error that wraps gstmini.ErrBadPropertyValue and
// names the element, the property, the value and the allowed range.
func (h *HLSSegmenter) SetProperty(name string, value any) error {
	if name == "target-duration" {
		d, handled, reason := hlsParseTarget(value)
		if reason != "" {
			return fmt.Errorf("element %q: property %q: %w %v (%T): %s; allowed: %s",
				h.Name(), name, gstmini.ErrBadPropertyValue, value, value, reason, hlsTargetAllowed)
		}
		if handled {
			value = d
		}
	}
	return h.ElementBase.SetProperty(name, value)
}

// hlsTargetAllowed describes the values target-duration takes through
// HLSSegmenter.SetProperty.
var hlsTargetAllowed = fmt.Sprintf("1 - %d (a bare integer: whole seconds, as hlssink2's guint), "+
	"or a duration from %v to %v such as \"2s\" or \"1500ms\"", uint64(math.MaxUint32), hlsMinTarget, hlsMaxTarget)

// hlsParseTarget converts a target-duration value: a Go integer, or a string
// holding one, is whole seconds; a time.Duration, or a string such as "2s",
// is a duration. handled is false for other types, which are left to
// ElementBase.SetProperty. reason is non-empty for a refused value.
func hlsParseTarget(value any) (d time.Duration, handled bool, reason string) {
	const (
		tooShort = "target-duration must be > 0"
		tooLong  = "target-duration is too long"
	)
	seconds := func(n int64) (time.Duration, bool, string) {
		switch {
		case n < 1:
			return 0, true, tooShort
		case n > math.MaxUint32:
			return 0, true, tooLong
		}
		return time.Duration(n) * time.Second, true, ""
	}
	switch v := value.(type) {
	case time.Duration:
		d = v
	case int:
		return seconds(int64(v))
	case int8:
		return seconds(int64(v))
	case int16:
		return seconds(int64(v))
	case int32:
		return seconds(int64(v))
	case int64:
		return seconds(v)
	case uint:
		return seconds(int64(min(uint64(v), math.MaxUint32+1)))
	case uint8:
		return seconds(int64(v))
	case uint16:
		return seconds(int64(v))
	case uint32:
		return seconds(int64(v))
	case uint64:
		return seconds(int64(min(v, math.MaxUint32+1)))
	case string:
		s := strings.TrimSpace(v)
		n, err := strconv.ParseInt(s, 10, 64)
		switch {
		case err == nil:
			return seconds(n)
		case errors.Is(err, strconv.ErrRange) && strings.HasPrefix(s, "-"):
			return 0, true, tooShort
		case errors.Is(err, strconv.ErrRange):
			return 0, true, tooLong
		}
		if d, err = time.ParseDuration(s); err != nil {
			return 0, true, "not a number of seconds or a duration"
		}
	default:
		return 0, false, ""
	}
	switch {
	case d <= 0:
		return 0, true, tooShort
	case d < hlsMinTarget:
		return 0, true, "target-duration is too short"
	case d > hlsMaxTarget:
		return 0, true, tooLong
	}
	return d, true, ""
}

func (h *HLSSegmenter) installProperties() {
	locked := func(f func()) { h.mu.Lock(); f(); h.mu.Unlock() }
	h.InstallProperty(gstmini.PropertySpec{
		Name: "target-duration",
		Blurb: "The target duration of a segment; a bare integer is whole seconds through HLSSegmenter.SetProperty " +
			"(hlssink2: guint seconds, default 15), a duration such as \"1500ms\" is a duration",
		Type: gstmini.TypeTime, GType: "guint64", Default: hlsDefaultTarget,
		Min: hlsMinTarget, Max: hlsMaxTarget,
		Get: func() any { return h.TargetDuration() },
		// Min 1 ms refuses 0 and negative durations, and a bare integer that
		// generic code passes through ElementBase.SetProperty as nanoseconds.
		Set: func(v any) { locked(func() { h.target = v.(time.Duration) }) },
	})
	h.InstallProperty(gstmini.UintProperty("playlist-length",
		"Length of HLS playlist. To allow players to conform to section 6.3.3 of the HLS specification, "+
			"this should be at least 3. If set to 0, the playlist will be infinite.",
		"guint", 0, math.MaxUint32, hlsDefaultPlaylistLength,
		func() (v uint64) { locked(func() { v = h.playlistLength }); return },
		func(v uint64) { locked(func() { h.playlistLength = v }) }))
	readOnly := func(s gstmini.PropertySpec) gstmini.PropertySpec {
		s.Flags = gstmini.PropReadable | gstmini.PropNotGStreamer
		return s
	}
	h.InstallProperty(readOnly(gstmini.UintProperty("segments-emitted",
		"Segments closed and pushed since READY→PAUSED", "guint64", 0, math.MaxUint64, 0,
		h.SegmentsEmitted, nil)))
	h.InstallProperty(readOnly(gstmini.UintProperty("frames-in-segment",
		"Frames in the partial segment", "guint", 0, math.MaxUint32, 0,
		func() uint64 { return uint64(h.FramesInSegment()) }, nil)))
	h.InstallProperty(readOnly(gstmini.UintProperty("frames-discarded",
		"Frames dropped with a partial segment by a flush or a state change to READY", "guint64", 0, math.MaxUint64, 0,
		h.FramesDiscarded, nil)))
}

// ChangeState resets the segment counter, the playlist and the counters on
// READY→PAUSED, and drops a partial segment on PAUSED→READY (after the pads
// are deactivated, so no chain call is running); otherwise it does the
// default work, activating and deactivating the pads.
func (h *HLSSegmenter) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	if t == gstmini.TransitionReadyToPaused {
		h.mu.Lock()
		h.resetLocked()
		h.mu.Unlock()
	}
	ret := h.ElementBase.ChangeState(t)
	if t == gstmini.TransitionPausedToReady {
		h.mu.Lock()
		h.discardLocked()
		h.mu.Unlock()
	}
	return ret
}

// resetLocked forgets everything but the properties.
func (h *HLSSegmenter) resetLocked() {
	h.clearPartialLocked()
	h.nextSeq, h.emitted, h.discarded = 0, 0, 0
	h.playlist = NewPlaylist(h.target, int(h.playlistLength))
}

// clearPartialLocked empties the partial segment.
func (h *HLSSegmenter) clearPartialLocked() {
	h.frames = make([]time.Duration, 0, cap(h.frames))
	h.bytes, h.discont = 0, false
	h.segStart, h.lastPTS, h.lastDur = gstmini.ClockTimeNone, gstmini.ClockTimeNone, gstmini.ClockTimeNone
}

// discardLocked drops the partial segment, counting its frames.
func (h *HLSSegmenter) discardLocked() {
	h.discarded += uint64(len(h.frames))
	h.clearPartialLocked()
}

// configurePlaylistLocked applies the current properties to the playlist.
func (h *HLSSegmenter) configurePlaylistLocked() {
	h.playlist.TargetDuration = h.target
	h.playlist.Length = int(min(h.playlistLength, math.MaxInt32))
}

// chain receives one frame on the upstream goroutine, with the sink pad's
// stream lock held. If the frame reaches the target it closes the partial
// segment and pushes it, then the playlist, before returning.
func (h *HLSSegmenter) chain(buf *gstmini.Buffer) gstmini.FlowReturn {
	h.mu.Lock()
	var seg *gstmini.Buffer
	var m3u8 string
	if len(h.frames) > 0 && buf.PTS != gstmini.ClockTimeNone && h.segStart != gstmini.ClockTimeNone &&
		buf.PTS-h.segStart >= h.target {
		seg, m3u8 = h.closeSegmentLocked(buf.PTS)
	}
	h.addFrameLocked(buf)
	h.mu.Unlock()
	buf.Unref() // only its metadata is kept

	if seg == nil {
		return gstmini.FlowOK
	}
	ret := h.srcpad.Push(seg)
	if ret == gstmini.FlowOK {
		h.pushPlaylist(m3u8)
	}
	return ret
}

// addFrameLocked records buf in the partial segment.
func (h *HLSSegmenter) addFrameLocked(buf *gstmini.Buffer) {
	if buf.PTS != gstmini.ClockTimeNone {
		if h.segStart == gstmini.ClockTimeNone {
			h.segStart = buf.PTS
		}
		h.lastPTS, h.lastDur = buf.PTS, buf.Duration
	}
	h.frames = append(h.frames, buf.PTS)
	h.bytes += buf.Size()
	if buf.HasFlags(gstmini.BufferFlagDiscont) {
		h.discont = true
	}
}

// closeSegmentLocked turns the partial segment into a segment buffer,
// adds it to the playlist and returns the buffer with the new playlist
// text. next is the PTS of the frame that closes it, or ClockTimeNone at
// EOS.
func (h *HLSSegmenter) closeSegmentLocked(next time.Duration) (*gstmini.Buffer, string) {
	const none = gstmini.ClockTimeNone
	n := len(h.frames)
	dur := none
	switch {
	case h.segStart == none:
		// No frame had a PTS: nothing to measure.
	case h.lastDur != none:
		dur = h.lastPTS + h.lastDur - h.segStart
	case next != none:
		dur = next - h.segStart
	case n > 1:
		// EOS without durations: extrapolate the last frame from the spacing.
		dur = (h.lastPTS - h.segStart) * time.Duration(n) / time.Duration(n-1)
	}
	seq := h.nextSeq
	h.nextSeq++
	uri := fmt.Sprintf(hlsSegmentURIFormat, seq)

	seg := gstmini.NewBuffer(0)
	seg.Data = fmt.Appendf(nil, "gstmini HLS segment %s: sequence %d, %d frames, %d bytes, pts %s, duration %s\n",
		uri, seq, n, h.bytes, gstmini.TimeString(h.segStart), gstmini.TimeString(dur))
	seg.PTS, seg.Duration = h.segStart, dur
	if h.discont {
		seg.Flags |= gstmini.BufferFlagDiscont
	}
	seg.Meta = map[string]any{
		MetaHLSFrames:     h.frames,
		MetaHLSSequence:   seq,
		MetaHLSURI:        uri,
		MetaHLSFrameCount: n,
		MetaHLSBytes:      h.bytes,
	}
	h.frames = make([]time.Duration, 0, n) // the old slice now belongs to the buffer
	h.bytes, h.discont = 0, false
	h.segStart, h.lastPTS, h.lastDur = none, none, none
	h.emitted++

	h.configurePlaylistLocked()
	h.playlist.Add(uri, dur)
	return seg, h.playlist.Render()
}

// pushPlaylist sends the playlist text downstream as the serialized custom
// event PlaylistEventName.
func (h *HLSSegmenter) pushPlaylist(m3u8 string) bool {
	return h.srcpad.PushEvent(gstmini.NewCustomEvent(gstmini.EventCustomDownstream, PlaylistEventName,
		map[string]any{"m3u8": m3u8, "uri": DefaultPlaylistURI}))
}

// sinkEvent handles events arriving at the sink pad: EOS closes the
// partial segment and ends the playlist, FLUSH_STOP discards the partial
// segment; everything is forwarded downstream unchanged.
func (h *HLSSegmenter) sinkEvent(pad *gstmini.Pad, parent gstmini.Element, ev *gstmini.Event) bool {
	switch ev.Type() {
	case gstmini.EventEOS:
		h.mu.Lock()
		var seg *gstmini.Buffer
		if len(h.frames) > 0 {
			seg, _ = h.closeSegmentLocked(gstmini.ClockTimeNone)
		}
		h.configurePlaylistLocked()
		h.playlist.End()
		m3u8 := h.playlist.Render()
		h.mu.Unlock()
		if seg != nil {
			h.srcpad.Push(seg) // whatever the result, the playlist and EOS must still go out
		}
		h.pushPlaylist(m3u8)
	case gstmini.EventFlushStop:
		h.mu.Lock()
		h.discardLocked()
		h.mu.Unlock()
	}
	return pad.EventDefault(parent, ev)
}

// srcQuery answers queries on the src pad: a latency query gets upstream's
// answer plus target-duration (see the type's doc); others get the default
// handling.
func (h *HLSSegmenter) srcQuery(pad *gstmini.Pad, parent gstmini.Element, q *gstmini.Query) bool {
	if q.Type() != gstmini.QueryLatency {
		return pad.QueryDefault(parent, q)
	}
	uq := gstmini.NewLatencyQuery()
	if !h.sinkpad.PeerQuery(uq) {
		return false
	}
	live, minL, maxL := uq.Latency()
	target := h.TargetDuration()
	minL += target
	if maxL != gstmini.ClockTimeNone {
		maxL += target
	}
	q.SetLatency(live, minL, maxL)
	return true
}
