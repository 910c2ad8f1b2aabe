package sdk

// EventHash exposes the event hash to the external tests, so a tamper test
// can forge a self-consistent chain and show that replay still catches it.
var EventHash = eventHash
