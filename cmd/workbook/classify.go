package main

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// A Kind names how a test, or a check, ended.
type Kind string

// The kinds of outcome. Only KindAssertion is right for a skeleton test and
// only KindPass for a solution test.
const (
	KindPass      Kind = "pass"      // the test passed
	KindAssertion Kind = "assertion" // the test ran to its end and reported a failure
	KindPanic     Kind = "panic"     // the code panicked, or the runtime stopped with a fatal error
	KindTimeout   Kind = "timeout"   // the test never finished: probably a deadlock
	KindRace      Kind = "race"      // the race detector fired
	KindLeak      Kind = "leak"      // goroutines outlived the tests (goleak)
	KindBuild     Kind = "build"     // the package does not compile
	KindSkip      Kind = "skip"      // the test skipped itself
	KindFlaky     Kind = "flaky"     // passed on some runs and failed on others
	KindCrash     Kind = "crash"     // the test binary died without a result for the test
	KindMissing   Kind = "missing"   // the test binary has no such test
	KindNotRun    Kind = "not run"   // nothing to run it with (e.g. no solution)
	KindInvalid   Kind = "invalid"   // a file check failed: lesson.json, layout, solution files
	KindVet       Kind = "vet"       // go vet reported a problem
	KindSurvived  Kind = "survived"  // a mutant passed every test of its lesson
	KindUncaught  Kind = "uncaught"  // a mutant made tests crash, time out or race, but no test failed by assertion
)

// explanations say in plain words what each kind of failure means, for the
// learner and for the maintainer.
var explanations = map[Kind]string{
	KindPass: "On the skeleton, a test that passes gives the learner no red-to-green step: " +
		"the skeleton already does what the test checks, or the test checks too little.",
	KindAssertion: "The test ran to its end and reported what it expected and what it got. " +
		"That is the right way for a skeleton test to fail; on a solution it means the solution or the test is wrong.",
	KindPanic: "The code panicked (a nil pointer, an index out of range, a closed channel...) or the runtime stopped " +
		"with a fatal error. A panic stops the whole test binary, so every later test is lost: skeletons return zero " +
		"values instead of panicking, and tests check a result before using it.",
	KindTimeout: "The test never finished, most likely a deadlock: goroutines waiting for each other, for a channel " +
		"nobody sends on, or for a lock nobody releases. The goroutines listed show where they wait. Tests wait through " +
		"a watchdog (select with time.After) that fails with a message instead of hanging.",
	KindRace: "The race detector saw two goroutines use the same memory without synchronisation (a mutex, a channel, " +
		"an atomic). A racy program passes or fails by luck; guard the shared state.",
	KindLeak: "Goroutines were still running after the tests finished (goleak). Something started a goroutine and " +
		"never stopped it: a pipeline not set back to NULL, a blocked sink not released, a missing Stop or Close.",
	KindBuild: "The package does not compile, so none of its tests can run.",
	KindSkip:  "The test skipped itself (t.Skip), so it neither failed nor passed.",
	KindFlaky: "The test passed on some runs and failed on others: it depends on timing, on scheduling or on the " +
		"order of the tests. Replace sleeps and real time with the test clock and channels.",
	KindCrash: "The test binary exited without a result for the test (os.Exit, a failing TestMain, or a killed " +
		"process); the output shows its last words.",
	KindMissing: "The test binary has no test of that name (a build tag, or a misspelt name).",
	KindNotRun:  "The test could not be run.",
	KindInvalid: "The lesson's files do not follow docs/LESSON-FORMAT.md.",
	KindVet:     "go vet found a suspicious construct; the lessons and solutions must vet clean.",
	KindSurvived: "A mutant (a plausible wrong solution kept in the lesson's testdata/mutants) passed every test: " +
		"the tests accept that mistake. Add a test that fails on it, with a message naming the rule it breaks.",
	KindUncaught: "A mutant made tests crash, time out or race, but none failed by assertion: the learner would " +
		"see a crash instead of the rule they broke. Guard the test so that it reports the mistake.",
}

