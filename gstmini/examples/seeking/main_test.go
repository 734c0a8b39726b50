package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gstmini/workbook/gstmini"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const ms = time.Millisecond

// runInBubble plays the scenario inside a synctest bubble, where the
// SystemClock follows virtual time: every clock wait ends exactly at its
// time, so the numbers are exact.
func runInBubble(t *testing.T) Report {
	t.Helper()
	var rep Report
	synctest.Test(t, func(t *testing.T) {
		var err error
		rep, err = Run(t.Context(), gstmini.NewSystemClock())
		require.NoError(t, err)
	})
	return rep
}

func rowsOf(rep Report, step int) []Row {
	var out []Row
	for _, r := range rep.Rows {
		if r.Step == step {
			out = append(out, r)
		}
	}
	return out
}

func TestSeeking_EverySeekSucceeds(t *testing.T) {
	rep := runInBubble(t)
	require.Len(t, rep.Steps, 7)
	for _, s := range rep.Steps {
		assert.True(t, s.Seeked, "step %d: %s", s.N, s.What)
	}
	for _, r := range rep.Rows {
		assert.Equal(t, r.SyncTime, r.Rendered, "PTS %s of step %d renders exactly at its sync time", r.PTS, r.Step)
	}
}

// TestSeeking_FlushingSeekRestartsRunningTime: the frame at 1.5 s has
// running time 0 and the new base time is the clock time of the seek: it
// renders at once, right after the frame that was showing.
func TestSeeking_FlushingSeekRestartsRunningTime(t *testing.T) {
	rep := runInBubble(t)
	before, after := rowsOf(rep, 1), rowsOf(rep, 2)
	require.NotEmpty(t, after)
	first := after[0]
	assert.Equal(t, 1500*ms, first.PTS)
	assert.True(t, first.Discont)
	assert.Zero(t, first.RunningTime, "running time restarts at 0")
	assert.Equal(t, first.Rendered, first.BaseTime, "the new base time is now: rendered at once")
	assert.Equal(t, before[len(before)-1].Rendered, first.BaseTime, "the seek came right after the last frame rendered")
}

// TestSeeking_NonFlushingSeekContinuesRunningTime: what was in flight
// renders, then the new segment starts at the running time where it
// ended, with the same base time.
func TestSeeking_NonFlushingSeekContinuesRunningTime(t *testing.T) {
	rep := runInBubble(t)
	rows := rowsOf(rep, 3)
	i := 0
	for i < len(rows) && rows[i].PTS != 500*ms {
		i++
	}
	require.Less(t, i, len(rows), "the seek's first frame rendered")
	require.Positive(t, i, "the frames in flight rendered first")
	assert.Equal(t, rows[i-1].RunningTime+100*ms, rows[i].RunningTime, "no gap, no jump")
	assert.Equal(t, rows[i].RunningTime, rows[i].SegBase, "the new segment's base carries the running time on")
	assert.Equal(t, rows[0].BaseTime, rows[i].BaseTime, "the base time stays")
}

func TestSeeking_RatesStretchTheWaits(t *testing.T) {
	rep := runInBubble(t)
	fast := rowsOf(rep, 4)
	require.Len(t, fast, 3)
	for i := 1; i < len(fast); i++ {
		assert.Equal(t, 100*ms, fast[i].PTS-fast[i-1].PTS, "rate 2 keeps the PTS spacing")
		assert.Equal(t, 50*ms, fast[i].Rendered-fast[i-1].Rendered, "and halves the waits")
	}
	back := rowsOf(rep, 5)
	require.Len(t, back, 3)
	for i, r := range back {
		assert.True(t, r.Discont, "every frame played backwards is DISCONT")
		assert.Equal(t, time.Duration(i)*100*ms, r.RunningTime, "running time goes up")
		if i > 0 {
			assert.Equal(t, back[i-1].PTS-100*ms, r.PTS, "the PTS go down")
		}
	}
}

func TestSeeking_SegmentLoopHasNoGap(t *testing.T) {
	rep := runInBubble(t)
	rows := rowsOf(rep, 6)
	require.Len(t, rows, 4)
	var got []string
	for _, r := range rows {
		got = append(got, r.PTS.String()+"@"+r.RunningTime.String())
	}
	assert.Equal(t, []string{"200ms@0s", "300ms@100ms", "200ms@200ms", "300ms@300ms"}, got)
	assert.Equal(t, rows[0].BaseTime, rows[3].BaseTime, "no flush between the passes")
}

func TestSeeking_PrintsATableAndJSON(t *testing.T) {
	rep := runInBubble(t)
	var b bytes.Buffer
	Print(&b, rep)
	assert.True(t, strings.Contains(b.String(), "step 2: flushing seek to 1.5 s (seek true)"), b.String())
	assert.Contains(t, b.String(), "running ms")
	js, err := json.Marshal(rep)
	require.NoError(t, err)
	var back Report
	require.NoError(t, json.Unmarshal(js, &back))
	assert.Equal(t, rep, back)
}
