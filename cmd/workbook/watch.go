package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// debounce is how long watch waits after a save before it reruns: editors
// write a file in bursts (a temporary file, a rename, a chmod), and one run
// per burst is enough.
const debounce = 150 * time.Millisecond

// isSourceSave reports whether a file event is a save of a Go file of the
// lesson, and not one of the temporary or backup files editors write.
func isSourceSave(name string) bool {
	base := filepath.Base(name)
	switch {
	case !strings.HasSuffix(base, ".go"):
		return false
	case strings.HasPrefix(base, ".") || strings.HasPrefix(base, "#") || strings.HasPrefix(base, "~"):
		return false // vim swap and emacs lock/autosave files, hidden editor files
	case strings.Contains(base, "___jb_"):
		return false // JetBrains safe-write copies
	}
	return true
}

// A watchSession is the state of the watch command: the lesson on screen,
// its last verdict and how many hints the learner has seen.
type watchSession struct {
	c       commandContext
	lessons []*Lesson
	idx     int // the lesson on screen
	asJSON  bool
	hints   *hintState
	tmp     string
	runner  *runner
	out     io.Writer

	running   bool
	trigger   string // what started the last run: "start", "saved pad.go", "r"
	last      *lessonProgress
	lastTook  time.Duration
	lastError error
}

// runWatch is the watch command.
func runWatch(c commandContext, args []string) int {
	fs := c.flags("watch")
	asJSON := fs.Bool("json", false, "print one JSON result line per run instead of the screen")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(c.stderr, "usage: workbook watch [-json] [lesson]")
		return exitError
	}
	lessons, _, err := discoverLessons(c.root, nil)
	if err != nil || len(lessons) == 0 {
		fmt.Fprintf(c.stderr, "workbook watch: no lessons: %v\n", err)
		return exitError
	}
	s := &watchSession{c: c, lessons: lessons, asJSON: *asJSON, out: c.stdout}
	if fs.NArg() == 1 {
		named, _, err := discoverLessons(c.root, fs.Args())
		if err != nil {
			fmt.Fprintf(c.stderr, "workbook watch: %v\n", err)
			return exitError
		}
		for i, l := range lessons {
			if l.Name == named[0].Name {
				s.idx = i
			}
		}
	} else {
		p, l, err := c.currentLesson(nil)
		if err != nil {
			fmt.Fprintf(c.stderr, "workbook watch: %v\n", err)
			return exitError
		}
		for i := range lessons {
			if l != nil && lessons[i].Name == l.Name {
				s.idx = i
				s.last = p
			}
		}
	}
	if s.hints, err = loadHintState(); err != nil {
		fmt.Fprintf(c.stderr, "workbook watch: %v\n", err)
		return exitError
	}
	if s.tmp, err = makeTempDir(); err != nil {
		fmt.Fprintf(c.stderr, "workbook watch: %v\n", err)
		return exitError
	}
	defer os.RemoveAll(s.tmp)
	s.runner = newRunner(c.root, 2, c.env, logger(c.verbose, c.stderr))
	if err := s.loop(); err != nil {
		fmt.Fprintf(c.stderr, "workbook watch: %v\n", err)
		return exitError
	}
	return exitOK
}

// A watchVerdict is the result of one run of the lesson's tests.
type watchVerdict struct {
	id   int
	p    lessonProgress
	err  error
	took time.Duration
}

