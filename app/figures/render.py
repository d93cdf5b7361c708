"""One self-contained, animated SVG per exercise, from its pose (app.figures.pose).

Rounded limbs, the far side a shade lighter, the exercise's target areas in the accent colour, a
floor line; the movement as CSS keyframes inside the SVG (nested groups, one rotation per joint, so
limbs keep their length through every frame). With ``prefers-reduced-motion: reduce`` only the key
position shows, still. No script and no external reference: safe as an ``<img>``. Props (a wall, a
chair, a step…) are drawn behind the body; a band moves with the hands that hold it (SMIL, at the same
times and easing as the body's CSS), and a mat lies under a body that works on the floor.
"""
from html import escape

from . import body, props as prop_kinds

INK, FAR, ACCENT, FLOOR = "#334155", "#a3b1c2", "#0d9488", "#cbd5e1"
MIN_WIDTH, MIN_HEIGHT = 120, 118  # body units: standing tall is about 100
WIDTH = {"lower_back": 13, "upper_back": 14, "neck": 6, "upper_arm": 7, "forearm": 6, "thigh": 10, "shin": 8,
         "heel": 5, "foot": 5}
FRONT_WIDTH = dict(WIDTH, lower_back=16, upper_back=17)  # seen from the front the trunk is broad
MAT = "#e0f2f1"
EASE = "0.42 0 0.58 1"  # CSS ease-in-out, for the SMIL band to keep time with the body
# Which drawn segments light up for each target region (app.vocabulary.REGIONS).
REGION_SEGMENTS = {
    "neck": ("neck",), "shoulders": ("upper_arm",), "chest": ("upper_back",), "upper_back": ("upper_back",),
    "lower_back": ("lower_back",), "core": ("lower_back",), "hips": ("thigh_top",), "glutes": ("thigh_top",),
    "hip_flexors": ("thigh_top",), "groin": ("thigh",), "quads": ("thigh",), "hamstrings": ("thigh",),
    "calves": ("shin",), "ankles": ("foot",), "feet": ("foot",), "wrists": ("forearm",), "arms": ("forearm",),
    "full_body": (),
}


def _n(value):
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _transforms(frame, view="side"):
    """group name -> CSS transform for one frame: each group's shift and rotation against its parent
    (degrees, SVG turns clockwise), the foot shortened when the leg turns."""
    rotation = {"lower": frame["trunk"] + body.turned(view), "upper": frame["spine"], "head": frame["neck"]}
    shift = {"lower": (0, 0), "upper": (0, body.LENGTH["lower_back"]), "head": (0, body.LENGTH["upper_back"])}
    for side in body.SIDES:
        turn = body.relative(frame, side, view)
        across_shoulder, across_hip = body.offsets(frame, side, view)
        rotation.update({f"{side}_{part}": turn[segment] for part, segment in (
            ("arm", "upper_arm"), ("forearm", "forearm"), ("thigh", "thigh"), ("shin", "shin"), ("foot", "foot"))})
        shift.update({f"{side}_arm": (across_shoulder, body.LENGTH["upper_back"]),
                      f"{side}_forearm": (0, body.LENGTH["upper_arm"]), f"{side}_thigh": (across_hip, 0),
                      f"{side}_shin": (0, body.LENGTH["thigh"]),
                      f"{side}_foot": (0, body.LENGTH["shin"] + body.LENGTH["heel"])})
    out = {"root": f"translate({_n(frame['pelvis'][0])}px,{_n(-frame['pelvis'][1])}px)"}
    for name, angle in rotation.items():
        x, y = shift[name]
        moved = f"translate({_n(x)}px,{_n(-y)}px) " if (x, y) != (0, 0) else ""
        out[name] = f"{moved}rotate({_n(angle)}deg)"
    for side in body.SIDES:
        scale = body.foot_scale(frame[side], view) * (body.FRONT_FOOT if view == "front" else 1)
        out[f"{side}_foot"] += f" scale(1,{_n(round(scale, 2))})" if view == "front" or frame[side]["turn"] else ""
    return out


def _segment(name, length, colour, widths=WIDTH):
    # A broad trunk's round end would hide the neck: it stops short by what its cap adds.
    short = max(0, widths[name] / 2 - 4) if name == "upper_back" else 0
    return f'<path d="M0 0V{_n(-length + short)}" stroke="{colour}" stroke-width="{widths[name]}"/>'


def _limb_colour(side, part, lit):
    return ACCENT if part in lit else (FAR if side == "far" else INK)


