"""The things a figure leans on, sits on, stands on or pulls: where they are, what the body may rest on,
and how they are drawn. Body units as in app.figures.body (standing tall is about 100; the floor is 0).

A pose lists its props as ``props = [{kind = "wall", x = 40}, {kind = "band", from = "near_hand",
to = "far_hand"}]``. ``x`` is the middle of a chair, step, roller, rail, saddle or bar, and the face of a
wall. ``y`` overrides the height of a rail (a counter 52, a table 44), a bar or a saddle. A band runs
between two of the body's points (``near_hand``, ``far_toe``…) or a point and a fixed ``[x, y]``.
"""
import math

# kind -> the equipment (app.vocabulary.EQUIPMENT) the exercise must list to draw it; None: no equipment
# (a counter or rail, a bike, a climbing wall's holds and bar belong to the place, not to Limber's list).
EQUIPMENT = {"wall": "wall", "chair": "chair", "step": "step", "roller": "foam_roller", "band": "band",
             "rail": None, "bike": None, "bar": None, "climbing_wall": None}
HEIGHT = {"chair": 27.0, "step": 11.0, "rail": 52.0, "bike": 50.0, "bar": 132.0}  # the top, by default
HALF = {"chair": 12.0, "step": 16.0, "rail": 10.0, "bike": 5.0}  # half the top's width
ROLLER = 7.0  # the foam roller's radius
SINK = 4.0  # a point this far under a top still rests on it (the pose is drawn by hand)
WOOD, STEEL, BAND = "#cbd5e1", "#94a3b8", "#f59e0b"


class PropError(ValueError):
    """A prop that can't be drawn: an unknown kind or a missing place."""


def read(raw):
    """The props as the renderer and the checks take them (a list of dicts with a kind)."""
    props = []
    for item in raw or ():
        if not isinstance(item, dict) or item.get("kind") not in EQUIPMENT:
            raise PropError(f"unknown prop {item!r}: one of {', '.join(EQUIPMENT)}")
        prop = dict(item)
        if prop["kind"] == "band":
            if "from" not in prop or "to" not in prop:
                raise PropError("a band runs from one point to another: give from and to")
            for end in (prop["from"], prop["to"]):
                if not isinstance(end, str) and not (isinstance(end, list) and len(end) == 2 and all(map(is_number, end))):
                    raise PropError(f"a band's end is a point of the body (near_hand) or [x, y], not {end!r}")
        elif not is_number(prop.get("x")):
            raise PropError(f"a {prop['kind']} needs its place along the floor: x")
        else:
            prop.setdefault("y", HEIGHT.get(prop["kind"], 0.0))
            if not is_number(prop["y"]):
                raise PropError(f"a {prop['kind']}'s height y must be a number")
        props.append(prop)
    return props


