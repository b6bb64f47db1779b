"""`python -m bench` (or `make bench`): measure every system, then write the report.

Writes the raw results to `bench/results/<time>.json` and `bench/results/latest.json`, then
renders `docs/benchmarks.md` and `docs/benchmarks/*.png` from them. With `--render FILE`,
only re-renders the report from a results file.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench import machine, report
from bench.processes import stop_all
from bench.results import RESULTS_DIR, Results
from bench.workloads import Config, run_bench

log = logging.getLogger("bench")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run with few repetitions; writes results but not docs/benchmarks.md",
    )
    parser.add_argument(
        "--render", type=Path, metavar="RESULTS_JSON", help="only render the report from a file"
    )
    return parser.parse_args(argv)


async def _run(config: Config, results: Results) -> None:
    """Run the bench; SIGTERM or Ctrl-C cancels it, and its `finally` blocks stop everything."""
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, task.cancel)
    await run_bench(config, results)


@contextlib.contextmanager
def _one_temporary_directory() -> Iterator[None]:
    """Every process the bench starts (servers, kernels, cold starts) keeps its temporary
    files in one directory, removed at the end: a Jupyter kernel killed at shutdown leaves
    Sage's temporary directory behind, and a sidecar its workers' scratch parent."""
    directory = tempfile.mkdtemp(prefix="sage-bench-")
    os.chmod(directory, 0o1777)  # a root sidecar's workers each have a uid of their own
    previous = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = tempfile.tempdir = directory
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous
        tempfile.tempdir = None
        shutil.rmtree(directory, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    if args.render is not None:
        report.render(Results.load(args.render))
        return 0
    config = Config.quick() if args.quick else Config()
    started = datetime.datetime.now(datetime.UTC)
    results = Results(
        machine=machine.describe(),
        command="make bench" if not args.quick else "python -m bench --quick",
        started=started.isoformat(timespec="seconds"),
        config=config.as_dict(),
    )
    began = time.monotonic()
    try:
        with _one_temporary_directory():
            try:
                asyncio.run(_run(config, results))
            finally:
                stop_all()
    except asyncio.CancelledError:
        log.error("bench stopped by a signal; everything it started has been stopped")
        return 1
    finally:
        results.seconds = time.monotonic() - began
        stamp = started.strftime("%Y%m%dT%H%M%SZ")
        for path in (RESULTS_DIR / f"{stamp}.json", RESULTS_DIR / "latest.json"):
            results.save(path)
        log.info("results written to %s", RESULTS_DIR / f"{stamp}.json")
    if args.quick:
        report.render(results, out=RESULTS_DIR / "quick" / "benchmarks.md")
    else:
        report.render(results)
    log.info("bench took %.0f s", results.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
