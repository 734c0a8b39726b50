package elements

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// References of the form file.c:N are to GStreamer at tag 1.22.0; N is the
// line holding the function's name:
//
//	gstbasesrc.c  subprojects/gstreamer/libs/gst/base/gstbasesrc.c
//	gstfakesrc.c  subprojects/gstreamer/plugins/elements/gstfakesrc.c
//	gstfakesink.c subprojects/gstreamer/plugins/elements/gstfakesink.c
//	gstv4l2src.c  subprojects/gst-plugins-good/sys/v4l2/gstv4l2src.c
//	gstvideotestsrc.c subprojects/gst-plugins-base/gst/videotestsrc/gstvideotestsrc.c

// LiveSource defaults.
const (
	DefaultLiveSourceFPS       = 30   // frames per second
	DefaultLiveSourceFrameSize = 1024 // bytes per frame
	maxLiveSourceFPS           = 1000
	maxCaptureTimes            = 1 << 16 // CaptureTimes keeps at most this many
)

// ErrNoClock is the error a LiveSource posts when it is asked for a frame
// without a clock: a live source timestamps and paces frames by the
// pipeline clock, which a pipeline gives its elements on PAUSED→PLAYING.
var ErrNoClock = errors.New("elements: live source has no clock")

// A LiveSource is a camera (factory "livesource"): a live source that
// captures one frame every 1/fps seconds of running time, whether or not
// downstream is ready for it. Create it with NewLiveSource.
//
// Frame n belongs to the capture slot
//
//	slot(n) = n * 1s / fps     (integer nanoseconds, rounded down: 30 fps → 0, 33333333, 66666666, 100000000)
//
// and leaves the source with PTS slot(n), duration slot(n+1) - slot(n),
// offset n and offset-end n+1. Running time is clock time minus base
// time, as everywhere in GStreamer.
//
// The streaming goroutine (the BaseSrc task of the "src" pad) asks for
// frame n and, depending on the running time now:
//
//	now < slot(n)              waits on the pipeline clock until base_time + slot(n), then delivers frame n
//	slot(n) <= now < slot(n+1) delivers frame n at once: it was captured moments ago
//	now >= slot(n+1)           frames n .. k-1 are lost; frame k, the latest with slot(k) <= now, is delivered at once with DISCONT
//
// The last rule is the camera's single capture buffer: the sensor captures
// on every slot whether or not anybody reads, and each capture overwrites
// the previous one. When downstream blocked the previous Push for longer
// than a frame, the frames captured meanwhile were overwritten; only the
// newest survives. Lost frames are counted in "frames-lost", and, as
// v4l2src does (gstv4l2src.c:1350), the source posts a QoS message whose
// duration covers them. A queue after the source is how a real pipeline
// avoids the loss: it lets the camera's goroutine return to the next slot at
// once.
//
// Like every live source, a LiveSource returns NO_PREROLL on READY→PAUSED
// and PLAYING→PAUSED, and produces nothing until PLAYING
// (gst_base_src_change_state, gstbasesrc.c:3988). It answers the latency
// query with live, min = max = one frame (1/fps): a camera delivers a frame
// one frame after its timestamp, at the end of the exposure, as v4l2src
// reports (gst_v4l2src_query, gstv4l2src.c:986; v4l2src's max grows with
// its buffer count, this camera has one buffer). It announces
// "video/x-raw, framerate=fps/1" before the first frame.
//
// # Every slot accounted for
//
// The capture window is the running time from 0 to the end of the stream.
// Each capture slot in it counts once, as delivered or as lost:
//
//	frames-slots = frames-captured + frames-lost
//
// A frame is delivered ("frames-captured") when Create hands it to BaseSrc,
// which pushes it; it is lost ("frames-lost") when nobody read it: the
// capture buffer overwrote it while the streaming goroutine was blocked,
// or the stream ended first. The window closes, and the slots it holds are
// fixed, when the stream ends:
//
//   - EOS sent to the source (Pipeline.SendEOS, gst-launch-1.0 -e, the
//     examples' -duration) closes it at the running time EOS arrives. The
//     slots that passed while the goroutine was blocked in a push count as
//     lost at once; so does a frame whose slot came before EOS but that
//     Create had not read yet. Create then returns EOS without taking a
//     frame: a frame is never taken and then discarded. (GStreamer's basesrc
//     gets the same result another way: in push mode its send_event stops
//     the streaming thread before it marks EOS, gstbasesrc.c:1857, lines
//     1937-1951, so create never runs after. gstmini's BaseSrc marks EOS and
//     unblocks Create without stopping the thread, so a frame Create had
//     just returned would reach the discard of gst_base_src_get_range,
//     gstbasesrc.c:2532, which GStreamer reaches only in pull mode. The
//     camera therefore ends the stream itself, as any source whose Create
//     returns EOS does.)
//   - num-buffers closes it after the last frame asked for.
//   - PAUSED→READY (on the way to NULL) without EOS closes it at the running
//     time the source left PLAYING; the slots that passed while blocked
//     count as lost. If BaseSrc still held a frame Create had returned (one
//     taken while PAUSED) and discarded it on the way to READY, that frame
//     counts as lost, not delivered.
//
// While the window is open, "frames-slots" counts the slots accounted for
// so far, those up to the last frame read, so the sum holds at any time; a
// slot that passed while the goroutine is blocked is counted when the
// goroutine comes back or the window closes. The counters are reset on
// READY→PAUSED and stay readable after the source stopped.
//
// # Properties
//
// "fps" (gstmini: GStreamer sets a camera's rate with caps), "frame-size"
// (gstmini), "num-buffers" (BaseSrc), "is-live" (read-only, always true;
// videotestsrc's is-live, gstvideotestsrc.c:277, is writable), and the
// read-only gstmini counters "frames-slots", "frames-captured" and
// "frames-lost" (guint64). fps and frame-size cannot change between
// READY→PAUSED and PAUSED→READY.
// Frames are frame-size bytes from a BufferPool, holding whatever the
// pool's memory holds: the camera models timing, not pixels.
//
// All methods are safe for concurrent use.
type LiveSource struct {
	gstmini.BaseSrc
	waiter clockWaiter

	mu           sync.Mutex // every field below
	fps          int64
	frameSize    uint64
	started      bool
	pool         *gstmini.BufferPool
	poolSize     uint64
	next         uint64 // the frame number Create asks for next: slots 0 .. next-1 are accounted for
	captured     uint64 // frames delivered
	lost         uint64 // frames nobody read
	captureTimes []time.Duration

	numBuffers int64         // num-buffers as BaseSrc took it on READY→PAUSED; -1: no limit
	requests   int64         // Create calls since READY→PAUSED
	taken      bool          // Create has returned a frame since READY→PAUSED ...
	lastTaken  uint64        // ... and this was the last one
	playing    bool          // between PAUSED→PLAYING and PLAYING→PAUSED
	pausedAt   time.Duration // running time when the source last left PLAYING, or ClockTimeNone
	eos        bool          // EOS was sent to the source: Create returns FlowEOS
	closed     bool          // the capture window is closed ...
	slots      uint64        // ... and holds this many slots
}

