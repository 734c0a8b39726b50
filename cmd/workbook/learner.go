package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"time"
)

// A commandContext is what every learner command (progress, hint, reset,
// solution, watch) works with: the module, the standard streams and the
// settings shared by their flags.
type commandContext struct {
	ctx            context.Context
	root           string
	stdin          io.Reader
	stdout, stderr io.Writer
	env            []string // added to the environment of every process
	timeout        time.Duration
	verbose        bool
}

// flags returns a flag set for the command name with the shared flags.
func (c *commandContext) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() { usage(c.stderr) }
	fs.DurationVar(&c.timeout, "timeout", 10*time.Second, "test timeout of one run of a lesson's tests")
	fs.BoolVar(&c.verbose, "v", false, "log each command to stderr")
	return fs
}

// progressConfig returns the settings to run the named lessons with.
func (c *commandContext) progressConfig(lessons []string) progressConfig {
	return progressConfig{
		root: c.root, lessons: lessons, jobs: runtime.NumCPU(),
		timeout: c.timeout, grace: 5 * time.Second, env: c.env, verbose: logger(c.verbose, c.stderr),
	}
}

// currentLesson runs the named lesson, or every lesson, and returns the
// progress of the named one, or of the first that is not finished (nil if
// all are), with the lesson itself.
func (c *commandContext) currentLesson(named []string) (*lessonProgress, *Lesson, error) {
	lessons, _, err := discoverLessons(c.root, named)
	if err != nil {
		return nil, nil, err
	}
	if len(lessons) == 0 {
		return nil, nil, fmt.Errorf("no lessons in %s", c.root)
	}
	ps, _, err := progress(c.ctx, c.progressConfig(named))
	if err != nil {
		return nil, nil, err
	}
	for i := range ps {
		if len(named) > 0 || !ps[i].done() {
			return &ps[i], lessons[i], nil
		}
	}
	return nil, nil, nil
}

// done reports whether every test of the lesson passes.
func (p *lessonProgress) done() bool {
	return !p.NotFound && p.Build == nil && p.Next == "" && p.Total > 0
}
