"""The raw results of one bench run, and their JSON form in `bench/results/`.

Counterpart: `report`, which renders `docs/benchmarks.md` and the plots from this alone, so
the document can always be regenerated from a results file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Series:
    """Samples of one workload on one system, grouped by round."""

    workload: str
    system: str
    unit: str  # "s", "bytes" or "evals/s"
    rounds: list[list[float]] = field(default_factory=list)
    label: str = ""  # overrides the system's label in tables, e.g. "cold `sage -c`"
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def samples(self) -> list[float]:
        return [sample for round_ in self.rounds for sample in round_]


@dataclass
class Skipped:
    workload: str
    system: str
    reason: str


@dataclass
class Results:
    machine: dict[str, str]
    command: str
    started: str
    config: dict[str, Any]
    labels: dict[str, str] = field(default_factory=dict)  # system key -> label
    series: list[Series] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, series: Series) -> Series:
        self.series.append(series)
        return series

    def find(self, workload: str, system: str) -> Series | None:
        for series in self.series:
            if series.workload == workload and series.system == system:
                return series
        return None

    def skip(self, workload: str, system: str, reason: str) -> None:
        self.skipped.append(Skipped(workload, system, reason))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> Results:
        raw = json.loads(path.read_text())
        raw["series"] = [Series(**s) for s in raw["series"]]
        raw["skipped"] = [Skipped(**s) for s in raw["skipped"]]
        return cls(**raw)
