"""The four mobility self-tests: what each measures, how to do it alone at home, who should skip it, how
its result reads, and the focus areas a limited or one-sided result gives the routine engine. Pure: no
Flask, no database.

A result's ``value`` follows app.models.MobilityResult: centimetres, positive past the toes, as an overlap
or as a toe's distance from the wall, negative short of the toes or as a gap; the hip-flexor test stores
1 for "thigh flat" and 0 for "thigh raised". Every threshold below says "limited", never a diagnosis: a
self-test done alone is a rough, honest number to compare with your own next one.

Thresholds and their sources:
- Knee-to-wall (weight-bearing lunge test): healthy adults usually reach about 9–13 cm; under 10 cm is the
  cut-off clinicians commonly use for limited ankle dorsiflexion (Bennell et al. 1998, Aust J Physiother
  44:175; Hoch & McKeon 2011, J Orthop Res 29:326). The test is very repeatable (ICC ≈ 0.97) and its
  smallest real change is about 1–2 cm (Powden, Hoch & Hoch 2015, Man Ther 20:524), so sides 2 cm or
  more apart are counted as a real difference.
- Sit-and-reach: zero at the soles of the feet ("toe-touch" scoring, as the ACSM Guidelines for Exercise
  Testing and Prescription, 11th ed., and the V-sit reach use); short of the toes is below the fair
  range for adults, so under 0 cm is limited. It speaks mostly for the hamstrings and hardly for the lower
  back (Mayorga-Vega et al. 2014, J Sports Sci Med 13:1), so only the hamstrings become a focus area.
- Back-scratch: Rikli & Jones, Senior Fitness Test Manual (2nd ed., 2013). We call a gap of more than
  5 cm limited: most adults under 60 touch or nearly touch, while Rikli & Jones' normal ranges for people
  in their sixties reach down to about −8 cm (women) and −16 cm (men), which the page says in words. One
  arm is usually a little tighter (the dominant one), so only 5 cm or more between sides counts.
- Hip-flexor test: Kendall's hip-flexor length test, a form of the Thomas test (Kendall et al., Muscles:
  Testing and Function, 5th ed., 2005; Harvey 1998, Br J Sports Med 32:68 for the modified Thomas test).
  Lying back with the knees at the end of a bed and one knee hugged, the lowered thigh resting on the bed
  is normal length; a thigh that stays raised shows limited hip-flexor length on that side. Judging it by
  eye is only moderately reliable (Peeler & Anderson 2007, Phys Ther Sport 8:14), so the test records
  only flat or raised.
"""
import datetime as dt
from dataclasses import dataclass

from .. import vocabulary as v

FOCUS_WEEKS = 12  # a result older than this no longer steers routines
RETEST_DAYS = 28  # the gentle prompt to test again
SIDED = ("left", "right")
BOTH = "both"
FLAT, RAISED = 1.0, 0.0  # the hip-flexor test's two answers, as stored


@dataclass(frozen=True)
class SelfTest:
    id: str
    name: str
    measures: str  # one line: what the test tells you
    regions: tuple  # the body areas it speaks for (app.vocabulary.REGIONS)
    focus_regions: tuple  # those a limited result makes the engine prefer
    sided: bool
    unit: str  # "cm", or "" for the hip-flexor test's flat/raised
    low: float  # the range a result may take, in cm
    high: float
    part: str  # what a side's result is called in a sentence: "ankle", "shoulder"
    minutes: int
    needs: tuple  # what to have ready
    steps: tuple  # how to do it alone at home
    reading: str  # how to read the number (or flat/raised)
    safety: tuple  # stop rules, warming up, no bouncing
    skip: tuple  # who should not do it, and what to do instead
    usual: str  # what a usual result looks like, in words
    figure: str | None  # a catalog exercise whose figure shows the position, if one does
    figure_caption: str = ""
    side_note: str = ""  # which side is which, where that isn't obvious

    @property
    def sides(self):
        return SIDED if self.sided else (BOTH,)

    @property
    def yes_no(self):
        return self.unit == ""


