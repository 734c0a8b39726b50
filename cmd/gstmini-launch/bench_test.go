package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// launchLines are the shapes scripts/bench.sh compares with gst-launch-1.0,
// with the source's num-buffers left to fill in.
var launchLines = []struct{ name, line string }{
	{"direct", "fakesrc num-buffers=%d ! fakesink sync=false"},
	{"queue", "fakesrc num-buffers=%d ! queue ! fakesink sync=false"},
	{"queues-4", "fakesrc num-buffers=%d ! queue ! queue ! queue ! queue ! fakesink sync=false"},
	{"identity-10", "fakesrc num-buffers=%d" + strings.Repeat(" ! identity", 10) + " ! fakesink sync=false"},
	{"tee-2", "fakesrc num-buffers=%d ! tee name=t t. ! queue ! fakesink sync=false t. ! queue ! fakesink sync=false"},
}

// BenchmarkLaunch plays each launch line in-process with b.N buffers, as
// `gstmini-launch -q` would, state changes included: ns/op is the cost of a
// buffer as scripts/bench.sh measures it, less the process start-up. With
// -cpuprofile it profiles the real launch lines.
func BenchmarkLaunch(b *testing.B) {
	for _, tc := range launchLines {
		b.Run(tc.name, func(b *testing.B) {
			args := append([]string{"-q"}, strings.Fields(fmt.Sprintf(tc.line, b.N))...)
			var stderr bytes.Buffer
			b.ReportAllocs()
			if code := run(args, &bytes.Buffer{}, &stderr, make(chan os.Signal)); code != 0 {
				b.Fatalf("gstmini-launch %s: exit status %d: %s", strings.Join(args, " "), code, stderr.String())
			}
		})
	}
}
