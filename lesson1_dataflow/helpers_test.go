package dataflow

import (
	"fmt"
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
// and answers every buffer with ret.
type spy struct {
	pad *Pad

	mu    sync.Mutex
	calls []string
	bufs  []*gstmini.Buffer
	ret   gstmini.FlowReturn
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

// goPush pushes buf from a new goroutine; the result arrives on the channel.
func goPush(p *Pad, buf *gstmini.Buffer) <-chan gstmini.FlowReturn {
	pushed := make(chan gstmini.FlowReturn, 1)
	go func() { pushed <- p.Push(buf) }()
	return pushed
}

// waitEntered waits until a chain function has reached g.Wait. It fails the
// test if Push returned first (so it never called the chain function) or if
// nothing happened within the watchdog.
func waitEntered(t *testing.T, g *gate, pushed <-chan gstmini.FlowReturn, hint string) {
	t.Helper()
	select {
	case <-g.entered:
	case ret := <-pushed:
		require.FailNow(t, fmt.Sprintf("Push() = %s without calling the peer's chain function; want Push to call it", ret), "hint: "+hint)
	case <-time.After(watchdog):
		require.FailNow(t, "the peer's chain function was not called within 2s: Push is probably stuck on a lock", "hint: "+hint)
	}
}

// recv waits for the value of an operation running on another goroutine.
func recv[T any](t *testing.T, ch <-chan T, what, hint string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(watchdog):
	}
	require.FailNow(t, what+" did not return within 2s: probably a deadlock", "hint: "+hint)
	var zero T
	return zero
}
