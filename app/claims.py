"""Claim and sweep: the one pattern every background job row follows (media downloads, AI builds).

A job is a database row with a status: ``queued``, then a running status, then an outcome. The
task that runs it first *claims* it with one UPDATE … WHERE the row is due, and goes on only if
that UPDATE changed the row, so a task run twice, or racing another worker, does nothing. While
it works, the task touches ``updated_at`` (its heartbeat); a running row whose heartbeat is older
than ``stale_after`` lost its worker and is due again. A periodic sweeper enqueues every due row:
queued ones whose queue message was lost (older than ``queued_grace``), stale ones, and whatever
else the job kind retries (``retry_due``, e.g. a failed download whose backoff has passed). A job
whose worker died ``max_attempts`` times (a download or a build that kills its worker every time)
is not tried again: ``abandon`` marks it as given up, so nothing loops for ever.
"""
from .db import connected


class JobRows:
    def __init__(self, model, running, stale_after, queued_grace, max_attempts, retry_due=None):
        self.model, self.running = model, running
        self.stale_after, self.queued_grace, self.retry_due = stale_after, queued_grace, retry_due
        self.max_attempts = max_attempts

    def stale(self, now):
        """Running rows whose heartbeat stopped: their worker died."""
        model = self.model
        return (model.status == self.running) & (model.updated_at < now - self.stale_after)

    def _due(self, now, queued):
        due = queued | self.stale(now)
        due = due | self.retry_due(now) if self.retry_due else due
        return due & (self.model.attempts < self.max_attempts)

    def claim(self, job_id, now, **fields):
        """Take the job if it is due now; True if this worker has it. ``fields`` are set with it."""
        model = self.model
        taken = (model.update(status=self.running, started_at=now, updated_at=now, attempts=model.attempts + 1,
                              **fields)
                 .where((model.id == job_id) & self._due(now, model.status == "queued")).execute())
        return taken == 1

    def due_for_retry(self, now):
        """The ids the sweeper should enqueue again, oldest first."""
        model = self.model
        with connected():
            lost = (model.status == "queued") & (model.updated_at < now - self.queued_grace)
            return [row.id for row in model.select(model.id).where(self._due(now, lost)).order_by(model.id)]

    def abandon(self, now, **fields):
        """Mark the stale rows that are out of attempts with ``fields`` (their outcome); their ids."""
        model = self.model
        dead = self.stale(now) & (model.attempts >= self.max_attempts)
        with connected():
            ids = [row.id for row in model.select(model.id).where(dead).order_by(model.id)]
            if ids:
                model.update(updated_at=now, **fields).where(model.id.in_(ids) & dead).execute()
        return ids
