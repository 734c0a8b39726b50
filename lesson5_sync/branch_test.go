package avsync

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// newTeePipeline returns a pipeline "fakesrc num-buffers=n ! tee" with a
// test clock, the pipeline going to NULL when the test ends.
func newTeePipeline(t *testing.T, n int) (*gstmini.Pipeline, *Tee) {
	t.Helper()
	p := gstmini.NewPipeline("pipeline")
	p.UseClock(gstcheck.NewTestClock())
	t.Cleanup(func() { p.SetState(gstmini.StateNull) })
	src := elements.NewFakeSrc("src")
	require.NoError(t, src.SetProperty("num-buffers", n))
	tee := NewTee("t")
	require.NoError(t, p.Add(src, tee))
	require.NoError(t, src.StaticPad("src").Link(tee.StaticPad("sink")))
	return p, tee
}

func TestAddBranchRequestsATeePadPerBranch(t *testing.T) {
	p, tee := newTeePipeline(t, 1)
	for i, want := range []string{"src_0", "src_1", "src_2"} {
		pad, err := AddBranch(&p.Bin, tee, elements.NewFakeSink(fmt.Sprintf("sink%d", i)))
		require.NoError(t, err, "AddBranch #%d (README: Step 2)", i+1)
		require.NotNil(t, pad, "AddBranch must return the tee pad it requested (README: Step 2)")
		assert.Equal(t, want, pad.Name(), "branch %d: the tee numbers its request pads src_0, src_1, ... (RequestPad(\"src_%%u\"), README: Step 2)", i+1)
		assert.Same(t, tee.Base(), pad.Parent().Base(), "the returned pad must be the tee's")
	}
	assert.Len(t, tee.SrcPads(), 3, "three branches, three source pads on the tee")
}

func TestAddBranchPutsAQueueAtTheHeadOfTheBranch(t *testing.T) {
	p, tee := newTeePipeline(t, 1)
	conv, sink := elements.NewQueue("second"), elements.NewFakeSink("sink")
	pad, err := AddBranch(&p.Bin, tee, conv, sink)
	require.NoError(t, err)
	require.NotNil(t, pad)
	require.NotNil(t, pad.Peer(), "the tee pad must be linked (README: Step 2)")
	head, isQueue := pad.Peer().Parent().(*elements.Queue)
	require.True(t, isQueue, "the tee pad is linked to %s; want a NEW queue at the head of the branch, before the elements you were given (README: Step 2)", pad.Peer().Parent().Base().Name())
	require.NotSame(t, conv, head, "the first element of the branch must be a queue AddBranch made, not the caller's first element")
	assert.Same(t, head.Base(), p.ByName(head.Base().Name()).Base(), "the queue must be added to the pipeline")
	require.NotNil(t, head.StaticPad("src").Peer(), "the queue's src pad must be linked to the branch's first element")
	assert.Same(t, conv.StaticPad("sink"), head.StaticPad("src").Peer(), "queue → first element")
	assert.Same(t, sink.StaticPad("sink"), conv.StaticPad("src").Peer(), "first element → second element, in the order given")
	for _, e := range []gstmini.Element{conv, sink} {
		assert.NotNil(t, p.ByName(e.Base().Name()), "element %s must be added to the pipeline", e.Base().Name())
	}
}

func TestAddBranchPrerollsEveryBranch(t *testing.T) {
	p, tee := newTeePipeline(t, 1)
	var sinks []*elements.FakeSink
	prerolledOn := make([]*gstmini.Buffer, 2)
	for i := range 2 {
		sink := elements.NewFakeSink(fmt.Sprintf("sink%d", i))
		require.NoError(t, sink.SetProperty("signal-handoffs", true))
		sink.SetPrerollHandoff(func(buf *gstmini.Buffer) { prerolledOn[i] = buf })
		_, err := AddBranch(&p.Bin, tee, sink)
		require.NoError(t, err)
		sinks = append(sinks, sink)
	}
	require.Equal(t, gstmini.StateChangeAsync, p.SetState(gstmini.StatePaused))
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	ret, cur, _, err := p.GetState(ctx)
	require.NoError(t, err, "the pipeline did not reach PAUSED within %v: every branch needs a queue at its head so the tee's push returns (README: Step 2)", watchdog)
	assert.Equal(t, gstmini.StateChangeSuccess, ret)
	assert.Equal(t, gstmini.StatePaused, cur)
	require.NotNil(t, prerolledOn[0], "sink 1 prerolled without a buffer")
	assert.Same(t, prerolledOn[0], prerolledOn[1], "both sinks preroll on the same buffer: the tee shares it, the queues pass it on")
}

func TestAddBranchRefusesAnElementWithoutRequestPads(t *testing.T) {
	p, _ := newTeePipeline(t, 1)
	notATee := elements.NewFakeSink("not_a_tee")
	require.NoError(t, p.Add(notATee))
	before := len(p.Children())
	pad, err := AddBranch(&p.Bin, notATee, elements.NewFakeSink("sink"))
	require.Error(t, err, "a fakesink has no request pads: AddBranch must return RequestPad's error (README: Step 2)")
	assert.Nil(t, pad)
	assert.ErrorIs(t, err, gstmini.ErrNoRequestTemplate, "wrap RequestPad's error with %%w so callers can test for it")
	assert.Contains(t, err.Error(), "not_a_tee", "the error must name the element")
	assert.Len(t, p.Children(), before, "nothing may be added to the pipeline when the branch cannot be made")
}

func TestAddBranchLeavesNothingBehindWhenTheBranchCannotLink(t *testing.T) {
	p, tee := newTeePipeline(t, 1)
	before := len(p.Children())
	pad, err := AddBranch(&p.Bin, tee, elements.NewFakeSrc("wrongway"))
	require.Error(t, err, "a fakesrc has no sink pad: the branch cannot be linked (README: Step 2)")
	assert.Nil(t, pad)
	assert.Contains(t, err.Error(), "wrongway", "the error must name the element that cannot be linked")
	assert.Empty(t, tee.SrcPads(), "the tee pad requested for the failed branch must be released (ReleaseRequestPad)")
	assert.Len(t, p.Children(), before, "the queue and the elements added for the failed branch must be removed again")

	pad, err = AddBranch(&p.Bin, tee)
	require.Error(t, err, "a branch without elements is an error")
	assert.Nil(t, pad)
	assert.Contains(t, err.Error(), "t", "the error must name the tee")
	assert.Empty(t, tee.SrcPads(), "no pad may be left on the tee")
}
