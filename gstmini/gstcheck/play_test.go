package gstcheck_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// TestHarnessPlayAcceptsALiveSourcesNoPreroll pins a known difference:
// gst_harness_play asserts SUCCESS, so a live source (NO_PREROLL on its
// way through PAUSED) aborts a GStreamer test; Harness.Play accepts
// NO_PREROLL as long as the element ends up PLAYING.
func TestHarnessPlayAcceptsALiveSourcesNoPreroll(t *testing.T) {
	src := elements.NewFakeSrc("src")
	assert.NoError(t, src.SetProperty("is-live", true))
	assert.NoError(t, src.SetProperty("num-buffers", 1))
	h := gstcheck.New(t, src)
	h.Play()
	cur, pending := src.State()
	assert.Equal(t, gstmini.StatePlaying, cur)
	assert.Equal(t, gstmini.StateVoidPending, pending)
	h.Pull() // the one buffer, then EOS
}
