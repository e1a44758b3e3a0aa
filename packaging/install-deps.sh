#!/bin/sh
# Installs everything Baton needs to build, run and test on Debian 12 (bookworm).
# Idempotent: packages already present are left alone, and apt's lists are only
# refreshed when something is actually missing.
set -eu

PACKAGES="
  build-essential cmake ninja-build pkg-config git clang-format
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite qt6-svg-dev libqt6svg6
  libgl-dev libvulkan-dev
  libssl-dev openssl zlib1g-dev
  libnss3-dev libnss3-tools libnspr4-dev
  libp11-kit-dev p11-kit softhsm2
  qtkeychain-qt6-dev libsecret-1-0
  lintian desktop-file-utils appstream bash-completion shared-mime-info libglib2.0-bin
  systemd man-db
  sqlite3 python3-cryptography
"
# libsecret-1-0: QtKeychain loads it at run time (not a declared dependency) to reach the
# Secret Service; without it only KWallet is tried. gnome-keyring, which the keyring test uses
# when present, is left out on purpose: it brings GTK along.
# libp11-kit-dev: certificate keys on PKCS#11 tokens; p11-kit's module registry loads the
# modules and parses RFC 7512 URIs. p11-kit: its `p11-kit list-modules` shows what Baton sees.
# softhsm2: the software token the PKCS#11 tests create in a temporary directory (without it
# they are skipped).
# lintian ... man-db: the packaging test (tests/packaging) checks the Debian packages and the
# installed files with them (lintian, desktop-file-validate, appstreamcli, the completion run
# by bash-completion, update-mime-database and gio, systemd-analyze verify, lexgrog); without
# one it reports that check as skipped. lintian is the big one: about a minute to install.
# sqlite3 python3-cryptography: tst_vault_recovery follows docs/vault-format.md's recipe for
# recovering a key without Baton, which uses them (and openssl); without them it is skipped.

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
