#!/usr/bin/env python3
"""The image's HEALTHCHECK: GET /healthz on this container's PORT (exit 0 healthy, 1 not).

A container started as ``worker`` or ``release`` serves no HTTP: the entrypoint's own command line
(docker/run.py, found in /proc) says which, and there the check only says the entrypoint is alive.
The standard library only: the image has no curl.
"""
import os
import sys
import urllib.request
from pathlib import Path

SERVING = {"all", "serve", "web"}


def role():
    """The entrypoint's command (all, serve, web, worker, release, or something else), or None."""
    for proc in sorted(Path("/proc").glob("[0-9]*"), key=lambda p: int(p.name)):
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")[:-1]
        except OSError:
            continue
        for i, arg in enumerate(args):
            if arg.decode(errors="replace").endswith("docker/run.py"):
                rest = args[i + 1:]
                return rest[0].decode(errors="replace") if rest else "all"
    return None


def main():
    found = role()
    if found is not None and found not in SERVING:
        return 0  # a worker or a one-off command: running is healthy
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=4) as response:  # nosec B310 (a fixed http URL)
            return 0 if response.status == 200 else 1
    except Exception as exc:  # any failure is "unhealthy", said why
        print(f"{url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
