package gstmini

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// A Pipeline is the top-level bin an application runs (GstPipeline). It
// owns the bus, chooses the clock and the base time when it goes to
// PLAYING, configures the latency, and keeps running time across
// PAUSED→PLAYING: running time continues from where it paused. Create it
// with NewPipeline.
type Pipeline struct {
	Bin

	pmu           sync.Mutex
	fixedClock    Clock // set by UseClock
	systemClock   Clock // created on first use
	updateClock   bool
	lastStartTime time.Duration
	delay         time.Duration
	live          bool
}

// NewPipeline returns an empty pipeline with its own bus.
func NewPipeline(name string) *Pipeline {
	p := &Pipeline{lastStartTime: ClockTimeNone}
	p.InitBin(p, name)
	p.SetBus(NewBus())
	return p
}

// UseClock makes the pipeline use c instead of choosing a clock
// (gst_pipeline_use_clock). Tests give it a test clock this way.
func (p *Pipeline) UseClock(c Clock) {
	p.pmu.Lock()
	p.fixedClock = c
	p.pmu.Unlock()
}

// FixedClock returns the clock set with UseClock, or nil.
func (p *Pipeline) FixedClock() Clock {
	p.pmu.Lock()
	defer p.pmu.Unlock()
	return p.fixedClock
}

// SetDelay sets the time added to the base time when going to PLAYING, so
// elements get a head start (gst_pipeline_set_delay).
func (p *Pipeline) SetDelay(d time.Duration) {
	p.pmu.Lock()
	p.delay = d
	p.pmu.Unlock()
}

// IsLive reports whether the last state change reported a live source
// (NO_PREROLL).
func (p *Pipeline) IsLive() bool {
	p.pmu.Lock()
	defer p.pmu.Unlock()
	return p.live
}

// provideClock returns the clock to use: the fixed one, or the pipeline's
// system clock (gst_bin_provide_clock_func falls back to the system clock;
// no gstmini element provides one).
func (p *Pipeline) provideClock() Clock {
	p.pmu.Lock()
	defer p.pmu.Unlock()
	if p.fixedClock != nil {
		return p.fixedClock
	}
	if p.systemClock == nil {
		p.systemClock = NewSystemClock()
	}
	return p.systemClock
}

// ChangeState adds the pipeline's clock and running-time bookkeeping to the
// bin's (gst_pipeline_change_state, gst/gstpipeline.c:397 at 1.22.0):
//
//	READY→PAUSED:   start_time = 0: running time starts from 0
//	PAUSED→PLAYING: choose the clock; base_time = clock.Time() - start_time + delay
//	PLAYING→PAUSED: start_time = clock.Time() - base_time, the running time reached
//	PAUSED→READY:   start_time = 0
func (p *Pipeline) ChangeState(t StateChange) StateChangeReturn {
	switch t {
	case TransitionNullToReady:
		p.Bus().SetFlushing(false)
	case TransitionReadyToPaused:
		p.pmu.Lock()
		p.updateClock = true
		p.pmu.Unlock()
		p.resetStartTime(0)
	case TransitionPausedToPlaying:
		p.selectClockAndBaseTime()
	case TransitionPlayingToPaused:
		p.updateStartTime()
	}
	ret := p.Bin.ChangeState(t)
	switch t {
	case TransitionPlayingToPaused:
		p.updateStartTime()
	case TransitionPausedToReady:
		p.resetStartTime(0)
	}
	if t == TransitionReadyToPaused || t == TransitionPlayingToPaused {
		p.pmu.Lock()
		p.live = ret == StateChangeNoPreroll
		p.pmu.Unlock()
	}
	return ret
}

// resetStartTime is reset_start_time (gst/gstpipeline.c:313).
func (p *Pipeline) resetStartTime(st time.Duration) {
	p.mu.Lock()
	if p.startTime != ClockTimeNone {
		p.startTime = st
		p.pmu.Lock()
		p.lastStartTime = ClockTimeNone
		p.pmu.Unlock()
	}
	p.mu.Unlock()
}

// updateStartTime is pipeline_update_start_time (gst/gstpipeline.c:355).
func (p *Pipeline) updateStartTime() {
	c := p.Clock()
	if c == nil {
		return
	}
	now := c.Time()
	p.mu.Lock()
	if p.startTime != ClockTimeNone {
		p.startTime = now - p.baseTime
		p.pmu.Lock()
		p.updateClock = true
		p.pmu.Unlock()
	}
	p.mu.Unlock()
}

