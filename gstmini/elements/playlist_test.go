package elements

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPlaylist_RendersRFC8216MediaPlaylist(t *testing.T) {
	p := NewPlaylist(6*time.Second, 0)
	p.Add("segment00000.ts", 6*time.Second)
	p.Add("segment00001.ts", 6*time.Second)
	p.Add("segment00002.ts", 1333333333*time.Nanosecond)
	p.End()
	want := "#EXTM3U\n" +
		"#EXT-X-VERSION:3\n" +
		"#EXT-X-TARGETDURATION:6\n" +
		"#EXT-X-MEDIA-SEQUENCE:0\n" +
		"#EXTINF:6.000,\nsegment00000.ts\n" +
		"#EXTINF:6.000,\nsegment00001.ts\n" +
		"#EXTINF:1.333,\nsegment00002.ts\n" +
		"#EXT-X-ENDLIST\n"
	assert.Equal(t, want, p.Render())
	assert.Equal(t, want, p.String())
	assert.True(t, p.Ended())
}

func TestPlaylist_SlidingWindow(t *testing.T) {
	p := NewPlaylist(2*time.Second, 3)
	for i, uri := range []string{"s0.ts", "s1.ts", "s2.ts", "s3.ts", "s4.ts"} {
		p.Add(uri, time.Duration(i+1)*500*time.Millisecond)
	}
	want := "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:2\n" +
		"#EXTINF:1.500,\ns2.ts\n#EXTINF:2.000,\ns3.ts\n#EXTINF:2.500,\ns4.ts\n"
	assert.Equal(t, want, p.Render(), "TARGETDURATION 3: round(2.5) = 3 (half away from zero)")
	assert.Equal(t, []PlaylistEntry{{2, "s2.ts", 1500 * time.Millisecond}, {3, "s3.ts", 2 * time.Second},
		{4, "s4.ts", 2500 * time.Millisecond}}, p.Entries())
	assert.Equal(t, 2, p.MediaSequence())

	p.Length = 1 // a shorter window applies at once
	assert.Equal(t, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:4\n"+
		"#EXTINF:2.500,\ns4.ts\n", p.Render())
}

func TestPlaylist_TargetDurationRule(t *testing.T) {
	cases := []struct {
		description string
		target      time.Duration
		durations   []time.Duration
		want        int
	}{
		{"the configured target when every segment fits", 6 * time.Second, []time.Duration{6 * time.Second, 5 * time.Second}, 6},
		{"a 6.4 s segment rounds to 6", 6 * time.Second, []time.Duration{6400 * time.Millisecond}, 6},
		{"a 6.6 s segment rounds to 7", 6 * time.Second, []time.Duration{6600 * time.Millisecond}, 7},
		{"a 6.5 s segment rounds to 7", 6 * time.Second, []time.Duration{6500 * time.Millisecond}, 7},
		{"6.4996 s prints as 6.500, which rounds to 7", 6 * time.Second, []time.Duration{6499600 * time.Microsecond}, 7},
		{"a fractional target rounds up", 1500 * time.Millisecond, nil, 2},
		{"no target: the longest segment", 0, []time.Duration{2 * time.Second, 3400 * time.Millisecond}, 3},
		{"empty zero value", 0, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			p := Playlist{TargetDuration: tc.target}
			for _, d := range tc.durations {
				p.Add("x.ts", d)
			}
			if got := p.TargetDurationSeconds(); got != tc.want {
				t.Errorf("TargetDurationSeconds() with target %v and segments %v = %d; want %d\n"+
					"hint: RFC 8216 §4.3.3.1: round(EXTINF) <= EXT-X-TARGETDURATION", tc.target, tc.durations, got, tc.want)
			}
		})
	}
}

func TestPlaylist_ZeroValueAndOddDurations(t *testing.T) {
	var p Playlist
	assert.Equal(t, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:0\n#EXT-X-MEDIA-SEQUENCE:0\n", p.Render())
	p.Add("a.ts", -time.Second)
	p.Add("b.ts", 1<<63-1) // ClockTimeNone
	assert.Equal(t, []PlaylistEntry{{0, "a.ts", 0}, {1, "b.ts", 0}}, p.Entries())
	p.Length = 5
	assert.Equal(t, 0, p.MediaSequence())
}
