package lift

// SetMaxMeetings lowers the meeting cap for a test; it returns the undo.
func SetMaxMeetings(n int) func() {
	old := maxMeetings
	maxMeetings = n
	return func() { maxMeetings = old }
}
