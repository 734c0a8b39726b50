package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// launch runs gstmini-launch with args and returns its exit status and
// output, with the pipeline's number and the execution time masked.
func launch(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut, make(chan os.Signal))
	return code, mask(out.String()), mask(errOut.String())
}

var (
	pipelineNumber = regexp.MustCompile(`pipeline\d+`)
	executionTime  = regexp.MustCompile(`Execution ended after \d+:\d\d:\d\d\.\d{9}`)
)

func mask(s string) string {
	s = pipelineNumber.ReplaceAllString(s, "pipelineN")
	return executionTime.ReplaceAllString(s, "Execution ended after 0:00:00.XXXXXXXXX")
}

// redistribute is the line gst-launch-1.0 prints for a LATENCY message.
const redistribute = "Redistribute latency...\n"

// TestLaunch_PlaysToEOS checks the lines a non-live pipeline prints, in
// gst-launch-1.0's order. "Redistribute latency..." is checked apart: the
// sink posts LATENCY from its streaming thread right after its ASYNC_DONE
// (gst_base_sink_commit_state, gstbasesink.c:1772 at 1.22.0), while the
// main thread goes on to PLAYING, so gst-launch-1.0 itself prints that line
// before or after "Pipeline is PREROLLED ..." (or even after "New clock")
// depending on scheduling. What is guaranteed is that it is printed, once
// prerolling has begun and before EOS.
func TestLaunch_PlaysToEOS(t *testing.T) {
	code, out, errOut := launch(t, "fakesrc num-buffers=10 ! fakesink")
	want := `Setting pipeline to PAUSED ...
Pipeline is PREROLLING ...
Pipeline is PREROLLED ...
Setting pipeline to PLAYING ...
New clock: GstSystemClock
Got EOS from element "pipelineN".
Execution ended after 0:00:00.XXXXXXXXX
Setting pipeline to NULL ...
Freeing pipeline ...
`
	ordered := strings.ReplaceAll(out, redistribute, "")
	if code != 0 || ordered != want || errOut != "" {
		t.Errorf("gstmini-launch = %d, stdout (without %q):\n%s\nstderr: %q\nwant 0, stdout:\n%s", code, redistribute, ordered, errOut, want)
	}
	at := strings.Index(out, redistribute)
	if at < strings.Index(out, "Pipeline is PREROLLING") || at > strings.Index(out, "Got EOS") {
		t.Errorf("gstmini-launch printed %q at offset %d of\n%s\nwant it after \"Pipeline is PREROLLING\" and before \"Got EOS\": the sink posts LATENCY when it commits its preroll", redistribute, at, out)
	}
}

func TestLaunch_LivePipeline(t *testing.T) {
	code, out, _ := launch(t, "fakesrc is-live=true num-buffers=3 ! fakesink")
	want := "Setting pipeline to PAUSED ...\nPipeline is live and does not need PREROLL ...\nPipeline is PREROLLED ...\nSetting pipeline to PLAYING ...\n"
	if code != 0 || !strings.HasPrefix(out, want) || !strings.Contains(out, `Got EOS from element "pipelineN".`) {
		t.Errorf("gstmini-launch live = %d, stdout:\n%s\nwant 0 and stdout starting\n%s", code, out, want)
	}
}

func TestLaunch_ArgumentForms(t *testing.T) {
	cases := []struct {
		description string
		args        []string
	}{
		{"one argument", []string{"-q", "fakesrc num-buffers=3 ! fakesink"}},
		{"separate words, as gst-launch-1.0 takes them", []string{"-q", "fakesrc", "num-buffers=3", "!", "fakesink"}},
		{"options after the description", []string{"fakesrc", "num-buffers=3", "!", "fakesink", "-q"}},
		{"-- ends the options", []string{"-q", "--", "fakesrc", "num-buffers=3", "!", "fakesink"}},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			if code, out, errOut := launch(t, tc.args...); code != 0 || out != "" || errOut != "" {
				t.Errorf("gstmini-launch %q = %d, stdout %q, stderr %q; want 0 and no output (-q)", tc.args, code, out, errOut)
			}
		})
	}
}