WARM_UP = "Warm up for 5 minutes first: walk briskly, march on the spot or climb the stairs a few times."
NO_BOUNCING = "Move slowly into the position and hold it still. Never bounce or jerk to get further."
STOP = "Stop at once if it hurts, or if you feel pinching, numbness or tingling."
COMMON_SAFETY = (WARM_UP, NO_BOUNCING, "Go to a strong but comfortable stretch, never further. " + STOP)

SIT_AND_REACH = SelfTest(
    id="sit_and_reach", name="Sit-and-reach", sided=False, unit="cm", low=-40, high=40, part="sit-and-reach",
    measures="How far you can reach towards your toes with straight legs: mostly the length of your hamstrings.",
    regions=("hamstrings", "lower_back"), focus_regions=("hamstrings",), minutes=10,
    needs=("A tape measure or a long ruler", "A strip of sticky tape", "A clear patch of floor, with a mat if "
           "the floor is hard"),
    steps=(
        "Stick a strip of tape across the floor. Lay the tape measure on the floor at a right angle to it, "
        "with its 40 cm mark on the strip and the low numbers pointing towards where you will sit.",
        "Sit on the floor with your legs straight, the tape measure between them and the soles of your feet "
        "against the strip, heels about 25 cm apart, toes pointing up.",
        "Put one hand on top of the other, middle fingers level.",
        "Breathe out and reach slowly forward along the tape as far as you comfortably can, knees straight "
        "but not locked. Hold still for 2 seconds.",
        "Note the number under your middle fingertips, then sit up.",
        "Rest a moment and do it twice more. Record your best.",
    ),
    reading="Take 40 away from the number you read: 34 means −6 (6 cm short of your toes), 40 means 0 (level "
            "with them), 47 means +7 (7 cm past them).",
    safety=COMMON_SAFETY + ("Keep breathing; reach as you breathe out.",),
    skip=(
        "Skip this test if you have had a back injury or sciatica (pain running down a leg) in the last "
        "few months, or a doctor or physio has told you not to bend forward — for example with osteoporosis "
        "of the spine, or after back surgery.",
        "After a hip replacement, skip it unless your surgeon has lifted your hip precautions: it bends the "
        "hip a long way.",
        "If you skip it, the other tests still work, and gentle hamstring stretches are still good for you.",
    ),
    usual="Most adults reach their toes or a little past them (0 cm or more). Under 0 is limited. Reach "
          "shrinks with age: compare yourself with your own earlier results.",
    figure="seated-hamstring-stretch",
    figure_caption="The same long-legged forward reach, shown here from a chair. Do the test on the floor.",
)

KNEE_TO_WALL = SelfTest(
    id="knee_to_wall", name="Knee-to-wall ankle test", sided=True, unit="cm", low=0, high=25, part="ankle",
    measures="How far your knee can travel forward over your foot with the heel down: the bend of your ankle "
             "and the length of your calf.",
    regions=("ankles", "calves"), focus_regions=("ankles", "calves"), minutes=5,
    needs=("A clear bit of wall", "A tape measure or ruler", "Bare feet or socks"),
    steps=(
        "Stand facing the wall in bare feet, hands on the wall for balance. Put the foot you are testing "
        "10 cm from the wall, pointing straight at it; step the other foot back.",
        "Keeping the front heel flat on the floor, bend the front knee forward to touch the wall, the knee "
        "in line with your second toe.",
        "If the knee touches easily, slide the foot back 1 cm and try again. If the heel lifts before the "
        "knee touches, move the foot 1 cm closer.",
        "Find the furthest spot where the knee just touches the wall with the heel still flat.",
        "Measure from the wall to the tip of your big toe, in centimetres.",
        "Do the other foot the same way and record both.",
    ),
    reading="Record the distance from the wall to your big toe. If your knee can't reach the wall even with "
            "the toe against it, record 0.",
    safety=COMMON_SAFETY + ("A stretch in the calf or the back of the ankle is fine. A pinch at the front "
                            "of the ankle means stop: that is as far as that ankle goes today.",),
    skip=(
        "Skip the side with a sprained ankle in the last 6 weeks, or after ankle or knee surgery until your "
        "physio says it's fine.",
        "Skip it if bending your knee under your weight hurts, or you can't steady yourself with a hand on "
        "the wall.",
    ),
    usual="Most adults reach about 9 to 13 cm. Under 10 cm is limited, and a difference of 2 cm or more "
          "between sides is worth working on.",
    figure="ankle-wall-rock",
    figure_caption="The test position: front heel down, knee forward to the wall.",
)