def _body(lit, widths=WIDTH):
    """The figure as nested groups (classes g-<name>), far limbs first so they sit behind."""
    L = body.LENGTH

    def arm(side):
        return (f'<g class="g-{side}_arm">{_segment("upper_arm", L["upper_arm"], _limb_colour(side, "upper_arm", lit))}'
                f'<g class="g-{side}_forearm">'
                f'{_segment("forearm", L["forearm"] + L["hand"], _limb_colour(side, "forearm", lit))}</g></g>')

    def leg(side):
        top = _limb_colour(side, "thigh_top", lit) if "thigh_top" in lit else _limb_colour(side, "thigh", lit)
        return (f'<g class="g-{side}_thigh">{_segment("thigh", L["thigh"], top)}'
                f'<g class="g-{side}_shin">{_segment("shin", L["shin"], _limb_colour(side, "shin", lit))}'
                f'<path d="M0 {_n(-L["shin"])}V{_n(-L["shin"] - L["heel"])}" stroke="{_limb_colour(side, "foot", lit)}" '
                f'stroke-width="{WIDTH["heel"]}"/>'
                f'<g class="g-{side}_foot">{_segment("foot", L["foot"], _limb_colour(side, "foot", lit))}</g></g></g>')

    head = (f'<g class="g-head">{_segment("neck", L["neck"], ACCENT if "neck" in lit else INK)}'
            f'<circle cy="{_n(-L["neck"] - body.HEAD_RADIUS)}" r="{_n(body.HEAD_RADIUS)}" fill="{INK}"/></g>')
    upper = (f'<g class="g-upper">{arm("far")}'
             f'{_segment("upper_back", L["upper_back"], ACCENT if "upper_back" in lit else INK, widths)}{head}'
             f'{arm("near")}</g>')
    return (f'<g class="g-root"><g class="g-lower">{leg("far")}'
            f'{_segment("lower_back", L["lower_back"], ACCENT if "lower_back" in lit else INK, widths)}'
            f'{upper}{leg("near")}</g></g>')


def _bounds(placed, props):
    """The picture's box: every joint of every frame (``placed``: their body.Joints) and the props."""
    xs, ys = [], []
    for joints in placed:
        for x, y in joints.points.values():
            xs.append(x)
            ys.append(y)
    for prop in props:  # a wall or a bar needs only its face in the picture, a seat or a step all of it
        if prop["kind"] in prop_kinds.HALF:
            xs += [prop["x"] - prop_kinds.HALF[prop["kind"]] - 1, prop["x"] + prop_kinds.HALF[prop["kind"]] + 1]
        elif prop["kind"] == "roller":
            xs += [prop["x"] - prop_kinds.ROLLER, prop["x"] + prop_kinds.ROLLER]
        elif prop["kind"] in ("wall", "climbing_wall"):
            xs.append(prop["x"])
    pad = 9
    left, right, bottom, top = min(xs) - pad, max(xs) + pad, min(min(ys), 0) - 3, max(ys) + pad
    # One scale for every figure, whatever its shape: a crouch is drawn as small as it is, not blown up.
    grow = max(0.0, MIN_WIDTH - (right - left)) / 2
    return left - grow, right + grow, bottom, max(top, bottom + MIN_HEIGHT)


def _keyframes(name, transforms, stops):
    """One group's keyframes; ``transforms`` is _transforms() of each frame, in order."""
    steps = " ".join(f"{_n(stop)}%{{transform:{frame[name]}}}" for stop, frame in zip(stops, transforms))
    return f"@keyframes k-{name}{{{steps}}}"


def _timeline(pose):
    """The frames the animation passes through, each one's place in the cycle (0…1) and the CSS timing."""
    frames = pose["frames"]
    if pose.get("hold"):  # ease into the position over a breath, then stay
        stops = [0.3 * i / (len(frames) - 1) for i in range(len(frames))] + [1]
        return frames + [frames[-1]], stops, f"{_n(pose['seconds'])}s ease-in-out 1 forwards"
    stops = [i / len(frames) for i in range(len(frames) + 1)]  # a cycle at the movement's tempo, back to the start
    return frames + [frames[0]], stops, f"{_n(pose['seconds'])}s ease-in-out infinite"


