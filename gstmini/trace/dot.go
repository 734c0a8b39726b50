package trace

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/gstmini/workbook/gstmini"
)

// WriteDot writes the graph of pipeline p in Graphviz's dot language, as
// GST_DEBUG_BIN_TO_DOT_FILE (gst/gstdebugutils.c at 1.22.0) draws it: each
// element a box labelled with its type, name, state and non-default
// properties, holding its pads (source pads red, sink pads blue, with their
// activation mode, flags and task), and an edge for each link. Render it
// with "dot -Tsvg FILE.dot > FILE.svg". A Tracer adds nothing to the
// graph (it wraps pad functions in place). Node names are
// derived from element and pad names, so the output of a given pipeline in
// a given state is always the same.
func WriteDot(w io.Writer, p *gstmini.Pipeline) error {
	bw := bufio.NewWriter(w)
	d := &dotWriter{w: bw, ids: map[*gstmini.Pad]string{}}
	d.printf("digraph pipeline {\n")
	d.printf("  rankdir=LR;\n  fontname=\"sans\";\n  fontsize=\"10\";\n  labelloc=t;\n  nodesep=.1;\n  ranksep=.2;\n")
	d.printf("  label=\"<%s>\\n%s\\n%s\";\n", typeName(p), p.Name(), stateLabel(p))
	d.printf("  node [style=\"filled,rounded\", shape=box, fontsize=\"9\", fontname=\"sans\", margin=\"0.0,0.0\"];\n")
	d.printf("  edge [labelfontsize=\"6\", fontsize=\"9\", fontname=\"monospace\"];\n")
	d.printf("  \n")
	d.printf("  legend [\n    pos=\"0,0!\",\n    margin=\"0.05,0.05\",\n    style=\"filled\",\n")
	d.printf("    label=\"Legend\\lElement-States: [~] void-pending, [0] null, [-] ready, [=] paused, [>] playing\\l" +
		"Pad-Activation: [-] none, [>] push, [<] pull\\lPad-Flags: [b]locked, [f]lushing, [b]locking, [E]OS; upper-case is set\\l" +
		"Pad-Task: [T] has started task, [t] has paused task\\l\",\n  ];\n")
	// GStreamer iterates a bin's children newest first.
	children := slices.Clone(p.Children())
	slices.Reverse(children)
	for i, c := range children {
		d.element(c, i)
	}
	for _, c := range children {
		for _, pad := range c.Base().SrcPads() {
			peer := pad.Peer()
			if peer == nil || d.ids[peer] == "" {
				continue
			}
			d.printf("  %s -> %s [label=\"ANY\"]\n", d.ids[pad], d.ids[peer])
		}
	}
	d.printf("}\n")
	if d.err != nil {
		return d.err
	}
	return bw.Flush()
}

type dotWriter struct {
	w   *bufio.Writer
	ids map[*gstmini.Pad]string
	err error
}

func (d *dotWriter) printf(format string, args ...any) {
	if d.err == nil {
		_, d.err = fmt.Fprintf(d.w, format, args...)
	}
}

// dotID turns a name into a dot identifier.
func dotID(parts ...string) string {
	s := strings.Join(parts, "_")
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

func (d *dotWriter) element(e gstmini.Element, index int) {
	eb := e.Base()
	id := dotID(eb.Name(), fmt.Sprint(index))
	label := []string{typeName(e), eb.Name(), stateLabel(e)}
	for _, prop := range NonDefault(e) {
		label = append(label, dotEscape(prop.Name+"="+prop.Value))
	}
	d.printf("  subgraph cluster_%s {\n", id)
	d.printf("    fontname=\"Bitstream Vera Sans\";\n    fontsize=\"8\";\n    style=\"filled,rounded\";\n    color=black;\n")
	d.printf("    label=\"%s\";\n", strings.Join(label, "\\n"))
	var sinkIDs, srcIDs []string
	for _, dir := range []gstmini.PadDirection{gstmini.PadSink, gstmini.PadSrc} {
		for _, pad := range eb.Pads() {
			if pad.Direction() != dir {
				continue
			}
			pid := dotID(id, pad.Name())
			d.ids[pad] = pid
			fill := "#aaaaff"
			if dir == gstmini.PadSrc {
				fill = "#ffaaaa"
				srcIDs = append(srcIDs, pid)
			} else {
				sinkIDs = append(sinkIDs, pid)
			}
			d.printf("    subgraph cluster_%s {\n      label=\"\";\n      style=\"invis\";\n", pid)
			d.printf("      %s [color=black, fillcolor=\"%s\", label=\"%s\\n%s\", height=\"0.2\", style=\"filled,solid\"];\n",
				pid, fill, dotEscape(pad.Name()), padLabel(pad))
			d.printf("    }\n\n")
		}
	}
	if len(sinkIDs) > 0 && len(srcIDs) > 0 {
		d.printf("    %s -> %s [style=\"invis\"];\n", sinkIDs[0], srcIDs[0])
	}
	fill := "#aaffaa"
	switch f := eb.Flags(); {
	case f&gstmini.ElementFlagSource != 0:
		fill = "#ffaaaa"
	case f&gstmini.ElementFlagSink != 0:
		fill = "#aaaaff"
	}
	d.printf("    fillcolor=\"%s\";\n  }\n\n", fill)
}

// stateLabel is "[>]", or "[=] -> [>]" while a change is pending.
func stateLabel(e gstmini.Element) string {
	cur, pending := e.Base().State()
	mark := func(s gstmini.State) string {
		return "[" + string("~0-=>"[min(int(s), 4)]) + "]"
	}
	if pending == gstmini.StateVoidPending {
		return mark(cur)
	}
	return mark(cur) + " -> " + mark(pending)
}

// padLabel is the pad's activation mode, flags and task: "[>][bfbE][T]".
func padLabel(p *gstmini.Pad) string {
	mode := "[-]"
	if p.IsActive() {
		mode = "[>]"
	}
	flushing, eos := "f", ""
	if p.IsFlushing() {
		flushing = "F"
	}
	if p.IsEOS() {
		eos = "E"
	}
	task := ""
	switch p.TaskState() {
	case gstmini.TaskStarted:
		task = "[T]"
	case gstmini.TaskPaused:
		task = "[t]"
	}
	return mode + "[b" + flushing + "b" + eos + "]" + task
}

// dotEscape escapes a label for a double-quoted dot string.
func dotEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