BACK_SCRATCH = SelfTest(
    id="back_scratch", name="Back-scratch shoulder test", sided=True, unit="cm", low=-40, high=30,
    part="shoulder",
    measures="How close your hands come together behind your back: the reach of your shoulders up, back "
             "and round.",
    regions=("shoulders",), focus_regions=("shoulders",), minutes=5,
    needs=("A ruler", "A mirror and your phone on self-timer, or someone to look"),
    steps=(
        "Stand tall. Reach one hand over the same shoulder and down your back, palm towards you, fingers "
        "pointing down your spine.",
        "Bring the other hand round behind your back from below, palm facing out, and reach up your spine.",
        "Slide your middle fingers towards each other as far as is comfortable. Don't grab your fingers or "
        "pull them together.",
        "Hold for 2 seconds while a helper measures the gap or overlap between your middle fingertips — or "
        "take a photo in the mirror and judge it against your finger widths (about 2 cm each).",
        "Swap arms and do it the other way. Do each side twice and record your best.",
    ),
    reading="A gap is a minus number (a 6 cm gap is −6). Fingertips touching is 0. An overlap is a plus number "
            "(3 cm of overlap is +3).",
    safety=COMMON_SAFETY,
    skip=(
        "Skip the side with a shoulder injury, a dislocation or shoulder surgery in the past year, or pain "
        "when you reach behind your back — ask your physio when you can try it.",
        "Skip it if reaching up behind your head makes you dizzy or hurts your neck.",
    ),
    usual="Most adults under 60 touch or nearly touch. A gap of more than 5 cm is limited, and 5 cm or more "
          "between sides is worth working on. After 60 a bigger gap is common (up to about 8 cm for women "
          "and 16 cm for men in their sixties): compare yourself with your own earlier results.",
    figure="overhead-triceps",
    figure_caption="The top arm's position: elbow up, hand down between the shoulder blades.",
    side_note="Left means your left hand goes over your shoulder; right means your right hand does.",
)

THOMAS = SelfTest(
    id="thomas", name="Hip-flexor test", sided=True, unit="", low=0, high=1, part="hip-flexor",
    measures="Whether the front of your hip lets your thigh lie flat when the other knee is hugged in: the "
             "length of your hip flexors (a home version of the Thomas test).",
    regions=("hip_flexors",), focus_regions=("hip_flexors",), minutes=5,
    needs=("A firm bed or a sturdy table, long enough to lie on with your knees at its end",
           "A mirror or your phone on self-timer helps, or someone to look"),
    steps=(
        "Sit on the end of the bed with its edge just behind your knees: thighs on the bed, lower legs hanging "
        "down.",
        "Hug both knees to your chest and roll back slowly until you are lying on your back, lower back flat "
        "on the bed.",
        "Keep hugging one knee, just enough to keep your lower back flat. Let go of the other leg and lower it "
        "slowly, so its thigh comes down towards the bed and the lower leg hangs over the edge. Relax it "
        "completely.",
        "Does the back of that thigh rest on the bed, or does it stay lifted? Slide a hand under it just above "
        "the knee to feel, or check in the mirror or a photo.",
        "Hug both knees again and swap legs. To get up, hug both knees, roll onto your side and push yourself "
        "up with your arms.",
    ),
    reading="Flat: the back of your thigh rests on the bed. Raised: it stays lifted off the bed, even a little "
            "(your hand slides under it just above the knee).",
    safety=(
        WARM_UP,
        "Let the lowered leg relax and drop by itself: don't push it down. " + STOP,
        "Don't pull the hugged knee hard: hold it just enough to keep your back flat.",
        "Sit up slowly afterwards: if you feel dizzy, stay sitting until it passes.",
    ),
    skip=(
        "Skip this test after a hip replacement unless your surgeon has lifted your precautions: hugging the "
        "knee bends the hip past a right angle.",
        "Skip it if you are pregnant, after recent hip, knee or back surgery, or if lying on your back hurts "
        "your back.",
        "Skip it if getting on and off the bed safely would be hard for you, or do it only with someone nearby.",
    ),
    usual="Flat on both sides is usual. A thigh that stays raised is limited on that side, and one raised "
          "with the other flat is worth working on.",
    figure=None,  # no catalog figure shows the test position (one knee hugged, the other leg over a bed's end)
    side_note="Left means your left leg is the one you lower; right means your right one is.",
)