// NewLiveSource returns a camera named name in state NULL, at 30 fps with
// 1024-byte frames (a gstmini element; its GStreamer counterparts are
// v4l2src and videotestsrc is-live=true).
func NewLiveSource(name string) *LiveSource {
	s := &LiveSource{fps: DefaultLiveSourceFPS, frameSize: DefaultLiveSourceFrameSize}
	s.InitBaseSrc(s, name, gstmini.BaseSrcHooks{
		Create:     s.create,
		Start:      s.start,
		Stop:       s.stop,
		Unlock:     s.waiter.unlock,
		UnlockStop: s.waiter.unlockStop,
		Latency:    s.latency,
		Caps:       s.caps,
	})
	s.SetLive(true)
	s.SetFormat(gstmini.FormatTime)
	s.installProperties()
	return s
}

func (s *LiveSource) installProperties() {
	notStreaming := func(name string) func(any) error {
		return func(any) error {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.started {
				return fmt.Errorf("%s cannot change while the source is streaming (PAUSED or PLAYING); set it in NULL or READY", name)
			}
			return nil
		}
	}
	fps := gstmini.IntProperty("fps", "Frames per second the camera captures", "gint",
		1, maxLiveSourceFPS, DefaultLiveSourceFPS,
		func() int64 { s.mu.Lock(); defer s.mu.Unlock(); return s.fps },
		func(v int64) { s.mu.Lock(); s.fps = v; s.mu.Unlock() })
	fps.Flags = gstmini.PropReadWrite | gstmini.PropNotGStreamer
	fps.Check = notStreaming("fps")
	s.InstallProperty(fps)

	size := gstmini.UintProperty("frame-size", "Size of each frame in bytes", "guint",
		0, math.MaxUint32, DefaultLiveSourceFrameSize,
		func() uint64 { s.mu.Lock(); defer s.mu.Unlock(); return s.frameSize },
		func(v uint64) { s.mu.Lock(); s.frameSize = v; s.mu.Unlock() })
	size.Flags = gstmini.PropReadWrite | gstmini.PropNotGStreamer
	size.Check = notStreaming("frame-size")
	s.InstallProperty(size)

	live := gstmini.BoolProperty("is-live", "Whether to act as a live source (always true for a camera)", true,
		func() bool { return s.IsLive() }, nil)
	live.Flags = gstmini.PropReadable
	live.Set = nil
	s.InstallProperty(live)

	slots := gstmini.UintProperty("frames-slots",
		"Capture slots of the capture window since the source started: frames-captured + frames-lost", "guint64",
		0, math.MaxUint64, 0, s.FramesSlots, nil)
	slots.Flags = gstmini.PropReadable | gstmini.PropNotGStreamer
	s.InstallProperty(slots)

	captured := gstmini.UintProperty("frames-captured", "Frames delivered (handed downstream) since the source started", "guint64",
		0, math.MaxUint64, 0, s.FramesCaptured, nil)
	captured.Flags = gstmini.PropReadable | gstmini.PropNotGStreamer
	s.InstallProperty(captured)

	lost := gstmini.UintProperty("frames-lost",
		"Frames nobody read since the source started: overwritten while blocked, or left when the stream ended", "guint64",
		0, math.MaxUint64, 0, s.FramesLost, nil)
	lost.Flags = gstmini.PropReadable | gstmini.PropNotGStreamer
	s.InstallProperty(lost)
}

