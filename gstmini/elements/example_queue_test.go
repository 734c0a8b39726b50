package elements_test

import (
	"fmt"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
)

// queueExampleSink is a minimal downstream element for the example: it
// holds the first buffer it receives until release is closed, then lists
// every buffer, and closes done when it has seen want buffers.
type queueExampleSink struct {
	gstmini.ElementBase
	pad     *gstmini.Pad
	held    chan struct{} // closed once the first buffer is held
	release chan struct{}
	done    chan struct{}
	want    int

	mu  sync.Mutex
	got []string
}

func newQueueExampleSink(want int) *queueExampleSink {
	s := &queueExampleSink{held: make(chan struct{}), release: make(chan struct{}), done: make(chan struct{}), want: want}
	s.Init(s, "sink")
	s.pad = gstmini.NewPad("sink", gstmini.PadSink)
	s.pad.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		entry := buf.PTS.String()
		if buf.HasFlags(gstmini.BufferFlagDiscont) {
			entry += " (discont)"
		}
		buf.Unref()
		s.mu.Lock()
		s.got = append(s.got, entry)
		n := len(s.got)
		s.mu.Unlock()
		if n == 1 {
			close(s.held)
			<-s.release
		}
		if n == s.want {
			close(s.done)
		}
		return gstmini.FlowOK
	})
	s.AddPad(s.pad)
	return s
}

// A downstream-leaky queue keeps the newest data: when full, it drops the
// oldest queued buffers, and the first buffer after the gap carries
// DISCONT. The upstream goroutine (here the example itself) never blocks.
func ExampleQueue_leakyDownstream() {
	q := elements.NewQueue("q")
	q.SetProperty("max-size-buffers", 2)
	q.SetProperty("leaky", elements.LeakyDownstream)

	up := gstmini.NewPad("src", gstmini.PadSrc) // stands for an upstream element
	sink := newQueueExampleSink(3)
	up.Link(q.StaticPad("sink"))
	q.StaticPad("src").Link(sink.pad)
	sink.SetState(gstmini.StatePlaying) // downstream first, as pipelines do
	q.SetState(gstmini.StatePlaying)    // starts the queue's streaming goroutine
	up.SetActive(true)
	up.PushEvent(gstmini.NewStreamStartEvent("example"))
	up.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment()))

	buf := func(i int) *gstmini.Buffer {
		return gstmini.NewBufferWithPTS(time.Duration(i)*100*time.Millisecond, 100*time.Millisecond)
	}
	up.Push(buf(0))
	<-sink.held // 0 left the queue and waits downstream: the queue is empty
	for i := 1; i <= 4; i++ {
		up.Push(buf(i)) // 1 and 2 fill the queue; 3 and 4 push them out
	}
	close(sink.release)
	<-sink.done

	for _, b := range sink.got {
		fmt.Println(b)
	}
	fmt.Println("dropped:", q.Dropped())

	sink.SetState(gstmini.StateNull)
	q.SetState(gstmini.StateNull)
	up.SetActive(false)
	// Output:
	// 0s
	// 300ms (discont)
	// 400ms
	// dropped: 2
}
