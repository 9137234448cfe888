// Package modules is the module model shared by the exporter (package
// exporter) and the web page (package web): a module says how to probe
// (data modes, TLS, timeout, an account whose password comes from a file,
// an optional download) and which hosts it may probe. Load reads modules
// from a YAML or JSON file; Permit applies the target rules of one probe.
// Nothing here prints a password, in an error or otherwise.
package modules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ftpdoctor/ftpdoctor/internal/target"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// DefaultName names the module of a probe that names none: anonymous,
// both data modes, 5 s per network step. A config file may redefine it.
const DefaultName = "default"

// Limits of a module's timeout.
const (
	defaultStepTimeout = 5 * time.Second  // each network step, when the module says nothing
	maxStepTimeout     = 60 * time.Second // longest timeout a module may ask for
)

// fileConfig is the config file as written (YAML, or JSON, which YAML
// reads too).
type fileConfig struct {
	Modules map[string]fileModule `yaml:"modules"` // modules by name
}

// fileModule is one module as written in the config file.
type fileModule struct {
	Mode         string   `yaml:"mode"`          // both (default), passive or active
	TLS          string   `yaml:"tls"`           // auto (default), require, implicit or off, as check's --tls
	Timeout      string   `yaml:"timeout"`       // each network step, a Go duration; default 5s
	PassiveRange string   `yaml:"passive_range"` // LOW-HIGH the server should use
	User         string   `yaml:"user"`          // login name; none: anonymous
	PasswordFile string   `yaml:"password_file"` // file whose first line is the password, relative to the config file
	Hosts        []string `yaml:"hosts"`         // names and CIDR networks the module may probe; required with credentials
	Transfer     bool     `yaml:"transfer"`      // also run the transfer stage: a download (never an upload), as check --transfer
	TransferFile string   `yaml:"transfer_file"` // with transfer: the file to download, as --file
	TransferSize string   `yaml:"transfer_size"` // with transfer: the most bytes read, as --transfer-size; default 4MiB
}

// Module is one way to probe, ready to use: what a probe request names
// with module=NAME.
type Module struct {
	Name         string                 // the module's name
	Mode         probes.Mode            // data modes to try
	TLS          probes.TLSMode         // auto (default), require, implicit or off
	Timeout      time.Duration          // each network step
	PassiveRange *probes.PortRange      // the declared passive range, if any
	User         string                 // login name; empty: anonymous
	Password     probes.Secret          // from password_file; never printed
	Hosts        HostList               // the targets the module may probe; empty: any (subject to --allow)
	Transfer     *probes.TransferConfig // the transfer stage's download, when the module asks for it; never a write
}

// HasCredentials reports whether the module logs in with a password of its
// own: such a module only probes its pinned hosts.
func (m Module) HasCredentials() bool { return m.Password != "" }

// Defaults is the module set without a config file: DefaultName alone.
func Defaults() map[string]Module {
	return map[string]Module{DefaultName: {Name: DefaultName, Mode: probes.ModeBoth, Timeout: defaultStepTimeout}}
}

// maxConfigBytes bounds the config file.
const maxConfigBytes = 1 << 20

// Load reads the module config file (YAML or JSON). Unknown keys are
// errors; every module is checked, and a module with credentials must pin
// its hosts. Errors never hold a password.
func Load(path string) (map[string]Module, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > maxConfigBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxConfigBytes)
	}
	var fc fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file
		return nil, fmt.Errorf("%s: %s", path, err)
	}
	mods := Defaults()
	for name, fm := range fc.Modules {
		m, err := fm.module(name, filepath.Dir(path))
		if err != nil {
			return nil, fmt.Errorf("%s: module %q: %s", path, name, err)
		}
		mods[name] = m
	}
	return mods, nil
}

