"""Draws the report's PNG plots with matplotlib (Agg), from the same numbers as its tables.

Counterpart: `report`, which decides what the page says and embeds these files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from bench import stats
from bench.formatting import fmt_seconds

if TYPE_CHECKING:
    from bench.report import Report

COLORS = {
    "grpc": "#1f77b4",
    "grpc_floor": "#9ecae1",
    "grpc_floor_uv": "#c6dbef",
    "grpc_hop_floor": "#6baed6",
    "mcp": "#2ca02c",
    "mcp_floor": "#a1d99b",
    "mcp_floor_fast": "#c7e9c0",
    "jupyter": "#ff7f0e",
    "fresh": "#d62728",
    "fresh_sage": "#ff9896",
    "inprocess": "#7f7f7f",
}
DPI = 110


def _seconds_label(value: float, _position: int = 0) -> str:
    if value <= 0:
        return "0"
    if value < 1e-3:
        return f"{value * 1e6:g} µs"
    if value < 1:
        return f"{value * 1e3:g} ms"
    return f"{value:g} s"


def _save(figure: Any, path: Path) -> None:
    figure.tight_layout()
    figure.savefig(path, dpi=DPI)
    plt.close(figure)


def _time_axis(axis: Any) -> None:
    axis.set_xscale("log")
    axis.xaxis.set_major_formatter(FuncFormatter(_seconds_label))
    axis.grid(axis="x", which="major", alpha=0.3)


def _bars(
    path: Path,
    title: str,
    rows: Sequence[tuple[str, str, list[float]]],
    note: str = "",
) -> None:
    """Horizontal p50 bars, log scale, with the p99 marked; rows are (key, label, samples)."""
    rows = [row for row in rows if row[2]]
    if not rows:
        return
    figure, axis = plt.subplots(figsize=(9.5, 0.55 * len(rows) + 1.4))
    labels = [label for _, label, _ in rows]
    medians = [stats.p50(samples) for _, _, samples in rows]
    tails = [stats.p99(samples) for _, _, samples in rows]
    positions = list(range(len(rows)))[::-1]
    axis.barh(positions, medians, color=[COLORS.get(key, "#555555") for key, _, _ in rows])
    axis.scatter(tails, positions, marker="|", s=200, color="black", label="p99", zorder=3)
    for y, value, tail in zip(positions, medians, tails, strict=True):
        axis.annotate(
            f"p50 {fmt_seconds(value)}",
            (max(value, tail), y),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    low = min(min(medians), min(tails))
    axis.set_xlim(low / 2, max(tails) * 8)
    axis.set_yticks(positions, labels)
    _time_axis(axis)
    axis.set_title(title + (f"\n{note}" if note else ""), fontsize=10)
    axis.legend(loc="lower right", fontsize=8)
    _save(figure, path)


def draw_all(report: Report, directory: Path) -> None:
    for stale in directory.glob("*.png"):
        stale.unlink()
    _one_plus_one(report, directory)
    _cdf(report, directory)
    _workloads(report, directory)
    _creation(report, directory)
    _throughput(report, directory)
    _memory(report, directory)
    _interrupts(report, directory)


def _rows(report: Report, workload: str) -> list[tuple[str, str, list[float]]]:
    rows = []
    for system in report.systems_for(workload):
        series = report.series(workload, system)
        if series is not None:
            rows.append((system, report.label(system, series), series.samples))
    return rows


def _one_plus_one(report: Report, directory: Path) -> None:
    _bars(
        directory / "one_plus_one.png",
        "Evaluate `1+1` on a warm session: p50 (bar) and p99 (tick)",
        _rows(report, "eval_1plus1"),
        "log scale; lower is better",
    )


def _cdf(report: Report, directory: Path) -> None:
    figure, axis = plt.subplots(figsize=(8, 4.2))
    drawn = False
    for system in ("grpc_floor", "grpc", "mcp_floor", "mcp", "jupyter"):
        series = report.series("eval_1plus1", system)
        if series is None:
            continue
        samples = sorted(series.samples)
        fractions = [(i + 1) / len(samples) for i in range(len(samples))]
        axis.step(
            samples,
            fractions,
            where="post",
            color=COLORS[system],
            label=report.label(system),
            linestyle="--" if system.endswith("_floor") else "-",
        )
        drawn = True
    if not drawn:
        plt.close(figure)
        return
    _time_axis(axis)
    axis.set_ylabel("fraction of calls")
    axis.set_ylim(0, 1.01)
    axis.set_title("Evaluate `1+1`: distribution of latencies (floors dashed)", fontsize=10)
    axis.legend(fontsize=8, loc="lower right")
    _save(figure, directory / "one_plus_one_cdf.png")


def _workloads(report: Report, directory: Path) -> None:
    workloads = [
        ("factor", "factor(2^199 - 1)"),
        ("integrate", "integrate(x^2*sin(x), x)"),
        ("print_first", "printing loop:\nfirst output"),
        ("print", "printing loop:\nend"),
        ("plot", "plot, PNG back"),
    ]
    systems = ["grpc", "mcp", "jupyter", "fresh", "inprocess"]
    present = [s for s in systems if any(report.series(w, s) for w, _ in workloads)]
    if not present:
        return
    figure, axis = plt.subplots(figsize=(9, 6.5))
    height = 0.8 / len(present)
    for index, system in enumerate(present):
        values = [report.p50(w, system) for w, _ in workloads]
        positions = [
            len(workloads) - 1 - w + (len(present) / 2 - index - 0.5) * height
            for w in range(len(workloads))
        ]
        kept = [(p, v) for p, v in zip(positions, values, strict=True) if not math.isnan(v)]
        axis.barh(
            [p for p, _ in kept],
            [v for _, v in kept],
            height=height,
            color=COLORS[system],
            label=report.label(system),
        )
    axis.set_yticks(range(len(workloads))[::-1], [title for _, title in workloads])
    _time_axis(axis)
    axis.set_title("p50 latency per workload (log scale; lower is better)", fontsize=10)
    axis.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=3)
    _save(figure, directory / "workloads.png")


def _creation(report: Report, directory: Path) -> None:
    rows = _rows(report, "create")
    burst = report.series("create_burst", "grpc")
    if burst is not None:
        rows.insert(1, ("grpc", f"{report.label('grpc')},\nback to back", burst.samples))
    _bars(
        directory / "session_creation.png",
        "New session / kernel / process until usable: p50 (bar) and p99 (tick)",
        [(key, _short_label(label), samples) for key, label, samples in rows],
        "log scale; lower is better",
    )


def _short_label(label: str) -> str:
    """A table label short enough for a plot's axis."""
    label = label.replace("`", "")
    if label.startswith("cold python -c"):
        return "cold python -c (import Sage, 1+1)"
    if label.startswith("cold sage -c"):
        return "cold sage -c (1+1)"
    return label