def _band(band, pose, placed):
    """A band between two points, still at the key frame, or moving with the body (SMIL) when it moves."""
    def line(joints):
        (x1, y1), (x2, y2) = (prop_kinds.anchor(end, joints.points) for end in (band["from"], band["to"]))
        return f"M{_n(x1)} {_n(-y1)}L{_n(x2)} {_n(-y2)}"

    frames = pose["frames"]
    still = line(placed[pose.get("key", len(frames) - 1)])
    attrs = f'stroke="{prop_kinds.BAND}" stroke-width="2"'
    if len(frames) == 1:
        return f'<path d="{still}" {attrs}/>'
    _, stops, _ = _timeline(pose)
    sequence = placed + (placed[-1:] if pose.get("hold") else placed[:1])  # as _timeline() runs the frames
    ends = ";".join(line(joints) for joints in sequence)
    times = ";".join(_n(round(stop, 4)) for stop in stops)
    splines = ";".join([EASE] * (len(stops) - 1))
    repeat = 'fill="freeze"' if pose.get("hold") else 'repeatCount="indefinite"'
    return (f'<path class="still" d="{still}" {attrs}/><path class="moving" d="{still}" {attrs}>'
            f'<animate attributeName="d" dur="{_n(pose["seconds"])}s" values="{ends}" keyTimes="{times}" '
            f'calcMode="spline" keySplines="{splines}" {repeat}/></path>')


def _mat(placed, view, left, right):
    """A mat under a body that works on the floor (from above, the whole ground is mat)."""
    if view == "above":
        return f'<rect x="{_n(left)}" y="{_n(-200)}" width="{_n(right - left)}" height="400" fill="{MAT}"/>'
    xs = [x for joints in placed for x, bottom, _ in joints.contacts().values() if bottom <= 3]
    if not xs:
        return ""
    return f'<rect x="{_n(min(xs) - 10)}" y="-1.5" width="{_n(max(xs) - min(xs) + 20)}" height="2.5" rx="1" fill="{MAT}"/>'


def render(pose, regions=(), mirrored=False, title="", mat=False):
    """The SVG text for ``pose`` (a dict: ``frames``, ``seconds``, ``hold``, ``key``, ``view``, ``props``
    — see pose.py); ``mat``: the exercise is done on a mat."""
    frames, key = pose["frames"], pose["frames"][pose.get("key", len(pose["frames"]) - 1)]
    view, props = pose.get("view", "side"), pose.get("props", [])
    lit = {segment for region in regions for segment in REGION_SEGMENTS.get(region, ())}
    placed = [body.kinematics(frame, view) for frame in frames]  # once per frame, for every use below
    left, right, bottom, top = _bounds(placed, props)
    if mirrored:
        left, right = -right, -left
    width, height = right - left, top - bottom
    still = _transforms(key, view)
    names = list(still)
    static = "".join(f".g-{name}{{transform:{value}}}" for name, value in still.items())
    moving = ""
    bands = [prop for prop in props if prop["kind"] == "band"]
    if len(frames) > 1:
        sequence, stops, timing = _timeline(pose)
        transforms = [_transforms(frame, view) for frame in sequence]  # once per frame, not once per group
        moving = "".join(_keyframes(name, transforms, [100 * stop for stop in stops]) for name in names)
        moving += "".join(f".g-{name}{{animation:k-{name} {timing}}}" for name in names)
        if bands:
            moving += ".still{display:none}"
        moving = f"@media (prefers-reduced-motion:no-preference){{{moving}}}"
        if bands:
            moving += "@media (prefers-reduced-motion:reduce){.moving{display:none}}"
    style = f"path{{fill:none;stroke-linecap:round}}{static}{moving}"
    flip = ' transform="scale(-1 1)"' if mirrored else ""
    label = f"<title>{escape(title)}</title>" if title else ""
    key_points = placed[pose.get("key", len(frames) - 1)].points
    scenery = "".join(prop_kinds.draw(prop, 1 if prop.get("x", 0) > key_points["pelvis"][0] else -1, _n)
                      for prop in props if prop["kind"] != "band")
    floor = "" if view == "above" else f'<path d="M{_n(left)} 0H{_n(right)}" stroke="{FLOOR}" stroke-width="1.5"/>'
    ground = _mat(placed, view, *sorted((-left, -right) if mirrored else (left, right))) if mat or view == "above" else ""
    held = "".join(_band(band, pose, placed) for band in bands)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_n(left)} {_n(-top)} {_n(width)} {_n(height)}" '
            f'role="img">{label}<style>{style}</style>{floor}'
            f'<g{flip}>{ground}{scenery}{_body(lit, FRONT_WIDTH if view == "front" else WIDTH)}{held}</g></svg>')