// FramesSlots returns the capture slots accounted for since the source
// last went READY→PAUSED (the "frames-slots" property): once the capture
// window is closed (EOS, num-buffers, or READY), every slot in it; before,
// the slots up to the last frame read. It always equals FramesCaptured +
// FramesLost; see "Every slot accounted for" on LiveSource.
func (s *LiveSource) FramesSlots() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.slots
	}
	return s.next
}

// FramesCaptured returns how many frames the camera delivered since the
// source last went READY→PAUSED (the "frames-captured" property): frames
// Create handed to BaseSrc, which pushed them downstream. A frame whose
// slot passed but that was never pushed is not delivered: it is lost.
func (s *LiveSource) FramesCaptured() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.captured
}

// FramesLost returns how many frames nobody read since the source last
// went READY→PAUSED (the "frames-lost" property): frames the capture
// buffer overwrote while the streaming goroutine was blocked, and, once the
// stream ended, the slots that passed while it was blocked and a frame
// taken but never pushed.
func (s *LiveSource) FramesLost() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lost
}

// CaptureTimes returns a copy of the running times at which Create returned
// each delivered frame, oldest first, since the source last went
// READY→PAUSED: with no downstream delay they are the capture slots, and
// their differences show how regularly the camera was read. It keeps at
// most the latest 65536 (when full, the oldest half is dropped).
func (s *LiveSource) CaptureTimes() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.captureTimes...)
}

