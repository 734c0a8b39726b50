package gstmini

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestRegister(t *testing.T) {
	newElem := func(name string) Element { return newParseTestElement(name, nil, nil) }
	cases := []struct {
		description string
		factory     ElementFactory
		wantErr     string // "" for success
		wantIs      error
	}{
		{"a new factory registers", ElementFactory{Name: fmt.Sprintf("rtnew%d", len(Factories())), New: newElem}, "", nil},
		{"a name registered already is refused", ElementFactory{Name: "ptsrc", New: newElem}, `"ptsrc"`, ErrFactoryExists},
		{"an empty name is refused", ElementFactory{New: newElem}, "empty name", nil},
		{"a name unusable on a launch line is refused", ElementFactory{Name: "a b", New: newElem}, "not usable", nil},
		{"a name starting with - is refused", ElementFactory{Name: "-x", New: newElem}, "not usable", nil},
		{"a factory without New is refused", ElementFactory{Name: "rtnonew"}, "New is nil", nil},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			err := Register(tc.factory)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Register(%q) = %v; want nil", tc.factory.Name, err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Register(%q) = %v; want an error containing %q", tc.factory.Name, err, tc.wantErr)
			case tc.wantIs != nil && !errors.Is(err, tc.wantIs):
				t.Fatalf("Register(%q) = %v; want it to wrap %v", tc.factory.Name, err, tc.wantIs)
			}
		})
	}
}

func TestFactory(t *testing.T) {
	f, ok := Factory("ptfilter")
	if !ok || f.Name != "ptfilter" || f.LongName != "Parse test filter" || f.Klass != "Filter" {
		t.Errorf("Factory(%q) = %+v, %t; want the registered ptfilter", "ptfilter", f, ok)
	}
	if _, ok := Factory("nosuchfactory"); ok {
		t.Errorf("Factory(%q) found a factory; want none", "nosuchfactory")
	}
}

func TestFactories_SortedByName(t *testing.T) {
	var names []string
	for _, f := range Factories() {
		names = append(names, f.Name)
	}
	if !slices.IsSorted(names) {
		t.Errorf("Factories() names = %q; want them sorted", names)
	}
	for _, want := range []string{"ptdemux", "ptfilter", "ptmux", "ptsecs", "ptsink", "ptsrc"} {
		if !slices.Contains(names, want) {
			t.Errorf("Factories() names = %q; want %q among them", names, want)
		}
	}
}

func TestMake(t *testing.T) {
	for _, f := range []ElementFactory{
		{Name: "rtx264", New: func(name string) Element { return newParseTestElement(name, nil, nil) }},
		{Name: "rtnil", New: func(string) Element { return nil }},
	} {
		if err := Register(f); err != nil && !errors.Is(err, ErrFactoryExists) { // registered by an earlier -count run
			t.Fatal(err)
		}
	}
	resetDefaultNames(t)
	steps := []struct {
		factory, name string
		want          string // the element's name, or the error's text
	}{
		{"ptsrc", "", "ptsrc0"},
		{"ptsrc", "", "ptsrc1"},
		{"ptsrc", "cam", "cam"}, // an explicit name uses no number
		{"ptsrc", "", "ptsrc2"},
		{"ptsink", "", "ptsink0"}, // one counter per factory
		{"rtx264", "", "rtx264-0"},
		{"rtx264", "", "rtx264-1"},
		{"nosuchfactory", "", `make "nosuchfactory": gstmini: no such element`},
		{"rtnil", "", "the factory returned no element"},
	}
	for _, s := range steps {
		e, err := Make(s.factory, s.name)
		var got string
		if err != nil {
			got = err.Error()
		} else {
			got = e.Base().Name()
		}
		if !strings.Contains(got, s.want) {
			t.Errorf("Make(%q, %q) = %q; want %q", s.factory, s.name, got, s.want)
		}
	}
	if _, err := Make("nosuchfactory", ""); !errors.Is(err, ErrNoSuchElement) {
		t.Errorf("Make(%q) error %v; want it to wrap ErrNoSuchElement", "nosuchfactory", err)
	}
}
