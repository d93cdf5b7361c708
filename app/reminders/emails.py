"""The words of Limber's two e-mails, the daily reminder and the weekly summary: each function returns
``(subject, text, html)``. Pure: no Flask, no database; the caller passes absolute URLs.

A subject is shown on lock screens and in shared inboxes, so it comes from a fixed list here and never
says anything about health: no condition, pain or body area, whatever the caller knows. The HTML is
one column with inline styles (mail clients drop style sheets), every value escaped, and the
unsubscribe link always visible in its footer.
"""
from markupsafe import Markup

SUBJECTS = {
    "warmup": "Time for your warm-up",
    "cooldown": "Time for your cool-down",
    "flexibility": "Time to stretch",
    "mobility": "Time to move",
    "stretch": "Time to stretch",  # a plain nudge, with no plan entry behind it
}
WEEKLY_SUBJECT = "Your week with Limber"
NUDGE = "A few minutes is enough. Your routine is ready when you are."

# The colours of static/css/app.css (--brand, --ink, --muted, --line, --bg), written out for mail clients.
BRAND, INK, MUTED, LINE, BACKGROUND = "#0f766e", "#0f172a", "#475569", "#e2e8f0", "#f8fafc"
FONT = "system-ui,-apple-system,Segoe UI,Roboto,Helvetica Neue,Arial,sans-serif"


def daily(kind, line, open_url, settings_url, unsubscribe_url):
    """The reminder on a person's chosen days.

    ``kind`` picks the subject: a routine kind (warmup, cooldown, flexibility, mobility) for today's plan
    entry, or "stretch" for a plain nudge. ``line`` is the body's one sentence about today, e.g. "Today's
    plan: 8-minute warm-up before your run." (None: a plain nudge). It is shown as given, so keep
    conditions and pain out of it too: e-mail is kept in places Limber doesn't control.
    """
    if kind not in SUBJECTS:
        raise ValueError(f"kind must be one of {', '.join(SUBJECTS)}, not {kind!r}")
    subject = SUBJECTS[kind]
    why = "You get this e-mail because you asked Limber for reminders by e-mail."
    lines = [f"{subject}.", line or NUDGE]
    text = _text(lines, ("Open Limber", open_url), why, settings_url, unsubscribe_url)
    html = _html(subject, lines, ("Open Limber", open_url), why, settings_url, unsubscribe_url)
    return subject, text, html


def weekly(numbers, progress_url, settings_url, unsubscribe_url):
    """The weekly summary: ``numbers`` is {"sessions", "minutes", "streak", "week_of" (a date)}.

    Honest and kind: a week without a session gets an invitation back, not a telling-off.
    """
    week_of = numbers["week_of"]
    sessions, minutes, streak = numbers["sessions"], numbers["minutes"], numbers["streak"]
    lines = [f"Your week from {week_of:%A} {week_of.day} {week_of:%B}."]
    if sessions:
        done = _count(sessions, "session")
        lines.append(f"You did {done}, {_count(minutes, 'minute')} in all. Nice work." if minutes else
                     f"You did {done}. Nice work.")
        if streak >= 2:
            lines.append(f"You're on a {streak}-day streak. Keep it going.")
    else:
        lines.append("No sessions this week, and that's fine: weeks like that happen. "
                     "Five minutes of stretching is an easy way back in.")
    why = "You get this e-mail because the weekly summary is on."
    text = _text(lines, ("See your progress", progress_url), why, settings_url, unsubscribe_url)
    html = _html(WEEKLY_SUBJECT, lines, ("See your progress", progress_url), why, settings_url, unsubscribe_url)
    return WEEKLY_SUBJECT, text, html


def _count(number, word):
    return f"{number} {word}{'' if number == 1 else 's'}"


def _text(lines, action, why, settings_url, unsubscribe_url):
    label, url = action
    return "\n\n".join([*lines, f"{label}: {url}",
                        f"--\n{why}\nChange your reminders: {settings_url}\nUnsubscribe: {unsubscribe_url}"]) + "\n"


def _html(subject, lines, action, why, settings_url, unsubscribe_url):
    paragraph = Markup('<p style="margin:0 0 16px;">{}</p>')
    body = Markup("").join(paragraph.format(line) for line in lines)
    return str(Markup(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>{subject}</title></head>\n'
        '<body style="margin:0;padding:0;background:{background};">\n'
        '<div style="max-width:32rem;margin:0 auto;padding:24px 16px;font-family:{font};font-size:16px;'
        'line-height:1.5;color:{ink};">\n'
        '<p style="margin:0 0 20px;font-weight:700;font-size:18px;color:{brand};">Limber</p>\n'
        '{body}\n'
        '<p style="margin:24px 0;"><a href="{url}" style="display:inline-block;padding:12px 20px;border-radius:14px;'
        'background:{brand};color:#ffffff;font-weight:600;text-decoration:none;">{label}</a></p>\n'
        '<p style="margin:32px 0 0;padding-top:16px;border-top:1px solid {line};font-size:13px;color:{muted};">'
        '{why}<br><a href="{settings}" style="color:{muted};">Change your reminders</a> · '
        '<a href="{unsubscribe}" style="color:{muted};">Unsubscribe</a></p>\n'
        '</div>\n</body></html>\n'
    ).format(subject=subject, background=BACKGROUND, font=FONT, ink=INK, brand=BRAND, body=body, url=action[1],
             label=action[0], line=LINE, muted=MUTED, why=why, settings=settings_url, unsubscribe=unsubscribe_url))