// An Outcome is the classified result of one test (over one or more runs)
// or of one check.
type Outcome struct {
	Kind    Kind
	Summary string        // one line
	Detail  string        // a few lines: the failure message, the stack that matters
	Runs    int           // how many runs of the test reported a result
	Passes  int           // how many of them passed
	Elapsed time.Duration // the test's own time in its last run, as go test reports it; 0 if unknown
}

// Message returns the summary and the detail as one text.
func (o Outcome) Message() string {
	if o.Detail == "" || o.Detail == o.Summary {
		return o.Summary
	}
	return o.Summary + "\n" + o.Detail
}

// kindRank orders failure kinds from most to least severe, to pick the one
// to report when a test failed in several ways over several runs.
var kindRank = map[Kind]int{
	KindBuild: 0, KindTimeout: 1, KindPanic: 2, KindRace: 3, KindCrash: 4,
	KindLeak: 5, KindMissing: 6, KindAssertion: 7, KindSkip: 8, KindPass: 9,
}

// classifyIteration classifies one run of the top-level test name from its
// output. killed says that the process was killed at the hard deadline;
// timeout is the -test.timeout it ran with.
func classifyIteration(name, text string, killed bool, timeout time.Duration) Outcome {
	switch {
	case strings.Contains(text, "panic: test timed out after"):
		return timeoutOutcome(name, text, false, timeout)
	case strings.Contains(text, "fatal error: all goroutines are asleep - deadlock!"):
		return timeoutOutcome(name, text, false, timeout)
	case strings.Contains(text, "WARNING: DATA RACE"):
		return raceOutcome(text)
	case hasLinePrefix(text, "panic: ") || hasLinePrefix(text, "fatal error: "):
		return panicOutcome(text)
	case hasLinePrefix(text, "--- FAIL: "+name+" "):
		return assertionOutcome(name, text)
	case hasLinePrefix(text, "--- SKIP: "+name+" "):
		msg, first := failureLines(name, text, 6)
		if first == "" {
			first = "the test called t.Skip"
		}
		return Outcome{Kind: KindSkip, Summary: first, Detail: msg}
	case hasLinePrefix(text, "--- PASS: "+name+" "):
		return Outcome{Kind: KindPass, Summary: "passed"}
	case killed:
		return timeoutOutcome(name, text, true, timeout)
	default:
		return Outcome{
			Kind:    KindCrash,
			Summary: fmt.Sprintf("the test binary stopped while %s was running, without a result", name),
			Detail:  lastLines(text, 10),
		}
	}
}

// assertionOutcome reports a test that failed through t.Error or t.Fatal:
// its own messages, subtests included. The summary is the first message,
// after the name of its subtest if it has one.
func assertionOutcome(name, text string) Outcome {
	msg, summary := failureLines(name, text, wholeText)
	if summary == "" {
		summary = "failed without a message"
	}
	return Outcome{Kind: KindAssertion, Summary: summary, Detail: msg}
}

// panicOutcome reports a panic or a fatal runtime error: the message and
// where, in the project's code, it happened.
func panicOutcome(text string) Outcome {
	msg := ""
	var rest string
	for _, prefix := range []string{"panic: ", "fatal error: "} {
		if i := lineIndex(text, prefix); i >= 0 {
			line, after, _ := strings.Cut(text[i:], "\n")
			msg, rest = line, after
			break
		}
	}
	for _, suffix := range []string{" [recovered, repanicked]", " [recovered]"} {
		msg = strings.TrimSuffix(msg, suffix)
	}
	frames := parseFrames(firstGoroutine(rest))
	summary := msg
	var detail []string
	detail = append(detail, msg)
	if f, ok := firstProjectFrame(frames, true); ok {
		summary += " at " + f.where()
	}
	for _, f := range frames {
		if !f.std() {
			detail = append(detail, "    "+f.where())
		}
	}
	return Outcome{Kind: KindPanic, Summary: summary, Detail: cutLines(detail, 10)}
}

