"""Sending one e-mail over SMTP, with the standard library only.

SMTP_URL says where and how:

- ``smtps://user:password@host:465`` — TLS from the first byte (implicit TLS); port 465 when none is given.
- ``smtp://user:password@host:587`` — plain SMTP, then STARTTLS whenever the server offers it. With
  credentials in the URL, STARTTLS is required: a server that doesn't offer it gets no password and
  the send fails (permanently: retrying would not change the server's mind). Port 25 when none is given.
- ``smtp://host:port`` — no credentials: a local relay; STARTTLS still when offered.

User name and password are percent-decoded (``%40`` for an ``@`` in a password). Certificates are
checked against the system's trusted authorities. SMTP_TIMEOUT bounds the connection and every
command after it. Nothing here logs: the caller decides what to log, and a ``MailError`` message
never holds the body, the password or the recipient's address.
"""
import datetime as dt
import email.policy
import email.utils
import functools
import re
import smtplib
import ssl
from collections import namedtuple
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit


class MailError(Exception):
    """The e-mail was not sent. ``transient``: worth trying again later (the server was unreachable,
    slow, or answered 4xx); otherwise it never will be (5xx, e.g. the address was refused, or a setting)."""

    def __init__(self, message, transient):
        super().__init__(message)
        self.transient = transient


Server = namedtuple("Server", "host port implicit_tls user password")

# Bodies in 7-bit (quoted-printable or base64, lines of at most 76), so no server needs 8BITMIME; header
# lines up to RFC 5322's 998, because folded at 78 a long List-Unsubscribe URL becomes an RFC 2047
# encoded word that mail clients can't use.
BODY_POLICY = email.policy.SMTP.clone(cte_type="7bit")
SEND_POLICY = BODY_POLICY.clone(max_line_length=998)
# One plain ASCII address, nothing around it: anything else (a name, a comma, a space, non-ASCII, which
# would need SMTPUTF8) isn't sent.
PLAIN_ADDRESS = re.compile(r"[!-?A-~]+@[!-?A-~]+")


def configured(config):
    """Can Limber send e-mail? It needs a server to send through and PUBLIC_URL for the links inside."""
    return bool(config.get("SMTP_URL") and config.get("PUBLIC_URL"))


def unsubscribe_headers(url):
    """The headers that give mail clients an unsubscribe button that works in one click (RFC 2369, RFC 8058)."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@functools.lru_cache(maxsize=4)
def _server(url):
    """SMTP_URL read once per value; a wrong one is a permanent MailError that doesn't repeat the password."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname or port == -1:
        raise MailError("SMTP_URL must look like smtp://user:password@host:587, smtps://user:password@host:465 "
                        "or smtp://host:25.", transient=False)
    implicit_tls = parts.scheme == "smtps"
    return Server(parts.hostname, port or (465 if implicit_tls else 25), implicit_tls,
                  unquote(parts.username) if parts.username else None,
                  unquote(parts.password) if parts.password else "")


def _domain(address):
    """The domain of an address, for the Message-ID and the EHLO greeting."""
    _, at, domain = email.utils.parseaddr(address)[1].rpartition("@")
    return domain if at and domain else "localhost"


def _message(config, to, subject, text, html, headers):
    message = EmailMessage(policy=BODY_POLICY)
    try:
        message["From"] = config["MAIL_FROM"]
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = email.utils.format_datetime(dt.datetime.now(dt.timezone.utc))
        message["Message-ID"] = email.utils.make_msgid(domain=_domain(config["MAIL_FROM"]))
        for name, value in (headers or {}).items():
            message[name] = value
    except ValueError:  # a line break in a header
        raise MailError("That e-mail can't be sent: one of its headers isn't valid.", transient=False) from None
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message.as_bytes(policy=SEND_POLICY)


def _without(address, reply):
    """A server's reply for a MailError, without the recipient's address (servers often quote it)."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return text.replace(address, "the recipient")


def _deliver(server, config, recipient, raw):
    timeout = config["SMTP_TIMEOUT"]
    # The EHLO name: the sender's domain, because working out this machine's own name can stall for
    # seconds on a container without reverse DNS.
    hostname = _domain(config["MAIL_FROM"])
    tls = ssl.create_default_context()
    if server.implicit_tls:
        smtp = smtplib.SMTP_SSL(server.host, server.port, local_hostname=hostname, timeout=timeout, context=tls)
    else:
        smtp = smtplib.SMTP(server.host, server.port, local_hostname=hostname, timeout=timeout)
    try:
        _talk(smtp, server, tls)
        smtp.sendmail(email.utils.parseaddr(config["MAIL_FROM"])[1], [recipient], raw)
    except BaseException:
        smtp.close()
        raise
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()  # the message was accepted: whatever QUIT answers changes nothing


def _talk(smtp, server, tls):
    """Greet, encrypt and log in, by the rules in this module's docstring."""
    smtp.ehlo()
    encrypted = server.implicit_tls
    if not encrypted and smtp.has_extn("starttls"):
        smtp.starttls(context=tls)
        smtp.ehlo()
        encrypted = True
    if server.user:
        if not encrypted:
            raise MailError(f"The SMTP server {server.host} doesn't offer STARTTLS, and Limber won't send "
                            "its password unencrypted. Use smtps:// or a server that offers STARTTLS.",
                            transient=False)
        smtp.login(server.user, server.password)


def send(config, to, subject, text, html=None, headers=None):
    """Send one e-mail to the address ``to`` from MAIL_FROM: ``text``, plus ``html`` as its alternative
    when given, and any extra ``headers`` (e.g. unsubscribe_headers()). Raises MailError when it wasn't sent."""
    if not config.get("SMTP_URL"):
        raise MailError("E-mail isn't set up: SMTP_URL is empty.", transient=False)
    server = _server(config["SMTP_URL"])
    if not PLAIN_ADDRESS.fullmatch(to) or email.utils.parseaddr(to)[1] != to:
        raise MailError("Limber can't send to that address: it isn't one plain ASCII e-mail address.",
                        transient=False)
    raw = _message(config, to, subject, text, html, headers)
    where = f"the SMTP server {server.host}:{server.port}"
    try:
        _deliver(server, config, to, raw)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        raise MailError(f"{where} refused the recipient: {code} {_without(to, reply)}",
                        transient=400 <= code < 500) from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"{where} answered {exc.smtp_code} {_without(to, exc.smtp_error)}",
                        transient=400 <= exc.smtp_code < 500) from None
    except smtplib.SMTPServerDisconnected as exc:  # smtplib's word for a reply that timed out, too
        waited = isinstance(exc.__context__, TimeoutError)
        raise MailError(f"{where} didn't answer within {config['SMTP_TIMEOUT']:g} s." if waited else
                        f"{where} closed the connection.", transient=True) from None
    except smtplib.SMTPException as exc:  # e.g. no login method both sides know: a setting to change
        raise MailError(f"{where} can't take this e-mail: {_without(to, exc)}", transient=False) from None
    except TimeoutError:
        raise MailError(f"{where} didn't answer within {config['SMTP_TIMEOUT']:g} s.", transient=True) from None
    except OSError as exc:  # refused, unreachable, no such host, a TLS failure
        raise MailError(f"Can't reach {where}: {exc.strerror or exc}", transient=True) from None
