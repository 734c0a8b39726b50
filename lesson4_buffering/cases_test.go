package buffering

import "time"

// ---- Step 1: segments ----

// camSeg is the segment made of frames from..from+n-1 of a fps camera
// (cameraFrames), numbered seq.
func camSeg(fps, seq, from, n int, discont bool) Segment {
	return Segment{Sequence: seq, Start: slot(from, fps), Duration: slot(from+n, fps) - slot(from, fps),
		Frames: n, Bytes: 1024 * n, Discont: discont}
}

// closeCases feed 3*frames+1 frames of a fps camera to an Accumulator: the
// segments must close at frames "frames", 2*frames and 3*frames exactly.
var closeCases = []struct {
	description string
	fps         int
	target      time.Duration
	frames      int // frames per segment: also the index of the frame that closes segment 0
}{
	{"30 fps with a 6 s target: frame 180 (PTS 6.000 s) closes a segment of 180 frames", 30, 6 * sec, 180},
	{"60 fps with a 2 s target: 120 frames per segment", 60, 2 * sec, 120},
	{"25 fps with a 4 s target: 100 frames per segment", 25, 4 * sec, 100},
	{"30 fps with a 1.5 s target: 45 frames per segment", 30, 1500 * ms, 45},
	{"a target between two frames: at 30 fps a 50 ms target is first reached by frame 2 (66.7 ms)", 30, 50 * ms, 2},
	{"a target shorter than a frame: every frame closes the segment before it", 30, 10 * ms, 1},
}

// accumulatorCases are frame sequences with the segments an Accumulator
// must close (Add, then Flush if flush is set).
type accumulatorCase struct {
	description string
	target      time.Duration
	frames      []Frame
	flush       bool
	want        []Segment
}

// durationCases: Step 1, how long a closed segment lasts.
var durationCases = []accumulatorCase{
	{
		description: "with durations a segment ends where its last frame ends: a gap before the closing frame is not counted",
		target:      1 * sec,
		frames:      []Frame{at(0, 500*ms), at(500*ms, 500*ms), at(3*sec, 500*ms)},
		want:        []Segment{{Sequence: 0, Start: 0, Duration: 1 * sec, Frames: 2, Bytes: 200}},
	},
	{
		description: "without durations a segment lasts until the PTS of the frame that closes it, gap included",
		target:      1 * sec,
		frames:      []Frame{at(0, none), at(500*ms, none), at(3*sec, none)},
		want:        []Segment{{Sequence: 0, Start: 0, Duration: 3 * sec, Frames: 2, Bytes: 200}},
	},
	{
		description: "only the last frame's duration counts: it ends at 400 ms + 200 ms",
		target:      1 * sec,
		frames:      []Frame{at(0, none), at(400*ms, 200*ms), at(1*sec, none)},
		want:        []Segment{{Sequence: 0, Start: 0, Duration: 600 * ms, Frames: 2, Bytes: 200}},
	},
	{
		description: "the frame that closes a segment starts the next one: 60 fps, 2 s target, segment 1 starts at 2.000 s",
		target:      2 * sec,
		frames:      cameraFrames(60, 0, 241),
		want:        []Segment{camSeg(60, 0, 0, 120, false), camSeg(60, 1, 120, 120, false)},
	},
	{
		description: "sparse frames overshoot the target: 1 frame a second with a 2.5 s target closes at 3 s and lasts 3 s",
		target:      2500 * ms,
		frames:      []Frame{at(0, sec), at(1*sec, sec), at(2*sec, sec), at(3*sec, sec)},
		want:        []Segment{{Sequence: 0, Start: 0, Duration: 3 * sec, Frames: 3, Bytes: 300}},
	},
}

// flushCases: Step 1, Flush at EOS.
var flushCases = []accumulatorCase{
	{
		description: "EOS after 200 frames at 30 fps with a 6 s target: Flush emits the last 20 frames, 0.667 s",
		target:      6 * sec,
		frames:      cameraFrames(30, 0, 200),
		flush:       true,
		want:        []Segment{camSeg(30, 0, 0, 180, false), camSeg(30, 1, 180, 20, false)},
	},
	{
		description: "Flush goes on with the sequence numbers: 60 fps, 2 s target, 130 frames",
		target:      2 * sec,
		frames:      cameraFrames(60, 0, 130),
		flush:       true,
		want:        []Segment{camSeg(60, 0, 0, 120, false), camSeg(60, 1, 120, 10, false)},
	},
	{
		description: "without durations Flush extrapolates the last frame from the spacing: 0, 100, 200, 300 ms last 400 ms",
		target:      1 * sec,
		frames:      []Frame{at(0, none), at(100*ms, none), at(200*ms, none), at(300*ms, none)},
		flush:       true,
		want:        []Segment{{Sequence: 0, Start: 0, Duration: 400 * ms, Frames: 4, Bytes: 400}},
	},
	{
		description: "a single frame without a duration cannot be measured: Duration is none",
		target:      1 * sec,
		frames:      []Frame{at(5*sec, none)},
		flush:       true,
		want:        []Segment{{Sequence: 0, Start: 5 * sec, Duration: none, Frames: 1, Bytes: 100}},
	},
}

