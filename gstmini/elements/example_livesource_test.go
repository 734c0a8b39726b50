package elements_test

import (
	"context"
	"fmt"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// A 30 fps camera feeds a sink that holds frame 1 for 100 ms. The camera
// keeps capturing meanwhile into its single capture buffer: frames 2 and 3
// are overwritten, and frame 4 leaves as soon as the sink is free again,
// flagged DISCONT. The test clock makes the run exact: running time moves
// only when the example moves it.
func ExampleLiveSource() {
	check := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	clock := gstcheck.NewTestClock()
	pipeline := gstmini.NewPipeline("pipeline")
	pipeline.UseClock(clock) // base time 0: running time = clock time

	cam := elements.NewLiveSource("cam")
	check(cam.SetProperty("num-buffers", 6))
	sink := elements.NewFakeSink("sink")
	check(sink.SetProperty("signal-handoffs", true))
	blocked, release := make(chan struct{}), make(chan struct{})
	var rendered []string // written by the streaming goroutine, read after EOS
	sink.SetHandoff(func(buf *gstmini.Buffer) {
		rendered = append(rendered, fmt.Sprintf("frame %d  pts %s  %s",
			buf.Offset, gstmini.TimeString(buf.PTS), buf.Flags))
		if buf.Offset == 1 { // a slow downstream element
			close(blocked)
			<-release
		}
	})
	check(pipeline.Add(cam, sink))
	check(cam.SrcPad().Link(sink.SinkPad()))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	pipeline.SetState(gstmini.StatePlaying)
	// Frame 0's slot is now; it leaves at once. The camera waits for
	// frame 1's slot: Crank moves the clock there and ends the wait.
	_, err := clock.Crank(ctx)
	check(err)
	<-blocked                                    // the sink holds frame 1 ...
	check(clock.Advance(100 * time.Millisecond)) // ... for 100 ms
	close(release)
	for range 3 { // frames 5, 6 and 7, each at its slot
		_, err = clock.Crank(ctx)
		check(err)
	}
	_, err = pipeline.Bus().PopFiltered(ctx, gstmini.MessageEOS)
	check(err)
	pipeline.Stop()

	for _, line := range rendered {
		fmt.Println(line)
	}
	// num-buffers=6 closed the capture window after frame 7: 8 slots, each
	// delivered or lost.
	fmt.Printf("slots %d = captured %d + lost %d\n", cam.FramesSlots(), cam.FramesCaptured(), cam.FramesLost())
	times := cam.CaptureTimes()
	var intervals []time.Duration
	for i := 1; i < len(times); i++ {
		intervals = append(intervals, times[i]-times[i-1])
	}
	fmt.Println("capture intervals:", intervals)
	// Output:
	// frame 0  pts 0:00:00.000000000  discont
	// frame 1  pts 0:00:00.033333333  none
	// frame 4  pts 0:00:00.133333333  discont
	// frame 5  pts 0:00:00.166666666  none
	// frame 6  pts 0:00:00.200000000  none
	// frame 7  pts 0:00:00.233333333  none
	// slots 8 = captured 6 + lost 2
	// capture intervals: [33.333333ms 100ms 33.333333ms 33.333334ms 33.333333ms]
}

// A camera's latency is one frame: the frame stamped with running time t
// is complete only at t + 1/fps. Live sinks add it to every buffer's
// render time.
func ExampleLiveSource_latency() {
	cam := elements.NewLiveSource("cam")
	if err := cam.SetProperty("fps", 25); err != nil {
		panic(err)
	}
	q := gstmini.NewLatencyQuery()
	cam.Query(q)
	live, minLatency, maxLatency := q.Latency()
	fmt.Println("live:", live, "min:", minLatency, "max:", maxLatency)
	// Output:
	// live: true min: 40ms max: 40ms
}