// ChangeState adds three things to BaseSrc.ChangeState, all on the
// goroutine changing state. On PLAYING→PAUSED, gstmini's BaseSrc calls the
// Unlock hook, which GStreamer's gst_base_src_set_playing (gstbasesrc.c:3846)
// does not, and never restarts the task a FlowFlushing from Create paused,
// which GStreamer does on PAUSED→PLAYING: the camera ignores that Unlock, so
// its clock wait goes on through PAUSED, as a v4l2src capture does, and the
// stream resumes in PLAYING. On PAUSED→PLAYING, the pipeline has chosen a
// new base time, so a wait begun with the old one starts again with the
// new one. And on PLAYING→PAUSED it notes the running time at which the
// source leaves PLAYING: the capture window ends there if the source then
// goes to READY without EOS.
func (s *LiveSource) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	switch t {
	case gstmini.TransitionPlayingToPaused:
		s.mu.Lock()
		s.pausedAt = s.runningTimeLocked()
		s.playing = false
		s.mu.Unlock()
		s.waiter.setPausing(true)
		defer s.waiter.setPausing(false)
	case gstmini.TransitionPausedToPlaying:
		s.mu.Lock()
		s.playing = true
		s.mu.Unlock()
	}
	ret := s.BaseSrc.ChangeState(t)
	if t == gstmini.TransitionPausedToPlaying && ret != gstmini.StateChangeFailure {
		s.waiter.rearm()
	}
	return ret
}

// HandleSendEvent handles an event sent to the source element. EOS ends
// the stream as BaseSrc.HandleSendEvent would, but from the camera: it
// closes the capture window at the running time now, counting the slots
// that passed unread as lost, and makes Create return FlowEOS from then on
// without taking a frame, which BaseSrc turns into an EOS event downstream.
// A Create blocked on the clock returns at once; a push in progress
// finishes first. Other events go to BaseSrc.HandleSendEvent. (C:
// gst_base_src_send_event, gstbasesrc.c:1857; "Every slot accounted for" on
// LiveSource says why the camera does not let BaseSrc mark EOS.)
func (s *LiveSource) HandleSendEvent(ev *gstmini.Event) bool {
	if ev.Type() != gstmini.EventEOS {
		return s.BaseSrc.HandleSendEvent(ev)
	}
	s.mu.Lock()
	s.eos = true
	s.closeWindowLocked(s.runningTimeLocked())
	s.mu.Unlock()
	s.waiter.unlock()
	return true
}

// runningTimeLocked returns the running time now: clock time minus base
// time while PLAYING, the running time at which the source left PLAYING
// otherwise, ClockTimeNone if it never played.
func (s *LiveSource) runningTimeLocked() time.Duration {
	if !s.playing {
		return s.pausedAt
	}
	clock := s.Clock()
	if clock == nil {
		return gstmini.ClockTimeNone
	}
	return clock.Time() - s.BaseTime()
}

// closeWindowLocked closes the capture window at running time end
// (ClockTimeNone: just after the last frame read): every slot up to end
// that nobody read is lost. It does nothing if the window is closed
// already.
func (s *LiveSource) closeWindowLocked(end time.Duration) {
	if s.closed {
		return
	}
	slots := s.next
	if end != gstmini.ClockTimeNone && end >= 0 {
		slots = max(slots, frameAt(end, s.fps)+1)
	}
	s.lost += slots - s.next
	s.next = slots
	s.closed, s.slots = true, slots
}

// start is the Start hook, on READY→PAUSED: it resets the frame counters,
// opens the capture window and prepares the buffer pool.
func (s *LiveSource) start() error {
	numBuffers, _ := s.Property("num-buffers") // BaseSrc takes it after this hook, without changes in between
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started = true
	s.next, s.captured, s.lost = 0, 0, 0
	s.captureTimes = nil
	s.numBuffers, _ = numBuffers.(int64)
	s.requests, s.taken, s.lastTaken = 0, false, 0
	s.playing, s.pausedAt, s.eos = false, gstmini.ClockTimeNone, false
	s.closed, s.slots = false, 0
	if s.pool == nil || s.poolSize != s.frameSize {
		s.pool, s.poolSize = gstmini.NewBufferPool(int(s.frameSize)), s.frameSize
	}
	// BaseSrc never calls UnlockStop after the Unlock of the last
	// deactivation (gst_base_src_stop, gstbasesrc.c:3734, does): clear it here.
	s.waiter.unlockStop()
	return nil
}

