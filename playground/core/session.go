package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
	_ "github.com/gstmini/workbook/gstmini/elements" // the elements launch lines name
	"github.com/gstmini/workbook/gstmini/trace"
)

// DefaultSpeed is how much faster than real time a fast run goes at most.
const DefaultSpeed = 20

// Options configure a run.
type Options struct {
	// Fast runs the pipeline on a VirtualClock, at most Speed times
	// faster than real time.
	Fast bool
	// Speed caps the virtual clock; 0 means DefaultSpeed, a negative
	// value no cap (as fast as the machine goes).
	Speed float64
}

// A LaunchError is a launch line ParseLaunch refused, with where.
type LaunchError struct {
	Message string `json:"message"` // gstmini-launch's wording: "pipeline could not be constructed: ..."
	Offset  int    `json:"offset"`  // byte offset of the offending token in the line
	Line    int    `json:"line"`
	Column  int    `json:"column"`  // 1-based, in characters
	Context string `json:"context"` // the line and a caret under the token, as gstmini-launch prints it
}

func (e *LaunchError) Error() string { return e.Message }

// Run statuses, as gst-launch-1.0 words them where it has words.
const (
	StatusPrerolling = "PREROLLING" // on the way to PAUSED: a sink waits for its first buffer
	StatusPaused     = "PAUSED"
	StatusPlaying    = "PLAYING"
	StatusEOS        = "EOS"     // the run ended at end of stream
	StatusError      = "ERROR"   // an element posted an error; Message says which
	StatusStopped    = "STOPPED" // Stop ended the run
)

// A Session is one run of a launch line. Create it with Start; it runs on
// its own goroutines until the pipeline reaches EOS, posts an error or is
// stopped. All methods are safe for concurrent use.
type Session struct {
	line     string
	fast     bool
	pipeline *gstmini.Pipeline
	tracer   *trace.Tracer
	clock    gstmini.Clock
	cancel   context.CancelFunc
	done     chan struct{}

	mu      sync.Mutex
	status  string
	message string
	end     time.Duration // the clock time the run ended, once done
}

// Start parses line as gstmini-launch does and plays it with a tracer
// attached. A line ParseLaunch refuses returns a *LaunchError.
func Start(line string, o Options) (*Session, error) {
	p, err := gstmini.ParseLaunch(line)
	if err != nil {
		return nil, launchError(err)
	}
	var clock gstmini.Clock = gstmini.NewSystemClock()
	var virtual *VirtualClock
	if o.Fast {
		speed := o.Speed
		switch {
		case speed == 0:
			speed = DefaultSpeed
		case speed < 0:
			speed = 0
		}
		virtual = NewVirtualClock(speed)
		clock = virtual
	}
	tr, err := trace.Attach(p, trace.Options{Clock: clock})
	if err != nil {
		return nil, fmt.Errorf("playground: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Session{line: line, fast: o.Fast, pipeline: p, tracer: tr, clock: tr.Clock(), cancel: cancel, done: make(chan struct{})}
	driven := make(chan struct{})
	if virtual != nil {
		go func() { defer close(driven); virtual.Run(ctx) }()
	} else {
		close(driven)
	}
	go func() {
		s.run(ctx)
		cancel() // stops the clock's driver once the pipeline is down
		<-driven
		close(s.done)
	}()
	return s, nil
}

func launchError(err error) *LaunchError {
	le := &LaunchError{Message: fmt.Sprintf("pipeline could not be constructed: %v.", err)}
	var pe *gstmini.ParseError
	if errors.As(err, &pe) {
		le.Offset, le.Line, le.Column, le.Context = pe.Offset, pe.Line, pe.Column, pe.Context()
	}
	return le
}

func (s *Session) run(ctx context.Context) {
	err := s.pipeline.Run(ctx)
	end := s.clock.Time()
	s.tracer.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.end = end
	switch {
	case err == nil:
		s.status, s.message = StatusEOS, "Got EOS from the pipeline."
	case errors.Is(err, context.Canceled):
		s.status, s.message = StatusStopped, "Stopped."
	case errors.Is(err, gstmini.ErrStateChange):
		s.status, s.message = StatusError, "Failed to set the pipeline to PLAYING: "+err.Error()
	default:
		s.status, s.message = StatusError, "ERROR from element "+err.Error()
	}
}

// Stop ends the run, from any state (a deadlocked preroll included), and
// returns once the pipeline is in NULL.
func (s *Session) Stop() {
	s.cancel()
	<-s.done
}

// WriteTrace writes what the run recorded so far as Chrome trace-event
// JSON, the format of gstmini-launch --trace.
func (s *Session) WriteTrace(w io.Writer) error { return s.tracer.WriteJSON(w) }

// Done is closed when the run has ended.
func (s *Session) Done() <-chan struct{} { return s.done }

// Snapshot returns what the run has done so far.
func (s *Session) Snapshot() Snapshot {
	snap := Snapshot{Line: s.line, Fast: s.fast}
	s.mu.Lock()
	status, message, end := s.status, s.message, s.end
	s.mu.Unlock()
	select {
	case <-s.done:
		snap.Done, snap.Status, snap.Message, snap.Clock = true, status, message, end.Seconds()
	default:
		snap.Status, snap.Message = s.runningStatus()
		snap.Clock = s.clock.Time().Seconds()
	}
	snap.View = EncodeView(s.tracer.View())
	snap.Stats = statsOf(s.pipeline)
	return snap
}

// runningStatus describes the pipeline's state while it runs, in
// gst-launch-1.0's words.
func (s *Session) runningStatus() (string, string) {
	cur, pending := s.pipeline.State()
	switch {
	case cur == gstmini.StatePlaying:
		return StatusPlaying, "Pipeline is PLAYING ..."
	case pending == gstmini.StatePaused || (cur < gstmini.StatePaused && pending != gstmini.StateVoidPending):
		return StatusPrerolling, "Pipeline is PREROLLING ... (a sink waits for its first buffer)"
	default:
		return StatusPaused, "Pipeline is PAUSED ..."
	}
}
