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
import time

from aiosmtpd.handlers import Mailbox

from tests.fakes.process import ServerProcess

REFUSE = {"refused": "550 5.1.1 <{}>: no such mailbox here", "later": "451 4.3.0 <{}>: busy, try again later"}


class Recorder(Mailbox):
    """aiosmtpd's Maildir handler, refusing the addresses in REFUSE (loaded by the server process)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = REFUSE.get(address.partition("@")[0])
        if reply:
            return reply.format(address)
        envelope.rcpt_tos.append(address)
        return "250 OK"


class SmtpServer(ServerProcess):
    name = "the SMTP server (aiosmtpd)"
    log_mode = "wb"

    def __init__(self, folder, port, start_seconds=15):
        super().__init__(folder, port, f"smtp://127.0.0.1:{port}", start_seconds)
        self.maildir = self.folder / "maildir"

    def command(self):
        return ["-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}", "-c", f"{__name__}.Recorder", str(self.maildir)]

    def _answers(self):
        """Whether the port takes connections."""
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            return True
        except OSError:
            return False

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
