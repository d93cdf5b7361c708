"""A fake Anthropic Messages API on loopback, for the real anthropic SDK (via ANTHROPIC_BASE_URL).

It speaks the real wire format of POST /v1/messages: a JSON message with content blocks, or an
error object with the real status codes. Tests script what "Claude" answers, one reply per call:

    fake.script = [fake.tool(answer), fake.error(529)]

Each entry is a callable taking the parsed request and returning (status, headers, body) — or
sleeping first, to be slow. With the script empty, ``fake.fallback`` answers (500 by default).
Every request is kept in ``fake.requests`` so tests can see exactly what was sent.
"""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler

from tests.fakes.loopback import Loopback


class Stream:
    """A streamed answer: Server-Sent Events exactly as the Messages API sends them."""

    def __init__(self, events, delay=0.0, cut_after=None):
        self.events, self.delay, self.cut_after = events, delay, cut_after
        self.first_token_at = None


class FakeAnthropic(Loopback):
    def __init__(self):
        self.script = []
        self.requests = []
        self.fallback = self.error(500)
        self.last_stream = None
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.split("?")[0] != "/v1/messages":
                    return self.send(404, {}, {"type": "error", "error": {"type": "not_found_error",
                                                                        "message": "no such route"}})
                with fake.lock:
                    fake.requests.append({"body": body, "headers": dict(self.headers)})
                    reply = fake.script.pop(0) if fake.script else fake.fallback
                status, headers, payload = reply(body)
                try:
                    if isinstance(payload, Stream):
                        self.send_stream(payload)
                    else:
                        self.send(status, headers, payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): as with the real service

            def send_stream(self, stream):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.send_header("request-id", "req_fake")
                self.end_headers()
                for number, (name, data) in enumerate(stream.events):
                    if stream.cut_after is not None and number >= stream.cut_after:
                        break  # the connection drops mid-answer
                    if name == "content_block_delta" and stream.delay:
                        time.sleep(stream.delay)
                    if name == "content_block_delta" and stream.first_token_at is None:
                        stream.first_token_at = time.monotonic()
                    self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
                    self.wfile.flush()
                self.close_connection = True

            def send(self, status, headers, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("request-id", "req_fake")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        self._listen(Handler)

    # -- replies ---------------------------------------------------------------------------------
    @staticmethod
    def message(content, stop_reason="end_turn"):
        def reply(request):
            return 200, {}, {"id": "msg_fake", "type": "message", "role": "assistant",
                             "model": request.get("model", "claude"), "content": content,
                             "stop_reason": stop_reason, "stop_sequence": None,
                             "usage": {"input_tokens": 100, "output_tokens": 50}}
        return reply

    def tool(self, tool_input, delay=0.0):
        """Answer with one tool_use block for the tool the request forced."""
        def reply(request):
            if delay:
                time.sleep(delay)
            name = (request.get("tool_choice") or {}).get("name") or request["tools"][0]["name"]
            return self.message([{"type": "tool_use", "id": "toolu_fake", "name": name, "input": tool_input}],
                                "tool_use")(request)
        return reply

    def text(self, text):
        return self.message([{"type": "text", "text": text}])

    def streamed(self, words=(), tool=None, delay=0.0, cut_after=None, wait=0.0):
        """A streamed reply: text in pieces (``words``), then optionally one tool_use (name, input)."""
        fake = self

        def reply(request):
            if wait:
                time.sleep(wait)
            events = [("message_start", {"type": "message_start", "message": {
                "id": "msg_fake", "type": "message", "role": "assistant", "model": request.get("model", "claude"),
                "content": [], "stop_reason": None, "stop_sequence": None,
                "usage": {"input_tokens": 100, "output_tokens": 1}}})]
            index = 0
            if words:
                events.append(("content_block_start", {"type": "content_block_start", "index": 0,
                                                       "content_block": {"type": "text", "text": ""}}))
                events += [("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                    "delta": {"type": "text_delta", "text": word}}) for word in words]
                events.append(("content_block_stop", {"type": "content_block_stop", "index": 0}))
                index = 1
            if tool:
                name, tool_input = tool
                events.append(("content_block_start", {"type": "content_block_start", "index": index, "content_block": {
                    "type": "tool_use", "id": f"toolu_{index}", "name": name, "input": {}}}))
                events.append(("content_block_delta", {"type": "content_block_delta", "index": index, "delta": {
                    "type": "input_json_delta", "partial_json": json.dumps(tool_input)}}))
                events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
            events.append(("message_delta", {"type": "message_delta", "delta": {
                "stop_reason": "tool_use" if tool else "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": 20}}))
            events.append(("message_stop", {"type": "message_stop"}))
            fake.last_stream = Stream(events, delay, cut_after)
            return 200, {}, fake.last_stream
        return reply

    @staticmethod
    def error(status, kind=None):
        kinds = {400: "invalid_request_error", 401: "authentication_error", 429: "rate_limit_error",
                 500: "api_error", 529: "overloaded_error"}

        def reply(request):
            return status, {"retry-after-ms": "5"}, {"type": "error", "error": {
                "type": kind or kinds.get(status, "api_error"), "message": f"fake {status}"}}
        return reply

    def slow(self, seconds, then=None):
        def reply(request):
            time.sleep(seconds)
            return (then or self.error(500))(request)
        return reply

    # -- lifecycle -------------------------------------------------------------------------------
    def reset(self):
        with self.lock:
            self.script, self.requests = [], []
            self.fallback = self.error(500)

