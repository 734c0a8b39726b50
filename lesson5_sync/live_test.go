package avsync

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
)

// The tests of Steps 3 and 4 run live pipelines inside a testing/synctest
// bubble: the pipeline's SystemClock follows the bubble's virtual time, so
// 1 s of camera and microphone takes a few milliseconds, and every clock
// wait returns at exactly the time it waited for.

// renderLog records what a sink rendered and when.
type renderLog struct {
	mu      sync.Mutex
	renders []Render
}

func (l *renderLog) all() []Render {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Render(nil), l.renders...)
}

// record makes sink log every buffer it renders: its running time (the
// live sources stamp buffers with running time, in a segment from 0) and
// the clock time at the moment it renders.
func record(t *testing.T, sink *elements.FakeSink) *renderLog {
	t.Helper()
	log := &renderLog{}
	require.NoError(t, sink.SetProperty("signal-handoffs", true))
	sink.SetHandoff(func(buf *gstmini.Buffer) {
		now := sink.Clock().Time()
		log.mu.Lock()
		log.renders = append(log.renders, Render{RunningTime: buf.PTS, ClockTime: now})
		log.mu.Unlock()
	})
	return log
}

// A liveRun is what a live pipeline did while PLAYING.
type liveRun struct {
	baseTime time.Duration
	latency  map[string]time.Duration // the latency each sink had configured
	answers  map[string]Latency       // each sink's answer to the latency query
	renders  map[string][]Render      // what each sink rendered
	sinks    map[string]*elements.FakeSink
}

// runLive parses line, records the renders of every fakesink named in
// sinks and runs the pipeline on clock for d, handling its LATENCY
// messages as gst-launch-1.0 does (Pipeline.Run). Halfway through it reads
// the base time, every sink's latency answer and the latency the pipeline
// configured. Call it inside a synctest bubble.
func runLive(t *testing.T, line string, clock gstmini.Clock, d time.Duration, sinks ...string) liveRun {
	t.Helper()
	p, err := gstmini.ParseLaunch(line)
	require.NoError(t, err, "ParseLaunch(%q)", line)
	p.UseClock(clock)
	run := liveRun{latency: map[string]time.Duration{}, answers: map[string]Latency{}, renders: map[string][]Render{}, sinks: map[string]*elements.FakeSink{}}
	logs := map[string]*renderLog{}
	for _, name := range sinks {
		sink, ok := p.ByName(name).(*elements.FakeSink)
		require.True(t, ok, "%s: no fakesink named %s", line, name)
		run.sinks[name] = sink
		logs[name] = record(t, sink)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	time.Sleep(d / 2) // virtual time: the bubble runs the pipeline meanwhile
	run.baseTime = p.BaseTime()
	for _, name := range sinks {
		q := gstmini.NewLatencyQuery()
		if run.sinks[name].Query(q) {
			live, min, max := q.Latency()
			run.answers[name] = Latency{Live: live, Min: min, Max: max}
		}
		run.latency[name] = run.sinks[name].Latency()
	}
	err = <-done
	require.ErrorIs(t, err, context.DeadlineExceeded, "%s: the run must last until the test stops it", line)
	for _, name := range sinks {
		for _, r := range logs[name].all() {
			if r.RunningTime >= settled {
				run.renders[name] = append(run.renders[name], r)
			}
		}
	}
	return run
}

// settled is the running time from which runLive keeps renders. The first
// frames of a live pipeline render before the pipeline has configured its
// latency: the sinks preroll in PLAYING on them and post LATENCY, and only
// then does the application redistribute the latency (gst-launch-1.0's
// "Redistribute latency..."), which takes effect from the next clock wait.
const settled = 200 * ms

// answersOf returns the sinks' latency answers in the order of names.
func (r liveRun) answersOf(names ...string) []Latency {
	var out []Latency
	for _, n := range names {
		out = append(out, r.answers[n])
	}
	return out
}

// sharedRunningTimes returns, for two render lists, the clock times of the
// running times both rendered, in a's order.
func sharedRunningTimes(a, b []Render) (rt, clockA, clockB []time.Duration) {
	at := map[time.Duration]time.Duration{}
	for _, r := range b {
		at[r.RunningTime] = r.ClockTime
	}
	for _, r := range a {
		if c, ok := at[r.RunningTime]; ok {
			rt, clockA, clockB = append(rt, r.RunningTime), append(clockA, r.ClockTime), append(clockB, c)
		}
	}
	return rt, clockA, clockB
}