func TestLaunch_Verbose(t *testing.T) {
	code, out, _ := launch(t, "-v", "fakesrc num-buffers=3 ! queue max-size-buffers=5 ! fakesink sync=false")
	for _, want := range []string{
		"/Pipeline:pipelineN/FakeSrc:fakesrc",      // element paths
		": num-buffers = 3\n",                      // non-default properties
		": max-size-buffers = 5\n",                 //
		": state changed NULL -> READY\n",          // state changes of elements
		": state changed PAUSED -> PLAYING\n",      //
		"/Pipeline:pipelineN: state changed READY", // and of the pipeline
	} {
		if !strings.Contains(out, want) {
			t.Errorf("gstmini-launch -v stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "sync = false") {
		t.Errorf("gstmini-launch -v printed fakesink's sync=false, its default:\n%s", out)
	}
	if code != 0 {
		t.Errorf("gstmini-launch -v = %d; want 0", code)
	}
}

func TestLaunch_Errors(t *testing.T) {
	cases := []struct {
		description string
		args        []string
		code        int
		stderr      string // a substring
	}{
		{"no description", nil, 1, "ERROR: pipeline could not be constructed: empty pipeline not allowed."},
		{"an unknown element, shown in place", []string{"fakesrc ! fakesnk"}, 1,
			"ERROR: pipeline could not be constructed: gstmini: parse: 1:11: no element \"fakesnk\"; did you mean \"fakesink\"?.\n" +
				"fakesrc ! fakesnk\n          ^^^^^^^\n"},
		{"a bad value", []string{"queue leaky=sideways"}, 1, "allowed: (0) no, (1) upstream, (2) downstream"},
		{"an error while playing names the element", []string{"fakesrc num-buffers=3"}, 1,
			"ERROR: from element /Pipeline:pipelineN/FakeSrc:fakesrc"},
		{"an unknown option", []string{"--nosuch", "fakesrc"}, 1, "flag provided but not defined: -nosuch"},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			code, _, errOut := launch(t, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("gstmini-launch %q = %d, stderr:\n%s\nwant %d, stderr containing\n%s", tc.args, code, errOut, tc.code, tc.stderr)
			}
		})
	}
}

// interruptingWriter sends an interrupt once the output says the pipeline
// is set to PLAYING (or prints trigger, if set), as a user pressing Ctrl-C
// would.
type interruptingWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	sig     chan os.Signal
	sent    bool
	trigger string
}

