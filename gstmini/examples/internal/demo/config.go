// Package demo is the code the runnable examples under gstmini/examples
// share: their command-line flags (Config), the driver that plays a
// pipeline and narrates its bus (Run), and the statistics of the HLS
// pipelines (HLSPipeline and Stats).
//
// The examples are commands (go run ./gstmini/examples/<name>); this
// package is internal to them. Every function takes the clock from the
// pipeline, so the examples' tests run the same code inside a
// testing/synctest bubble, where a 20 s run takes milliseconds of real
// time.
package demo

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gstmini/workbook/gstmini/elements"
)

// Config holds the examples' settings, one field per command-line flag.
// The zero value is not useful; start from DefaultConfig.
type Config struct {
	Duration       time.Duration // -duration: running time at which the driver sends EOS; 0: wait for the stream's own EOS
	FPS            int           // -fps: frames per second of the camera (livesource "fps")
	TargetDuration time.Duration // -target-duration: hlssegmenter "target-duration"
	UploadLatency  time.Duration // -upload-latency: s3sink "upload-latency", the time one upload takes
	MaxSizeBuffers uint          // -max-size-buffers: queue "max-size-buffers" (0: no limit)
	MaxSizeBytes   uint          // -max-size-bytes: queue "max-size-bytes" (0: no limit)
	MaxSizeTime    time.Duration // -max-size-time: queue "max-size-time" (0: no limit)
	Leaky          string        // -leaky: queue "leaky": "none", "upstream" or "downstream"
	Sync           bool          // -sync: s3sink "sync": wait on the clock before each upload
	Queue          bool          // -queue: put a queue after the camera (full_pipeline only)
	JSON           bool          // -json: print the final statistics as one JSON object
	Quiet          bool          // -q: no narration of bus messages
}

// DefaultConfig returns the defaults of the flags: a 20 s run of a 30 fps
// camera, 6 s segments, 500 ms uploads that sync on the clock, and a queue
// with GStreamer's defaults (200 buffers, 10 MiB, 1 s, not leaky).
func DefaultConfig() Config {
	return Config{
		Duration:       20 * time.Second,
		FPS:            30,
		TargetDuration: 6 * time.Second,
		UploadLatency:  500 * time.Millisecond,
		MaxSizeBuffers: 200,
		MaxSizeBytes:   10 * 1024 * 1024,
		MaxSizeTime:    time.Second,
		Leaky:          "none",
		Sync:           true,
		Queue:          true,
	}
}

// FlagGroup selects the flags AddFlags registers: each example offers only
// the flags that mean something for its pipeline.
type FlagGroup uint

// Flag groups.
const (
	FlagsOutput FlagGroup = 1 << iota // -json, -q
	FlagsRun                          // -duration
	FlagsCamera                       // -fps
	FlagsHLS                          // -target-duration, -upload-latency, -sync
	FlagsQueue                        // -queue, -max-size-buffers, -max-size-bytes, -max-size-time, -leaky
	FlagsSync                         // -sync alone (for pipelines without the HLS elements)

	// FlagsAll is every flag.
	FlagsAll = FlagsOutput | FlagsRun | FlagsCamera | FlagsHLS | FlagsQueue
)

