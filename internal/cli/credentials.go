package cli

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"

	urfave "github.com/urfave/cli/v2"

	"github.com/ftpdoctor/ftpdoctor/probes"
)

// credentialFlags are the login flags of every command that logs in.
func credentialFlags(purpose string) []urfave.Flag {
	return []urfave.Flag{
		&urfave.GenericFlag{Name: "user", Aliases: []string{"u"}, Value: &userList{}, Usage: "login `USER` (or USER:PASSWORD, as curl -u)" + purpose + "; none: anonymous"},
		&urfave.BoolFlag{Name: "password-stdin", Usage: "read the password from the first line of standard input"},
		&urfave.StringFlag{Name: "netrc-file", Usage: "read credentials from `FILE` instead of ~/.netrc"},
	}
}

// credentialSource is where credentials come from besides the target
// itself, in the order they are tried.
type credentialSource struct {
	user  string                                            // --user: USER or USER:PASSWORD; empty when not given
	stdin func() (probes.Secret, error)                     // --password-stdin; nil when not asked for
	env   probes.Secret                                     // FTP_PASSWORD
	netrc func(host, user string) (netrcEntry, bool, error) // the netrc entry for host (and user, when known)
}

// credentials picks user and password for check and range: the URL, then
// --user USER:PASS, --password-stdin, FTP_PASSWORD, then the netrc file; no
// user means anonymous.
func credentials(c *urfave.Context, cfg *probes.Config, pass probes.Secret) error {
	src := credentialSource{user: c.String("user"), env: probes.Secret(os.Getenv("FTP_PASSWORD"))}
	if c.Bool("password-stdin") {
		src.stdin = func() (probes.Secret, error) {
			line, err := bufio.NewReader(io.LimitReader(c.App.Reader, 4096)).ReadString('\n')
			if err != nil && line == "" {
				return "", usageError("--password-stdin: no password on standard input")
			}
			return probes.Secret(strings.TrimRight(line, "\r\n")), nil
		}
	}
	file := c.String("netrc-file")
	src.netrc = func(host, user string) (netrcEntry, bool, error) { return netrcCredentials(file, host, user) }
	return src.resolve(cfg, pass)
}

// resolve sets cfg's user, password and anonymous flag from pass (the
// target's own password) and then the source.
func (src credentialSource) resolve(cfg *probes.Config, pass probes.Secret) error {
	if u := src.user; u != "" {
		name, p, hasPass := strings.Cut(u, ":")
		cfg.Target.User = name
		if hasPass && pass == "" {
			pass = probes.Secret(p)
		}
	}
	if pass == "" && src.stdin != nil {
		p, err := src.stdin()
		if err != nil {
			return err
		}
		pass = p
	}
	if pass == "" {
		pass = src.env
	}
	if pass == "" && src.netrc != nil {
		e, ok, err := src.netrc(cfg.Target.Host, cfg.Target.User)
		if err != nil {
			return err
		}
		if ok {
			if cfg.Target.User == "" {
				cfg.Target.User = e.Login
			}
			pass = probes.Secret(e.Password)
		}
	}
	if cfg.Target.User == "" || cfg.Target.User == "anonymous" || cfg.Target.User == "ftp" {
		cfg.Anonymous = pass == ""
		if cfg.Target.User == "" {
			cfg.Target.User = "anonymous"
		}
	}
	cfg.Password = pass
	return nil
}

// netrcCredentials looks host and user up in file, or in ~/.netrc when file
// is empty (a missing ~/.netrc is no error; a missing --netrc-file is).
func netrcCredentials(file, host, user string) (netrcEntry, bool, error) {
	entries, err := loadNetrc(file)
	if err != nil {
		return netrcEntry{}, false, err
	}
	e, ok := lookupNetrc(entries, host, user)
	return e, ok, nil
}

// loadNetrc reads file, or ~/.netrc when file is empty.
func loadNetrc(file string) ([]netrcEntry, error) {
	explicit := file != ""
	if !explicit {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, nil
		}
		file = filepath.Join(home, ".netrc")
	}
	f, err := os.Open(file)
	if err != nil {
		if explicit {
			return nil, usageError("--netrc-file: %s", err)
		}
		return nil, nil
	}
	defer f.Close()
	return parseNetrc(f), nil
}
