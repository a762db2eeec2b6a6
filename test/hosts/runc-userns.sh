#!/bin/sh
# runc for podman.ts's podman when it runs as root of a user namespace that maps one uid and one
# gid only (a test run by an ordinary user). Its containers have no cgroups, and podman then passes
# `--cgroup-manager disabled`, which crun knows and runc does not: dropped here. And podman, which
# believes itself the real root, asks for devpts with gid=5 (tty), a group that namespace does not
# map, so the mount would fail: dropped from the container's config.json before runc reads it.
set -eu
skip= bundle=
for arg; do
  shift
  if [ "$skip" = value ]; then skip=
  elif [ "$skip" = bundle ]; then skip= bundle=$arg; set -- "$@" "$arg"
  elif [ "$arg" = --cgroup-manager ]; then skip=value
  elif [ "$arg" = --bundle ]; then skip=bundle; set -- "$@" "$arg"
  else set -- "$@" "$arg"
  fi
done
if [ -n "$bundle" ]; then sed -i 's/,"gid=5"//; s/"gid=5",//' "$bundle/config.json"; fi
exec runc "$@"
