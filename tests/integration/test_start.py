"""One tap from Home: a quick card starts the player, its Preview shows the routine to read first, and
today's plan and the quick cards never offer the same thing twice."""
import datetime as dt
import re



def test_a_quick_card_goes_straight_to_the_player_and_preview_to_the_routine(person, client):
    token = person.token("/")
    fields = {"kind": "warmup", "activity": "running", "minutes": "8", "csrf_token": token}
    play = client.post("/routines/quick", data={**fields, "then": "play"})
    read = client.post("/routines/quick", data={**fields, "then": "read"})
    older = client.post("/routines/quick", data=fields)  # a page from before: the routine page, as it was
    assert play.status_code == read.status_code == older.status_code == 303
    assert re.fullmatch(r"/routines/\d+/play\?go=1", play.location)
    assert re.fullmatch(r"/routines/\d+", read.location) and re.fullmatch(r"/routines/\d+", older.location)


def test_an_unknown_then_is_refused(person, client):
    data = {"kind": "warmup", "activity": "running", "minutes": "8", "then": "explode", "csrf_token": person.token("/")}
    assert client.post("/routines/quick", data=data).status_code == 400


def test_home_shows_play_and_preview_on_every_card(person, client):
    page = client.get("/").get_data(as_text=True)
    assert page.count('name="then" value="play"') == page.count('name="then" value="read"') >= 3
    assert 'type="hidden" name="then"' not in page  # an empty "then" before the button's would win


def test_todays_plan_and_the_quick_cards_never_repeat_each_other(app, person, client):
    from app.db import db
    from app.models import Account
    from app.plans import service as plans
    from app.plans import week

    today = dt.date.today()
    entry = {"kind": "warmup", "activity": "running", "minutes": 8, "focus": []}
    days = {day: ([entry] if i == today.weekday() else []) for i, day in enumerate(week.DAYS)}
    with app.app_context(), db.connection_context():
        who = Account.get().id
        plans.activate(who, plans.create(who, week.clean({"name": "Run week", "start_date": today.isoformat(),
                                                         "days": days})))
    page = client.get("/").get_data(as_text=True)
    quick = re.findall(r'class="quick-card quick-(\w+)', page)
    assert "warmup" not in quick and {"cooldown", "mobility"} <= set(quick)  # the warm-up is in Today only
    assert "Running warm-up" in page and page.count('value="play"') == len(quick) + 1
