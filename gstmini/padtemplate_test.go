package gstmini

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRequestTemplateNamesMatchAsGStreamerChecksThem(t *testing.T) {
	cases := []struct {
		templ, name string
		want        bool
	}{
		{"src_%u", "src_%u", true},
		{"src_%u", "src_0", true},
		{"src_%u", "src_4294967295", true},
		{"src_%u", "src_4294967296", false},
		{"src_%u", "src_-1", false},
		{"src_%u", "src_x", false},
		{"src_%u", "src_", false},
		{"src_%u", "sink_0", false},
		{"sink_%d", "sink_-3", true},
		{"video_%u_%u", "video_1_2", true},
		{"video_%u_%u", "video_1", false},
		{"src_%s", "src_anything", true},
		{"sink", "sink", true},
		{"sink", "sink_0", false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, matchesNameTemplate(tc.templ, tc.name),
			"matchesNameTemplate(%q, %q): gst_element_is_valid_request_template_name (gst/gstelement.c:1025)", tc.templ, tc.name)
	}
}