// discontCases: Step 1, DISCONT frames mark their segment.
var discontCases = []accumulatorCase{
	{
		description: "a DISCONT frame in the middle (frame 40) marks its own segment only",
		target:      1 * sec,
		frames:      withDiscont(cameraFrames(30, 0, 90), 40),
		flush:       true,
		want:        []Segment{camSeg(30, 0, 0, 30, false), camSeg(30, 1, 30, 30, true), camSeg(30, 2, 60, 30, false)},
	},
	{
		description: "the DISCONT of the frame that closes a segment (frame 30) belongs to the next segment",
		target:      1 * sec,
		frames:      withDiscont(cameraFrames(30, 0, 90), 30),
		flush:       true,
		want:        []Segment{camSeg(30, 0, 0, 30, false), camSeg(30, 1, 30, 30, true), camSeg(30, 2, 60, 30, false)},
	},
	{
		description: "a DISCONT on the very first frame marks the first segment",
		target:      1 * sec,
		frames:      withDiscont(cameraFrames(30, 0, 61), 0),
		want:        []Segment{camSeg(30, 0, 0, 30, true), camSeg(30, 1, 30, 30, false)},
	},
}

// referenceSegmenterCases are pushed through elements.HLSSegmenter and
// through an Accumulator: the segments must agree.
var referenceSegmenterCases = []struct {
	description string
	target      time.Duration
	frames      []Frame
}{
	{"30 fps, 6 s target, 200 frames, then EOS", 6 * sec, cameraFrames(30, 0, 200)},
	{"60 fps, 2 s target, 250 frames with a DISCONT at frame 130, then EOS", 2 * sec, withDiscont(cameraFrames(60, 0, 250), 130)},
	{
		"30 fps, 2 s target, frames lost in bursts as behind a leaky queue: 0-59, 100-130, 200-209",
		2 * sec,
		append(append(cameraFrames(30, 0, 60), withDiscont(cameraFrames(30, 100, 31), 0)...), withDiscont(cameraFrames(30, 200, 10), 0)...),
	},
	{"a frame every 250 ms without durations, 1.5 s target", 1500 * ms, func() []Frame {
		var f []Frame
		for k := range 21 {
			f = append(f, at(time.Duration(k)*250*ms, none))
		}
		return f
	}()},
}

// ---- Step 2: playlist tags ----

var extInfCases = []struct {
	description string
	d           time.Duration
	want        string
}{
	{"a 6 s segment", 6 * sec, "#EXTINF:6.000,"},
	{"20 frames at 30 fps, 666666666 ns, rounds to 0.667", 666666666, "#EXTINF:0.667,"},
	{"12.3456 s rounds to the nearest millisecond", 12345600 * time.Microsecond, "#EXTINF:12.346,"},
	{"2 s + 499999 ns rounds down", 2*sec + 499999, "#EXTINF:2.000,"},
	{"2 s + 500000 ns, a half, rounds up", 2*sec + 500000, "#EXTINF:2.001,"},
	{"0 s", 0, "#EXTINF:0.000,"},
	{"an unknown duration (none) is listed as 0", none, "#EXTINF:0.000,"},
}

var targetDurationCases = []struct {
	description string
	target      time.Duration
	durations   []time.Duration
	want        int
}{
	{"segments of exactly the 6 s target", 6 * sec, []time.Duration{6 * sec, 6 * sec}, 6},
	{"a 6.6 s segment rounds to 7: the tag must grow past the 6 s target", 6 * sec, []time.Duration{6 * sec, 6600 * ms}, 7},
	{"a 6.4 s segment rounds to 6: the tag stays", 6 * sec, []time.Duration{6400 * ms}, 6},
	{"6.4996 s is printed 6.500, which rounds to 7", 6 * sec, []time.Duration{6499600 * time.Microsecond}, 7},
	{"6.4994 s is printed 6.499, which rounds to 6", 6 * sec, []time.Duration{6499400 * time.Microsecond}, 6},
	{"no segment yet: the target rounded UP, 2.5 s gives 3", 2500 * ms, nil, 3},
	{"a short last segment never lowers the tag below the target", 2 * sec, []time.Duration{2 * sec, 667 * ms}, 2},
	{"no target: the longest segment decides, 5.5 s rounds to 6", 0, []time.Duration{3 * sec, 5500 * ms}, 6},
}

