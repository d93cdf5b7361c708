"""Limber: a warm-up, stretching and mobility coach."""
from pathlib import Path

from flask import Flask, jsonify
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from whitenoise import WhiteNoise

from . import config as config_module

ROOT = Path(__file__).resolve().parent.parent


class RowIdConverter(IntegerConverter):
    """A database id in a URL: 1 to 2**31 - 1, so anything larger is a 404, not a database error."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def create_app(config=None):
    # Deliberately imported here, the application-factory way: importing any module of the package
    # (the pure engine, the rules, a bench) must not load the web layer, its queue or its settings.
    from . import cli, db, errors, security, tasks, templating
    from .ai import views as ai
    from .auth import views as auth
    from .catalog import views as catalog
    from .coach import views as coach
    from .extensions import csrf, limiter, login_manager
    from .insights import views as insights
    from .media import views as media
    from .plans import views as plans
    from .profile import views as profile
    from .pwa import views as pwa
    from .reminders import unsubscribe
    from .reminders import views as reminders
    from .routines import views as routines
    from .selftests import views as selftests
    from .telemetry import requestlog
    from .telemetry import views as telemetry
    from .workouts import views as workouts

    settings = config_module.load(overrides=config)
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=settings["STATIC_DIR"])
    app.config.from_mapping(settings)
    app.url_map.converters["id"] = RowIdConverter
    app.extensions["huey"] = tasks.huey  # the queue, for /healthz and /metrics (which don't import the tasks)
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)

    requestlog.init_app(app)  # first: every other hook's time is in the request's duration
    db.init_app(app)
    security.guard_input(app)  # before CSRF: a nameless form field would break its token lookup
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    Htmx(app)
    security.init_app(app)

    for module in (auth, profile, catalog, media, routines, workouts, selftests, plans, ai, coach, reminders,
                   unsubscribe, insights, pwa, telemetry):
        app.register_blueprint(module.bp)

    cli.init_app(app)
    errors.init_app(app)
    templating.init_app(app)

    @app.get("/healthz")
    def healthz():
        """The database (an error here is errors.py's 503) and the queue: reachable, and its backlog."""
        db.db.execute_sql("SELECT 1")
        backlog = telemetry.queue_backlog(app.extensions["huey"])
        queue = {"reachable": backlog >= 0, "backlog": max(backlog, 0)}
        if backlog < 0:
            return jsonify(status="unavailable", database="ok", queue=queue), 503
        return jsonify(status="ok", database="ok", queue=queue)

    if app.config["PROXY_COUNT"]:
        # Real client addresses for rate limits, and https in the OIDC redirect URI.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=settings["STATIC_DIR"], prefix="static/",
                              max_age=60 * 60 * 24 * 365 if not app.debug else 0)
    return app
