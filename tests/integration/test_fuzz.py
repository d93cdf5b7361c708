"""Fuzz every form and JSON endpoint with hypothesis: no input may get a 5xx, and afterwards nothing
may be left half-written (tests/integration/dbcheck.py).

The routes come from ``app.url_map``, so a new route is fuzzed without touching this file: every
rule that takes POST, and every GET rule that has path arguments or reads query arguments. Field
names come from the real forms: the ``<form>``s of the rendered pages, the WTForms classes the view
uses (its GET forms for the query string), and the names the view reads from ``request.form`` /
``request.args``. Values are the awkward
ones: 400-digit and 2**63 numbers, 1e309/nan/inf, NUL, right-to-left marks, emoji, 100 kB strings,
lists where one value is expected, empty and missing fields, junk field names. The JSON endpoints
(``POST /sessions/sync``) get bodies built from a valid session log with fields of
the wrong type, 1000+ levels of nesting, huge numbers and wrong content types. Every request carries
a valid CSRF token (the point is to reach the handlers) and some carry the htmx headers. Ids in URLs
are the signed-in person's own (a routine, a plan with 2 versions, a session log, coach messages with
the AI off, an AI job, media rows), somebody else's, and absurd ones. The person is an admin for
part of the run; media downloads never leave the process (``fetch.download`` is stubbed to refuse).

Before its random examples each route gets a systematic pass: every field of every real form (and of
a session log) set, one at a time, to 2**63, -2**63-1, 400 digits, a list and NUL; and every POST
route a JSON number, a JSON list, JSON objects for values, 1200 levels of nesting and a multipart
part without a name. So the bugs that matter most are found whatever the seed draws.

Bounded and seeded: each route gets a fixed number of examples from a fixed seed and shrinking is
off. A 5xx is recorded rather than raised, so one run reports every distinct 5xx (method, path,
exception, where it was raised and the smallest input that got it), grouped by where it was raised,
not just the first. After each route the database is checked for half-written rows
(``dbcheck.problems``), and at the end every page must still render for the person.
Logging out and deleting the account are fuzzed on their own at the end; OIDC routes are not fuzzed.
Run with ``-s`` to see how many requests each route got and what they answered.
"""
import inspect
import io
import json
import re
import time
import traceback
import uuid
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from flask import request_started
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st

from tests.conftest import Auth, csrf_from, log_body, quick, starter, sync_one
from tests.integration import dbcheck

pytestmark = pytest.mark.usefixtures("no_media")

SEED = 20261123
EXAMPLES = {"json": 200, "form": 60, "get": 20}  # per route and method
SIGN_OUT_EXAMPLES = 25
SIGN_OUT_ENDPOINTS = ("auth.logout", "auth.delete_account")  # fuzzed in the last test, on their own
PASSWORD = "warm up well"
OTHER_PASSWORDS = ("a new long one", "x" * 256)
EMAIL = "ana@example.com"
EXERCISE = "march-in-place"
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"

# -- values ------------------------------------------------------------------------------------

HUGE = ("9" * 400, "-" + "9" * 400, "9223372036854775808", str(2**63 - 1), str(-2**63 - 1), str(2**64),
        str(2**31), str(2**31 - 1), "99999999999999999999", "1" + "0" * 5000)
ODD_NUMBERS = ("0", "-0", "-1", "1e309", "-1e309", "1e-400", "nan", "NaN", "inf", "-inf", "Infinity", "8.0", "8.5",
               "+8", " 8 ", "08", "0x1f", "1_000", "\u0663", "\uff11\uff12", "8e0", "\u00bd")
ODD_TEXT = ("", " ", "\x00", "a\x00b", "\u202eevil\u202c", "\u200f\u200e\u061c", "\U0001f9d8\u200d\u2640\ufe0f\U0001f525",
            "\U0001d543\U0001d55a\U0001d55e", "\u0130\u0131\u00df", "<script>alert(1)</script>", "{{ 7*7 }}",
            "' OR 1=1 --", "%s%n%x", "../../etc/passwd", "line\r\nX-Header: y", "null", "[]", "{}", "\ufeff",
            "\u00e9" * 300, "x" * 5000, "\U0001f642" * 3000, "a" * 120_000, "b" * 300_000)
# Values that real people (or a tampered page) would send for a field of this name.
HINTS = {
    "email": (EMAIL, "ANA@example.com", " ana@example.com ", "eve@example.com", "new@example.com",
              "a@b.co" + "x" * 300, "no-at-sign", "@", "a@b", "\u00e4@\u00f6.\u00fc"),
    "password": (PASSWORD, *OTHER_PASSWORDS, "short", "x" * 257),
    "current": (PASSWORD, *OTHER_PASSWORDS, "wrong one"), "new": (*OTHER_PASSWORDS, PASSWORD, "short"),
    "confirm": ("DELETE", *OTHER_PASSWORDS, PASSWORD, "delete", " DELETE ", "DELETE\x00", "DELETE\u200b",
                "\uff24\uff25\uff2c\uff25\uff34\uff25", "D\u0415LETE"),
    "remember": ("y", "n", "on", "0"),
    "url": (YOUTUBE, "https://youtu.be/dQw4w9WgXcQ", "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://youtu.be/short", "https://example.com/clip.mp4", "http://example.com/pose.png",
            "https://youtube.com:99999/watch?v=dQw4w9WgXcQ", "http://[::1", "file:///etc/passwd",
            "ftp://example.com/a.mp4", "http://user:pw@example.com/a.mp4", "https://example.com/" + "a" * 2000,
            "http://10.0.0.7/a.mp4", "http://169.254.169.254/latest/meta-data", "https:///nohost"),
    "message": ("How long should I warm up?", "I get chest pain when I run", "x" * 1000, "x" * 1001),
    "name": ("My week", "  ", "x" * 60, "x" * 61),
    "start_date": ("2026-11-23", "2026-02-30", "0001-01-01", "9999-12-31", "99999-01-01", "2026-11-23T10:00",
                   "someday"),
    "day": ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "Sun", "funday"),
    "index": ("0", "1", "2", "3", "4", "50", "51"),
    "minutes": ("3", "5", "8", "30", "31", "2"),
    "age": ("13", "34", "110", "111", "12"),
    "usual_minutes": ("5", "8", "30", "7"),
    "weeks_since_surgery": ("0", "6", "520", "521"),
    "pregnancy_weeks": ("0", "20", "42", "43"),
    "a": ("1", "2"), "b": ("1", "2"),
    "next": ("/", "/history", "//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"),
    "q": ("calf", "%", "_", "\\", "'"),
    "start": ("warmup", "mobility", "nope"),
    "ai_enabled": ("y", "n"), "coach_personality": ("supportive", "tough_love", "calm", "evil"),
    "with_ai": ("1", "y"), "starter": ("1",), "consent": ("y", "n"),
}
# What a person types into fields the page leaves empty, where the first hint won't do.
REAL = {"password": (PASSWORD,), "current": (PASSWORD,), "new": (OTHER_PASSWORDS[0],),
        "confirm": (OTHER_PASSWORDS[0], "DELETE")}  # the password form's confirm, the delete form's
