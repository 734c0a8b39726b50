package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// runReset is the reset command: it puts a lesson's skeleton files, or one
// of them, back as shipped (as committed at -ref, HEAD by default), after
// asking, unless -y, before it discards the learner's changes.
func runReset(c commandContext, args []string) int {
	fs := c.flags("reset")
	yes := fs.Bool("y", false, "discard changes without asking")
	ref := fs.String("ref", "HEAD", "the git revision that holds the lessons as shipped")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(c.stderr, "usage: workbook reset [-y] [-ref REV] lesson[/file.go]")
		return exitError
	}
	lessonName, file, _ := strings.Cut(fs.Arg(0), "/")
	lessons, _, err := discoverLessons(c.root, []string{lessonName})
	if err != nil {
		fmt.Fprintf(c.stderr, "workbook reset: %v\n", err)
		return exitError
	}
	l := lessons[0]
	files := l.Sources
	if file != "" {
		if !slices.Contains(l.Sources, file) {
			fmt.Fprintf(c.stderr, "workbook reset: %s is not a file of %s to reset (its files: %s)\n", file, l.Name, strings.Join(l.Sources, ", "))
			return exitError
		}
		files = []string{file}
	}
	type change struct {
		path     string
		original []byte
	}
	var changed []change
	for _, f := range files {
		rel := filepath.ToSlash(filepath.Join(l.Name, f))
		original, err := gitShow(c.root, *ref, rel)
		if err != nil {
			fmt.Fprintf(c.stderr, "workbook reset: %v\n", err)
			return exitError
		}
		path := filepath.Join(l.Dir, f)
		if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, original) {
			continue
		}
		changed = append(changed, change{path, original})
	}
	if len(changed) == 0 {
		fmt.Fprintf(c.stdout, "%s: already as shipped, nothing to reset\n", fs.Arg(0))
		return exitOK
	}
	var names []string
	for _, ch := range changed {
		names = append(names, filepath.Base(ch.path))
	}
	if !*yes {
		fmt.Fprintf(c.stdout, "reset %s of %s to the skeleton as shipped? Your changes to them are lost. [y/N] ", strings.Join(names, ", "), l.Name)
		answer, _ := bufio.NewReader(c.stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(c.stdout, "nothing reset")
			return exitFailed
		}
	}
	for _, ch := range changed {
		if err := os.WriteFile(ch.path, ch.original, 0o644); err != nil {
			fmt.Fprintf(c.stderr, "workbook reset: %v\n", err)
			return exitError
		}
	}
	fmt.Fprintf(c.stdout, "reset %s of %s\n", strings.Join(names, ", "), l.Name)
	return exitOK
}

// gitShow returns the content of path (relative to the module root, with
// slashes) at revision ref.
func gitShow(root, ref, path string) ([]byte, error) {
	cmd := exec.Command("git", "show", ref+":"+path)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("the skeleton as shipped: git show %s:%s: %v: %s (reset needs the lesson inside its git clone)",
			ref, path, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
