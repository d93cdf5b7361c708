"""What an operator sees of a running Limber: Prometheus metrics (metrics.py, served by views.py) and one
JSON log line per request and per task, tied together by a request id (requestlog.py)."""