// loop is the watch command's event loop: saves (debounced), keys and the
// verdicts of runs all arrive here, and the screen is redrawn from here
// only. A run still going when the next starts is cancelled: its test
// binary's process group is killed, so a hung test never wedges watch.
func (s *watchSession) loop() error {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch files: %w", err)
	}
	defer fw.Close()
	if err := fw.Add(s.lesson().Dir); err != nil {
		return fmt.Errorf("watch %s: %w", s.lesson().Dir, err)
	}

	restore := makeRaw(s.c.stdin)
	defer restore()
	keys, stopKeys := make(chan byte), make(chan struct{})
	defer close(stopKeys)
	go readKeys(s.c.stdin, keys, stopKeys)

	verdicts := make(chan watchVerdict)
	var (
		runID     int
		cancelRun = func() {}
		debounceC <-chan time.Time
		savedAt   time.Time
		savedName string
	)
	defer func() { cancelRun() }()
	start := func(trigger string, since time.Time) {
		cancelRun()
		runID++
		id, l := runID, s.lesson()
		ctx, cancel := context.WithCancel(s.c.ctx)
		cancelRun = cancel
		s.running, s.trigger = true, trigger
		s.draw()
		go func() {
			p, err := lessonProgressOf(ctx, s.runner, s.c.progressConfig(nil), l, s.tmp)
			select {
			case verdicts <- watchVerdict{id: id, p: p, err: err, took: time.Since(since)}:
			case <-ctx.Done():
			}
		}()
	}
	if s.last == nil {
		start("start", time.Now())
	} else {
		s.draw()
	}
	for {
		select {
		case <-s.c.ctx.Done():
			return nil
		case ev, ok := <-fw.Events:
			if !ok {
				return nil
			}
			if ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename) == 0 || !isSourceSave(ev.Name) {
				continue
			}
			if debounceC == nil {
				savedAt = time.Now()
			}
			savedName = filepath.Base(ev.Name)
			debounceC = time.After(debounce)
		case err, ok := <-fw.Errors:
			if ok {
				s.lastError = err
				s.draw()
			}
		case <-debounceC:
			debounceC = nil
			start("saved "+savedName, savedAt)
		case v := <-verdicts:
			if v.id != runID {
				continue // a cancelled run's late answer
			}
			s.running, s.last, s.lastTook, s.lastError = false, &v.p, v.took, v.err
			s.draw()
		case k, ok := <-keys:
			if !ok {
				keys = nil // input closed (not a terminal): keep watching files
				continue
			}
			switch k {
			case 'q', 'Q', 3: // 3: Ctrl-C in raw mode
				return nil
			case 'h', 'H':
				s.showNextHint()
				s.draw()
			case 'r', 'R':
				start("r", time.Now())
			case 'n', 'N', 'p', 'P':
				step := 1
				if k == 'p' || k == 'P' {
					step = -1
				}
				next := (s.idx + step + len(s.lessons)) % len(s.lessons)
				if next == s.idx {
					continue
				}
				_ = fw.Remove(s.lesson().Dir)
				s.idx, s.last = next, nil
				if err := fw.Add(s.lesson().Dir); err != nil {
					return fmt.Errorf("watch %s: %w", s.lesson().Dir, err)
				}
				start("lesson "+s.lesson().Name, time.Now())
			}
		}
	}
}

func (s *watchSession) lesson() *Lesson { return s.lessons[s.idx] }

// showNextHint shows one more hint of the current task.
func (s *watchSession) showNextHint() {
	p := s.last
	if p == nil || p.Task == nil || len(p.Task.Hints) == 0 {
		return
	}
	// The first hint is on screen from the start: h shows the one after.
	s.hints.Shown[hintKey(s.c.root, p.Name, p.TaskNum)] = min(s.hintsShown()+1, len(p.Task.Hints))
	if err := s.hints.save(); err != nil {
		s.lastError = err
	}
}

// hintsShown returns how many hints of the current task to show: at least
// the first.
func (s *watchSession) hintsShown() int {
	p := s.last
	if p == nil || p.Task == nil {
		return 0
	}
	return max(1, s.hints.Shown[hintKey(s.c.root, p.Name, p.TaskNum)])
}

// draw redraws the screen, or, with -json, writes the verdict of a run that
// just finished as one line.
func (s *watchSession) draw() {
	if s.asJSON {
		if !s.running && s.last != nil {
			_ = writeResults(s.out, results([]*Lesson{s.lesson()}, []lessonProgress{*s.last}), true)
		}
		return
	}
	io.WriteString(s.out, "\x1b[H\x1b[2J"+strings.ReplaceAll(s.screen(), "\n", "\r\n"))
}

