package netlab

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// UserSpec is a local test user that ShareUsers creates.
type UserSpec struct {
	Name   string // login name, e.g. "fdlab-a1"
	Home   string // home directory, absolute
	NoHome bool   // leave Home uncreated (removed if a killed run left it), as for an account whose home was deleted
	Crypt  string // chpasswd's hash method, e.g. "SHA512"; empty: the system's default (yescrypt on Debian 12, about 35 ms more per PAM login)
}

// LocalUser is a local test user as ShareUsers made it.
type LocalUser struct {
	UserSpec
	Password string // random, chosen by the run that created the user
}

// ShareUsers takes a lease (see Share) called lease on the local users of
// specs: the first live run creates them with random passwords, their
// homes (owned by each user, holding readme.txt) except for NoHome ones,
// and keeps the passwords in the lease's root-only state; later runs read
// them; the last run to release removes the users and their homes. Call it
// before tests run in parallel: /etc/shadow is written only in setup,
// while no other live run holds the lease, so no server of another run is
// authenticating against a file being rewritten.
func ShareUsers(lease string, specs []UserSpec) (users []LocalUser, release func(), err error) {
	state, release, err := Share(lease,
		func(state string) error { return createUsers(state, specs) },
		func(state string) { removeUsers(state, specs) })
	if err != nil {
		return nil, nil, err
	}
	passwords, err := readPasswords(filepath.Join(state, "passwords"))
	if err != nil {
		release()
		return nil, nil, err
	}
	for _, s := range specs {
		p, ok := passwords[s.Name]
		if !ok {
			release()
			return nil, nil, fmt.Errorf("shared users %s: no password kept for %s", lease, s.Name)
		}
		users = append(users, LocalUser{UserSpec: s, Password: p})
	}
	return users, release, nil
}

// createUsers adds the users of specs (reusing those a killed run left),
// sets fresh passwords and makes their homes.
func createUsers(state string, specs []UserSpec) error {
	var lines strings.Builder
	byCrypt := map[string]*strings.Builder{} // chpasswd input per hash method
	for _, s := range specs {
		if err := exec.Command("id", s.Name).Run(); err != nil {
			if b, err := exec.Command("useradd", "-M", "-d", s.Home, "-s", "/bin/bash", s.Name).CombinedOutput(); err != nil {
				return fmt.Errorf("useradd %s: %v: %s", s.Name, err, b)
			}
		} else if b, err := exec.Command("usermod", "-d", s.Home, s.Name).CombinedOutput(); err != nil {
			return fmt.Errorf("usermod %s: %v: %s", s.Name, err, b)
		}
		buf := make([]byte, 12)
		if _, err := rand.Read(buf); err != nil {
			return err
		}
		line := fmt.Sprintf("%s:Pw%s\n", s.Name, hex.EncodeToString(buf))
		lines.WriteString(line)
		if byCrypt[s.Crypt] == nil {
			byCrypt[s.Crypt] = &strings.Builder{}
		}
		byCrypt[s.Crypt].WriteString(line)
		if s.NoHome {
			if err := os.RemoveAll(s.Home); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(s.Home, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(s.Home, "readme.txt"), []byte("ftpdoctor integration\n"), 0o644); err != nil {
			return err
		}
		if b, err := exec.Command("chown", "-R", s.Name+":", s.Home).CombinedOutput(); err != nil {
			return fmt.Errorf("chown: %v: %s", err, b)
		}
	}
	for method, in := range byCrypt {
		cmd := exec.Command("chpasswd")
		if method != "" {
			cmd.Args = append(cmd.Args, "-c", method)
		}
		cmd.Stdin = strings.NewReader(in.String())
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("chpasswd: %v: %s", err, b)
		}
	}
	return os.WriteFile(filepath.Join(state, "passwords"), []byte(lines.String()), 0o600)
}

// removeUsers undoes createUsers.
func removeUsers(state string, specs []UserSpec) {
	for _, s := range specs {
		exec.Command("userdel", s.Name).Run()
		os.RemoveAll(s.Home)
	}
	os.Remove(filepath.Join(state, "passwords"))
}

// readPasswords reads the "name:password" lines createUsers kept.
func readPasswords(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, pw, ok := strings.Cut(sc.Text(), ":"); ok {
			out[name] = pw
		}
	}
	return out, sc.Err()
}

// VsftpdUserlist writes a vsftpd userlist_file naming users, one a line,
// in the lab's directory and returns its path. vsftpd reads it as root at
// start-up; with userlist_enable=YES and userlist_deny=YES a listed user
// is refused at USER ("530 Permission denied."), before the password.
func (l *Lab) VsftpdUserlist(users ...string) string {
	l.T.Helper()
	path := filepath.Join(l.Dir, "vsftpd.userlist")
	if err := os.WriteFile(path, []byte(strings.Join(users, "\n")+"\n"), 0o644); err != nil {
		l.T.Fatal(err)
	}
	return path
}
