package trace

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// TimelineOptions configure Timeline.
type TimelineOptions struct {
	// Width is the number of columns of the time axis; 0 means 72.
	Width int
	// From and To bound the time shown; both 0 means from the first event
	// to the end of the last.
	From, To time.Duration
}

// What a streaming goroutine does, one character per column of the
// timeline. When several apply, the first in this list wins.
const (
	stateUpload  = 'U' // uploading: an S3Sink's Render after its sync wait
	stateWait    = 'W' // waiting on the clock in a push: a sink waiting for a buffer's (or EOS's) time
	stateCapture = 'c' // a source's goroutine waiting on the clock outside any push: the next capture slot
	statePush    = 'P' // in a push: downstream elements at work, or blocked on a full queue
	stateIdle    = '.' // none of the above: creating the next buffer, or a queue's goroutine waiting for data
	stateAbsent  = ' ' // before the goroutine's first event or after its last
)

var statePriority = []rune{stateUpload, stateWait, stateCapture, statePush}

var stateNames = map[rune]string{
	stateUpload:  "uploading",
	stateWait:    "waiting on the clock in a push",
	stateCapture: "waiting for the next capture",
	statePush:    "in a push",
	stateIdle:    "idle",
}

type interval struct {
	start, end time.Duration
	state      rune
}

// Timeline renders the recorded events as text: one row per streaming
// goroutine, named after the pad whose task it runs, showing what it does
// in each column of time,
//
//	c  a source waiting on the clock outside a push (for its next capture slot)
//	P  in a push (or a serialized event): downstream elements at work, or blocked on a full queue
//	W  waiting on the clock in a push (a sink waiting for a buffer's or EOS's time)
//	U  uploading (an S3Sink, from its sync wait to its upload message)
//	.  idle (making the next buffer, or a queue's goroutine waiting for data)
//
// (the state that takes most of the column wins; on a tie, U, W, c, P in
// that order), then one row per queue with its level (current-level-buffers,
// the highest in each column, as a bar scaled to the highest level seen),
// a row counting dropped buffers and lost frames per column, and a row
// marking DISCONT buffers (D) and EOS (E). A summary gives each goroutine's
// share of time in each state.
func (t *Tracer) Timeline(o TimelineOptions) string {
	t.mu.Lock()
	events := append([]Event(nil), t.events...)
	var threads []timelineThread
	for _, id := range t.order {
		threads = append(threads, timelineThread{id: id, name: t.threadNameLocked(id), source: t.threads[id].source})
	}
	t.mu.Unlock()
	return renderTimeline(events, threads, o)
}

// timelineThread is a goroutine as the timeline shows it.
type timelineThread struct {
	id     int64
	name   string
	source bool // runs a source's task: its clock waits outside pushes are captures
}

