package dataflow

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// watchdog bounds every wait in these tests, so a deadlock fails the test
// with a message instead of hanging it. Nothing ever sleeps on it.
const watchdog = 2 * time.Second

// newLinkedPads returns an active source pad "src" linked to an active sink
// pad "sink".
func newLinkedPads(t *testing.T) (src, sink *Pad) {
	t.Helper()
	src, sink = NewPad("src", Src), NewPad("sink", Sink)
	link(t, src, sink)
	sink.SetActive(true)
	src.SetActive(true)
	return src, sink
}

// link links src to sink in a test's setup.
func link(t *testing.T, src, sink *Pad) {
	t.Helper()
	require.NoError(t, Link(src, sink), "setup: Link(%s, %s)\nhint: finish Step 1 first (README: Step 1)", src.Name(), sink.Name())
}

// assertFlow checks a flow result and prints both sides by their GStreamer
// names ("ok", "eos", ...), as in `Push() = ok; want not-linked`.
func assertFlow(t *testing.T, want, got gstmini.FlowReturn, call, hint string) bool {
	t.Helper()
	if got == want {
		return true
	}
	return assert.Fail(t, fmt.Sprintf("%s = %s; want %s", call, got, want), "hint: "+hint)
}

// peerName names p's peer for failure messages.
func peerName(p *Pad) string {
	if peer := p.Peer(); peer != nil {
		return peer.Name()
	}
	return "<nil>"
}

// isLocked reports whether someone holds mu, without keeping it.
func isLocked(mu *sync.Mutex) bool {
	if mu.TryLock() {
		mu.Unlock()
		return false
	}
	return true
}

// bufferAt returns an empty buffer with the given PTS and a 40 ms duration.
func bufferAt(pts time.Duration) *gstmini.Buffer {
	return gstmini.NewBufferWithPTS(pts, 40*time.Millisecond)
}

// spy is a sink pad that records what reaches it, one readable string per
// buffer or event ("stream-start", "segment", "buffer pts=0:00:01.000000000"),
// and answers every buffer with ret. Its event function accepts every event
// except those of the types it was told to refuse.
type spy struct {
	pad *Pad

	mu     sync.Mutex
	calls  []string
	bufs   []*gstmini.Buffer
	ret    gstmini.FlowReturn
	refuse map[gstmini.EventType]bool
}

// Refuse makes the spy's event function return false for events of type
// typ (refuse true) or accept them again (refuse false). A refused event is
// logged as "refused segment".
func (s *spy) Refuse(typ gstmini.EventType, refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuse == nil {
		s.refuse = map[gstmini.EventType]bool{}
	}
	s.refuse[typ] = refuse
}

func newSpy(name string) *spy {
	s := &spy{pad: NewPad(name, Sink)}
	s.pad.SetChainFunc(func(buf *gstmini.Buffer) gstmini.FlowReturn {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.calls = append(s.calls, "buffer pts="+gstmini.TimeString(buf.PTS))
		s.bufs = append(s.bufs, buf)
		return s.ret
	})
	s.pad.SetEventFunc(func(ev *gstmini.Event) bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.refuse[ev.Type()] {
			s.calls = append(s.calls, "refused "+ev.Type().String())
			return false
		}
		s.calls = append(s.calls, ev.Type().String())
		return true
	})
	return s
}

// Calls returns what reached the spy so far, in order.
func (s *spy) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

// Buffers returns the buffers that reached the spy so far, in order.
func (s *spy) Buffers() []*gstmini.Buffer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*gstmini.Buffer(nil), s.bufs...)
}

// gate holds a chain function until the test opens it. It opens itself in
// t.Cleanup as well, so a goroutine blocked on it always ends, even when the
// code under test is unfinished and the test failed half-way.
type gate struct {
	entered chan struct{} // one value each time a chain function reaches Wait
	open    chan struct{}
	once    sync.Once
}

func newGate(t *testing.T) *gate {
	g := &gate{entered: make(chan struct{}, 16), open: make(chan struct{})}
	t.Cleanup(g.Open)
	return g
}

// Wait announces that the caller has arrived, then blocks until Open.
func (g *gate) Wait() {
	g.entered <- struct{}{}
	<-g.open
}

// Open releases every current and future Wait.
func (g *gate) Open() { g.once.Do(func() { close(g.open) }) }

