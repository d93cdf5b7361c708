"""Each exercise's figure as served: the SVG drawn from its pose (app.figures), made once per process,
at a URL that changes when the drawing does, with the words that stand in for it."""
import functools
import hashlib
import json

from .. import vocabulary as v
from ..figures import pose as poses
from ..figures import render

SIDES = ("right", "left")  # a one-sided step's figure: the left is the right mirrored


def alt(ex):
    """The figure in words, for a screen reader: the move and the position it is done in."""
    return f"{ex.name}: the movement, {v.label(ex.position).lower()}"


@functools.lru_cache(maxsize=2048)
def _drawn(pose_json, regions, side, title):
    return render.render(poses.read(json.loads(pose_json)), regions, mirrored=side == "left", title=title)


_made = {}  # (exercise id, side) -> (the pose it was drawn from, svg, version): a page asks per figure


def _figure(ex, side):
    made = _made.get((ex.id, side))
    if made is None or made[0] is not ex.pose:  # the catalog was loaded again: draw it again
        drawn = _drawn(json.dumps(ex.pose, sort_keys=True), tuple(ex.targets), side, alt(ex))
        made = _made[(ex.id, side)] = (ex.pose, drawn, hashlib.sha256(drawn.encode()).hexdigest()[:12])
    return made


def svg(ex, side="right"):
    """The SVG text of ``ex``'s figure (it has a pose)."""
    return _figure(ex, side)[1]


def version(ex, side="right"):
    """A short hash of the drawing: the figure's URL changes with it, so it may be cached for a year."""
    return _figure(ex, side)[2]