// ---- Step 3: limits ----

// isFilledCase: IsFilled(level, max) must be want.
type isFilledCase struct {
	description string
	level, max  Level
	want        bool
}

var isFilledOneLimitCases = []isFilledCase{
	{"max-size-buffers 2 is reached AT 2 buffers", Level{Buffers: 2}, Level{Buffers: 2}, true},
	{"max-size-buffers 2 is not reached at 1 buffer", Level{Buffers: 1}, Level{Buffers: 2}, false},
	{"max-size-buffers 2 is passed at 3 buffers", Level{Buffers: 3}, Level{Buffers: 2}, true},
	{"max-size-bytes 2048 is reached at 2048 bytes", Level{Buffers: 2, Bytes: 2048}, Level{Bytes: 2048}, true},
	{"max-size-bytes 2048 is not reached at 2047 bytes", Level{Buffers: 2, Bytes: 2047}, Level{Bytes: 2048}, false},
	{"max-size-time 1 s is reached at 1 s", Level{Buffers: 30, Time: sec}, Level{Time: sec}, true},
	{"max-size-time 1 s is not reached at 999 ms", Level{Buffers: 30, Time: 999 * ms}, Level{Time: sec}, false},
}

var isFilledZeroCases = []isFilledCase{
	{"all limits 0: never full, even with a million buffers", Level{Buffers: 1000000, Bytes: 1 << 30, Time: time.Hour}, Level{}, false},
	{"max-size-buffers 0 ignores 500 buffers, but max-size-bytes 1024 is reached", Level{Buffers: 500, Bytes: 1024}, Level{Bytes: 1024}, true},
	{"max-size-time 0 ignores 10 s queued, but 200 buffers reach max-size-buffers 200", Level{Buffers: 200, Time: 10 * sec}, Level{Buffers: 200}, true},
	{"max-size-bytes 0 ignores 1 GiB and nothing else is reached", Level{Buffers: 10, Bytes: 1 << 30, Time: 10 * ms}, Level{Buffers: 200, Time: sec}, false},
}

// defaults are GStreamer's queue limits (gstqueue.c:129-131 at 1.22.0).
var defaults = Level{Buffers: 200, Bytes: 10 * 1024 * 1024, Time: sec}

var isFilledAnyCases = []isFilledCase{
	{"GStreamer's defaults: 1 s of data fills the queue with only 30 buffers", Level{Buffers: 30, Bytes: 30 * 1024, Time: sec}, defaults, true},
	{"GStreamer's defaults: 200 buffers fill it with only 200 KiB and 100 ms", Level{Buffers: 200, Bytes: 200 * 1024, Time: 100 * ms}, defaults, true},
	{"GStreamer's defaults: 10 MiB fill it with only 20 buffers", Level{Buffers: 20, Bytes: 10 * 1024 * 1024, Time: 600 * ms}, defaults, true},
	{"GStreamer's defaults: below all three, not full", Level{Buffers: 199, Bytes: 10*1024*1024 - 1, Time: 999 * ms}, defaults, false},
}

// ---- Step 4: time level ----

var applyBufferCases = []struct {
	description   string
	position      time.Duration // seg.Position before
	pts, dts, dur time.Duration
	want          time.Duration
}{
	{"PTS 1 s and duration 100 ms: the buffer ends at 1.1 s", 0, 1 * sec, none, 100 * ms, 1100 * ms},
	{"DTS wins over PTS: DTS 900 ms + 100 ms", 0, 1 * sec, 900 * ms, 100 * ms, 1 * sec},
	{"no duration: the position is the PTS", 0, 1 * sec, none, none, 1 * sec},
	{"no timestamps: continue from the old position, 2 s + 100 ms", 2 * sec, none, none, 100 * ms, 2100 * ms},
	{"no timestamps and no duration: the position does not move", 2 * sec, none, none, none, 2 * sec},
	{"an earlier PTS moves the position back", 5 * sec, 1 * sec, none, 100 * ms, 1100 * ms},
	{"an unset position with a buffer without timestamps stays unset", none, none, none, 100 * ms, none},
}

