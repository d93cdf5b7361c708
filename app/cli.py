"""flask --app wsgi … commands: db, catalog, routine."""
import datetime as dt
import json
import sys

import click
from flask import current_app, url_for
from flask.cli import AppGroup
from playhouse.migrations import Runner

from . import vocabulary as v
from .ai import builder, client
from .auth import accounts
from .catalog import data, store
from .config import ROOT
from .db import db
from .figures import sheet
from .media import service as media
from .models import Account, ExerciseMedia
from .pwa.icons import draw
from .reminders import service as reminders
from .reminders import vapid
from .routines.data import RequestError, RoutineRequest
from .routines.engine import build_routine
from .tasks import fetch_media

db_cli = AppGroup("db", help="Database migrations (peewee's playhouse.migrations).")
catalog_cli = AppGroup("catalog", help="The exercise catalog.")
routine_cli = AppGroup("routine", help="Routines from the deterministic engine.")
media_cli = AppGroup("media", help="Exercise videos and images.")
user_cli = AppGroup("user", help="Accounts.")
pwa_cli = AppGroup("pwa", help="The installable app's assets.")
reminders_cli = AppGroup("reminders", help="Reminders: Web Push, e-mail and in-app.")


def runner():
    return Runner(db.obj, str(ROOT / "migrations"))


@db_cli.command("upgrade")
def db_upgrade():
    """Apply pending migrations."""
    with db.connection_context():
        applied = runner().up()
    click.echo(f"applied: {', '.join(applied)}" if applied else "database is up to date")


@db_cli.command("downgrade")
def db_downgrade():
    """Revert the most recent migration."""
    with db.connection_context():
        reverted = runner().down()
    click.echo(f"reverted: {', '.join(reverted)}")


@db_cli.command("status")
def db_status():
    with db.connection_context():
        for migration in runner().status():
            click.echo(f"{migration.name}: {migration.applied or 'pending'}")


@catalog_cli.command("load")
@click.option("--file", "path", type=click.Path(exists=True), default=str(data.DATA_DIR),
              help="A TOML file, or a folder of them (default: the shipped catalog).")
def catalog_load(path):
    """Load the data file into the database (safe to run again)."""
    try:
        catalog = data.load_file(path)
    except data.CatalogError as exc:
        raise click.ClickException(str(exc)) from exc
    with db.connection_context():
        added, updated, removed = store.sync(catalog)
    click.echo(f"catalog: {len(catalog)} exercises ({added} added, {updated} updated, {removed} removed)")


