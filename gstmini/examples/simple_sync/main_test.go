package main

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/examples/internal/demo"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const s = time.Second

// runInBubble builds, prepares and plays the pipeline with cfg and st and
// returns its report. Call it inside a synctest bubble: the SystemClock
// created here starts at 0 and follows virtual time, so base_time is
// exactly st.Pause and every render happens exactly at its sync time.
func runInBubble(t *testing.T, cfg demo.Config, st Settings, out io.Writer) Report {
	t.Helper()
	cfg.Duration = 0
	p, err := Build(cfg, gstmini.NewSystemClock())
	require.NoError(t, err)
	require.NoError(t, p.Prepare(t.Context(), st, io.Discard))
	res, err := demo.Run(t.Context(), cfg, demo.Session{Pipeline: p.Pipeline, Out: out, Log: io.Discard, Report: p.Report})
	require.NoError(t, err)
	r, ok := res.Report.(Report)
	require.True(t, ok, "Run returned report %T", res.Report)
	return r
}

// TestSimpleSync_SeedWorkedExample: the seek to 5 s-8 s gives the segment
// start 5 s, so PTS 5, 6, 7 s have running time 0, 1, 2 s. The pipeline
// spent 1 s prerolled in PAUSED, so base_time = 1 s, and nothing is live,
// so the latency is 0:
//
//	sync_time = base_time + running_time + latency = 1 s, 2 s, 3 s
//
// The source pushes as fast as the sink takes buffers: buffer 6 s arrives
// right after buffer 5 s was rendered (clock 1 s), a second early (jitter
// -1 s), and so on. Buffer 5 s was held in preroll and released at
// PLAYING, at exactly its sync time (jitter 0).
func TestSimpleSync_SeedWorkedExample(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := demo.DefaultConfig()
		cfg.Quiet = true
		r := runInBubble(t, cfg, DefaultSettings(), io.Discard)

		assert.Equal(t, 5*s, r.SegmentStart, "segment start")
		assert.Equal(t, 8*s, r.SegmentStop, "segment stop")
		assert.Equal(t, 1*s, r.BaseTime, "base_time: the clock time at PLAYING, after 1 s in PAUSED")
		assert.Zero(t, r.Latency, "latency: nothing is live")
		require.Len(t, r.Buffers, 3)
		for i, b := range r.Buffers {
			n := time.Duration(i)
			assert.Equal(t, (5+n)*s, b.PTS, "buffer %d PTS", i)
			assert.Equal(t, n*s, b.RunningTime, "buffer %d running time = PTS - 5 s", i)
			assert.Equal(t, (1+n)*s, b.SyncTime, "buffer %d sync_time = 1 s + running time", i)
			assert.Equal(t, b.SyncTime, b.Rendered, "buffer %d rendered at its sync time", i)
		}
		assert.Equal(t, []time.Duration{0, -s, -s}, jitters(r), "jitter = arrived - sync_time")
		assert.Equal(t, uint64(4), r.ClockWaits, "clock_waits: three buffers and EOS")
	})
}

func TestSimpleSync_OtherSegment(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := demo.DefaultConfig()
		cfg.Quiet = true
		r := runInBubble(t, cfg, Settings{Start: 2 * s, Stop: 6 * s, Pause: 500 * time.Millisecond}, io.Discard)

		require.Len(t, r.Buffers, 4)
		for i, b := range r.Buffers {
			n := time.Duration(i)
			assert.Equal(t, (2+n)*s, b.PTS)
			assert.Equal(t, n*s, b.RunningTime)
			assert.Equal(t, 500*time.Millisecond+n*s, b.Rendered, "buffer %d rendered at base_time + running time", i)
		}
	})
}

func TestSimpleSync_SyncFalseRendersAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := demo.DefaultConfig()
		cfg.Quiet, cfg.Sync = true, false
		r := runInBubble(t, cfg, DefaultSettings(), io.Discard)

		assert.Zero(t, r.ClockWaits, "clock_waits")
		require.Len(t, r.Buffers, 3)
		for i, b := range r.Buffers {
			assert.Equal(t, 1*s, b.Rendered, "buffer %d rendered as soon as it arrived, at PLAYING", i)
		}
	})
}

func TestSimpleSync_Output(t *testing.T) {
	t.Run("table", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			cfg := demo.DefaultConfig()
			var out bytes.Buffer
			runInBubble(t, cfg, DefaultSettings(), &out)
			assert.Contains(t, out.String(), "running_time = (PTS - 5.000000s) / 1 + 0.000000s")
			assert.Regexp(t, `6\.000000s +1\.000000s +1\.000000s +0\.000000s +2\.000000s +1\.000000s +-1000\.000ms +2\.000000s +\+0\.000ms`, out.String())
		})
	})
	t.Run("json", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			cfg := demo.DefaultConfig()
			cfg.JSON = true
			var out bytes.Buffer
			runInBubble(t, cfg, DefaultSettings(), &out)
			var got Report
			require.NoError(t, json.Unmarshal(out.Bytes(), &got), "output: %s", out.String())
			assert.Len(t, got.Buffers, 3)
			assert.Equal(t, 2*s, got.Buffers[2].RunningTime)
		})
	})
}

func jitters(r Report) []time.Duration {
	var out []time.Duration
	for _, b := range r.Buffers {
		out = append(out, b.Jitter)
	}
	return out
}
