package trace

import (
	"context"
	"reflect"
	"testing"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// padFuncs is what Attach may touch on a pipeline: each child's sink pads'
// chain functions (by code pointer), whether they have an event function,
// and every pad's peer.
type padFuncs struct {
	children []gstmini.Element
	chain    map[*gstmini.Pad]uintptr
	event    map[*gstmini.Pad]bool
	peer     map[*gstmini.Pad]*gstmini.Pad
}

func readPadFuncs(p *gstmini.Pipeline) padFuncs {
	f := padFuncs{children: p.Children(), chain: map[*gstmini.Pad]uintptr{}, event: map[*gstmini.Pad]bool{}, peer: map[*gstmini.Pad]*gstmini.Pad{}}
	for _, c := range f.children {
		for _, pad := range c.Base().Pads() {
			f.peer[pad] = pad.Peer()
		}
		for _, pad := range c.Base().SinkPads() {
			f.chain[pad] = reflect.ValueOf(pad.ChainFunc()).Pointer()
			f.event[pad] = pad.EventFunc() != nil
		}
	}
	return f
}

func TestAttach_WrapsInPlaceAndCloseRestores(t *testing.T) {
	p, err := gstmini.ParseLaunch("fakesrc num-buffers=20 ! queue ! queue ! fakesink sync=false")
	if err != nil {
		t.Fatal(err)
	}
	before := readPadFuncs(p)
	tr, err := Attach(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	during := readPadFuncs(p)
	if !reflect.DeepEqual(during.children, before.children) || !reflect.DeepEqual(during.peer, before.peer) {
		t.Fatalf("Attach changed the pipeline's elements or links: children %v, want %v", during.children, before.children)
	}
	for pad, fn := range during.chain {
		if before.chain[pad] != 0 && fn == before.chain[pad] {
			t.Errorf("Attach did not wrap the chain function of %s", pad)
		}
		if !during.event[pad] {
			t.Errorf("Attach did not wrap the event function of %s", pad)
		}
	}
	if err := p.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	tr.Close()
	tr.Close() // a second Close does nothing
	after := readPadFuncs(p)
	if !reflect.DeepEqual(after, before) {
		t.Errorf("after Close, pad functions and links = %+v; want them as before Attach: %+v", after, before)
	}
	if c := p.FixedClock(); c != nil {
		t.Errorf("after Close, FixedClock() = %v; want nil, as before Attach", c)
	}
	if p.Bus().SyncHandler() != nil {
		t.Error("after Close, the bus has a sync handler; want none, as before Attach")
	}
	chains := 0
	for _, ev := range tr.Events() {
		if ev.Cat == CatChain {
			chains++
		}
	}
	if want := 3 * 20; chains != want { // two queues and fakesink each take 20 buffers
		t.Errorf("recorded %d chain calls; want %d", chains, want)
	}
	// The pipeline still runs, untraced.
	n := tr.Len()
	if err := p.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tr.Len() != n {
		t.Errorf("a run after Close recorded %d events; want none", tr.Len()-n)
	}
}

func TestAttach_UsesFixedClockAndChainsSyncHandler(t *testing.T) {
	p, err := gstmini.ParseLaunch("fakesrc num-buffers=1 ! fakesink sync=false")
	if err != nil {
		t.Fatal(err)
	}
	clk := gstcheck.NewTestClock()
	p.UseClock(clk)
	var seen []string
	prev := func(m *gstmini.Message) gstmini.BusSyncReply {
		if m.Type == gstmini.MessageApplication {
			seen = append(seen, m.Name)
			return gstmini.BusDrop
		}
		return gstmini.BusPass
	}
	p.Bus().SetSyncHandler(prev)

	tr, err := Attach(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.Clock().Inner(); got != gstmini.Clock(clk) {
		t.Errorf("Tracer clock wraps %T; want the pipeline's fixed clock, the TestClock", got)
	}
	if got := p.FixedClock(); got != gstmini.Clock(tr.Clock()) {
		t.Errorf("pipeline FixedClock() = %T; want the tracer's Clock", got)
	}
	p.PostMessage(gstmini.NewApplicationMessage(p, "traced", nil))
	if len(seen) != 1 || len(p.Bus().Messages()) != 0 {
		t.Errorf("with a tracer, the previous sync handler saw %v and %d messages are queued; want [traced] and 0 (it drops them)",
			seen, len(p.Bus().Messages()))
	}
	tr.Close()
	if got := p.FixedClock(); got != gstmini.Clock(clk) {
		t.Errorf("after Close, FixedClock() = %T; want the TestClock back", got)
	}
	n := tr.Len()
	p.PostMessage(gstmini.NewApplicationMessage(p, "untraced", nil))
	if len(seen) != 2 || tr.Len() != n {
		t.Errorf("after Close, the previous sync handler saw %v and the tracer recorded %d more events; want [traced untraced] and 0",
			seen, tr.Len()-n)
	}
}

// A pipeline played twice runs its tasks on new goroutines the second
// time; the chain calls must be recorded on those, not on the goroutines
// of the first run (chainFn reuses a goroutine id it looked up before).
func TestAttach_SecondRunOnNewGoroutines(t *testing.T) {
	p, err := gstmini.ParseLaunch("fakesrc num-buffers=5 ! queue ! fakesink sync=false")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Attach(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	threads := func(from int) map[int64]bool {
		ids := map[int64]bool{}
		for _, ev := range tr.Events()[from:] {
			if ev.Cat == CatChain {
				ids[ev.Thread] = true
			}
		}
		return ids
	}
	if err := p.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	n := tr.Len()
	first := threads(0)
	if err := p.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	second := threads(n)
	if len(first) != 2 || len(second) != 2 {
		t.Fatalf("chain calls on goroutines %v, then %v; want two each (the source's and the queue's)", first, second)
	}
	for id := range second {
		if first[id] {
			t.Errorf("second run's chain calls recorded on goroutine %d of the first run", id)
		}
	}
}
