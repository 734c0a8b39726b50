package elements

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
)

func TestParseLaunchRequestsATeePadPerBranch(t *testing.T) {
	line := "fakesrc num-buffers=10 ! tee name=t ! queue ! fakesink name=a  t. ! queue ! fakesink name=b"
	p, err := gstmini.ParseLaunch(line)
	require.NoError(t, err, "ParseLaunch(%q): gst-launch-1.0 requests a tee pad for each link (gst_element_get_compatible_pad)", line)
	tee := p.ByName("t").(*Tee)
	var links []string
	for _, pad := range tee.SrcPads() {
		require.NotNil(t, pad.Peer(), "tee pad %s is linked", pad)
		links = append(links, pad.Name()+" -> "+pad.Peer().String())
	}
	assert.Len(t, links, 2, "one request pad per branch")
	assert.Equal(t, "src_0", tee.SrcPads()[0].Name())
	assert.Equal(t, "src_1", tee.SrcPads()[1].Name())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, p.Run(ctx))
	for _, name := range []string{"a", "b"} {
		assert.Equal(t, uint64(10), p.ByName(name).(*FakeSink).Rendered(), "sink %s renders every buffer the tee copied to its branch", name)
	}
}

func TestParseLaunchNamedTeeRequestPads(t *testing.T) {
	p, err := gstmini.ParseLaunch("tee name=t  t.src_3 ! fakesink  t.src_%u ! fakesink")
	require.NoError(t, err)
	var names []string
	for _, pad := range p.ByName("t").Base().SrcPads() {
		names = append(names, pad.Name())
	}
	assert.Equal(t, []string{"src_3", "src_4"}, names,
		"x.src_3 requests that pad, x.src_%%u the next number (gst_element_link_pads_full, gst/gstutils.c:1828)")
}

func TestParseLaunchTeePadErrors(t *testing.T) {
	_, err := gstmini.ParseLaunch("tee name=t  t.sink_%u ! fakesink")
	require.ErrorIs(t, err, gstmini.ErrLink)
	assert.ErrorContains(t, err, `could not link t to fakesink`)
	assert.ErrorContains(t, err, `t has no pad named "sink_%u" (its pads: sink; its request pad templates: src_%u)`)

	_, err = gstmini.ParseLaunch("fakesrc name=s ! fakesink  s. ! fakesink")
	require.ErrorIs(t, err, gstmini.ErrLink)
	assert.ErrorContains(t, err, "to branch, use a tee")
}