// segAt describes one side's segment: start, base, rate and position.
type segAt struct {
	start, base time.Duration
	rate        float64
	position    time.Duration
}

var timeLevelCases = []struct {
	description string
	sink, src   segAt
	want        time.Duration
}{
	{"5 buffers of 100 ms in, the first one out: 500 ms - 100 ms (run-checked)",
		segAt{0, 0, 1, 500 * ms}, segAt{0, 0, 1, 100 * ms}, 400 * ms},
	{"nothing out yet: the src side is at the segment start, so 2 buffers at 100 and 200 ms hold 300 ms (run-checked)",
		segAt{0, 0, 1, 300 * ms}, segAt{0, 0, 1, 0}, 300 * ms},
	{"the sink side behind the src side (a new segment from 0 arrived): 0, never negative (run-checked)",
		segAt{0, 0, 1, 0}, segAt{0, 0, 1, 500 * ms}, 0},
	{"a new segment on the sink side (start 10 s, base 2 s): running times, not positions, are compared",
		segAt{10 * sec, 2 * sec, 1, 10500 * ms}, segAt{0, 0, 1, 2 * sec}, 500 * ms},
	{"a position before the segment start has a negative running time, which still counts",
		segAt{1 * sec, 0, 1, 1200 * ms}, segAt{1 * sec, 0, 1, 500 * ms}, 700 * ms},
	{"rate 2: running time advances at half the speed of positions",
		segAt{0, 0, 2, 2 * sec}, segAt{0, 0, 2, 1 * sec}, 500 * ms},
	{"an unset position on one side: unknown running time, level 0",
		segAt{0, 0, 1, none}, segAt{0, 0, 1, 100 * ms}, 0},
}

// referenceTimeLevelCases push buffers into elements.Queue, the first of
// which leaves it, and compare current-level-time with TimeLevel.
var referenceTimeLevelCases = []struct {
	description   string
	segment       segAt
	pts, dts, dur []time.Duration // per buffer; nil: none for every buffer
}{
	{"5 buffers of 100 ms, the first out (run-checked: 400 ms)", segAt{0, 0, 1, 0},
		[]time.Duration{0, 100 * ms, 200 * ms, 300 * ms, 400 * ms}, nil, []time.Duration{100 * ms, 100 * ms, 100 * ms, 100 * ms, 100 * ms}},
	{"timestamps without durations (run-checked: 400 ms)", segAt{0, 0, 1, 0},
		[]time.Duration{0, 100 * ms, 200 * ms, 300 * ms, 400 * ms}, nil, nil},
	{"durations without timestamps: each buffer continues the last", segAt{0, 0, 1, 0},
		nil, nil, []time.Duration{100 * ms, 100 * ms, 100 * ms, 100 * ms}},
	{"DTS counts before PTS (B-frames)", segAt{0, 0, 1, 0},
		[]time.Duration{200 * ms, 0, 100 * ms, 500 * ms}, []time.Duration{0, 100 * ms, 200 * ms, 300 * ms}, []time.Duration{100 * ms, 100 * ms, 100 * ms, 100 * ms}},
	{"a segment starting at 10 s with base 5 s, buffers from 10 s", segAt{10 * sec, 5 * sec, 1, 10 * sec},
		[]time.Duration{10 * sec, 10500 * ms, 11 * sec}, nil, []time.Duration{500 * ms, 500 * ms, 500 * ms}},
	{"rate 2: 1 s of buffers is 500 ms of running time", segAt{0, 0, 2, 0},
		[]time.Duration{0, 500 * ms, 1 * sec}, nil, []time.Duration{500 * ms, 500 * ms, 500 * ms}},
}

// ---- Steps 5-7: the queue ----

// queueCase plays script on NewQueue(max, leaky); want is the transcript
// (see runQueueScript).
type queueCase struct {
	description string
	max         Level
	leaky       Leaky
	script      []string
	want        []string
}

var fifoCases = []queueCase{
	{"no limits: 5 pushes come out in the order they went in", Level{}, LeakyNo,
		script(pushes(1, 5), "pop", "pop", "pop", "pop", "pop", "pop"),
		[]string{"push 1: queued", "push 2: queued", "push 3: queued", "push 4: queued", "push 5: queued",
			"pop 1", "pop 2", "pop 3", "pop 4", "pop 5", "pop: empty"}},
	{"pushes and pops interleaved: still first in, first out", Level{}, LeakyNo,
		script("push 1", "push 2", "pop", "push 3", "pop", "pop", "pop"),
		[]string{"push 1: queued", "push 2: queued", "pop 1", "push 3: queued", "pop 2", "pop 3", "pop: empty"}},
}

