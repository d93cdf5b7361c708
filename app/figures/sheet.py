"""Every figure's keyframes in one labelled grid, drawn by headless Chromium, for people to look at
(`flask --app wsgi catalog figures --sheet FILE.png`). Needs requirements-dev.txt (Playwright)."""
import base64
from html import escape
from pathlib import Path

from . import pose as poses
from . import render

CELL = 150  # px: about a thumbnail on a phone


def page(exercises):
    """The sheet as HTML: a row per exercise, each keyframe still, then the figure mirrored."""
    rows = []
    for ex in exercises:
        pose = poses.read(ex.pose)
        cells = []
        for number, frame in enumerate(pose["frames"]):
            still = render.render(dict(pose, frames=[frame], key=0), ex.targets, mat="mat" in ex.equipment)
            cells.append(_cell(still, f"frame {number}" + (" (key)" if number == pose["key"] else "")))
        cells.append(_cell(render.render(dict(pose, frames=[pose["frames"][pose["key"]]], key=0), ex.targets,
                                         mirrored=True, mat="mat" in ex.equipment), "left side"))
        rows.append(f'<section><h2>{escape(ex.name)} <small>{escape(ex.id)} · {escape(ex.position)} · {pose["view"]} · '
                    f'{"hold" if pose["hold"] else "moving"} {pose["seconds"]:g} s</small></h2>{"".join(cells)}'
                    '</section>')
    style = ("body{font:13px system-ui,sans-serif;margin:12px;display:grid;gap:0 24px;"
             "grid-template-columns:repeat(auto-fill,minmax(790px,1fr))}section{break-inside:avoid;margin-bottom:10px}"
             "h2{font-size:14px;margin:0 0 4px}small{color:#64748b;font-weight:normal}"
             f"figure{{display:inline-block;margin:0 6px 0 0;text-align:center}}img{{width:{CELL}px;"
             f"height:{CELL}px;border:1px solid #e2e8f0;border-radius:6px}}figcaption{{color:#64748b}}")
    return f"<!doctype html><meta charset=utf-8><style>{style}</style>{''.join(rows)}"


def _cell(svg, caption):
    data = base64.b64encode(svg.encode()).decode()
    return f'<figure><img alt="" src="data:image/svg+xml;base64,{data}"><figcaption>{caption}</figcaption></figure>'


def draw(exercises, path):
    from playwright.sync_api import sync_playwright  # deliberately here: a development tool

    with sync_playwright() as p:
        chromium = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        # One column for a few figures; for the whole catalog four, so the picture stays a sane height.
        width = 900 if len(exercises) <= 16 else 3280
        sheet = browser.new_page(viewport={"width": width, "height": 600}, reduced_motion="reduce")
        sheet.set_content(page(exercises))
        sheet.screenshot(path=str(path), full_page=True)
        browser.close()
