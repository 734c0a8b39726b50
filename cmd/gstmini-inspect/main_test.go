package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestInspect_Golden(t *testing.T) {
	cases := []struct {
		args   []string
		golden string
	}{
		{nil, "list.golden"},
		{[]string{"appsink"}, "appsink.golden"},
		{[]string{"appsrc"}, "appsrc.golden"},
		{[]string{"fakesink"}, "fakesink.golden"},
		{[]string{"fakesrc"}, "fakesrc.golden"},
		{[]string{"hlssegmenter"}, "hlssegmenter.golden"},
		{[]string{"identity"}, "identity.golden"},
		{[]string{"processor"}, "processor.golden"},
		{[]string{"livesource"}, "livesource.golden"},
		{[]string{"queue"}, "queue.golden"},
		{[]string{"s3sink"}, "s3sink.golden"},
		{[]string{"tee"}, "tee.golden"},
	}
	for _, tc := range cases {
		t.Run(tc.golden, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(tc.args, &out, &errOut); code != 0 {
				t.Fatalf("gstmini-inspect %q exit status %d; want 0 (stderr %q)", tc.args, code, errOut.String())
			}
			golden(t, tc.golden, out.String())
		})
	}
}

func TestInspect_PropertyDetails(t *testing.T) {
	var out bytes.Buffer
	run([]string{"queue"}, &out, &out)
	for _, want := range []string{
		// The default comes from a fresh element, named as GStreamer names it.
		"  name                : The name of the object\n                        flags: readable, writable\n                        String. Default: \"queue",
		"  leaky               : Which buffers a full queue drops, if any\n" +
			"                        flags: readable, writable, changeable in NULL, READY, PAUSED or PLAYING state\n" +
			"                        Enum \"GstQueueLeaky\" Default: 0, \"no\"\n" +
			"                           (0): no               - Not Leaky\n",
		"Unsigned Integer. Range: 0 - 4294967295 Default: 200 \n",
		"(gstmini; not in GStreamer)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("gstmini-inspect queue output lacks %q", want)
		}
	}
	out.Reset()
	run([]string{"fakesink"}, &out, &out)
	if want := "  sync                : Sync on the clock\n                        flags: readable, writable\n                        Boolean. Default: false\n"; !strings.Contains(out.String(), want) {
		t.Errorf("gstmini-inspect fakesink: sync's default must be read from a fresh fakesink (false); output lacks %q", want)
	}
}

func TestInspect_Errors(t *testing.T) {
	cases := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"nosuch"}, 255, "No such element or plugin 'nosuch'\n"},
		{[]string{"a", "b"}, 1, "Usage: gstmini-inspect [ELEMENT-NAME]\n"},
	}
	for _, tc := range cases {
		var out, errOut bytes.Buffer
		if code := run(tc.args, &out, &errOut); code != tc.code || errOut.String() != tc.stderr {
			t.Errorf("gstmini-inspect %q = status %d, stderr %q; want %d, %q", tc.args, code, errOut.String(), tc.code, tc.stderr)
		}
	}
}
