// Command gstmini-launch builds a gstmini pipeline from a launch line and
// plays it, as gst-launch-1.0 does:
//
//	go run ./cmd/gstmini-launch [-q] [-v] [-e] [--trace FILE.json] [--timeline] [--dot FILE.dot] PIPELINE-DESCRIPTION
//
// for example
//
//	go run ./cmd/gstmini-launch fakesrc num-buffers=1000000 ! fakesink sync=false
//	go run ./cmd/gstmini-launch --timeline "livesource num-buffers=300 ! queue ! hlssegmenter target-duration=2 ! s3sink upload-latency=1500ms"
//
// The description is one argument, or several words joined as
// gst-launch-1.0 joins them (gstmini.ParseLaunchv). The pipeline plays until
// EOS (exit status 0) or an error (status 1, the error printed with the
// element that posted it). Ctrl-C stops it at once, or with -e sends EOS
// and waits for it; either way the status is 0, as gst-launch-1.0 1.22.0's
// (its LEC_INTERRUPT is never used). Its output is
// gst-launch-1.0's: "Setting pipeline to PAUSED ...", ..., "Got EOS from
// element "pipeline0".", "Execution ended after 0:00:01.234567890".
//
// Options:
//
//	-q             print no progress information
//	-v             print each element's non-default properties and every state change
//	-e             on Ctrl-C, send EOS and wait for it before stopping
//	--dot FILE     write the pipeline graph (Graphviz) when it starts playing, as GST_DEBUG_DUMP_DOT_DIR does
//	--trace FILE   write a Chrome trace-event JSON file (Perfetto, chrome://tracing)
//	--timeline     print a per-goroutine timeline of the run when it ends
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/gstmini/workbook/gstmini"
	_ "github.com/gstmini/workbook/gstmini/elements" // registers the elements
	"github.com/gstmini/workbook/gstmini/trace"
)

// Exit statuses, gst-launch-1.0's LaunchExitCode (tools/gst-launch.c:66 at
// 1.22.0) as a process status.
const (
	exitOK                 = 0
	exitError              = 1   // LEC_ERROR: an ERROR message, or a description that does not parse
	exitStateChangeFailure = 255 // LEC_STATE_CHANGE_FAILURE (-1)
)

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, sig))
}

type options struct {
	quiet, verbose, eosOnShutdown bool
	traceFile, dotFile            string
	timeline                      bool
}

// parseArgs separates the options, which may come anywhere, from the words
// of the description.
func parseArgs(args []string, stderr io.Writer) (options, []string, error) {
	var o options
	fs := flag.NewFlagSet("gstmini-launch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.quiet, "q", false, "do not print any progress information")
	fs.BoolVar(&o.verbose, "v", false, "print each element's non-default properties and every state change")
	fs.BoolVar(&o.eosOnShutdown, "e", false, "on Ctrl-C, send EOS and wait for it before stopping")
	fs.StringVar(&o.traceFile, "trace", "", "write a Chrome trace-event JSON `file` (Perfetto, chrome://tracing)")
	fs.StringVar(&o.dotFile, "dot", "", "write the pipeline graph to a Graphviz `file` when the pipeline starts playing")
	fs.BoolVar(&o.timeline, "timeline", false, "print a per-goroutine timeline of the run when it ends")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: gstmini-launch [-q] [-v] [-e] [--trace FILE.json] [--timeline] [--dot FILE.dot] PIPELINE-DESCRIPTION")
		fs.PrintDefaults()
	}
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			return o, nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			words = append(words, rest...) // everything after -- is description
			break
		}
		words = append(words, rest[0])
		args = rest[1:]
	}
	return o, words, nil
}

// launcher is the state of one run: gst-launch-1.0's globals.
type launcher struct {
	o              options
	out, errOut    io.Writer
	pipeline       *gstmini.Pipeline
	target         gstmini.State
	code           int
	started        time.Time // when PLAYING was requested, or zero
	interrupting   bool
	waitingEOS     bool
	tracer         *trace.Tracer
	dotWritten     bool
	stopInterrupts chan struct{}
}

// print is gst-launch-1.0's PRINT: progress output that -q silences.
func (l *launcher) print(format string, args ...any) {
	if !l.o.quiet {
		fmt.Fprintf(l.out, format, args...)
	}
}

// run is the whole command; it returns the exit status.
func run(args []string, stdout, stderr io.Writer, interrupts <-chan os.Signal) int {
	o, words, err := parseArgs(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitError
	}
	if len(words) == 0 {
		fmt.Fprintln(stderr, "ERROR: pipeline could not be constructed: empty pipeline not allowed.")
		return exitError
	}
	var pipeline *gstmini.Pipeline
	if len(words) == 1 {
		pipeline, err = gstmini.ParseLaunch(words[0])
	} else {
		pipeline, err = gstmini.ParseLaunchv(words...)
	}
	if err != nil {
		fmt.Fprintf(stderr, "ERROR: pipeline could not be constructed: %v.\n", err)
		var pe *gstmini.ParseError
		if errors.As(err, &pe) {
			fmt.Fprintln(stderr, pe.Context())
		}
		return exitError
	}
	l := &launcher{o: o, out: stdout, errOut: stderr, pipeline: pipeline, stopInterrupts: make(chan struct{})}
	return l.play(interrupts)
}

