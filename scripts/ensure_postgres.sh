#!/bin/sh
# Install a PostgreSQL server for the store's tests where one is missing (Debian, as root).
# Best effort: without it the PostgreSQL tests are skipped with a reason, never failed.
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL server not installed and cannot install it here: its tests will be skipped"
    exit 0
fi
echo "installing PostgreSQL for the store's tests (apt-get)"
export DEBIAN_FRONTEND=noninteractive
timeout 300 apt-get install -y -q postgresql >/dev/null 2>&1 \
    || (timeout 120 apt-get update -q >/dev/null 2>&1 \
        && timeout 300 apt-get install -y -q postgresql >/dev/null 2>&1) \
    || echo "PostgreSQL could not be installed: its tests will be skipped"
exit 0
