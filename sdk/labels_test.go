package sdk_test

import (
	"strings"
	"testing"

	"github.com/sendflow/sendflow/sdk"
)

// Every trigger of the default policy has a plain English label, and every
// label names a trigger.
func TestDefaultLabelsCoverTriggers(t *testing.T) {
	e, err := sdk.Default()
	if err != nil {
		t.Fatal(err)
	}
	labels, err := sdk.TriggerLabels()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, n := range e.TriggerNames() {
		names[n] = true
		en := labels[n]["en"]
		if en == "" {
			t.Errorf("%s has no English label", n)
			continue
		}
		if strings.Contains(en, ".") || strings.Contains(en, "_") || en[0] < 'A' || en[0] > 'Z' {
			t.Errorf("%s: label %q should be a plain action starting with a capital", n, en)
		}
	}
	for n := range labels {
		if !names[n] {
			t.Errorf("label for %s, which is not a trigger", n)
		}
	}
	if got := sdk.Label(labels, "ehc.requested", "cy-GB"); got != "Cofnodi'r cais" {
		t.Errorf("Welsh label of ehc.requested = %q", got)
	}
}

// An overlay overrides one label in one locale; the others stay.
func TestOverlayOverridesLabel(t *testing.T) {
	overlay := sdk.PolicySource{Name: "kent.yaml", Data: []byte("id: kent\nlabels:\n  ehc.requested: {en: \"Log the request\"}\n")}
	if _, err := sdk.Compile(overlay); err != nil {
		t.Fatalf("an overlay with labels does not compile: %v", err)
	}
	labels, err := sdk.TriggerLabels(overlay)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ trigger, locale, want string }{
		{"ehc.requested", "en", "Log the request"},
		{"ehc.requested", "cy", "Cofnodi'r cais"},
		{"ehc.decided_to_assess", "en", "Decide to assess"},
		{"ehc.advice_requested", "cy", "Request advice"}, // no Welsh: English
		{"no.such", "en", "no.such"},
	} {
		if got := sdk.Label(labels, c.trigger, c.locale); got != c.want {
			t.Errorf("Label(%s, %s) = %q, want %q", c.trigger, c.locale, got, c.want)
		}
	}
	if _, err := sdk.TriggerLabels(sdk.PolicySource{Name: "bad.yaml", Data: []byte("labels: [1")}); err == nil {
		t.Error("a layer that does not parse gave labels")
	}
}