var notLeakyCases = []queueCase{
	{"max-size-buffers 3: the 4th push would block; the queue does not take buffer 4, which gets in after a pop", Level{Buffers: 3}, LeakyNo,
		script(pushes(1, 4), "pop", "push 4", "pop", "pop", "pop", "pop"),
		[]string{"push 1: queued", "push 2: queued", "push 3: queued", "push 4: blocked",
			"pop 1", "push 4: queued", "pop 2", "pop 3", "pop 4", "pop: empty"}},
	{"max-size-bytes 250 with 100-byte buffers: full at 300 bytes", Level{Bytes: 250}, LeakyNo,
		script(pushes(1, 4)),
		[]string{"push 1: queued", "push 2: queued", "push 3: queued", "push 4: blocked"}},
	{"max-size-time 250 ms with 100 ms buffers from 0: full once 300 ms are queued, free again after a pop", Level{Time: 250 * ms}, LeakyNo,
		script(pushes(0, 3), "pop", "push 3"),
		[]string{"push 0: queued", "push 1: queued", "push 2: queued", "push 3: blocked", "pop 0", "push 3: queued"}},
	{"a blocked push loses nothing, so no buffer comes out DISCONT", Level{Buffers: 2}, LeakyNo,
		script("push 1", "push 2", "push 3", "pop", "push 3", "push 4", "pop", "pop", "pop"),
		[]string{"push 1: queued", "push 2: queued", "push 3: blocked", "pop 1", "push 3: queued", "push 4: blocked", "pop 2", "pop 3", "pop: empty"}},
}

var upstreamDropCases = []queueCase{
	{"max-size-buffers 2, buffer 1 held downstream, pushes 2-6: 4, 5 and 6 are dropped, the queue keeps 2 and 3 (run-checked)",
		Level{Buffers: 2}, LeakyUpstream,
		script("push 1", "pop", pushes(2, 6), "pop", "pop", "pop"),
		[]string{"push 1: queued", "pop 1", "push 2: queued", "push 3: queued",
			"push 4: dropped 4", "push 5: dropped 5", "push 6: dropped 6", "pop 2", "pop 3", "pop: empty"}},
	{"max-size-time 250 ms: the oldest 300 ms stay, every newer buffer is dropped",
		Level{Time: 250 * ms}, LeakyUpstream,
		script(pushes(0, 5), "pop", "pop", "pop", "pop"),
		[]string{"push 0: queued", "push 1: queued", "push 2: queued",
			"push 3: dropped 3", "push 4: dropped 4", "push 5: dropped 5", "pop 0", "pop 1", "pop 2", "pop: empty"}},
}

var upstreamDiscontCases = []queueCase{
	{"after 4-6 are dropped, 7 is the next buffer accepted: it carries DISCONT, 8 does not (run-checked)",
		Level{Buffers: 2}, LeakyUpstream,
		script("push 1", "pop", pushes(2, 6), "pop", "push 7", "pop", "pop", "push 8", "pop"),
		[]string{"push 1: queued", "pop 1", "push 2: queued", "push 3: queued",
			"push 4: dropped 4", "push 5: dropped 5", "push 6: dropped 6", "pop 2",
			"push 7: queued", "pop 3", "pop 7 discont", "push 8: queued", "pop 8"}},
	{"the mark survives the queue draining: the next buffer accepted, whenever it comes, is DISCONT",
		Level{Buffers: 1}, LeakyUpstream,
		script("push 1", "push 2", "pop", "pop", "push 3", "pop"),
		[]string{"push 1: queued", "push 2: dropped 2", "pop 1", "pop: empty", "push 3: queued", "pop 3 discont"}},
}

