"""Run every benchmark module (or those named on the command line) and print their figures."""

from __future__ import annotations

import importlib
import sys
import time

MODULES = ["bench_live", "bench_ble", "bench_pmd", "bench_web", "bench_store", "bench_fanout", "bench_signal",
           "bench_synchrony",
           "bench_chest", "relax", "tried", "pace_finder", "chest_accuracy"]


def main(argv: list[str]) -> int:
    names = argv or MODULES
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"== {name}: {module.__doc__.strip().splitlines()[0] if module.__doc__ else ''}")
        started = time.perf_counter()
        module.run()
        print(f"   ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
