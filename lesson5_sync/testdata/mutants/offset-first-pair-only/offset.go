// mutant: only the first pair is measured
package avsync

import "time"

// A Render is one buffer a sink rendered: its running time and the clock
// time it was rendered at.
type Render struct {
	RunningTime time.Duration
	ClockTime   time.Duration
}

// Offset measures how far other runs behind reference: over every running
// time both rendered, the mean of other's clock time minus reference's
// (rounded toward zero), and how many such pairs there were. A positive
// offset means other renders later than reference; with no running time in
// common it returns 0 and 0 pairs. Renders are matched on running time,
// never on their position in the lists: a 30 fps video and a 50 Hz audio
// stream share only every third video frame and every fifth audio buffer
// (running time 0, 100 ms, 200 ms, ...).
//
// Worked example: video rendered running time 0 at clock 1.00 s and 100 ms
// at 1.10 s, audio rendered 0 at 1.04 s, 20 ms at 1.06 s and 100 ms at
// 1.14 s: two pairs, offset 40 ms — the audio is 40 ms late, as it is when
// its pipeline's base time is 40 ms later (the seed's question 1).
func Offset(reference, other []Render) (offset time.Duration, pairs int) {
	at := make(map[time.Duration]time.Duration, len(reference))
	for _, r := range reference {
		at[r.RunningTime] = r.ClockTime
	}
	var sum time.Duration
	for _, r := range other {
		if c, ok := at[r.RunningTime]; ok {
			if pairs == 0 {
				sum = r.ClockTime - c
			}
			pairs++
		}
	}
	if pairs == 0 {
		return 0, 0
	}
	return sum, pairs
}
