package demo

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
)

// EOSLead is how long before running time reaches Config.Duration Run
// sends EOS. A camera captures a frame exactly on every slot n/fps, so
// at running time 20 s the frame with PTS 20 s is due at the very instant
// EOS would be sent; in a testing/synctest bubble both timers fire at the
// same virtual instant and the scheduler picks which goroutine runs first.
// Sending EOS 1 µs earlier settles it: the stream holds the frames captured
// in [0, duration), duration × fps of them when none is lost.
const EOSLead = time.Microsecond

// A Report is what an example prints after its run: Rows for the table,
// and the value itself, marshalled with encoding/json, for -json.
type Report interface {
	Rows() []Row
}

// A Printer is a Report that prints its own table instead of Rows.
type Printer interface {
	Print(w io.Writer) error
}

// Row is one line of a report table.
type Row struct {
	Name  string // the JSON field it corresponds to
	Value string
	Note  string // what the number means; may be empty
}

// Session is what Run drives: a pipeline, where output goes, and how to
// report on the run. Only Pipeline is required.
type Session struct {
	Pipeline *gstmini.Pipeline
	// Out receives the report; nil means os.Stdout.
	Out io.Writer
	// Log receives the narration; nil means Out, or os.Stderr with -json
	// (so that standard output holds the JSON object alone).
	Log io.Writer
	// Stop, when closed, makes Run send EOS at once, as gst-launch-1.0 -e
	// does on Ctrl-C. It may be nil.
	Stop <-chan struct{}
	// Report, if set, is called once the pipeline is stopped (NULL) and
	// returns the statistics to print.
	Report func(res Result) Report
}

// Result says how a run went. Times are running times (clock time minus
// base time), ClockTimeNone when the event did not happen.
type Result struct {
	BaseTime time.Duration // the clock time at which running time was 0
	EOSSent  time.Duration // when Run sent EOS (at Config.Duration - EOSLead, or on Stop)
	EOS      time.Duration // when the EOS message reached Run: every sink had rendered EOS
	Report   Report        // what Session.Report returned, or nil
}

// Run plays s.Pipeline and drives it to the end:
//
//  1. It sets the pipeline to PLAYING and narrates its bus messages,
//     stamped with the running time ("[  6.053s] s3sink: uploaded ..."),
//     unless cfg.Quiet.
//  2. When running time reaches cfg.Duration (minus EOSLead; never if
//     cfg.Duration is 0), or when s.Stop is closed, it sends EOS with
//     Pipeline.SendEOS: the sources stop and the data in flight drains to
//     the sinks, which render it at its due time.
//  3. It waits for the EOS message (every sink rendered EOS) or an ERROR,
//     then sets the pipeline to NULL with Pipeline.Stop, which returns once
//     the streaming goroutines have finished.
//  4. It prints s.Report's statistics as a table, or as one JSON object
//     with cfg.JSON.
//
// It returns the error of an ERROR message (naming the element), the
// state change failure, or ctx's error if ctx ends first; the pipeline is
// in NULL whatever happens. The EOS timer runs on the real clock with
// time.Timer (the pipeline's SystemClock follows it), so in a
// testing/synctest bubble virtual time drives the whole run.
func Run(ctx context.Context, cfg Config, s Session) (res Result, err error) {
	p := s.Pipeline
	out := s.Out
	if out == nil {
		out = os.Stdout
	}
	log := s.Log
	switch {
	case log != nil:
	case cfg.JSON:
		log = os.Stderr
	default:
		log = out
	}
	n := &narrator{cfg: cfg, p: p, w: log, lost: map[gstmini.Element]uint64{},
		lastOverrun: map[gstmini.Element]time.Duration{}, overruns: map[gstmini.Element]int{},
		latencies: map[gstmini.Element]time.Duration{}}
	res = Result{BaseTime: gstmini.ClockTimeNone, EOSSent: gstmini.ClockTimeNone, EOS: gstmini.ClockTimeNone}

	// The bus pump: one goroutine hands every message to the loop below.
	// It ends when pumpCtx is cancelled, before Run returns.
	pumpCtx, cancelPump := context.WithCancel(ctx)
	msgs := make(chan *gstmini.Message)
	pumpDone := make(chan struct{})
	go func() {
		defer close(pumpDone)
		for {
			m, err := p.Bus().PopFiltered(pumpCtx, gstmini.MessageAny)
			if err != nil {
				return
			}
			select {
			case msgs <- m:
			case <-pumpCtx.Done():
				return
			}
		}
	}()
	defer func() {
		cancelPump()
		<-pumpDone
		p.Stop()
		if err == nil && s.Report != nil {
			res.Report = s.Report(res)
			err = printReport(out, cfg, res.Report)
		}
	}()

	if p.SetState(gstmini.StatePlaying) == gstmini.StateChangeFailure {
		for _, m := range p.Bus().Messages() {
			if m.Type == gstmini.MessageError {
				return res, fmt.Errorf("%w: %s: %w", gstmini.ErrStateChange, m.SrcName(), m.Err)
			}
		}
		return res, fmt.Errorf("%w: pipeline %s does not want to play", gstmini.ErrStateChange, p.Name())
	}

	var eosTimer <-chan time.Time
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	armed := false
	arm := func() {
		// The pipeline chose its clock and base time on PAUSED→PLAYING. A
		// live pipeline gets there at once, but stays PAUSED with PLAYING
		// pending until its sinks commit on their first buffer; running
		// time counts from base_time all the same.
		cur, pending := p.State()
		going := cur == gstmini.StatePlaying || (cur == gstmini.StatePaused && pending == gstmini.StatePlaying && p.IsLive())
		if armed || !going || p.Clock() == nil {
			return
		}
		armed = true
		res.BaseTime = p.BaseTime()
		n.playing(res.BaseTime)
		if cfg.Duration > 0 {
			timer = time.NewTimer(max(cfg.Duration-EOSLead-n.runningTime(), 0))
			eosTimer = timer.C
		}
	}
	arm()
	stop := s.Stop
	for {
		select {
		case m := <-msgs:
			n.message(m)
			arm()
			switch m.Type {
			case gstmini.MessageLatency:
				// As gst-launch-1.0 does ("Redistribute latency..."): a sink
				// that just prerolled can now answer the latency query.
				p.RecalculateLatency()
				n.latency()
			case gstmini.MessageEOS:
				res.EOS = n.runningTime()
				return res, nil
			case gstmini.MessageError:
				return res, fmt.Errorf("%s: %w", m.SrcName(), m.Err)
			}
		case <-eosTimer:
			eosTimer = nil
			res.EOSSent = n.runningTime()
			n.say(res.EOSSent, "EOS sent: -duration %v reached; the sources stop, the data in flight drains to the sinks", cfg.Duration)
			p.SendEOS()
		case <-stop:
			stop, eosTimer = nil, nil
			res.EOSSent = n.runningTime()
			n.say(res.EOSSent, "interrupted: EOS sent early; the data in flight drains to the sinks (interrupt again to abort)")
			p.SendEOS()
		case <-ctx.Done():
			return res, ctx.Err()
		}
	}
}

