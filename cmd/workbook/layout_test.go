package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeFiles creates files (path: content) under root.
func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for path, content := range files {
		full := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLayoutAndSolutionFiles(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"lesson1_flow/lesson.json":            `{"title": "Flow", "tasks": []}`,
		"lesson1_flow/pad.go":                 "package flow\n",
		"lesson1_flow/link.go":                "package flow\n",
		"lesson1_flow/skip.go":                "//go:build ignore\n\npackage flow\n",
		"lesson1_flow/main_test.go":           "package flow\n\nimport \"testing\"\n\nfunc TestMain(m *testing.M) { m.Run() }\n",
		"lesson1_flow/pad_test.go":            "package flow\n\nimport \"testing\"\n\nfunc TestPush(t *testing.T) {}\n",
		"solutions/lesson1_flow/pad.go":       "package other\n",
		"solutions/lesson1_flow/extra.go":     "package flow\n",
		"solutions/lesson1_flow/pad_test.go":  "package flow\n",
		"lesson2_nosolution/lesson.json":      `{"title": "x", "tasks": []}`,
		"lesson2_nosolution/a.go":             "package a\n",
		"lesson3_nojson/a.go":                 "package a\n",
		"lessons_notalesson/lesson.json":      `{}`,
		"solutions/lesson2_nosolution/.keep":  "",
		"solutions/lesson2_nosolution/a.go/x": "", // a directory named a.go is not a file
	})
	lessons, notes, err := discoverLessons(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(lessons) != 2 || lessons[0].Name != "lesson1_flow" || lessons[1].Name != "lesson2_nosolution" {
		t.Fatalf("discoverLessons found %v; want lesson1_flow and lesson2_nosolution", lessons)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "lesson3_nojson has no lesson.json") {
		t.Errorf("notes = %q; want lesson3_nojson skipped", notes)
	}
	l := lessons[0]
	if !slices.Equal(l.Sources, []string{"link.go", "pad.go"}) || len(l.Tests) != 1 || l.Package != "flow" {
		t.Errorf("lesson1_flow: sources %q, tests %v, package %q; want link.go and pad.go, TestPush, flow", l.Sources, l.Tests, l.Package)
	}
	wantProblems := func(got []string, want ...string) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("problems %q; want %d like %q", got, len(want), want)
			return
		}
		for i := range want {
			if !strings.Contains(got[i], want[i]) {
				t.Errorf("problem %d = %q; want it to contain %q", i, got[i], want[i])
			}
		}
	}
	wantProblems(checkLayout(l),
		"lesson1_flow/README.md is missing",
		"main_test.go does not call goleak.VerifyTestMain",
		"solutions/lesson1_flow/ANSWERS.md is missing")
	wantProblems(checkSolutionFiles(l),
		"solutions/lesson1_flow/link.go is missing: the overlay keeps the skeleton's link.go",
		"solutions/lesson1_flow/pad.go is not in package flow",
		"solutions/lesson1_flow/extra.go has no counterpart in lesson1_flow/",
		"solutions/lesson1_flow/pad_test.go: tests belong in the lesson")
	wantProblems(checkSolutionFiles(lessons[1]), "solutions/lesson2_nosolution/a.go is missing")

	overlay := filepath.Join(t.TempDir(), "overlay.json")
	if ok, err := writeOverlay(l, overlay); !ok || err != nil {
		t.Fatalf("writeOverlay = %t, %v; want an overlay", ok, err)
	}
	data, err := os.ReadFile(overlay)
	if err != nil {
		t.Fatal(err)
	}
	var ov struct{ Replace map[string]string }
	if err := json.Unmarshal(data, &ov); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{filepath.Join(l.Dir, "pad.go"): filepath.Join(l.SolDir, "pad.go")}
	if len(ov.Replace) != 1 || ov.Replace[filepath.Join(l.Dir, "pad.go")] != want[filepath.Join(l.Dir, "pad.go")] {
		t.Errorf("overlay = %v; want %v", ov.Replace, want)
	}

	if _, _, err := discoverLessons(root, []string{"lesson9"}); err == nil {
		t.Error("discoverLessons(lesson9) = nil error; want no such lesson")
	}
	if got, _, err := discoverLessons(root, []string{"lesson2"}); err != nil || len(got) != 1 || got[0].Name != "lesson2_nosolution" {
		t.Errorf("discoverLessons(lesson2) = %v, %v; want lesson2_nosolution", got, err)
	}
}
