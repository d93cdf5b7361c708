#!/usr/bin/env python3
"""Limber's container entrypoint: the Procfile's processes, supervised.

    run.py             the release step (migrations, catalog), then the web server and the worker
    run.py serve       the web server and the worker, no release step
    run.py web         only the web server      (platforms that scale web and worker apart)
    run.py worker      only the Huey worker
    run.py release     only the release step; its exit status is the result
    run.py CMD ARG...  anything else runs as given (``sh``, ``flask --app wsgi db status``)

The commands are the Procfile's entries, run with ``/bin/sh -c`` as a Procfile runner does, so the
Procfile stays the one place that says how Limber runs. Each process gets its own process group.

Stopping: SIGTERM or SIGINT to this process asks every process to stop gracefully - gunicorn with
SIGTERM (it finishes the requests in flight), huey_consumer with its graceful signal (SIGINT unless the
Procfile says ``--graceful-signal TERM``; the task a worker is running is finished, and one that still
cannot finish is left to the sweepers, which requeue it) - and waits STOP_TIMEOUT seconds (default
25, under the 30 s most platforms allow) before SIGKILL. When one process ends on its own, the others
are stopped the same way and the container exits non-zero, so the platform restarts it. After a
requested stop the exit status is 0 when every process stopped cleanly.

As PID 1 in a container it also reaps orphaned grandchildren.
"""
import os
import re
import shlex
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROLES = {"release", "web", "worker"}
SERVERS = {"web", "worker"}  # expected to run until stopped; the release step is expected to end
POLL = 0.1
# The shell's own words, which `exec` can't run: a command starting with one stays a shell script.
SHELL_WORDS = {"exit", "exec", "cd", "export", "set", "unset", "trap", "eval", ".", ":", "true", "false", "wait",
               "if", "for", "while", "until", "case", "{", "!", "return", "shift", "readonly", "ulimit", "umask"}


def say(message):
    print(f"limber-run: {message}", file=sys.stderr, flush=True)


def procfile(path=None):
    """The Procfile's entries by name (LIMBER_PROCFILE names another file: the tests use that)."""
    path = Path(path or os.environ.get("LIMBER_PROCFILE") or ROOT / "Procfile")
    entries = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_-]+):\s*(.+?)\s*$", line)
        if match:
            entries[match.group(1)] = match.group(2)
    return entries


def stop_signal(name, command):
    """The signal that stops this process gracefully."""
    if name == "worker" and "huey_consumer" in command:
        # huey_consumer's graceful signal is SIGINT unless told otherwise; its SIGTERM interrupts.
        return signal.SIGTERM if re.search(r"(-g|--graceful-signal)[ =]TERM\b", command) else signal.SIGINT
    return signal.SIGTERM  # gunicorn: graceful on TERM (INT would be its quick shutdown); flask CLI: default


def exit_code(status):
    """A wait status as a shell would report it (128 + signal when killed)."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


class Supervisor:
    def __init__(self, entries, timeout):
        self.entries = entries
        self.timeout = timeout
        self.requested = None  # the signal that asked us to stop
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum, _frame):
        if self.requested is None:
            say(f"received {signal.Signals(signum).name}: stopping")
        self.requested = self.requested or signum

    def start(self, name):
        command = self.entries[name]
        # A simple command replaces the shell, so the signals reach the server itself.
        simple = not re.search(r"[;&|<>()`\n]", command) and command.split()[0] not in SHELL_WORDS
        script = f"exec {command}" if simple else command
        pid = os.fork()
        if pid == 0:  # the child: its own process group, default signal handling, then the shell
            try:
                os.setsid()
                for signum in (signal.SIGTERM, signal.SIGINT):
                    signal.signal(signum, signal.SIG_DFL)
                os.execv("/bin/sh", ["/bin/sh", "-c", script])
            finally:
                os._exit(127)
        say(f"{name} started (pid {pid}): {command}")
        return pid

    def _reap(self, leaders, results):
        """Collect every child that has ended (ours, and orphans given to us as PID 1 or subreaper)."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in leaders:
                name = leaders.pop(pid)
                results[name] = exit_code(status)
                say(f"{name} exited with status {results[name]} (pid {pid})")

    @staticmethod
    def _group_alive(pgid):
        try:
            os.killpg(pgid, 0)
            return True
        except ProcessLookupError:
            return False
        except PermissionError:
            return True

    def _signal(self, groups, how):
        for name, pgid in groups.items():
            try:
                os.killpg(pgid, how(name))  # the whole group: sh, or what it exec'd, and their children
            except ProcessLookupError:
                pass

    def run(self, names):
        """Run ``names`` together until each has ended (its first process and every process of its
        group); their exit codes by name."""
        leaders = {self.start(name): name for name in names}
        groups = {name: pid for pid, name in leaders.items()}
        results = {}
        stopping_since = None
        while groups:
            self._reap(leaders, results)
            for name in [n for n in groups if n in results and not self._group_alive(groups[n])]:
                del groups[name]
            if not groups:
                break
            ended_alone = bool(results) and (len(names) > 1 or names[0] in SERVERS)
            if stopping_since is None and (self.requested or ended_alone):
                stopping_since = time.monotonic()
                if not self.requested:
                    say(f"{', '.join(results)} ended: stopping the others")
                self._signal(groups, lambda name: stop_signal(name, self.entries[name]))
            if stopping_since is not None and time.monotonic() - stopping_since > self.timeout:
                say(f"still running after {self.timeout:g} s: {', '.join(groups)}; sending SIGKILL")
                self._signal(groups, lambda name: signal.SIGKILL)
                stopping_since = float("inf")  # once
            time.sleep(POLL)
        return results

    def outcome(self, names, results):
        """The exit status for a run of ``names``."""
        if self.requested:
            clean = {0, 128 + signal.SIGTERM, 128 + signal.SIGINT}
            bad = [results[name] for name in names if results.get(name) not in clean]
            return bad[0] if bad else 0
        if names == ["release"]:
            return results["release"]
        # A server that ended on its own is a failure, whatever its status, so the platform restarts us.
        first = next(iter(results.values()), 1)
        return first or 1


def main(argv):
    entries = procfile()
    args = argv[1:] or ["all"]
    if args[0] not in ROLES | {"all", "serve"}:
        say(f"running {shlex.join(args)}")
        os.execvp(args[0], args)
    if len(args) > 1:
        say(f"{args[0]} takes no arguments")
        return 2
    missing = {"all": ["release", "web", "worker"], "serve": ["web", "worker"]}.get(args[0], [args[0]])
    missing = [name for name in missing if name not in entries]
    if missing:
        say(f"the Procfile has no {', '.join(missing)} entry")
        return 2
    supervisor = Supervisor(entries, float(os.environ.get("STOP_TIMEOUT", "25")))
    if args[0] == "all":
        results = supervisor.run(["release"])
        code = supervisor.outcome(["release"], results)
        if code or supervisor.requested:
            say("the release step failed: not starting the web server and the worker" if code else "stopped")
            return code
        names = ["web", "worker"]
    else:
        names = ["web", "worker"] if args[0] == "serve" else [args[0]]
    code = supervisor.outcome(names, supervisor.run(names))
    say(f"exiting with status {code}")
    return code


def become_subreaper():
    """Outside a container (PID 1 reaps anyway), adopt orphaned grandchildren so they are reaped here."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


if __name__ == "__main__":
    become_subreaper()
    os.chdir(ROOT)  # the Procfile's commands name wsgi:app relative to the app's folder
    sys.exit(main(sys.argv))
