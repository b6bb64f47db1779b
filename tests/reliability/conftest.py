"""Fixtures of the reliability suite, and the hook that records each test's figures.

Every test here leaves `build/reliability/<test>.json`: its outcome, its duration, whether it
is part of the CI run, and what it measured (the `figures` fixture). The report script renders
those files into docs/reliability.md, so the document shows what a run measured, failures too.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Generator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tests.reliability.support import RESULTS

# No example database in the work tree, and no per-example deadline: examples are real RPCs.
settings.register_profile(
    "sidecar",
    database=None,
    deadline=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("sidecar")

_FIGURES = pytest.StashKey[dict[str, object]]()
_OUTCOME = pytest.StashKey[tuple[str, float, str]]()


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> dict[str, object]:
    """What the test measured, by name; written to its result file even when it fails."""
    measured: dict[str, object] = {}
    request.node.stash[_FIGURES] = measured
    return measured


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call" or (report.when == "setup" and not report.passed):
        item.stash[_OUTCOME] = (report.outcome, report.duration, _reason(report))
    if report.when == "teardown" and _OUTCOME in item.stash:
        _write_result(item)
    return report


def _reason(report: pytest.TestReport) -> str:
    if report.passed:
        return ""
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message).splitlines()[0][:400]
    if isinstance(report.longrepr, tuple):  # a skip: (file, line, reason)
        return str(report.longrepr[2])[:400]
    return str(report.longrepr).splitlines()[-1][:400]


def _write_result(item: pytest.Item) -> None:
    outcome, duration, reason = item.stash[_OUTCOME]
    function = getattr(item, "function", None)
    doc = (function.__doc__ or "").strip().split("\n\n")[0] if function else ""
    result: dict[str, Any] = {
        "nodeid": item.nodeid,
        "module": item.nodeid.split("::")[0],
        "line": item.location[1],
        "name": item.name,
        "doc": " ".join(doc.split()),
        "slow": item.get_closest_marker("slow") is not None,
        "outcome": outcome,
        "reason": reason,
        "duration": round(duration, 2),
        "figures": item.stash.get(_FIGURES, {}),
        "finished_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1, default=str) + "\n")
