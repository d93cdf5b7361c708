"""Draw every posed exercise's figure (both sides) from the shipped catalog, and weigh them.

Last line: figures count=N max_gz_bytes=… total_gz_kb=… render_ms=… load_ms=…  (render_ms: the whole
catalog's SVGs once, both sides, median of 5 rounds; load_ms, the baseline measured in the same run:
reading and checking the whole catalog, poses included, as `catalog load` and every process start do.
The issue's budget is 4 KB gzipped each, 400 KB in all.)
"""
import gzip
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.catalog.data import load_file  # noqa: E402
from app.figures import pose as poses  # noqa: E402
from app.figures import render  # noqa: E402


def draw_all(posed):
    return [render.render(poses.read(ex.pose), ex.targets, mirrored=side, title=ex.name, mat="mat" in ex.equipment)
            for ex in posed for side in (False, True)]


def median_ms(work, rounds=5):
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main():
    posed = [ex for ex in load_file() if ex.pose]
    load_ms = median_ms(load_file)
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        drawn = draw_all(posed)
        rounds.append((time.perf_counter() - started) * 1000)
    sizes = [len(gzip.compress(svg.encode())) for svg in drawn[::2]]  # one side each: the other is the same size
    print(f"figures count={len(posed)} max_gz_bytes={max(sizes)} total_gz_kb={sum(sizes) / 1024:.1f} "
          f"render_ms={statistics.median(rounds):.1f} load_ms={load_ms:.1f}")


if __name__ == "__main__":
    main()
