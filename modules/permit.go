package modules

import (
	"fmt"
	"net"
	"strconv"

	"github.com/ftpdoctor/ftpdoctor/internal/target"
	"github.com/ftpdoctor/ftpdoctor/probes"
)

// Default control ports, which a hosts entry without a port stands for.
const (
	portFTP         = 21  // plain FTP and explicit TLS (AUTH TLS)
	portFTPImplicit = 990 // implicit TLS (RFC 4217 section 8)
)

// Permit applies the target rules of a probe, shared by the exporter's
// /probe and the web page: a module with credentials only probes its pinned
// hosts and ports, a module that lists hosts only those, and a probe
// without credentials only the hosts of allow (when it is not empty). In a
// module's hosts an entry without a port means port 21, or 990 when the
// probe uses implicit TLS; in allow, any port. It returns nil or the
// reason for a 403, naming the module and the host and port.
func Permit(m Module, allow HostList, t probes.Target) error {
	defaultPort, where := portFTP, net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
	if tls, ok := target.SchemeTLS[t.Scheme]; ok && tls == probes.TLSImplicit || !ok && m.TLS == probes.TLSImplicit {
		defaultPort = portFTPImplicit
	}
	pinned := m.Hosts.AllowsAt(t.Host, t.Port, defaultPort)
	switch {
	case m.HasCredentials() && !pinned:
		return fmt.Errorf("module %q logs in with a password and may only probe its hosts and ports; %q is not one of them", m.Name, where)
	case m.Hosts.Len() > 0 && !pinned:
		return fmt.Errorf("module %q may only probe its hosts and ports; %q is not one of them", m.Name, where)
	case !m.HasCredentials() && allow.Len() > 0 && !allow.AllowsAt(t.Host, t.Port, AnyPort):
		return fmt.Errorf("%q is not in --allow", where)
	}
	return nil
}
