package sdk_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sendflow/sendflow/sdk"
)

// Codes, Locales and ClockStates return copies: a caller cannot change
// what the next caller sees.
func TestListsAreCopies(t *testing.T) {
	sdk.Codes()[0] = "changed"
	assert.Equal(t, sdk.CodeInvalidCase, sdk.Codes()[0])
	sdk.Locales()[0] = "changed"
	assert.Equal(t, []string{"en", "cy"}, sdk.Locales())
	sdk.ClockStates()[0] = "changed"
	assert.Equal(t, sdk.ClockRunning, sdk.ClockStates()[0])
}
