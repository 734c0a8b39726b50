package core

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gstmini/workbook/gstmini"
)

// TestMain checks for leaked goroutines. Under GOOS=js (go test with
// go_js_wasm_exec and Node.js on PATH) the runtime keeps a goroutine of its
// own waiting for JavaScript events.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("runtime.handleEvent"))
}

func preset(t *testing.T, id string) Preset {
	t.Helper()
	for _, p := range Presets() {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no preset %q", id)
	return Preset{}
}

// counter returns counter name of the first element of factory in snap.
func counter(t *testing.T, snap Snapshot, factory, name string) int64 {
	t.Helper()
	for _, es := range snap.Stats {
		if es.Factory != factory {
			continue
		}
		for _, c := range es.Counters {
			if c.Name == name {
				return c.Value
			}
		}
	}
	t.Fatalf("no counter %s of a %s in %+v", name, factory, snap.Stats)
	return 0
}

// runToEnd plays a preset on the fast clock inside a synctest bubble
// (virtual time: 20 s of camera take milliseconds) and returns the last
// snapshot.
func runToEnd(t *testing.T, id string) Snapshot {
	t.Helper()
	var snap Snapshot
	synctest.Test(t, func(t *testing.T) {
		s, err := Start(preset(t, id).Line, Options{Fast: true})
		require.NoError(t, err)
		<-s.Done()
		snap = s.Snapshot()
	})
	return snap
}

func TestPresetWithoutQueueLosesFramesAtTheCamera(t *testing.T) {
	snap := runToEnd(t, "no-queue")
	require.Equal(t, StatusEOS, snap.Status, snap.Message)
	assert.True(t, snap.Done)
	assert.Positive(t, counter(t, snap, "livesource", "frames-lost"), "the camera's goroutine waits for every upload: frames are lost")
	assert.NotEmpty(t, snap.View.Drops, "the lost frames are marked on the timeline")
	assert.GreaterOrEqual(t, snap.Clock, 20.0, "600 frames delivered at 30 fps, and the lost ones: more than 20 s of pipeline time")
}

func TestPresetWithQueueLosesNothing(t *testing.T) {
	snap := runToEnd(t, "queue")
	require.Equal(t, StatusEOS, snap.Status, snap.Message)
	assert.Zero(t, counter(t, snap, "livesource", "frames-lost"), "with a queue the camera never waits")
	assert.Equal(t, int64(600), counter(t, snap, "livesource", "frames-captured"))
	require.Len(t, snap.View.Queues, 1, "one queue level")
	var names []string
	for _, l := range snap.View.Lanes {
		names = append(names, l.Name)
	}
	require.Len(t, names, 2, "one lane per streaming goroutine: %v", names)
	assert.True(t, strings.HasPrefix(names[0], "livesource") && strings.HasSuffix(names[0], ":src"), "the camera's lane first: %v", names)
	assert.True(t, strings.HasPrefix(names[1], "queue"), "then the queue's: %v", names)
}

func TestEveryPresetParses(t *testing.T) {
	for _, p := range Presets() {
		_, err := gstmini.ParseLaunch(p.Line)
		assert.NoError(t, err, "preset %s: %s", p.ID, p.Line)
	}
}

func TestTeeDeadlockStaysPrerollingUntilStopped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := Start(preset(t, "tee-deadlock").Line, Options{Fast: true})
		require.NoError(t, err)
		synctest.Wait() // every goroutine blocked: the preroll wait holds the tee
		snap := s.Snapshot()
		assert.Equal(t, StatusPrerolling, snap.Status, "the tee without queues never completes PAUSED")
		assert.False(t, snap.Done)
		s.Stop()
		snap = s.Snapshot()
		assert.Equal(t, StatusStopped, snap.Status, "Stop ends the run from PREROLLING")
		assert.True(t, snap.Done)
	})
}

func TestStartRefusesAMalformedLineWithItsPosition(t *testing.T) {
	_, err := Start("livesource ! ! fakesink", Options{})
	var le *LaunchError
	require.True(t, errors.As(err, &le), "want a *LaunchError, got %v", err)
	assert.Equal(t, 13, le.Offset, "the second '!' is the offending token")
	assert.Contains(t, le.Message, "pipeline could not be constructed")
	assert.Contains(t, le.Context, "^", "the context has a caret under the token")
	_, err = Start("nosuchelement", Options{})
	require.True(t, errors.As(err, &le))
	assert.Contains(t, le.Message, "nosuchelement")
}

func TestLoadTraceShowsTheLanesOfTheRun(t *testing.T) {
	var run, file View
	synctest.Test(t, func(t *testing.T) {
		s, err := Start(preset(t, "queue").Line, Options{Fast: true})
		require.NoError(t, err)
		<-s.Done()
		run = s.Snapshot().View
		var buf bytes.Buffer
		require.NoError(t, s.tracer.WriteJSON(&buf))
		file, err = LoadTrace(&buf)
		require.NoError(t, err)
	})
	require.Len(t, file.Lanes, len(run.Lanes))
	for i := range run.Lanes {
		assert.Equal(t, run.Lanes[i].Name, file.Lanes[i].Name)
		assert.Len(t, file.Lanes[i].Spans, len(run.Lanes[i].Spans), "lane %s", run.Lanes[i].Name)
	}
	_, err := LoadTrace(strings.NewReader("{}"))
	assert.Error(t, err, "a file that is not a trace")
}
