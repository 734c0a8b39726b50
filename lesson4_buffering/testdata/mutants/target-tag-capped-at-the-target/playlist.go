// mutant: TargetDurationTag caps every EXTINF at the configured target, so a segment that overshoots the target never raises the tag
package buffering

import (
	"fmt"
	"math"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// ExtInf returns the EXTINF line an HLS media playlist (RFC 8216 §4.3.2.1)
// lists before a segment of duration d, as gstmini's Playlist prints it: the
// duration in seconds, rounded to the nearest millisecond, with three
// decimals and a trailing comma (no title):
//
//	ExtInf(6 * time.Second)   = "#EXTINF:6.000,"
//	ExtInf(666666667)         = "#EXTINF:0.667,"   // 20 frames at 30 fps
//
// A negative d, or gstmini.ClockTimeNone, is listed as 0.
func ExtInf(d time.Duration) string {
	if d < 0 || d == gstmini.ClockTimeNone {
		d = 0
	}
	ms := d.Round(time.Millisecond).Milliseconds()
	return fmt.Sprintf("#EXTINF:%d.%03d,", ms/1000, ms%1000)
}

// TargetDurationTag returns the value of EXT-X-TARGETDURATION for a
// playlist configured with target that lists segments of the given
// durations. RFC 8216 §4.3.3.1 says: "The EXTINF duration of each Media
// Segment in the Playlist file, when rounded to the nearest integer, MUST be
// less than or equal to the target duration". The tag is therefore
//
//	max(ceil(target in s), max over durations of round(EXTINF in s))
//
// where EXTINF is the duration rounded to the millisecond first, as ExtInf
// prints it, so that a player rounding the printed value agrees (6.4996 s is
// printed 6.500 and rounds to 7). Halves round away from zero. A target of
// 0 contributes nothing.
func TargetDurationTag(target time.Duration, durations []time.Duration) int {
	n := 0
	if target > 0 {
		n = int((target + time.Second - 1) / time.Second)
	}
	for _, d := range durations {
		if d < 0 || d == gstmini.ClockTimeNone {
			continue
		}
		ms := d.Round(time.Millisecond)
		n = max(n, int(math.Round(min(ms, target).Seconds())))
	}
	return n
}