@catalog_cli.command("export")
def catalog_export():
    """Print the catalog as a JSON array; ``figure`` is the path the running app serves each
    exercise's animated figure at (image/svg+xml), or null while it has none."""
    with db.connection_context():
        catalog = store.current()
    if not catalog:
        catalog = data.load_file()  # not loaded yet: the file is the source of truth
    with current_app.test_request_context():
        records = [{**data.export_record(ex), "figure": url_for("catalog.figure", slug=ex.id) if ex.pose else None}
                   for ex in catalog]
    json.dump(records, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


@catalog_cli.command("figures")
@click.option("--sheet", "sheet_path", required=True, type=click.Path(dir_okay=False),
              help="Where to write the PNG: every figure's keyframes in a labelled grid.")
@click.option("--file", "path", type=click.Path(exists=True), default=str(data.DATA_DIR),
              help="A TOML file, or a folder of them (default: the shipped catalog).")
@click.option("--only", default="", help="Comma-separated exercise ids: draw just these.")
def catalog_figures(sheet_path, path, only):
    """Draw every exercise's figure, frame by frame, to look at (needs requirements-dev.txt)."""
    wanted = {ident.strip() for ident in only.split(",") if ident.strip()}
    try:
        posed = [ex for ex in data.load_file(path) if ex.pose and (not wanted or ex.id in wanted)]
    except data.CatalogError as exc:
        raise click.ClickException(str(exc)) from exc
    if not posed:
        raise click.ClickException(f"No exercise is called {', '.join(sorted(wanted))}: nothing to draw.")
    try:
        sheet.draw(posed, sheet_path)
    except ImportError as exc:
        raise click.ClickException("Install requirements-dev.txt first (Playwright draws the sheet).") from exc
    click.echo(f"drew {len(posed)} figures to {sheet_path}")


@routine_cli.command("generate")
@click.option("--kind", required=True, help=f"One of: {', '.join(v.KINDS)}")
@click.option("--minutes", required=True, type=int, help="3 to 30")
@click.option("--activity", default="general", show_default=True)
@click.option("--level", default="beginner", show_default=True)
@click.option("--age", type=int)
@click.option("--condition", "conditions", multiple=True, help="Repeat for several.")
@click.option("--equipment", "equipment", multiple=True, help="Repeat for several.")
@click.option("--tight", "tight", multiple=True, help="A tight area; repeat for several.")
@click.option("--screening", type=click.Choice(["negative", "positive"]), default="negative")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--space", default="room", show_default=True, help="room or outdoor: where you'll move.")
@click.option("--dizziness", is_flag=True, help="A 'yes' to the screening question on dizziness or fainting.")
@click.option("--weeks-since-surgery", type=int, help="Hip replacement: weeks since the operation.")
@click.option("--surgeon-cleared", is_flag=True, help="Hip replacement: the surgeon has lifted the precautions.")
@click.option("--pregnancy-weeks", type=int, help="Pregnancy: weeks pregnant.")
@click.option("--spine-fracture", type=click.Choice(["yes", "no"]), help="Osteoporosis: has it caused a spine fracture?")
@click.option("--back-worse", type=click.Choice(list(v.BACK_WORSE)),
              help="Lower back: which direction makes it worse.")
@click.option("--ai", is_flag=True, help="Ask Claude (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL) within the same rails.")
def routine_generate(kind, minutes, activity, level, age, conditions, equipment, tight, screening, seed, space,
                     dizziness, weeks_since_surgery, surgeon_cleared, pregnancy_weeks, spine_fracture, back_worse,
                     ai):
    """Print one routine as JSON. Condition details left out mean the cautious answer."""
    request = RoutineRequest(
        kind=kind, minutes=minutes, activity=activity, level=level, age=age,
        conditions=frozenset(conditions), equipment=frozenset(equipment), tight_areas=frozenset(tight),
        screening_positive=screening == "positive" or dizziness, seed=seed, space=space, dizziness=dizziness,
        weeks_since_surgery=weeks_since_surgery, surgeon_cleared=surgeon_cleared,
        pregnancy_weeks=pregnancy_weeks, spine_fracture=spine_fracture, back_worse=back_worse)
    with db.connection_context():
        catalog = store.current() or tuple(data.load_file())
    try:
        routine = build_routine(request, catalog)
    except RequestError as exc:
        raise click.UsageError(str(exc)) from exc
    out = routine.to_dict()
    if ai:
        config = current_app.config
        result = builder.build(request, catalog,
                               lambda system, messages, tool: client.tool_call(config, system, messages, tool))
        out = {**result.data(), "built_by": result.built_by}
    out.pop("activity")
    json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


@media_cli.command("add")
@click.argument("exercise_id")
@click.argument("url")
def media_add(exercise_id, url):
    """Attach a video/image URL (downloaded in the background) or a YouTube link to an exercise."""
    with db.connection_context():
        try:
            row, download = media.add(exercise_id, url)
        except media.MediaError as exc:
            raise click.ClickException(str(exc)) from exc
    if download:
        fetch_media(row.id)
        click.echo(f"media {row.id}: queued for download ({url})")
    else:
        click.echo(f"media {row.id}: YouTube video {row.youtube_id}, embedded when online")


@media_cli.command("list")
def media_list():
    """Every media row and its status."""
    with db.connection_context():
        for row in ExerciseMedia.select().order_by(ExerciseMedia.id):
            extra = row.reason or (f"{row.size} bytes {row.content_type}" if row.status == "cached" else "")
            click.echo(f"{row.id}\t{row.exercise_id}\t{row.status}\t{extra}\t{row.source_url}")


@user_cli.command("create-admin")
@click.argument("email")
@click.password_option(envvar="LIMBER_ADMIN_PASSWORD", help="Asked for when not given (or LIMBER_ADMIN_PASSWORD).")
def user_create_admin(email, password):
    """Create an account that can manage exercise media (an existing account is made admin)."""
    email = accounts.normalise_email(email)
    with db.connection_context():
        existing = Account.get_or_none(Account.email == email)
        if existing:
            Account.update(is_admin=True).where(Account.id == existing.id).execute()
            click.echo(f"{existing.email} is now an admin")
            return
        if "@" not in email or len(email) > 254:
            raise click.ClickException("Give a valid e-mail address.")
        if not 8 <= len(password) <= 128:
            raise click.ClickException("The password must be 8 to 128 characters.")
        account = accounts.create_account(email, password)
        Account.update(is_admin=True).where(Account.id == account.id).execute()
    click.echo(f"admin {account.email} created")


@pwa_cli.command("icons")
def pwa_icons():
    """Draw the PNG icons from static/icons/*.svg with headless Chromium (needs requirements-dev.txt)."""
    try:
        names = draw(str(ROOT / current_app.static_folder / "icons"))
    except ImportError as exc:
        raise click.ClickException("Install requirements-dev.txt first (Playwright draws the icons).") from exc
    click.echo(f"drew {', '.join(names)}")


def _utc_moment(ctx, param, value):
    """--now: an ISO time; one without an offset is UTC."""
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} isn't an ISO time like 2026-12-03T07:30:00+01:00.") from None
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


@reminders_cli.command("send-due")
@click.option("--now", callback=_utc_moment, help="Send what is due at this ISO time instead of the clock's.")
def reminders_send_due(now):
    """Send the reminders and weekly summaries due now, once (what the worker does every minute)."""
    with db.connection_context():
        counts = reminders.send_due(current_app.config, now)
    click.echo(" ".join(f"{key}={value}" for key, value in counts.items()))


@reminders_cli.command("vapid-keys")
def reminders_vapid_keys():
    """Print a new VAPID key pair for VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY (production)."""
    private, public = vapid.make_pair()
    click.echo(f"VAPID_PRIVATE_KEY={private}\nVAPID_PUBLIC_KEY={public}")


def init_app(app):
    for group in (db_cli, catalog_cli, routine_cli, media_cli, user_cli, pwa_cli, reminders_cli):
        app.cli.add_command(group)
