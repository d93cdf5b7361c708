"""A real S3 protocol server in its own process on loopback (moto's server mode), for the app's real boto3 client.

    server = S3Server(folder, free_port()).start()   # then MEDIA_S3_ENDPOINT_URL = server.url
    server.client().create_bucket(Bucket="limber-media")
    ...
    server.stop()                                    # the bucket is down: connections are refused
    server.start()                                   # back on the same port, empty (moto keeps nothing)

Any access key and secret will do (moto checks none); the tests set fake ones. For a bucket that
answers but is broken, ``FailingS3`` answers every request with a 503, as a store behind a load
balancer does when it is down. For one that isn't there at all, use ``f"http://127.0.0.1:{free_port()}"``.
"""
import socket
from http.server import BaseHTTPRequestHandler

from tests.fakes.loopback import Loopback
from tests.fakes.process import ServerProcess

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "limber-test", "AWS_SECRET_ACCESS_KEY": "limber-test-secret",
               "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}


class S3Server(ServerProcess):
    name = "the S3 server (moto)"

    def __init__(self, folder, port, start_seconds=30):
        super().__init__(folder, port, f"http://127.0.0.1:{port}", start_seconds)

    def command(self):
        return ["-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]

    def _answers(self):
        """Whether a ListBuckets (GET /) gets an HTTP answer: the port is open and moto has loaded."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.settimeout(5)
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                return sock.recv(12).startswith(b"HTTP/1.")
        except OSError:
            return False

    def client(self):
        """A boto3 S3 client for the test's own look at the bucket (not the app's client)."""
        import boto3
        from botocore.config import Config

        return boto3.session.Session(aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                                     aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                                     region_name=CREDENTIALS["AWS_REGION"]).client(
            "s3", endpoint_url=self.url,
            config=Config(connect_timeout=2, read_timeout=10, retries={"total_max_attempts": 1, "mode": "standard"},
                          s3={"addressing_style": "path"}))

    def keys(self, bucket):
        """Every key in the bucket."""
        answer = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in answer.get("Contents", []))


class FailingS3(Loopback):
    """An S3 endpoint that answers every request 503 ServiceUnavailable (a store that is down behind its
    load balancer), and keeps (method, path) of each in ``requests``."""

    def __init__(self):
        self.requests = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _fail(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                fake.requests.append((self.command, self.path))
                body = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code>'
                        b"<Message>down for the test</Message></Error>")
                self.send_response(503)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = _fail

        self._listen(Handler)