func renderTimeline(events []Event, all []timelineThread, o TimelineOptions) string {
	names := map[int64]string{}
	isSource := map[int64]bool{}
	var order []int64
	for _, th := range all {
		names[th.id], isSource[th.id] = th.name, th.source
		order = append(order, th.id)
	}
	width := o.Width
	if width <= 0 {
		width = 72
	}
	from, to := o.From, o.To
	if from == 0 && to == 0 && len(events) > 0 {
		from, to = events[0].TS, events[0].TS+events[0].Dur
		for _, ev := range events {
			from, to = min(from, ev.TS), max(to, ev.TS+ev.Dur)
		}
		if from > 0 && from < (to-from)/10 {
			from = 0 // start the axis at clock time 0 when the first event is close to it
		}
	}
	// A round column size (1, 2 or 5 times a power of ten nanoseconds), so
	// that the axis reads 0s, 500ms, 1s, ...
	step := niceStep((to - from + time.Duration(width) - 1) / time.Duration(width))
	width = max(1, int((to-from+step-1)/step))
	if o.From == 0 && o.To == 0 {
		to = from + step*time.Duration(width)
	}
	span := to - from
	col := func(i int) (time.Duration, time.Duration) {
		return from + step*time.Duration(i), from + step*time.Duration(i+1)
	}

	// Streaming goroutines: those that chained or waited on the clock.
	perThread, lifetime := laneIntervals(events, isSource)
	var threads []int64
	for _, id := range order {
		if len(perThread[id]) > 0 {
			threads = append(threads, id)
		}
	}
	slices.SortStableFunc(threads, func(a, b int64) int {
		return cmp.Or(cmp.Compare(lifetime[a][0], lifetime[b][0]), strings.Compare(names[a], names[b]))
	})

	// Queue levels, drops and marks.
	type level struct {
		ts    time.Duration
		value int64
	}
	levels := map[string][]level{}
	var queues []string
	drops := make([]int64, width)
	marks := make([]rune, width)
	for i := range marks {
		marks[i] = ' '
	}
	colOf := func(ts time.Duration) int {
		if ts < from || ts > to {
			return -1
		}
		return min(width-1, int((ts-from)*time.Duration(width)/span))
	}
	anyDrop, anyMark := false, false
	for _, ev := range events {
		switch {
		case ev.Phase == Counter && ev.Cat == CatQueue:
			ls, ok := levels[ev.Element]
			if !ok {
				queues = append(queues, ev.Element)
			}
			// Of several samples at one time, the last is the level: the
			// others are passing states of goroutines running at the same
			// clock time (on a test clock), in no particular order.
			if n := len(ls); n > 0 && ls[n-1].ts == ev.TS {
				ls = ls[:n-1]
			}
			levels[ev.Element] = append(ls, level{ev.TS, ev.Value})
		case ev.Cat == CatDrop:
			if c := colOf(ev.TS); c >= 0 {
				drops[c] += ev.Value
				anyDrop = true
			}
		case ev.Cat == CatDiscont || (ev.Cat == CatEOS && ev.Phase == Instant && ev.Name == "EOS"):
			if c := colOf(ev.TS); c >= 0 {
				m := 'D'
				if ev.Cat == CatEOS {
					m = 'E'
				}
				if marks[c] != 'E' {
					marks[c] = m
				}
				anyMark = true
			}
		}
	}

	labelWidth := len("discont/eos")
	for _, id := range threads {
		labelWidth = max(labelWidth, len(names[id]))
	}
	for _, q := range queues {
		labelWidth = max(labelWidth, len(q+" level"))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "timeline %s - %s, one column = %s\n", shortTime(from), shortTime(to), shortTime(span/time.Duration(width)))
	// Time axis: a label every 10 columns.
	axis := []rune(strings.Repeat(" ", width+12))
	ticks := []rune(strings.Repeat(" ", width))
	for c := 0; c < width; c += 10 {
		start, _ := col(c)
		copy(axis[c:], []rune(shortTime(start)))
		ticks[c] = '|'
	}
	fmt.Fprintf(&b, "%-*s  %s\n", labelWidth, "", strings.TrimRight(string(axis), " "))
	fmt.Fprintf(&b, "%-*s  %s\n", labelWidth, "", strings.TrimRight(string(ticks), " "))

	totals := map[int64]map[rune]time.Duration{}
	for _, id := range threads {
		ivs := perThread[id]
		lt := lifetime[id]
		row := make([]rune, width)
		tot := map[rune]time.Duration{}
		for c := 0; c < width; c++ {
			c0, c1 := col(c)
			if c1 <= lt[0] || c0 > lt[1] {
				row[c] = stateAbsent
				continue
			}
			share := stateShares(ivs, max(c0, lt[0]), min(c1, lt[1]))
			for s, d := range share {
				tot[s] += d
			}
			best, bestD := stateIdle, share[stateIdle]
			for _, s := range statePriority {
				if d := share[s]; d > bestD || (d == bestD && d > 0 && best == stateIdle) {
					best, bestD = s, d
				}
			}
			if bestD == 0 {
				// A zero-length column (the clock did not move): show what
				// happened there at all, by priority.
				for _, s := range statePriority {
					if occurs(ivs, c0, c1, s) {
						best = s
						break
					}
				}
			}
			row[c] = best
		}
		totals[id] = tot
		fmt.Fprintf(&b, "%-*s  %s\n", labelWidth, names[id], string(row))
	}
	for _, q := range queues {
		ls := levels[q]
		var top int64
		for _, l := range ls {
			top = max(top, l.value)
		}
		row := make([]rune, width)
		for c := 0; c < width; c++ {
			c0, c1 := col(c)
			row[c] = bar(maxLevel(ls, c0, c1, func(l level) (time.Duration, int64) { return l.ts, l.value }), top)
		}
		fmt.Fprintf(&b, "%-*s  %s  max %d\n", labelWidth, q+" level", string(row), top)
	}
	if anyDrop {
		row := make([]rune, width)
		var total int64
		for c, n := range drops {
			total += n
			switch {
			case n == 0:
				row[c] = ' '
			case n < 10:
				row[c] = rune('0' + n)
			default:
				row[c] = '+'
			}
		}
		fmt.Fprintf(&b, "%-*s  %s  total %d\n", labelWidth, "drops", strings.TrimRight(string(row), " "), total)
	}
	if anyMark {
		fmt.Fprintf(&b, "%-*s  %s\n", labelWidth, "discont/eos", strings.TrimRight(string(marks), " "))
	}
	fmt.Fprintf(&b, "legend: c waiting for the next capture  P in a push  W waiting on the clock in a push  U uploading  . idle\n")
	for _, id := range threads {
		tot := totals[id]
		var all time.Duration
		for _, d := range tot {
			all += d
		}
		if all == 0 {
			continue
		}
		var parts []string
		for _, s := range []rune{stateCapture, statePush, stateWait, stateUpload, stateIdle} {
			switch d := tot[s]; {
			case d == 0:
			case d*100 < all/2:
				parts = append(parts, fmt.Sprintf("%s <1%%", stateNames[s]))
			default:
				parts = append(parts, fmt.Sprintf("%s %d%%", stateNames[s], int((d*100+all/2)/all)))
			}
		}
		fmt.Fprintf(&b, "%s: %s\n", names[id], strings.Join(parts, ", "))
	}
	return b.String()
}