// timeoutOutcome reports a test that did not finish: which test, and where
// the goroutines of the goroutine dump wait.
func timeoutOutcome(name, text string, killed bool, timeout time.Duration) Outcome {
	var summary string
	switch {
	case killed:
		summary = fmt.Sprintf("%s did not finish and was killed at the hard deadline (probably a deadlock)", name)
	case strings.Contains(text, "all goroutines are asleep"):
		summary = fmt.Sprintf("deadlock in %s: all goroutines are asleep", name)
	default:
		summary = fmt.Sprintf("%s still running after %v (probably a deadlock)", name, timeout)
	}
	detail := []string{summary}
	waits := waitingGoroutines(text)
	if len(waits) > 0 {
		summary += "; waiting: " + waits[0]
		detail = append(detail, "goroutines waiting:")
		detail = append(detail, indentAll(waits, "    ")...)
	}
	return Outcome{Kind: KindTimeout, Summary: summary, Detail: cutLines(detail, 10)}
}

// raceOutcome reports the first data race: the two accesses and where.
func raceOutcome(text string) Outcome {
	_, report, _ := strings.Cut(text, "WARNING: DATA RACE\n")
	report, _, _ = strings.Cut(report, "==================")
	var accesses []string
	for _, block := range strings.Split(report, "\n\n") {
		head, body, _ := strings.Cut(strings.TrimSpace(block), "\n")
		if strings.HasPrefix(head, "Goroutine ") { // "Goroutine 9 (running) created at:"
			continue
		}
		what, _, _ := strings.Cut(head, " at 0x")
		by := ""
		if _, g, ok := strings.Cut(head, " by "); ok {
			by = " by " + strings.TrimSuffix(g, ":")
		}
		if f, ok := firstProjectFrame(parseFrames(body), false); ok {
			accesses = append(accesses, fmt.Sprintf("%s%s at %s", strings.ToLower(what), by, f.where()))
		}
	}
	summary := "data race"
	if len(accesses) > 0 {
		summary += ": " + strings.Join(accesses, "; ")
	}
	detail := append([]string{"data race between:"}, indentAll(accesses, "    ")...)
	return Outcome{Kind: KindRace, Summary: summary, Detail: cutLines(detail, 8)}
}

var reLeaked = regexp.MustCompile(`Goroutine \d+ in state ([^,]+), with (\S+) on top of the stack:`)

// leakOutcome reports goleak's findings, grouping identical goroutines.
func leakOutcome(report string) Outcome {
	type key struct{ state, where, creator string }
	var order []key
	counts := map[key]int{}
	locs := reLeaked.FindAllStringSubmatchIndex(report, -1)
	for i, loc := range locs {
		end := len(report)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		frames := parseFrames(report[loc[1]:end])
		k := key{state: report[loc[2]:loc[3]], where: shortFunc(report[loc[4]:loc[5]])}
		if f, ok := firstProjectFrame(frames, false); ok {
			k.where = f.where()
		}
		for _, f := range frames {
			if f.createdBy {
				k.creator = shortFunc(f.fn)
			}
		}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	total := 0
	var lines []string
	for _, k := range order {
		total += counts[k]
		l := fmt.Sprintf("%d× [%s] %s", counts[k], k.state, k.where)
		if k.creator != "" {
			l += ", started by " + k.creator
		}
		lines = append(lines, l)
	}
	summary := fmt.Sprintf("goroutine leak: %d goroutine(s) still running after the tests", total)
	if len(lines) > 0 {
		summary += ": " + lines[0]
	}
	detail := append([]string{"goroutines left running:"}, indentAll(lines, "    ")...)
	return Outcome{Kind: KindLeak, Summary: summary, Detail: cutLines(detail, 8)}
}

// buildOutcome reports a compiler or go command failure.
func buildOutcome(out string) Outcome {
	var keep []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(l, "# ") || strings.HasPrefix(l, "FAIL\t") {
			continue
		}
		keep = append(keep, l)
	}
	msg := cutLines(keep, 12)
	return Outcome{Kind: KindBuild, Summary: "does not compile: " + firstLine(msg, "(no output)"), Detail: msg}
}

// commandOutcome describes a go command that failed: a build error, or a
// command stopped at its deadline.
func commandOutcome(pr procResult) Outcome {
	if pr.Killed {
		return Outcome{
			Kind:    KindTimeout,
			Summary: fmt.Sprintf("the go command did not finish in %v and was stopped", pr.Elapsed.Round(time.Second)),
			Detail:  cutLines(strings.Split(pr.Output, "\n"), 10),
		}
	}
	return buildOutcome(pr.Output)
}
