package cli

import "strings"

// maskTarget returns a TARGET text fit to print: the password of an
// ftp://user:password@host URL is replaced by "****", so that an error
// about a target never repeats it. Text that is not a URL with a password
// comes back unchanged; a malformed one is masked up to its last '@'.
func maskTarget(arg string) string {
	i := strings.Index(arg, "://")
	if i < 0 {
		return arg
	}
	rest := arg[i+3:]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return arg
	}
	colon := strings.Index(rest[:at], ":")
	if colon < 0 {
		return arg
	}
	return arg[:i+3] + rest[:colon+1] + "****" + rest[at:]
}
