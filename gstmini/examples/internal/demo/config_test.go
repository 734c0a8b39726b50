package demo

import (
	"flag"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini/elements"
)

func parse(t *testing.T, args ...string) (Config, error) {
	t.Helper()
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.AddFlags(fs, FlagsAll)
	err := cfg.Parse(fs, args)
	return cfg, err
}

func TestConfig_Defaults(t *testing.T) {
	cfg, err := parse(t)
	require.NoError(t, err)
	assert.Equal(t, DefaultConfig(), cfg)
	assert.Equal(t, 20*time.Second, cfg.Duration)
	assert.Equal(t, 6*time.Second, cfg.TargetDuration)
	assert.Equal(t, uint(10485760), cfg.MaxSizeBytes)
	assert.True(t, cfg.Sync)
	assert.True(t, cfg.Queue)
}

func TestConfig_TargetDurationTakesSecondsOrADuration(t *testing.T) {
	for arg, want := range map[string]time.Duration{"2s": 2 * time.Second, "2": 2 * time.Second, "1500ms": 1500 * time.Millisecond, "6": 6 * time.Second} {
		cfg, err := parse(t, "-target-duration", arg)
		require.NoError(t, err, arg)
		assert.Equal(t, want, cfg.TargetDuration, "-target-duration %s", arg)
	}
	for _, arg := range []string{"0", "-1", "x", "0s", "500us"} {
		_, err := parse(t, "-target-duration", arg)
		assert.Error(t, err, "-target-duration %s", arg)
	}
}

func TestConfig_Leaky(t *testing.T) {
	for arg, want := range map[string]elements.Leaky{"none": elements.LeakyNo, "no": elements.LeakyNo,
		"upstream": elements.LeakyUpstream, "downstream": elements.LeakyDownstream} {
		cfg, err := parse(t, "-leaky", arg)
		require.NoError(t, err)
		got, err := cfg.LeakyMode()
		require.NoError(t, err)
		assert.Equal(t, want, got, "-leaky %s", arg)
	}
	_, err := parse(t, "-leaky", "sideways")
	assert.ErrorIs(t, err, ErrBadLeaky)
}

func TestPercentile_NearestRank(t *testing.T) {
	ds := []time.Duration{5, 1, 4, 2, 3}
	assert.Equal(t, time.Duration(3), percentile(ds, 50))
	assert.Equal(t, time.Duration(5), percentile(ds, 99))
	assert.Equal(t, time.Duration(5), percentile(ds, 100))
	assert.Equal(t, time.Duration(1), percentile(ds, 1))
	assert.Zero(t, percentile(nil, 50))
}
