package fidelity

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
)

// TestScenarioSinkPausedWhileWaitingPrerollsAgain is the half of
// test_preroll_sync (tests/check/elements/fakesink.c at 1.22.0) that
// TestScenarioSinkPrerollSync leaves out: a PLAYING pipeline whose syncing
// sink waits on the clock for a buffer goes back to PAUSED. GStreamer
// returns ASYNC, the sink prerolls on that buffer again (a second
// preroll-handoff) and the state change completes.
//
// It is repeated because it guards two races this suite found and gstmini
// fixed: BaseSink posted ASYNC_START after releasing its preroll lock, so
// the streaming goroutine could commit first and the state change never
// completed (GStreamer posts it under PREROLL_LOCK,
// libs/gst/base/gstbasesink.c:5775-5815); and a bin whose async children had
// all committed during its own change returned SUCCESS where GStreamer
// returns ASYNC and commits at once (gst/gstbin.c:3012-3016, 3043-3054).
func TestScenarioSinkPausedWhileWaitingPrerollsAgain(t *testing.T) {
	const rounds = 50
	for i := range rounds {
		hung, setRet := pausePrerollRound(t)
		require.Empty(t, hung, "round %d: the PLAYING→PAUSED change never completed", i)
		require.Equal(t, gstmini.StateChangeAsync, setRet,
			"round %d: set_state(PAUSED) while the sink waits on the clock returns ASYNC, as in GStreamer", i)
	}
}

// pausePrerollRound runs one round. It returns what it found if get_state
// timed out ("" if the pipeline prerolled again) and what set_state(PAUSED)
// returned.
func pausePrerollRound(t *testing.T) (string, gstmini.StateChangeReturn) {
	t.Helper()
	p, k, pad, clock := sinkPipeline(t)
	prerolls := prerollCounter(t, k)
	defer p.SetState(gstmini.StateNull)

	require.Equal(t, gstmini.StateChangeAsync, p.SetState(gstmini.StatePaused))
	sendStreamStartAndSegment(t, pad)
	done := chainAsync(pad, gstmini.NewBufferWithPTS(1*s, 1*s))
	getState(t, p)
	require.Equal(t, gstmini.StateChangeSuccess, p.SetState(gstmini.StatePlaying))
	clock.CrankT(t)
	require.Equal(t, gstmini.FlowOK, waitFlow(t, done, "the prerolled buffer"))

	done = chainAsync(pad, gstmini.NewBufferWithPTS(100*s, 100*s))
	clock.WaitForPendingIDs(t, 1)
	setRet := p.SetState(gstmini.StatePaused)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	ret, cur, pending, err := p.GetState(ctx)
	if err != nil {
		sc, sp := k.State()
		return fmt.Sprintf("pipeline get_state still %v (%v, pending %v) after 500 ms; sink %v, pending %v",
			ret, cur, pending, sc, sp), setRet
	}
	require.Equal(t, []any{gstmini.StatePaused, gstmini.StateVoidPending}, []any{cur, pending})
	require.Equal(t, 2, prerolls.get(), "the interrupted buffer prerolls again")
	require.Equal(t, gstmini.StateChangeSuccess, p.SetState(gstmini.StateReady))
	require.Equal(t, gstmini.FlowFlushing, waitFlow(t, done, "the chain blocked in PAUSED"))
	return "", setRet
}