func (w *interruptingWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func (w *interruptingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	trigger := w.trigger
	if trigger == "" {
		trigger = "Setting pipeline to PLAYING ..."
	}
	if !w.sent && strings.Contains(w.buf.String(), trigger) {
		w.sent = true
		w.sig <- os.Interrupt
	}
	return len(p), nil
}

func TestLaunch_Interrupt(t *testing.T) {
	const live = "fakesrc is-live=true sizetype=fixed sizemax=10 datarate=1000 sync=true ! fakesink"
	cases := []struct {
		description string
		args        []string
		code        int
		want        []string
	}{
		{"Ctrl-C stops at once", []string{live}, 0, []string{
			"handling interrupt.\n",
			"Interrupt: Stopping pipeline ...\nExecution ended after",
		}},
		{"Ctrl-C with -e sends EOS and waits for it", []string{"-e", live}, 0, []string{
			"handling interrupt.\n",
			"Interrupt: Stopping pipeline ...\nEOS on shutdown enabled -- Forcing EOS on the pipeline\nWaiting for EOS...\n",
			"Got EOS from element \"pipelineN\".\nEOS received - stopping pipeline...\nExecution ended after",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			w := &interruptingWriter{sig: make(chan os.Signal, 1)}
			var errOut bytes.Buffer
			code := run(tc.args, w, &errOut, w.sig)
			out := mask(w.buf.String())
			if code != tc.code {
				t.Errorf("gstmini-launch %q interrupted = %d; want %d\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.code, out, errOut.String())
			}
			for _, want := range tc.want {
				if !strings.Contains(out, want) {
					t.Errorf("gstmini-launch %q interrupted: stdout lacks %q:\n%s", tc.args, want, out)
				}
			}
		})
	}
}

func TestLaunch_TraceOutputs(t *testing.T) {
	dir := t.TempDir()
	traceFile, dotFile := filepath.Join(dir, "run.json"), filepath.Join(dir, "run.dot")
	code, out, errOut := launch(t, "-q", "--trace", traceFile, "--dot", dotFile, "--timeline",
		"fakesrc name=src num-buffers=20 ! queue name=q ! fakesink sync=false")
	if code != 0 || errOut != "" {
		t.Fatalf("gstmini-launch --trace --dot --timeline = %d, stderr %q; want 0", code, errOut)
	}
	for _, want := range []string{"timeline ", "src:src", "q:src", "legend:"} {
		if !strings.Contains(out, want) {
			t.Errorf("--timeline output lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(traceFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ TraceEvents []map[string]any }
	if err := json.Unmarshal(data, &doc); err != nil || len(doc.TraceEvents) == 0 {
		t.Errorf("--trace wrote %d events, error %v; want a trace-event JSON file", len(doc.TraceEvents), err)
	}
	dot, err := os.ReadFile(dotFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"digraph pipeline {", "label=\"Queue\\nq\\n[>]\"", " -> ", "[label=\"ANY\"]"} {
		if !strings.Contains(string(dot), want) {
			t.Errorf("--dot output lacks %q:\n%s", want, dot)
		}
	}
	if strings.Contains(string(dot), "trace:") {
		t.Errorf("--dot output shows elements the tracer added:\n%s", dot)
	}
}

// TestLaunch_TeeWithoutQueuesPrerollsForeverAndCtrlCStopsIt runs the line a
// later lesson uses: without a queue per branch the first sink's preroll
// wait holds the tee's push, so the second sink never prerolls and, as
// gst-launch-1.0, gstmini-launch stays at "Pipeline is PREROLLING ...".
// Ctrl-C must still stop it: going to NULL releases the preroll wait.
func TestLaunch_TeeWithoutQueuesPrerollsForeverAndCtrlCStopsIt(t *testing.T) {
	w := &interruptingWriter{sig: make(chan os.Signal, 1), trigger: "Pipeline is PREROLLING ...\n"}
	var errOut bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"fakesrc ! tee name=t ! fakesink  t. ! fakesink"}, w, &errOut, w.sig) }()
	var code int
	select {
	case code = <-done:
	case <-time.After(2 * time.Second):
		t.Fatalf("gstmini-launch did not stop within 2s of Ctrl-C while prerolling; stdout so far:\n%s", w.String())
	}
	out := mask(w.String())
	want := `Setting pipeline to PAUSED ...
Pipeline is PREROLLING ...
handling interrupt.
Interrupt: Stopping pipeline ...
Setting pipeline to NULL ...
Freeing pipeline ...
`
	if code != 0 || strings.ReplaceAll(out, redistribute, "") != want || errOut.String() != "" {
		t.Errorf("gstmini-launch tee without queues, interrupted = %d, stdout:\n%s\nstderr: %q\nwant 0 and stdout (without %q):\n%s"+
			"(it never prerolls: the first fakesink's preroll wait holds the tee's push to the second)",
			code, out, errOut.String(), redistribute, want)
	}
}

// TestLaunch_TeeWithAQueuePerBranchPlaysToEOS is the same line with a queue
// at the head of each branch: both sinks preroll and the run ends in EOS.
func TestLaunch_TeeWithAQueuePerBranchPlaysToEOS(t *testing.T) {
	code, out, errOut := launch(t, "fakesrc num-buffers=10 ! tee name=t ! queue ! fakesink  t. ! queue ! fakesink")
	for _, want := range []string{"Pipeline is PREROLLING ...\n", "Pipeline is PREROLLED ...\n", `Got EOS from element "pipelineN".`} {
		if !strings.Contains(out, want) {
			t.Errorf("gstmini-launch tee with queues: stdout lacks %q:\n%s", want, out)
		}
	}
	if code != 0 || errOut != "" {
		t.Errorf("gstmini-launch tee with queues = %d, stderr %q; want 0", code, errOut)
	}
}

// TestLaunch_TeeBranchesInTimelineAndDot checks that --timeline and --dot
// show both branches of a tee: the tee's request pads exist once the line
// is parsed, before the tracer attaches.
func TestLaunch_TeeBranchesInTimelineAndDot(t *testing.T) {
	dotFile := filepath.Join(t.TempDir(), "tee.dot")
	code, out, errOut := launch(t, "-q", "--timeline", "--dot", dotFile,
		"fakesrc num-buffers=20 ! tee name=t ! queue name=q0 ! fakesink  t. ! queue name=q1 ! fakesink")
	if code != 0 || errOut != "" {
		t.Fatalf("gstmini-launch --timeline --dot with a tee = %d, stderr %q; want 0", code, errOut)
	}
	for _, want := range []string{"q0:src", "q1:src", "q0 level", "q1 level"} {
		if !strings.Contains(out, want) {
			t.Errorf("--timeline output lacks branch row %q:\n%s", want, out)
		}
	}
	dot, err := os.ReadFile(dotFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, re := range []string{`t_\d+_src_0 -> q0_\d+_sink`, `t_\d+_src_1 -> q1_\d+_sink`} {
		if !regexp.MustCompile(re).Match(dot) {
			t.Errorf("--dot output lacks the tee's link %s:\n%s", re, dot)
		}
	}
}
