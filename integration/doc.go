// Package integration checks ftpdoctor's diagnosis against real FTP servers
// (vsftpd, ProFTPD, Pure-FTPd), a real SSH server and a real DNS server, on
// networks built from Linux network namespaces that really drop, reject and
// translate packets with nftables.
//
// The suite needs root and the servers unpacked by .ci/install.sh. Without
// them it skips, or fails when the environment variable CI is set. Every
// scenario gets its own namespaces (named fdit-<n>-cli, -rtr, -srv) and its own
// two /24s inside 10.77.0.0/16, so scenarios run in parallel; every
// namespace, process, file and user the suite creates is removed when it ends.
package integration
