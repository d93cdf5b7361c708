"""Daily AI allowances, decided atomically: one person's and everyone's together.

A request takes its place in the allowance *before* anything is queued, so what is queued
or running already counts, and a burst of concurrent requests cannot all slip past a check
made against jobs that haven't finished yet. Taking is a conditional UPDATE
(``used = used + 1 WHERE used < limit``) on one counter row per scope and day: PostgreSQL
locks the row and re-checks the condition, and SQLite serialises writers, so the counter
can never pass its limit. A request that turns out not to need the model (an identical
answer reused, the AI unavailable) gives its place back.

Kinds: ``routine`` (Build it with AI) and ``chat`` (coach answers), each with the person's
own ``AI_DAILY_LIMIT``; both draw on one operator-wide ``AI_GLOBAL_DAILY_LIMIT``. Days are
UTC days.
"""
from ..db import db
from ..models import AiUsage, utcnow

KINDS = ("routine", "chat")


class Exhausted(Exception):
    """No place left today. ``scope`` is ``person`` or ``everyone``."""

    def __init__(self, scope, limit):
        super().__init__(f"{scope} daily AI limit of {limit} reached")
        self.scope, self.limit = scope, limit


def _key(kind, account_id, day):
    return f"{kind}:{account_id}:{day.isoformat()}" if account_id else f"all:{day.isoformat()}"


def _take_one(key, account_id, day, limit):
    AiUsage.insert(key=key, account=account_id, day=day, used=0).on_conflict_ignore().execute()
    return AiUsage.update(used=AiUsage.used + 1).where((AiUsage.key == key) & (AiUsage.used < limit)).execute() == 1


class _Refused(Exception):
    pass


def take(account_id, kind, config, now=None):
    """Take one place for ``kind`` today, for this person and in the global pool; or raise Exhausted.

    Both places are taken in one transaction: refused by either, neither is kept.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown AI allowance {kind!r}")
    day = (now or utcnow()).date()
    mine, everyone = config["AI_DAILY_LIMIT"], config["AI_GLOBAL_DAILY_LIMIT"]
    try:
        with db.atomic():
            if not _take_one(_key(kind, account_id, day), account_id, day, mine):
                raise _Refused("person")
            if not _take_one(_key(kind, None, day), None, day, everyone):
                raise _Refused("everyone")
    except _Refused as refused:
        scope = refused.args[0]
        raise Exhausted(scope, mine if scope == "person" else everyone) from None
    return day


def give_back(account_id, kind, day):
    """Return a place taken on ``day`` by a request that never asked the model."""
    with db.atomic():
        for key in (_key(kind, account_id, day), _key(kind, None, day)):
            AiUsage.update(used=AiUsage.used - 1).where((AiUsage.key == key) & (AiUsage.used > 0)).execute()


def _count(key):
    row = AiUsage.get_or_none(AiUsage.key == key)
    return row.used if row else 0


def used(account_id, kind, now=None):
    """Places this person has taken today for ``kind`` (queued, running or done)."""
    return _count(_key(kind, account_id, (now or utcnow()).date()))


def used_by_everyone(now=None):
    return _count(_key(None, None, (now or utcnow()).date()))


def exhausted(account_id, kind, config):
    """Exhausted if no place is left today for this person or for everyone, else None (takes nothing)."""
    if used(account_id, kind) >= config["AI_DAILY_LIMIT"]:
        return Exhausted("person", config["AI_DAILY_LIMIT"])
    if used_by_everyone() >= config["AI_GLOBAL_DAILY_LIMIT"]:
        return Exhausted("everyone", config["AI_GLOBAL_DAILY_LIMIT"])
    return None


def purge(before):
    """Drop counters of days before ``before`` (a periodic task keeps the table small)."""
    return AiUsage.delete().where(AiUsage.day < before).execute()


def reason(exhausted, what):
    """What to tell the person, for ``what`` ("AI builds" or "coach answers")."""
    if exhausted.scope == "person":
        return f"You've used today's {exhausted.limit} {what}."
    return "Limber's AI has reached its limit for today across everyone."

