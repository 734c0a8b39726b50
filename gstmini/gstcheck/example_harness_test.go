package gstcheck_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// delay is the element under test in the example: a filter that restamps
// every buffer one second later, as an element that adds latency does.
type delay struct {
	gstmini.ElementBase
	src *gstmini.Pad
}

func newDelay(name string) *delay {
	d := &delay{}
	d.Init(d, name)
	sink := gstmini.NewPad("sink", gstmini.PadSink)
	d.src = gstmini.NewPad("src", gstmini.PadSrc)
	sink.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		buf = buf.MakeWritable()
		buf.PTS += time.Second
		return d.src.Push(buf)
	})
	_ = d.AddPad(sink)
	_ = d.AddPad(d.src)
	return d
}

// The harness sets the filter to PLAYING, feeds its sink pad and collects
// what leaves its source pad. The element's output arrives on the test's own
// goroutine here, since the filter pushes from its chain function.
func ExampleHarness() {
	t := &exampleTB{}
	defer t.cleanup()

	h := gstcheck.New(t, newDelay("delay"))
	fmt.Println("element:", h.Element().Base().CurrentState())

	h.SetSrcCaps(gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: 30, Den: 1}})
	for i := range 2 {
		fmt.Println("push:", h.Push(gstmini.NewBufferWithPTS(time.Duration(i)*time.Second, time.Second)))
	}
	for ev := h.TryPullEvent(); ev != nil; ev = h.TryPullEvent() {
		fmt.Println("event:", ev.Type())
	}
	for h.BuffersInQueue() > 0 {
		fmt.Println("pulled: pts", gstmini.TimeString(h.Pull().PTS))
	}

	h.Teardown()
	fmt.Println("after teardown:", h.Element().Base().CurrentState())

	// Output:
	// element: PLAYING
	// push: ok
	// push: ok
	// event: stream-start
	// event: caps
	// event: segment
	// pulled: pts 0:00:01.000000000
	// pulled: pts 0:00:02.000000000
	// after teardown: NULL
}

// exampleTB stands in for the *testing.T that an Example function does not
// have. A harness failure panics, and cleanup runs the registered cleanups.
// The embedded testing.TB is nil: the harness calls only the methods below.
type exampleTB struct {
	testing.TB
	cleanups []func()
}

func (*exampleTB) Helper() {}

func (*exampleTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

func (*exampleTB) Errorf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

func (t *exampleTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }

func (t *exampleTB) cleanup() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}