// stateShares returns how long each state holds in [c0, c1): at each
// moment the highest-priority interval covering it, else idle.
func stateShares(ivs []interval, c0, c1 time.Duration) map[rune]time.Duration {
	share := map[rune]time.Duration{}
	if c1 <= c0 {
		return share
	}
	cuts := []time.Duration{c0, c1}
	for _, iv := range ivs {
		if iv.end > c0 && iv.start < c1 {
			cuts = append(cuts, max(iv.start, c0), min(iv.end, c1))
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	for i := 0; i+1 < len(cuts); i++ {
		a, z := cuts[i], cuts[i+1]
		best := stateIdle
		rank := len(statePriority)
		for _, iv := range ivs {
			if iv.start <= a && iv.end >= z {
				if r := slices.Index(statePriority, iv.state); r < rank {
					best, rank = iv.state, r
				}
			}
		}
		share[best] += z - a
	}
	return share
}

// occurs reports whether an interval of state s lies in [c0, c1],
// zero-length ones included.
func occurs(ivs []interval, c0, c1 time.Duration, s rune) bool {
	for _, iv := range ivs {
		if iv.state == s && iv.start <= c1 && iv.end >= c0 {
			return true
		}
	}
	return false
}

// maxLevel returns the highest value of a step function (points sorted by
// time) over [c0, c1): the value in force at c0 and every value set before c1.
func maxLevel[P any](points []P, c0, c1 time.Duration, at func(P) (time.Duration, int64)) int64 {
	var cur, top int64
	for _, p := range points {
		ts, v := at(p)
		if ts <= c0 {
			cur = v
			continue
		}
		if ts >= c1 {
			break
		}
		top = max(top, v)
	}
	return max(top, cur)
}

// bar draws a level as one of eight block heights relative to top; a blank
// is 0.
func bar(v, top int64) rune {
	blocks := []rune("▁▂▃▄▅▆▇█")
	if v <= 0 || top <= 0 {
		return ' '
	}
	i := int((v*int64(len(blocks)) - 1) / top)
	return blocks[min(max(i, 0), len(blocks)-1)]
}

// niceStep returns the smallest 1, 2 or 5 times a power of ten
// nanoseconds that is at least d.
func niceStep(d time.Duration) time.Duration {
	for p := time.Duration(1); ; p *= 10 {
		for _, m := range []time.Duration{1, 2, 5} {
			if m*p >= d {
				return m * p
			}
		}
	}
}

// shortTime formats d with at most millisecond precision: "1.5s", "250ms", "0s".
func shortTime(d time.Duration) string {
	if d >= time.Millisecond || d <= -time.Millisecond {
		d = d.Round(time.Millisecond)
	}
	return d.String()
}
