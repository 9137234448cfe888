package integration

import "testing"

// BenchmarkRealRTTFTPS is BenchmarkRealRTTHealthy over explicit FTPS, the
// counterpart of ../shared/bench/run's ftps section: the same delayed
// namespaces, user and vsftpd, plus ssl_enable=YES, force_local_logins_ssl,
// force_local_data_ssl, require_ssl_reuse and ssl_ciphers=HIGH, with a
// certificate for the server's address from a throwaway CA that both tools
// are given. Its rows, as the harness's, interleaved round by round:
//
//   - ftpdoctor: the full check, `ftpdoctor check --json --ca-file CA
//     ftpes://USER@SERVER/` with FTP_PASSWORD (both data modes; here the
//     active legs are delayed too, as nothing rewrites PORT, so unlike the
//     harness's row this one must end with verdict ok);
//   - ftpdoctor-passive: the same with `--mode passive`, the strict row;
//   - curl: `curl -s --ssl-reqd --cacert CA --list-only
//     ftp://USER:PASSWORD@SERVER/`.
//
// require_ssl_reuse makes vsftpd refuse a data connection that does not
// resume the control connection's TLS session ("522 SSL connection failed:
// session reuse required"), so a run only counts if the tool reused it:
// curl's listing must hold file1.txt and ftpdoctor's verdict be ok.
//
// It reports each row's median in ms and round trips (NAME-ms, NAME-RTT),
// passive-ratio, the median over the rounds of ftpdoctor-passive's time
// over curl's in the same round (the harness's primary ratio), and
// full-ratio, the same for the full check. Run it as root after
// .ci/install.sh:
//
//	go test -run '^$' -bench RealRTTFTPS -benchtime 5x ./integration/
func BenchmarkRealRTTFTPS(b *testing.B) {
	bl := newBenchLab(b)
	user, cli, srvAddr := bl.user, bl.cli, bl.srvAddr
	is := bl.IssueCert(srvAddr, certDays)
	bl.vsftpd("ssl_enable=YES", "rsa_cert_file="+is.Cert, "rsa_private_key_file="+is.Key,
		"force_local_logins_ssl=YES", "force_local_data_ssl=YES", "require_ssl_reuse=YES", "ssl_ciphers=HIGH")
	check := func(name string, flags ...string) toolRun {
		args := append([]string{suite.bin, "check", "--json", "--ca-file", is.CA}, flags...)
		return toolRun{name: name, ns: cli, env: []string{"FTP_PASSWORD=" + user.Password}, want: `"verdict": "ok"`, hide: user.Password,
			args: append(args, "ftpes://"+user.Name+"@"+srvAddr+"/")}
	}
	tools := []toolRun{
		check("ftpdoctor"),
		check("ftpdoctor-passive", "--mode", "passive"),
		{name: "curl", ns: cli, want: "file1.txt", hide: user.Password,
			args: []string{bl.curl, "-s", "--ssl-reqd", "--cacert", is.CA, "--list-only",
				"ftp://" + user.Name + ":" + user.Password + "@" + srvAddr + "/"}},
	}
	times := runRounds(b, tools)
	reportRatio(b, "passive-ratio", times[1], times[2])
	reportRatio(b, "full-ratio", times[0], times[2])
}
