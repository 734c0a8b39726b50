package buffering

import (
	"fmt"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// Step 3: when is a queue full?

func TestIsFilledReachesALimitAtTheMaximum(t *testing.T) {
	runIsFilledCases(t, isFilledOneLimitCases, "a limit is reached when level >= max, not only above it (README: Step 3)")
}

func TestIsFilledZeroDisablesALimit(t *testing.T) {
	runIsFilledCases(t, isFilledZeroCases, "a max of 0 disables that limit only; the others still count (README: Step 3)")
}

func TestIsFilledAnyLimitReachedIsFull(t *testing.T) {
	runIsFilledCases(t, isFilledAnyCases, "the limits are OR-ed: buffers, bytes or time, whichever is reached first (README: Step 3)")
}

func runIsFilledCases(t *testing.T, cases []isFilledCase, hint string) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			if got := IsFilled(tc.level, tc.max); got != tc.want {
				t.Errorf("IsFilled(level %v, max-size %v) = %t; want %t\nhint: %s", tc.level, tc.max, got, tc.want, hint)
			}
		})
	}
}

// Step 4: the time level.

func TestApplyBufferMovesThePositionToTheBufferEnd(t *testing.T) {
	for _, tc := range applyBufferCases {
		t.Run(tc.description, func(t *testing.T) {
			seg := gstmini.NewSegment()
			seg.Position = tc.position
			buf := gstmini.NewBufferWithPTS(tc.pts, tc.dur)
			buf.DTS = tc.dts
			ApplyBuffer(seg, buf)
			if seg.Position != tc.want {
				t.Errorf("ApplyBuffer(position %s, buffer pts %s dts %s duration %s): position = %s; want %s\n"+
					"hint: position = (DTS if set, else PTS if set, else the old position) + Duration if set (README: Step 4)",
					short(tc.position), short(tc.pts), short(tc.dts), short(tc.dur), short(seg.Position), short(tc.want))
			}
		})
	}
}

func TestTimeLevel(t *testing.T) {
	for _, tc := range timeLevelCases {
		t.Run(tc.description, func(t *testing.T) {
			sink, src := tc.sink.segment(), tc.src.segment()
			if got := TimeLevel(sink, src); got != tc.want {
				t.Errorf("TimeLevel(sink %s, src %s) = %v; want %v\n"+
					"hint: time = sink_rt - src_rt with signed running times (Segment.ToRunningTimeFull), or 0 if one is\n"+
					"unknown or sink_rt < src_rt (README: Step 4)", tc.sink, tc.src, got, tc.want)
			}
		})
	}
}

// segment returns the TIME segment s describes.
func (s segAt) segment() *gstmini.Segment {
	seg := gstmini.NewSegment()
	seg.Start, seg.Base, seg.Rate, seg.Time, seg.Position = s.start, s.base, s.rate, s.start, s.position
	return seg
}

func (s segAt) String() string {
	str := fmt.Sprintf("{start %v, base %v", s.start, s.base)
	if s.rate != 1 {
		str += fmt.Sprintf(", rate %g", s.rate)
	}
	return str + ", position " + short(s.position) + "}"
}

// short formats a time as Go does, "500ms", or "none".
func short(t time.Duration) string {
	if t == none {
		return "none"
	}
	return t.String()
}
