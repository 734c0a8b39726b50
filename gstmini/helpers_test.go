package gstmini

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// watchdog bounds every wait in these tests: a deadlock fails the test
// instead of hanging it. It is never slept on.
const watchdog = 2 * time.Second

// testElement is an element with the pads a test gives it; its change of
// state is ElementBase's.
type testElement struct {
	ElementBase
}

func newTestElement(name string, pads ...*Pad) *testElement {
	e := &testElement{}
	e.Init(e, name)
	for _, p := range pads {
		if err := e.AddPad(p); err != nil {
			panic(err)
		}
	}
	return e
}

// recorder is a sink pad that records what reaches it, one readable string
// per buffer or event, and can block its chain until released.
type recorder struct {
	pad *Pad
	el  *testElement

	mu      sync.Mutex
	log     []string
	bufs    []*Buffer
	ret     FlowReturn
	block   chan struct{} // when non-nil, chain waits for it to close
	entered chan struct{} // receives when chain is entered while blocking
}

func newRecorder(name string) *recorder {
	r := &recorder{pad: NewPad("sink", PadSink), entered: make(chan struct{}, 16)}
	r.pad.SetChainFunc(func(_ *Pad, _ Element, buf *Buffer) FlowReturn {
		r.mu.Lock()
		block := r.block
		r.mu.Unlock()
		if block != nil {
			r.entered <- struct{}{}
			<-block
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.log = append(r.log, fmt.Sprintf("buffer pts=%s", TimeString(buf.PTS)))
		r.bufs = append(r.bufs, buf)
		return r.ret
	})
	r.pad.SetEventFunc(func(_ *Pad, _ Element, ev *Event) bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.log = append(r.log, ev.Type().String())
		return true
	})
	r.el = newTestElement(name, r.pad)
	return r
}

func (r *recorder) Log() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.log...)
}

func (r *recorder) setReturn(ret FlowReturn) {
	r.mu.Lock()
	r.ret = ret
	r.mu.Unlock()
}

// holdChain makes the next chain calls wait until the returned function is
// called.
func (r *recorder) holdChain() (release func()) {
	ch := make(chan struct{})
	r.mu.Lock()
	r.block = ch
	r.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			r.mu.Lock()
			r.block = nil
			r.mu.Unlock()
			close(ch)
		})
	}
}

func (r *recorder) waitEntered(t *testing.T) {
	t.Helper()
	select {
	case <-r.entered:
	case <-time.After(watchdog):
		t.Fatalf("%s: chain function was never entered; is the push blocked before it?", r.el.Name())
	}
}

// linkedSource returns an active source pad of element "src" linked to r.
func linkedSource(t *testing.T, r *recorder) *Pad {
	t.Helper()
	src := NewPad("src", PadSrc)
	newTestElement("src", src)
	if err := src.Link(r.pad); err != nil {
		t.Fatalf("link: %v", err)
	}
	src.SetActive(true)
	r.pad.SetActive(true)
	return src
}

func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(watchdog):
		t.Fatalf("timed out after %v waiting for %s (deadlock?)", watchdog, what)
		panic("unreachable")
	}
}
