"""The engine obeys R1–R7 for any profile (hypothesis), and behaves as a person expects."""

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from app import vocabulary as v
from app.catalog.data import load_file
from app.routines import rules
from app.routines.data import RequestError, Routine, RoutineRequest, Step
from app.routines.engine import build_routine, swap_step

CATALOG = load_file()
BY_ID = {ex.id: ex for ex in CATALOG}

requests = st.builds(
    RoutineRequest,
    kind=st.sampled_from(v.KINDS),
    minutes=st.integers(3, 30),
    activity=st.sampled_from(v.ACTIVITIES),
    level=st.sampled_from(v.LEVELS),
    age=st.one_of(st.none(), st.integers(13, 100)),
    conditions=st.frozensets(st.sampled_from(v.CONDITIONS), max_size=4),
    equipment=st.frozensets(st.sampled_from(v.EQUIPMENT)),
    screening_positive=st.booleans(),
    tight_areas=st.frozensets(st.sampled_from(v.REGIONS), max_size=3),
    recent_exercise_ids=st.frozensets(st.sampled_from(sorted(BY_ID)), max_size=12),
    feedback=st.one_of(st.none(), st.sampled_from(("too_easy", "about_right", "too_hard"))),
    avoid_regions=st.frozensets(st.sampled_from(v.PAIN_AREAS), max_size=1),
    seed=st.integers(0, 2**31),
    space=st.sampled_from(("room", "outdoor")),
    dizziness=st.booleans(),
    medication=st.booleans(),
    weeks_since_surgery=st.one_of(st.none(), st.integers(0, 520)),
    surgeon_cleared=st.booleans(),
    pregnancy_weeks=st.one_of(st.none(), st.integers(0, 42)),
    spine_fracture=st.sampled_from((None, "yes", "no")),
    back_worse=st.sampled_from((None, *v.BACK_WORSE)),
)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests)
# Found by this test: a condition's required balance and back work filled an 8-minute football warm-up's
# activate phase, so no football exercise was left in it (R4).
@example(RoutineRequest(kind="warmup", minutes=8, activity="football", level="beginner",
                        conditions=frozenset({"osteoporosis", "hip_replacement_posterior", "knee"}),
                        equipment=frozenset({"mat", "wall", "step"}), tight_areas=frozenset({"quads", "glutes"}),
                        dizziness=True, seed=0))
def test_every_routine_passes_every_rule(request):
    routine = build_routine(request, CATALOG)
    assert rules.check_routine(routine, request, BY_ID) == []


@settings(max_examples=300, deadline=None)
@given(requests, st.data())
def test_swapping_a_step_keeps_the_routine_safe(request, data):
    routine = build_routine(request, CATALOG)
    index = data.draw(st.integers(0, len(routine.steps) - 1))
    swapped = swap_step(routine, index, request, CATALOG, seed=1)
    # Sometimes nothing fits (about one draw in seven) and there is nothing to check; with assume,
    # Hypothesis fails the test (filter_too_much / Unsatisfiable) when few or no draws get a swap.
    assume(swapped is not None)
    assert rules.check_routine(swapped, request, BY_ID) == []
    assert routine.steps[index].exercise_id not in {s.exercise_id for s in swapped.steps}


def test_same_inputs_and_seed_give_the_same_routine_and_other_seeds_vary():
    request = RoutineRequest(kind="warmup", minutes=10, activity="running", seed=7)
    assert build_routine(request, CATALOG).to_dict() == build_routine(request, CATALOG).to_dict()
    variants = {tuple(s.exercise_id for s in build_routine(RoutineRequest(kind="warmup", minutes=10,
                activity="running", seed=seed), CATALOG).steps) for seed in range(10)}
    assert len(variants) > 3


def test_running_warmup_has_all_four_ramp_phases_and_running_specific_potentiation():
    routine = build_routine(RoutineRequest(kind="warmup", minutes=8, activity="running", level="intermediate"), CATALOG)
    assert [p for p in v.KIND_PHASES["warmup"] if any(s.phase == p for s in routine.steps)] == list(v.KIND_PHASES["warmup"])
    potentiation = [BY_ID[s.exercise_id] for s in routine.steps if s.phase == "potentiate"]
    assert potentiation and all("running" in ex.activities for ex in potentiation)
    assert any(s.why.startswith("Potentiate:") and "running" in s.why for s in routine.steps)


