package provider

import (
	"math"
	"time"
)

// daysLeft is the number of whole days from now until notAfter, as an
// expiry report counts them: 0 on the last day, negative once expired.
func daysLeft(notAfter, now time.Time) int64 {
	return int64(math.Floor(notAfter.Sub(now).Hours() / 24))
}
