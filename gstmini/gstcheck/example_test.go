package gstcheck_test

import (
	"context"
	"fmt"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// A goroutine waits on the test clock until 1 s, as a sink waits for a
// buffer's time. The test waits until the wait is pending, checks that
// advancing the clock alone releases nothing, then cranks the clock to the
// wait's time, which releases the waiter with ClockOK and its jitter: the
// wait began at 0 s, 1 s before its time.
func Example() {
	ctx := context.Background()
	clock := gstcheck.NewTestClock()
	id := gstmini.NewSingleShotID(clock, time.Second)

	result := make(chan string)
	go func() {
		ret, jitter := id.Wait()
		result <- fmt.Sprintf("waiter: %v, jitter %v", ret, jitter)
	}()

	pending, err := clock.WaitForNextPendingID(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("pending wait at", gstmini.TimeString(pending.Time()))

	if err := clock.Advance(500 * time.Millisecond); err != nil {
		panic(err)
	}
	fmt.Println("due at", gstmini.TimeString(clock.Time()), "->", clock.ProcessNextClockID())

	if _, err := clock.Crank(ctx); err != nil {
		panic(err)
	}
	fmt.Println("cranked to", gstmini.TimeString(clock.Time()))
	fmt.Println(<-result)

	// Output:
	// pending wait at 0:00:01.000000000
	// due at 0:00:00.500000000 -> <nil>
	// cranked to 0:00:01.000000000
	// waiter: ok, jitter -1s
}