def _throughput(report: Report, directory: Path) -> None:
    counts = report._throughput_counts()
    if not counts:
        return
    figure, axis = plt.subplots(figsize=(9.5, 4.5))
    for system in ("grpc_floor", "grpc", "mcp_floor", "mcp", "jupyter"):
        rates = [report.p50(f"throughput_{n}", system) for n in counts]
        if all(math.isnan(rate) for rate in rates):
            continue
        axis.plot(
            counts,
            rates,
            marker="o",
            color=COLORS[system],
            label=report.label(system),
            linestyle="--" if system.endswith("_floor") else "-",
        )
    axis.set_xscale("log", base=2)
    axis.set_xticks(counts, [str(n) for n in counts])
    axis.set_yscale("log")
    axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_xlabel("concurrent sessions, one caller each")
    axis.set_ylabel("`1+1` evaluations per second")
    axis.grid(alpha=0.3)
    axis.set_title("Throughput (floors dashed; higher is better)", fontsize=10)
    axis.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _save(figure, directory / "throughput.png")


def _memory(report: Report, directory: Path) -> None:
    ours = report.series("idle_uss", "grpc")
    kernels = report.series("idle_uss", "jupyter")
    if ours is None:
        return
    fixed = float(ours.notes.get("fixed_uss_bytes", 0.0))
    mcp_fixed = float(ours.notes.get("mcp_server_uss_bytes", 0.0))
    per = stats.p50(ours.samples)
    counts = list(range(0, 33))
    figure, axis = plt.subplots(figsize=(8, 4.5))
    axis.plot(
        counts,
        [(fixed + n * per) / 1e9 for n in counts],
        color=COLORS["grpc"],
        label=f"{report.label('grpc')}: {fixed / 1e6:.0f} MB fixed + {per / 1e6:.1f} MB/session",
    )
    if mcp_fixed:
        axis.plot(
            counts,
            [(fixed + mcp_fixed + n * per) / 1e9 for n in counts],
            color=COLORS["mcp"],
            linestyle=":",
            label=f"{report.label('mcp')}: {mcp_fixed / 1e6:.0f} MB more",
        )
    if kernels is not None:
        kernel = stats.p50(kernels.samples)
        axis.plot(
            counts,
            [n * kernel / 1e9 for n in counts],
            color=COLORS["jupyter"],
            label=f"{report.label('jupyter')}: {kernel / 1e6:.0f} MB/kernel",
        )
    measured = len(ours.samples)
    axis.axvline(measured, color="#999999", linewidth=0.8, linestyle="--")
    axis.annotate(
        f"measured up to {measured}; beyond, extrapolated",
        (measured, 0),
        xytext=(4, 6),
        textcoords="offset points",
        fontsize=8,
        color="#666666",
    )
    axis.set_xlabel("idle sessions")
    axis.set_ylabel("private memory, USS (GB)")
    axis.grid(alpha=0.3)
    axis.set_title("Memory held by idle sessions (lower is better)", fontsize=10)
    axis.legend(fontsize=8, loc="upper left")
    _save(figure, directory / "memory.png")


