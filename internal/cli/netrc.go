package cli

import (
	"bufio"
	"io"
	"strings"
)

// netrcEntry is one machine (or default) entry of a .netrc file, the format
// read by ftp, curl and lftp.
type netrcEntry struct {
	Machine  string // host name; empty for the default entry
	Login    string // user name
	Password string // password
}

// maxNetrcBytes bounds how much of a .netrc file is read.
const maxNetrcBytes = 1 << 20

// parseNetrc reads the tokens of a .netrc file. macdef bodies (up to an
// empty line) are skipped; unknown tokens are ignored, as ftp(1) does.
func parseNetrc(r io.Reader) []netrcEntry {
	var entries []netrcEntry
	var cur *netrcEntry
	sc := bufio.NewScanner(io.LimitReader(r, maxNetrcBytes))
	sc.Buffer(make([]byte, 4096), 64<<10)
	var tokens []string
	inMacro := false
	for sc.Scan() {
		line := sc.Text()
		if inMacro {
			if strings.TrimSpace(line) == "" {
				inMacro = false
			}
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		fields := strings.Fields(line)
		for i := 0; i < len(fields); i++ {
			if fields[i] == "macdef" {
				name := ""
				if i+1 < len(fields) {
					name = fields[i+1]
				}
				tokens = append(tokens, "macdef", name)
				inMacro = true
				break
			}
			tokens = append(tokens, fields[i])
		}
	}
	for i := 0; i < len(tokens); i++ {
		next := func() string {
			if i+1 < len(tokens) {
				i++
				return tokens[i]
			}
			return ""
		}
		switch tokens[i] {
		case "machine":
			entries = append(entries, netrcEntry{Machine: next()})
			cur = &entries[len(entries)-1]
		case "default":
			entries = append(entries, netrcEntry{})
			cur = &entries[len(entries)-1]
		case "login":
			if v := next(); cur != nil {
				cur.Login = v
			}
		case "password":
			if v := next(); cur != nil {
				cur.Password = v
			}
		case "account":
			next()
		case "macdef":
			next()
			cur = nil
		}
	}
	return entries
}

// lookupNetrc finds the credentials for host (and user, when given): the
// first matching machine entry, else the default entry.
func lookupNetrc(entries []netrcEntry, host, user string) (netrcEntry, bool) {
	for _, e := range entries {
		if e.Machine != "" && strings.EqualFold(e.Machine, host) && (user == "" || e.Login == user) {
			return e, true
		}
	}
	for _, e := range entries {
		if e.Machine == "" && (user == "" || e.Login == user) {
			return e, true
		}
	}
	return netrcEntry{}, false
}
