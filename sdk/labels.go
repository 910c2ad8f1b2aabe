package sdk

// Trigger labels: the words a service shows for each trigger
// (Policy.Labels). They are read from the policy layers, not compiled:
// words are not law, so they never change a policy's hash or an outcome.

// TriggerLabels is the label of each trigger by locale ("en", "cy") for
// the embedded default policy with the given overlays on top, in the order
// Compile takes them. A later layer's label replaces an earlier one's for
// that trigger and locale only; empty labels are ignored. It reports a
// layer that does not parse as Compile would (invalid_policy), but checks
// nothing else: labels for triggers the compiled policy lacks are
// returned as given (an engine's TriggerNames says which exist).
func TriggerLabels(sources ...PolicySource) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	loadDefault()
	if defaultGenOK {
		var def map[string]map[string]string
		if err := jsonUnmarshal([]byte(genDefault.labelsJSON), &def); err != nil {
			return nil, &Error{Code: CodeInternal, Message: "the default policy's labels do not decode: " + err.Error()}
		}
		mergeLabels(out, def)
	} else {
		p, err := parsePolicy(PolicySource{Name: "default.yaml", Data: defaultPolicyYAML})
		if err != nil {
			return nil, err
		}
		mergeLabels(out, p.Labels)
	}
	for _, s := range sources {
		p, err := parsePolicy(s)
		if err != nil {
			return nil, err
		}
		mergeLabels(out, p.Labels)
	}
	return out, nil
}

// Label is trigger's label in locale from labels (as TriggerLabels
// returns), falling back to English, then to the trigger id itself.
func Label(labels map[string]map[string]string, trigger, locale string) string {
	byLocale := labels[trigger]
	if s := byLocale[normLocale(locale)]; s != "" {
		return s
	}
	if s := byLocale[DefaultLocale]; s != "" {
		return s
	}
	return trigger
}

// mergeLabels copies the non-empty labels of in over out, one trigger and
// locale at a time.
func mergeLabels(out, in map[string]map[string]string) {
	for trig, byLocale := range in {
		for loc, s := range byLocale {
			if s == "" {
				continue
			}
			if out[trig] == nil {
				out[trig] = map[string]string{}
			}
			out[trig][normLocale(loc)] = s
		}
	}
}
