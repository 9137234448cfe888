#!/bin/sh
# Benchmark of "ftpdoctor range" against nmap's connect scan, as root.
#
# BenchmarkRangeVsNmap (scan/integration_test.go) creates a client and a
# server network namespace joined by a veth in 10.231.0.0/24, adds an nft
# rule in the server that drops ports 50500-50999, then, for each run, scans
# 50000-50999 from the client namespace with the range defaults and with
# "nmap -sT -Pn -n" (default timing), compares the two classifications port
# by port (the benchmark fails on any difference) and prints both wall
# times. The namespaces are deleted at the end.
#
# Usage: scan/bench/range.sh [RUNS]    (default 3 runs)
set -eu
if [ "$(id -u)" -ne 0 ]; then
	echo "range.sh: run as root (network namespaces and nftables)" >&2
	exit 3
fi
command -v nmap >/dev/null || apt-get install -y nmap
command -v nft >/dev/null || apt-get install -y nftables
cd "$(dirname "$0")/../.."
exec go test -count=1 -run '^$' -bench 'BenchmarkRangeVsNmap' -benchtime "${1:-3}x" -v ./scan/