// printReport prints r as a table, or as JSON with cfg.JSON.
func printReport(w io.Writer, cfg Config, r Report) error {
	if r == nil {
		return nil
	}
	if cfg.JSON {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	if p, ok := r.(Printer); ok {
		return p.Print(w)
	}
	rows := r.Rows()
	nameW, valueW := len("statistic"), len("value")
	for _, row := range rows {
		nameW, valueW = max(nameW, len(row.Name)), max(valueW, len(row.Value))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-*s  %s\n", nameW, "statistic", "value")
	for _, row := range rows {
		line := fmt.Sprintf("%-*s  %-*s  %s", nameW, row.Name, valueW, row.Value, row.Note)
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// narrator prints bus messages, one line each, stamped with running time.
type narrator struct {
	cfg Config
	p   *gstmini.Pipeline
	w   io.Writer

	lost        map[gstmini.Element]uint64        // frames lost per camera, as of its last QoS message
	lastOverrun map[gstmini.Element]time.Duration // when the last overrun line was printed, per queue
	overruns    map[gstmini.Element]int           // overruns per queue
	latencies   map[gstmini.Element]time.Duration // the latency last narrated, per sink
}

// runningTime returns the pipeline clock's time minus base time, or 0
// before the pipeline has a clock.
func (n *narrator) runningTime() time.Duration {
	c := n.p.Clock()
	if c == nil {
		return 0
	}
	return c.Time() - n.p.BaseTime()
}

// say prints one narration line, unless quiet.
func (n *narrator) say(rt time.Duration, format string, args ...any) {
	if n.cfg.Quiet {
		return
	}
	fmt.Fprintf(n.w, "[%7.3fs] %s\n", rt.Seconds(), fmt.Sprintf(format, args...))
}

func (n *narrator) playing(base time.Duration) {
	live := ""
	if n.p.IsLive() {
		live = " (live: PLAYING completes when the sinks get data)"
	}
	n.say(n.runningTime(), "pipeline going to PLAYING%s: base_time = %s; running time = clock time - base_time",
		live, seconds(base))
}

// latency narrates the latency the pipeline just configured on its
// sinks. It reads what the sinks got rather than querying again, since a
// query can post warnings of its own.
func (n *narrator) latency() {
	for _, e := range n.p.Sinks() {
		s, ok := e.(interface{ Latency() time.Duration })
		if !ok {
			continue
		}
		l := s.Latency()
		if last, seen := n.latencies[e]; seen && last == l {
			continue
		}
		n.latencies[e] = l
		n.say(n.runningTime(), "latency redistributed: %s now renders each buffer at base_time + running_time + %s",
			e.Base().Name(), seconds(l))
	}
}

func (n *narrator) message(m *gstmini.Message) {
	if n.cfg.Quiet {
		return
	}
	rt := n.runningTime()
	src := m.SrcName()
	switch m.Type {
	case gstmini.MessageEOS:
		n.say(rt, "EOS: every sink has rendered end-of-stream")
	case gstmini.MessageError:
		n.say(rt, "ERROR from %s: %v (%s)", src, m.Err, m.Debug)
	case gstmini.MessageWarning:
		n.say(rt, "WARNING from %s: %v", src, m.Err)
	case gstmini.MessageQOS:
		if _, ok := m.Src.(*elements.LiveSource); ok {
			lost := m.QOS.Dropped - n.lost[m.Src]
			n.lost[m.Src] = m.QOS.Dropped
			n.say(rt, "%s: capture stalled: %s lost (the push blocked past their capture slots), resuming at PTS %s",
				src, plural(int(lost), "frame"), seconds(m.QOS.Timestamp))
			return
		}
		n.say(rt, "%s: QoS: %s", src, m)
	case gstmini.MessageElement:
		n.element(rt, m)
	case gstmini.MessageStateChanged:
		// The pipeline's own way up to PAUSED is narrated by playing; its
		// PLAYING comes later when it is live and a sink waits for data.
		if m.Src == gstmini.Element(n.p) && m.NewState == gstmini.StatePlaying {
			n.say(rt, "pipeline %s -> %s: every sink has committed its first buffer", m.OldState, m.NewState)
		}
	}
}

// element narrates element messages: uploads and queue overruns.
func (n *narrator) element(rt time.Duration, m *gstmini.Message) {
	src := m.SrcName()
	switch m.Name {
	case "s3sink-upload":
		seq, _ := m.Fields["sequence"].(int)
		uri, _ := m.Fields["uri"].(string)
		finished, _ := m.Fields["running-time"].(time.Duration)
		if sink, ok := m.Src.(*elements.S3Sink); ok {
			for _, u := range sink.Uploads() {
				if u.Sequence == seq {
					n.say(finished, "%s: uploaded %s (%s, PTS %s-%s; rendered at %s, upload took %s)",
						src, uri, plural(len(u.Frames), "frame"), seconds(u.PTS), seconds(u.PTS+u.Duration),
						seconds(u.Started), (u.Finished - u.Started).Round(time.Millisecond))
					return
				}
			}
		}
		n.say(finished, "%s: uploaded %s", src, uri)
	case "overrun":
		n.overruns[m.Src]++
		last, seen := n.lastOverrun[m.Src]
		if seen && rt-last < time.Second {
			return // one line per second at most: a leaky queue overruns on every frame
		}
		n.lastOverrun[m.Src] = rt
		what := "blocks the upstream thread until there is room"
		if q, ok := m.Src.(*elements.Queue); ok {
			if v, err := q.Property("leaky"); err == nil {
				switch v {
				case elements.LeakyUpstream:
					what = "drops the incoming (newest) buffer"
				case elements.LeakyDownstream:
					what = "drops the oldest queued buffer"
				}
			}
		}
		buffers, _ := m.Fields["current-level-buffers"].(uint64)
		level, _ := m.Fields["current-level-time"].(time.Duration)
		n.say(rt, "%s: overrun #%d: full at %d buffers / %s; leaky=%v %s",
			src, n.overruns[m.Src], buffers, level.Round(time.Millisecond), leakyName(m.Src), what)
	default:
		n.say(rt, "%s: %s %v", src, m.Name, m.Fields)
	}
}

func leakyName(e gstmini.Element) string {
	q, ok := e.(*elements.Queue)
	if !ok {
		return "?"
	}
	v, err := q.Property("leaky")
	if err != nil {
		return "?"
	}
	if l, ok := v.(elements.Leaky); ok {
		if l == elements.LeakyNo {
			return "none"
		}
		return l.String()
	}
	return fmt.Sprint(v)
}

// plural returns "1 frame" or "2 frames".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// seconds formats d as "6.053s", or "none" for ClockTimeNone.
func seconds(d time.Duration) string {
	if d == gstmini.ClockTimeNone {
		return "none"
	}
	return fmt.Sprintf("%.3fs", d.Seconds())
}

// Seconds formats d as the narration does: "6.053s", or "none" for
// ClockTimeNone.
func Seconds(d time.Duration) string { return seconds(d) }

// Main is the main function of an example: it parses the command line
// into a Config (defaults def; the flags of groups, plus those extra
// registers), then calls run with a context and a stop channel wired to
// SIGINT: the first Ctrl-C closes stop (the example sends EOS and
// finishes, as gst-launch-1.0 -e does), the second cancels the context.
// It exits with status 2 on a usage error and 1 if run fails.
func Main(name string, def Config, groups FlagGroup, extra func(fs *flag.FlagSet),
	run func(ctx context.Context, cfg Config, stop <-chan struct{}) error) {
	cfg := def
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	cfg.AddFlags(fs, groups)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2) // fs printed the error and the usage
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "%s: unexpected arguments %q\n", name, fs.Args())
		os.Exit(2)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := make(chan struct{})
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	go func() {
		<-sig
		close(stop)
		<-sig
		cancel()
	}()
	if err := run(ctx, cfg, stop); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		cancel()
		os.Exit(1)
	}
}
