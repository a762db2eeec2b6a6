#!/usr/bin/env bash
# Runs a command where namespace hosts (test/hosts) can be made. As root, or already inside such a
# sandbox: the command as it is. As an ordinary user: inside new user, network, mount and PID
# namespaces of that user's own (no root, no packages, no /etc/subuid), as the same user with
# CAP_NET_ADMIN and CAP_SYS_ADMIN over them. The test runner, its PostgreSQL and Redis, a portal it
# starts and the hosts' bridge then share one private network, with only a loopback of its own and
# no way out: tests must not need the internet anyway. PID namespace: when the command ends or this
# script is killed, every process it left (an sshd, an agent on a host) dies with it.
#   test/hosts/sandbox.sh npx vitest run --project integration
set -euo pipefail

caps=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
if (( (0x$caps >> 12 & 1) && (0x$caps >> 21 & 1) )); then exec "$@"; fi

if ! unshare --user --map-current-user true 2>/dev/null; then
  echo "sandbox.sh: $(id -un) may not make user namespaces here (see sysctl user.max_user_namespaces and, on Ubuntu, kernel.apparmor_restrict_unprivileged_userns): run the tests as root" >&2
  exit 1
fi
# bash is PID 1 there, the command its child (not exec'd: PID 1 ignores signals it has no handler
# for, so the command would miss Ctrl-C): bash reaps orphans (setsid'd host processes) meanwhile.
# --kill-child: if unshare is killed, PID 1 is too, and with it everything in the PID namespace.
# ocs-uplink: a link that stays up (a veth pair routing nowhere). Without one, deleting the last
# test host takes the bridge's carrier and Chromium, seeing no network but loopback, goes offline
# and stops polling the portal.
exec unshare --user --map-current-user --keep-caps --net --mount --propagation private --pid --fork --kill-child --mount-proc \
  -- bash -c 'ip link set lo up && ip link add ocs-uplink type veth peer name ocs-uplink1 && ip addr add 192.0.2.1/32 dev ocs-uplink && ip link set ocs-uplink1 up && ip link set ocs-uplink up && "$@"; exit $?' sandbox "$@"