var downstreamDropCases = []queueCase{
	{"max-size-buffers 2, buffer 1 held downstream, pushes 2-6: 2, 3 and 4 leak, 5 and 6 stay (run-checked)",
		Level{Buffers: 2}, LeakyDownstream,
		script("push 1", "pop", pushes(2, 6), "pop", "pop", "pop"),
		[]string{"push 1: queued", "pop 1", "push 2: queued", "push 3: queued",
			"push 4: dropped 2", "push 5: dropped 3", "push 6: dropped 4", "pop 5 discont", "pop 6", "pop: empty"}},
	{"max-size-time 250 ms: each push leaks from the head until less than 250 ms is queued",
		Level{Time: 250 * ms}, LeakyDownstream,
		script(pushes(0, 5), "pop", "pop", "pop", "pop"),
		[]string{"push 0: queued", "push 1: queued", "push 2: queued",
			"push 3: dropped 0", "push 4: dropped 1", "push 5: dropped 2", "pop 3 discont", "pop 4", "pop 5", "pop: empty"}},
	{"a jump in timestamps fills max-size-time 1 s at once: the next push leaks everything queued",
		Level{Time: 1 * sec}, LeakyDownstream,
		script("push 0", "push 1", "push 2", "push 20", "push 21", "pop", "pop"),
		[]string{"push 0: queued", "push 1: queued", "push 2: queued", "push 20: queued",
			"push 21: dropped 0 1 2 20", "pop 21 discont", "pop: empty"}},
}

var downstreamDiscontCases = []queueCase{
	{"DISCONT goes to the buffer that leaves next, and only to it",
		Level{Buffers: 2}, LeakyDownstream,
		script("push 1", "pop", "push 2", "push 3", "push 4", "pop", "push 5", "pop", "pop"),
		[]string{"push 1: queued", "pop 1", "push 2: queued", "push 3: queued", "push 4: dropped 2",
			"pop 3 discont", "push 5: queued", "pop 4", "pop 5"}},
	{"the mark waits for the next pop, across later pushes and leaks",
		Level{Buffers: 1}, LeakyDownstream,
		script("push 1", "push 2", "push 3", "pop", "push 4", "pop"),
		[]string{"push 1: queued", "push 2: dropped 1", "push 3: dropped 2", "pop 3 discont", "push 4: queued", "pop 4"}},
}

// referenceQueueCases run on elements.Queue and on Queue with the same
// downstream behaviour: downstream takes a buffer whenever it has none and
// the queue has one, and holds it until the next phase (or the drain at
// the end) releases it. Buffers are qbuf(n).
var referenceQueueCases = []struct {
	description string
	max         Level
	leaky       Leaky
	phases      [][]int // pushes; between phases downstream releases the buffer it holds
}{
	{"max-size-buffers 2, leaky upstream: 1 held, 2-6 pushed, then 7 after one buffer left (run-checked)",
		Level{Buffers: 2}, LeakyUpstream, [][]int{{1, 2, 3, 4, 5, 6}, {7}}},
	{"max-size-buffers 2, leaky downstream: 1 held, 2-6 pushed (run-checked)",
		Level{Buffers: 2}, LeakyDownstream, [][]int{{1, 2, 3, 4, 5, 6}}},
	{"max-size-buffers 3, leaky downstream, three bursts",
		Level{Buffers: 3}, LeakyDownstream, [][]int{{1, 2, 3, 4, 5, 6, 7, 8, 9}, {10, 11}, {12, 13, 14, 15, 16, 17, 18, 19, 20}}},
	{"max-size-time 250 ms, leaky downstream, 100 ms buffers",
		Level{Time: 250 * ms}, LeakyDownstream, [][]int{{0, 1, 2, 3, 4, 5, 6, 7}, {8}, {9, 10}}},
	{"max-size-bytes 250 with 100-byte buffers, leaky upstream, bursts",
		Level{Bytes: 250}, LeakyUpstream, [][]int{{1, 2, 3, 4, 5, 6}, {7, 8, 9}, {10}, {11}}},
	{"GStreamer's defaults (200 buffers, 10 MiB, 1 s), leaky downstream: 100 ms buffers, the 1 s limit decides",
		defaults, LeakyDownstream, [][]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, {15, 16}}},
}

// ---- Step 8: latency versus drops ----

// latencyConfig is the simulated pipeline of Step 8: a 30 fps camera
// pushes into the queue for 20 s; downstream, an HLS segmenter with a 2 s
// target takes frames as soon as it can, but each segment it closes takes
// 1.5 s to upload, during which it takes nothing.
var latencyConfig = struct {
	fps            int
	frames         int
	target, upload time.Duration
}{fps: 30, frames: 600, target: 2 * sec, upload: 1500 * ms}

var (
	bigBlockingQueue   = Level{Buffers: 200}
	smallLeakyQueue    = Level{Buffers: 5}
	defaultQueueLimits = defaults
)