// stop is the Stop hook, on PAUSED→READY, once the streaming goroutine has
// finished. It counts as lost a frame Create returned but BaseSrc never
// pushed (BaseSrc moves its segment position to a frame's end, slot(n+1),
// just before it pushes frame n), and closes the capture window where the
// source left PLAYING.
func (s *LiveSource) stop() error {
	q := gstmini.NewPositionQuery(gstmini.FormatTime)
	pushedTo := gstmini.ClockTimeNone
	if s.BaseSrc.HandleQuery(q) {
		pushedTo = q.Value()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started = false
	if s.taken && pushedTo != gstmini.ClockTimeNone && pushedTo < slotTime(s.lastTaken+1, s.fps) {
		s.captured--
		s.lost++
		s.taken = false
	}
	s.closeWindowLocked(s.pausedAt)
	return nil
}

// latency is the Latency hook: one frame, min and max.
func (s *LiveSource) latency() (minL, maxL time.Duration) {
	s.mu.Lock()
	fps := s.fps
	s.mu.Unlock()
	d := slotTime(1, fps)
	return d, d
}

// caps is the Caps hook: raw video at the camera's frame rate.
func (s *LiveSource) caps() *gstmini.Caps {
	s.mu.Lock()
	fps := s.fps
	s.mu.Unlock()
	return &gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: int(fps), Den: 1}}
}

// create is the Create hook, on the streaming goroutine: the camera model
// described on LiveSource. Without a clock it posts an ERROR and returns
// FlowError; after EOS was sent to the source it returns FlowEOS; when
// unlocked otherwise (a flush or shutdown) it returns FlowFlushing.
func (s *LiveSource) create(uint64, int) (*gstmini.Buffer, gstmini.FlowReturn) {
	clock := s.Clock()
	if clock == nil {
		s.PostError(fmt.Errorf("%s: %w", s.Name(), ErrNoClock),
			"a live source needs the pipeline clock to pace and timestamp frames; it gets one on PAUSED->PLAYING")
		return nil, gstmini.FlowError
	}
	s.mu.Lock()
	if s.eos {
		s.mu.Unlock()
		return nil, gstmini.FlowEOS
	}
	fps, n, pool := s.fps, s.next, s.pool
	s.requests++
	// BaseSrc asks for no frame after the num-buffers-th: this call ends the window.
	last := s.numBuffers >= 0 && s.requests >= s.numBuffers
	s.mu.Unlock()

	frame, lost := n, uint64(0)
	flushing := s.waiter.wait(clock, func() (time.Duration, bool) {
		base := s.BaseTime()
		now := clock.Time() - base
		frame, lost = n, 0
		switch {
		case now >= slotTime(n+1, fps):
			k := frameAt(now, fps)
			frame, lost = k, k-n
			return 0, false
		case now >= slotTime(n, fps):
			return 0, false
		}
		return base + slotTime(n, fps), true
	})

	captureTime := clock.Time() - s.BaseTime()
	s.mu.Lock()
	switch {
	case s.eos:
		// EOS arrived while Create waited or read: no frame is taken. Its
		// slot, if it came before EOS, was counted lost when EOS closed
		// the window.
		s.mu.Unlock()
		return nil, gstmini.FlowEOS
	case flushing:
		if last {
			s.closeWindowLocked(gstmini.ClockTimeNone)
		}
		s.mu.Unlock()
		return nil, gstmini.FlowFlushing
	}
	s.next = frame + 1
	s.captured++
	s.lost += lost
	s.taken, s.lastTaken = true, frame
	if last {
		s.closeWindowLocked(gstmini.ClockTimeNone)
	}
	if len(s.captureTimes) == maxCaptureTimes {
		s.captureTimes = append(s.captureTimes[:0], s.captureTimes[maxCaptureTimes/2:]...)
	}
	s.captureTimes = append(s.captureTimes, captureTime)
	captured, totalLost := s.captured, s.lost
	if pool == nil {
		s.pool, s.poolSize = gstmini.NewBufferPool(int(s.frameSize)), s.frameSize
		pool = s.pool
	}
	s.mu.Unlock()

	buf := pool.Acquire()
	buf.PTS = slotTime(frame, fps)
	buf.Duration = slotTime(frame+1, fps) - buf.PTS
	buf.Offset, buf.OffsetEnd = frame, frame+1
	if lost > 0 {
		buf.Flags |= gstmini.BufferFlagDiscont
		// As gst_v4l2src_create (gstv4l2src.c:1152) does on lost frames.
		s.PostMessage(gstmini.NewQOSMessage(s.Self(), gstmini.QOSValues{
			Live: true, RunningTime: gstmini.ClockTimeNone, StreamTime: gstmini.ClockTimeNone,
			Timestamp: buf.PTS, Duration: time.Duration(lost) * slotTime(1, fps),
			Proportion: 1, Quality: 1000000, Processed: captured, Dropped: totalLost,
		}))
	}
	return buf, gstmini.FlowOK
}

