package tlsinspect

import "time"

// validitySchedule is the CA/Browser Forum Baseline Requirements' maximum
// validity of a subscriber certificate by issuance date (§6.3.2), latest
// first: Ballot SC-081 (2025) steps it down to 200 days from 2026-03-15, 100
// days from 2027-03-15 and 47 days from 2029-03-15; Ballot SC-31 set 398 days
// from 2020-09-01; Ballot 193, 825 days from 2018-03-01; Ballot 193's
// predecessor, 39 months from 2015-04-01. Earlier certificates are not judged.
var validitySchedule = []struct {
	from time.Time
	days int
}{
	{time.Date(2029, 3, 15, 0, 0, 0, 0, time.UTC), 47},
	{time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC), 100},
	{time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), 200},
	{time.Date(2020, 9, 1, 0, 0, 0, 0, time.UTC), 398},
	{time.Date(2018, 3, 1, 0, 0, 0, 0, time.UTC), 825},
	{time.Date(2015, 4, 1, 0, 0, 0, 0, time.UTC), 1185},
}

// maxValidity returns the longest validity period, in days, the CA/Browser
// Forum allows for a subscriber certificate issued at notBefore, and false
// for a certificate issued before 2015-04-01, which this package does not
// judge. The issuance date is taken to be NotBefore, as the Baseline
// Requirements do.
func maxValidity(notBefore time.Time) (days int, ok bool) {
	for _, s := range validitySchedule {
		if !notBefore.Before(s.from) {
			return s.days, true
		}
	}
	return 0, false
}

// validityDays is a certificate's validity period in days as the Baseline
// Requirements count it: NotAfter and NotBefore are both inclusive, and any
// part of a day of 86,400 seconds counts as a whole day.
func validityDays(notBefore, notAfter time.Time) int {
	d := notAfter.Sub(notBefore) + time.Second
	if d <= 0 {
		return 0
	}
	const day = 24 * time.Hour
	return int((d + day - 1) / day)
}
