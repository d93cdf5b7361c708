"""A real SMTP server in its own process on loopback (aiosmtpd), for the app's real SMTP client.

    server = SmtpServer(folder, free_port()).start()   # then SMTP_URL = server.url
    ...
    [message] = server.wait_for(1)                     # email.message.EmailMessage
    server.stop()

It keeps every message it accepts in a Maildir under ``folder``, as received (aiosmtpd adds
X-Peer, X-MailFrom and X-RcptTo: the envelope). Two kinds of address are answered the way a
real server answers a problem, to test failures with the real protocol:

- ``refused@…``: 550, no such mailbox (permanent) — the reply quotes the address, as real servers do;
- ``later@…``: 451, try again later (transient).

For a server that isn't there at all, use ``f"smtp://127.0.0.1:{free_port()}"``: nothing listens on it.
"""
import email
import email.policy
import socket
import subprocess
import sys
import time
from pathlib import Path

from aiosmtpd.handlers import Mailbox

ROOT = Path(__file__).resolve().parents[2]
REFUSE = {"refused": "550 5.1.1 <{}>: no such mailbox here", "later": "451 4.3.0 <{}>: busy, try again later"}


class Recorder(Mailbox):
    """aiosmtpd's Maildir handler, refusing the addresses in REFUSE (loaded by the server process)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = REFUSE.get(address.partition("@")[0])
        if reply:
            return reply.format(address)
        envelope.rcpt_tos.append(address)
        return "250 OK"


class SmtpServer:
    def __init__(self, folder, port, start_seconds=15):
        self.folder = Path(folder)
        self.maildir = self.folder / "maildir"
        self.port = port
        self.url = f"smtp://127.0.0.1:{port}"
        self.start_seconds = start_seconds
        self.process = None

    def start(self):
        """Start the process and wait until its port takes connections (at most ``start_seconds``)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        log = self.folder / "server.log"
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
                 "-c", f"{__name__}.Recorder", str(self.maildir)],
                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.start_seconds
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"the SMTP server (aiosmtpd) did not take connections on {self.url} within "
                                       f"{self.start_seconds} s; its output:\n{log.read_text()}") from None
                time.sleep(0.05)

    def _files(self):
        found = [path for box in ("new", "cur") if (self.maildir / box).is_dir()
                 for path in (self.maildir / box).iterdir()]
        return sorted(found, key=lambda path: (path.stat().st_mtime_ns, path.name))

    def messages(self):
        """Every message received since the last clear(), oldest first."""
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in self._files()]

    def wait_for(self, count, timeout=5):
        """The messages, once there are at least ``count``; fails after ``timeout`` seconds, saying how many came."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.messages()
            if len(found) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert len(found) >= count, f"the SMTP server at {self.url} received {len(found)} of {count} " \
                                    f"e-mails within {timeout} s"
        return found

    def take(self, to, subject, timeout=5):
        """The first message to ``to`` with ``subject``, once it has arrived, removed from the box (so a test
        counting its own e-mails doesn't count it); fails after ``timeout`` seconds, saying what it waited for."""
        deadline = time.monotonic() + timeout
        while time.monotonic() <= deadline:
            for path in self._files():
                message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                if message["To"] == to and message["Subject"] == subject:
                    path.unlink()
                    return message
            time.sleep(0.05)
        raise AssertionError(f"no e-mail to {to} titled {subject!r} reached the SMTP server at {self.url} "
                             f"within {timeout} s")

    def clear(self):
        for path in self._files():
            path.unlink()

    def stop(self):
        """Terminate the process; kill it if it hasn't exited within 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