def is_number(value):
    """A number a pose may hold (TOML's true and false are not numbers here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def support(props, x, bottom):
    """The height of what lies under a point at ``x`` whose skin is at ``bottom``: the floor, or the
    top of a seat, step, roller, rail or saddle it is over (and not well under: a foot under a counter
    stands on the floor)."""
    best = 0.0
    for prop in props:
        top = _top(prop, x)
        if top is not None and top <= bottom + SINK:
            best = max(best, top)
    return best


def _top(prop, x):
    kind = prop["kind"]
    if kind == "roller":
        dx = x - prop["x"]
        return ROLLER + math.sqrt(ROLLER * ROLLER - dx * dx) if abs(dx) <= ROLLER else None
    if kind in HALF and abs(x - prop["x"]) <= HALF[kind]:
        return prop["y"]
    return None


def lift(props):
    """How high a body must start to be set down on top of a step or a roller rather than in it."""
    return max([prop["y"] + 1 for prop in props if prop["kind"] == "step"]
               + [2 * ROLLER + 1 for prop in props if prop["kind"] == "roller"], default=0.0)


def solid_under(props, x, bottom):
    """The top of a step or roller that a point at ``x`` is sunk into, or None."""
    for prop in props:
        if prop["kind"] in ("step", "roller"):
            top = _top(prop, x)
            if top is not None and bottom < top - SINK and bottom > 0.5:
                return prop["kind"], top
    return None


def walls(props):
    return [prop for prop in props if prop["kind"] in ("wall", "climbing_wall")]


def gap(props, contacts):
    """How far the body is above what carries it: the smallest distance between a point's skin and the
    surface under it (0: resting). A hand on a bar carries the body too."""
    found = min(bottom - support(props, x, bottom) for x, bottom, _ in contacts.values())
    for prop in props:
        if prop["kind"] == "bar":
            for name in ("near_hand", "far_hand"):
                x, bottom, radius = contacts[name]
                if math.dist((x, bottom + radius), (prop["x"], prop["y"])) <= radius + SINK:
                    return 0.0
    return found


def touches(prop, contacts, points, tolerance):
    """Whether the body rests on, leans on or holds ``prop`` in one frame."""
    kind = prop["kind"]
    if kind in ("wall", "climbing_wall"):
        return any(abs(abs(x - prop["x"]) - radius) <= tolerance for x, _, radius in _reach(contacts, points))
    if kind == "bar":
        return any(math.dist(points[f"{side}_hand"], (prop["x"], prop["y"])) <= 3 + SINK for side in ("near", "far"))
    if kind == "band":
        return True
    return any(_top(prop, x) is not None and abs(bottom - _top(prop, x)) <= tolerance
               for x, bottom, _ in contacts.values())


def _reach(contacts, points):
    """Every point with its half-thickness, for touching a wall sideways."""
    out = [(x, bottom, radius) for x, bottom, radius in contacts.values()]
    out.append((points["head"][0], points["head"][1], 6.5))
    return out


def through_wall(props, contacts, points, tolerance):
    """How far the body goes into a wall (0 when it stays on its own side)."""
    deepest = 0.0
    for wall in walls(props):
        side = 1 if wall["x"] > points["pelvis"][0] else -1  # the wall is in front (+1) or behind
        for x, _, radius in _reach(contacts, points):
            deepest = max(deepest, side * (x - wall["x"]) + radius)
    return deepest if deepest > tolerance else 0.0


def anchor(end, points):
    """Where one end of a band is in a frame: a body point by name, or a fixed [x, y]."""
    if isinstance(end, str):
        if end not in points:
            raise PropError(f"a band can't hold on to {end!r}: a point such as near_hand or far_toe")
        return points[end]
    return tuple(end)


def draw(prop, wall_side, n):
    """The SVG of one prop, in body units with y up already flipped (``n`` formats a number). A band is
    drawn by the renderer, which moves it with the body."""
    kind, x = prop["kind"], prop["x"]
    if kind in ("wall", "climbing_wall"):
        left = x if wall_side > 0 else x - 8
        holds = ""
        if kind == "climbing_wall":
            face = x + 1.5 if wall_side > 0 else x - 1.5
            holds = "".join(f'<circle cx="{n(face)}" cy="{n(-y)}" r="2.2" fill="#f59e0b"/>'
                            for y in (28, 55, 78, 104, 126))
        return f'<rect x="{n(left)}" y="-150" width="8" height="150" fill="{WOOD}"/>{holds}'
    if kind == "chair":
        seat, half, back = prop["y"], HALF["chair"], x - HALF["chair"]
        return (f'<path d="M{n(back)} {n(-seat)}V0M{n(x + half - 1)} {n(-seat)}V0M{n(back)} {n(-seat)}V{n(-seat - 28)}" '
                f'stroke="{STEEL}" stroke-width="2.5"/>'
                f'<rect x="{n(x - half)}" y="{n(-seat)}" width="{n(2 * half)}" height="3" rx="1" fill="{WOOD}"/>')
    if kind == "step":
        return (f'<rect x="{n(x - HALF["step"])}" y="{n(-prop["y"])}" width="{n(2 * HALF["step"])}" '
                f'height="{n(prop["y"])}" rx="1.5" fill="{WOOD}"/>')
    if kind == "roller":
        return f'<circle cx="{n(x)}" cy="{n(-ROLLER)}" r="{n(ROLLER)}" fill="#5eead4" stroke="#0f766e"/>'
    if kind == "rail":
        return (f'<path d="M{n(x)} {n(-prop["y"])}V0" stroke="{STEEL}" stroke-width="2.5"/>'
                f'<rect x="{n(x - HALF["rail"])}" y="{n(-prop["y"])}" width="{n(2 * HALF["rail"])}" height="3" '
                f'rx="1" fill="{WOOD}"/>')
    if kind == "bike":
        seat = prop["y"]
        return (f'<g fill="none" stroke="{STEEL}" stroke-width="2"><circle cx="{n(x - 22)}" cy="-14" r="14"/>'
                f'<circle cx="{n(x + 34)}" cy="-14" r="14"/><path d="M{n(x - 22)} -14L{n(x + 4)} -20L{n(x)} '
                f'{n(-seat + 2)}M{n(x + 4)} -20L{n(x + 28)} {n(-seat + 4)}L{n(x + 34)} -14M{n(x + 28)} {n(-seat + 4)}'
                f'L{n(x + 30)} {n(-seat - 10)}"/></g>'
                f'<rect x="{n(x - 6)}" y="{n(-seat)}" width="12" height="3" rx="1.5" fill="#475569"/>')
    if kind == "bar":
        return (f'<path d="M{n(x - 16)} {n(-prop["y"])}H{n(x + 16)}" stroke="{STEEL}" stroke-width="3" '
                'stroke-linecap="round"/>')
    return ""