// slotTime returns n * 1s / fps, rounded down: the running time of frame
// n's capture slot.
func slotTime(n uint64, fps int64) time.Duration {
	return time.Duration(scale(n, uint64(time.Second), uint64(fps)))
}

// frameAt returns the latest frame k with slotTime(k) <= now; now >= 0.
func frameAt(now time.Duration, fps int64) uint64 {
	k := scale(uint64(now), uint64(fps), uint64(time.Second))
	if slotTime(k+1, fps) <= now { // slot(k+1) rounds down onto now
		k++
	}
	return k
}

// scale returns val * num / denom rounded down, without overflowing in the
// product (gst_util_uint64_scale); math.MaxUint64 if the result overflows.
func scale(val, num, denom uint64) uint64 {
	hi, lo := bits.Mul64(val, num)
	if hi >= denom {
		return math.MaxUint64
	}
	q, _ := bits.Div64(hi, lo, denom)
	return q
}

// clockWaiter is the interruptible clock wait of a source's Create: one
// ClockID at a time, which the Unlock hook unschedules from another
// goroutine. The zero value is ready to use.
type clockWaiter struct {
	mu        sync.Mutex
	id        *gstmini.ClockID // the wait in progress, or nil
	unlocking bool             // set by unlock, cleared by unlockStop: no new wait starts
	pausing   bool             // PLAYING→PAUSED is under way: unlock is ignored
}

// wait calls target with the waiter's lock held; if target asks for a wait,
// it waits on clock until the returned clock time and asks target again if
// the wait was restarted by rearm. It reports true, without waiting, if the
// waiter was unlocked: the caller returns FlowFlushing.
func (w *clockWaiter) wait(clock gstmini.Clock, target func() (time.Duration, bool)) (flushing bool) {
	for {
		w.mu.Lock()
		if w.unlocking {
			w.mu.Unlock()
			return true
		}
		t, ok := target()
		if !ok {
			w.mu.Unlock()
			return false
		}
		id := gstmini.NewSingleShotID(clock, t)
		w.id = id
		w.mu.Unlock()

		ret, _ := id.Wait()

		w.mu.Lock()
		w.id = nil
		unlocking := w.unlocking
		w.mu.Unlock()
		switch {
		case ret != gstmini.ClockUnscheduled:
			return false
		case unlocking:
			return true
		}
		// Unscheduled by rearm: compute the target again.
	}
}

// unlock is the Unlock hook: the wait in progress returns and no new one
// starts until unlockStop.
func (w *clockWaiter) unlock() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.pausing {
		return
	}
	w.unlocking = true
	if w.id != nil {
		w.id.Unschedule()
	}
}

// unlockStop is the UnlockStop hook: waits may start again.
func (w *clockWaiter) unlockStop() {
	w.mu.Lock()
	w.unlocking = false
	w.mu.Unlock()
}

// setPausing makes unlock do nothing while PLAYING→PAUSED is under way.
func (w *clockWaiter) setPausing(p bool) {
	w.mu.Lock()
	w.pausing = p
	w.mu.Unlock()
}

// rearm makes the wait in progress start again with a new target, as after
// a new base time.
func (w *clockWaiter) rearm() {
	w.mu.Lock()
	if w.id != nil {
		w.id.Unschedule()
	}
	w.mu.Unlock()
}
