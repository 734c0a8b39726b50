package main

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lessonPattern matches the folder of a lesson (docs/LESSON-FORMAT.md).
const lessonPattern = "lesson[0-9]*_*"

// A Lesson is one lesson folder as found on disk.
type Lesson struct {
	Name    string      // folder name, "lesson1_dataflow"
	Dir     string      // absolute path of the folder
	SolDir  string      // absolute path of solutions/<Name>, which may not exist
	Meta    *LessonJSON // nil if lesson.json could not be read
	MetaErr error       // why lesson.json could not be read
	Package string      // package name of the skeleton
	Tests   []TestFunc  // top-level tests, by file then position
	Sources []string    // non-test .go files (base names) that build in this context
	Broken  []string    // Go files that could not be parsed, with the parser's error
}

// A TestFunc is a top-level test function of a lesson.
type TestFunc struct {
	Name string
	File string // base name
	Line int
}

// hasSolution reports whether solutions/<Name> exists.
func (l *Lesson) hasSolution() bool {
	fi, err := os.Stat(l.SolDir)
	return err == nil && fi.IsDir()
}

// testNames returns the lesson's tests in task order: first those of
// lesson.json's tasks, then the others in source order.
func (l *Lesson) testNames() []string {
	found := map[string]bool{}
	for _, t := range l.Tests {
		found[t.Name] = true
	}
	var names []string
	seen := map[string]bool{}
	if l.Meta != nil {
		for _, task := range l.Meta.Tasks {
			for _, name := range task.Tests {
				if found[name] && !seen[name] {
					names = append(names, name)
					seen[name] = true
				}
			}
		}
	}
	for _, t := range l.Tests {
		if !seen[t.Name] {
			names = append(names, t.Name)
			seen[t.Name] = true
		}
	}
	return names
}

// discoverLessons finds the lessons of the module at root: top-level folders
// matching lessonPattern that hold a lesson.json, ordered by number. If only
// is not empty, it keeps the lessons named there ("lesson2_timing" or
// "lesson2"). Folders without lesson.json are skipped with a note.
func discoverLessons(root string, only []string) (lessons []*Lesson, notes []string, err error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, nil, fmt.Errorf("list lessons: %w", err)
	}
	wanted := map[string]bool{}
	for _, name := range only {
		wanted[strings.TrimSuffix(filepath.Base(name), "/")] = true
	}
	matched := map[string]bool{}
	for _, e := range entries {
		if ok, _ := filepath.Match(lessonPattern, e.Name()); !ok || !e.IsDir() {
			continue
		}
		prefix, _, _ := strings.Cut(e.Name(), "_")
		if len(wanted) > 0 && !wanted[e.Name()] && !wanted[prefix] {
			continue
		}
		matched[e.Name()], matched[prefix] = true, true
		dir := filepath.Join(root, e.Name())
		if _, err := os.Stat(filepath.Join(dir, "lesson.json")); errors.Is(err, fs.ErrNotExist) {
			notes = append(notes, fmt.Sprintf("%s has no lesson.json: skipped", e.Name()))
			continue
		}
		l, err := loadLesson(root, e.Name())
		if err != nil {
			return nil, nil, err
		}
		lessons = append(lessons, l)
	}
	for _, name := range only {
		if !matched[strings.TrimSuffix(filepath.Base(name), "/")] {
			return nil, nil, fmt.Errorf("no lesson folder %q in %s", name, root)
		}
	}
	slices.SortFunc(lessons, func(a, b *Lesson) int {
		if d := lessonNumber(a.Name) - lessonNumber(b.Name); d != 0 {
			return d
		}
		return strings.Compare(a.Name, b.Name)
	})
	return lessons, notes, nil
}

// lessonNumber returns N of "lessonN_topic".
func lessonNumber(name string) int {
	digits := strings.TrimPrefix(name, "lesson")
	end := strings.IndexFunc(digits, func(r rune) bool { return !unicode.IsDigit(r) })
	if end >= 0 {
		digits = digits[:end]
	}
	n, _ := strconv.Atoi(digits)
	return n
}

// loadLesson reads the lesson folder name under root: its lesson.json, its
// tests and its source files.
func loadLesson(root, name string) (*Lesson, error) {
	l := &Lesson{
		Name:   name,
		Dir:    filepath.Join(root, name),
		SolDir: filepath.Join(root, "solutions", name),
	}
	l.Meta, l.MetaErr = readLessonJSON(filepath.Join(l.Dir, "lesson.json"))
	entries, err := os.ReadDir(l.Dir)
	if err != nil {
		return nil, fmt.Errorf("read lesson %s: %w", name, err)
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		file := e.Name()
		if e.IsDir() || !strings.HasSuffix(file, ".go") {
			continue
		}
		if ok, err := build.Default.MatchFile(l.Dir, file); err != nil || !ok {
			continue // excluded by build constraints
		}
		f, err := parser.ParseFile(fset, filepath.Join(l.Dir, file), nil, parser.SkipObjectResolution)
		if err != nil {
			l.Broken = append(l.Broken, fmt.Sprintf("%s/%s: %v", name, file, err))
			continue
		}
		if !strings.HasSuffix(file, "_test.go") {
			l.Sources = append(l.Sources, file)
			if l.Package == "" {
				l.Package = f.Name.Name
			}
			continue
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && isTestFunc(fn) {
				l.Tests = append(l.Tests, TestFunc{Name: fn.Name.Name, File: file, Line: fset.Position(fn.Pos()).Line})
			}
		}
	}
	return l, nil
}

// isTestFunc reports whether fn is a top-level test: func TestXxx(t
// *testing.T), where Xxx does not start with a lower-case letter, and not
// TestMain.
func isTestFunc(fn *ast.FuncDecl) bool {
	name := fn.Name.Name
	if fn.Recv != nil || !strings.HasPrefix(name, "Test") || name == "TestMain" {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(name[len("Test"):]); unicode.IsLower(r) {
		return false
	}
	params := fn.Type.Params.List
	if len(params) != 1 || len(params[0].Names) > 1 || fn.Type.TypeParams != nil {
		return false
	}
	star, ok := params[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "T"
}

// packageName returns the package clause of a Go file, or "".
func packageName(path string) string {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly)
	if err != nil {
		return ""
	}
	return f.Name.Name
}
