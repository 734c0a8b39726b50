package trace

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// Phase says what kind of event an Event is (the trace-event format's "ph").
type Phase byte

// Event phases.
const (
	Span    Phase = 'X' // something that took time on one goroutine: a chain call, a clock wait, an upload
	Instant Phase = 'i' // something that happened at one time: a drop, a DISCONT buffer, EOS, a state change
	Counter Phase = 'C' // a level that changed: a queue's current-level-buffers
)

// Event categories (the trace-event format's "cat").
const (
	CatChain   = "chain"   // a chain call: a buffer pushed into a sink pad
	CatClock   = "clock"   // a wait on the pipeline clock
	CatUpload  = "upload"  // an S3Sink upload: from the end of its sync wait to its "s3sink-upload" message
	CatQueue   = "queue"   // a queue level, or an overrun
	CatDrop    = "drop"    // buffers dropped by a queue, or frames a live source lost
	CatDiscont = "discont" // a buffer with the DISCONT flag
	CatEOS     = "eos"     // EOS crossing a link, or the pipeline's EOS message
	CatEvent   = "event"   // a serialized event handled by a pad: a sink waiting for EOS's time
	CatState   = "state"   // a state change
	CatMessage = "message" // another bus message: an error, a warning
)

// An Event is one recorded event. Times are pipeline clock times.
type Event struct {
	Phase   Phase
	Cat     string
	Name    string
	Thread  int64         // the goroutine's runtime id; 0 for counters
	TS      time.Duration // when it began
	Dur     time.Duration // spans: how long it took
	Depth   int           // spans and instants: chain calls open on the goroutine when it began
	Element string        // the element it concerns
	Value   int64         // counters: the level; drops: how many buffers
	Args    map[string]any

	// Chain spans: the pad, and the buffer's PTS, size and flow result.
	Pad  string
	PTS  time.Duration
	Size int
	Flow gstmini.FlowReturn
}

// Options configure a Tracer.
type Options struct {
	// Clock is the clock the pipeline is to run on: a gstcheck.TestClock in
	// tests. nil selects a new gstmini.SystemClock, as the pipeline would.
	Clock gstmini.Clock
	// MaxEvents caps the events kept; later ones are counted but dropped.
	// 0 means 1<<18 (about 40 MB).
	MaxEvents int
}

// A Tracer records what a pipeline's goroutines do. Create it with Attach.
// All methods are safe for concurrent use.
type Tracer struct {
	pipeline  *gstmini.Pipeline
	clock     *Clock
	max       int
	appG      int64
	hooks     []*hook                                     // one per sink pad; fixed by Attach
	prevClock gstmini.Clock                               // the pipeline's fixed clock before Attach, or nil
	prevSync  func(*gstmini.Message) gstmini.BusSyncReply // the bus sync handler before Attach, or nil
	closeOnce sync.Once

	mu      sync.Mutex // every field below
	events  []Event
	lost    int
	threads map[int64]*thread
	order   []int64 // threads in the order they were first seen
	qos     map[string]uint64
	closed  bool
}

// thread is what the tracer knows about one goroutine.
type thread struct {
	id      int64
	name    string  // the pad whose task it runs, "" until known
	source  bool    // that pad belongs to a source element
	frames  []frame // chain calls in progress, outermost first
	waiting bool    // in a clock wait
}

// frame is one chain call in progress.
type frame struct {
	element string
	sync    bool          // the element syncs on the clock (a BaseSink with sync=true)
	start   time.Duration // when the call began
	waitEnd time.Duration // end of the call's first clock wait, or -1
}

// ErrNotNull is returned by Attach when the pipeline is not in NULL: the
// pipeline selects its clock when it goes to PLAYING, and a tracer attached
// later would see chain calls and events that began before it.
var ErrNotNull = errors.New("trace: the pipeline must be in state NULL")

