package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/playground/core"
)

// browserOnce makes the browser test run once per test binary whatever
// -count says: it builds the WebAssembly module and starts Chromium.
var browserOnce sync.Once

// chromium returns the path of a Chromium or Chrome binary, or "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// waitFor bounds each wait for the page: the page answers within it or the
// test fails; nothing sleeps.
const waitFor = 60 * time.Second

// TestPlaygroundInChromium serves the built site and drives it in headless
// Chromium as a workshop participant would: the no-queue and the queue
// experiments on the fast clock, a malformed launch line, a trace file. It
// saves a screenshot of each state in $GSTMINI_SCREENSHOTS (CI sets it),
// else in a temporary folder.
func TestPlaygroundInChromium(t *testing.T) {
	ran := true
	browserOnce.Do(func() { ran = false })
	if ran {
		t.Skip("runs once per test binary (it builds the module and starts Chromium)")
	}
	exe := chromium()
	if exe == "" {
		t.Skip("SKIP: no Chromium here (apt-get install chromium); .ci/run installs it, and says so when it cannot")
	}
	dir := t.TempDir()
	info, err := BuildSite(t.Context(), dir)
	require.NoError(t, err, "building the site")
	t.Logf("wasm build %v, main.wasm %d bytes", info.BuildTime, info.WasmSize)
	srv := httptest.NewServer(Handler(dir))
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(1400, 1100),
		chromedp.Flag("disable-dev-shm-usage", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	// Start the browser on ctx itself: a browser started by a first action
	// on a derived context would close when that context ends.
	require.NoError(t, chromedp.Do(ctx), "starting Chromium")

	shots := os.Getenv("GSTMINI_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(shots, 0o755))
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: PNG
		require.NoError(t, err, "screenshot %s", name)
		path := filepath.Join(shots, name+".png")
		require.NoError(t, os.WriteFile(path, png, 0o644))
		t.Logf("screenshot %s", path)
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		c, stop := context.WithTimeout(ctx, waitFor)
		defer stop()
		require.NoError(t, chromedp.Do(c, actions...), what)
	}
	text := func(sel string) string {
		t.Helper()
		c, stop := context.WithTimeout(ctx, waitFor)
		defer stop()
		v, err := chromedp.Run(c, chromedp.Text(sel))
		require.NoError(t, err, "read %s", sel)
		return v
	}
	laneNames := func() []string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#lanes g.lane")].map(g => g.dataset.name)`))
		require.NoError(t, err, "read the lanes")
		return v
	}
	counter := func(factory, name string) int {
		t.Helper()
		v := text(fmt.Sprintf(`#stats tr[data-factory=%q][data-counter=%q] td.value`, factory, name))
		n, err := strconv.Atoi(strings.TrimSpace(v))
		require.NoError(t, err, "counter %s %s = %q", factory, name, v)
		return n
	}

	start := time.Now()
	step("load the page", chromedp.Navigate(srv.URL), chromedp.WaitVisible(`#status[data-status="READY"]`))
	t.Logf("page ready (module loaded) in %v", time.Since(start))
	shot("1-ready")

	step("fast clock on", chromedp.SetAttributeValue(`#fast`, "checked", ""))
	step("run the no-queue experiment", chromedp.Click(`#preset-no-queue`),
		chromedp.WaitVisible(`#status[data-status="EOS"]`))
	assert.Positive(t, counter("livesource", "frames-lost"), "without a queue the camera's goroutine does the uploads and loses frames")
	lanes := laneNames()
	assert.Len(t, lanes, 1, "no queue: one streaming goroutine, the camera's: %v", lanes)
	shot("2-no-queue")

	step("run the queue experiment", chromedp.Click(`#preset-queue`),
		chromedp.WaitVisible(`#status[data-status="PLAYING"]`),
		chromedp.WaitVisible(`#status[data-status="EOS"]`))
	assert.Zero(t, counter("livesource", "frames-lost"), "with a queue the camera loses nothing")
	assert.Equal(t, 600, counter("livesource", "frames-captured"))
	lanes = laneNames()
	assert.Len(t, lanes, 2, "a queue: the camera's goroutine and the queue's: %v", lanes)
	shot("3-queue")

	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.getElementById("line").value = "") === ""`))
	require.NoError(t, err, "clear the line")
	step("type a malformed line",
		chromedp.SendKeys(`#line`, "livesource ! ! fakesink"+kb.Enter),
		chromedp.WaitVisible(`#error`))
	errText := text(`#error`)
	offset, err := chromedp.Run(ctx, chromedp.AttributeValue(`#error`, "data-offset"))
	require.NoError(t, err)
	assert.Contains(t, errText, "pipeline could not be constructed", "the error says what gstmini-launch says")
	assert.Contains(t, errText, "^", "a caret points at the token")
	assert.Equal(t, "13", offset.Value, "the second '!' at byte 13")
	shot("4-error")

	// A trace file as gstmini-launch --trace writes it.
	s, err := core.Start("livesource num-buffers=60 ! queue ! hlssegmenter target-duration=1 ! s3sink upload-latency=300ms", core.Options{Fast: true})
	require.NoError(t, err)
	select {
	case <-s.Done():
	case <-time.After(waitFor):
		s.Stop()
		t.Fatal("the trace run did not end")
	}
	tracePath := filepath.Join(t.TempDir(), "run.json")
	f, err := os.Create(tracePath)
	require.NoError(t, err)
	require.NoError(t, s.WriteTrace(f))
	require.NoError(t, f.Close())
	step("open the trace file", chromedp.SetUploadFiles(`#tracefile`, []string{tracePath}),
		chromedp.WaitVisible(`#status[data-status="TRACE"]`))
	lanes = laneNames()
	require.Len(t, lanes, 2, "the trace's two streaming goroutines: %v", lanes)
	assert.True(t, strings.HasSuffix(lanes[0], ":src") && strings.HasPrefix(lanes[1], "queue"), "lanes %v", lanes)
	shot("5-trace")
}
