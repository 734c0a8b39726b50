package gstmini_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// stepElement records every transition it performs in a shared journal.
type stepElement struct {
	gstmini.ElementBase
	journal *journal
}

type journal struct {
	mu    sync.Mutex
	steps []string
}

func (j *journal) add(s string) { j.mu.Lock(); j.steps = append(j.steps, s); j.mu.Unlock() }
func (j *journal) take() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := j.steps
	j.steps = nil
	return out
}

func newStepElement(j *journal, name string, flags gstmini.ElementFlags, sink, src bool) *stepElement {
	e := &stepElement{journal: j}
	e.Init(e, name)
	e.SetFlags(flags)
	if sink {
		e.AddPad(gstmini.NewPad("sink", gstmini.PadSink))
	}
	if src {
		e.AddPad(gstmini.NewPad("src", gstmini.PadSrc))
	}
	return e
}

func (e *stepElement) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	e.journal.add(e.Name())
	return e.ElementBase.ChangeState(t)
}

func link(t *testing.T, from, to gstmini.Element) {
	t.Helper()
	require.NoError(t, from.Base().StaticPad("src").Link(to.Base().StaticPad("sink")))
}

// TestBinChangesChildrenFromSinksToSources reproduces the run-checked
// graph F(sink)←E(src), C(sink)←B←A(src), unlinked D: every step of
// NULL→PLAYING ran F, C, E, B, A, D (gst_bin_iterate_sorted).
func TestBinChangesChildrenFromSinksToSources(t *testing.T) {
	j := &journal{}
	a := newStepElement(j, "A", gstmini.ElementFlagSource, false, true)
	b := newStepElement(j, "B", 0, true, true)
	c := newStepElement(j, "C", gstmini.ElementFlagSink, true, false)
	d := newStepElement(j, "D", 0, false, false)
	e := newStepElement(j, "E", gstmini.ElementFlagSource, false, true)
	f := newStepElement(j, "F", gstmini.ElementFlagSink, true, false)
	p := gstmini.NewPipeline("p")
	require.NoError(t, p.Add(a, b, c, d, e, f))
	link(t, a, b)
	link(t, b, c)
	link(t, e, f)

	require.Equal(t, gstmini.StateChangeSuccess, p.SetState(gstmini.StatePlaying))
	want := []string{"F", "C", "E", "B", "A", "D"}
	steps := j.take()
	require.Len(t, steps, 18, "three steps, six children each")
	for i := 0; i < 3; i++ {
		assert.Equal(t, want, steps[i*6:i*6+6], "step %d: sinks first, then upstream, unlinked last", i+1)
	}
	require.Equal(t, gstmini.StateChangeSuccess, p.Stop())
	steps = j.take()
	assert.Equal(t, want, steps[:6], "going down uses the same order")
}

// TestPipelineKeepsRunningTimeAcrossPause reproduces the run-checked base
// time sequence on a test clock.
func TestPipelineKeepsRunningTimeAcrossPause(t *testing.T) {
	clk := gstcheck.NewTestClock()
	p := gstmini.NewPipeline("p")
	p.UseClock(clk)
	j := &journal{}
	el := newStepElement(j, "e", 0, false, false)
	require.NoError(t, p.Add(el))

	require.NoError(t, clk.SetTime(10*s))
	require.Equal(t, gstmini.StateChangeSuccess, p.SetState(gstmini.StatePlaying))
	assert.Equal(t, 10*s, p.BaseTime(), "PLAYING at 10 s: base_time = now - start_time(0)")
	assert.Equal(t, 10*s, el.BaseTime(), "children get the pipeline's base time")
	assert.Equal(t, time.Duration(0), p.StartTime())

	require.NoError(t, clk.SetTime(13*s))
	p.SetState(gstmini.StatePaused)
	assert.Equal(t, 3*s, p.StartTime(), "PAUSED at 13 s: start_time = the running time reached")

	require.NoError(t, clk.SetTime(20*s))
	p.SetState(gstmini.StatePlaying)
	assert.Equal(t, 17*s, p.BaseTime(), "PLAYING at 20 s: base_time = 20 - 3, so running time continues at 3 s")
	assert.Equal(t, 3*s, el.RunningTime())

	p.SetState(gstmini.StateReady)
	require.NoError(t, clk.SetTime(30*s))
	p.SetState(gstmini.StatePlaying)
	assert.Equal(t, 30*s, p.BaseTime(), "after READY running time starts again from 0")

	p.SetState(gstmini.StateReady)
	p.SetDelay(2 * s)
	require.NoError(t, clk.SetTime(40*s))
	p.SetState(gstmini.StatePlaying)
	assert.Equal(t, 42*s, p.BaseTime(), "delay is added to base_time")
	p.Stop()
}

