// Package lazy builds costly package-level values on first use instead of
// at the start-up of every command: a regular expression compiled in a
// var block costs every run of ftpdoctor, --version included, even when
// no command ever matches it.
package lazy

import (
	"regexp"
	"sync"
)

// exprs are the expressions given to Regexp, in the order given, so that
// CompileAll can prove in a test what a user would otherwise meet as a
// panic on first use.
var exprs []string

// Regexp returns a function that compiles expr on its first call and
// returns the same *regexp.Regexp on every call, from any goroutine. Call
// it in a package-level var, as regexp.MustCompile would be.
func Regexp(expr string) func() *regexp.Regexp {
	exprs = append(exprs, expr)
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// CompileAll compiles every expression given to Regexp in the packages
// linked into the program (a test binary: the package under test and
// what it imports) and returns the first error.
func CompileAll() error {
	for _, e := range exprs {
		if _, err := regexp.Compile(e); err != nil {
			return err
		}
	}
	return nil
}
