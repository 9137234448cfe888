#!/usr/bin/env bash
# Installs what the integration suites (integration/, exporter/'s Prometheus
# test and web/'s browser test) need on a fresh Debian 12 machine, as root:
# nftables, iptables (NFQUEUE rules: integration's RTT benchmark), dnsmasq,
# iproute2, curl, openssl, prometheus (with promtool) and chromium from
# apt, and vsftpd, ProFTPD (with mod_tls from proftpd-mod-crypto), Pure-FTPd
# and OpenSSH's server unpacked side by side under
# $FTPDOCTOR_IT_ROOT (default /opt/ftpdoctor-it/root). The three FTP servers
# conflict as packages (each provides ftp-server), so they are unpacked with
# dpkg-deb -x instead of installed; their libraries are installed normally.
# Idempotent and quiet: a second run only checks.
set -euo pipefail

ROOT="${FTPDOCTOR_IT_ROOT:-/opt/ftpdoctor-it/root}"
UNPACKED=(vsftpd pure-ftpd proftpd-basic proftpd-core proftpd-mod-crypto openssh-server openssh-sftp-server)
INSTALLED=(nftables iptables dnsmasq-base iproute2 curl openssl openssh-client procps passwd nmap prometheus chromium fonts-dejavu-core)

if [ "$(id -u)" -ne 0 ]; then
	echo "install.sh: must run as root" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# apt_quiet runs apt-get and shows its output only when it fails.
apt_quiet() {
	local log
	log="$(mktemp)"
	if ! apt-get -q -q -y -o Dpkg::Use-Pty=0 "$@" >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		return 1
	fi
	rm -f "$log"
}

if [ -x "$ROOT/usr/sbin/vsftpd" ] && [ -x "$ROOT/usr/sbin/proftpd" ] &&
	[ -x "$ROOT/usr/sbin/pure-ftpd" ] && [ -x "$ROOT/usr/sbin/sshd" ] &&
	[ -f "$ROOT/usr/lib/proftpd/mod_tls.so" ] &&
	command -v nft >/dev/null && command -v iptables >/dev/null && command -v dnsmasq >/dev/null && command -v ssh-keygen >/dev/null &&
	command -v curl >/dev/null && command -v nmap >/dev/null && command -v prometheus >/dev/null && command -v promtool >/dev/null && command -v chromium >/dev/null && id sshd >/dev/null 2>&1 &&
	[ -f "$ROOT/.complete" ]; then
	exit 0
fi

apt_quiet update
apt_quiet install --no-install-recommends "${INSTALLED[@]}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work" # apt-get download runs as _apt when it can
if ! (cd "$work" && apt-get -q -q download "${UNPACKED[@]}" >"$work/download.log" 2>&1); then
	cat "$work/download.log" >&2
	exit 1
fi

# Install the shared libraries the unpacked packages depend on (lib* and
# zlib1g, which mod_tls links: those never conflict, unlike the servers
# themselves).
libs=()
for deb in "$work"/*.deb; do
	deps="$(dpkg-deb -f "$deb" Depends || true)"
	while IFS= read -r dep; do
		name="${dep%% *}"
		name="${name%%:*}"
		case "$name" in lib* | zlib1g) libs+=("$name") ;; esac
	done < <(printf '%s\n' "$deps" | tr ',|' '\n\n' | sed 's/^ *//')
done
if [ "${#libs[@]}" -gt 0 ]; then
	apt_quiet install --no-install-recommends "${libs[@]}"
fi

mkdir -p "$ROOT"
for deb in "$work"/*.deb; do
	dpkg-deb -x "$deb" "$ROOT"
done
mkdir -p /run/sshd
# sshd's privilege separation user, as openssh-server's postinst would add.
if ! id sshd >/dev/null 2>&1; then
	useradd --system --no-create-home --home-dir /run/sshd --shell /usr/sbin/nologin sshd
fi

for bin in usr/sbin/vsftpd usr/sbin/proftpd usr/sbin/pure-ftpd usr/sbin/sshd usr/lib/proftpd/mod_tls.so; do
	if ldd "$ROOT/$bin" | grep -q 'not found'; then
		echo "install.sh: $ROOT/$bin is missing libraries:" >&2
		ldd "$ROOT/$bin" | grep 'not found' >&2
		exit 1
	fi
done
touch "$ROOT/.complete"