func TestPipelinePostsStateChangesAndNewClock(t *testing.T) {
	clk := gstcheck.NewTestClock()
	p := gstmini.NewPipeline("p")
	p.UseClock(clk)
	require.NoError(t, p.Add(newStepElement(&journal{}, "e", 0, false, false)))
	p.SetState(gstmini.StatePlaying)
	var got []string
	for _, m := range p.Bus().Messages() {
		if m.Src == gstmini.Element(p) && m.Type == gstmini.MessageStateChanged {
			got = append(got, m.OldState.String()+"->"+m.NewState.String())
		}
		if m.Type == gstmini.MessageNewClock {
			assert.Same(t, clk, m.Clock)
		}
	}
	assert.Equal(t, []string{"NULL->READY", "READY->PAUSED", "PAUSED->PLAYING"}, got)
	p.Stop()
}

func TestPipelineWaitsForSinkPrerollBeforePlaying(t *testing.T) {
	clk := gstcheck.NewTestClock()
	p := gstmini.NewPipeline("p")
	p.UseClock(clk)
	sink := newRenderSink("sink")
	require.NoError(t, sink.SetProperty("sync", true))
	src := gstmini.NewPad("src", gstmini.PadSrc)
	up := newStepElement(&journal{}, "up", gstmini.ElementFlagSource, false, false)
	up.AddPad(src)
	require.NoError(t, p.Add(up, sink))
	require.NoError(t, src.Link(sink.SinkPad()))

	assert.Equal(t, gstmini.StateChangeAsync, p.SetState(gstmini.StatePlaying),
		"a sink without data cannot preroll: the state change is ASYNC")
	cur, pending := sink.State()
	assert.Equal(t, gstmini.StateReady, cur)
	assert.Equal(t, gstmini.StatePaused, pending)

	// Data arrives: the sink prerolls, the pipeline completes its way to PLAYING.
	src.PushEvent(gstmini.NewStreamStartEvent("s"))
	src.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment()))
	done := make(chan gstmini.FlowReturn, 1)
	go func() { done <- src.Push(gstmini.NewBufferWithPTS(0, s)) }()
	ctx, cancel := context.WithTimeout(context.Background(), 2*s)
	defer cancel()
	ret, state, _, err := p.GetState(ctx)
	require.NoError(t, err, "the pipeline never finished its async state change")
	assert.Equal(t, gstmini.StateChangeSuccess, ret)
	assert.Equal(t, gstmini.StatePlaying, state)
	id := clk.WaitForNextPendingIDT(t)
	assert.Equal(t, p.BaseTime(), id.Time(), "the prerolled buffer renders at running time 0")
	clk.ProcessID(id)
	assert.Equal(t, gstmini.FlowOK, <-done)
	eosDone := make(chan bool, 1)
	go func() { eosDone <- src.PushEvent(gstmini.NewEOSEvent()) }()
	eosWait := clk.WaitForNextPendingIDT(t)
	assert.Equal(t, p.BaseTime()+s, eosWait.Time(), "EOS waits for the end of the last buffer")
	clk.ProcessID(eosWait)
	require.True(t, <-eosDone)
	m, err := p.Bus().PopFiltered(ctx, gstmini.MessageEOS)
	require.NoError(t, err, "EOS from the only sink makes the pipeline post EOS")
	assert.Same(t, gstmini.Element(p), m.Src)
	p.SetState(gstmini.StatePaused)
	assert.Equal(t, gstmini.StateChangeSuccess, p.Stop())
	assert.Equal(t, gstmini.StateNull, sink.CurrentState())
}

func TestBinRejectsDuplicateNames(t *testing.T) {
	b := gstmini.NewBin("b")
	j := &journal{}
	require.NoError(t, b.Add(newStepElement(j, "x", 0, false, false)))
	err := b.Add(newStepElement(j, "x", 0, false, false))
	assert.ErrorIs(t, err, gstmini.ErrNameTaken)
	assert.Contains(t, err.Error(), `x`)
}

func TestBinGivesANewChildItsClockAndBaseTime(t *testing.T) {
	clk := gstcheck.NewTestClock()
	require.NoError(t, clk.SetTime(10*s))
	p := gstmini.NewPipeline("p")
	p.UseClock(clk)
	require.Equal(t, gstmini.StateChangeSuccess, p.SetState(gstmini.StatePlaying))
	late := newStepElement(&journal{}, "late", 0, false, false)
	require.NoError(t, p.Add(late))
	assert.Equal(t, 10*s, late.BaseTime(), "gst_bin_add_func propagates base_time")
	assert.Same(t, clk, late.Clock(), "and the clock")
	p.Stop()
}
