// Package integration checks ftpdoctor's diagnosis against real FTP servers
// (vsftpd, ProFTPD, Pure-FTPd), a real SSH server and a real DNS server, on
// networks built from Linux network namespaces that really drop, reject and
// translate packets with nftables.
//
// The suite needs root and the servers unpacked by .ci/install.sh. Without
// them it skips, or fails when the environment variable CI is set. The lab
// itself (namespaces, veths, nftables, server launchers) is
// internal/netlab. Every scenario gets its own namespaces (named
// fdlab-<run>-<n>-cli, -rtr, -srv, where <run> is the test process's pid
// and start time) and its own two /24s inside 10.77.0.0/16, so scenarios,
// and whole runs, go in parallel; every namespace, process and file the
// suite creates is removed when it ends, and the test users when the last
// concurrent run ends.
package integration