JSON_SCALARS = (10**400, -(10**400), 2**63, 2**31, 2**31 - 1, -1, 0, 1, 1e308)
# Raw JSON text that json.dumps can't write: (label for reports, text).
RAW_JSON = (
    ("[ x1000", "[" * 1000 + "]" * 1000), ("[ x1200", "[" * 1200 + "]" * 1200), ("[ x5000", "[" * 5000 + "]" * 5000),
    ("[ x60000", "[" * 60_000 + "]" * 60_000), ("[ x999", "[" * 999 + "]" * 999),
    ('{"a": x1200', '{"a":' * 1200 + "1" + "}" * 1200), ("5000 digits", "1" * 5000), ("1e400", "1e400"),
    ("-1e400", "-1e400"), ("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity"),
    ("1E-400", "1E-400"), ("lone surrogate", '"\\ud800"'), ("lone low surrogate", '"a\\udfffb"'),
    ("NUL", '"\\u0000"'),
)
HEADERS = (("HX-Request", "true"), ("HX-Boosted", "true"), ("HX-Target", "media-rows"),
           ("HX-History-Restore-Request", "true"), ("Accept", "application/json"), ("HX-Current-URL", "http://x/"),
           ("Range", "bytes=0-3"), ("Range", "bytes=99999999999999999999-"), ("Range", "bytes=5-1,-0"),
           ("If-None-Match", "*"), ("If-Modified-Since", "Tue, 31 Dec 9999 23:59:59 GMT"))
JSON_TYPES = ("application/json",) * 5 + ("application/json; charset=utf-8", "application/merge-patch+json",
                                          "application/json; charset=utf-16", "text/plain",
                                          "application/x-www-form-urlencoded", "multipart/form-data; boundary=fz",
                                          None)
# Bodies no browser sends but any client can: (content type, bytes).
RAW_BODIES = (
    ("multipart/form-data; boundary=fz", b"--fz\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n--fz--\r\n"),
    ("multipart/form-data; boundary=fz", b'--fz\r\nContent-Disposition: form-data; name="a\nb"\r\n\r\n1\r\n--fz--\r\n'),
    ("multipart/form-data; boundary=fz", b"--fz\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nno end"),
    ("multipart/form-data", b"--\r\n--\r\n"),
    ("application/x-www-form-urlencoded", b"%%%=%zz&=&&==&a=%00&a"),
    ("application/x-www-form-urlencoded", b"a=" + b"%F0%9F" * 100),
    ("application/x-www-form-urlencoded; charset=utf-16", "kind=warmup".encode("utf-16")),
    ("application/x-www-form-urlencoded", b"&".join(b"k%d=%d" % (i, i) for i in range(5000))),
    ("text/plain", b"kind=warmup&minutes=8"),
)
RAW_TYPES = ("application/octet-stream", "text/plain", "application/x-www-form-urlencoded",
             "multipart/form-data; boundary=fz", "multipart/form-data", "application/json", None)
# Every field of every form gets each of these once, the rest of the form filled in as a person would.
SWEEP = ("9223372036854775808", "-9223372036854775809", "9" * 400, ["1", "2"], "\x00")
JSON_OBJECT = object()  # ... and, sent as JSON, an object
# And every POST route gets each of these bodies once: (content type, body, label for reports).
SHAPES = (
    ("application/json", b"1e400", "json=<1e400>"), ("application/json", b'["a"]', "json=['a']"),
    ("application/json", None, "json=<the real form, every value {'a': 1}>"),
    ("application/json", b"[" * 1200 + b"]" * 1200, "json=<[ x1200>"),
    (RAW_BODIES[0][0], RAW_BODIES[0][1], "multipart with a part that has no name"),
)
ABSURD_IDS = ("1", "2147483647", "2147483648", "99999999999999999999", "9" * 400, "0", "-1", "abc", "1.5", "%00", "",
              "\uff11", "1e3", "0x10", " 1")
ABSURD_INTS = ("0", "1", "2", "998", "999", "1000", "1000000", "1000001", "-1", "9" * 30, "x")
ABSURD_TEXT = ("nope", "", "..", "%2e%2e", "\x00", "\u202e", "\U0001f642", "a" * 300, "skip", "index.html")


def raw_marker(i):
    """A string render_json replaces with RAW_JSON[i]'s text."""
    return f"\x01raw{i}\x01"


# ... and every field of a JSON body gets each of these (the last: 1200 levels of nesting).
JSON_SWEEP = (2**63, -(2**63) - 1, 10**400, float("inf"), float("nan"), -1, [1], {"a": 1}, None, "\x00",
              raw_marker(1))


EDGE = st.one_of(st.sampled_from(HUGE), st.sampled_from(HUGE + ODD_NUMBERS), st.sampled_from(ODD_TEXT),
                 st.integers(-10**12, 10**12).map(str), st.floats().map(repr), st.text(max_size=30))
NUMERIC_EDGE = st.one_of(st.sampled_from(HUGE), st.sampled_from(ODD_NUMBERS), st.integers(-2**70, 2**70).map(str))
JSON_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.sampled_from(JSON_SCALARS), st.floats(),
                        st.text(max_size=20), st.sampled_from(ODD_TEXT[:-2]),
                        st.integers(0, len(RAW_JSON) - 1).map(raw_marker))
JSON_VALUE = st.recursive(JSON_SCALAR, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)


def choose(values):
    """One of ``values``, which may change between examples (ids, versions): hypothesis only ever sees
    the same integer draw, so its record of earlier examples stays consistent."""
    values = tuple(values)
    return st.integers(0, 65535).map(lambda i: values[i % len(values)])


def field_value(plausible):
    """One awkward value for a form field (now and then one the page offers, to mix with others); a field
    whose real values are whole numbers mostly gets numbers: too large for 64 bits, negative, not quite."""
    if plausible and all(re.fullmatch(r"-?\d+", v) for v in plausible):
        return st.one_of(NUMERIC_EDGE, NUMERIC_EDGE, EDGE, choose(plausible))
    return st.one_of(EDGE, EDGE, choose(plausible)) if plausible else EDGE