def test_knee_condition_never_gets_kneeling_deep_flexion_or_impact():
    for seed in range(50):
        routine = build_routine(RoutineRequest(kind="flexibility", minutes=15, conditions=frozenset({"knee"}),
                                               equipment=frozenset(v.EQUIPMENT), level="advanced", seed=seed), CATALOG)
        for step in routine.steps:
            assert not {"kneeling", "deep_knee_flexion", "high_impact"} & set(BY_ID[step.exercise_id].contra_tags)


def test_gentle_mode_has_no_high_impact_and_says_to_check_with_a_doctor():
    routine = build_routine(RoutineRequest(kind="warmup", minutes=12, activity="basketball", level="advanced",
                                           screening_positive=True), CATALOG)
    assert all(BY_ID[s.exercise_id].impact != "high" for s in routine.steps)
    assert any("doctor" in note and "talk" in note for note in routine.notes)


def test_older_adults_hold_stretches_30_to_60_seconds():
    routine = build_routine(RoutineRequest(kind="flexibility", minutes=20, age=70), CATALOG)
    holds = [s for s in routine.steps if BY_ID[s.exercise_id].stretch]
    assert holds and all(30 <= s.seconds <= 60 for s in holds)


def test_one_sided_exercises_come_as_left_then_right():
    routine = build_routine(RoutineRequest(kind="cooldown", minutes=15, activity="running"), CATALOG)
    sided = [i for i, s in enumerate(routine.steps) if s.side]
    assert sided
    for i in sided[::2]:
        assert (routine.steps[i].side, routine.steps[i + 1].side) == ("left", "right")


def test_too_easy_feedback_lengthens_work():
    def mean(feedback):
        steps = [s for seed in range(20) for s in build_routine(RoutineRequest(
            kind="warmup", minutes=10, activity="running", seed=seed, feedback=feedback), CATALOG).steps]
        return sum(s.seconds for s in steps) / len(steps)
    assert mean("too_easy") > mean(None)


def test_tight_areas_are_preferred():
    routine = build_routine(RoutineRequest(kind="cooldown", minutes=10, tight_areas=frozenset({"hamstrings"})), CATALOG)
    assert any("hamstrings" in BY_ID[s.exercise_id].targets for s in routine.steps if s.phase == "stretch")


def test_recent_exercises_are_avoided_when_there_are_alternatives():
    first = build_routine(RoutineRequest(kind="mobility", minutes=8, seed=1), CATALOG)
    used = frozenset(s.exercise_id for s in first.steps)
    second = build_routine(RoutineRequest(kind="mobility", minutes=8, seed=1, recent_exercise_ids=used), CATALOG)
    assert len(used & {s.exercise_id for s in second.steps}) < len(used) / 2


def test_tiny_choice_still_gives_a_safe_routine_and_says_what_it_left_out():
    request = RoutineRequest(kind="warmup", minutes=12, activity="swimming", conditions=frozenset(v.CONDITIONS),
                             screening_positive=True)
    routine = build_routine(request, CATALOG)
    assert rules.check_routine(routine, request, BY_ID) == []
    assert any("Left out" in note for note in routine.notes)


@pytest.mark.parametrize("field,value", [("kind", "yoga"), ("activity", "chess"), ("minutes", 2), ("minutes", 31),
                                         ("level", "pro"), ("conditions", frozenset({"flu"}))])
def test_unknown_values_are_refused_with_the_accepted_ones(field, value):
    with pytest.raises(RequestError):
        build_routine(RoutineRequest(**{"kind": "warmup", "minutes": 8, field: value}), CATALOG)


def test_rules_catch_unsafe_routines():
    request = RoutineRequest(kind="warmup", minutes=3, conditions=frozenset({"knee"}))
    bad = Routine("warmup", 3, "general", [Step("jumping-jacks", "raise", None, 60, 3, None, 0)])
    found = {violation.rule for violation in rules.check_routine(bad, request, BY_ID)}
    assert "R7" in found
    lopsided = Routine("cooldown", 3, "general", [Step("standing-calf-stretch", "stretch", "left", 30, 1, None, 5)] * 1)
    assert any("side" in v_.message for v_ in rules.check_routine(lopsided, request, BY_ID))


