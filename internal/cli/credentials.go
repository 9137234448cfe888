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
		&urfave.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "login `USER` (or USER:PASSWORD, as curl -u)" + purpose + "; none: anonymous"},
		&urfave.BoolFlag{Name: "password-stdin", Usage: "read the password from the first line of standard input"},
		&urfave.StringFlag{Name: "netrc-file", Usage: "read credentials from `FILE` instead of ~/.netrc"},
	}
}

// credentials picks user and password: the URL, then --user USER:PASS,
// --password-stdin, FTP_PASSWORD, then the netrc file; no user means
// anonymous.
func credentials(c *urfave.Context, cfg *probes.Config, pass probes.Secret) error {
	if u := c.String("user"); u != "" {
		name, p, hasPass := strings.Cut(u, ":")
		cfg.Target.User = name
		if hasPass && pass == "" {
			pass = probes.Secret(p)
		}
	}
	if pass == "" && c.Bool("password-stdin") {
		line, err := bufio.NewReader(io.LimitReader(c.App.Reader, 4096)).ReadString('\n')
		if err != nil && line == "" {
			return usageError("--password-stdin: no password on standard input")
		}
		pass = probes.Secret(strings.TrimRight(line, "\r\n"))
	}
	if pass == "" {
		pass = probes.Secret(os.Getenv("FTP_PASSWORD"))
	}
	if pass == "" {
		e, ok, err := netrcCredentials(c.String("netrc-file"), cfg.Target.Host, cfg.Target.User)
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

func netrcCredentials(file, host, user string) (netrcEntry, bool, error) {
	explicit := file != ""
	if !explicit {
		home, err := os.UserHomeDir()
		if err != nil {
			return netrcEntry{}, false, nil
		}
		file = filepath.Join(home, ".netrc")
	}
	f, err := os.Open(file)
	if err != nil {
		if explicit {
			return netrcEntry{}, false, usageError("--netrc-file: %s", err)
		}
		return netrcEntry{}, false, nil
	}
	defer f.Close()
	e, ok := lookupNetrc(parseNetrc(f), host, user)
	return e, ok, nil
}
