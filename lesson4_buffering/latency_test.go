package buffering

import (
	"fmt"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// Step 8: latency versus drops. The tests below run the seed's pipeline,
// camera ! queue ! segmenter ! uploader, as a deterministic simulation on
// virtual time that the test advances itself: no goroutines, no clock, no
// sleeping. The lesson's Queue and Accumulator decide everything that
// happens; the loop only moves time.
//
//   - The camera captures frame n at slot(n) = n * 1 s / 30 and pushes it
//     into the queue at once. If Push reports blocked, the real camera's
//     goroutine would stall in the queue's chain function and the frames
//     captured meanwhile would be overwritten in its single capture
//     buffer: the simulation counts the frame as lost at the camera.
//   - Every frame is accounted for, as gstmini's LiveSource and the
//     examples' statistics count them: each slot is delivered to the
//     segmenter, dropped by the queue or lost at the camera, and each frame
//     the camera pushed is delivered or dropped (the loop ends by draining
//     the queue, as EOS would).
//   - Downstream, the segmenter pops a frame as soon as it is free and one
//     is queued, and adds it to an Accumulator with a 2 s target. When Add
//     closes a segment, the upload of that segment keeps the streaming
//     thread busy for 1.5 s: nothing leaves the queue meanwhile.

// latencyResult is what one simulated run measured.
type latencyResult struct {
	captured, delivered       int           // frames the camera captured (one per slot), frames the segmenter got
	pushed                    int           // frames the camera pushed: Push took them (queued or dropped)
	dropped, lostAtCamera     int           // dropped by the queue, lost because Push would block
	maxBuffers                uint          // highest Level().Buffers after a push
	maxTime                   time.Duration // highest Level().Time after a push
	maxLatency, totalLatency  time.Duration // queue latency: when a frame left the queue minus its PTS
	segments, discontSegments int           // segments closed by Add, and how many of them are Discont
}

func (r latencyResult) meanLatency() time.Duration {
	if r.delivered == 0 {
		return 0
	}
	return r.totalLatency / time.Duration(r.delivered)
}

func (r latencyResult) String() string {
	return fmt.Sprintf("captured %d frames (%d pushed): delivered %d, dropped by the queue %d, lost at the camera %d\n"+
		"  queue level after a push: at most %d buffers, %v\n"+
		"  queue latency (time out - PTS): max %v, mean %v\n"+
		"  segments closed: %d, of which DISCONT: %d",
		r.captured, r.pushed, r.delivered, r.dropped, r.lostAtCamera, r.maxBuffers, r.maxTime,
		r.maxLatency, r.meanLatency(), r.segments, r.discontSegments)
}

// simulateLatency runs the simulation with the given queue limits and leak
// mode.
func simulateLatency(limits Level, leaky Leaky) latencyResult {
	cfg := latencyConfig
	q := NewQueue(limits, leaky)
	acc := &Accumulator{Target: cfg.target}
	var r latencyResult
	freeAt := time.Duration(0) // when the segmenter can take its next frame

	// drain lets the segmenter take queued frames while it is free at or
	// before now. A frame leaves at max(freeAt, its PTS): it cannot leave
	// before the camera captured it.
	drain := func(now time.Duration) {
		for range cfg.frames + 1 { // bounded, whatever Pop does
			if freeAt > now {
				return
			}
			buf, ok := q.Pop()
			if !ok || buf == nil {
				return
			}
			out := max(freeAt, buf.PTS)
			lat := out - buf.PTS
			r.delivered++
			r.totalLatency += lat
			r.maxLatency = max(r.maxLatency, lat)
			freeAt = out
			if seg, closed := acc.Add(FrameOf(buf)); closed {
				r.segments++
				if seg.Discont {
					r.discontSegments++
				}
				freeAt = out + cfg.upload // the upload blocks the streaming thread
			}
		}
	}

	for n := range cfg.frames {
		now := slot(n, cfg.fps)
		drain(now) // frames the segmenter could take before this capture
		buf := gstmini.NewBufferWithPTS(now, slot(n+1, cfg.fps)-now)
		buf.Data = make([]byte, 1024)
		r.captured++
		dropped, blocked := q.Push(buf)
		if blocked {
			r.lostAtCamera++
		} else {
			r.pushed++
		}
		r.dropped += len(dropped) // the dropped buffers are left to the garbage collector
		lvl := q.Level()
		r.maxBuffers = max(r.maxBuffers, lvl.Buffers)
		r.maxTime = max(r.maxTime, lvl.Time)
		drain(now)
	}
	drain(time.Duration(1<<62 - 1)) // EOS: the segmenter takes what is left
	return r
}

// checkEveryFrameAccounted fails t unless every slot of r is delivered,
// dropped or lost at the camera, and every frame pushed delivered or
// dropped: a Push that drops a buffer must hand it back in dropped, and
// Pop must give back every buffer Push queued.
func checkEveryFrameAccounted(t *testing.T, r latencyResult) {
	t.Helper()
	if r.delivered+r.dropped+r.lostAtCamera != r.captured || r.delivered+r.dropped != r.pushed {
		t.Errorf("every frame accounted for (numbers above): want %d slots = delivered %d + dropped %d + lost at the camera %d,\n"+
			"and %d pushed = delivered + dropped: a buffer your Queue drops must come back from Push in dropped,\n"+
			"and Pop must return every buffer Push queued\n%s",
			r.captured, r.delivered, r.dropped, r.lostAtCamera, r.pushed, latencyHint)
	}
}

const latencyHint = "hint: the numbers come from your Queue (Steps 5-7) and Accumulator (Step 1); read the loop in\n" +
	"latency_test.go and README: Step 8"

func TestLatencyBigBlockingQueueLosesNothingButHoldsOverASecond(t *testing.T) {
	r := simulateLatency(bigBlockingQueue, LeakyNo)
	t.Logf("max-size %v, leaky no:\n  %v", bigBlockingQueue, r)
	checkEveryFrameAccounted(t, r)
	if r.delivered != r.captured || r.dropped != 0 || r.lostAtCamera != 0 {
		t.Errorf("a blocking queue of 200 buffers, no time limit, behind 1.5 s uploads every 2 s (numbers above):\n"+
			"want every one of the %d frames delivered, none dropped, none lost: 1.5 s is 45 frames, far below 200\n%s",
			r.captured, latencyHint)
	}
	if r.maxTime <= time.Second || r.maxLatency <= time.Second {
		t.Errorf("a blocking queue of 200 buffers behind 1.5 s uploads (numbers above):\n"+
			"want the queue to hold more than 1 s of frames during each upload (level and latency > 1s):\n"+
			"losing nothing costs latency\n%s", latencyHint)
	}
}

func TestLatencyDefaultLimitsStallTheCamera(t *testing.T) {
	r := simulateLatency(defaultQueueLimits, LeakyNo)
	t.Logf("max-size %v, leaky no:\n  %v", defaultQueueLimits, r)
	checkEveryFrameAccounted(t, r)
	if r.lostAtCamera == 0 || r.dropped != 0 || r.maxTime != time.Second {
		t.Errorf("GStreamer's default limits (200 buffers, 10 MiB, 1 s), not leaky, behind 1.5 s uploads (numbers above):\n"+
			"want frames lost at the camera (Push blocked once 1 s was queued), none dropped by the queue, and\n"+
			"a time level that stops at exactly 1s: max-size-time is reached before max-size-buffers\n%s", latencyHint)
	}
}

func TestLatencySmallLeakyDownstreamQueueDropsButStaysFresh(t *testing.T) {
	r := simulateLatency(smallLeakyQueue, LeakyDownstream)
	t.Logf("max-size %v, leaky downstream:\n  %v", smallLeakyQueue, r)
	checkEveryFrameAccounted(t, r)
	if r.dropped == 0 || r.lostAtCamera != 0 || r.delivered+r.dropped != r.captured {
		t.Errorf("a queue of 5 buffers, leaky downstream, behind 1.5 s uploads (numbers above):\n"+
			"want frames dropped by the queue during each upload, none lost at the camera (Push never blocks),\n"+
			"and delivered + dropped = captured\n%s", latencyHint)
	}
	if r.maxBuffers > 5 || r.maxLatency >= 200*time.Millisecond {
		t.Errorf("a queue of 5 buffers, leaky downstream (numbers above):\n"+
			"want at most 5 buffers queued and every frame out within 200 ms of its capture: the queue keeps\n"+
			"the NEWEST 5 frames, so what comes out after an upload is fresh\n%s", latencyHint)
	}
	if r.discontSegments == 0 {
		t.Errorf("a queue of 5 buffers, leaky downstream (numbers above):\n"+
			"want DISCONT segments: the first frame out after a leak carries DISCONT, and its segment too\n%s", latencyHint)
	}
}

func TestLatencySmallLeakyUpstreamQueueDropsButServesStaleFrames(t *testing.T) {
	r := simulateLatency(smallLeakyQueue, LeakyUpstream)
	t.Logf("max-size %v, leaky upstream:\n  %v", smallLeakyQueue, r)
	checkEveryFrameAccounted(t, r)
	if r.dropped == 0 || r.lostAtCamera != 0 || r.maxBuffers > 5 {
		t.Errorf("a queue of 5 buffers, leaky upstream, behind 1.5 s uploads (numbers above):\n"+
			"want frames dropped by the queue, none lost at the camera, at most 5 buffers queued\n%s", latencyHint)
	}
	if r.maxLatency <= time.Second {
		t.Errorf("a queue of 5 buffers, leaky upstream (numbers above):\n"+
			"want frames more than 1 s old coming out after each upload: leaky upstream drops the NEW frames and\n"+
			"keeps the 5 OLDEST, captured right when the upload began\n%s", latencyHint)
	}
}