def render_json(value):
    """(body text, short label) for a value that may hold raw markers."""
    text = label = json.dumps(value, allow_nan=True, ensure_ascii=False)
    for i, (name, raw) in enumerate(RAW_JSON):
        quoted = json.dumps(raw_marker(i), ensure_ascii=False)
        if quoted in text:
            text, label = text.replace(quoted, raw), label.replace(quoted, f"<{name}>")
    return text, label


def short(value, limit=70):
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(short(v, 40) for v in value[:4]) + (", …" if len(value) > 4 else "") + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{short(k, 30)}: {short(v, 50)}" for k, v in list(value.items())[:12]) + "}"
    if isinstance(value, (str, bytes)) and len(value) > limit:
        return f"{value[:limit // 2]!r}…<{len(value)} {'chars' if isinstance(value, str) else 'bytes'}>…" \
               f"{value[-12:]!r}"
    return repr(value)


# -- the routes ----------------------------------------------------------------------------------

@dataclass
class Route:
    rule: object
    method: str
    kind: str  # json | form | get
    protected: bool = True
    fields: dict = field(default_factory=dict)  # name -> plausible values
    query: dict = field(default_factory=dict)  # name -> plausible values
    names: tuple = ()  # other names the view mentions: junk-field candidates
    forms: list = field(default_factory=list)  # the real forms (or links) for it: [{name: values}]

    @property
    def title(self):
        return f"{self.method} {self.rule.rule}"


def skipped(rule):
    return rule.endpoint == "static" or "oidc" in rule.endpoint or "oidc" in rule.rule


def reached_source(function):
    """The view's source and that of the same-module helpers it calls (so `_handle`, `_edit` count)."""
    function = inspect.unwrap(function)
    module = inspect.getmodule(function)
    seen, todo, parts = set(), [function], []
    while todo:
        fn = todo.pop()
        if fn in seen:
            continue
        seen.add(fn)
        try:
            source = inspect.getsource(fn)
        except (OSError, TypeError):
            continue
        parts.append(source)
        for name in set(re.findall(r"\b([A-Za-z_]\w*)\(", source)):
            helper = getattr(module, name, None)
            if inspect.isfunction(helper) and inspect.getmodule(helper) is module:
                todo.append(helper)
    return "\n".join(parts), module


def wtforms_fields(source, module, query=False):
    """name -> choices of the FlaskForm classes (or dicts of them) the view's source names: the posted
    ones, or (``query``) the GET forms, which read the query string (app.forms.QueryForm)."""
    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField

    from app.forms import QueryForm

    classes = []
    for name, value in vars(module).items():
        if not re.search(rf"\b{re.escape(name)}\b", source):
            continue
        if inspect.isclass(value) and issubclass(value, FlaskForm):
            classes.append(value)
        elif isinstance(value, dict):
            classes += [c for c in value.values() if inspect.isclass(c) and issubclass(c, FlaskForm)]
    classes = [c for c in classes if issubclass(c, QueryForm) == query]
    out = {}
    for form_class in classes:
        for name in dir(form_class):
            unbound = getattr(form_class, name, None)
            if not isinstance(unbound, UnboundField):
                continue
            values = set()
            for choice in unbound.kwargs.get("choices") or ():
                values.add(str(choice[0] if isinstance(choice, (tuple, list)) else choice))
            if unbound.kwargs.get("default") not in (None, ""):
                values.add(str(unbound.kwargs["default"]))
            out.setdefault(name, set()).update(values)
    return out


