"""Time deterministic routine generation over a grid of realistic requests.

Runs on the shipped catalog and on a 1,000-exercise catalog (the shipped one plus varied
copies) in the same run, so the second figure is the baseline's scaling, not a guess.
Last line: engine p50_us=… p99_us=… catalog=… large_p50_us=… large_p99_us=… large_catalog=…
"""
import dataclasses
import itertools
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import vocabulary as v  # noqa: E402
from app.catalog.data import load_file  # noqa: E402
from app.routines.data import RoutineRequest  # noqa: E402
from app.routines.engine import build_routine  # noqa: E402


def grid():
    conditions = [frozenset(), frozenset({"knee"}), frozenset({"lower_back", "hypertension"}), frozenset({"pregnancy"})]
    equipment = [frozenset(), frozenset({"mat", "band"}), frozenset(v.EQUIPMENT)]
    for seed, (kind, minutes, activity, level, cond, kit) in enumerate(itertools.product(
            v.KINDS, (5, 8, 15, 30), ("running", "football", "desk", "strength_lower"), v.LEVELS, conditions, equipment)):
        yield RoutineRequest(kind=kind, minutes=minutes, activity=activity, level=level, conditions=cond,
                             equipment=kit, age=70 if seed % 7 == 0 else 35, screening_positive=seed % 5 == 0, seed=seed)


def enlarged(catalog, size, rng):
    out = list(catalog)
    regions = list(v.REGIONS)
    while len(out) < size:
        ex = rng.choice(catalog)
        out.append(dataclasses.replace(
            ex, id=f"{ex.id}-v{len(out)}", name=f"{ex.name} (variation {len(out)})",
            targets=tuple(dict.fromkeys(ex.targets + (rng.choice(regions),))),
            activities=tuple(dict.fromkeys(ex.activities + (rng.choice(v.ACTIVITIES),))),
            default_seconds=max(10, ex.default_seconds + rng.choice((-5, 0, 5)))))
    return sorted(out, key=lambda ex: ex.id)


def measure(catalog, requests):
    for request in requests[:50]:  # warm up
        build_routine(request, catalog)
    times = []
    for request in requests:
        start = time.perf_counter_ns()
        build_routine(request, catalog)
        times.append((time.perf_counter_ns() - start) / 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def main():
    shipped = load_file()
    large = enlarged(shipped, 1000, random.Random(1))
    requests = list(grid())
    p50, p99 = measure(shipped, requests)
    large_p50, large_p99 = measure(large, requests)
    print(f"requests per catalog: {len(requests)}; budget on the shipped catalog: p50 <= 1000 us, p99 <= 5000 us")
    print(f"engine p50_us={p50:.0f} p99_us={p99:.0f} catalog={len(shipped)} "
          f"large_p50_us={large_p50:.0f} large_p99_us={large_p99:.0f} large_catalog={len(large)}")


if __name__ == "__main__":
    main()