func (l *launcher) play(interrupts <-chan os.Signal) int {
	p := l.pipeline
	if l.o.verbose {
		l.printProperties()
	}
	if l.o.traceFile != "" || l.o.timeline {
		t, err := trace.Attach(p, trace.Options{})
		if err != nil {
			fmt.Fprintf(l.errOut, "ERROR: %v\n", err)
			return exitError
		}
		l.tracer = t
	}
	go l.forwardInterrupts(interrupts)
	defer close(l.stopInterrupts)

	l.target = gstmini.StatePaused
	l.print("Setting pipeline to PAUSED ...\n")
	switch p.SetState(gstmini.StatePaused) {
	case gstmini.StateChangeFailure:
		fmt.Fprintf(l.errOut, "Failed to set pipeline to PAUSED.\n")
		l.code = exitStateChangeFailure
		l.printPendingError()
		return l.finish()
	case gstmini.StateChangeNoPreroll:
		l.print("Pipeline is live and does not need PREROLL ...\n")
	case gstmini.StateChangeAsync:
		l.print("Pipeline is PREROLLING ...\n")
	}
	bus := p.Bus()
	for {
		m, err := bus.PopFiltered(context.Background(), gstmini.MessageAny)
		if err != nil {
			break // cannot happen: the context never ends
		}
		if !l.handle(m) {
			break
		}
	}
	if !l.started.IsZero() {
		l.print("Execution ended after %s\n", gstmini.TimeString(time.Since(l.started)))
	}
	return l.finish()
}

// finish sets the pipeline to NULL and writes the trace outputs.
func (l *launcher) finish() int {
	l.writeDotOnce() // if the pipeline never reached PLAYING
	l.print("Setting pipeline to NULL ...\n")
	l.pipeline.Stop()
	if l.tracer != nil {
		l.tracer.Close()
		if err := l.writeTrace(); err != nil {
			fmt.Fprintf(l.errOut, "ERROR: %v\n", err)
			if l.code == exitOK {
				l.code = exitError
			}
		}
	}
	l.print("Freeing pipeline ...\n")
	return l.code
}

// forwardInterrupts turns each Ctrl-C into an application message on the
// bus, as gst-launch-1.0's intr_handler does, so the main loop handles it
// in order with the pipeline's messages.
func (l *launcher) forwardInterrupts(interrupts <-chan os.Signal) {
	for {
		select {
		case <-interrupts:
			l.print("handling interrupt.\n")
			l.pipeline.PostMessage(gstmini.NewApplicationMessage(l.pipeline, "GstLaunchInterrupt",
				map[string]any{"message": "Pipeline interrupted"}))
		case <-l.stopInterrupts:
			return
		}
	}
}

// handle is gst-launch-1.0's bus_handler and bus_sync_handler
// (tools/gst-launch.c:577 and :944 at 1.22.0); it returns false when the
// main loop must quit.
func (l *launcher) handle(m *gstmini.Message) bool {
	p := l.pipeline
	switch m.Type {
	case gstmini.MessageNewClock:
		l.print("New clock: %s\n", clockName(m.Clock))
	case gstmini.MessageEOS:
		l.print("Got EOS from element %q.\n", m.SrcName())
		if l.o.eosOnShutdown {
			l.print("EOS received - stopping pipeline...\n")
		}
		return false
	case gstmini.MessageInfo:
		if m.Debug != "" {
			l.print("INFO:\n%s\n", m.Debug)
		}
	case gstmini.MessageWarning:
		l.print("WARNING: from element %s: %v\n", srcPath(m), m.Err)
		if m.Debug != "" {
			l.print("Additional debug info:\n%s\n", m.Debug)
		}
	case gstmini.MessageError:
		l.printError(m)
		if l.target == gstmini.StatePaused {
			fmt.Fprintf(l.errOut, "ERROR: pipeline doesn't want to preroll.\n")
		} else if l.interrupting {
			l.print("An error happened while waiting for EOS\n")
		}
		l.code = exitError
		return false
	case gstmini.MessageStateChanged:
		if l.o.verbose {
			pending := ""
			if m.PendingState != gstmini.StateVoidPending {
				pending = fmt.Sprintf(" (pending %s)", m.PendingState)
			}
			l.print("%s: state changed %s -> %s%s\n", srcPath(m), m.OldState, m.NewState, pending)
		}
		if m.Src != gstmini.Element(p) {
			break
		}
		if m.NewState == gstmini.StatePlaying {
			l.writeDotOnce()
		}
		if l.target == gstmini.StatePaused && m.NewState == gstmini.StatePaused {
			l.print("Pipeline is PREROLLED ...\n")
			l.initialPlay()
		}
	case gstmini.MessageLatency:
		l.print("Redistribute latency...\n")
		p.RecalculateLatency()
	case gstmini.MessageApplication:
		if m.Name != "GstLaunchInterrupt" {
			break
		}
		l.print("Interrupt: Stopping pipeline ...\n")
		l.interrupting = true
		// gst-launch-1.0 1.22.0 defines LEC_INTERRUPT but never assigns it:
		// an interrupted run exits 0, and so does this one.
		if !l.o.eosOnShutdown {
			l.code = exitOK
			return false
		}
		if l.waitingEOS {
			l.print("Interrupt while waiting for EOS - stopping pipeline...\n")
			l.code = exitOK
			return false
		}
		l.print("EOS on shutdown enabled -- Forcing EOS on the pipeline\n")
		p.SendEOS()
		l.print("Waiting for EOS...\n")
		l.waitingEOS = true
	}
	return true
}

