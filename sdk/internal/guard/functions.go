package guard

import (
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// allowedBuiltins are the only expr built-ins a guard may call. Everything
// that reads the wall clock or builds data that can grow (map, reduce,
// repeat, concat, sort, now, date parsing) is left out: a guard asks a
// yes/no question of the case, it never needs to build new lists.
var allowedBuiltins = []string{
	"len", "all", "none", "any", "one", "count", "filter", "find", "sum",
	"abs", "ceil", "floor", "round", "int", "float", "string", "lower", "upper",
	"trim", "trimPrefix", "trimSuffix", "hasPrefix", "hasSuffix", "first", "last", "max", "min", "keys",
}

// Builtins lists the expr built-ins a guard may call (a copy).
func Builtins() []string { return slices.Clone(allowedBuiltins) }

// MaxNodes bounds the size of one expression.
const MaxNodes = 400

// MaxExprLength bounds the source of one expression, in bytes.
const MaxExprLength = 4096

// Options are the options every expression is compiled with, after its
// environment (expr.Env): the node limit, the allowed built-ins and the
// calendar functions, which read the policy's bank holidays h.
func Options(h *calendar.Holidays) []expr.Option {
	opts := []expr.Option{
		expr.DisableAllBuiltins(),
		expr.MaxNodes(MaxNodes),
	}
	for _, b := range allowedBuiltins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	opts = append(opts, dateArithmetic()...)
	opts = append(opts, workingDayArithmetic(h)...)
	opts = append(opts, dateComparisons()...)
	opts = append(opts, ageFunctions()...)
	return append(opts, dayFunctions(h)...)
}

// dateArg reads a guard's date argument.
func dateArg(s any) (calendar.Date, error) { return calendar.ParseDate(s.(string)) }

// dateArgs reads a guard function's two date arguments.
func dateArgs(p []any) (calendar.Date, calendar.Date, error) {
	a, err := dateArg(p[0])
	if err != nil {
		return a, calendar.Date{}, err
	}
	b, err := dateArg(p[1])
	return a, b, err
}

// dateArithmetic: add_days, add_weeks and add_months (date, n) -> date.
func dateArithmetic() []expr.Option {
	dateOp := func(name string, f func(calendar.Date, int) calendar.Date) expr.Option {
		return expr.Function(name, func(p ...any) (any, error) {
			d, err := dateArg(p[0])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			n := p[1].(int)
			if n < -100000 || n > 100000 {
				return nil, fmt.Errorf("%s: %d is out of range", name, n)
			}
			return f(d, n).String(), nil
		}, new(func(string, int) string))
	}
	return []expr.Option{
		dateOp("add_days", func(d calendar.Date, n int) calendar.Date { return d.AddDays(n) }),
		dateOp("add_weeks", func(d calendar.Date, n int) calendar.Date { return d.AddDays(7 * n) }),
		dateOp("add_months", func(d calendar.Date, n int) calendar.Date { return d.AddMonths(n) }),
	}
}

// workingDayArithmetic: add_working_days and working_days_between, over
// the policy's bank holidays h, each bounded (they step through days).
func workingDayArithmetic(h *calendar.Holidays) []expr.Option {
	return []expr.Option{
		expr.Function("add_working_days", func(p ...any) (any, error) {
			d, err := dateArg(p[0])
			if err != nil {
				return nil, fmt.Errorf("add_working_days: %w", err)
			}
			n := p[1].(int)
			if n < 0 || n > MaxWorkingDays {
				return nil, fmt.Errorf("add_working_days: %d is out of range (0 to %d)", n, MaxWorkingDays)
			}
			return h.AddWorkingDays(d, n).String(), nil
		}, new(func(string, int) string)),
		expr.Function("working_days_between", func(p ...any) (any, error) {
			a, b, err := dateArgs(p)
			if err != nil {
				return nil, err
			}
			if a.DaysUntil(b) > MaxWorkingDaysRange {
				return nil, fmt.Errorf("working_days_between: the range is longer than %d days", MaxWorkingDaysRange)
			}
			return h.WorkingDaysBetween(a, b), nil
		}, new(func(string, string) int)),
	}
}

// dateComparisons: days_between, date (y, m, d), later and earlier (of two
// dates, "" for none).
func dateComparisons() []expr.Option {
	return []expr.Option{
		expr.Function("days_between", func(p ...any) (any, error) {
			a, b, err := dateArgs(p)
			if err != nil {
				return nil, err
			}
			return a.DaysUntil(b), nil
		}, new(func(string, string) int)),
		expr.Function("date", func(p ...any) (any, error) {
			y, m, d := p[0].(int), p[1].(int), p[2].(int)
			s := fmt.Sprintf("%04d-%02d-%02d", y, m, d)
			if _, err := calendar.ParseDate(s); err != nil {
				return nil, fmt.Errorf("date(%d, %d, %d) is not a valid date", y, m, d)
			}
			return s, nil
		}, new(func(int, int, int) string)),
		expr.Function("later", func(p ...any) (any, error) {
			a, b := p[0].(string), p[1].(string)
			if a == "" || b > a {
				return b, nil
			}
			return a, nil
		}, new(func(string, string) string)),
		expr.Function("earlier", func(p ...any) (any, error) {
			a, b := p[0].(string), p[1].(string)
			if a == "" || (b != "" && b < a) {
				return b, nil
			}
			return a, nil
		}, new(func(string, string) string)),
	}
}

// ageFunctions: is_young_person, compulsory_school_age_end, age_limit_date
// and age, from a date of birth.
func ageFunctions() []expr.Option {
	return []expr.Option{
		expr.Function("is_young_person", func(p ...any) (any, error) {
			dob, on, err := dateArgs(p)
			if err != nil {
				return false, nil
			}
			return calendar.IsYoungPerson(dob, on), nil
		}, new(func(string, string) bool)),
		expr.Function("compulsory_school_age_end", func(p ...any) (any, error) {
			dob, err := dateArg(p[0])
			if err != nil {
				return nil, err
			}
			return calendar.CompulsorySchoolAgeEnd(dob).String(), nil
		}, new(func(string) string)),
		expr.Function("age_limit_date", func(p ...any) (any, error) {
			dob, err := dateArg(p[0])
			if err != nil {
				return nil, fmt.Errorf("age_limit_date: %w", err)
			}
			setting, end := p[1].(string), ""
			switch setting {
			case "apprenticeship":
				end = p[2].(string)
			case "other":
				end = p[3].(string)
			}
			var endDate *calendar.Date
			if d, err := calendar.ParseDate(end); end != "" && err == nil {
				endDate = &d
			}
			return calendar.AgeLimit(dob, setting, endDate).String(), nil
		}, new(func(string, string, string, string) string)),
		expr.Function("age", func(p ...any) (any, error) {
			dob, on, err := dateArgs(p)
			if err != nil {
				return nil, err
			}
			return calendar.AgeOn(dob, on), nil
		}, new(func(string, string) int)),
	}
}

// dayFunctions: weekday ("monday") and is_working_day, over h.
func dayFunctions(h *calendar.Holidays) []expr.Option {
	return []expr.Option{
		expr.Function("weekday", func(p ...any) (any, error) {
			d, err := dateArg(p[0])
			if err != nil {
				return nil, err
			}
			return strings.ToLower(d.Weekday().String()), nil
		}, new(func(string) string)),
		expr.Function("is_working_day", func(p ...any) (any, error) {
			d, err := dateArg(p[0])
			if err != nil {
				return nil, err
			}
			return h.IsWorkingDay(d), nil
		}, new(func(string) bool)),
	}
}
