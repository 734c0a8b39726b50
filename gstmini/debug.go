package gstmini

import (
	"context"
	"log/slog"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
)

// Debug levels, as GST_DEBUG numbers them. GSTMINI_DEBUG uses the same
// numbers: 1 ERROR, 2 WARNING, 3 FIXME, 4 INFO, 5 DEBUG, 6 LOG, 7 TRACE.
const (
	LevelError   = slog.LevelError
	LevelWarning = slog.LevelWarn
	LevelFixme   = slog.LevelWarn - 2
	LevelInfo    = slog.LevelInfo
	LevelDebug   = slog.LevelDebug
	LevelLog     = slog.LevelDebug - 4
	LevelTrace   = slog.LevelDebug - 8
	levelNone    = slog.LevelError + 100
)

// Debug categories used by the core; elements log under their factory name.
const (
	categoryPad     = "GST_PADS"
	categoryStates  = "GST_STATES"
	categoryBus     = "GST_BUS"
	categoryElement = "GST_ELEMENT_PADS"
	categoryClock   = "GST_CLOCK"
	categoryEvent   = "GST_EVENT"
)

var gstLevels = []slog.Level{levelNone, LevelError, LevelWarning, LevelFixme, LevelInfo, LevelDebug, LevelLog, LevelTrace}

type debugRule struct {
	pattern string
	level   slog.Level
}

// debugConfig is the parsed GSTMINI_DEBUG; it is read once, like GST_DEBUG
// is read at gst_init.
var debugConfig = sync.OnceValue(func() []debugRule {
	return parseDebugSpec(os.Getenv("GSTMINI_DEBUG"))
})

// parseDebugSpec parses a GST_DEBUG-style specification: comma-separated
// "category:level" pairs where category may use '*' wildcards and level is
// 0-7 or a name (ERROR, WARNING, FIXME, INFO, DEBUG, LOG, TRACE). A bare
// level applies to every category. Later rules win. Malformed rules are
// ignored, as GStreamer ignores them.
func parseDebugSpec(spec string) []debugRule {
	var rules []debugRule
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		cat, lvl := "*", part
		if i := strings.LastIndexByte(part, ':'); i >= 0 {
			cat, lvl = part[:i], part[i+1:]
		}
		level, ok := parseDebugLevel(lvl)
		if !ok {
			continue
		}
		rules = append(rules, debugRule{pattern: cat, level: level})
	}
	return rules
}

func parseDebugLevel(s string) (slog.Level, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n >= len(gstLevels) {
			return 0, false
		}
		return gstLevels[n], true
	}
	names := []string{"NONE", "ERROR", "WARNING", "FIXME", "INFO", "DEBUG", "LOG", "TRACE"}
	for i, n := range names {
		if strings.EqualFold(s, n) {
			return gstLevels[i], true
		}
	}
	return 0, false
}

func categoryLevel(rules []debugRule, category string) slog.Level {
	level := levelNone
	for _, r := range rules {
		if ok, _ := path.Match(strings.ToLower(r.pattern), strings.ToLower(category)); ok {
			level = r.level
		}
	}
	return level
}

// categoryHandler drops records below its category's level.
type categoryHandler struct {
	slog.Handler
	level slog.Level
}

func (h categoryHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h categoryHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return categoryHandler{Handler: h.Handler.WithAttrs(as), level: h.level}
}

func (h categoryHandler) WithGroup(name string) slog.Handler {
	return categoryHandler{Handler: h.Handler.WithGroup(name), level: h.level}
}

var loggers sync.Map // category -> *slog.Logger

// logger returns the logger of a debug category. Records go to standard
// error through the standard library's text handler, with the category as
// an attribute, when GSTMINI_DEBUG enables them.
func logger(category string) *slog.Logger {
	if l, ok := loggers.Load(category); ok {
		return l.(*slog.Logger)
	}
	level := categoryLevel(debugConfig(), category)
	base := slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: LevelTrace}).
		WithAttrs([]slog.Attr{slog.String("category", category)})
	l := slog.New(categoryHandler{Handler: base, level: level})
	actual, _ := loggers.LoadOrStore(category, l)
	return actual.(*slog.Logger)
}

// Logger returns the logger of debug category category, for elements
// written outside this package (GST_DEBUG_CATEGORY). It logs what the
// GSTMINI_DEBUG environment variable enables, for example
// GSTMINI_DEBUG=queue:5,GST_STATES:4 or GSTMINI_DEBUG=3.
func Logger(category string) *slog.Logger { return logger(category) }
