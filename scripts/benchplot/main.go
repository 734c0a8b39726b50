// Command benchplot draws the SVG plot of scripts/bench.sh: nanoseconds
// per buffer against the number of identity elements and against the
// number of queues in a row, for gstmini-launch and gst-launch-1.0. It
// reads lines "series n tool ns_per_buffer" on stdin (series "identity" or
// "queues"; others are ignored) and writes the SVG to -o.
//
//	go run ./scripts/benchplot -o docs/benchmarks.svg -buffers 1000000 < plot.tsv
package main

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

type point struct{ n, ns float64 }

func main() {
	out := flag.String("o", "", "the SVG file to write")
	buffers := flag.Int("buffers", 1000000, "buffers per run, for the title")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "benchplot: -o FILE is required")
		os.Exit(2)
	}
	data, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchplot:", err)
		os.Exit(1)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchplot:", err)
		os.Exit(1)
	}
	draw(f, data, *buffers)
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "benchplot:", err)
		os.Exit(1)
	}
}

// read returns, per series and tool, the points in order of n.
func read(r io.Reader) (map[string]map[string][]point, error) {
	data := map[string]map[string][]point{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 4 {
			return nil, fmt.Errorf("line %d: want \"series n tool ns\", got %q", line, sc.Text())
		}
		n, err1 := strconv.ParseFloat(f[1], 64)
		ns, err2 := strconv.ParseFloat(f[3], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("line %d: n and ns must be numbers: %q", line, sc.Text())
		}
		if data[f[0]] == nil {
			data[f[0]] = map[string][]point{}
		}
		data[f[0]][f[2]] = append(data[f[0]][f[2]], point{n, ns})
	}
	for _, tools := range data {
		for _, pts := range tools {
			slices.SortFunc(pts, func(a, b point) int { return cmp.Compare(a.n, b.n) })
		}
	}
	return data, sc.Err()
}

var colors = map[string]string{"gstmini-launch": "#1f77b4", "gst-launch-1.0": "#d62728"}

func draw(w io.Writer, data map[string]map[string][]point, buffers int) {
	const panelW, panelH, margin = 440, 300, 60
	panels := []struct{ series, title, xlabel string }{
		{"identity", "through a chain of identity elements", "identity elements"},
		{"queues", "through queues in a row", "queues"},
	}
	width := len(panels)*(panelW+margin) + margin
	height := panelH + 2*margin + 30
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="13">`+"\n", width, height, width, height)
	fmt.Fprintf(w, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(w, `<text x="%d" y="24" font-size="16" font-weight="bold">ns per buffer over %d buffers (wall time / buffers, median of runs)</text>`+"\n", margin, buffers)
	for i, p := range panels {
		x0 := margin + i*(panelW+margin)
		y0 := margin
		tools := data[p.series]
		var maxN, maxNS float64 = 1, 1
		for _, pts := range tools {
			for _, pt := range pts {
				maxN, maxNS = math.Max(maxN, pt.n), math.Max(maxNS, pt.ns)
			}
		}
		// Linear axes: the point is that cost grows linearly with the chain.
		maxNS = niceCeil(maxNS)
		xs := func(n float64) float64 { return float64(x0) + n/maxN*panelW }
		ys := func(ns float64) float64 { return float64(y0+panelH) - ns/maxNS*panelH }
		fmt.Fprintf(w, `<text x="%d" y="%d" font-weight="bold">%s</text>`+"\n", x0, y0-10, p.title)
		fmt.Fprintf(w, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>`+"\n", x0, y0, panelW, panelH)
		for k := 0; k <= 4; k++ {
			v := maxNS * float64(k) / 4
			y := ys(v)
			fmt.Fprintf(w, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#eee"/><text x="%d" y="%.1f" text-anchor="end">%.0f</text>`+"\n", x0, x0+panelW, y, y, x0-6, y+4, v)
		}
		var ns []float64
		for _, pts := range tools {
			for _, pt := range pts {
				if !slices.Contains(ns, pt.n) {
					ns = append(ns, pt.n)
				}
			}
		}
		slices.Sort(ns)
		for _, n := range ns {
			fmt.Fprintf(w, `<text x="%.1f" y="%d" text-anchor="middle">%.0f</text>`+"\n", xs(n), y0+panelH+18, n)
		}
		fmt.Fprintf(w, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", x0+panelW/2, y0+panelH+38, p.xlabel)
		names := make([]string, 0, len(tools))
		for t := range tools {
			names = append(names, t)
		}
		slices.Sort(names)
		for j, t := range names {
			pts := tools[t]
			c := colors[t]
			if c == "" {
				c = "#555"
			}
			var path strings.Builder
			for k, pt := range pts {
				cmd := "L"
				if k == 0 {
					cmd = "M"
				}
				fmt.Fprintf(&path, "%s%.1f,%.1f ", cmd, xs(pt.n), ys(pt.ns))
			}
			fmt.Fprintf(w, `<path d="%s" fill="none" stroke="%s" stroke-width="2.5"/>`+"\n", strings.TrimSpace(path.String()), c)
			for _, pt := range pts {
				fmt.Fprintf(w, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"><title>%s, %.0f: %.0f ns/buffer</title></circle>`+"\n", xs(pt.n), ys(pt.ns), c, t, pt.n, pt.ns)
			}
			fmt.Fprintf(w, `<rect x="%d" y="%d" width="14" height="4" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n", x0+12, y0+14+j*18, c, x0+32, y0+19+j*18, t)
		}
	}
	fmt.Fprintln(w, "</svg>")
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
