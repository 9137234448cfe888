package cli

import (
	"context"
	"crypto/tls"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/ftpdoctor/ftpdoctor/fixtures"
	"github.com/ftpdoctor/ftpdoctor/probes"
	"github.com/ftpdoctor/ftpdoctor/report"
)

// TestRecommendationMatchesARealClient checks every demo scenario's
// recommendation against a real FTP client library: jlaffaye/ftp is
// passive-only and, like curl and FileZilla, ignores the PASV address in
// favour of the server's. When ftpdoctor says passive works (client mode
// passive or either), that client must list the directory; when it says
// only active works, or nothing, or cannot tell, the client must fail.
func TestRecommendationMatchesARealClient(t *testing.T) {
	forEachScenario(t, func(t *testing.T, sc fixtures.Scenario, o probes.Outcome) {
		mode := report.Build(o).Recommendation.ClientMode
		listed, why := realClientLists(t, sc)
		passiveWorks := mode == report.ModePassive || mode == report.ModeEither
		if listed != passiveWorks {
			t.Fatalf("ftpdoctor recommends %q, but the passive-only client listed=%v (%v)", mode, listed, why)
		}
	})
}

// realClientLists logs in with jlaffaye/ftp through the scenario's own
// loopback-only dialer and lists the login directory.
func realClientLists(t *testing.T, sc fixtures.Scenario) (bool, error) {
	t.Helper()
	in, err := sc.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	dial := func(network, address string) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		c, err := in.Dialer.DialContext(ctx, network, address)
		if err == nil {
			// jlaffaye/ftp sets no read deadline of its own: without one
			// a silent server would hang it, the very fault ftpdoctor names.
			c.SetDeadline(time.Now().Add(2 * time.Second))
		}
		return c, err
	}
	addr := net.JoinHostPort(in.Host, strconv.Itoa(in.Port))
	opts := []ftp.DialOption{ftp.DialWithTimeout(500 * time.Millisecond)}
	if sc.Script.TLS != nil {
		// As FileZilla does when the server offers TLS: explicit FTPS,
		// verifying the certificate, resuming the session on data
		// connections (one cache, ServerName set). jlaffaye/ftp does not
		// wrap data connections that come from a custom dial function, so
		// the wrapping is done here for every address but the control's.
		cfg := &tls.Config{ServerName: in.Host, RootCAs: in.Roots, ClientSessionCache: tls.NewLRUClientSessionCache(4)}
		plain := dial
		dial = func(network, address string) (net.Conn, error) {
			c, err := plain(network, address)
			if err != nil || address == addr {
				return c, err
			}
			return tls.Client(c, cfg), nil
		}
		opts = append(opts, ftp.DialWithExplicitTLS(cfg))
	}
	opts = append(opts, ftp.DialWithDialFunc(dial))
	c, err := ftp.Dial(addr, opts...)
	if err != nil {
		return false, err
	}
	defer c.Quit()
	user, pass := in.User, in.Password
	if user == "anonymous" {
		pass = "ftpdoctor@"
	}
	if err := c.Login(user, pass); err != nil {
		return false, err
	}
	if _, err := c.List(""); err != nil {
		return false, err
	}
	return true, nil
}
