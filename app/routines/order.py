"""The order a coach would put a routine's exercises in (N1, N2). Pure: plain data in, plain data out.

Effort builds through a warm-up to its power drills and only settles through a cool-down; the
body goes standing, then to a chair, then to the floor, once, with time for each trip down or up.
"""
from .. import vocabulary as v
from . import rules
from .timing import clamp


def arrange(units, request, timer):
    """The units in order, each trip to the floor given its rest (``timer`` knows the bounds)."""
    kind = request.kind
    by_phase = {phase: [u for u in units if u.phase == phase] for phase in v.KIND_PHASES[kind]}

    def floor_first(u):
        return -rules.stance_order(u.ex), u.ex.type == "static" and kind == "warmup"

    if kind == "warmup":
        middle = sorted(by_phase["activate"] + by_phase["mobilise"],
                        key=lambda u: (*floor_first(u), u.phase != "mobilise" or u.ex.type == "static",
                                       u.ex.intensity))
        middle = not_ending_on_a_hold(middle, by_phase["potentiate"])
        ordered = (sorted(by_phase["raise"], key=lambda u: u.ex.intensity) + middle
                   + sorted(by_phase["potentiate"], key=lambda u: u.ex.intensity))
    elif kind == "mobility":
        ordered = sorted(units, key=lambda u: (*floor_first(u), u.phase != "mobilise", u.ex.intensity))
    elif kind == "cooldown":
        ordered = sorted(by_phase["pulse_down"], key=lambda u: -u.ex.intensity) + settling(by_phase["stretch"])
    else:
        ordered = sorted(by_phase["raise"], key=lambda u: u.ex.intensity) + settling(by_phase["stretch"])
    for unit in ordered:
        unit.min_rest = 0
    floor = [rules.is_floor(u.ex) for u in ordered]
    for i in range(len(ordered) - 1):
        if floor[i] != floor[i + 1]:
            ordered[i].min_rest = rules.transition_rest(request)
    for unit in ordered:
        unit.rest = clamp(unit.rest, timer.rest_range(unit, unit.seconds))
    return ordered


def floor_trips(units):
    return sum(1 for a, b in zip(units, units[1:]) if rules.is_floor(a.ex) != rules.is_floor(b.ex))


def not_ending_on_a_hold(middle, power):
    """R2: a warm-up without power drills never ends on a static hold."""
    if power or not middle or middle[-1].ex.type != "static":
        return middle
    for i in range(len(middle) - 2, -1, -1):
        if middle[i].ex.type != "static" and rules.is_floor(middle[i].ex) == rules.is_floor(middle[-1].ex):
            middle[i], middle[-1] = middle[-1], middle[i]
            return middle
    return middle


def settling(units):
    """Standing, then seated, then the floor; foam rolling before the holds there; breathing last."""
    rank = {"foam_roll": 0, "static": 1, "breathing": 2}
    return sorted(units, key=lambda u: (u.ex.type == "breathing", rules.stance_order(u.ex), rank[u.ex.type]))
