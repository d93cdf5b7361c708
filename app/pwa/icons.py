"""Draw the PNG icons from the project's SVGs with headless Chromium (`flask --app wsgi pwa icons`).

The PNGs are committed; run this again after changing an SVG. Needs requirements-dev.txt
(Playwright) and a Chromium.
"""
from pathlib import Path

# file name -> (source SVG, size in px). Maskable and Apple icons are full-bleed squares.
ICONS = {
    "icon-192.png": ("icon.svg", 192),
    "icon-512.png": ("icon.svg", 512),
    "maskable-512.png": ("maskable.svg", 512),
    "apple-touch-icon.png": ("maskable.svg", 180),
}


def draw(folder):
    from playwright.sync_api import sync_playwright

    folder = Path(folder)
    with sync_playwright() as p:
        chromium = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for name, (source, size) in ICONS.items():
            page = browser.new_page(viewport={"width": size, "height": size})
            svg = (folder / source).read_text()
            page.set_content(f'<style>html,body{{margin:0;background:transparent}}svg{{display:block;width:{size}px;'
                             f'height:{size}px}}</style>{svg}')
            page.screenshot(path=str(folder / name), omit_background=True)
            page.close()
        browser.close()
    return list(ICONS)
