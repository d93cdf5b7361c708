"""What the fakes that run in their own process share: start a server, wait until it answers, stop it.

A subclass sets ``name`` (said in errors), ``command()`` (the argv) and ``_answers()`` (one quick check
that the server is ready); ``start()`` then waits at most ``start_seconds`` for it, and says what it was
waiting for, with the server's own output, when it never came.
"""
import subprocess
import sys
import time
from abc import ABC, abstractmethod
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class ServerProcess(ABC):
    name = "the server"
    log_mode = "ab"  # keep the output of every start: a restarted server's log tells its whole story

    def __init__(self, folder, port, url, start_seconds):
        self.folder = Path(folder)
        self.port = port
        self.url = url
        self.start_seconds = start_seconds
        self.process = None

    @abstractmethod
    def command(self):
        """The server's argv after the Python interpreter."""

    @abstractmethod
    def _answers(self):
        """Whether the server answers now (one quick check)."""

    def start(self):
        """Start the process and wait until it answers (at most ``start_seconds``)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        log = self.folder / "server.log"
        with log.open(self.log_mode) as out:
            self.process = subprocess.Popen([sys.executable, *self.command()], cwd=ROOT, stdout=out,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.start_seconds
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not answer on {self.url} within {self.start_seconds} s; "
                                   f"its output:\n{log.read_text(errors='replace')}")
            time.sleep(0.05)
        return self

    def stop(self):
        """Terminate the process; kill it if it hasn't exited within 10 s. Its port refuses connections after."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
