package core

import (
	"io"

	"github.com/gstmini/workbook/gstmini/trace"
)

// LoadTrace reads a trace written by gstmini-launch --trace (or
// trace.Tracer.WriteJSON) into the View the page draws for a run.
func LoadTrace(r io.Reader) (View, error) {
	v, err := trace.ReadJSON(r)
	if err != nil {
		return View{}, err
	}
	return EncodeView(v), nil
}
