package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// checkLessonJSON returns what is wrong with the lesson's lesson.json.
func checkLessonJSON(l *Lesson) []string {
	if l.MetaErr != nil {
		return []string{l.MetaErr.Error()}
	}
	readme, _ := os.ReadFile(filepath.Join(l.Dir, "README.md"))
	return l.Meta.validate(l.Tests, string(readme))
}

// checkLayout returns how the lesson's folder departs from the layout of
// docs/LESSON-FORMAT.md, apart from lesson.json and the solution's Go files.
func checkLayout(l *Lesson) []string {
	var problems []string
	problems = append(problems, l.Broken...)
	if !fileExists(filepath.Join(l.Dir, "README.md")) {
		problems = append(problems, l.Name+"/README.md is missing")
	}
	if main, err := os.ReadFile(filepath.Join(l.Dir, "main_test.go")); err != nil {
		problems = append(problems, l.Name+"/main_test.go is missing (TestMain with goleak.VerifyTestMain)")
	} else if !strings.Contains(string(main), "goleak.VerifyTestMain") {
		problems = append(problems, l.Name+"/main_test.go does not call goleak.VerifyTestMain")
	}
	if len(l.Sources) == 0 {
		problems = append(problems, l.Name+" has no skeleton .go files")
	}
	if len(l.Tests) == 0 {
		problems = append(problems, l.Name+" has no tests")
	}
	if l.hasSolution() && !fileExists(filepath.Join(l.SolDir, "ANSWERS.md")) {
		problems = append(problems, "solutions/"+l.Name+"/ANSWERS.md is missing")
	}
	return problems
}

// checkSolutionFiles returns how solutions/<lesson> departs from the
// lesson: every non-test .go file of the lesson has a counterpart of the
// same name and package, and there is nothing else to overlay.
func checkSolutionFiles(l *Lesson) []string {
	sol := "solutions/" + l.Name
	if !l.hasSolution() {
		return []string{sol + " does not exist"}
	}
	var problems []string
	for _, f := range l.Sources {
		path := filepath.Join(l.SolDir, f)
		switch {
		case !fileExists(path):
			problems = append(problems, fmt.Sprintf("%s/%s is missing: the overlay keeps the skeleton's %s", sol, f, f))
		case l.Package != "" && packageName(path) != l.Package:
			problems = append(problems, fmt.Sprintf("%s/%s is not in package %s", sol, f, l.Package))
		}
	}
	entries, err := os.ReadDir(l.SolDir)
	if err != nil {
		return append(problems, fmt.Sprintf("read %s: %v", sol, err))
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir() || !strings.HasSuffix(name, ".go"):
		case strings.HasSuffix(name, "_test.go"):
			problems = append(problems, fmt.Sprintf("%s/%s: tests belong in the lesson, not in its solution", sol, name))
		case !slices.Contains(l.Sources, name):
			problems = append(problems, fmt.Sprintf("%s/%s has no counterpart in %s/: the overlay only replaces files of the same name", sol, name, l.Name))
		}
	}
	return problems
}

// writeOverlay writes the -overlay file that lays the solution over the
// lesson: {"Replace": {"<lesson>/<f>.go": "<solutions/lesson>/<f>.go"}} for
// every source file with a counterpart. It returns false if there is none.
func writeOverlay(l *Lesson, path string) (bool, error) {
	replace := solutionReplacements(l)
	if len(replace) == 0 {
		return false, nil
	}
	data, err := json.MarshalIndent(map[string]any{"Replace": replace}, "", "\t")
	if err != nil {
		return false, fmt.Errorf("encode overlay of %s: %w", l.Name, err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return false, fmt.Errorf("write overlay of %s: %w", l.Name, err)
	}
	return true, nil
}

func fileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir()
}

// solutionReplacements maps each lesson file that has a solution file to
// it, as an overlay's Replace does.
func solutionReplacements(l *Lesson) map[string]string {
	replace := map[string]string{}
	for _, f := range l.Sources {
		if sol := filepath.Join(l.SolDir, f); fileExists(sol) {
			replace[filepath.Join(l.Dir, f)] = sol
		}
	}
	return replace
}
