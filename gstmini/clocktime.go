package gstmini

import (
	"fmt"
	"math"
	"time"
)

// ClockTimeNone is the "unset" time, GStreamer's GST_CLOCK_TIME_NONE.
//
// GStreamer uses 2^64-1 in an unsigned 64-bit integer. gstmini times are
// signed time.Duration values, so the unset value is math.MaxInt64: it can
// never collide with a valid time or with a negative signed running time.
// Times at or beyond 2^63 ns (292 years) are out of scope.
const ClockTimeNone time.Duration = math.MaxInt64

// IsValidTime reports whether t is a set time (GST_CLOCK_TIME_IS_VALID).
func IsValidTime(t time.Duration) bool { return t != ClockTimeNone }

// TimeString formats t as GStreamer's GST_TIME_FORMAT does: "0:00:02.000000000",
// with "99:99:99.999999999" for ClockTimeNone. Negative times get a leading '-'
// as GST_STIME_FORMAT prints them.
func TimeString(t time.Duration) string {
	if t == ClockTimeNone {
		return "99:99:99.999999999"
	}
	sign := ""
	if t < 0 {
		sign = "-"
		t = -t
	}
	h := t / time.Hour
	m := (t % time.Hour) / time.Minute
	s := (t % time.Minute) / time.Second
	ns := t % time.Second
	return fmt.Sprintf("%s%d:%02d:%02d.%09d", sign, h, m, s, ns)
}
