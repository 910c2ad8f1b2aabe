package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// The bulk clocks command stops between cases when its context ends (the
// command cancels it on SIGINT or SIGTERM), printing nothing more.
func TestStreamClocksStopsOnCancel(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	line, err := json.Marshal(e.NewCase(sdk.Facts{}))
	require.NoError(t, err)
	in := strings.Repeat(string(line)+"\n", 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	sum, err := streamClocks(ctx, e, strings.NewReader(in), &out, "2026-01-05", 14, true)
	require.Error(t, err)
	assert.Equal(t, sdk.CodeLimitExceeded, sdk.AsError(err).Code)
	assert.Zero(t, sum.Cases)
	assert.Empty(t, out.String())
	sum, err = streamClocks(context.Background(), e, strings.NewReader(in), &out, "2026-01-05", 14, true)
	require.NoError(t, err)
	assert.Equal(t, 3, sum.Cases)
}
