package seeking

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// A frameCase is a segment NextFrame walks until it says done.
type frameCase struct {
	description string
	seg         func(s *gstmini.Segment)
	want        []string // "pts/duration" of each buffer, in order
}

// segment returns the segment a source holds after a start (or a seek):
// TIME, the clip's duration, Position at Start (at Stop going backwards).
func segment(edit func(s *gstmini.Segment)) *gstmini.Segment {
	s := &gstmini.Segment{}
	s.Init(gstmini.FormatTime)
	s.Duration = sec
	edit(s)
	return s
}

func walk(seg *gstmini.Segment, frame time.Duration) []string {
	var out []string
	for range 30 { // a clip of ten frames: 30 means it never ends
		pts, dur, ok := NextFrame(seg, frame)
		if !ok {
			break
		}
		out = append(out, fmt.Sprintf("%s/%s", short(pts), short(dur)))
	}
	return out
}

var forwardCases = []frameCase{
	{"from the start of the clip, frames up to its duration (no stop: the end of the file)",
		func(s *gstmini.Segment) {},
		[]string{"0s/100ms", "100ms/100ms", "200ms/100ms", "300ms/100ms", "400ms/100ms", "500ms/100ms", "600ms/100ms", "700ms/100ms", "800ms/100ms", "900ms/100ms"}},
	{"after a seek to 650 ms, frames start where the segment does",
		func(s *gstmini.Segment) { s.Start, s.Time, s.Position = 650*ms, 650*ms, 650*ms },
		[]string{"650ms/100ms", "750ms/100ms", "850ms/100ms", "950ms/50ms"}},
	{"the stop cuts the last frame short",
		func(s *gstmini.Segment) { s.Start, s.Position, s.Stop = 200*ms, 200*ms, 450*ms },
		[]string{"200ms/100ms", "300ms/100ms", "400ms/50ms"}},
	{"rate 2 leaves the timestamps alone: the sinks play them faster",
		func(s *gstmini.Segment) { s.Rate, s.Stop = 2, 400*ms },
		[]string{"0s/100ms", "100ms/100ms", "200ms/100ms", "300ms/100ms"}},
	{"a segment whose position is at its stop is done",
		func(s *gstmini.Segment) { s.Stop, s.Position = 300*ms, 300*ms },
		nil},
	{"rate 0.5 too",
		func(s *gstmini.Segment) { s.Rate, s.Stop = 0.5, 300*ms },
		[]string{"0s/100ms", "100ms/100ms", "200ms/100ms"}},
}

var backwardCases = []frameCase{
	{"rate -1 from the stop down to the start",
		func(s *gstmini.Segment) { s.Rate, s.Stop, s.Position = -1, 500*ms, 500*ms },
		[]string{"400ms/100ms", "300ms/100ms", "200ms/100ms", "100ms/100ms", "0s/100ms"}},
	{"backwards, the start cuts the last frame short",
		func(s *gstmini.Segment) { s.Rate, s.Start, s.Stop, s.Position = -1, 200*ms, 450*ms, 450*ms },
		[]string{"350ms/100ms", "250ms/100ms", "200ms/50ms"}},
	{"backwards, a segment whose position is at its start is done",
		func(s *gstmini.Segment) { s.Rate, s.Start, s.Stop, s.Position = -1, 200*ms, 500*ms, 200*ms },
		nil},
	{"rate -2: the same timestamps, backwards",
		func(s *gstmini.Segment) { s.Rate, s.Stop, s.Position = -2, 300*ms, 300*ms },
		[]string{"200ms/100ms", "100ms/100ms", "0s/100ms"}},
}

