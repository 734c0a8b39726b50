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
// Properties: "fps" (gstmini: GStreamer sets a camera's rate with caps),
// "frame-size" (gstmini), "num-buffers" (BaseSrc), "is-live" (read-only,
// always true; videotestsrc's is-live, gstvideotestsrc.c:277, is writable),
// and the read-only gstmini counters "frames-captured" and "frames-lost".
// fps and frame-size cannot change between READY→PAUSED and PAUSED→READY.
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
	next         uint64 // the frame number Create asks for next
	captured     uint64
	lost         uint64
	captureTimes []time.Duration
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

	captured := gstmini.UintProperty("frames-captured", "Frames delivered since the source started", "guint64",
		0, math.MaxUint64, 0, s.FramesCaptured, nil)
	captured.Flags = gstmini.PropReadable | gstmini.PropNotGStreamer
	s.InstallProperty(captured)

	lost := gstmini.UintProperty("frames-lost", "Frames overwritten before anybody read them since the source started", "guint64",
		0, math.MaxUint64, 0, s.FramesLost, nil)
	lost.Flags = gstmini.PropReadable | gstmini.PropNotGStreamer
	s.InstallProperty(lost)
}

// FramesCaptured returns how many frames Create delivered since the source
// last went READY→PAUSED (the "frames-captured" property). A frame captured
// while EOS was being sent to the source is counted although BaseSrc then
// discards it, as GStreamer's basesrc discards a buffer created during a
// forced EOS (gst_base_src_get_range); so it can exceed the frames pushed
// by one.
func (s *LiveSource) FramesCaptured() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.captured
}

// FramesLost returns how many frames were overwritten in the capture
// buffer before Create could deliver them, since the source last went
// READY→PAUSED (the "frames-lost" property).
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

// ChangeState adds two things to BaseSrc.ChangeState, both on the goroutine
// changing state. On PLAYING→PAUSED, gstmini's BaseSrc calls the Unlock
// hook, which GStreamer's gst_base_src_set_playing (gstbasesrc.c:3846) does
// not, and never restarts the task a FlowFlushing from Create paused, which
// GStreamer does on PAUSED→PLAYING: the camera ignores that Unlock, so its
// clock wait goes on through PAUSED, as a v4l2src capture does, and the
// stream resumes in PLAYING. On PAUSED→PLAYING, the pipeline has chosen a
// new base time, so a wait begun with the old one starts again with the
// new one.
func (s *LiveSource) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	if t == gstmini.TransitionPlayingToPaused {
		s.waiter.setPausing(true)
		defer s.waiter.setPausing(false)
	}
	ret := s.BaseSrc.ChangeState(t)
	if t == gstmini.TransitionPausedToPlaying && ret != gstmini.StateChangeFailure {
		s.waiter.rearm()
	}
	return ret
}

// start is the Start hook, on READY→PAUSED: it resets the frame counters
// and prepares the buffer pool.
func (s *LiveSource) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started = true
	s.next, s.captured, s.lost = 0, 0, 0
	s.captureTimes = nil
	if s.pool == nil || s.poolSize != s.frameSize {
		s.pool, s.poolSize = gstmini.NewBufferPool(int(s.frameSize)), s.frameSize
	}
	// BaseSrc never calls UnlockStop after the Unlock of the last
	// deactivation (gst_base_src_stop, gstbasesrc.c:3734, does): clear it here.
	s.waiter.unlockStop()
	return nil
}

// stop is the Stop hook, on PAUSED→READY.
func (s *LiveSource) stop() error {
	s.mu.Lock()
	s.started = false
	s.mu.Unlock()
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
// FlowError; when unlocked (a flush, EOS or shutdown) it returns
// FlowFlushing.
func (s *LiveSource) create(uint64, int) (*gstmini.Buffer, gstmini.FlowReturn) {
	clock := s.Clock()
	if clock == nil {
		s.PostError(fmt.Errorf("%s: %w", s.Name(), ErrNoClock),
			"a live source needs the pipeline clock to pace and timestamp frames; it gets one on PAUSED->PLAYING")
		return nil, gstmini.FlowError
	}
	s.mu.Lock()
	fps, n, pool := s.fps, s.next, s.pool
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
	if flushing {
		return nil, gstmini.FlowFlushing
	}

	captureTime := clock.Time() - s.BaseTime()
	s.mu.Lock()
	s.next = frame + 1
	s.captured++
	s.lost += lost
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
