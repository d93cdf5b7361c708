"""Each exercise's figure as served: the SVG drawn from its pose (app.figures), made once per process,
at a URL that changes when the drawing does, with the words that stand in for it."""
import functools
import hashlib
import json

from .. import vocabulary as v
from ..figures import pose as poses
from ..figures import render

SIDES = ("right", "left")  # a one-sided step's figure: the left is the right mirrored


# How the figure shows the body, in words: the position each exercise is done in.
POSITION_WORDS = {"standing": "standing", "seated": "sitting", "supine": "lying on the back",
                  "prone": "lying face down", "kneeling": "kneeling", "quadruped": "on hands and knees",
                  "side_lying": "lying on one side"}
PROP_WORDS = {"wall": "a wall", "chair": "a chair", "step": "a step", "band": "a band",
              "foam_roller": "a foam roller"}


def alt(ex, side="right"):
    """The figure in words, for a screen reader: the move, the position, what it uses and the side."""
    stance = "on one leg" if ex.stance == "single_leg" else POSITION_WORDS.get(ex.position, v.label(ex.position).lower())
    props = [PROP_WORDS[item] for item in ex.equipment if item in PROP_WORDS]
    using = f", with {' and '.join(props)}" if props else ""
    sided = f", {side} side" if ex.unilateral else ""
    return f"Figure of {ex.name}: {stance}{using}{sided}"


@functools.lru_cache(maxsize=2048)
def _drawn(pose_json, regions, side, title, mat):
    return render.render(poses.read(json.loads(pose_json)), regions, mirrored=side == "left", title=title,
                         mat=mat)


_made = {}  # (exercise id, side) -> (the pose it was drawn from, svg, version): a page asks per figure


def _figure(ex, side):
    made = _made.get((ex.id, side))
    if made is None or made[0] is not ex.pose:  # the catalog was loaded again: draw it again
        drawn = _drawn(json.dumps(ex.pose, sort_keys=True), tuple(ex.targets), side, alt(ex, side), "mat" in ex.equipment)
        made = _made[(ex.id, side)] = (ex.pose, drawn, hashlib.sha256(drawn.encode()).hexdigest()[:12])
    return made


def svg(ex, side="right"):
    """The SVG text of ``ex``'s figure (it has a pose)."""
    return _figure(ex, side)[1]


def version(ex, side="right"):
    """A short hash of the drawing: the figure's URL changes with it, so it may be cached for a year."""
    return _figure(ex, side)[2]