func runFrameCases(t *testing.T, cases []frameCase, hint string) {
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			seg := segment(tc.seg)
			before := seg.String()
			if got := walk(seg, 100*ms); !slices.Equal(got, tc.want) {
				t.Fatalf("NextFrame, called until it says done, on %s with frame 100ms\n got %q\nwant %q\nhint: %s",
					before, got, tc.want, hint)
			}
			done := seg.String()
			if pts, dur, ok := NextFrame(seg, 100*ms); ok || seg.String() != done {
				t.Errorf("NextFrame on the finished segment %s = %s, %s, %t and the segment became %s; want ok false and the segment unchanged\n"+
					"hint: a segment is done when Position has reached its end: Stop (or Duration) forwards, Start backwards (README: Step 1)",
					done, short(pts), short(dur), ok, seg)
			}
		})
	}
}

func TestNextFrameWalksForwardFromThePosition(t *testing.T) {
	runFrameCases(t, forwardCases,
		"pts = Position, duration = min(frame, end - pts), Position += duration; end = Stop, or Duration if Stop is none (README: Step 1)")
}

func TestNextFrameWalksBackwardFromTheStop(t *testing.T) {
	runFrameCases(t, backwardCases,
		"with Rate < 0 the buffer ends at Position: pts = max(Position - frame, Start), Position = pts; done at Start (README: Step 1)")
}

func TestEndOfSegmentIsEOSOrSegmentDone(t *testing.T) {
	plain := segment(func(s *gstmini.Segment) { s.Stop, s.Position = 300*ms, 300*ms })
	if ev := EndOfSegment(plain); ev == nil || ev.Type() != gstmini.EventEOS {
		t.Errorf("EndOfSegment(%s) = %v; want an EOS event\nhint: a segment played without SeekFlagSegment ends the stream (README: Step 1)", plain, ev)
	}
	looped := segment(func(s *gstmini.Segment) { s.Stop, s.Position, s.Flags = 300*ms, 300*ms, gstmini.SegmentFlagSegment })
	ev := EndOfSegment(looped)
	if ev == nil || ev.Type() != gstmini.EventSegmentDone {
		t.Fatalf("EndOfSegment(%s) = %v; want a segment-done event\nhint: SegmentFlagSegment in Flags: NewSegmentDoneEvent(Format, Position) (README: Step 1)", looped, ev)
	}
	if f, pos := ev.SegmentDone(); f != gstmini.FormatTime || pos != 300*ms {
		t.Errorf("EndOfSegment(%s) = %v; want segment-done time 300ms (the segment's format and position)\nhint: README: Step 1", looped, ev)
	}
}

// TestFileSrcPlaysTheClipToEOS: your NextFrame and EndOfSegment drive the
// given source in a real pipeline, fileSrc ! sink, from PAUSED to EOS.
func TestFileSrcPlaysTheClipToEOS(t *testing.T) {
	const hint = "the source calls NextFrame for every buffer and EndOfSegment when it says done (README: Step 1)"
	r := newRig(t)
	r.setState(t, gstmini.StatePlaying, hint)
	r.pop(t, gstmini.MessageEOS, "EOS", hint)
	got := r.sink.Renders()
	want := []time.Duration{0, 100 * ms, 200 * ms, 300 * ms, 400 * ms, 500 * ms, 600 * ms, 700 * ms, 800 * ms, 900 * ms}
	if !slices.Equal(pts(got), want) {
		t.Fatalf("the sink rendered PTS %s; want %s\nhint: %s", shorts(pts(got)), shorts(want), hint)
	}
	var frames, disconts []string
	for _, b := range got {
		frames = append(frames, fmt.Sprint(b.frame))
		if b.discont {
			disconts = append(disconts, short(b.pts))
		}
	}
	if f := strings.Join(frames, " "); f != "0 1 2 3 4 5 6 7 8 9" {
		t.Errorf("the buffers carried frames %s; want 0 1 2 ... 9 (a buffer is a function of its position)", f)
	}
	if !slices.Equal(disconts, []string{"0s"}) {
		t.Errorf("DISCONT on %q; want only the first buffer", disconts)
	}
	if log := r.sink.Log(); log[len(log)-1] != "eos" {
		t.Errorf("the sink's last event was %q; want eos\nhint: %s", log[len(log)-1], hint)
	}
}