func (p *Pipeline) selectClockAndBaseTime() {
	p.pmu.Lock()
	start := p.StartTime()
	last := p.lastStartTime
	p.lastStartTime = start
	update := p.updateClock
	p.updateClock = false
	delay := p.delay
	p.pmu.Unlock()
	if p.Parent() != nil || (!update && last == start) {
		return
	}
	cur := p.Clock()
	clock := cur
	if update {
		clock = p.provideClock()
	}
	if clock != cur {
		p.SetClock(clock)
		p.PostMessage(NewNewClockMessage(p.self, clock))
	}
	if clock != nil && start != ClockTimeNone {
		now := clock.Time()
		p.SetBaseTime(now - start + delay)
		logger(categoryClock).Info("new base time", "pipeline", p.name,
			"start_time", TimeString(start), "now", TimeString(now), "base_time", TimeString(now-start+delay))
	}
}

// handleMessage adds the pipeline's own handling to the bin's
// (gst_pipeline_handle_message, gst/gstpipeline.c:616): RESET_TIME, posted
// by sinks after a flushing seek, restarts running time; a live pipeline
// that is PLAYING picks a new base time at once.
func (p *Pipeline) handleMessage(m *Message) {
	if m.Type == MessageResetTime {
		p.resetStartTime(m.RunningTime)
		p.mu.Lock()
		target := p.target
		p.mu.Unlock()
		if p.IsLive() && target == StatePlaying {
			p.selectClockAndBaseTime()
			base := p.BaseTime()
			for _, c := range p.Children() {
				c.Base().SetBaseTime(base)
			}
		}
	}
	p.Bin.handleMessage(m)
}

// SendEOS sends EOS to every source of the pipeline, so the data flowing
// now drains to the sinks and the pipeline posts EOS (what gst-launch-1.0
// -e does on Ctrl-C).
func (p *Pipeline) SendEOS() bool { return p.SendEvent(NewEOSEvent()) }

// Seek changes the playback position or rate (gst_element_seek): the seek
// event goes to every sink and travels upstream to the sources. With
// SeekFlagFlush, data in flight is discarded and running time restarts at 0.
func (p *Pipeline) Seek(rate float64, format Format, flags SeekFlags, startType SeekType, start time.Duration, stopType SeekType, stop time.Duration) bool {
	return p.SendEvent(NewSeekEvent(rate, format, flags, startType, start, stopType, stop))
}

// ErrStateChange is returned by Run when the pipeline refuses to start.
var ErrStateChange = errors.New("gstmini: state change failed")

// Run plays the pipeline until it posts EOS or an ERROR, or ctx ends,
// redistributing latency whenever a LATENCY message asks for it, then sets
// it to NULL and returns: nil at EOS, the error from the ERROR message
// (naming the element that posted it), or ctx's error. Whatever happens, the
// pipeline is in NULL and its goroutines have finished when Run returns.
func (p *Pipeline) Run(ctx context.Context) error {
	bus := p.Bus()
	defer p.Stop()
	if p.SetState(StatePlaying) == StateChangeFailure {
		if m := popError(bus); m != nil {
			return fmt.Errorf("%w: %s: %w", ErrStateChange, m.SrcName(), m.Err)
		}
		return fmt.Errorf("%w: pipeline %s does not want to play", ErrStateChange, p.name)
	}
	for {
		m, err := bus.PopFiltered(ctx, MessageEOS|MessageError|MessageLatency)
		if err != nil {
			return err
		}
		switch m.Type {
		case MessageError:
			return fmt.Errorf("%s: %w", m.SrcName(), m.Err)
		case MessageLatency:
			p.RecalculateLatency() // as gst-launch-1.0 does: "Redistribute latency..."
		default:
			return nil
		}
	}
}

// Stop sets the pipeline to NULL and waits until the goroutines it started
// for async state changes have finished.
func (p *Pipeline) Stop() StateChangeReturn {
	ret := p.SetState(StateNull)
	p.continuing.Wait()
	return ret
}

func popError(b *Bus) *Message {
	for _, m := range b.Messages() {
		if m.Type == MessageError {
			return m
		}
	}
	return nil
}