// module checks one module and reads its password file.
func (fm fileModule) module(name, dir string) (Module, error) {
	m := Module{Name: name, Mode: probes.ModeBoth, TLS: probes.TLSMode(fm.TLS), Timeout: defaultStepTimeout, User: fm.User}
	switch m.TLS {
	case "":
		m.TLS = probes.TLSAuto
	case probes.TLSAuto, probes.TLSRequire, probes.TLSImplicit, probes.TLSOff:
	default:
		return m, fmt.Errorf("tls must be auto, require, implicit or off, got %q", fm.TLS)
	}
	if name == "" || strings.ContainsAny(name, " \t\n\"'{}=,") {
		return m, errors.New("a module name is a word without spaces, quotes or braces")
	}
	switch mode := probes.Mode(fm.Mode); mode {
	case "":
	case probes.ModeBoth, probes.ModePassive, probes.ModeActive:
		m.Mode = mode
	default:
		return m, fmt.Errorf("mode must be both, passive or active, got %q", fm.Mode)
	}
	if fm.Timeout != "" {
		d, err := time.ParseDuration(fm.Timeout)
		if err != nil || d <= 0 || d > maxStepTimeout {
			return m, fmt.Errorf("timeout must be a duration above 0 and at most %s, got %q", maxStepTimeout, fm.Timeout)
		}
		m.Timeout = d
	}
	if fm.PassiveRange != "" {
		r, err := target.PortRange(fm.PassiveRange)
		if err != nil {
			return m, fmt.Errorf("passive_range: %s", err)
		}
		m.PassiveRange = &r
	}
	if err := fm.transfer(&m); err != nil {
		return m, err
	}
	hosts, err := ParseHostList(fm.Hosts)
	if err != nil {
		return m, fmt.Errorf("hosts: %s", err)
	}
	m.Hosts = hosts
	if fm.PasswordFile != "" {
		if fm.User == "" || fm.User == "anonymous" || fm.User == "ftp" {
			return m, errors.New("password_file needs a user other than anonymous")
		}
		p := fm.PasswordFile
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		data, err := readSecretFile(p)
		if err != nil {
			return m, fmt.Errorf("password_file: %s", err)
		}
		first, _, _ := strings.Cut(string(data), "\n")
		if m.Password = probes.Secret(strings.TrimRight(first, "\r")); m.Password == "" {
			return m, fmt.Errorf("password_file %s: the first line is empty", p)
		}
	}
	if m.HasCredentials() && m.Hosts.Len() == 0 {
		return m, errors.New("a module with a password_file must list the hosts it may be used against (hosts:), " +
			"or anyone who can reach the exporter could send the password to a host of their choosing")
	}
	return m, nil
}

// readSecretFile reads a file that holds a password: one nobody but its
// owner may read or write (as check's --users, and as ssh demands of keys).
func readSecretFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if mode := st.Mode().Perm(); mode&0o077 != 0 {
		return nil, fmt.Errorf("%s is open to group or others (mode %04o): it holds a password, run chmod 600 %s", path, mode, path)
	}
	return io.ReadAll(io.LimitReader(f, maxConfigBytes))
}

// transfer reads the module's transfer settings: a download only, since a
// scrape must not change the server.
func (fm fileModule) transfer(m *Module) error {
	if !fm.Transfer {
		if fm.TransferFile != "" || fm.TransferSize != "" {
			return errors.New("transfer_file and transfer_size need transfer: true")
		}
		return nil
	}
	tc := &probes.TransferConfig{File: fm.TransferFile, Size: probes.DefaultTransferSize}
	if strings.ContainsAny(tc.File, "\r\n") {
		return errors.New("transfer_file must not contain a line break")
	}
	if fm.TransferSize != "" {
		size, err := target.Size(fm.TransferSize)
		if err != nil {
			return fmt.Errorf("transfer_size must be between 1 byte and 1GiB, like 4MiB, got %q", fm.TransferSize)
		}
		tc.Size = size
	}
	m.Transfer = tc
	return nil
}
