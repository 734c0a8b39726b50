package elements

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// PlaylistEntry is one media segment listed in a Playlist: its media
// sequence number, its URI and its duration (the EXTINF tag).
type PlaylistEntry struct {
	Sequence int
	URI      string
	Duration time.Duration
}

// A Playlist is an HLS media playlist (RFC 8216 §4.3.3), as hlssink2 keeps
// one through its GstM3U8Playlist (ext/hls/gstm3u8playlist.c). Add appends
// segments; with Length > 0 only the newest Length segments stay listed (a
// live sliding window) and EXT-X-MEDIA-SEQUENCE counts the segments that
// slid out; End marks the stream complete. Render prints it:
//
//	#EXTM3U
//	#EXT-X-VERSION:3
//	#EXT-X-TARGETDURATION:6
//	#EXT-X-MEDIA-SEQUENCE:0
//	#EXTINF:6.000,
//	segment00000.ts
//	#EXT-X-ENDLIST
//
// EXT-X-TARGETDURATION is the smallest integer that obeys RFC 8216
// §4.3.3.1 for every listed segment: "The EXTINF duration of each Media
// Segment, when rounded to the nearest integer, MUST be less than or equal
// to the target duration". It is
//
//	max(ceil(TargetDuration in s), max over listed segments of round(EXTINF in s))
//
// with EXTINF rounded to the millisecond it is printed with first, so a
// client rounding the printed value agrees. A 6.6 s segment with a 6 s
// target gives 7. hlssink2 prints EXT-X-ALLOW-CACHE too, which RFC 8216
// removed; gstmini does not.
//
// The zero value is an empty playlist with no configured target and no
// window limit, ready to use. A Playlist is not safe for concurrent use;
// HLSSegmenter guards its own with its lock.
type Playlist struct {
	// TargetDuration is the configured segment length; its ceiling in
	// whole seconds is the least EXT-X-TARGETDURATION printed.
	TargetDuration time.Duration
	// Length is the number of segments in the sliding window; 0 lists
	// every segment (hlssink2's playlist-length).
	Length int

	entries []PlaylistEntry // the window, oldest first (all entries if Length is 0)
	nextSeq int
	ended   bool
}

// NewPlaylist returns an empty playlist with the given target duration and
// window length (0: unlimited).
func NewPlaylist(target time.Duration, length int) *Playlist {
	return &Playlist{TargetDuration: target, Length: length}
}

// Add appends a segment with the given URI and duration. Its media sequence
// number is the number of segments added before it. A negative duration or
// ClockTimeNone is recorded as 0. When the window is full the oldest
// segment leaves it.
func (p *Playlist) Add(uri string, duration time.Duration) {
	if duration < 0 || duration == gstmini.ClockTimeNone {
		duration = 0
	}
	p.entries = append(p.entries, PlaylistEntry{Sequence: p.nextSeq, URI: uri, Duration: duration})
	p.nextSeq++
	if p.Length > 0 && len(p.entries) > p.Length {
		n := copy(p.entries, p.entries[len(p.entries)-p.Length:])
		clear(p.entries[n:])
		p.entries = p.entries[:n]
	}
}

// End marks the playlist complete: Render adds EXT-X-ENDLIST, which tells
// players no more segments will come (hlssink2 does this at EOS).
func (p *Playlist) End() { p.ended = true }

// Ended reports whether End was called.
func (p *Playlist) Ended() bool { return p.ended }

// Entries returns a copy of the listed segments, oldest first.
func (p *Playlist) Entries() []PlaylistEntry {
	w := p.window()
	return append([]PlaylistEntry(nil), w...)
}

// window returns the entries Render lists: the newest Length ones.
func (p *Playlist) window() []PlaylistEntry {
	if p.Length > 0 && len(p.entries) > p.Length {
		return p.entries[len(p.entries)-p.Length:]
	}
	return p.entries
}

// MediaSequence returns the EXT-X-MEDIA-SEQUENCE value: the sequence number
// of the oldest listed segment, or of the next segment if none is listed.
func (p *Playlist) MediaSequence() int {
	if w := p.window(); len(w) > 0 {
		return w[0].Sequence
	}
	return p.nextSeq
}

// TargetDurationSeconds returns the EXT-X-TARGETDURATION value; see the
// Playlist doc for the rule.
func (p *Playlist) TargetDurationSeconds() int {
	n := 0
	if p.TargetDuration > 0 {
		n = int((p.TargetDuration + time.Second - 1) / time.Second)
	}
	for _, e := range p.window() {
		ms := e.Duration.Round(time.Millisecond)
		n = max(n, int(math.Round(ms.Seconds())))
	}
	return n
}

// Render returns the playlist text, each line ending in "\n".
func (p *Playlist) Render() string {
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n")
	fmt.Fprintf(&b, "#EXT-X-TARGETDURATION:%d\n", p.TargetDurationSeconds())
	fmt.Fprintf(&b, "#EXT-X-MEDIA-SEQUENCE:%d\n", p.MediaSequence())
	for _, e := range p.window() {
		ms := e.Duration.Round(time.Millisecond).Milliseconds()
		fmt.Fprintf(&b, "#EXTINF:%d.%03d,\n%s\n", ms/1000, ms%1000, e.URI)
	}
	if p.ended {
		b.WriteString("#EXT-X-ENDLIST\n")
	}
	return b.String()
}

// String returns Render().
func (p *Playlist) String() string { return p.Render() }