// Attach instruments pipeline p, which must be in state NULL and not yet
// have played, and starts recording. It changes nothing p does:
//
//   - p uses a Clock wrapping its own clock (gstmini.Pipeline.UseClock):
//     Options.Clock, else the clock already set with UseClock, else a new
//     gstmini.SystemClock, which is what p would have chosen;
//   - the chain and event functions of the sink pads of p's children are
//     wrapped in place by functions that record each call around the
//     pad's own function (the default event handling when it has none);
//   - a bus sync handler records messages, then passes each to the sync
//     handler installed before, if any, whose reply it returns.
//
// Attach wraps the sink pads there are when it runs, so call it once the
// pipeline is linked, as ParseLaunch returns it (a tee's request pads are
// made at link time): a branch added later is not traced.
//
// Call Close once p is back in NULL: it puts back the pads' functions, the
// clock and the sync handler. Tracers and other wrappers of the same pads
// or bus must be removed in the reverse order they were installed.
func Attach(p *gstmini.Pipeline, o Options) (*Tracer, error) {
	if cur, pending := p.State(); cur != gstmini.StateNull || pending != gstmini.StateVoidPending {
		return nil, fmt.Errorf("attach to %s (%s): %w", p.Name(), cur, ErrNotNull)
	}
	prevClock := p.FixedClock()
	inner := o.Clock
	if inner == nil {
		inner = prevClock
	}
	if inner == nil {
		inner = gstmini.NewSystemClock()
	}
	t := &Tracer{
		pipeline:  p,
		max:       o.MaxEvents,
		appG:      goid(),
		threads:   map[int64]*thread{},
		qos:       map[string]uint64{},
		prevClock: prevClock,
	}
	if t.max <= 0 {
		t.max = 1 << 18
	}
	t.clock = &Clock{inner: inner, t: t}
	t.thread(t.appG).name = "application"
	t.hookPads()
	p.UseClock(t.clock)
	bus := p.Bus()
	t.prevSync = bus.SyncHandler()
	bus.SetSyncHandler(t.syncHandler)
	return t, nil
}

// Close stops recording and undoes what Attach did: the sink pads get
// their own chain and event functions back, the pipeline its previous
// clock setting and the bus its previous sync handler. The recorded events
// stay. Calling Close again does nothing.
func (t *Tracer) Close() {
	t.closeOnce.Do(func() {
		t.mu.Lock()
		t.closed = true
		t.mu.Unlock()
		t.unhookPads()
		t.pipeline.UseClock(t.prevClock)
		t.pipeline.Bus().SetSyncHandler(t.prevSync)
	})
}

// Clock returns the clock the pipeline runs on: the tracing wrapper.
func (t *Tracer) Clock() *Clock { return t.clock }

// Events returns a copy of the recorded events, in the order recorded.
func (t *Tracer) Events() []Event {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Event(nil), t.events...)
}

// Len returns how many events were recorded.
func (t *Tracer) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.events)
}

// Lost returns how many events were dropped because MaxEvents was reached.
func (t *Tracer) Lost() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lost
}

// ThreadState is what a goroutine is doing.
type ThreadState struct {
	ID      int64
	Name    string // the pad whose task it runs, "application", or ""
	Source  bool   // that pad belongs to a source element
	Depth   int    // chain calls and serialized events in progress
	Waiting bool   // in a clock wait
}

// LinkStats counts the buffers that crossed one link.
type LinkStats struct {
	Src, Sink string // the pads: "queue0:src", "hlssegmenter0:sink"
	Entered   int    // chain calls of Sink begun
	Returned  int    // chain calls of Sink returned
}

// QueueState is a queue's level and drops.
type QueueState struct {
	Buffers uint64 // current-level-buffers
	Dropped uint64 // dropped
}

// A Snapshot is what the tracer sees at one instant: every goroutine seen
// so far, every link, every queue. Tests that drive a pipeline on a test
// clock use it to know when every goroutine has settled.
type Snapshot struct {
	Threads []ThreadState
	Links   []LinkStats
	Queues  map[string]QueueState // by element name
}

