package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	urfave "github.com/urfave/cli/v2"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// maxAccounts bounds the accounts of one check.
const maxAccounts = 10000

// userList is the value of --user: each use adds one account. String, and
// so c.String("user"), is the last one, for the commands that take one.
type userList []string

// Set implements flag.Value.
func (u *userList) Set(v string) error {
	*u = append(*u, v)
	return nil
}

// String implements flag.Value.
func (u *userList) String() string {
	if u == nil || len(*u) == 0 {
		return ""
	}
	return (*u)[len(*u)-1]
}

// accountFlags are the flags of check that name many accounts.
func accountFlags() []urfave.Flag {
	return []urfave.Flag{
		&urfave.StringFlag{Name: "users", Usage: "check every account in `FILE` (one USER or USER:PASSWORD a line, # comments; - reads standard input); the file must not be readable by group or others"},
		&urfave.IntFlag{Name: "parallel", Value: 2, Usage: "accounts checked at once, with --users or a repeated --user"},
	}
}

// accountList returns the accounts named by a repeated --user and by
// --users, each with its password resolved as for one account (the line's
// own, the netrc file, FTP_PASSWORD); nil when the check is of one account.
func accountList(c *urfave.Context, cfg probes.Config) ([]probes.Credential, error) {
	users, _ := c.Generic("user").(*userList)
	var lines []string
	if users != nil {
		// urfave/cli sets a flag's value once more under each alias (-u),
		// so the same line can come twice: each account is checked once.
		for _, u := range *users {
			if !slices.Contains(lines, u) {
				lines = append(lines, u)
			}
		}
	}
	if path := c.String("users"); path != "" {
		more, err := readUsers(c, path)
		if err != nil {
			return nil, err
		}
		lines = append(lines, more...)
	} else if len(lines) < 2 {
		return nil, nil
	}
	if len(lines) == 0 {
		return nil, usageError("--users %s names no account", c.String("users"))
	}
	if len(lines) > maxAccounts {
		return nil, usageError("%d accounts: at most %d in one check", len(lines), maxAccounts)
	}
	file := c.String("netrc-file")
	src := credentialSource{env: probes.Secret(os.Getenv("FTP_PASSWORD")),
		netrc: func(host, user string) (netrcEntry, bool, error) { return netrcCredentials(file, host, user) }}
	var out []probes.Credential
	for _, l := range lines {
		one := cfg
		one.Target.User, one.Password, one.Anonymous = "", "", false
		src.user = l
		if err := src.resolve(&one, ""); err != nil {
			return nil, err
		}
		out = append(out, probes.Credential{User: one.Target.User, Password: one.Password, Anonymous: one.Anonymous})
	}
	return out, nil
}

// readUsers reads the account lines of --users: a file nobody else may
// read (it holds passwords, as ssh demands of keys), or standard input.
func readUsers(c *urfave.Context, path string) ([]string, error) {
	var r io.Reader = c.App.Reader
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, usageError("--users: %s", err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return nil, usageError("--users: %s", err)
		}
		if mode := st.Mode().Perm(); mode&0o077 != 0 {
			return nil, usageError("--users %s is readable by group or others (mode %04o): it holds passwords, run chmod 600 %s", path, mode, path)
		}
		r = f
	} else if c.Bool("password-stdin") {
		return nil, usageError("--users - and --password-stdin both read standard input: use one")
	}
	var out []string
	sc := bufio.NewScanner(io.LimitReader(r, 16<<20))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if name, _, _ := strings.Cut(line, ":"); strings.ContainsAny(name, " \t") {
			return nil, usageError("--users line %d: a user name has no spaces", n)
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, usageError("--users: %s", fmt.Sprint(err))
	}
	return out, nil
}

// secrets lists every password of a check, for the renderers to mask.
func secrets(cfg probes.Config, accounts []probes.Credential) []probes.Secret {
	out := []probes.Secret{cfg.Password}
	for _, a := range accounts {
		out = append(out, a.Password)
	}
	return out
}
