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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeAnthropic:
    def __init__(self):
        self.script = []
        self.requests = []
        self.fallback = self.error(500)
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
                    self.send(status, headers, payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): as with the real service

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

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

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

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
