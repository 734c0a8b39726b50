package gstmini

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type propElement struct {
	ElementBase
	buffers uint64
	offset  time.Duration
	mode    int
	on      bool
}

func newPropElement() *propElement {
	e := &propElement{}
	e.Init(e, "q0")
	e.InstallProperty(UintProperty("max-size-buffers", "Max buffers", "guint", 0, 4294967295, 200,
		func() uint64 { return e.buffers }, func(v uint64) { e.buffers = v }))
	e.InstallProperty(TimeProperty("ts-offset", "Offset", "gint64", -time.Hour, time.Hour, 0,
		func() time.Duration { return e.offset }, func(v time.Duration) { e.offset = v }))
	e.InstallProperty(EnumProperty("leaky", "Leak mode", "GstQueueLeaky",
		[]EnumValue{{0, "no", "Not Leaky"}, {1, "upstream", "Leaky on upstream (new buffers)"}, {2, "downstream", "Leaky on downstream (old buffers)"}},
		0, func() any { return e.mode }, func(v int) { e.mode = v }))
	e.InstallProperty(BoolProperty("sync", "Sync", true, func() bool { return e.on }, func(v bool) { e.on = v }))
	ro := UintProperty("current-level-buffers", "Level", "guint", 0, 4294967295, 0, func() uint64 { return 7 }, nil)
	ro.Flags = PropReadable
	e.InstallProperty(ro)
	return e
}

func TestSetPropertyAcceptsGoValuesAndLaunchLineStrings(t *testing.T) {
	e := newPropElement()
	cases := []struct {
		name  string
		value any
		check func() bool
	}{
		{"max-size-buffers", 3, func() bool { return e.buffers == 3 }},
		{"max-size-buffers", "5", func() bool { return e.buffers == 5 }},
		{"max-size-buffers", uint32(9), func() bool { return e.buffers == 9 }},
		{"ts-offset", 500 * time.Millisecond, func() bool { return e.offset == 500*time.Millisecond }},
		{"ts-offset", "2s", func() bool { return e.offset == 2*time.Second }},
		{"ts-offset", "1000000000", func() bool { return e.offset == time.Second }},
		{"ts-offset", int64(-5), func() bool { return e.offset == -5 }},
		{"leaky", "downstream", func() bool { return e.mode == 2 }},
		{"leaky", 1, func() bool { return e.mode == 1 }},
		{"leaky", "2", func() bool { return e.mode == 2 }},
		{"leaky", "Not Leaky", func() bool { return e.mode == 0 }},
		{"sync", "false", func() bool { return !e.on }},
		{"sync", true, func() bool { return e.on }},
	}
	for _, tc := range cases {
		require.NoError(t, e.SetProperty(tc.name, tc.value), "SetProperty(%q, %#v)", tc.name, tc.value)
		assert.True(t, tc.check(), "SetProperty(%q, %#v) did not set the value", tc.name, tc.value)
	}
	v, err := e.Property("current-level-buffers")
	require.NoError(t, err)
	assert.Equal(t, uint64(7), v)
}

func TestSetPropertyErrorsNameElementPropertyValueAndAllowedValues(t *testing.T) {
	e := newPropElement()
	cases := []struct {
		name   string
		value  any
		target error
		parts  []string
	}{
		{"max-size-buffers", -1, ErrBadPropertyValue, []string{`"q0"`, `"max-size-buffers"`, "-1", "0 - 4294967295"}},
		{"leaky", "sideways", ErrBadPropertyValue, []string{`"leaky"`, "sideways", "(0) no", "(1) upstream", "(2) downstream"}},
		{"ts-offset", "soon", ErrBadPropertyValue, []string{`"ts-offset"`, "soon"}},
		{"sync", "maybe", ErrBadPropertyValue, []string{"true or false"}},
		{"max-size-bufers", 1, ErrUnknownProperty, []string{`"max-size-bufers"`, `"q0"`}},
		{"current-level-buffers", 1, ErrReadOnlyProperty, []string{`"current-level-buffers"`}},
	}
	for _, tc := range cases {
		err := e.SetProperty(tc.name, tc.value)
		require.Error(t, err, "SetProperty(%q, %#v) must fail", tc.name, tc.value)
		assert.True(t, errors.Is(err, tc.target), "SetProperty(%q, %#v) = %v; want %v", tc.name, tc.value, err, tc.target)
		for _, p := range tc.parts {
			assert.Contains(t, err.Error(), p, "the error says what was wrong and what is allowed")
		}
	}
	assert.Equal(t, uint64(0), e.buffers, "a refused value changes nothing")
}

func TestDebugSpecFollowsGstDebugRules(t *testing.T) {
	rules := parseDebugSpec("2,queue:5,GST_*:INFO,bad:level,")
	assert.Equal(t, LevelWarning, categoryLevel(rules, "livesource"), "a bare level applies to every category")
	assert.Equal(t, LevelDebug, categoryLevel(rules, "queue"))
	assert.Equal(t, LevelInfo, categoryLevel(rules, "GST_STATES"), "wildcards match")
	assert.Equal(t, slog.Level(levelNone), categoryLevel(parseDebugSpec(""), "queue"), "nothing logs by default")
	h := categoryHandler{Handler: slog.DiscardHandler, level: LevelInfo}
	assert.False(t, h.Enabled(context.Background(), LevelDebug))
	assert.True(t, h.WithAttrs(nil).Enabled(context.Background(), LevelWarning), "derived handlers keep the level")
}

func TestBusPopFilteredDiscardsOtherMessagesAndHonoursContext(t *testing.T) {
	bus := NewBus()
	e := newTestElement("e")
	bus.Post(NewInfoMessage(e, errors.New("hello"), ""))
	bus.Post(NewEOSMessage(e))
	m, err := bus.PopFiltered(context.Background(), MessageEOS)
	require.NoError(t, err)
	assert.Equal(t, MessageEOS, m.Type)
	assert.False(t, bus.HavePending(), "the INFO before EOS was discarded, as gst_bus_timed_pop_filtered does")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = bus.PopFiltered(ctx, MessageEOS)
	assert.ErrorIs(t, err, context.Canceled)

	got := make(chan *Message, 1)
	go func() {
		m, _ := bus.PopFiltered(context.Background(), MessageError)
		got <- m
	}()
	bus.Post(NewErrorMessage(e, errors.New("boom"), "debug"))
	m = recv(t, got, "the error message")
	assert.Equal(t, "boom", m.Err.Error())
	assert.Contains(t, m.String(), `error from "e": boom (debug)`)
}
