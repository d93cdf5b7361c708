"""Claude through the anthropic SDK, with a circuit breaker.

Timeout about 20 s, one retry (the SDK's own), and after repeated failures the app stops
calling for a while, so a person waits for a fallback in milliseconds, not seconds. The
breaker is per process: each gunicorn worker and Huey consumer learns on its own. Every call
to Claude, a forced tool call or a streamed answer, goes through ``_guarded``.
"""
import threading
import time
from contextlib import contextmanager

from ..telemetry import metrics


class Unavailable(Exception):
    """The AI can't answer (no key, breaker open, provider error). ``reason`` is for people;
    ``asked`` says whether the request reached the provider (if not, nothing was spent)."""

    def __init__(self, reason, asked=False):
        super().__init__(reason)
        self.reason = reason
        self.asked = asked


class CutOff(Unavailable):
    """A streamed answer ended before its end (the connection dropped mid-answer)."""

    def __init__(self):
        super().__init__("the answer was cut off", asked=True)


class Breaker:
    def __init__(self, threshold=3, cooldown=120.0, clock=time.monotonic):
        self.threshold, self.cooldown, self.clock = threshold, cooldown, clock
        self.failures = 0
        self.opened_at = None
        self.lock = threading.Lock()

    def check(self):
        with self.lock:
            if self.opened_at is None:
                return
            if self.clock() - self.opened_at < self.cooldown:
                raise Unavailable("the AI failed several times in a row, so Limber is giving it a rest")
            self.opened_at = None  # half-open: let one call through
            self.failures = self.threshold - 1

    def success(self):
        with self.lock:
            self.failures, self.opened_at = 0, None

    def failure(self):
        with self.lock:
            self.failures += 1
            if self.failures >= self.threshold:
                self.opened_at = self.clock()


_breakers = {}
_clients = {}


def breaker(config):
    key = (config["AI_BREAKER_FAILURES"], config["AI_BREAKER_SECONDS"])
    if key not in _breakers:
        _breakers[key] = Breaker(*key)
    return _breakers[key]


def configured(config):
    return bool(config.get("ANTHROPIC_API_KEY"))


def _client(config):
    # Deliberately imported on first use: the SDK takes about a second to import, and most
    # processes (the engine, the CLI, a web worker nobody asks the coach in) never need it.
    import anthropic

    key = (config["ANTHROPIC_API_KEY"], config["ANTHROPIC_BASE_URL"], config["AI_TIMEOUT"])
    if key not in _clients:
        _clients[key] = anthropic.Anthropic(api_key=key[0], base_url=key[1], timeout=key[2], max_retries=1)
    return _clients[key]


@contextmanager
def _guarded(config):
    """The SDK client, if the AI may be asked now; every failure inside counts against the breaker
    and comes out as Unavailable, and a call that finishes closes it again."""
    import anthropic  # on first use (see _client)

    if not configured(config):
        raise Unavailable("no Anthropic API key is set on this server")
    gate = breaker(config)
    try:
        gate.check()
    except Unavailable:
        metrics.ai_calls.labels("refused").inc()  # the breaker is open: nobody was asked
        raise
    try:
        yield _client(config)
    except anthropic.APITimeoutError as exc:
        _failed(gate, "timeout")
        raise Unavailable("the AI took too long to answer", asked=True) from exc
    except anthropic.APIStatusError as exc:
        _failed(gate, "error")
        raise Unavailable(f"the AI service answered {exc.status_code}", asked=True) from exc
    except anthropic.APIError as exc:
        _failed(gate, "error")
        raise Unavailable(f"the AI service couldn't be reached ({type(exc).__name__})", asked=True) from exc
    except CutOff:
        _failed(gate, "error")
        raise
    gate.success()
    metrics.ai_calls.labels("ok").inc()
    metrics.ai_breaker_open.set(0)


def _failed(gate, outcome):
    gate.failure()
    metrics.ai_calls.labels(outcome).inc()
    metrics.ai_breaker_open.set(1 if gate.opened_at is not None else 0)


def tool_call(config, system, messages, tool, max_tokens=2000):
    """Ask with one forced tool; return the tool's input (a dict) as Claude sent it."""
    with _guarded(config) as sdk:
        message = sdk.messages.create(model=config["ANTHROPIC_MODEL"], max_tokens=max_tokens, system=system,
                                      messages=messages, tools=[tool],
                                      tool_choice={"type": "tool", "name": tool["name"]})
    for block in message.content:
        if block.type == "tool_use" and block.name == tool["name"]:
            return block.input if isinstance(block.input, dict) else {}
    return {}


def stream(config, system, messages, tools, max_tokens=800):
    """Stream one answer: yields ("text", chunk) as it arrives, then ("final", message), the
    SDK's complete Message. Raises Unavailable (CutOff when the stream ends early)."""
    with _guarded(config) as sdk:
        with sdk.messages.stream(model=config["ANTHROPIC_MODEL"], max_tokens=max_tokens, system=system,
                                 messages=messages, tools=tools) as answer:
            for event in answer:
                if event.type == "text" and event.text:
                    yield "text", event.text
            final = answer.get_final_message()
        if final.stop_reason is None:
            raise CutOff()
    yield "final", final