// screen renders the watch screen as text.
func (s *watchSession) screen() string {
	var b strings.Builder
	l := s.lesson()
	title := l.Name
	if l.Meta != nil && l.Meta.Title != "" {
		title += " — " + l.Meta.Title
	}
	fmt.Fprintf(&b, "gstmini workbook · watching %s (lesson %d of %d)\n", title, s.idx+1, len(s.lessons))
	p := s.last
	switch {
	case p == nil && s.running:
		b.WriteString("\n  running the tests...\n")
	case p == nil:
	case p.NotFound:
		b.WriteString("\n  this lesson has no tests yet\n")
	case p.Build != nil:
		fmt.Fprintf(&b, "  %s 0/%d tests passing\n\n", bar(0, p.Total), p.Total)
		b.WriteString("  build error — the lesson does not compile, so no test can run. Fix this first:\n")
		writeIndented(&b, p.Build.Detail, "      ")
	case p.done():
		fmt.Fprintf(&b, "  %s %d/%d tests passing\n\n", bar(p.Passing, p.Total), p.Passing, p.Total)
		fmt.Fprintf(&b, "  done: every test of %s passes.\n", l.Name)
		fmt.Fprintf(&b, "  `go run ./cmd/workbook solution %s` shows the solution next to yours; n goes on to the next lesson.\n", l.Name)
	default:
		fmt.Fprintf(&b, "  %s %d/%d tests passing\n\n", bar(p.Passing, p.Total), p.Passing, p.Total)
		fmt.Fprintf(&b, "  next: %s\n", p.Next)
		if p.Task != nil {
			fmt.Fprintf(&b, "  task %d %q — README: %s\n", p.TaskNum, p.Task.Title, p.Task.README)
		}
		fmt.Fprintf(&b, "  failure: %s\n", plainKind(p.Outcome.Kind))
		o := p.Outcome
		text := o.Summary
		if o.Detail != "" {
			text = firstCase(p.Next, o.Detail)
			if o.Kind != KindAssertion {
				text = o.Summary + "\n" + o.Detail
			}
		}
		writeIndented(&b, fitLines(text, s.failureLines(), p), "      ")
		if p.Task != nil && len(p.Task.Hints) > 0 {
			b.WriteString("\n")
			writeHints(&b, p.Task, s.hintsShown())
		}
	}
	b.WriteString("\n")
	switch {
	case s.running:
		fmt.Fprintf(&b, "  running (%s)...\n", s.trigger)
	case s.lastTook > 0:
		fmt.Fprintf(&b, "  verdict in %.2f s (%s)\n", s.lastTook.Seconds(), s.trigger)
	}
	if s.lastError != nil {
		fmt.Fprintf(&b, "  error: %v\n", s.lastError)
	}
	b.WriteString("  h next hint · r rerun · n/p next/previous lesson · q quit\n")
	return b.String()
}

// failureLines is how many lines of the failure message fit on the screen
// with everything else.
func (s *watchSession) failureLines() int {
	h := terminalHeight(s.out)
	if h <= 0 {
		h = 40
	}
	return max(6, h-18)
}

// fitLines keeps the first n lines of text and, if it cut, says how to see
// the whole message.
func fitLines(text string, n int, p *lessonProgress) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) <= n {
		return text
	}
	return strings.Join(lines[:n-1], "\n") + fmt.Sprintf("\n... (%d more lines: go test ./%s -run '^%s$' shows them all)", len(lines)-n+1, p.Name, p.Next)
}

// plainKind says in plain words what kind of failure a test had.
func plainKind(k Kind) string {
	switch k {
	case KindAssertion:
		return "assertion — the test ran and says what it expected and what it got"
	case KindBuild:
		return "build error — the code does not compile; fix the file:line below first"
	case KindPanic:
		return "panic — the code crashed; the first line of yours in the stack is where"
	case KindTimeout:
		return "timeout — the test never finished, probably a deadlock; below is where the goroutines wait"
	case KindRace:
		return "data race — two goroutines used the same memory without a lock; below are both accesses"
	case KindLeak:
		return "leak — goroutines were still running after the test; below is where they were started"
	case KindFlaky:
		return "flaky — it passed on some runs and failed on others: it depends on timing"
	}
	return string(k) + " — " + explanations[k]
}

// bar draws progress as a bar of 20 cells.
func bar(passing, total int) string {
	const width = 20
	n := 0
	if total > 0 {
		n = passing * width / total
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}

// readKeys sends every byte read from in to keys until stop is closed, and
// closes keys at the end of the input.
func readKeys(in io.Reader, keys chan<- byte, stop <-chan struct{}) {
	defer close(keys)
	buf := make([]byte, 16)
	for {
		n, err := in.Read(buf)
		for _, k := range buf[:n] {
			select {
			case keys <- k:
			case <-stop:
				return
			}
		}
		if err != nil {
			return
		}
	}
}
