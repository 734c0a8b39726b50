// mutant: ChangeState answers NO_PREROLL on every successful transition, PAUSED→PLAYING included
package live

import (
	"errors"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// errNoClock is posted by a Camera asked for a frame without a clock: a live
// source times its captures by the pipeline clock, which a pipeline
// distributes on PAUSED→PLAYING.
var errNoClock = errors.New("live: camera has no clock")

// A Camera is a live source: it captures one frame every 1/FPS s of
// running time, whether or not anybody is ready for it, and only while the
// pipeline is PLAYING. Create it with NewCamera.
//
// Frame n is exposed during its capture slot [slot(n), slot(n+1)), where
//
//	slot(n) = n * 1s / FPS        (30 fps: 0, 33.333333 ms, 66.666666 ms, ...)
//
// and leaves the camera when its exposure ends, at running time slot(n+1),
// stamped PTS slot(n) and Duration slot(n+1) - slot(n). A frame is
// therefore always one frame old when it enters the pipeline: that is the
// latency a camera reports (Step 2). If the camera's goroutine comes back
// for frame n after slot(n+1) has passed (downstream held it), it
// delivers the newest frame whose exposure has ended at once and counts
// the ones in between as lost, as a camera with one capture buffer does.
//
// Camera is built on gstmini.BaseSrc, whose streaming goroutine calls
// Create in a loop. BaseSrc's own live mode (SetLive) is left off on
// purpose: what it would do for a live source is what you write here —
// the state change answers (ChangeState) and the latency answer (query).
//
// All methods are safe for concurrent use.
type Camera struct {
	gstmini.BaseSrc
	fps int

	mu       sync.Mutex
	cond     *sync.Cond       // signalled when playing or flushing changes
	playing  bool             // between PAUSED→PLAYING and PLAYING→PAUSED: Create may capture
	flushing bool             // Unlock was called: Create returns FlowFlushing
	id       *gstmini.ClockID // the wait for the end of an exposure, or nil
	next     uint64           // the frame Create delivers next
	captured uint64           // frames delivered
	lost     uint64           // frames whose exposure ended while nobody asked for them
	parked   uint64           // times Create started waiting for PLAYING
	changed  chan struct{}    // closed and replaced when parked or captured change
}

// NewCamera returns a camera named name capturing fps frames a second, in
// state NULL. Its "src" pad answers queries with the camera's query
// method.
func NewCamera(name string, fps int) *Camera {
	c := &Camera{fps: fps, changed: make(chan struct{})}
	c.cond = sync.NewCond(&c.mu)
	c.InitBaseSrc(c, name, gstmini.BaseSrcHooks{
		Create:     c.create,
		Start:      c.start,
		Unlock:     c.unlock,
		UnlockStop: c.unlockStop,
		Caps: func() *gstmini.Caps {
			return &gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: fps, Den: 1}}
		},
	})
	c.SrcPad().SetQueryFunc(func(_ *gstmini.Pad, _ gstmini.Element, q *gstmini.Query) bool { return c.query(q) })
	return c
}

// FrameDuration returns the length of one capture slot, 1 s / FPS.
func (c *Camera) FrameDuration() time.Duration { return time.Second / time.Duration(c.fps) }

// slot returns the running time at which frame n's exposure starts.
func (c *Camera) slot(n uint64) time.Duration {
	return time.Duration(n * uint64(time.Second) / uint64(c.fps))
}

// ChangeState performs one state change of the camera. A live source
// differs from any other source in three ways (gst_base_src_change_state,
// libs/gst/base/gstbasesrc.c:3988, and gst_base_src_set_playing, :3846):
//
//   - READY→PAUSED answers gstmini.StateChangeNoPreroll instead of
//     Success: a live source cannot produce data in PAUSED, so the sinks
//     could never preroll; the answer tells the pipeline not to wait for
//     them (a bin returns NO_PREROLL as soon as one child does);
//   - PAUSED→PLAYING lets Create capture: set c.playing and wake Create,
//     which waits on c.cond while c.playing is false;
//   - PLAYING→PAUSED stops capturing (c.playing false) and answers
//     NO_PREROLL again.
//
// Every transition chains up to c.BaseSrc.ChangeState, which activates the
// pad (and so starts the streaming goroutine) on READY→PAUSED; a
// Failure from it is returned as is, and NO_PREROLL replaces only a
// Success. For example, pipeline.SetState(PAUSED) on "camera ! display"
// returns NoPreroll, and no frame is captured until PLAYING.
func (c *Camera) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	if t == gstmini.TransitionPausedToPlaying {
		c.mu.Lock()
		c.playing = true
		c.cond.Broadcast()
		c.mu.Unlock()
	}
	ret := c.BaseSrc.ChangeState(t)
	if ret == gstmini.StateChangeFailure {
		return ret
	}
	if t == gstmini.TransitionPlayingToPaused {
		c.mu.Lock()
		c.playing = false
		c.cond.Broadcast()
		c.mu.Unlock()
	}
	if ret == gstmini.StateChangeSuccess && t != gstmini.TransitionReadyToNull && t != gstmini.TransitionNullToReady && t != gstmini.TransitionPausedToReady {
		return gstmini.StateChangeNoPreroll
	}
	return ret
}

