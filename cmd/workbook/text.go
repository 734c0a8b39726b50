package main

import (
	"fmt"
	"strings"
)

// hasLinePrefix reports whether a line of text starts with prefix.
func hasLinePrefix(text, prefix string) bool { return lineIndex(text, prefix) >= 0 }

// lineIndex returns the index of the first line of text starting with
// prefix, or -1.
func lineIndex(text, prefix string) int {
	for i := 0; i < len(text); {
		if strings.HasPrefix(text[i:], prefix) {
			return i
		}
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return -1
}

// dedent removes the indentation common to all non-empty lines.
func dedent(lines []string) []string {
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if common < 0 || n < common {
			common = n
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if len(l) >= common && common > 0 {
			l = l[common:]
		}
		out[i] = l
	}
	return out
}

// wholeText, as cutLines' max, keeps every line whole: an assertion's
// message and diff are shown as the test wrote them.
const wholeText = -1

// cutLines joins lines, keeping at most max of them and cutting long ones;
// with max = wholeText it keeps them all, uncut.
func cutLines(lines []string, max int) string {
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	if max == wholeText {
		return strings.Join(lines, "\n")
	}
	if len(lines) > max {
		n := len(lines) - max
		lines = append(lines[:max:max], fmt.Sprintf("... (%d more lines)", n))
	}
	for i, l := range lines {
		if len(l) > 240 {
			lines[i] = l[:237] + "..."
		}
	}
	return strings.Join(lines, "\n")
}

// lastLines returns the last n non-empty lines of text.
func lastLines(text string, n int) string {
	var keep []string
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) != "" {
			keep = append(keep, l)
		}
	}
	if len(keep) > n {
		keep = keep[len(keep)-n:]
	}
	return cutLines(keep, n)
}

// firstLine returns the first non-empty line of text, or def.
func firstLine(text, def string) string {
	for _, l := range strings.Split(text, "\n") {
		if t := strings.TrimSpace(l); t != "" {
			return t
		}
	}
	return def
}

func indentAll(lines []string, indent string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = indent + l
	}
	return out
}