class PageForms(HTMLParser):
    """The forms, hx-post buttons and links of one rendered page."""

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms = []  # [method, url, {name: set(values)}]
        self.urls = []
        self.current = self.select = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        for key in ("href", "src", "action", "hx-get", "hx-post", "data-stream", "data-url"):
            if a.get(key):
                self.urls.append(a[key])
        if tag == "form":
            method = "POST" if a.get("hx-post") else (a.get("method") or "get").upper()
            self.current = [method, a.get("hx-post") or a.get("action") or self.page, {}]
            self.forms.append(self.current)
        elif a.get("hx-post"):
            self.forms.append(["POST", a["hx-post"], {}])
        if tag in ("input", "select", "textarea", "button") and a.get("name") and self.current is not None:
            values = self.current[2].setdefault(a["name"], set())
            if a.get("value"):
                values.add(a["value"])
            if tag == "select":
                self.select = values
        elif tag == "option" and self.select is not None and "value" in a:
            self.select.add(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def discover(app):
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if skipped(rule):
            continue
        source, module = reached_source(app.view_functions[rule.endpoint])
        form_names = set(re.findall(r"request\.(?:form|values)\.(?:get|getlist)\(\s*[\"']([^\"']+)", source))
        arg_names = set(re.findall(r"\bargs\.(?:get|getlist)\(\s*[\"']([^\"']+)", source))
        names = tuple(sorted(set(re.findall(r"[\"']([a-z][a-z0-9_]{0,30})[\"']", source)) - {"csrf_token"}))
        fields = {name: set() for name in form_names}
        for name, values in wtforms_fields(source, module).items():
            fields.setdefault(name, set()).update(values)
        query = {name: set() for name in arg_names}
        for name, values in wtforms_fields(source, module, query=True).items():
            query.setdefault(name, set()).update(values)
        if "POST" in rule.methods:
            reads_json = re.search(r"get_json|request\.(?:json|is_json)|parse_json|loads\(request", source)
            kind = "json" if reads_json else "form"
            routes.append(Route(rule, "POST", kind, fields=dict(fields), query=dict(query), names=names))
        if "GET" in rule.methods and (rule.arguments or query):
            routes.append(Route(rule, "GET", "get", query=dict(query), names=names))
    return routes


# -- the fuzzer -----------------------------------------------------------------------------------

@dataclass
class Failure:
    route: str
    kind: str
    message: str
    where: str
    example: str
    origin: str = ""  # the innermost frame: failures that share it share a cause
    count: int = 1


class Fuzzer:
    def __init__(self, app, client, person):
        self.app, self.client, self.person = app, client, person
        self.adapter = app.url_map.bind("localhost")
        self.requests = self.handled = 0  # fuzzed requests; every request the app saw
        request_started.connect(self.count, app)
        self.distinct = set()
        self.failures = {}
        self.statuses = {}
        self.csrf_refused = {}
        self.half_written = []
        self.seen_problems = set()
        self.anon = self.anon_token = None
        self.admin = False
        self.signed_out = False
        self.own, self.others = {}, {}
        self.seen_args = {}
        self.scraped = {}  # (endpoint, method) -> [{name: set(values)}], one per form or link seen
        self.last_429 = False
        self.dirty = True
        self.before = None  # called before every fuzzed request (the sign-out test signs back in)

    # --- plumbing

    def count(self, sender, **extra):
        self.handled += 1

    def close(self):
        request_started.disconnect(self.count, self.app)

    def token(self):
        return self.client.get("/sessions/sync").json["csrf_token"]

    def sign_in(self):
        """Signed in as the person again (a password the fuzz set is put back), with a fresh CSRF token."""
        from app.extensions import limiter
        from app.models import Account

        limiter.reset()
        if self.client.get("/sessions/sync", headers={"Accept": "application/json"}).status_code != 200:
            if self.person.login(EMAIL, PASSWORD).status_code != 303:
                self.reset_password()
                limiter.reset()
                assert self.person.login(EMAIL, PASSWORD).status_code == 303
        self.csrf = self.token()
        self.account_id = Account.get(Account.email == EMAIL).id
        self.signed_out = False

    def reset_password(self):
        from werkzeug.security import generate_password_hash

        from app.models import Account

        hashed = generate_password_hash(PASSWORD, self.app.config["PASSWORD_HASH_METHOD"])
        Account.update(password_hash=hashed).where(Account.email == EMAIL).execute()

    def set_admin(self, flag):
        from app.models import Account

        if flag != self.admin:
            Account.update(is_admin=flag).where(Account.id == self.account_id).execute()
            self.admin = flag

    def anonymous(self):
        if self.anon is None:
            self.anon = self.app.test_client()
            self.anon_token = csrf_from(self.anon.get("/login").get_data(as_text=True))
        return self.anon, self.anon_token

    def send(self, route, path, who, query=None, data=None, content_type=None, headers=(), example=""):
        from app.extensions import limiter

        client, token = (self.client, self.csrf) if who == "person" else self.anonymous()
        all_headers = {"X-CSRFToken": token, **dict(headers)}
        if self.last_429:
            limiter.reset()
            self.last_429 = False
        self.requests += 1
        self.distinct.add((route.method, path, example, who))
        try:
            response = client.open(path, method=route.method, query_string=query, data=data,
                                    content_type=content_type, headers=all_headers)
            body = response.get_data()  # runs streamed bodies too
            status = response.status_code
            location = response.headers.get("Location", "")
            response.close()
        except Exception as exc:  # noqa: BLE001 - TESTING propagates the exception a 500 would hide
            self.record(route, type(exc).__name__, f"{type(exc).__name__}: {str(exc)[:200]}", where(exc),
                        f"{path} {example}", origin(exc))
            status, body, location = 500, b"", ""
        else:
            if status >= 500:
                self.record(route, f"HTTP {status}", body[:200].decode("utf-8", "replace"), "", f"{path} {example}")
        key = (route.title, who)
        self.statuses.setdefault(key, {}).setdefault(status, 0)
        self.statuses[key][status] += 1
        self.last_429 = status == 429
        if route.rule.endpoint == "auth.change_password" and status == 303:
            self.reset_password()  # keep the person's password known, so the next change can succeed too
        self.dirty = self.dirty or route.method != "GET" and (status < 400 or status >= 500) \
            or "stream" in route.rule.rule
        if status == 400 and (b"Your form expired" in body or b'"error":"csrf"' in body.replace(b" ", b"")):
            self.csrf_refused[route.title] = self.csrf_refused.get(route.title, 0) + 1
        if who == "person" and (status == 401 or (status in (302, 303) and "/login" in location
                                                  and route.rule.endpoint not in ("auth.login",))):
            self.signed_out = True
        if who == "anonymous" and route.method == "POST" and status in (301, 302, 303, 307, 308):
            self.anon = None  # it may have signed up or in: the next anonymous request starts afresh
        return status

    def record(self, route, kind, message, at, example, source=""):
        key = (route.title, kind, source)
        found = self.failures.get(key)
        if found is None:
            self.failures[key] = Failure(route.title, kind, message, at, example, source)
        else:
            found.count += 1
            if len(example) < len(found.example):
                found.example, found.message, found.where = example, message, at

    # --- the person's things, which the fuzzed ids point at

    def setup(self, monkeypatch):
        from app.media import fetch
        from app.models import AiJob, Plan

        def refuse(url, *args, **kwargs):
            raise fetch.FetchError("downloads are off in the fuzz test")

        monkeypatch.setattr(fetch, "download", refuse)
        self.sign_in()
        # Somebody else, whose ids must all be 404s (or a 409 for a session log's UUID).
        other = Auth(self.app.test_client())
        other.signup("eve@example.com")
        other.onboard()
        eve_routine = quick(other)
        eve_plan = starter(other)
        eve_log = log_body(None, client_id=str(uuid.uuid4()))
        eve_log.update(self.fresh_times())
        assert sync_one(other.client, eve_log, other.token("/"))[0] == 201
        self.eve_log_id = eve_log["client_id"]
        from app.models import Account, ChatMessage

        eve_id = Account.get(Account.email == "eve@example.com").id
        self.others = {"routine_id": [eve_routine], "plan_id": [eve_plan],
                       "message_id": [ChatMessage.create(account=eve_id, role="assistant", state="pending").id],
                       "job_id": [AiJob.create(account=eve_id, params={"kind": "warmup", "minutes": 8,
                                                                        "activity": "running", "focus": []}).id]}
        # The person's own: a routine, a plan with 2 versions, a session log, coach messages, a job, media.
        self.routine_id = quick(self.person)
        self.plan_id = starter(self.person)
        response = self.client.post(f"/plans/{self.plan_id}/entries", data={
            "csrf_token": self.csrf, "base": "1", "day": "sun", "kind": "flexibility", "activity": "general",
            "minutes": "10", "focus": ["hips"]})
        assert response.status_code == 303 and Plan.get_by_id(self.plan_id).version == 2
        log = log_body(self.routine_id)
        log.update(self.fresh_times())
        assert sync_one(self.client, log, self.csrf)[0] == 201
        self.log = log
        notice = self.client.post("/coach/messages", data={"csrf_token": self.csrf, "message": "Any tips?"},
                                  headers={"HX-Request": "true"})
        assert notice.status_code == 200, notice.status_code
        self.job_id = AiJob.create(account=self.account_id, params={"kind": "warmup", "minutes": 8,
                                                                     "activity": "running", "focus": []}).id
        self.proposal_id = self.pending_id = self.youtube_id = self.failed_media_id = self.cached_id = None
        self.prime()

    def cached_media(self):
        """A downloaded image, as the media task leaves it (the download itself is stubbed out)."""
        import hashlib

        from app.media import service as media
        from app.models import ExerciseMedia

        content = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
        row = ExerciseMedia.create(exercise=EXERCISE, source_url="https://example.com/pose.png", status="cached",
                                   size=len(content), checksum=hashlib.sha256(content).hexdigest(),
                                   content_type="image/png")
        path = media.file_path(self.app.config["MEDIA_DIR"], row)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self.seen_args.setdefault("name", set()).add(media.public_name(row))
        return row.id

    @staticmethod
    def fresh_times():
        import datetime as dt

        finished = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        return {"started_at": (finished - dt.timedelta(minutes=8)).isoformat(), "finished_at": finished.isoformat(),
                "local_date": finished.date().isoformat()}

    def prime(self):
        """Make sure the things the ids point at are there and in a state the handlers act on."""
        from app.media import service as media
        from app.models import ChatMessage, ExerciseMedia, Plan, Profile
        from app.plans import proposals
        from app.plans import week as plans_week
        from app.tasks import fetch_media

        with self.app.app_context():
            message = ChatMessage.get_or_none(ChatMessage.id == (self.pending_id or 0))
            if message is None or message.state != "pending":
                self.pending_id = ChatMessage.create(account=self.account_id, role="assistant", state="pending").id
            message = ChatMessage.get_or_none(ChatMessage.id == (self.proposal_id or 0))
            if message is None or message.proposal_status != "pending":
                profile = Profile.get(Profile.account == self.account_id)
                for day in plans_week.DAYS:
                    for op in ({"op": "add", "day": day, "entry": {"kind": "mobility", "activity": "general",
                                                                  "minutes": 5, "focus": []}},
                               {"op": "remove", "day": day, "index": 0}):
                        try:
                            proposal = proposals.check(profile, [op], "A fuzz-test suggestion")
                        except plans_week.PlanError:
                            continue
                        self.proposal_id = ChatMessage.create(
                            account=self.account_id, role="assistant", content="How about this?", proposal=proposal,
                            proposal_status="pending").id
                        break
                    else:
                        continue
                    break
            if ExerciseMedia.get_or_none(ExerciseMedia.id == (self.youtube_id or 0)) is None:
                self.youtube_id = media.add(EXERCISE, YOUTUBE)[0].id
            if ExerciseMedia.get_or_none(ExerciseMedia.id == (self.cached_id or 0)) is None:
                self.cached_id = self.cached_media()
            row = ExerciseMedia.get_or_none(ExerciseMedia.id == (self.failed_media_id or 0))
            if row is None:
                row, _ = media.add(EXERCISE, "https://example.com/fuzz-clip.mp4")
                self.failed_media_id = row.id
                fetch_media(row.id)
        notice = ChatMessage.select(ChatMessage.id).where(
            (ChatMessage.account == self.account_id) & (ChatMessage.role != "assistant")).first()
        if notice:
            self.seen_args.setdefault("message_id", set()).add(str(notice.id))
        self.own = {
            "routine_id": [self.routine_id], "plan_id": [self.plan_id],
            "message_id": [i for i in (self.proposal_id, self.pending_id) if i],
            "media_id": [self.cached_id, self.failed_media_id, self.youtube_id], "job_id": [self.job_id],
        }
        self.plan_version = Plan.get_by_id(self.plan_id).version
        self.dirty = False

    # --- what the pages show: field names, their values and real path arguments

    def scrape(self):
        """Render every page the person (as an admin) and a visitor can open and read their forms."""
        self.set_admin(True)
        pages = []
        for rule in self.app.url_map.iter_rules():
            if skipped(rule) or "GET" not in rule.methods or rule.endpoint in ("media.file",):
                continue
            args = {}
            for name in rule.arguments:
                values = self.own.get(name) or self.known_values(name)
                if not values:
                    break
                args[name] = values[0]
            else:
                pages += [self.path_for(rule, {k: str(v) for k, v in args.items()})]
        for step in ("screening", "about", "health", "activity"):
            pages += [f"/onboarding/{step}", f"/profile/{step}"]
        pages += [f"/plans/{self.plan_id}/compare?a=1&b=2", "/exercises?q=a"]
        for page in dict.fromkeys(pages):
            for client in (self.client, self.anonymous()[0]):
                try:
                    response = client.get(page)
                except Exception:  # noqa: BLE001 - the page sweep at the end reports these
                    continue
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                parser = PageForms(page)
                parser.feed(response.get_data(as_text=True))
                for method, url, fields in parser.forms:
                    endpoint = self.match(url, method)
                    if endpoint:
                        self.learn(endpoint, method, {k: v for k, v in fields.items() if k != "csrf_token"})
                for url in parser.urls + [url for _, url, _ in parser.forms]:
                    self.match(url, "GET") or self.match(url, "POST")
        self.anon = None
        self.set_admin(False)

    def match(self, url, method):
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/"):
            return None
        try:
            endpoint, args = self.adapter.match(parts.path, method=method)
        except Exception:  # noqa: BLE001 - 404, 405 or a redirect: not a route to learn from
            return None
        for name, value in args.items():
            self.seen_args.setdefault(name, set()).add(str(value))
        if parts.query:
            fields = {}
            for name, value in parse_qsl(parts.query, keep_blank_values=True):
                fields.setdefault(name, set()).add(value)
            self.learn(endpoint, method, fields)
        return endpoint

    def learn(self, endpoint, method, fields):
        """One more form (or link) for a route; forms with the same field names are one form."""
        forms = self.scraped.setdefault((endpoint, method), [])
        for form in forms:
            if set(form) == set(fields):
                for name, values in fields.items():
                    form[name].update(values)
                return
        forms.append({name: set(values) for name, values in fields.items()})

    def known_values(self, name):
        from app.profile.forms import STEPS

        values = sorted(self.seen_args.get(name, ()))
        if name == "step":
            values = sorted(set(values) | set(STEPS))
        if name == "slug":
            values = sorted(set(values) | {EXERCISE})
        return values

    def finish_routes(self, routes):
        for route in routes:
            forms = self.scraped.get((route.rule.endpoint, route.method), [])
            target = route.query if route.kind == "get" else route.fields
            for form in forms:
                for name, values in form.items():
                    target.setdefault(name, set()).update(values)
            for names in (route.fields, route.query):
                for name in list(names):
                    names[name] = tuple(sorted(set(names[name]), key=str)) + HINTS.get(name, ())
            # Each real form keeps its own field names and the values the page offers (a hint when it offers
            # none: an e-mail, a password); without a form, every name the view reads.
            route.forms = [{name: tuple(sorted(values, key=str)) or HINTS.get(name, ())[:2]
                            for name, values in form.items()} for form in forms] \
                or [{name: HINTS.get(name, values)[:2] for name, values in target.items()}]
        return routes

    def probe(self, route):
        """Does a visitor get sent to log in? If not (sign up, log in), fuzz it half the time without a session."""
        probe = self.app.test_client()
        token = csrf_from(probe.get("/login").get_data(as_text=True))
        args = {n: str((self.own.get(n) or self.known_values(n) or ["1"])[0]) for n in route.rule.arguments}
        answer = probe.open(self.path_for(route.rule, args), method=route.method, headers={"X-CSRFToken": token})
        route.protected = answer.status_code == 401 or "/login" in answer.headers.get("Location", "")

    # --- one request

    @staticmethod
    def path_for(rule, args):
        def value(match):
            return quote(args[match.group(1)], safe="")

        return re.sub(r"<(?:[^<>]*:)?(\w+)>", value, rule.rule)

    def path_value(self, data, route, name):
        converter = type(route.rule._converters[name]).__name__
        own = [str(v) for v in self.own.get(name, ())]
        if converter == "RowIdConverter" and not own:  # an id of something new: any of the person's ids
            own = [str(v) for values in self.own.values() for v in values]
        if name == "number":
            own = [str(self.plan_version - 1), "1", str(self.plan_version)]
        if name == "index":
            own = ["0", "1", "2"]
        plausible = own + sorted(set(self.known_values(name)) - set(own))
        if converter == "RowIdConverter":
            absurd = ABSURD_IDS + tuple(str(v) for values in self.others.values() for v in values)
        elif "Integer" in converter or converter == "NumberConverter":
            absurd = ABSURD_INTS
        else:
            absurd = ABSURD_TEXT
        # Mostly the person's own (most requests should reach the handler), then any seen, then absurd ones.
        which = data.draw(st.integers(0, 3), label=f"{name} kind")
        if which < 2 and own:
            return data.draw(choose(own), label=name)
        if which < 3 and plausible:
            return data.draw(choose(plausible), label=name)
        return data.draw(choose(absurd), label=name)

    def dynamic(self, name, plausible, real=False):
        """Values that follow the state: the plan's version now, the person's routine."""
        if real and name in ("base", "routine_id"):
            return (str(self.plan_version if name == "base" else self.routine_id),)
        if real and name == "email":  # the person's own (log in), or a new one (sign up)
            return (EMAIL, f"fuzz{self.requests}@example.com")
        if real and name in REAL:
            return REAL[name]
        if name == "base":
            return (str(self.plan_version),) * 3 + (str(self.plan_version - 1), "0", "-1") + tuple(plausible)
        if name == "routine_id":
            return (str(self.routine_id), str(self.others["routine_id"][0])) + tuple(plausible)
        if name in ("a", "b"):
            return ("1", "2", str(self.plan_version)) + tuple(plausible)
        return plausible

    def fields_body(self, data, fields, names, forms=()):
        """One of the route's real forms filled in as a person would, then 1 to 3 changes; or only junk."""
        real = {}
        form = forms[data.draw(st.integers(0, len(forms) - 1), label="form")] if forms else fields
        for name, plausible in form.items():
            plausible = self.dynamic(name, plausible, real=True)
            if plausible:
                real[name] = data.draw(choose(plausible), label=name)
        style = data.draw(st.sampled_from(("real", "mutated", "mutated", "mutated", "junk")), label="style")
        body = {} if style == "junk" else real
        changes = data.draw(st.integers(1, 3), label="changes") if style != "real" else 0
        junk_names = st.one_of(st.sampled_from(names or ("x",)), st.text(max_size=12))
        known = st.sampled_from(sorted(fields) or ["x"])
        for _ in range(changes):
            name = data.draw(st.one_of(known, known, junk_names), label="field")
            how = data.draw(st.sampled_from(("fuzz", "fuzz", "fuzz", "drop", "list", "plausible")), label="how")
            if name == "csrf_token":
                continue
            plausible = self.dynamic(name, fields.get(name, ()))
            if how == "drop":
                body.pop(name, None)
            elif how == "list":
                body[name] = data.draw(st.lists(field_value(plausible), min_size=2, max_size=4), label=name)
            elif how == "plausible" and plausible:
                body[name] = data.draw(choose(plausible), label=name)
            else:
                body[name] = data.draw(field_value(plausible), label=name)
        return body

    def session_log(self, data):
        log = dict(self.log, **self.fresh_times())
        log["client_id"] = data.draw(st.one_of(st.uuids().map(str), st.uuids().map(str),
                                               st.sampled_from((self.log["client_id"], self.eve_log_id))),
                                     label="client_id")
        log["routine_id"] = data.draw(st.sampled_from((self.routine_id, None)), label="routine_id")
        for _ in range(data.draw(st.integers(0, 3), label="changes")):
            key = data.draw(st.sampled_from(sorted(log) + ["extra", "__proto__", ""]), label="key")
            how = data.draw(st.sampled_from(("drop", "json", "json", "edge", "raw")), label="how")
            if how == "drop":
                log.pop(key, None)
            elif how == "edge":
                log[key] = data.draw(st.sampled_from(HUGE[:-1] + ODD_NUMBERS + ODD_TEXT[:-2]), label=key)
            elif how == "raw":
                log[key] = raw_marker(data.draw(st.integers(0, len(RAW_JSON) - 1), label=key))
            else:
                log[key] = data.draw(JSON_VALUE, label=key)
        return log

    def json_body(self, data):
        shape = data.draw(st.sampled_from(("log", "log", "batch", "batch", "deep", "value", "logs-value",
                                           "too-many")), label="shape")
        if shape == "log":
            value = self.session_log(data)
        elif shape == "batch":
            value = {"logs": [self.session_log(data) for _ in range(data.draw(st.integers(1, 4), label="n"))]}
        elif shape == "deep":
            value = raw_marker(data.draw(st.integers(0, len(RAW_JSON) - 1), label="raw"))
            if data.draw(st.booleans(), label="inside"):
                value = {"logs": [value]} if data.draw(st.booleans(), label="in logs") else {"logs": value}
        elif shape == "value":
            value = data.draw(JSON_VALUE, label="value")
        elif shape == "logs-value":
            value = {"logs": data.draw(JSON_VALUE, label="logs")}
        else:
            one = self.session_log(data)
            value = {"logs": [dict(one, client_id=str(uuid.UUID(int=i + 1))) for i in range(51)]}
        text, label = render_json(value)
        encoding = data.draw(st.sampled_from(("utf-8",) * 6 + ("utf-16", "utf-32", "broken")), label="encoding")
        body = b"\xff\xfe\xfd" + text.encode() if encoding == "broken" else text.encode(encoding, "surrogatepass")
        content_type = data.draw(st.sampled_from(JSON_TYPES), label="content type")
        return body, content_type, f"json={short(label, 160)} as {encoding} {content_type}"

    def form_json_body(self, data, route):
        """A form route sent JSON: the fields as an object (Flask-WTF reads JSON forms), any value, or deep nesting."""
        shape = data.draw(st.sampled_from(("object", "value", "deep")), label="json shape")
        if shape == "object":
            value = self.fields_body(data, route.fields, route.names, route.forms)
            for key in data.draw(st.lists(st.sampled_from(sorted(value) or ["x"]), max_size=2), label="typed"):
                value[key] = data.draw(JSON_VALUE, label=key)
        elif shape == "value":
            value = data.draw(JSON_VALUE, label="value")
        else:
            value = raw_marker(data.draw(st.integers(0, len(RAW_JSON) - 1), label="raw"))
        text, label = render_json(value)
        content_type = data.draw(st.sampled_from(JSON_TYPES[:7]), label="content type")
        return text.encode(), content_type, f"json={short(label, 160)} as {content_type}"

    def ready(self):
        if self.before:
            self.before()
        if self.signed_out:
            self.sign_in()
        if self.dirty:
            self.prime()

    def one(self, route, data):
        self.ready()
        self.set_admin(data.draw(st.booleans(), label="admin"))
        anonymous = not route.protected and data.draw(st.booleans(), label="anonymous")
        anonymous = anonymous or data.draw(st.integers(0, 9), label="visitor") == 0
        args = {name: self.path_value(data, route, name) for name in route.rule.arguments}
        path = self.path_for(route.rule, args)
        headers = data.draw(st.lists(st.sampled_from(HEADERS), max_size=3, unique=True), label="headers")
        query = None
        if route.query or route.kind == "get":
            forms = route.forms if route.kind == "get" else ()
            query = self.fields_body(data, route.query, route.names, forms)
        data_, content_type, example = None, None, ""
        if route.kind == "json":
            data_, content_type, example = self.json_body(data)
        elif route.kind == "form" and data.draw(st.integers(0, 9), label="as json") == 0:
            data_, content_type, example = self.form_json_body(data, route)
        elif route.kind == "form":
            how = data.draw(st.sampled_from(("form",) * 6 + ("multipart", "raw", "none")), label="body")
            if how in ("form", "multipart"):
                data_ = self.fields_body(data, route.fields, route.names, route.forms)
                example = f"form={short(data_, 200)}"
                if how == "multipart":
                    data_ = {**data_, "upload": (io.BytesIO(b"\x00\xff" * 64), "x\x00.mp4")}
                    example += " as multipart with a file"
            elif how == "raw":
                if data.draw(st.booleans(), label="crafted"):
                    content_type, data_ = data.draw(st.sampled_from(RAW_BODIES), label="crafted body")
                else:
                    data_ = data.draw(st.binary(max_size=64), label="raw")
                    content_type = data.draw(st.sampled_from(RAW_TYPES), label="content type")
                example = f"raw={short(data_, 90)} as {content_type}"
        if query:
            example = f"query={short(query, 200)} {example}"
        example += f" headers={[k for k, _ in headers]}" if headers else ""
        example += " (as a visitor)" if anonymous else " (as an admin)" if self.admin else ""
        self.send(route, path, "anonymous" if anonymous else "person", query=query, data=data_,
                  content_type=content_type, headers=headers, example=example.strip())

    def sweep_fields(self, route):
        """Each field of each real form, one at a time, set to each SWEEP value: a systematic pass before the
        random one, so a 64-bit overflow in any field is found whatever the seed draws."""
        from app.extensions import limiter

        if route.kind == "json":
            return self.sweep_json(route)
        names = route.query if route.kind == "get" else route.fields
        if not names:
            return
        who = "person" if route.protected else "anonymous"
        for form in route.forms:
            for name in list(form) + [n for n in names if all(n not in f for f in route.forms)]:
                # The form as a person sends it, and (POST) as JSON, which Flask-WTF reads too: a JSON value
                # can be what no form field can, an object.
                for value in SWEEP + (() if route.kind == "get" else (JSON_OBJECT,)):
                    limiter.reset()  # every request of the sweep must reach its handler
                    self.ready()
                    self.set_admin(True)
                    args = {n: str((self.own.get(n) or self.known_values(n) or ["1"])[0]) for n in route.rule.arguments}
                    body = {n: self.dynamic(n, v, real=True)[0] for n, v in form.items() if v}
                    body[name] = {"a": 1} if value is JSON_OBJECT else value
                    query, data_, content_type = (body, None, None) if route.kind == "get" else (None, body, None)
                    if value is JSON_OBJECT:
                        data_, content_type = json.dumps(body).encode(), "application/json"
                    self.send(route, self.path_for(route.rule, args), who, query=query, data=data_,
                              content_type=content_type,
                              example=f"{'query' if query else 'json' if content_type else 'form'}={short(body, 200)}"
                                      " (the field sweep)")
            if route.kind == "get":
                break  # the query names are all in one form
        self.set_admin(False)

    def sweep_json(self, route):
        """Each field of a valid session log, one at a time, set to each JSON_SWEEP value; sent alone and as a batch."""
        from app.extensions import limiter

        args = {n: str((self.own.get(n) or self.known_values(n) or ["1"])[0]) for n in route.rule.arguments}
        for key in sorted(self.log):
            for value in JSON_SWEEP:
                for batch in (False, True):
                    limiter.reset()
                    self.ready()
                    log = dict(self.log, **self.fresh_times(), client_id=str(uuid.uuid4()))
                    log[key] = value
                    text, label = render_json({"logs": [log]} if batch else log)
                    self.send(route, self.path_for(route.rule, args), "person", data=text.encode(),
                              content_type="application/json", example=f"json={short(label, 160)} (the field sweep)")

    def sweep_shapes(self, route):
        """Each POST route gets each body of SHAPES once: the ways a form route is sent what it doesn't expect."""
        from app.extensions import limiter

        if route.method != "POST":
            return
        form = route.forms[0] if route.forms else {}
        for content_type, body, label in SHAPES:
            limiter.reset()
            self.ready()
            self.set_admin(True)
            args = {n: str((self.own.get(n) or self.known_values(n) or ["1"])[0]) for n in route.rule.arguments}
            if body is None:  # the real form, every value an object
                body = json.dumps({n: {"a": 1} for n in form}).encode()
            self.send(route, self.path_for(route.rule, args), "person" if route.protected else "anonymous",
                      data=body, content_type=content_type, example=f"{label} (the body sweep)")
        self.set_admin(False)

    def fuzz(self, route, examples):
        @seed(SEED + zlib.crc32(route.title.encode()))
        @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet, print_blob=False)
        @given(st.data())
        def run(data):
            self.one(route, data)

        run()
        self.check(f"after fuzzing {route.title}")

    def check(self, context):
        for problem in dbcheck.problems():
            if problem not in self.seen_problems:
                self.seen_problems.add(problem)
                self.half_written.append(f"{problem}  [first seen {context}]")

    def render_every_page(self):
        """Every page still renders for the person (and as an admin) after the fuzz: no stored value breaks it."""
        page = Route(rule=None, method="GET", kind="get")
        if self.signed_out:
            self.sign_in()
        self.prime()
        for admin in (False, True):
            self.set_admin(admin)
            for rule in self.app.url_map.iter_rules():
                if skipped(rule) or "GET" not in rule.methods or rule.endpoint in SIGN_OUT_ENDPOINTS:
                    continue
                values = [self.own.get(n) or self.known_values(n) for n in rule.arguments]
                if not all(values):
                    continue
                path = self.path_for(rule, {n: str(v[0]) for n, v in zip(rule.arguments, values)})
                page.rule = rule
                self.send(page, path, "person", example="(rendering every page after the fuzz)")
        self.set_admin(False)

    def report(self):
        lines = []
        if self.failures:
            lines.append(f"{len(self.failures)} distinct 5xx (route and exception; "
                         f"{sum(f.count for f in self.failures.values())} responses out of {self.requests} fuzzed "
                         f"requests), grouped by where they were raised:")
            groups = {}
            for f in self.failures.values():
                groups.setdefault((f.kind, f.origin), []).append(f)
            for (kind, source), found in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
                lines.append(f"  {found[0].message}" + (f"  [at {source}]" if source else ""))
                for f in sorted(found, key=lambda f: f.route):
                    lines.append(f"    {f.route} x{f.count}" + (f"  (raised at {f.where})" if f.where else ""))
                    lines.append(f"        smallest input: {f.example}")
        if self.half_written:
            lines.append(f"{len(self.half_written)} half-written things in the database:")
            lines += [f"  {p}" for p in self.half_written]
        if self.csrf_refused:
            lines.append(f"requests refused by CSRF (they never reached the handler; the harness is wrong): "
                         f"{self.csrf_refused}")
        return "\n".join(lines)

    def summary(self):
        out = [f"{self.requests} fuzzed requests, {len(self.distinct)} of them different "
               f"(+{self.handled - self.requests} to set up, sign in and read the pages)"]
        for (title, who), counts in sorted(self.statuses.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
            out.append(f"  {title:60} {who:9} " + " ".join(f"{s}:{n}" for s, n in sorted(counts.items())))
        return "\n".join(out)


def origin(exc):
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f"{'/'.join(last.filename.split('/')[-2:])}:{last.lineno} in {last.name}"


def where(exc):
    """The innermost frame in the app's own code."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    ours = [f for f in frames if "/app/" in f.filename and "site-packages" not in f.filename]
    if not ours:
        return ""
    f = ours[-1]
    return f"app/{f.filename.split('/app/', 1)[1]}:{f.lineno} in {f.name}: {(f.line or '').strip()[:80]}"


def budget(route):
    if route.kind == "get" and route.query:
        return EXAMPLES["form"]  # a GET that reads a form (search, compare) is a form
    return EXAMPLES[route.kind]


@pytest.fixture
def fuzzer(app, client, person, monkeypatch):
    """The signed-in person with their things (and somebody else's), downloads stubbed out."""
    fuzzer = Fuzzer(app, client, person)
    try:
        fuzzer.setup(monkeypatch)
        yield fuzzer
    finally:
        fuzzer.close()


def test_no_input_to_any_form_or_json_endpoint_gives_a_5xx(app, fuzzer):
    started = time.perf_counter()
    routes = discover(app)
    fuzzer.scrape()
    routes = fuzzer.finish_routes([r for r in routes if r.rule.endpoint not in SIGN_OUT_ENDPOINTS])
    for route in routes:
        fuzzer.probe(route)
    titles = {r.title for r in routes}
    assert {"POST /sessions/sync", "GET /plans/<id:plan_id>/compare", "GET /exercises"} <= titles, titles
    assert {"POST /sessions/sync"} <= {r.title for r in routes if r.kind == "json"}
    assert not any(r.protected for r in routes if r.rule.endpoint in ("auth.signup", "auth.login"))
    fuzzer.check("before the fuzz")
    for route in routes:
        fuzzer.sweep_fields(route)
        fuzzer.sweep_shapes(route)
        fuzzer.fuzz(route, budget(route))
    fuzzer.render_every_page()
    fuzzer.check("at the end")
    print(f"\n{fuzzer.summary()}\nin {time.perf_counter() - started:.1f} s")
    report = fuzzer.report()
    assert not report, report


def test_logging_out_and_deleting_the_account_never_give_a_5xx(app, person, fuzzer):
    from app.extensions import limiter
    from app.models import Account, AiJob

    routes = fuzzer.finish_routes([r for r in discover(app) if r.rule.endpoint in SIGN_OUT_ENDPOINTS])
    assert len(routes) == len(SIGN_OUT_ENDPOINTS)

    def again():
        """Signed in again, or signed up again (with a routine, a plan and a job) if the account is gone."""
        limiter.reset()
        if Account.get_or_none(Account.email == EMAIL) is not None:
            fuzzer.sign_in()
            return
        person.signup()
        person.onboard()
        fuzzer.sign_in()
        fuzzer.routine_id, fuzzer.plan_id = quick(person), starter(person)
        fuzzer.log = dict(fuzzer.log, routine_id=fuzzer.routine_id)
        fuzzer.job_id = AiJob.create(account=fuzzer.account_id, params={"kind": "warmup", "minutes": 8,
                                                                         "activity": "running", "focus": []}).id
        fuzzer.proposal_id = fuzzer.pending_id = None
        fuzzer.dirty = True

    fuzzer.before = again
    for route in routes:
        route.protected = True  # a visitor is fuzzed a tenth of the time anyway
        fuzzer.sweep_fields(route)
        fuzzer.sweep_shapes(route)
        fuzzer.fuzz(route, SIGN_OUT_EXAMPLES)
    fuzzer.before = None
    again()
    fuzzer.render_every_page()
    fuzzer.check("at the end")
    print(f"\n{fuzzer.summary()}")
    report = fuzzer.report()
    assert not report, report
