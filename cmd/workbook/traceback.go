package main

import (
	"fmt"
	"regexp"
	"strings"
)

// reGoroutine matches the header of a goroutine in a traceback, with the
// "gp=... m=..." of SIGQUIT dumps.
var reGoroutine = regexp.MustCompile(`(?m)^goroutine (\d+)(?: [^\[\n]*)? \[([^\]]*)\]:$`)

// waitingGoroutines lists, from a goroutine dump, the goroutines of the
// project's code and where each waits, as "[chan receive] F (file:line)".
// It leaves out the testing package's own goroutines.
func waitingGoroutines(dump string) []string {
	var waits []string
	locs := reGoroutine.FindAllStringSubmatchIndex(dump, -1)
	for i, loc := range locs {
		state := dump[loc[4]:loc[5]]
		end := len(dump)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		frames := parseFrames(dump[loc[1]:end])
		for len(frames) > 0 && strings.HasPrefix(frames[0].fn, "runtime.") {
			frames = frames[1:]
		}
		if state == "running" || len(frames) == 0 || strings.HasPrefix(frames[0].fn, "testing.") {
			continue // the alarm that panicked, or the test runner waiting for a test
		}
		f, ok := firstProjectFrame(frames, false)
		if !ok || strings.HasPrefix(f.fn, "go.uber.org/goleak") {
			continue
		}
		state, _, _ = strings.Cut(state, ",") // drop ", 2 minutes"
		waits = append(waits, fmt.Sprintf("[%s] %s", state, f.where()))
	}
	return waits
}

// A frame is one function of a goroutine's stack, in the traceback's or the
// race detector's format.
type frame struct {
	fn        string // "example.com/m/pkg.(*T).Method"
	file      string // "pkg/file.go"
	line      string
	createdBy bool // the "created by" frame
}

// std reports whether the frame is in the standard library: the first
// element of its package path has no dot ("runtime.gopark",
// "internal/poll.(*FD).Read", "main.main", but not "example.com/m.F").
func (f frame) std() bool {
	first, _, hasSlash := strings.Cut(f.fn, "/")
	return !hasSlash || !strings.Contains(first, ".")
}

// where returns "pkg.Func (file:line)".
func (f frame) where() string {
	if f.file == "" {
		return shortFunc(f.fn)
	}
	return fmt.Sprintf("%s (%s:%s)", shortFunc(f.fn), f.file, f.line)
}

// shortFunc drops the import path before the last slash and the argument
// list: "example.com/m/pkg.(*T).M(0xc0, ...)" becomes "pkg.(*T).M".
func shortFunc(fn string) string {
	if strings.HasSuffix(fn, ")") {
		depth := 0
		for i := len(fn) - 1; i >= 0; i-- {
			switch fn[i] {
			case ')':
				depth++
			case '(':
				depth--
			}
			if depth == 0 {
				if i > 0 && fn[i-1] != '.' { // not "(*T)" of a method
					fn = fn[:i]
				}
				break
			}
		}
	}
	if i := strings.LastIndex(fn, "/"); i >= 0 {
		fn = fn[i+1:]
	}
	return fn
}

var reLocation = regexp.MustCompile(`^\s+(\S+\.go|_testmain\.go|\S+\.s):(\d+)`)

// parseFrames reads the frames of one goroutine's stack.
func parseFrames(stack string) []frame {
	var frames []frame
	lines := strings.Split(stack, "\n")
	for i := 0; i+1 < len(lines); i++ {
		fn := strings.TrimSpace(lines[i])
		m := reLocation.FindStringSubmatch(lines[i+1])
		if fn == "" || m == nil || reLocation.MatchString(lines[i]) {
			continue
		}
		f := frame{fn: fn, file: m[1], line: m[2]}
		if rest, ok := strings.CutPrefix(fn, "created by "); ok {
			f.createdBy = true
			f.fn, _, _ = strings.Cut(rest, " in goroutine ")
		}
		frames = append(frames, f)
		i++
	}
	return frames
}

// firstProjectFrame returns the first frame outside the standard library.
// With afterPanic, frames up to the runtime's panic call are skipped, since
// they belong to the testing package's recovery.
func firstProjectFrame(frames []frame, afterPanic bool) (frame, bool) {
	start := 0
	if afterPanic {
		for i, f := range frames {
			if strings.HasPrefix(f.fn, "panic(") {
				start = i + 1
			}
		}
	}
	for _, f := range frames[start:] {
		if !f.std() && !f.createdBy {
			return f, true
		}
	}
	return frame{}, false
}

// firstGoroutine returns the first goroutine's stack in a traceback.
func firstGoroutine(text string) string {
	locs := reGoroutine.FindAllStringIndex(text, 2)
	switch len(locs) {
	case 0:
		return text
	case 1:
		return text[locs[0][1]:]
	default:
		return text[locs[0][1]:locs[1][0]]
	}
}
