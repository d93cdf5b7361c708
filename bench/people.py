"""A signed-up, screened person for the benchmarks, through the real forms (shared by the benches)."""
import re

import requests

SCREENING = ("heart", "chest_pain", "dizziness", "chronic", "medication", "joint", "supervision")


def token(html):
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def sign_up(base, email="bench@example.com"):
    """Returns (session, csrf token) for a new person who answered "no" to every health question."""
    session = requests.Session()
    session.post(base + "/signup", data={"email": email, "password": "benchmark pass",
                                         "csrf_token": token(session.get(base + "/signup").text)})
    csrf = token(session.get(base + "/onboarding/screening").text)
    session.post(base + "/onboarding/screening", data={**{code: "no" for code in SCREENING}, "csrf_token": csrf})
    return session, csrf


def cookies(session, base):
    return [{"name": c.name, "value": c.value, "url": base} for c in session.cookies]