// initialPlay is gst-launch-1.0's do_initial_play.
func (l *launcher) initialPlay() {
	l.print("Setting pipeline to PLAYING ...\n")
	l.started = time.Now()
	if l.pipeline.SetState(gstmini.StatePlaying) == gstmini.StateChangeFailure {
		fmt.Fprintf(l.errOut, "ERROR: pipeline doesn't want to play.\n")
		l.code = exitStateChangeFailure
		return // the element's ERROR message follows
	}
	l.target = gstmini.StatePlaying
}

// printError is gst-launch-1.0's print_error_message.
func (l *launcher) printError(m *gstmini.Message) {
	fmt.Fprintf(l.errOut, "ERROR: from element %s: %v\n", srcPath(m), m.Err)
	if m.Debug != "" {
		fmt.Fprintf(l.errOut, "Additional debug info:\n%s\n", m.Debug)
	}
}

// printPendingError prints the ERROR messages queued on the bus, after a
// state change failed.
func (l *launcher) printPendingError() {
	for _, m := range l.pipeline.Bus().Messages() {
		if m.Type == gstmini.MessageError {
			l.printError(m)
		}
	}
}

// printProperties prints each element's non-default properties, as -v's
// property notifications show the values set on the launch line.
func (l *launcher) printProperties() {
	for _, c := range l.pipeline.Children() {
		for _, prop := range trace.NonDefault(c) {
			l.print("%s: %s = %s\n", trace.PathString(c), prop.Name, prop.Value)
		}
	}
}

func srcPath(m *gstmini.Message) string {
	if m.Src == nil {
		return "(unknown)"
	}
	return trace.PathString(m.Src)
}

// clockName names a clock as GStreamer names its clocks.
func clockName(c gstmini.Clock) string {
	switch c := c.(type) {
	case nil:
		return "NULL"
	case *gstmini.SystemClock:
		return "GstSystemClock"
	case *trace.Clock:
		return clockName(c.Inner())
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", c), "*")
}

// writeDotOnce writes the pipeline graph for --dot, the first time it is
// called: when the pipeline reaches PLAYING, as gst-launch-1.0 dumps
// gst-launch.PAUSED_PLAYING.dot, or at the end if it never does.
func (l *launcher) writeDotOnce() {
	if l.o.dotFile == "" || l.dotWritten {
		return
	}
	l.dotWritten = true
	if err := writeDot(l.o.dotFile, l.pipeline); err != nil {
		fmt.Fprintf(l.errOut, "ERROR: %v\n", err)
	}
}

// writeDot writes the pipeline graph to file.
func writeDot(file string, p *gstmini.Pipeline) error {
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("could not write the pipeline graph: %w", err)
	}
	if err := trace.WriteDot(f, p); err != nil {
		f.Close()
		return fmt.Errorf("could not write the pipeline graph to %s: %w", file, err)
	}
	return f.Close()
}

// writeTrace writes the trace file and prints the timeline.
func (l *launcher) writeTrace() error {
	if l.o.traceFile != "" {
		f, err := os.Create(l.o.traceFile)
		if err != nil {
			return fmt.Errorf("could not write the trace: %w", err)
		}
		if err := l.tracer.WriteJSON(f); err != nil {
			f.Close()
			return fmt.Errorf("could not write the trace to %s: %w", l.o.traceFile, err)
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if l.o.timeline {
		fmt.Fprint(l.out, l.tracer.Timeline(trace.TimelineOptions{}))
	}
	if n := l.tracer.Lost(); n > 0 {
		fmt.Fprintf(l.errOut, "WARNING: the trace holds the first %d events; %d later ones were not recorded\n", l.tracer.Len(), n)
	}
	return nil
}
