"""Render the reliability suite's results into docs/reliability.md.

    python -m tests.reliability.report           # rewrite the results section
    python -m tests.reliability.report --check   # fail if it is not what the results say

Reads the `build/reliability/*.json` files the suite's conftest writes, one per test, and
replaces what lies between the results markers in docs/reliability.md. Nothing is typed in by
hand: a figure in that section comes from a run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from tests.reliability.support import RESULTS, ROOT

DOC = ROOT / "docs" / "reliability.md"
BEGIN, END = "<!-- results -->", "<!-- /results -->"
SECTIONS = {
    "tests/reliability/test_interop.py": "gRPC interop cases and size limits",
    "tests/reliability/test_faults.py": "Faults",
    "tests/reliability/test_bombs.py": "Bombs",
    "tests/reliability/test_attacks.py": "Attacks",
    "tests/reliability/test_fuzz.py": "Fuzzing",
    "tests/reliability/test_load.py": "Load",
}
_MARKS = {"passed": "passed", "failed": "**FAILED**", "skipped": "skipped"}


def load(results: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text()) for path in sorted(results.glob("*.json"))]


def _value(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value(v)}" for k, v in value.items()) or "none"
    if isinstance(value, list):
        return "; ".join(_value(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return " ".join(str(value).split())


def _cell(text: str, limit: int = 220) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("|", "\\|")


def _case(result: dict[str, Any]) -> str:
    name = result["name"].removeprefix("test_").replace("_", " ")
    doc = result["doc"] or name
    return f"{_cell(doc, 400)}<br>`{result['name']}`"


def _measured(result: dict[str, Any]) -> str:
    figures = result["figures"]
    parts = [f"{key}: {_value(value)}" for key, value in figures.items()]
    text = _cell("; ".join(parts), 600) if parts else ""
    if result["outcome"] != "passed" and result["reason"]:
        text += ("<br>" if text else "") + f"*{_cell(result['reason'], 300)}*"
    return text


def render(results: list[dict[str, Any]]) -> str:
    if not results:
        return "No results yet: run `make test-reliability`.\n"
    by_module: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        by_module[result["module"]].append(result)
    outcomes = [r["outcome"] for r in results]
    ci = [r for r in results if not r["slow"]]
    slow = [r for r in results if r["slow"]]
    when = max(r["finished_at"] for r in results)
    lines = [
        f"Run finished {when}: {len(results)} cases, {outcomes.count('passed')} passed, "
        f"{outcomes.count('failed')} failed, {outcomes.count('skipped')} skipped. "
        f"The CI part's cases took {sum(r['duration'] for r in ci):.0f} s and the slow ones "
        f"{sum(r['duration'] for r in slow):.0f} s (test bodies, without sidecar start-ups "
        "shared by a module).",
        "",
    ]
    for module in sorted(by_module, key=lambda m: list(SECTIONS).index(m) if m in SECTIONS else 99):
        lines += [
            f"### {SECTIONS.get(module, module)}",
            "",
            f"Reproduce: `.venv/bin/python -m pytest {module} -m ''` (one case: add `-k <name>`).",
            "",
            "| Case | CI | Result | Measured |",
            "| --- | --- | --- | --- |",
        ]
        for result in sorted(by_module[module], key=lambda r: (r["line"], r["nodeid"])):
            mark = _MARKS.get(result["outcome"], result["outcome"])
            lines.append(
                f"| {_case(result)} | {'slow' if result['slow'] else 'yes'} | "
                f"{mark} ({result['duration']:.1f} s) | {_measured(result)} |"
            )
        lines.append("")
    return "\n".join(lines)


def rewrite(document: str, section: str) -> str:
    head, rest = document.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{section}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    document = DOC.read_text()
    updated = rewrite(document, render(load(args.results)))
    if args.check:
        if updated != document:
            print(f"{DOC} does not show the results in {args.results}", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