// A running is a call into the code under test on its own goroutine, as a
// second streaming thread would make it. A panic there is caught and kept,
// so that it fails the test that made the call instead of the whole run.
type running[T any] struct {
	done     chan struct{} // closed once the call returned or panicked
	value    T             // what the call returned, valid once done is closed
	panicked string        // what the panic said and where, "" if none
}

// start runs f on a new goroutine.
func start[T any](f func() T) *running[T] {
	r := &running[T]{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		defer func() {
			if v := recover(); v != nil {
				r.panicked = fmt.Sprintf("%v\n%s", v, panicSite())
			}
		}()
		r.value = f()
	}()
	return r
}

// returned reports whether the call has returned (or panicked) yet,
// without waiting.
func (r *running[T]) returned() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// goPush pushes buf from a new goroutine.
func goPush(p *Pad, buf *gstmini.Buffer) *running[gstmini.FlowReturn] {
	return start(func() gstmini.FlowReturn { return p.Push(buf) })
}

// goPushEvent pushes ev from a new goroutine.
func goPushEvent(p *Pad, ev *gstmini.Event) *running[bool] {
	return start(func() bool { return p.PushEvent(ev) })
}

// waitEntered waits until a chain function has reached g.Wait. It fails the
// test if Push returned first (so it never called the chain function) or if
// nothing happened within the watchdog.
func waitEntered(t *testing.T, g *gate, pushed *running[gstmini.FlowReturn], hint string) {
	t.Helper()
	select {
	case <-g.entered:
	case <-pushed.done:
		failIfPanicked(t, "Push(buffer)", pushed.panicked)
		require.FailNow(t, fmt.Sprintf("Push() = %s without calling the peer's chain function; want Push to call it", pushed.value), "hint: "+hint)
	case <-time.After(watchdog):
		require.FailNow(t, "the peer's chain function was not called within 2s: Push is probably stuck on a lock", "hint: "+hint)
	}
}

// recv waits for the result of a call running on another goroutine.
func recv[T any](t *testing.T, r *running[T], what, hint string) T {
	t.Helper()
	select {
	case <-r.done:
		failIfPanicked(t, what, r.panicked)
		return r.value
	case <-time.After(watchdog):
	}
	require.FailNow(t, what+" did not return within 2s: probably a deadlock", "hint: "+hint)
	var zero T
	return zero
}

// reportPanic, deferred first thing in every test and subtest, turns a panic
// of the code under test into a failure of that test alone: without it one
// nil pointer would stop the test binary and hide every later result.
func reportPanic(t *testing.T) {
	if v := recover(); v != nil {
		assert.Fail(t, "the code under test panicked: "+fmt.Sprintf("%v\n%s", v, panicSite()), panicHint)
	}
}

const panicHint = "hint: unfinished code returns a value (ok, not-linked, false...), never crashes: check a peer or a " +
	"function for nil before you call it, as Push does when it returns not-linked (README: Step 3)"

// failIfPanicked stops the test if what panicked, saying where.
func failIfPanicked(t *testing.T, what, panicked string) {
	t.Helper()
	if panicked != "" {
		require.FailNow(t, what+" panicked: "+panicked, panicHint)
	}
}

// panicSite lists where, outside the tests and the runtime, the panic being
// recovered happened: "at pad.go:52 dataflow.(*Pad).Push".
func panicSite() string {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	var where []string
	for {
		f, more := frames.Next()
		if strings.Contains(f.File, "/lesson1_dataflow/") && !strings.HasSuffix(f.File, "_test.go") {
			where = append(where, fmt.Sprintf("\tat %s:%d %s", filepath.Base(f.File), f.Line, f.Function[strings.LastIndex(f.Function, "/")+1:]))
		}
		if !more || len(where) == 3 {
			break
		}
	}
	if len(where) == 0 {
		return "\t(not in the lesson's own code)"
	}
	return strings.Join(where, "\n")
}

// explainRace prints, when the test fails under the race detector, what a
// data race reported in it means for this lesson: which lock is missing and
// where the README explains it. The race report itself only says which two
// accesses collided.
func explainRace(t *testing.T, explanation string) {
	t.Cleanup(func() {
		if raceDetector && t.Failed() {
			t.Log("if the race detector reported a DATA RACE above: " + explanation)
		}
	})
}

// yieldUntil gives other goroutines many chances to run (runtime.Gosched,
// never a sleep) and stops as soon as done reports true. It returns done's
// last answer. Tests use it to let a call that should block show that it
// does not.
func yieldUntil(done func() bool) bool {
	for range 10000 {
		if done() {
			return true
		}
		runtime.Gosched()
	}
	return done()
}
