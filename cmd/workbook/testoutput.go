package main

import (
	"regexp"
	"strings"
	"time"
)

// An iteration is one run of one top-level test, as cut out of -test.v
// output.
type iteration struct {
	test string
	text string // its lines, from "=== RUN" on, subtests included
}

// A runLog is the -test.v output of one test binary, cut into iterations.
type runLog struct {
	prelude  string      // output before the first test started
	iters    []iteration // in the order they started
	trailer  string      // output after the last result: PASS/FAIL, goleak's report
	seed     string      // the -test.shuffle seed, if shuffled
	running  []string    // the tests named by "panic: test timed out ... running tests:"
	leakText string      // goleak's report, if it found leaked goroutines
}

var (
	// The test headers and results that -test.v prints.
	reEvent  = regexp.MustCompile(`^=== (RUN|PAUSE|CONT|NAME)\s+(\S+)`)
	reResult = regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): (\S+) \(`)
	reSeed   = regexp.MustCompile(`(?m)^-test\.shuffle (\d+)`)
)

// parseRun cuts the -test.v output of a test binary into iterations of
// top-level tests. It follows "=== CONT" and "=== NAME" lines, so output of
// parallel tests lands with the right test.
func parseRun(out string) runLog {
	var log runLog
	var prelude, trailer strings.Builder
	open := map[string]int{} // test -> index of its latest iteration
	current := ""            // the test that output currently belongs to
	inTrailer := false
	var texts []*strings.Builder

	lines := strings.SplitAfter(out, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		bare := strings.TrimRight(line, "\r\n")
		if inTrailer {
			trailer.WriteString(line)
			continue
		}
		if m := reEvent.FindStringSubmatch(bare); m != nil {
			top, _, _ := strings.Cut(m[2], "/")
			if m[1] == "RUN" && top == m[2] {
				log.iters = append(log.iters, iteration{test: top})
				texts = append(texts, &strings.Builder{})
				open[top] = len(log.iters) - 1
			}
			if _, ok := open[top]; ok {
				current = top
			}
		}
		result := reResult.FindStringSubmatch(bare)
		if result != nil && !strings.HasPrefix(bare, " ") {
			if _, ok := open[result[2]]; ok {
				current = result[2] // results of parallel tests name their test
			}
		}
		if current == "" {
			prelude.WriteString(line)
			continue
		}
		texts[open[current]].WriteString(line)
		if result != nil && result[2] == current && !strings.HasPrefix(bare, " ") {
			// The top-level result. What follows is the next test, a panic of this
			// one, or the binary's last words.
			for j := i + 1; j < len(lines); j++ {
				next := strings.TrimRight(lines[j], "\r\n")
				if next == "" {
					continue
				}
				if next == "PASS" || next == "FAIL" || strings.HasPrefix(next, "goleak: ") ||
					strings.HasPrefix(next, "ok  ") || strings.HasPrefix(next, "FAIL\t") {
					inTrailer = true
				}
				break
			}
		}
	}
	for i := range log.iters {
		log.iters[i].text = texts[i].String()
	}
	log.prelude, log.trailer = prelude.String(), trailer.String()
	if m := reSeed.FindStringSubmatch(out); m != nil {
		log.seed = m[1]
	}
	log.running = timedOutTests(out)
	if i := strings.Index(out, "found unexpected goroutines"); i >= 0 {
		start := strings.LastIndex(out[:i], "\n") + 1
		log.leakText = out[start:]
	}
	return log
}

// timedOutTests returns the tests listed under "running tests:" after
// "panic: test timed out".
func timedOutTests(out string) []string {
	_, after, ok := strings.Cut(out, "panic: test timed out after")
	if !ok {
		return nil
	}
	_, list, ok := strings.Cut(after, "running tests:\n")
	if !ok {
		return nil
	}
	var names []string
	for _, l := range strings.Split(list, "\n") {
		if !strings.HasPrefix(l, "\t\t") {
			break
		}
		name, _, _ := strings.Cut(strings.TrimSpace(l), " ")
		names = append(names, name)
	}
	return names
}

// failureLines returns the messages a test logged, without the === and ---
// lines of -test.v, dedented and cut to max lines, and its first message
// as one line. Messages of a subtest come under its name.
func failureLines(name, text string, max int) (msg, first string) {
	var keep []string
	header, lastHeader := "", "" // the subtest whose messages come next
	for _, l := range strings.Split(text, "\n") {
		bare := strings.TrimRight(l, "\r")
		t := strings.TrimSpace(bare)
		if m := reEvent.FindStringSubmatch(t); m != nil {
			header = ""
			if m[2] != name && m[1] != "PAUSE" {
				header = m[2] + ":"
			}
			continue
		}
		if t == "" || t == "PASS" || t == "FAIL" || reResult.MatchString(bare) {
			continue
		}
		if header != "" {
			keep = append(keep, header)
			header, lastHeader = "", header
		}
		if first == "" {
			first = strings.TrimSpace(lastHeader + " " + t)
		}
		keep = append(keep, bare)
	}
	return cutLines(dedent(keep), max), first
}

// iterationElapsed returns the time go test reports for the top-level
// result of test in text ("--- PASS: TestX (0.25s)"), or 0.
func iterationElapsed(test, text string) time.Duration {
	for _, l := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimRight(l, "\r"), "--- ")
		if !ok {
			continue
		}
		_, rest, _ = strings.Cut(rest, ": ")
		name, secs, ok := strings.Cut(rest, " (")
		if !ok || name != test {
			continue
		}
		if d, err := time.ParseDuration(strings.TrimSuffix(secs, ")")); err == nil {
			return d
		}
	}
	return 0
}
