"""The gunicorn hook that readies a worker: the catalog and the templates read, then everything the
worker holds frozen out of the garbage collector's reach. Run in a fresh interpreter each time, as a
gunicorn worker is (gc.freeze is for the whole process)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

READY = """
import gc, json
import wsgi
from app.catalog import store
from app.gunicorn_config import post_worker_init

class Worker:
    wsgi = wsgi.app

post_worker_init(Worker())
print(json.dumps({"frozen": gc.get_freeze_count(), "catalog": len(store._cache.get("catalog", ())),
                  "templates": len(wsgi.app.jinja_env.cache)}))
"""


def ready_worker(env):
    done = subprocess.run([sys.executable, "-c", READY], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    import json
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def instance(tmp_path, *commands):
    env = {key: val for key, val in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "HUEY_IMMEDIATE",
                                                                        "RATELIMIT_STORAGE_URI")}
    env.update(LIMBER_ENV="development", LIMBER_INSTANCE=str(tmp_path))
    for command in commands:
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env, check=True, timeout=120,
                       capture_output=True)
    return env


def test_a_worker_reads_the_catalog_and_templates_then_freezes_them(tmp_path):
    ready, _ = ready_worker(instance(tmp_path, ("db", "upgrade"), ("catalog", "load")))
    assert ready["catalog"] > 200 and ready["templates"] > 40
    assert ready["frozen"] > 50_000  # the app's objects: a full collection no longer walks them


def test_before_the_catalog_is_loaded_nothing_empty_is_kept(tmp_path):
    """A worker started before the release step loaded the catalog must not keep an empty one for its life."""
    ready, _ = ready_worker(instance(tmp_path, ("db", "upgrade")))
    assert ready["catalog"] == 0 and ready["frozen"] > 0


def test_a_database_that_is_not_there_yet_doesnt_stop_the_worker(tmp_path):
    env = instance(tmp_path)
    env["DATABASE_URL"] = "postgresql://nobody@127.0.0.1:9/none"  # nothing listens on port 9
    ready, said = ready_worker(env)
    assert ready["catalog"] == 0 and ready["frozen"] > 0
    assert "the catalog wasn't read before the first request" in said