// Snapshot returns the tracer's view now, taken at one instant: the
// counters and the queue levels are read under the lock every recording
// takes.
func (t *Tracer) Snapshot() Snapshot {
	var queues []*gstmini.ElementBase
	for _, c := range t.pipeline.Children() {
		if isQueue(c) {
			queues = append(queues, c.Base())
		}
	}
	ups := make([]string, len(t.hooks))
	for i, h := range t.hooks {
		if up := h.upstream(); up != nil {
			ups[i] = up.String()
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var s Snapshot
	for _, id := range t.order {
		th := t.threads[id]
		s.Threads = append(s.Threads, ThreadState{ID: id, Name: th.name, Source: th.source, Depth: len(th.frames), Waiting: th.waiting})
	}
	for i, h := range t.hooks {
		if ups[i] == "" {
			continue // not linked
		}
		s.Links = append(s.Links, LinkStats{Src: ups[i], Sink: h.padName, Entered: h.entered, Returned: h.returned})
	}
	s.Queues = map[string]QueueState{}
	for _, q := range queues {
		lv, _ := q.Property("current-level-buffers")
		dr, _ := q.Property("dropped")
		level, _ := lv.(uint64)
		dropped, _ := dr.(uint64)
		s.Queues[q.Name()] = QueueState{Buffers: level, Dropped: dropped}
	}
	return s
}

// now returns the pipeline clock's time.
func (t *Tracer) now() time.Duration { return t.clock.inner.Time() }

// thread returns goroutine g's record, creating it. t.mu must be held.
func (t *Tracer) thread(g int64) *thread {
	th := t.threads[g]
	if th == nil {
		th = &thread{id: g}
		t.threads[g] = th
		t.order = append(t.order, g)
	}
	return th
}

// addLocked records ev unless closed or full. t.mu must be held.
func (t *Tracer) addLocked(ev Event) {
	if t.closed {
		return
	}
	if len(t.events) >= t.max {
		t.lost++
		return
	}
	t.events = append(t.events, ev)
}

// goid returns the calling goroutine's runtime id, read from its stack
// header "goroutine 18 [running]:". Go has no API for it; the tracer needs
// it to give each goroutine its own track.
func goid() int64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseInt(string(b), 10, 64)
	return id
}

// ---- the clock ----

// Clock is a gstmini.Clock that records every wait of the clock it wraps
// as a span on the waiting goroutine's track. Attach creates it.
type Clock struct {
	inner gstmini.Clock
	t     *Tracer
}

// Inner returns the wrapped clock.
func (c *Clock) Inner() gstmini.Clock { return c.inner }

// Time returns the wrapped clock's time.
func (c *Clock) Time() time.Duration { return c.inner.Time() }

// WaitID waits on the wrapped clock and records the wait.
func (c *Clock) WaitID(id *gstmini.ClockID) (gstmini.ClockReturn, time.Duration) {
	t := c.t
	g := goid()
	start := c.inner.Time()
	t.mu.Lock()
	th := t.thread(g)
	th.waiting = true
	t.mu.Unlock()

	ret, jitter := c.inner.WaitID(id)

	end := c.inner.Time()
	t.mu.Lock()
	th.waiting = false
	ev := Event{Phase: Span, Cat: CatClock, Name: "clock wait", Thread: g, TS: start, Dur: end - start, Depth: len(th.frames),
		Args: map[string]any{"until": gstmini.TimeString(id.Time()), "result": ret.String(), "jitter": jitter.String()}}
	if n := len(th.frames); n > 0 {
		f := &th.frames[n-1]
		ev.Element = f.element
		if f.waitEnd < 0 {
			f.waitEnd = end
		}
	} else {
		ev.Element = th.name
	}
	t.addLocked(ev)
	t.mu.Unlock()
	return ret, jitter
}

// ---- pad hooks ----

// hook is the tracer's instrumentation of one sink pad: its chain and
// event functions are replaced by wrappers that record the call around the
// pad's own function, as GStreamer's tracer hooks pad-chain-pre/post and
// pad-push-event-pre/post do. Nothing is inserted in the pipeline: buffers,
// events and queries take the path they take untraced.
type hook struct {
	t         *Tracer
	pad       *gstmini.Pad
	chain     gstmini.ChainFunc // the pad's own chain function; nil if it had none (then it is not wrapped)
	event     gstmini.EventFunc // the pad's own event function; nil means pad.EventDefault
	element   gstmini.Element   // the pad's element
	name      string            // the element's name: "fakesink0"
	padName   string            // "fakesink0:sink"
	chainName string            // "chain fakesink0"
	upPad     *gstmini.Pad      // the peer when Attach ran, or nil
	upQueue   *gstmini.ElementBase
	downQueue *gstmini.ElementBase
	gid       atomic.Int64 // the goroutine pushing into pad, 0 until known
	entered   int          // chain calls begun; guarded by t.mu
	returned  int          // chain calls returned; guarded by t.mu
}

// isQueue reports whether e reports queue levels.
func isQueue(e gstmini.Element) bool {
	if e == nil {
		return false
	}
	_, ok1 := e.Base().FindProperty("current-level-buffers")
	_, ok2 := e.Base().FindProperty("dropped")
	return ok1 && ok2
}

// hookPads wraps the chain and event functions of the sink pads of p's
// children.
func (t *Tracer) hookPads() {
	for _, c := range t.pipeline.Children() {
		for _, pad := range c.Base().SinkPads() {
			h := &hook{t: t, pad: pad, chain: pad.ChainFunc(), event: pad.EventFunc(), element: c,
				name: c.Base().Name(), padName: pad.String(), chainName: "chain " + c.Base().Name()}
			if isQueue(c) {
				h.downQueue = c.Base()
			}
			if up := pad.Peer(); up != nil {
				h.upPad = up
				if isQueue(up.Parent()) {
					h.upQueue = up.Parent().Base()
				}
			}
			if h.chain != nil {
				pad.SetChainFunc(h.chainFn)
			}
			pad.SetEventFunc(h.eventFn)
			t.hooks = append(t.hooks, h)
		}
	}
}

// unhookPads gives the pads back their own functions.
func (t *Tracer) unhookPads() {
	for _, h := range t.hooks {
		if h.chain != nil {
			h.pad.SetChainFunc(h.chain)
		}
		h.pad.SetEventFunc(h.event)
	}
}

// upstream returns the pad that pushes into h's pad.
func (h *hook) upstream() *gstmini.Pad {
	if h.upPad != nil {
		return h.upPad
	}
	return h.pad.Peer()
}

// chainFn records the chain call of h's pad around the pad's own chain
// function, on the pushing goroutine.
//
// Reading a goroutine's id costs microseconds (a stack read), so chainFn
// reuses the id of the goroutine that last pushed into the pad. That is
// the goroutine pushing now: buffers cross a link on one goroutine, the
// upstream task's, and a new task goroutine (after a stop, a flush) sends
// sticky events (STREAM_START, SEGMENT) ahead of its first buffer, which
// eventFn sees and takes the id from. State changes forget the id too.
func (h *hook) chainFn(pad *gstmini.Pad, parent gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
	t := h.t
	if h.upQueue != nil {
		t.sampleQueue(h.upQueue)
	}
	g := h.gid.Load()
	if g == 0 {
		g = goid()
		h.gid.Store(g)
	}
	syncOn := false
	if v, err := h.element.Base().Property("sync"); err == nil {
		syncOn, _ = v.(bool)
	}
	pts, size, discont := buf.PTS, buf.Size(), buf.HasFlags(gstmini.BufferFlagDiscont)
	start := t.now()
	t.mu.Lock()
	th := t.thread(g)
	if th.name == "" {
		// taskOwner takes pad locks: not with t.mu held, which the bus
		// sync handler takes on goroutines that may hold a pad's lock.
		t.mu.Unlock()
		name, source := taskOwner(h.upstream())
		t.mu.Lock()
		if th.name == "" {
			th.name, th.source = name, source
		}
	}
	depth := len(th.frames)
	h.entered++
	th.frames = append(th.frames, frame{element: h.name, sync: syncOn, start: start, waitEnd: -1})
	if discont {
		t.addLocked(Event{Phase: Instant, Cat: CatDiscont, Name: "DISCONT", Thread: g, TS: start, Depth: depth, Element: h.name,
			Args: map[string]any{"pad": h.padName, "pts": gstmini.TimeString(pts)}})
	}
	t.mu.Unlock()

	ret := h.chain(pad, parent, buf)

	end := t.now()
	t.mu.Lock()
	th.frames = th.frames[:len(th.frames)-1]
	h.returned++
	t.addLocked(Event{Phase: Span, Cat: CatChain, Name: h.chainName, Thread: g, TS: start, Dur: end - start, Depth: depth, Element: h.name,
		Pad: h.padName, PTS: pts, Size: size, Flow: ret})
	t.mu.Unlock()
	if h.downQueue != nil {
		t.sampleQueue(h.downQueue)
	}
	return ret
}

// callEvent calls the pad's own event function, or the default handling.
func (h *hook) callEvent(pad *gstmini.Pad, parent gstmini.Element, ev *gstmini.Event) bool {
	if h.event != nil {
		return h.event(pad, parent, ev)
	}
	return pad.EventDefault(parent, ev)
}

// eventFn records the handling of serialized events by h's pad (a span
// when it takes time, as a sink waiting for EOS's time does), and EOS,
// around the pad's own event function.
func (h *hook) eventFn(pad *gstmini.Pad, parent gstmini.Element, ev *gstmini.Event) bool {
	t := h.t
	typ := ev.Type()
	if !typ.IsSerialized() {
		return h.callEvent(pad, parent, ev)
	}
	g := goid()
	h.gid.Store(g)
	start := t.now()
	t.mu.Lock()
	th := t.thread(g)
	if th.name == "" {
		// taskOwner takes pad locks: not with t.mu held, which the bus
		// sync handler takes on goroutines that may hold a pad's lock.
		t.mu.Unlock()
		name, source := taskOwner(h.upstream())
		t.mu.Lock()
		if th.name == "" {
			th.name, th.source = name, source
		}
	}
	depth := len(th.frames)
	th.frames = append(th.frames, frame{element: h.name, start: start, waitEnd: -1})
	if typ == gstmini.EventEOS {
		t.addLocked(Event{Phase: Instant, Cat: CatEOS, Name: "EOS", Thread: g, TS: start, Depth: depth,
			Element: h.name, Args: map[string]any{"pad": h.padName}})
	}
	t.mu.Unlock()

	ok := h.callEvent(pad, parent, ev)

	end := t.now()
	t.mu.Lock()
	th.frames = th.frames[:len(th.frames)-1]
	if end > start || typ == gstmini.EventEOS {
		t.addLocked(Event{Phase: Span, Cat: CatEvent, Name: "event " + typ.String() + " " + h.name, Thread: g, TS: start, Dur: end - start,
			Depth: depth, Element: h.name, Args: map[string]any{"pad": h.padName, "handled": ok}})
	}
	t.mu.Unlock()
	if h.downQueue != nil && typ == gstmini.EventEOS {
		t.sampleQueue(h.downQueue)
	}
	return ok
}

// taskOwner names the goroutine that pushes out of pad: the pad whose task
// runs it, found by walking upstream through elements without a task of
// their own. source reports that the pad belongs to
// a source element, whose clock waits outside pushes are captures.
func taskOwner(pad *gstmini.Pad) (name string, source bool) {
	for i := 0; pad != nil && i < 100; i++ {
		parent := pad.Parent()
		if pad.TaskState() != gstmini.TaskStopped || parent == nil {
			break
		}
		sinks := parent.Base().SinkPads()
		if len(sinks) == 0 || sinks[0].Peer() == nil {
			break
		}
		pad = sinks[0].Peer()
	}
	if pad == nil {
		return "", false
	}
	parent := pad.Parent()
	return pad.String(), parent != nil && parent.Base().Flags()&gstmini.ElementFlagSource != 0
}

// sampleQueue records the queue's level if it changed, and its drops. It
// reads them with t.mu held, so the samples are recorded in the order they
// were read and the last one is the queue's level (every enqueue and
// dequeue is followed by a sample). The queue never calls the tracer with
// its lock held, so t.mu before the queue's lock cannot deadlock.
func (t *Tracer) sampleQueue(q *gstmini.ElementBase) {
	g := goid()
	t.mu.Lock()
	defer t.mu.Unlock()
	lv, err1 := q.Property("current-level-buffers")
	dr, err2 := q.Property("dropped")
	if err1 != nil || err2 != nil {
		return
	}
	level, _ := lv.(uint64)
	dropped, _ := dr.(uint64)
	name := q.Name()
	now := t.now()
	th := t.thread(g)
	key := "level:" + name
	if last, ok := t.qos[key]; !ok || last != level {
		t.qos[key] = level
		t.addLocked(Event{Phase: Counter, Cat: CatQueue, Name: name + " level", TS: now, Element: name, Value: int64(level),
			Args: map[string]any{"buffers": level}})
	}
	key = "dropped:" + name
	if last := t.qos[key]; dropped > last {
		t.qos[key] = dropped
		t.addLocked(Event{Phase: Instant, Cat: CatDrop, Name: name + " dropped", Thread: g, TS: now, Depth: len(th.frames), Element: name,
			Value: int64(dropped - last), Args: map[string]any{"dropped": dropped - last, "total": dropped}})
	}
}

// ---- the bus ----

// syncHandler is the bus sync handler: it records m, then lets the handler
// installed before Attach decide about it.
func (t *Tracer) syncHandler(m *gstmini.Message) gstmini.BusSyncReply {
	t.onMessage(m)
	if t.prevSync != nil {
		return t.prevSync(m)
	}
	return gstmini.BusPass
}

// onMessage records m; it runs on the goroutine that posted.
func (t *Tracer) onMessage(m *gstmini.Message) {
	g := goid()
	now := t.now()
	src := m.SrcName()
	t.mu.Lock()
	defer t.mu.Unlock()
	th := t.thread(g)
	depth := len(th.frames)
	instant := func(cat, name string, value int64, args map[string]any) {
		t.addLocked(Event{Phase: Instant, Cat: cat, Name: name, Thread: g, TS: now, Depth: depth, Element: src, Value: value, Args: args})
	}
	switch m.Type {
	case gstmini.MessageStateChanged:
		for _, h := range t.hooks {
			h.gid.Store(0) // a task may restart on a new goroutine
		}
		instant(CatState, fmt.Sprintf("%s %s->%s", src, m.OldState, m.NewState), 0,
			map[string]any{"pending": m.PendingState.String()})
	case gstmini.MessageEOS:
		instant(CatEOS, "EOS from "+src, 0, nil)
	case gstmini.MessageError, gstmini.MessageWarning:
		instant(CatMessage, fmt.Sprintf("%s from %s", m.Type, src), 0, map[string]any{"error": fmt.Sprint(m.Err), "debug": m.Debug})
	case gstmini.MessageQOS:
		if last := t.qos["qos:"+src]; m.QOS.Dropped > last {
			t.qos["qos:"+src] = m.QOS.Dropped
			instant(CatDrop, src+" lost frames", int64(m.QOS.Dropped-last),
				map[string]any{"dropped": m.QOS.Dropped - last, "total": m.QOS.Dropped, "pts": gstmini.TimeString(m.QOS.Timestamp)})
		}
	case gstmini.MessageElement:
		switch m.Name {
		case "overrun":
			instant(CatQueue, src+" overrun", 0, m.Fields)
		case "s3sink-upload":
			t.uploadLocked(th, g, src, now, m.Fields)
		}
	}
}

// uploadLocked records an upload span ending now: from the end of the
// sink's sync wait in its chain call (or the call's start when it does
// not sync) to the upload message.
func (t *Tracer) uploadLocked(th *thread, g int64, src string, now time.Duration, fields map[string]any) {
	start := now
	depth := len(th.frames)
	for i := len(th.frames) - 1; i >= 0; i-- {
		f := th.frames[i]
		if f.element != src {
			continue
		}
		start, depth = f.start, i+1
		if f.sync && f.waitEnd >= 0 {
			start = f.waitEnd
		}
		break
	}
	uri, _ := fields["uri"].(string)
	t.addLocked(Event{Phase: Span, Cat: CatUpload, Name: "upload " + uri, Thread: g, TS: start, Dur: now - start, Depth: depth,
		Element: src, Args: map[string]any{"key": fields["key"], "size": fields["size"]}})
}

// threadName returns the name of goroutine id's track. t.mu must be held.
func (t *Tracer) threadNameLocked(id int64) string {
	if th := t.threads[id]; th != nil && th.name != "" {
		return th.name
	}
	return fmt.Sprintf("goroutine %d", id)
}