// query answers the queries that reach the camera's "src" pad. The
// latency query asks how much later than its timestamp a buffer can
// reach the sinks, at least (min) and at most (max) — every element on the
// way adds what it holds. The camera answers (gst_v4l2src_query,
// subprojects/gst-plugins-good/sys/v4l2/gstv4l2src.c:986):
//
//	live = true                           the data is produced in real time
//	min  = one frame (FrameDuration)      a frame leaves when its exposure ends
//	max  = one frame                      the one capture buffer: a frame not
//	                                      read by then is overwritten
//
// with q.SetLatency, and returns true. Every other query goes to
// c.HandleQuery (BaseSrc's default). For example, at 30 fps the answer is
// (true, 33.333333 ms, 33.333333 ms).
func (c *Camera) query(q *gstmini.Query) bool {
	if q.Type() == gstmini.QueryLatency {
		frame := c.FrameDuration()
		q.SetLatency(true, frame, frame)
		return true
	}
	return c.HandleQuery(q)
}

// Capturing reports whether Create may capture (c.playing).
func (c *Camera) Capturing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.playing
}

// Stats returns the frames delivered, the frames lost, and how many times
// Create started waiting for PLAYING.
func (c *Camera) Stats() (captured, lost, parked uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.captured, c.lost, c.parked
}

// Changed returns a channel closed at the next change of Stats.
func (c *Camera) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed
}

func (c *Camera) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// create is the Create hook: wait for PLAYING, then for the end of the
// next exposure, and deliver that frame.
func (c *Camera) create(uint64, int) (*gstmini.Buffer, gstmini.FlowReturn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if !c.playing && !c.flushing {
			c.parked++
			c.notifyLocked()
			for !c.playing && !c.flushing {
				c.cond.Wait()
			}
		}
		if c.flushing {
			return nil, gstmini.FlowFlushing
		}
		clock := c.Clock()
		if clock == nil {
			c.PostError(errNoClock, "camera create")
			return nil, gstmini.FlowError
		}
		base := c.BaseTime()
		now := clock.Time() - base
		n := c.next
		if end := c.slot(n + 1); now < end {
			id := gstmini.NewSingleShotID(clock, base+end)
			c.id = id
			c.mu.Unlock()
			ret, _ := id.Wait()
			c.mu.Lock()
			c.id = nil
			if c.flushing || ret == gstmini.ClockUnscheduled {
				return nil, gstmini.FlowFlushing
			}
			if !c.playing {
				continue // paused during the exposure: nothing is delivered
			}
		} else {
			k := n
			for c.slot(k+2) <= now { // the newest frame whose exposure has ended
				k++
			}
			c.lost += k - n
			n = k
		}
		c.next = n + 1
		c.captured++
		c.notifyLocked()
		buf := gstmini.NewBuffer(0)
		buf.PTS, buf.Duration = c.slot(n), c.slot(n+1)-c.slot(n)
		buf.Offset, buf.OffsetEnd = n, n+1
		return buf, gstmini.FlowOK
	}
}

// start is the Start hook (READY→PAUSED): a new stream starts at frame 0.
func (c *Camera) start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next, c.captured, c.lost, c.parked = 0, 0, 0, 0
	return nil
}

func (c *Camera) unlock() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushing = true
	if c.id != nil {
		c.id.Unschedule()
	}
	c.cond.Broadcast()
}

func (c *Camera) unlockStop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushing = false
}
