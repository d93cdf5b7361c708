"""A fake media host on loopback: real files made by ffmpeg, and every way a download can go wrong.

It speaks plain HTTP/1.1 (the stdlib's server), so the app's real downloader talks to it
exactly as it would talk to a CDN.
"""
import subprocess
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.fakes.loopback import Loopback


def make_media(folder):
    """A 2-second test-pattern video (WebM/VP8 and MP4/H.264) and a PNG, made by ffmpeg."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    source = ["-f", "lavfi", "-i", "testsrc=duration=2:size=320x180:rate=15"]
    jobs = {
        "clip.webm": [*source, "-c:v", "libvpx", "-b:v", "300k", "-an"],
        "clip.mp4": [*source, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-an"],
        "pose.png": ["-f", "lavfi", "-i", "testsrc=size=320x180", "-frames:v", "1"],
    }
    for name, args in jobs.items():
        target = folder / name
        if not target.exists():
            subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *args, str(target)], check=True)
    return {name: (folder / name).read_bytes() for name in jobs}


TYPES = {"webm": "video/webm", "mp4": "video/mp4", "png": "image/png"}


class MediaHost(Loopback):
    def __init__(self, files, oversize=2 * 1024 * 1024):
        self.files = files
        self.oversize = oversize
        self.hits = Counter()
        self.slow_seconds = 8.0
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                host.hits[self.path] += 1
                route = getattr(host, "route_" + self.path.strip("/").replace(".", "_").replace("-", "_"), None)
                if route is None:
                    return self.reply(404, "text/plain", b"not here")
                return route(self)

            def reply(self, status, ctype, body, headers=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        self._listen(Handler)

    # -- the routes: /clip.webm → route_clip_webm ------------------------------------------
    def _file(self, name):
        return lambda req: req.reply(200, TYPES[name.rsplit(".", 1)[1]], self.files[name])

    def __getattr__(self, name):
        for file in self.files:
            if name == "route_" + file.replace(".", "_"):
                return self._file(file)
        raise AttributeError(name)

    def route_redirect_private(self, req):
        req.reply(302, "text/plain", b"", [("Location", "http://10.0.0.7/clip.webm")])

    def route_redirect_metadata(self, req):
        req.reply(302, "text/plain", b"", [("Location", "http://169.254.169.254/latest/meta-data/")])

    def route_redirect_nat64(self, req):
        # 169.254.169.254 (cloud metadata) inside the NAT64 well-known prefix.
        req.reply(302, "text/plain", b"", [("Location", "http://[64:ff9b::a9fe:a9fe]/x.mp4")])

    def route_redirect_6to4(self, req):
        # 169.254.169.254 inside a 6to4 prefix.
        req.reply(302, "text/plain", b"", [("Location", "http://[2002:a9fe:a9fe::]/x.mp4")])

    def route_redirect_broken(self, req):
        req.reply(302, "text/plain", b"", [("Location", "http://[::1/clip.webm")])

    def route_redirect_ok(self, req):
        req.reply(302, "text/plain", b"", [("Location", "/clip.webm")])

    def route_huge_mp4(self, req):
        req.reply(200, "video/mp4", self.files["clip.mp4"][:32] + b"\0" * self.oversize)

    def route_huge_chunked_mp4(self, req):
        # No Content-Length: the limit must hold while streaming.
        req.send_response(200)
        req.send_header("Content-Type", "video/mp4")
        req.send_header("Transfer-Encoding", "chunked")
        req.end_headers()
        chunk = self.files["clip.mp4"][:32] + b"\0" * (64 * 1024 - 32)
        for _ in range(self.oversize // len(chunk) + 2):
            req.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        req.wfile.write(b"0\r\n\r\n")

    def route_page_html(self, req):
        req.reply(200, "text/html; charset=utf-8", b"<!doctype html><p>not a video</p>")

    def route_lying_mp4(self, req):
        req.reply(200, "video/mp4", b"<!doctype html><p>not a video at all, whatever the header says</p>")

    def route_slow_webm(self, req):
        body = self.files["clip.webm"]
        req.send_response(200)
        req.send_header("Content-Type", "video/webm")
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        pieces = 40
        step = len(body) // pieces + 1
        try:
            for start in range(0, len(body), step):
                req.wfile.write(body[start:start + step])
                req.wfile.flush()
                time.sleep(self.slow_seconds / pieces)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def route_flaky_webm(self, req):
        if self.hits[req.path] == 1:
            return req.reply(503, "text/plain", b"try later")
        return self._file("clip.webm")(req)