TESTS = {test.id: test for test in (SIT_AND_REACH, KNEE_TO_WALL, BACK_SCRATCH, THOMAS)}
ORDER = tuple(TESTS)

# A result is "limited" below these (cm); sides this far apart or more are "asymmetric". See the docstring.
LIMITED_BELOW = {"sit_and_reach": 0.0, "knee_to_wall": 10.0, "back_scratch": -5.0}
ASYMMETRY_FROM = {"knee_to_wall": 2.0, "back_scratch": 5.0}


@dataclass(frozen=True)
class Result:
    """One stored measurement, as the pure functions see it."""

    test: str
    side: str
    value: float
    tested_on: dt.date
    id: int | None = None


@dataclass(frozen=True)
class Focus:
    """A body area the routine engine should prefer, and the words that tell the person why."""

    region: str
    reason: str


def _n(value):
    """A number of cm as a person writes it: 4, 4.5, never 4.0."""
    text = f"{abs(value):.1f}".rstrip("0").rstrip(".")
    return text or "0"


def signed(value):
    """A range's end as a person reads it: −40, 0, 25 (a real minus sign)."""
    return f"−{_n(value)}" if value < 0 else _n(value)


def limited(test_id, value):
    """Whether one result is clearly limited (on its side)."""
    if test_id == "thomas":
        return value < 0.5  # raised
    return value < LIMITED_BELOW[test_id]


def difference(test_id, left, right):
    """(worse side, gap in cm) when the two sides are asymmetric, else None. The hip-flexor test's gap is
    None: one side raised and the other flat."""
    if left is None or right is None:
        return None
    if test_id == "thomas":
        if limited(test_id, left) != limited(test_id, right):
            return ("left" if limited(test_id, left) else "right", None)
        return None
    threshold = ASYMMETRY_FROM.get(test_id)
    gap = abs(left - right)
    if threshold is None or gap < threshold - 1e-9:
        return None
    return ("left" if left < right else "right", gap)


def words(test_id, value):
    """A result in plain words: "6 cm short of your toes", "12 cm from the wall", "thigh flat"."""
    if value is None:
        return "not tested"
    if test_id == "thomas":
        return "thigh flat" if value >= 0.5 else "thigh raised"
    if test_id == "sit_and_reach":
        if value == 0:
            return "level with your toes"
        return f"{_n(value)} cm {'past' if value > 0 else 'short of'} your toes"
    if test_id == "knee_to_wall":
        return f"{_n(value)} cm from the wall"
    if value == 0:
        return "fingertips touch"
    return f"{_n(value)} cm {'overlap' if value > 0 else 'gap'}"


def short(test_id, value):
    """A result as a short number for tables and charts: "+7 cm", "−6 cm", "12 cm", "flat"."""
    if test_id == "thomas":
        return "flat" if value >= 0.5 else "raised"
    if test_id == "knee_to_wall" or value == 0:
        return f"{_n(value)} cm"
    return f"{'+' if value > 0 else '−'}{_n(value)} cm"


def verdict(test_id, by_side):
    """One line about a test's latest results ({side: value}), for its card: what stands out, if anything."""
    test = TESTS[test_id]
    values = {side: value for side, value in by_side.items() if value is not None}
    if not values:
        return None
    if test.sided:
        apart = difference(test_id, values.get("left"), values.get("right"))
        if apart is not None:
            side, gap = apart
            if gap is None:
                return f"Your {side} side is limited, the other isn't."
            return f"Your {side} side is {_n(gap)} cm behind the other."
    low = [side for side, value in values.items() if limited(test_id, value)]
    if not low:
        return "Within the usual range."
    if test.sided:
        return "Limited on both sides." if len(low) == 2 else f"Limited on the {low[0]} side."
    return "Limited."


