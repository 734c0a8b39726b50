package buffering

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gstmini/workbook/gstmini/elements"
)

// Step 2: the playlist's EXTINF and EXT-X-TARGETDURATION.

func TestExtInf(t *testing.T) {
	for _, tc := range extInfCases {
		t.Run(tc.description, func(t *testing.T) {
			if got := ExtInf(tc.d); got != tc.want {
				t.Errorf("ExtInf(%s) = %q; want %q\n"+
					"hint: seconds with three decimals, rounded to the nearest millisecond (Duration.Round),\n"+
					"then a comma; a negative or unknown duration is 0 (README: Step 2)", ts(tc.d), got, tc.want)
			}
		})
	}
}

func TestTargetDurationTag(t *testing.T) {
	for _, tc := range targetDurationCases {
		t.Run(tc.description, func(t *testing.T) {
			if got := TargetDurationTag(tc.target, tc.durations); got != tc.want {
				t.Errorf("TargetDurationTag(%v, %v) = %d; want %d\n"+
					"hint: max(ceil(target in s), round(each EXTINF in s)), each duration rounded to the ms first,\n"+
					"as it is printed (RFC 8216 §4.3.3.1; README: Step 2)", tc.target, tc.durations, got, tc.want)
			}
		})
	}
}

func TestPlaylistTagsMatchReferencePlaylist(t *testing.T) {
	for _, tc := range targetDurationCases {
		t.Run(tc.description, func(t *testing.T) {
			ref := elements.NewPlaylist(tc.target, 0)
			for i, d := range tc.durations {
				ref.Add(fmt.Sprintf("segment%05d.ts", i), d)
			}
			if got, want := TargetDurationTag(tc.target, tc.durations), ref.TargetDurationSeconds(); got != want {
				t.Errorf("TargetDurationTag(%v, %v) = %d; elements.Playlist prints #EXT-X-TARGETDURATION:%d\n"+
					"hint: README: Step 2", tc.target, tc.durations, got, want)
			}
			var refLines []string
			for _, line := range strings.Split(ref.Render(), "\n") {
				if strings.HasPrefix(line, "#EXTINF:") {
					refLines = append(refLines, line)
				}
			}
			if len(refLines) != len(tc.durations) {
				t.Fatalf("elements.Playlist listed %d EXTINF lines for %d segments: a bug in the test", len(refLines), len(tc.durations))
			}
			for i, d := range tc.durations {
				if got := ExtInf(d); got != refLines[i] {
					t.Errorf("ExtInf(%s) = %q; elements.Playlist lists segment %d as %q\nhint: README: Step 2",
						ts(d), got, i, refLines[i])
				}
			}
		})
	}
}
