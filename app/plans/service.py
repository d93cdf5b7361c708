"""A person's plans in the database: create, change (as a new version), restore, activate, today.

Every change names the version it was based on. If the plan has moved on since, the change
is refused (optimistic concurrency): nothing is ever silently overwritten.
"""
from ..db import Prepared, db
from ..models import Plan, PlanVersion, utcnow
from . import week


class Conflict(Exception):
    """The plan changed since the person (or the AI) looked at it."""

    def __init__(self, current):
        super().__init__(f"the plan is at version {current}")
        self.current = current


def plans_for(account_id):
    return list(Plan.select().where(Plan.account == account_id).order_by(Plan.active.desc(), Plan.id))


def owned(account_id, plan_id):
    return Plan.get_or_none((Plan.id == plan_id) & (Plan.account == account_id))


def version(plan, number):
    return PlanVersion.get_or_none((PlanVersion.plan == plan.id) & (PlanVersion.number == number))


def current(plan):
    return version(plan, plan.version)


def history(plan):
    return list(PlanVersion.select().where(PlanVersion.plan == plan.id).order_by(PlanVersion.number.desc()))


def create(account_id, snapshot, author="user", description="Created the plan"):
    snapshot = week.clean(snapshot)
    with db.atomic():
        first = not Plan.select().where(Plan.account == account_id).exists()
        plan = Plan.create(account=account_id, name=snapshot["name"], active=first, version=1)
        PlanVersion.create(plan=plan, number=1, snapshot=snapshot, author=author, description=description)
    return plan


def change(plan, base, snapshot, author, description):
    """Write ``snapshot`` as the next version, if the plan is still at version ``base``."""
    snapshot = week.clean(snapshot)
    with db.atomic():
        moved = (Plan.update(version=Plan.version + 1, name=snapshot["name"], updated_at=utcnow())
                 .where((Plan.id == plan.id) & (Plan.version == base)).execute())
        if moved != 1:
            raise Conflict(Plan.get_by_id(plan.id).version)
        row = PlanVersion.create(plan=plan.id, number=base + 1, snapshot=snapshot, author=author,
                                 description=description[:200])
    plan.version, plan.name = base + 1, snapshot["name"]
    return row


def edit(plan, base, operations, author="user", description=None):
    """Apply editor operations (or a confirmed AI proposal) on top of version ``base``."""
    if plan.version != base:
        raise Conflict(plan.version)
    old = current(plan).snapshot
    new = week.apply(old, operations)
    return change(plan, base, new, author, description or summary(old, new))


def restore(plan, number, base):
    old = version(plan, number)
    if old is None:
        raise LookupError(number)
    return change(plan, base, old.snapshot, "user", f"Restored version {number}")


def summary(old, new):
    lines = week.diff(old, new)
    if not lines:
        return "No changes"
    first = lines[0]
    day = f"{week.DAY_NAMES[first['day']]}: " if first["day"] else ""
    more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
    return f"{first['change'].capitalize()} {day}{first['text']}{more}"


def activate(account_id, plan):
    with db.atomic():
        Plan.update(active=False).where(Plan.account == account_id).execute()
        Plan.update(active=True).where(Plan.id == plan.id).execute()


# Pages ask for these on every visit (Home, a routine): compiled once, like the sign-in query.
_active = Prepared("active_plan", lambda account_id: (
    Plan.select().where((Plan.account == account_id) & Plan.active).limit(1)))
_active_with_current = Prepared("active_plan_with_version", lambda account_id: (
    Plan.select(Plan, PlanVersion)
    .join(PlanVersion, on=((PlanVersion.plan == Plan.id) & (PlanVersion.number == Plan.version)), attr="current")
    .where((Plan.account == account_id) & Plan.active).limit(1)))


def active(account_id):
    rows = _active(account_id)
    return rows[0] if rows else None


def today_described(account_id, date):
    """The dashboard's "Today": (plan, entries of its current version for ``date``, each with its words)."""
    plan, entries = today(account_id, date)
    return plan, [{**entry, "text": week.describe(entry)} for entry in entries]


def today(account_id, date):
    """(plan, entries) of the active plan for this date, or (None, []), in one query."""
    rows = _active_with_current(account_id)
    if not rows:
        return None, []
    return rows[0], week.entries_on(rows[0].current.snapshot, date)