def _interrupts(report: Report, directory: Path) -> None:
    systems = report.systems_for("interrupt_python")
    if not systems:
        return
    kinds = [("interrupt_python", "Python loop"), ("interrupt_pari", "PARI factor")]
    figure, axis = plt.subplots(figsize=(8, 0.9 * len(systems) + 1.4))
    height = 0.38
    for offset, (workload, title) in enumerate(kinds):
        positions = [len(systems) - 1 - i + (0.5 - offset) * height for i in range(len(systems))]
        values = [report.p50(workload, system) for system in systems]
        kept = [(p, v) for p, v in zip(positions, values, strict=True) if not math.isnan(v)]
        axis.barh(
            [p for p, _ in kept],
            [v for _, v in kept],
            height=height,
            color=[
                COLORS.get(s, "#555555")
                for s, v in zip(systems, values, strict=True)
                if not math.isnan(v)
            ],
            alpha=1.0 if offset == 0 else 0.55,
            hatch="" if offset == 0 else "//",
            label=title,
        )
    axis.axvline(0.020, color="black", linewidth=0.8, linestyle="--")
    axis.annotate(
        "20 ms target",
        (0.020, len(systems) - 0.5),
        fontsize=8,
        xytext=(3, 0),
        textcoords="offset points",
    )
    axis.set_yticks(range(len(systems))[::-1], [report.label(s) for s in systems])
    _time_axis(axis)
    axis.set_title(
        "Interrupt until the caller knows the code stopped, p50\n"
        "(solid: Python loop, hatched: PARI; log scale; lower is better)",
        fontsize=10,
    )
    _save(figure, directory / "interrupt.png")