def test_a_short_gentle_football_warm_up_keeps_its_football_exercise():
    """Found by hypothesis: the key-region seed took the only activate slot with a non-football move (R4)."""
    request = RoutineRequest(kind="warmup", minutes=8, activity="football", level="beginner",
                             conditions=frozenset({"hip_replacement_posterior"}), screening_positive=True,
                             tight_areas=frozenset({"core", "neck", "lower_back"}), dizziness=True, seed=53)
    for seed in range(40):
        request = RoutineRequest(**{**request.__dict__, "seed": seed})
        assert rules.check_routine(build_routine(request, CATALOG), request, BY_ID) == []


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests)
# Found by this test in CI: a 10-minute stretching session's warming part and holds, each fitted to its own
# range, came to 10:05.
@example(RoutineRequest(kind="flexibility", minutes=10, activity="strength_lower", level="intermediate",
                        conditions=frozenset({"neck", "balance"}), equipment=frozenset({"mat"}), seed=1258))
def test_a_routine_never_runs_over_the_minutes_asked(request):
    """"8 minutes" is a promise to someone with 8 minutes (journey review 10: an 8-minute routine ran 8:05)."""
    routine = build_routine(request, CATALOG)
    assert routine.total_seconds <= rules.target_seconds(request)


def test_a_knee_running_warm_up_says_why_its_steps_suit_the_knee():
    """Journey review 10: no step said why it was safe for the knee, and "strides before a run" became quick
    feet without a word. A step working the knee's muscles says so, and the power drill says what it replaces."""
    saw_knee_step = False
    for seed in range(6):
        routine = build_routine(RoutineRequest(kind="warmup", minutes=8, activity="running",
                                               conditions=frozenset({"knee"}), seed=seed), CATALOG)
        power = [s for s in routine.steps if s.phase == "potentiate"]
        assert power and all("(not for knee problems)" in s.why for s in power), [s.why for s in power]
        for step in routine.steps:
            if step.phase != "potentiate" and {"knees", "quads", "hamstrings"} & set(BY_ID[step.exercise_id].targets[:2]):
                saw_knee_step = True
                assert "knee-friendly" in step.why or "chosen for" in step.why, step.why
        assert not any("of running at speed" in s.why for s in routine.steps)  # "the fast running of running"
    assert saw_knee_step


def test_what_was_swapped_out_stays_out_when_there_is_another_choice():
    request = RoutineRequest(kind="warmup", minutes=8, activity="running", seed=3)
    first = {s.exercise_id for s in build_routine(request, CATALOG).steps}
    unwanted = frozenset(sorted(first)[:2])
    for seed in range(5):
        again = build_routine(RoutineRequest(kind="warmup", minutes=8, activity="running", seed=seed,
                                             unwanted_ids=unwanted), CATALOG)
        assert not unwanted & {s.exercise_id for s in again.steps}


def test_a_running_warm_up_stays_on_its_feet_and_raises_the_heart_rate():
    """Journey review 10: a running warm-up spent 100 s of 8 minutes lying in three bridges, and its
    "raise" was heel-to-toe rolls. Over seeds, a knee and tight hamstrings and calves: no bridge, next to
    no floor time, and the raise is a move that lifts the heart rate (walk, march, jog, shadow-box)."""
    for seed in range(12):
        for conditions in (frozenset(), frozenset({"knee"})):
            routine = build_routine(RoutineRequest(kind="warmup", minutes=8, activity="running", conditions=conditions,
                                                   tight_areas=frozenset({"hamstrings", "calves"}), seed=seed), CATALOG)
            floor = sum(s.duration for s in routine.steps if BY_ID[s.exercise_id].position != "standing")
            assert floor <= 60, [(s.exercise_id, BY_ID[s.exercise_id].position) for s in routine.steps]
            assert not [s for s in routine.steps if "bridge" in s.exercise_id]
            for step in routine.steps:
                if step.phase == "raise":
                    assert BY_ID[step.exercise_id].type == "raise" and BY_ID[step.exercise_id].intensity >= 2, step
