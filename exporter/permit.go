package exporter

import "fmt"

// Permit applies the target rules of a probe, shared by /probe and the web
// page (package web): a module with credentials only probes its pinned
// hosts, a module that lists hosts only those, and a probe without
// credentials only the hosts of allow (when it is not empty). It returns
// nil or the reason for a 403, naming the module and the host.
func Permit(m Module, allow HostList, host string) error {
	switch {
	case m.HasCredentials() && !m.Hosts.Allows(host):
		return fmt.Errorf("module %q logs in with a password and may only probe its hosts; %q is not one of them", m.Name, host)
	case m.Hosts.Len() > 0 && !m.Hosts.Allows(host):
		return fmt.Errorf("module %q may only probe its hosts; %q is not one of them", m.Name, host)
	case !m.HasCredentials() && allow.Len() > 0 && !allow.Allows(host):
		return fmt.Errorf("%q is not in --allow", host)
	}
	return nil
}
