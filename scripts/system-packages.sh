#!/usr/bin/env bash
# Install the Debian/Ubuntu packages named as arguments when any is missing (as root, or through sudo).
# Without apt, say what to install by hand (README: "Without apt") and go on: bulletins itself says in
# one line if Voikko or its dictionary is still missing.
set -euo pipefail
if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  echo "note: no apt here, so these are not installed for you: $* (README.md, \"Without apt\", names what to install)"
  exit 0
fi
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
