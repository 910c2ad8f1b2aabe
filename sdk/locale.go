package sdk

import "strings"

// DefaultLocale is the language of GuardDef.Reason.
const DefaultLocale = "en"

// locales lists the locales the SDK knows; Locales returns a copy.
var locales = [...]string{"en", "cy"}

// Locales lists the locales the SDK knows: English and Welsh. A guard may
// give its reason in any of them (GuardDef.Reasons); any other locale asked
// for falls back to English. The list is a copy.
func Locales() []string { return append([]string(nil), locales[:]...) }

// normLocale reduces "cy-GB", "CY" or "cy_GB" to "cy"; empty means English.
func normLocale(l string) string {
	l = strings.ToLower(strings.TrimSpace(l))
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	if l == "" || len(l) > 8 {
		return DefaultLocale
	}
	return l
}

// reasonIn is the guard's reason in locale, falling back to English.
func reasonIn(g GuardDef, locale string) string {
	if l := normLocale(locale); l != DefaultLocale {
		if r := g.Reasons[l]; r != "" {
			return r
		}
	}
	return g.Reason
}

func knownLocale(l string) bool {
	for _, k := range locales {
		if k == l {
			return true
		}
	}
	return false
}
