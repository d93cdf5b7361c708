"""One self-contained, animated SVG per exercise, from its pose (app.figures.pose).

Rounded limbs, the far side a shade lighter, the exercise's target areas in the accent colour, a
floor line; the movement as CSS keyframes inside the SVG (nested groups, one rotation per joint, so
limbs keep their length through every frame). With ``prefers-reduced-motion: reduce`` only the key
position shows, still. No script and no external reference: safe as an ``<img>``.
"""
from html import escape

from . import body

INK, FAR, ACCENT, FLOOR = "#334155", "#a3b1c2", "#0d9488", "#cbd5e1"
MIN_WIDTH, MIN_HEIGHT = 120, 118  # body units: standing tall is about 100
WIDTH = {"lower_back": 13, "upper_back": 14, "neck": 6, "upper_arm": 7, "forearm": 6, "thigh": 10, "shin": 8,
         "heel": 5, "foot": 5}
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


def _relative(frame, side):
    """Each group's rotation against its parent, for one frame (degrees, SVG turns clockwise)."""
    limb = frame[side]
    return {f"{side}_arm": 180 - limb["shoulder"], f"{side}_forearm": -limb["elbow"],
            f"{side}_thigh": 180 - limb["hip"], f"{side}_shin": limb["knee"], f"{side}_foot": -90 - limb["ankle"]}


def _transforms(frame):
    """group name -> CSS transform for one frame."""
    rotation = {"lower": frame["trunk"], "upper": frame["spine"], "head": frame["neck"]}
    for side in body.SIDES:
        rotation.update(_relative(frame, side))
    offset = {"lower": None, "upper": body.LENGTH["lower_back"], "head": body.LENGTH["upper_back"]}
    for side in body.SIDES:
        offset.update({f"{side}_arm": body.LENGTH["upper_back"], f"{side}_forearm": body.LENGTH["upper_arm"],
                       f"{side}_thigh": 0, f"{side}_shin": body.LENGTH["thigh"],
                       f"{side}_foot": body.LENGTH["shin"] + body.LENGTH["heel"]})
    out = {"root": f"translate({_n(frame['pelvis'][0])}px,{_n(-frame['pelvis'][1])}px)"}
    for name, angle in rotation.items():
        shift = f"translate(0,{_n(-offset[name])}px) " if offset[name] else ""
        out[name] = f"{shift}rotate({_n(angle)}deg)"
    return out


def _segment(name, length, colour):
    return f'<path d="M0 0V{_n(-length)}" stroke="{colour}" stroke-width="{WIDTH[name]}"/>'


def _limb_colour(side, part, lit):
    return ACCENT if part in lit else (FAR if side == "far" else INK)


def _body(lit):
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
             f'{_segment("upper_back", L["upper_back"], ACCENT if "upper_back" in lit else INK)}{head}{arm("near")}</g>')
    return (f'<g class="g-root"><g class="g-lower">{leg("far")}'
            f'{_segment("lower_back", L["lower_back"], ACCENT if "lower_back" in lit else INK)}'
            f'{upper}{leg("near")}</g></g>')


def _bounds(frames):
    xs, ys = [], []
    for frame in frames:
        joints = body.kinematics(frame)
        for x, y in joints.points.values():
            xs.append(x)
            ys.append(y)
    pad = 9
    left, right, bottom, top = min(xs) - pad, max(xs) + pad, min(min(ys), 0) - 3, max(ys) + pad
    # One scale for every figure, whatever its shape: a crouch is drawn as small as it is, not blown up.
    grow = max(0.0, MIN_WIDTH - (right - left)) / 2
    return left - grow, right + grow, bottom, max(top, bottom + MIN_HEIGHT)


def _keyframes(name, transforms, stops):
    """One group's keyframes; ``transforms`` is _transforms() of each frame, in order."""
    steps = " ".join(f"{_n(stop)}%{{transform:{frame[name]}}}" for stop, frame in zip(stops, transforms))
    return f"@keyframes k-{name}{{{steps}}}"


def render(pose, regions=(), mirrored=False, title=""):
    """The SVG text for ``pose`` (a dict: ``frames``, ``seconds``, ``hold``, ``key`` — see pose.py)."""
    frames, key = pose["frames"], pose["frames"][pose.get("key", len(pose["frames"]) - 1)]
    lit = {segment for region in regions for segment in REGION_SEGMENTS.get(region, ())}
    left, right, bottom, top = _bounds(frames)
    if mirrored:
        left, right = -right, -left
    width, height = right - left, top - bottom
    names = list(_transforms(key))
    static = "".join(f".g-{name}{{transform:{value}}}" for name, value in _transforms(key).items())
    moving = ""
    if len(frames) > 1:
        if pose.get("hold"):  # ease into the position over a breath, then stay
            stops = [30 * i / (len(frames) - 1) for i in range(len(frames))] + [100]
            sequence = frames + [frames[-1]]
            timing = f"{_n(pose['seconds'])}s ease-in-out 1 forwards"
        else:  # a cycle at the movement's own tempo, back to the start
            sequence = frames + [frames[0]]
            stops = [100 * i / len(frames) for i in range(len(frames) + 1)]
            timing = f"{_n(pose['seconds'])}s ease-in-out infinite"
        transforms = [_transforms(frame) for frame in sequence]  # once per frame, not once per group
        moving = "".join(_keyframes(name, transforms, stops) for name in names)
        moving += "".join(f".g-{name}{{animation:k-{name} {timing}}}" for name in names)
        moving = f"@media (prefers-reduced-motion:no-preference){{{moving}}}"
    style = f"path{{fill:none;stroke-linecap:round}}{static}{moving}"
    flip = ' transform="scale(-1 1)"' if mirrored else ""
    label = f"<title>{escape(title)}</title>" if title else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_n(left)} {_n(-top)} {_n(width)} {_n(height)}" '
            f'role="img">{label}<style>{style}</style>'
            f'<path d="M{_n(left)} 0H{_n(right)}" stroke="{FLOOR}" stroke-width="1.5"/>'
            f'<g{flip}>{_body(lit)}</g></svg>')