def _reason(test, values):
    """Why a test's latest results (``values``: {side: value}, recent enough) make a focus, or None."""
    if test.id == "sit_and_reach":
        value = values.get(BOTH)
        if value is not None and limited(test.id, value):
            return f"your sit-and-reach was {_n(value)} cm short of your toes"
        return None
    left, right = values.get("left"), values.get("right")
    apart = difference(test.id, left, right)
    if apart is not None:
        side, gap = apart
        other = "right" if side == "left" else "left"
        if test.id == "thomas":
            return f"your {side} thigh stayed raised in the hip-flexor test and your {other} lay flat"
        if test.id == "knee_to_wall":
            return f"your {side} ankle test was {_n(gap)} cm shorter than your {other}"
        return f"your {side} shoulder test reached {_n(gap)} cm less than your {other}"
    low = [side for side in SIDED if values.get(side) is not None and limited(test.id, values[side])]
    if not low:
        return None
    if test.id == "thomas":
        if len(low) == 2:
            return "both thighs stayed raised in the hip-flexor test"
        return f"your {low[0]} thigh stayed raised in the hip-flexor test"
    if test.id == "knee_to_wall":
        if len(low) == 2:
            return f"both ankle tests were under 10 cm (left {_n(left)}, right {_n(right)})"
        return f"your {low[0]} ankle test was {_n(values[low[0]])} cm, under the usual 10"
    if len(low) == 2:
        return f"both shoulder tests left a gap of more than 5 cm (left {_n(left)}, right {_n(right)})"
    return f"your {low[0]} shoulder test left a {_n(values[low[0]])} cm gap"


def notable(test_id, by_side):
    """Whether a test's results ({side: value}) are limited or one-sided enough to become a focus area."""
    values = {side: value for side, value in by_side.items() if value is not None}
    return bool(values) and _reason(TESTS[test_id], values) is not None


def recent(result, today):
    """Whether a result is recent enough to steer routines: the last 12 weeks. ``today`` is the server's
    (UTC) date, and a person's own date may run a day ahead of it; anything later is not a real result."""
    return -1 <= (today - result.tested_on).days <= FOCUS_WEEKS * 7


def focus(latest, today):
    """The focus areas from the latest result per (test, side): ``latest`` maps (test id, side) to a Result.

    A test whose results are clearly limited, or markedly worse on one side, gives its focus regions, each
    with the reason in words ("your left ankle test was 4 cm shorter than your right"). Results older than
    12 weeks count for nothing. One focus per region, in the tests' order."""
    out, seen = [], set()
    for test in TESTS.values():
        values = {side: latest[(test.id, side)].value for side in test.sides
                  if (test.id, side) in latest and recent(latest[(test.id, side)], today)}
        reason = _reason(test, values) if values else None
        if reason is None:
            continue
        for region in test.focus_regions:
            if region not in seen:
                seen.add(region)
                out.append(Focus(region, reason))
    return out


def retest_due(last_tested_on, today):
    """Whether it's time for the gentle retest prompt: 4 weeks or more since the last test (never: no)."""
    return last_tested_on is not None and (today - last_tested_on).days >= RETEST_DAYS


def latest_of(results):
    """The latest result per (test, side) of ``results`` (by date, then by id: the later entry wins)."""
    out = {}
    for result in sorted(results, key=lambda r: (r.tested_on, r.id or 0)):
        out[(result.test, result.side)] = result
    return out


def check(test_id, values_by_side):
    """The values to store, {side: float}, or raise ValueError saying what's wrong. Empty sides are left out;
    at least one side must have a value, each within the test's range."""
    test = TESTS.get(test_id)
    if test is None:
        raise ValueError("There is no such test.")
    unknown = set(values_by_side) - set(test.sides)
    if unknown:
        raise ValueError(f"This test takes {' and '.join(test.sides)} only.")
    out = {}
    for side in test.sides:
        value = values_by_side.get(side)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise ValueError("Enter a number.")
        if test.yes_no and value not in (FLAT, RAISED):
            raise ValueError("Pick flat or raised.")
        if not test.low <= value <= test.high:
            raise ValueError(f"Enter {signed(test.low)} to {signed(test.high)} cm.")
        out[side] = float(value)
    if not out:
        raise ValueError("Enter a result for at least one side." if test.sided else "Enter your result.")
    return out


def region_words(test):
    """The areas a test speaks for, in words: "hamstrings and lower back"."""
    names = [v.region_label(region).lower() for region in test.regions]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
