package buffering

import (
	"slices"
	"testing"
)

// Step 1: an Accumulator cuts frames into segments.

func TestAccumulatorClosesAtTheFirstFrameThatReachesTheTarget(t *testing.T) {
	for _, tc := range closeCases {
		t.Run(tc.description, func(t *testing.T) {
			k := tc.frames
			segs, closedAt := runAccumulator(tc.target, cameraFrames(tc.fps, 0, 3*k+1), false)
			wantAt := []int{k, 2 * k, 3 * k}
			if !slices.Equal(closedAt, wantAt) {
				t.Fatalf("Accumulator{Target: %v}.Add(frames 0..%d at %d fps) closed segments at frames %v; want %v\n"+
					"hint: frame n has PTS n*1s/fps; the open segment closes when frame.PTS - start >= Target,\n"+
					"and that frame opens the next segment (README: Step 1)",
					tc.target, 3*k, tc.fps, closedAt, wantAt)
			}
			for i, seg := range segs {
				if want := camSeg(tc.fps, i, i*k, k, false); seg != want {
					t.Errorf("segment %d = %s\n                 want %s\n"+
						"hint: Sequence counts from 0, Start is the first frame's PTS, Frames and Bytes count the frames\n"+
						"of this segment only (README: Step 1)", i, segString(seg), segString(want))
				}
			}
		})
	}
}

func TestAccumulatorMeasuresSegmentDurations(t *testing.T) {
	runAccumulatorCases(t, durationCases, "a segment lasts last.PTS + last.Duration - start if its last frame has a Duration,\n"+
		"else next.PTS - start, next being the frame that closes it (README: Step 1)")
}

func TestAccumulatorFlushClosesThePartialSegment(t *testing.T) {
	runAccumulatorCases(t, flushCases, "at EOS, Flush closes the open segment with the same duration rule; without a closing frame\n"+
		"and without durations it extrapolates: (last.PTS - start) * n / (n-1) (README: Step 1)")
	t.Run("Flush with no frame pending reports ok false, also right after a Flush", func(t *testing.T) {
		a := &Accumulator{Target: sec}
		if seg, ok := a.Flush(); ok {
			t.Errorf("new Accumulator: Flush() = %s, true; want ok false: there is no frame to flush", segString(seg))
		}
		a.Add(at(0, 100*ms))
		if _, ok := a.Flush(); !ok {
			t.Fatalf("after one Add: Flush() ok = false; want true\nhint: one pending frame is a partial segment (README: Step 1)")
		}
		if seg, ok := a.Flush(); ok {
			t.Errorf("second Flush() = %s, true; want ok false: the first Flush emptied the open segment", segString(seg))
		}
	})
}

func TestAccumulatorCarriesDiscont(t *testing.T) {
	runAccumulatorCases(t, discontCases, "a segment is Discont if any of its own frames is; the closing frame belongs to the next\n"+
		"segment, and its flag too (README: Step 1)")
}

func runAccumulatorCases(t *testing.T, cases []accumulatorCase, hint string) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			segs, _ := runAccumulator(tc.target, tc.frames, tc.flush)
			if !slices.Equal(segs, tc.want) {
				call := "Add each frame"
				if tc.flush {
					call += ", then Flush"
				}
				t.Errorf("Accumulator{Target: %v}: %s (%d frames); closed segments:\n%s\nwant:\n%s\nhint: %s",
					tc.target, call, len(tc.frames), segsString(segs), segsString(tc.want), hint)
			}
		})
	}
}
