// Package report turns a probes.Outcome into a Report: a verdict, the
// causes of every failure with their evidence and fixes, and a
// recommendation for the client's data mode. Build is pure (no I/O, no
// clock); the renderers (WriteTable, WriteJSON, WriteTrace) only format a
// Report and take an io.Writer and output.Options. The Report's fields map
// one to one onto the JSON schema documented in docs/json.md.
package report

import (
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/verdict"
)

// SchemaVersion is the version of the JSON schema a Report follows.
const SchemaVersion = 1

// Severity ranks a cause.
type Severity string

// The severities of a cause.
const (
	SeverityCritical Severity = "critical" // the user cannot work until it is fixed
	SeverityWarning  Severity = "warning"  // works, but some clients or setups fail
)

// Side says who applies a fix.
type Side string

// The sides a fix can be on, in the order they are shown.
const (
	SideClient  Side = "client"  // the person running the FTP client
	SideServer  Side = "server"  // the FTP server's administrator
	SideNetwork Side = "network" // whoever runs the firewall, router or NAT
)

// ClientMode is the data mode the recommendation asks the user to set.
type ClientMode string

// The recommended client modes.
const (
	ModePassive ClientMode = "passive" // use passive mode
	ModeActive  ClientMode = "active"  // use active mode
	ModeEither  ClientMode = "either"  // both work
	ModeNone    ClientMode = "none"    // no data mode works: fix the server or network first
	ModeUnknown ClientMode = "unknown" // the data stages did not run
)

// Report is the whole diagnosis, ready to render.
type Report struct {
	SchemaVersion  int               `json:"schema_version"`     // always SchemaVersion
	Target         Target            `json:"target"`             // what was checked
	Verdict        verdict.Verdict   `json:"verdict"`            // ok, warning, critical or unknown
	ExitCode       int               `json:"exit_code"`          // 0, 1, 2 or 3 for the verdict
	DurationMS     float64           `json:"duration_ms"`        // wall time of the whole run in milliseconds
	Interrupted    bool              `json:"interrupted"`        // the whole run's deadline (--deadline, serve's scrape timeout) ended the check before every stage finished
	Server         probes.ServerInfo `json:"server"`             // server software, banner, SYST, FEAT
	TLS            probes.TLSInfo    `json:"tls"`                // mode (explicit, implicit or none), version, cipher, data protection, session reuse, certificate
	Stages         []Stage           `json:"stages"`             // one per stage, in run order
	Causes         []Cause           `json:"causes"`             // most important first; empty (not null) when healthy
	Recommendation Recommendation    `json:"recommendation"`     // which data mode the client should use
	Accounts       []Account         `json:"accounts,omitempty"` // with many accounts: one per account, the first from the whole check
}

// Target is what was checked. It never holds the password.
type Target struct {
	Host         string            `json:"host"`                    // name or address as given
	Port         int               `json:"port"`                    // control port
	User         string            `json:"user"`                    // login name
	Mode         string            `json:"mode"`                    // data modes requested: both, passive or active
	TLS          string            `json:"tls,omitempty"`           // TLS mode requested: auto, require, implicit or off
	PassiveRange *probes.PortRange `json:"passive_range,omitempty"` // the declared passive range, if any
}

// Stage is one probe stage as reported.
type Stage struct {
	ID         probes.StageID  `json:"id"`          // a stage of probes.Registry: dns, control, tls, login, passive, active, firewall
	Status     probes.Status   `json:"status"`      // pass, warn, fail, skip or interrupted
	Code       probes.Code     `json:"code"`        // stable machine code, e.g. "passive.private_address"
	Summary    string          `json:"summary"`     // one line: what happened
	StartedMS  float64         `json:"started_ms"`  // start offset from the beginning of the run in milliseconds
	DurationMS float64         `json:"duration_ms"` // wall time of the stage in milliseconds
	Evidence   probes.Evidence `json:"evidence"`    // what the stage saw
}

// Cause is one problem found, with its explanation and fixes.
type Cause struct {
	ID          probes.Family  `json:"id"`          // family: dns, credentials, transfer_mode, ...
	Code        probes.Code    `json:"code"`        // the result or attempt code that raised it
	Stage       probes.StageID `json:"stage"`       // the stage that saw it
	Severity    Severity       `json:"severity"`    // critical or warning
	Title       string         `json:"title"`       // one line
	Explanation string         `json:"explanation"` // what happened, quoting the evidence
	Fixes       []Fix          `json:"fixes"`       // what to change, by side
	Doc         string         `json:"doc"`         // path of the cause's page, e.g. docs/causes/passive.private_address.md
}

// Fix is one thing to change.
type Fix struct {
	Side Side   `json:"side"` // client, server or network
	Text string `json:"text"` // the change, with the exact setting where known
}

// Recommendation tells the user which data mode to set in the client.
type Recommendation struct {
	ClientMode ClientMode `json:"client_mode"` // passive, active, either, none or unknown
	Text       string     `json:"text"`        // which mode and why
}