// AddFlags registers the flags of groups on fs, with c's current values as
// defaults; parsing fs then stores into c.
func (c *Config) AddFlags(fs *flag.FlagSet, groups FlagGroup) {
	if groups&FlagsRun != 0 {
		fs.DurationVar(&c.Duration, "duration", c.Duration, "running time at which EOS is sent (the stream then drains to the sinks)")
	}
	if groups&FlagsCamera != 0 {
		fs.IntVar(&c.FPS, "fps", c.FPS, "frames per second the camera captures (1-1000)")
	}
	if groups&FlagsHLS != 0 {
		fs.Var((*secondsOrDuration)(&c.TargetDuration), "target-duration",
			`segment length: a duration such as "2s" or "1500ms", or a bare integer of seconds as hlssink2 takes`)
		fs.DurationVar(&c.UploadLatency, "upload-latency", c.UploadLatency, "time each segment upload takes (blocks the streaming thread)")
	}
	if groups&(FlagsHLS|FlagsSync) != 0 {
		fs.BoolVar(&c.Sync, "sync", c.Sync, "the sink waits on the clock until each buffer's running time (+ latency)")
	}
	if groups&FlagsQueue != 0 {
		fs.BoolVar(&c.Queue, "queue", c.Queue, "put a queue between the camera and the segmenter")
		fs.UintVar(&c.MaxSizeBuffers, "max-size-buffers", c.MaxSizeBuffers, "queue limit in buffers (0 = no limit)")
		fs.UintVar(&c.MaxSizeBytes, "max-size-bytes", c.MaxSizeBytes, "queue limit in bytes (0 = no limit)")
		fs.DurationVar(&c.MaxSizeTime, "max-size-time", c.MaxSizeTime, "queue limit in running time (0 = no limit)")
		fs.StringVar(&c.Leaky, "leaky", c.Leaky, "what a full queue does: none (block the camera), upstream (drop new buffers), downstream (drop old buffers)")
	}
	if groups&FlagsOutput != 0 {
		fs.BoolVar(&c.JSON, "json", c.JSON, "print the final statistics as one JSON object (narration goes to stderr)")
		fs.BoolVar(&c.Quiet, "q", c.Quiet, "quiet: no narration of bus messages")
	}
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	switch {
	case c.Duration < 0:
		return fmt.Errorf("-duration %v: must be >= 0", c.Duration)
	case c.FPS < 1 || c.FPS > 1000:
		return fmt.Errorf("-fps %d: must be 1-1000", c.FPS)
	case c.TargetDuration < time.Millisecond:
		return fmt.Errorf("-target-duration %v: must be at least 1ms", c.TargetDuration)
	case c.UploadLatency < 0:
		return fmt.Errorf("-upload-latency %v: must be >= 0", c.UploadLatency)
	case c.MaxSizeTime < 0:
		return fmt.Errorf("-max-size-time %v: must be >= 0", c.MaxSizeTime)
	}
	_, err := c.LeakyMode()
	return err
}

// ErrBadLeaky is returned by LeakyMode for a -leaky value that is not
// none, upstream or downstream.
var ErrBadLeaky = errors.New("demo: -leaky must be none, upstream or downstream")

// LeakyMode returns the queue's leaky mode for c.Leaky: "none" (or "no",
// GStreamer's nick, or ""), "upstream" or "downstream".
func (c Config) LeakyMode() (elements.Leaky, error) {
	switch strings.ToLower(strings.TrimSpace(c.Leaky)) {
	case "", "none", "no":
		return elements.LeakyNo, nil
	case "upstream":
		return elements.LeakyUpstream, nil
	case "downstream":
		return elements.LeakyDownstream, nil
	}
	return elements.LeakyNo, fmt.Errorf("%w (got %q)", ErrBadLeaky, c.Leaky)
}

// Parse parses args into fs (whose flags were added with AddFlags on c)
// and validates c.
func (c *Config) Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	return c.Validate()
}

// secondsOrDuration is the flag.Value of -target-duration: "2s" and
// "1500ms" are durations, a bare integer such as "6" is whole seconds, as
// hlssink2's guint target-duration and HLSSegmenter.SetProperty take it.
type secondsOrDuration time.Duration

// String implements flag.Value.
func (d *secondsOrDuration) String() string { return time.Duration(*d).String() }

// Set implements flag.Value: a bare integer is seconds, else a duration.
func (d *secondsOrDuration) Set(s string) error {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 1 {
			return fmt.Errorf("%d seconds: must be at least 1", n)
		}
		*d = secondsOrDuration(time.Duration(n) * time.Second)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf(`want a duration such as "2s" or a whole number of seconds`)
	}
	*d = secondsOrDuration(v)
	return nil
}
