"""What every fake server here shares: a threaded HTTP server on 127.0.0.1 with a free port."""
import threading
from http.server import ThreadingHTTPServer


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client hanging up mid-answer is part of what the fakes test


class Loopback:
    """Base for a fake: call ``_listen(Handler)`` in ``__init__``; then ``start()``/``stop()``."""

    def _listen(self, handler):
        self.server = QuietServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
