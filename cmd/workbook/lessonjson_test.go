package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestValidateLessonJSON(t *testing.T) {
	tests := []TestFunc{{Name: "TestA", File: "a_test.go", Line: 5}, {Name: "TestB", File: "a_test.go", Line: 9}}
	good := func() *LessonJSON {
		return &LessonJSON{Title: "Data flow", Tasks: []Task{
			{Step: 1, Title: "Link", README: "Step 1: Linking", Tests: []string{"TestA"}, Hints: []string{"gentle", "explicit"}},
			{Step: 2, Title: "Push", README: "Step 2: Pushing", Tests: []string{"TestB"}, Hints: []string{"gentle"}},
		}}
	}
	readme := "# Data flow\n## Step 1: Linking\n## Step 2: Pushing\n"
	cases := []struct {
		name   string
		edit   func(m *LessonJSON)
		readme string
		want   []string // one substring per problem, in order
	}{
		{name: "valid", edit: func(*LessonJSON) {}, readme: readme},
		{name: "valid without README", edit: func(*LessonJSON) {}},
		{name: "missing test", edit: func(m *LessonJSON) { m.Tasks[0].Tests = append(m.Tasks[0].Tests, "TestGhost") },
			want: []string{`TestGhost, listed in task 1 (step 1 "Link"), is not a test of the lesson`}},
		{name: "test in no task", edit: func(m *LessonJSON) { m.Tasks[1].Tests = nil },
			want: []string{`task 2 (step 2 "Push") lists no tests`, "TestB (a_test.go:9) belongs to no task"}},
		{name: "test in two tasks", edit: func(m *LessonJSON) { m.Tasks[1].Tests = []string{"TestB", "TestA"} },
			want: []string{`TestA is listed twice: in task 1 (step 1 "Link") and in task 2 (step 2 "Push")`}},
		{name: "empty hint", edit: func(m *LessonJSON) { m.Tasks[0].Hints[1] = "  " },
			want: []string{`hint 2 of task 1 (step 1 "Link") is empty`}},
		{name: "no hints", edit: func(m *LessonJSON) { m.Tasks[1].Hints = nil },
			want: []string{`task 2 (step 2 "Push") has no hints`}},
		{name: "steps out of order", edit: func(m *LessonJSON) { m.Tasks[0].Step = 3 },
			want: []string{`task 2 (step 2 "Push") comes after step 3`}},
		{name: "README section missing", edit: func(m *LessonJSON) { m.Tasks[1].README = "Step 2: Chaining" }, readme: readme,
			want: []string{`points to README section "Step 2: Chaining", which README.md does not contain`}},
		{name: "no title, no tasks", edit: func(m *LessonJSON) { m.Title, m.Tasks = "", nil },
			want: []string{"the title is empty", "there are no tasks", "TestA (a_test.go:5) belongs to no task", "TestB"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := good()
			tc.edit(m)
			got := m.validate(tests, tc.readme)
			if len(got) != len(tc.want) {
				t.Fatalf("validate() = %q; want %d problems like %q", got, len(tc.want), tc.want)
			}
			for i := range got {
				if !strings.Contains(got[i], tc.want[i]) {
					t.Errorf("problem %d = %q; want it to contain %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestReadLessonJSONRejectsUnknownFields(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lesson.json")
	if err := os.WriteFile(path, []byte(`{"title": "x", "tasks": [{"step": 1, "hint": ["typo"]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readLessonJSON(path); err == nil || !strings.Contains(err.Error(), `unknown field "hint"`) {
		t.Errorf("readLessonJSON(misspelt key) = %v; want an unknown field error", err)
	}
}

func TestIsTestFunc(t *testing.T) {
	src := `package p
import "testing"
func TestMain(m *testing.M) {}
func TestPush(t *testing.T) {}
func Test(t *testing.T) {}
func Testify(t *testing.T) {}
func TestHelper(t *testing.T, n int) {}
func TestBench(b *testing.B) {}
func (s suite) TestMethod(t *testing.T) {}
func helper(t *testing.T) {}
func Test_underscore(t *testing.T) {}
`
	f, err := parser.ParseFile(token.NewFileSet(), "p_test.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && isTestFunc(fn) {
			got = append(got, fn.Name.Name)
		}
	}
	want := []string{"TestPush", "Test", "Test_underscore"}
	if !slices.Equal(got, want) {
		t.Errorf("tests found = %q; want %q", got, want)
	}
}
