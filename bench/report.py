"""Renders `docs/benchmarks.md` and its PNG plots from one results file, and nothing else.

Every number and every sentence that depends on a number comes from the results, so the
document is regenerated, never edited. Counterpart: `results` (the data) and `plots`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from bench import plots, stats
from bench.formatting import MB, NONE, TIMES, fmt_mb, fmt_ratio, fmt_seconds, fmt_speed
from bench.results import Results, Series

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"

# Table order, and the systems every table compares against.
SYSTEM_ORDER = [
    "grpc",
    "grpc_floor",
    "grpc_floor_uv",
    "grpc_hop_floor",
    "mcp",
    "mcp_floor",
    "mcp_floor_fast",
    "jupyter",
    "fresh",
    "fresh_sage",
    "inprocess",
]
SYSTEM_NOTES = {
    "grpc": "`Evaluate` on the sidecar over loopback, `grpc.aio` client, warm session.",
    "grpc_floor": "A trivial `grpc.aio` servicer that streams three canned events (no Sage), "
    "started and called exactly as the sidecar is: the least any gRPC `Evaluate` can cost here.",
    "mcp": "`sage-mcp` over stdio, in front of the same sidecar, called with the MCP SDK's "
    "`ClientSession`.",
    "grpc_floor_uv": "The same floor served as the sidecar serves: on uvloop, the event loop "
    "the sidecar runs on, with the gRPC core settings the sidecar gives itself. What the "
    "sidecar adds over gRPC itself, on the same footing.",
    "grpc_hop_floor": "That floor plus the one hop no design that keeps Sage out of the server "
    "can skip: `Evaluate` hands the cell to the session's own Sage worker process over a Unix "
    "socket, which preparses and evaluates it and answers with the value's repr. No journal, "
    "no output capture, no LaTeX, no limits: what the sidecar costs beyond this is its own "
    "per-evaluation work, not the hop.",
    "mcp_floor": "A trivial `MCPServer` tool that returns at once, over stdio, same client.",
    "mcp_floor_fast": "The same tool served as `sage-mcp` serves its tools: stdio read and "
    "written by the event loop, on uvloop.",
    "jupyter": "passagemath's `sagemath` Jupyter kernel driven by `jupyter_client`: "
    "`execute_request` until the kernel reports `idle` and the reply has arrived.",
    "fresh": "A new `python` per call that imports Sage, runs the cell and exits: what an MCP "
    "server that shells out to `sage -c` does.",
    "inprocess": "`exec` of the preparsed code in a live Sage namespace, timed inside that "
    "process: no transport at all. The floor.",
}

WORKLOAD_TITLES = {
    "eval_1plus1": "`1+1` on a warm session",
    "factor": "`factor(2^199 - 1)` (a 60-digit number)",
    "integrate": "`integrate(x^2*sin(x), x)` (Maxima)",
    "print": "Printing loop: `for i in range(5): print(i); sleep(0.02)`",
    "plot": "`plot(sin(x), (x, 0, 2*pi))`, PNG bytes back",
}


@dataclass
class Target:
    name: str
    measured: str
    threshold: str
    passed: bool | None  # None: not measured
    detail: str = ""


class Report:
    def __init__(self, results: Results) -> None:
        self.results = results

    # Lookups.

    def series(self, workload: str, system: str) -> Series | None:
        found = self.results.find(workload, system)
        return found if found is not None and found.samples else None

    def label(self, system: str, series: Series | None = None) -> str:
        if series is not None and series.label:
            return series.label
        return self.results.labels.get(system, system)

    def _cores(self) -> str:
        return self.results.machine.get("cores", "the")

    def p50(self, workload: str, system: str) -> float:
        found = self.series(workload, system)
        return stats.p50(found.samples) if found else math.nan

    def round_ratio(self, workload: str, num: str, den: str) -> float:
        """Median of per-round p50 ratios when both have the same rounds, else p50 ratio."""
        a, b = self.series(workload, num), self.series(workload, den)
        if a is None or b is None:
            return math.nan
        if len(a.rounds) == len(b.rounds) and len(a.rounds) > 1:
            return stats.median_of_ratios(a.rounds, b.rounds)
        return stats.ratio(stats.p50(a.samples), stats.p50(b.samples))

    def cpu_per_call(self, workload: str, system: str) -> dict[str, float]:
        """Median over rounds of the CPU seconds one evaluation cost, by where they went."""
        found = self.series(workload, system)
        parts = found.notes.get("cpu_per_call", {}) if found else {}
        return {part: stats.p50(rounds) for part, rounds in parts.items() if rounds}

    def systems_for(self, workload: str) -> list[str]:
        present = {s.system for s in self.results.series if s.workload == workload and s.samples}
        ordered = [k for k in SYSTEM_ORDER if k in present]
        return ordered + sorted(present - set(ordered))

    # Targets.

    def targets(self) -> list[Target]:
        found: list[Target] = []
        ratio = self.round_ratio("eval_1plus1", "grpc", "grpc_floor")
        found.append(
            _target(
                '`Evaluate("1+1")` p50 vs the bare-gRPC floor',
                ratio,
                "≤",
                1.3,
                f"{fmt_seconds(self.p50('eval_1plus1', 'grpc'))} vs "
                f"{fmt_seconds(self.p50('eval_1plus1', 'grpc_floor'))}",
            )
        )
        speedup = self.round_ratio("eval_1plus1", "jupyter", "grpc")
        found.append(
            _target(
                '`Evaluate("1+1")` p50: times faster than the Jupyter kernel',
                speedup,
                "≥",
                4,
                f"{fmt_seconds(self.p50('eval_1plus1', 'jupyter'))} vs "
                f"{fmt_seconds(self.p50('eval_1plus1', 'grpc'))}",
            )
        )
        found.append(self._mcp_target())
        create = self.p50("create", "grpc")
        found.append(
            Target(
                "`CreateSession` p50",
                fmt_seconds(create),
                "≤ 30 ms",
                None if math.isnan(create) else create <= 0.030,
            )
        )
        cold = self.p50("create", "fresh")
        faster = stats.ratio(cold, create)
        found.append(
            _target(
                "`CreateSession` p50: times faster than a cold Sage start",
                faster,
                "≥",
                40,
                f"cold start {fmt_seconds(cold)}",
            )
        )
        clone = self.series("clone", "grpc")
        found.append(
            Target(
                "`CloneSession` p50 (small namespace)",
                fmt_seconds(stats.p50(clone.samples)) if clone else NONE,
                "≤ 50 ms",
                None if clone is None else stats.p50(clone.samples) <= 0.050,
                f"p99 {fmt_seconds(stats.p99(clone.samples))}" if clone else "",
            )
        )
        most = max(
            (
                int(s.workload.split("_")[1])
                for s in self.results.series
                if s.workload.startswith("throughput_")
            ),
            default=0,
        )
        if most:
            share = self.round_ratio(f"throughput_{most}", "grpc", "grpc_floor")
            found.append(
                _target(
                    f"Throughput with {most} sessions vs the bare-gRPC floor",
                    share,
                    "≥",
                    0.7,
                    f"{self.p50(f'throughput_{most}', 'grpc'):.0f} vs "
                    f"{self.p50(f'throughput_{most}', 'grpc_floor'):.0f} evaluations/s",
                )
            )
        uss = self.series("idle_uss", "grpc")
        if uss is not None:
            p50 = stats.p50(uss.samples)
            found.append(
                Target(
                    "USS per idle session (p50)",
                    fmt_mb(p50),
                    "≤ 12 MB",
                    p50 <= 12 * MB,
                    f"max {fmt_mb(max(uss.samples))} over {len(uss.samples)} sessions",
                )
            )
        else:
            found.append(Target("USS per idle session (p50)", NONE, "≤ 12 MB", None))
        for workload, what in (("interrupt_python", "a Python loop"), ("interrupt_pari", "PARI")):
            latency = self.series(workload, "grpc")
            found.append(
                Target(
                    f"Interrupt latency (p50), {what}",
                    fmt_seconds(stats.p50(latency.samples)) if latency else NONE,
                    "≤ 20 ms",
                    None if latency is None else stats.p50(latency.samples) <= 0.020,
                    f"p99 {fmt_seconds(stats.p99(latency.samples))}" if latency else "",
                )
            )
        return found

    def _mcp_target(self) -> Target:
        name = "MCP `evaluate` p50 vs (MCP floor + gRPC floor)"
        found = self._mcp_ratio("mcp_floor", "grpc_floor")
        if found is None:
            return Target(name, NONE, f"≤ 1.3{TIMES}", None, self._skip_reason("mcp"))
        ratio, detail = found
        return _target(name, ratio, "≤", 1.3, detail)

    def _mcp_ratio(self, mcp_floor_key: str, grpc_floor_key: str) -> tuple[float, str] | None:
        """Median of per-round ratios of MCP's p50 to the sum of the two floors' p50s."""
        mcp = self.series("eval_1plus1", "mcp")
        mcp_floor = self.series("eval_1plus1", mcp_floor_key)
        grpc_floor = self.series("eval_1plus1", grpc_floor_key)
        if mcp is None or mcp_floor is None or grpc_floor is None:
            return None
        ratios = [
            stats.p50(m) / (stats.p50(f) + stats.p50(g))
            for m, f, g in zip(mcp.rounds, mcp_floor.rounds, grpc_floor.rounds, strict=False)
        ]
        detail = (
            f"{fmt_seconds(stats.p50(mcp.samples))} vs "
            f"{fmt_seconds(stats.p50(mcp_floor.samples))} + "
            f"{fmt_seconds(stats.p50(grpc_floor.samples))}"
        )
        return stats.p50(ratios), detail

    def same_footing(self) -> list[tuple[str, str, str]]:
        """The targets' comparisons against floors that run the way our servers run."""
        uv_floor = "the bare-gRPC floor served as the sidecar serves"
        hop_floor = "the gRPC floor plus a hop to a Sage worker"
        rows = self._one_plus_one_row("grpc_floor_uv", uv_floor)
        mcp = self._mcp_ratio("mcp_floor_fast", "grpc_floor_uv")
        if mcp is not None:
            rows.append(
                (
                    "MCP `evaluate` p50 vs (MCP floor served as sage-mcp serves + gRPC floor "
                    "served as the sidecar serves)",
                    fmt_ratio(mcp[0]),
                    mcp[1],
                )
            )
        rows += self._throughput_row("grpc_floor_uv", uv_floor)
        rows += self._one_plus_one_row("grpc_hop_floor", hop_floor)
        rows += self._throughput_row("grpc_hop_floor", hop_floor)
        return rows

    def _one_plus_one_row(self, floor: str, name: str) -> list[tuple[str, str, str]]:
        """The sidecar's `1+1` p50 against `floor`'s, if both ran."""
        ratio = self.round_ratio("eval_1plus1", "grpc", floor)
        if math.isnan(ratio):
            return []
        detail = (
            f"{fmt_seconds(self.p50('eval_1plus1', 'grpc'))} vs "
            f"{fmt_seconds(self.p50('eval_1plus1', floor))}"
        )
        return [(f'`Evaluate("1+1")` p50 vs {name}', fmt_ratio(ratio), detail)]

    def _throughput_row(self, floor: str, name: str) -> list[tuple[str, str, str]]:
        """The sidecar's throughput at the most sessions against `floor`'s, if both ran."""
        counts = self._throughput_counts()
        if not counts:
            return []
        workload = f"throughput_{counts[-1]}"
        share = self.round_ratio(workload, "grpc", floor)
        if math.isnan(share):
            return []
        detail = (
            f"{self.p50(workload, 'grpc'):.0f} vs {self.p50(workload, floor):.0f} evaluations/s"
        )
        return [(f"Throughput with {counts[-1]} sessions vs {name}", fmt_ratio(share), detail)]

    def _hop_split(self) -> str:
        """How much of the sidecar's `1+1` the hop to a worker explains, measured."""
        hop_ratio = self.round_ratio("eval_1plus1", "grpc_hop_floor", "grpc_floor_uv")
        ours_ratio = self.round_ratio("eval_1plus1", "grpc", "grpc_hop_floor")
        if math.isnan(hop_ratio) or math.isnan(ours_ratio):
            return ""
        ours, hop = self.p50("eval_1plus1", "grpc"), self.p50("eval_1plus1", "grpc_hop_floor")
        uv = self.p50("eval_1plus1", "grpc_floor_uv")
        return (
            " A server that does nothing but hand the cell to a Sage worker of its own and "
            "relay the value's repr (the gRPC floor plus a hop to a Sage worker) answers in "
            f"{fmt_seconds(hop)}, {fmt_ratio(hop_ratio)} the floor served as the sidecar serves "
            f"({fmt_seconds(uv)}): running the cell out of the server, with no more Sage work "
            f"than preparsing, evaluating and `repr`, costs {fmt_seconds(hop - uv)} by itself, "
            "in a socket's messages both ways and the wake-ups of one more process. "
            f"The sidecar's remaining {fmt_seconds(ours - hop)} ({fmt_ratio(ours_ratio)} that "
            "floor) is its own work per evaluation, and mostly the server's: the session's "
            "turn, its timeout and interrupt plumbing, decoding the worker's reply, the journal "
            "commit that `finished` waits for, and the events' protobuf messages. The worker's "
            "own extras (the console's display hook, `latex()`, the output pipes, the CPU and "
            "memory accounts) run while the server sends `started`, so they cost CPU more than "
            "latency."
        )

    def _skip_reason(self, system: str) -> str:
        for skipped in self.results.skipped:
            if skipped.system == system:
                return f"not measured: {skipped.reason}"
        return "not measured"

    # Sections.

    def render(self, image_dir: str) -> str:
        out: list[str] = []
        r = self.results
        out += [
            "# Benchmarks",
            "",
            "<!-- Generated by `make bench` (bench/report.py) from the bench's JSON results. "
            "Do not edit by hand: run the bench again. -->",
            "",
            "How fast is giving an agent Sage through this runtime, next to what a user would "
            "pick instead? Every figure below was measured in one run on one machine, with all "
            "systems driving the same Sage (passagemath-standard). The machine is noisy, so "
            "systems are measured in interleaved rounds and compared by ratios taken round by "
            "round.",
            "",
            f"Command: `{r.command}` (the same as `.venv/bin/python -m bench`). "
            f"Run started {r.started} and took {r.seconds / 60:.1f} minutes.",
            "",
            "## Targets",
            "",
            "| Target | Measured | Threshold | Result | Detail |",
            "| --- | --- | --- | --- | --- |",
        ]
        for target in self.targets():
            result = {True: "PASS", False: "**MISS**", None: "not measured"}[target.passed]
            out.append(
                f"| {target.name} | {target.measured} | {target.threshold} | {result} | "
                f"{target.detail} |"
            )
        footing = self.same_footing()
        if footing:
            out += [
                "",
                "The floors above are the ones the targets name: a trivial `grpc.aio` servicer "
                "on asyncio's own event loop, and a trivial `MCPServer` served by its `run()`. "
                "The sidecar and `sage-mcp` run on uvloop, set gRPC core to poll its sockets "
                "without EventEngine's threads (`sage_services.grpc_core`), and `sage-mcp` "
                "reads and writes stdio on the event loop rather than through threads; those "
                "choices make gRPC and MCP themselves cheaper, not just the runtime. The same "
                "floors given the same treatment, and that gRPC floor plus the hop to a Sage "
                "worker that any out-of-process design pays, show what the runtime adds on its "
                "own:",
                "",
                "| Comparison | Measured | Detail |",
                "| --- | --- | --- |",
                *(f"| {name} | {value} | {detail} |" for name, value, detail in footing),
            ]
        out += ["", "## The machine", "", "| | |", "| --- | --- |"]
        out += [f"| {key} | {value} |" for key, value in r.machine.items()]
        out += ["", "## The systems", ""]
        for key in SYSTEM_ORDER:
            if key in r.labels and key in SYSTEM_NOTES:
                out.append(f"- **{r.labels[key]}**: {SYSTEM_NOTES[key]}")
        out += [
            "",
            "All servers are separate processes started the same way (each in its own session, "
            "as `jupyter_client` starts kernels), on loopback, and each is waited for until "
            "ready (gRPC health `SERVING`, MCP `initialize`, kernel `kernel_info`) before any "
            "timing. Every system with state gets one untimed pass of every workload first, so "
            "first-use costs (Maxima's start, matplotlib's first figure) are not counted.",
            "",
        ]
        out += self._latency_section(image_dir)
        out += self._print_section()
        out += self._create_section(image_dir)
        out += self._durability_section()
        out += self._throughput_section(image_dir)
        out += self._memory_section(image_dir)
        out += self._interrupt_section(image_dir)
        out += self._losses_section()
        out += self._method_section()
        return "\n".join(out) + "\n"

    def _latency_table(self, workload: str, *, png: bool = False) -> list[str]:
        header = f"| System | n | p50 | p99 | {TIMES} in-process floor | vs Jupyter |"
        rule = "| --- | ---: | ---: | ---: | ---: | ---: |"
        if png:
            header += " PNG bytes |"
            rule += " ---: |"
        rows = [header, rule]
        for system in self.systems_for(workload):
            series = self.series(workload, system)
            assert series is not None
            floor = (
                f"1{TIMES}"
                if system == "inprocess"
                else fmt_ratio(self.round_ratio(workload, system, "inprocess"))
            )
            versus = (
                NONE
                if system == "jupyter"
                else fmt_speed(self.round_ratio(workload, system, "jupyter"))
            )
            row = (
                f"| {self.label(system, series)} | {len(series.samples)} | "
                f"{fmt_seconds(stats.p50(series.samples))} | "
                f"{fmt_seconds(stats.p99(series.samples))} | {floor} | {versus} |"
            )
            if png:
                row += f" {series.notes.get('png_bytes', NONE)} |"
            rows.append(row)
        return rows

    def _latency_section(self, image_dir: str) -> list[str]:
        out = ["## Evaluation latency", ""]
        out += [
            "Time from sending the code to having the whole answer (the `finished` event, the "
            f"tool result, the kernel back to `idle`). `{TIMES} in-process floor` and `vs Jupyter` "
            "are medians of per-round ratios of p50s.",
            "",
        ]
        for workload in ("eval_1plus1", "factor", "integrate", "plot"):
            if not self.systems_for(workload):
                continue
            out += [f"### {WORKLOAD_TITLES[workload]}", ""]
            out += self._latency_table(workload, png=workload == "plot")
            out.append("")
            if workload == "eval_1plus1":
                out += [
                    f"![1+1 latency by system]({image_dir}/one_plus_one.png)",
                    "",
                    f"![1+1 latency distribution]({image_dir}/one_plus_one_cdf.png)",
                    "",
                ]
        out += [f"![Latency of each workload]({image_dir}/workloads.png)", ""]
        return out

    def _print_section(self) -> list[str]:
        if not self.systems_for("print"):
            return []
        out = [
            f"### {WORKLOAD_TITLES['print']}",
            "",
            "Time to the first output chunk, and to the end. The loop prints for about 100 ms, "
            "so a system that streams shows the first line long before the end.",
            "",
            "| System | n | first output p50 | first output p99 | total p50 | total p99 |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for system in self.systems_for("print"):
            total = self.series("print", system)
            first = self.series("print_first", system)
            assert total is not None
            first_p50 = stats.p50(first.samples) if first else math.nan
            first_p99 = stats.p99(first.samples) if first else math.nan
            out.append(
                f"| {self.label(system)} | {len(total.samples)} | {fmt_seconds(first_p50)} | "
                f"{fmt_seconds(first_p99)} | {fmt_seconds(stats.p50(total.samples))} | "
                f"{fmt_seconds(stats.p99(total.samples))} |"
            )
        if self.series("print", "mcp") is not None:
            out += [
                "",
                "An MCP tool result arrives whole, so for `sage-mcp` the first output is the "
                "end of the call.",
            ]
        return [*out, ""]

    def _create_section(self, image_dir: str) -> list[str]:
        if not self.systems_for("create"):
            return []
        cold = self.p50("create", "fresh")
        out = [
            "## Session or kernel creation",
            "",
            "From asking for a new namespace to being able to use it: `CreateSession`, the MCP "
            "`create_session` tool, a Jupyter kernel start until `kernel_info` answers, a cold "
            "Sage process to its first result, a copy of the console namespace in-process. "
            "Sidecar sessions are created one every "
            f"{self.results.config.get('create_pace_seconds', 0.25) * 1000:.0f} ms, time enough "
            "for the warm pool to refill if a worker starts as fast as a fork; its p99 shows the "
            "calls that found the pool empty. The back-to-back row drains the pool on purpose.",
            "",
            "| System | n | p50 | p99 | times faster than a cold start |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        rows: list[tuple[str, Series]] = []
        for system in self.systems_for("create"):
            found = self.series("create", system)
            assert found is not None
            rows.append((self.label(system, found), found))
        burst = self.series("create_burst", "grpc")
        if burst is not None:
            rows.insert(1, (f"{self.label('grpc')}, back to back (pool drained)", burst))
        for label, series in rows:
            p50 = stats.p50(series.samples)
            out.append(
                f"| {label} | {len(series.samples)} | {fmt_seconds(p50)} | "
                f"{fmt_seconds(stats.p99(series.samples))} | {fmt_ratio(stats.ratio(cold, p50))} |"
            )
        out += ["", f"![Session creation]({image_dir}/session_creation.png)", ""]
        return out

    def _durability_section(self) -> list[str]:
        commit = self.series("journal_commit", "grpc")
        if commit is None:
            return []
        default = self.p50("durable_1plus1", "grpc")
        fsync = self.p50("durable_1plus1", "grpc_fsync")
        share = stats.p50(commit.samples) / default if default else math.nan
        out = [
            "## Durable sessions",
            "",
            "Every evaluation on a session is committed to its journal before `finished` is "
            "sent; that commit is the only durable work on a call's path. Snapshots are taken "
            "when the session rests (or at once when replaying what came since would take over "
            "a second), so a burst of calls pays for none. Restores were timed from killing a "
            "session's worker (SIGKILL) to the answer of its next evaluation, which restores "
            "the session first.",
            "",
            "| Measure | n | p50 | p99 |",
            "| --- | ---: | ---: | ---: |",
        ]
        rows: list[tuple[str, Series | None]] = [
            ("Journal commit of a `1+1` evaluation (encode, append; in-process)", commit),
            ('`Evaluate("1+1")`, journal written, no fsync (the default)',
             self.series("durable_1plus1", "grpc")),
            ('`Evaluate("1+1")`, `--journal-fsync`', self.series("durable_1plus1", "grpc_fsync")),
        ]  # fmt: skip
        for workload, how in (
            ("restore_journal", "from its journal alone (killed before any snapshot)"),
            ("restore_snapshot", "from its snapshot (killed after it rested)"),
        ):
            found = self.series(workload, "grpc")
            cells = found.notes.get("cells", "?") if found is not None else "?"
            rows.append((f"Restore of a session of {cells} small cells, {how}", found))
        rows.append(("`CloneSession`, small namespace", self.series("clone", "grpc")))
        for label, series in rows:
            if series is None:
                continue
            out.append(
                f"| {label} | {len(series.samples)} | {fmt_seconds(stats.p50(series.samples))} | "
                f"{fmt_seconds(stats.p99(series.samples))} |"
            )
        out += [
            "",
            f"The journal commit is {share:.1%} of a `1+1` call's p50 "
            f"({fmt_seconds(stats.p50(commit.samples))} of {fmt_seconds(default)}); the server "
            "writes it before the result and `finished` leave together. `--journal-fsync`, "
            "which makes a commit survive a machine crash as well as a process crash, costs "
            f"{fmt_ratio(self.round_ratio('durable_1plus1', 'grpc_fsync', 'grpc'))} on `1+1` "
            f"({fmt_seconds(fsync)} against {fmt_seconds(default)}) on this machine's disk.",
            "",
        ]
        return out

    def _throughput_counts(self) -> list[int]:
        return sorted(
            {
                int(s.workload.split("_")[1])
                for s in self.results.series
                if s.workload.startswith("throughput_")
            }
        )

    def _throughput_section(self, image_dir: str) -> list[str]:
        counts = self._throughput_counts()
        if not counts:
            return []
        out = [
            "## Concurrency: throughput",
            "",
            "`1+1` evaluations completed per second, with one caller looping on each of N "
            f"sessions for {self.results.config.get('throughput_seconds', 0):g} s, all from one "
            "client process; median over rounds. The ratio is to the bare floor of the same "
            "protocol under the same load.",
            "",
            "| System | "
            + " | ".join(f"{n} session{'s' if n != 1 else ''}" for n in counts)
            + " |",
            "| --- | " + " | ".join("---:" for _ in counts) + " |",
        ]
        floors = {"grpc": "grpc_floor", "mcp": "mcp_floor"}
        for system in self.systems_for(f"throughput_{counts[-1]}"):
            cells = []
            for n in counts:
                rate = self.p50(f"throughput_{n}", system)
                cell = NONE if math.isnan(rate) else f"{rate:.0f}/s"
                if system in floors:
                    share = self.round_ratio(f"throughput_{n}", system, floors[system])
                    cell += f" ({fmt_ratio(share)} floor)"
                cells.append(cell)
            out.append(f"| {self.label(system)} | " + " | ".join(cells) + " |")
        out += ["", f"![Throughput]({image_dir}/throughput.png)", ""]
        out += self._cpu_table(counts[-1])
        return out

    def _cpu_table(self, count: int) -> list[str]:
        workload = f"throughput_{count}"
        rows = [(s, self.cpu_per_call(workload, s)) for s in self.systems_for(workload)]
        rows = [(s, cpu) for s, cpu in rows if cpu]
        if not rows:
            return []
        out = [
            f"CPU time one evaluation cost with {count} sessions, by process (median over "
            "rounds): the client is the bench process itself; a server's children are, for "
            "the sidecar, its Sage workers and their forkserver.",
            "",
            "| System | Client | Server process | Server's children | All |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for system, cpu in rows:
            parts = [cpu.get(p, math.nan) for p in ("client", "server", "children")]
            out.append(
                f"| {self.label(system)} | "
                + " | ".join(fmt_seconds(p) for p in [*parts, sum(parts)])
                + " |"
            )
        return [*out, ""]

    def _memory_section(self, image_dir: str) -> list[str]:
        ours, kernels = self.series("idle_uss", "grpc"), self.series("idle_uss", "jupyter")
        if ours is None:
            return []
        fixed = float(ours.notes.get("fixed_uss_bytes", math.nan))
        mcp_fixed = float(ours.notes.get("mcp_server_uss_bytes", math.nan))
        out = [
            "## Memory per idle session",
            "",
            "USS (memory no other process shares) of each session's process after one `1+1`, "
            "measured with psutil. Sidecar workers are forks of a warm forkserver, so most of "
            "Sage stays shared; a Jupyter kernel is a process of its own.",
            "",
            "| System | sessions | USS p50 | USS max | fixed cost |",
            "| --- | ---: | ---: | ---: | ---: |",
            f"| {self.label('grpc')} | {len(ours.samples)} | {fmt_mb(stats.p50(ours.samples))} | "
            f"{fmt_mb(max(ours.samples))} | {fmt_mb(fixed)} ({ours.notes.get('fixed_what', '')}) |",
        ]
        if not math.isnan(mcp_fixed):
            out.append(f"| {self.label('mcp')} | | | | {fmt_mb(mcp_fixed)} more (the MCP server) |")
        if kernels is not None:
            out.append(
                f"| {self.label('jupyter')} | {len(kernels.samples)} | "
                f"{fmt_mb(stats.p50(kernels.samples))} | {fmt_mb(max(kernels.samples))} | "
                "none |"
            )
        out += [
            f"| {self.label('fresh')} | {NONE} | {NONE} | {NONE} | none while idle |",
            "",
            f"![Memory]({image_dir}/memory.png)",
            "",
        ]
        return out

    def _interrupt_section(self, image_dir: str) -> list[str]:
        systems = self.systems_for("interrupt_python")
        if not systems:
            return []
        out = [
            "## Interrupt latency",
            "",
            "From asking for the interrupt (the `Interrupt` RPC, the MCP `interrupt` tool, "
            "Jupyter's `interrupt_kernel`, SIGINT to a fresh process) to the caller knowing the "
            "code stopped (`finished{INTERRUPTED}`, the tool result, `idle` plus the reply, "
            "the process's exit). The code has run for 200 ms (300 ms over MCP) before the "
            "interrupt. In-process, the time from `SIGINT` to `KeyboardInterrupt`.",
            "",
            "| System | Python loop p50 | Python loop p99 | PARI `factor` p50 "
            "| PARI `factor` p99 |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for system in systems:
            cells = []
            for workload in ("interrupt_python", "interrupt_pari"):
                series = self.series(workload, system)
                samples = series.samples if series else []
                cells += [fmt_seconds(stats.p50(samples)), fmt_seconds(stats.p99(samples))]
            out.append(f"| {self.label(system)} | " + " | ".join(cells) + " |")
        out += ["", f"![Interrupt latency]({image_dir}/interrupt.png)", ""]
        return out

    def _losses_section(self) -> list[str]:
        out = ["## Where we lose, and why", ""]
        out += [f"- {line}" for line in self.losses()]
        skipped = self.results.skipped
        if skipped:
            out += ["", "## Not measured, or failed", ""]
            for item in skipped:
                what = "every workload" if item.workload == "*" else f"`{item.workload}`"
                out.append(f"- {self.label(item.system)}, {what}: {item.reason}")
        return [*out, ""]

    def losses(self) -> list[str]:
        """Sentences keyed on the measured numbers: every comparison the sidecar loses."""
        lines: list[str] = []
        fixed = self.p50("eval_1plus1", "grpc") - self.p50("eval_1plus1", "inprocess")
        for workload in ("eval_1plus1", "factor", "integrate", "plot"):
            ours, floor = self.p50(workload, "grpc"), self.p50(workload, "inprocess")
            if math.isnan(ours) or math.isnan(floor):
                continue
            ratio = self.round_ratio(workload, "grpc", "inprocess")
            extra = ours - floor
            if ratio <= 1.25:
                continue
            line = (
                f"{WORKLOAD_TITLES[workload]}: {fmt_ratio(ratio)} the in-process floor "
                f"({fmt_seconds(ours)} vs {fmt_seconds(floor)}). The floor skips the network "
                "entirely: no gRPC, no protobuf, no hop to a worker process."
            )
            if workload == "eval_1plus1" or math.isnan(fixed) or extra <= 2 * fixed:
                line += f" That costs about {fmt_seconds(extra)} per call"
                line += (
                    ", a fixed cost that matters only for small cells."
                    if workload == "eval_1plus1"
                    else f" here (the fixed cost seen on `1+1` is {fmt_seconds(fixed)})."
                )
            else:
                series = self.series(workload, "grpc")
                spread = stats.p99(series.samples) / ours if series is not None else math.nan
                line += (
                    f" The fixed per-call cost measured on `1+1` is {fmt_seconds(fixed)}; the "
                    f"rest of the {fmt_seconds(extra)} gap is either work the sidecar does on "
                    "this value (its console text and `latex()`, a bigger journal entry) or "
                    f"this run's spread (its p99 is {fmt_ratio(spread)} its p50 here)."
                )
            lines.append(line)
        grpc_floor = self.round_ratio("eval_1plus1", "grpc", "grpc_floor")
        if grpc_floor > 1.3:
            same = self.round_ratio("eval_1plus1", "grpc", "grpc_floor_uv")
            ours, floor = self.p50("eval_1plus1", "grpc"), self.p50("eval_1plus1", "grpc_floor")
            in_worker = self.p50("eval_1plus1_in_worker", "grpc")
            lines.append(
                f'`Evaluate("1+1")` is {fmt_ratio(grpc_floor)} the bare-gRPC floor '
                f"({fmt_ratio(same)} the floor served as the sidecar serves), over the "
                f"1.3{TIMES} target. The floor answers from the servicer with canned messages; "
                f"the sidecar runs the cell in another process. Of the {fmt_seconds(ours - floor)} "
                f"between their p50s, the worker itself reports {fmt_seconds(in_worker)} (p50) "
                "for the cell (the preparser, compiling, Sage's display hook for the console "
                "text, `latex()`, the output pipes' drain), against "
                f"{fmt_seconds(self.p50('eval_1plus1', 'inprocess'))} for the bare `exec` of "
                "already-preparsed code in a hot loop."
                + (
                    self._hop_split()
                    or (
                        f" The other {fmt_seconds(ours - floor - in_worker)} are the message to "
                        "the worker and back over its socket, which wakes two more processes "
                        "per call than the floor does, and the session's bookkeeping, the "
                        "journal commit among it."
                    )
                )
                + f" On {self._cores()} cores shared by the client, the server and the worker, "
                "every wake-up and every microsecond of CPU any of them spends shows up in the "
                "latency."
            )
        mcp_ratio = self._mcp_target()
        if mcp_ratio.passed is False:
            lines.append(
                f"MCP `evaluate` is {mcp_ratio.measured} (MCP floor + gRPC floor). An MCP "
                "call pays the SDK's transport (as the MCP floor does), then `sage-mcp`'s own "
                "gRPC call to the sidecar, which carries all of the sidecar's overhead above, in "
                f"one more process on the same {self._cores()} cores. And the SDK's client "
                "checks each result's structured content against the tool's output schema: "
                "every field of an evaluation's outcome, where the floor's has one."
            )
        for workload in ("eval_1plus1", "factor", "integrate", "plot", "print"):
            ours, theirs = self.p50(workload, "grpc"), self.p50(workload, "jupyter")
            slower = self.round_ratio(workload, "grpc", "jupyter")
            if math.isnan(slower) or slower <= 1.0:
                continue
            series = self.series(workload, "grpc")
            spread = stats.p99(series.samples) / ours if series is not None else math.nan
            how = (
                "within this workload's noise (its p99 is "
                f"{fmt_ratio(spread)} its p50), so call it a draw"
                if slower < 1.1 or spread > 2
                else "a real loss"
            )
            lines.append(
                f"{WORKLOAD_TITLES[workload]}: the Jupyter kernel is {fmt_ratio(slower)} faster "
                f"by median of per-round ratios ({fmt_seconds(theirs)} vs {fmt_seconds(ours)} "
                f"p50); {how}. Both run the same Sage code in a warm process."
            )
        jupyter_first = self.p50("print_first", "jupyter")
        ours_first = self.p50("print_first", "grpc")
        if not math.isnan(jupyter_first) and ours_first > jupyter_first:
            lines.append(
                f"First output of a printing loop: {fmt_seconds(ours_first)} against Jupyter's "
                f"{fmt_seconds(jupyter_first)}."
            )
        mcp_first = self.p50("print_first", "mcp")
        if not math.isnan(mcp_first) and not math.isnan(ours_first):
            lines.append(
                f"Over MCP, output is not streamed: the first line of a printing loop arrives "
                f"with the whole result ({fmt_seconds(mcp_first)}, against "
                f"{fmt_seconds(ours_first)} over gRPC). An MCP tool result is one message; "
                "progress notifications carry output only every few seconds."
            )
        for workload, what in (("interrupt_python", "a Python loop"), ("interrupt_pari", "PARI")):
            jupyter = self.results.find(workload, "jupyter")
            if jupyter is not None and "stopped_answering" in jupyter.notes:
                lines.append(
                    f"Not a loss, but worth knowing: interrupting {what} in the Jupyter kernel, "
                    f"the kernel stopped answering ({jupyter.notes['stopped_answering']}) and "
                    "had to be replaced; its figures above cover the interrupts before that."
                )
        lines += self._memory_losses()
        counts = self._throughput_counts()
        shares = {n: self.round_ratio(f"throughput_{n}", "grpc", "grpc_floor") for n in counts}
        low = [n for n, share in shares.items() if share < 0.7]
        if low:
            listed = ", ".join(
                f"{fmt_ratio(shares[n])} with {n} session{'s' if n != 1 else ''}" for n in low
            )
            line = (
                f"Throughput against the bare-gRPC floor under the same load: {listed}. On "
                f"{self._cores()} cores, throughput is CPU per call: the client, the server "
                "process and the workers share the cores, and each sidecar call spends CPU in "
                "three processes (the client, the server and the session's worker) where a floor "
                "call spends it in two."
            )
            most = counts[-1]
            cpu_ours = self.cpu_per_call(f"throughput_{most}", "grpc")
            cpu_floor = self.cpu_per_call(f"throughput_{most}", "grpc_floor")
            if cpu_ours and cpu_floor:
                cpu_total, cpu_floor_total = sum(cpu_ours.values()), sum(cpu_floor.values())
                worker = cpu_ours.get("children", 0.0)
                server = cpu_ours["server"] - cpu_floor["server"]
                client = cpu_ours["client"] - cpu_floor["client"]
                line += (
                    f" Measured with {most} sessions: a sidecar call cost "
                    f"{fmt_seconds(cpu_total)} of CPU against {fmt_seconds(cpu_floor_total)} "
                    f"for a floor call, which alone predicts "
                    f"{fmt_ratio(cpu_floor_total / cpu_total)}. Of the difference, the workers "
                    f"took {fmt_seconds(worker)}, the server process {fmt_seconds(server)} more "
                    f"than the floor's, and the client, the same code for both, "
                    f"{fmt_seconds(client)} more."
                )
                inprocess = self.p50("eval_1plus1", "inprocess")
                if not math.isnan(inprocess):
                    line += (
                        f" The cell itself is not what costs: in-process, `1+1` takes "
                        f"{fmt_seconds(inprocess)}. The rest is each process waking, being "
                        "switched in and finding the caches full of the other processes' data."
                    )
            lines.append(line)
        create = self.p50("create", "grpc")
        namespace = self.p50("create", "inprocess")
        if not math.isnan(create) and not math.isnan(namespace):
            lines.append(
                f"A new session costs {fmt_seconds(create)} against {fmt_seconds(namespace)} for "
                "a fresh namespace in-process: a session is a worker process (a fork of the "
                "warm forkserver) so that sessions can run in parallel, be interrupted and be "
                "killed without touching each other."
            )
        if not lines:
            lines.append("Nothing measured here: every comparison went our way in this run.")
        return lines

    def _memory_losses(self) -> list[str]:
        ours, kernels = self.series("idle_uss", "grpc"), self.series("idle_uss", "jupyter")
        if ours is None:
            return []
        fixed = float(ours.notes.get("fixed_uss_bytes", math.nan))
        per = stats.p50(ours.samples)
        lines = [
            f"Idle memory: a fresh process per call holds nothing between calls, while the "
            f"sidecar keeps {fmt_mb(fixed)} whatever the number of sessions (its server "
            "process, the forkserver that holds warm Sage, and the idle warm workers)."
        ]
        if kernels is not None:
            kernel = stats.p50(kernels.samples)
            if kernel > per:
                breakeven = math.ceil(fixed / (kernel - per))
                lines.append(
                    f"Against Jupyter, that fixed cost is paid back from {breakeven} "
                    f"session{'s' if breakeven != 1 else ''} on: each kernel holds "
                    f"{fmt_mb(kernel)} of its own, each sidecar session {fmt_mb(per)}."
                )
            else:
                lines.append(
                    f"Against Jupyter, a sidecar session holds more private memory "
                    f"({fmt_mb(per)}) than a whole kernel ({fmt_mb(kernel)})."
                )
        if per > 12 * MB:
            if ours.notes.get("worker_reimported_main"):
                burst = self.series("create_burst", "grpc")
                slow = (
                    f" The same import is why a worker took up to {fmt_seconds(max(burst.samples))}"
                    " to start when the warm pool was empty (the back-to-back `CreateSession` "
                    "row), instead of a fork."
                    if burst is not None and max(burst.samples) > 0.1
                    else ""
                )
                lines.append(
                    f"A session's worker holds {fmt_mb(per)} of its own, over the 12 MB target, "
                    "because every worker imports the server's main module when it is born: "
                    "the stdlib forkserver re-runs `__main__` (the `sage-sidecar` script, which "
                    "imports gRPC, pydantic-settings and OpenTelemetry) in each child it forks, "
                    "so those pages are private to every worker rather than shared." + slow
                )
            else:
                lines.append(
                    f"A session's worker holds {fmt_mb(per)} of its own, over the 12 MB target: "
                    "it writes to pages it shares with the forkserver (building its own copy of "
                    "the console namespace bumps the reference count of every value in it; "
                    "first cells fill caches), and each page written becomes a private copy."
                )
        return lines

    def _method_section(self) -> list[str]:
        config = self.results.config
        return [
            "## How it was measured",
            "",
            f"- `1+1`: {config.get('rounds')} interleaved rounds; per round "
            f"{config.get('one_plus_one_reps')} calls on the gRPC systems and in-process, "
            f"{config.get('slow_one_plus_one_reps')} on MCP and Jupyter, "
            f"{config.get('fresh_reps')} fresh process, whose cold starts run after the "
            "rounds rather than among them. Each round starts with the next system in turn, "
            "so no system always runs first or always after the same one."
            + (
                f" Every system is started anew {instances - 1} times over the rounds "
                f"({instances} instances of each, the same number of rounds on each), since "
                "one instance of a server can run 10% faster or slower than another for as "
                "long as it lives."
                if (instances := config.get("instances") or 1) > 1
                else ""
            ),
            f"- Other computations: {config.get('work_rounds')} rounds of "
            f"{config.get('work_reps')} calls per system ({config.get('fresh_reps')} per round for "
            "the fresh process).",
            f"- Interrupts: {config.get('interrupt_reps')} per system and code "
            f"({config.get('fresh_interrupt_reps')} for the fresh process).",
            "- p50 and p99 are over all samples; ratios are medians of per-round ratios of p50s, "
            "so that a noisy round moves both sides of a ratio together.",
            "- Raw samples are in `bench/results/` (not committed); "
            "`python -m bench --render bench/results/latest.json` rebuilds this page from them.",
            "",
        ]


def _target(name: str, value: float, op: str, limit: float, detail: str) -> Target:
    """A ratio target: `value` must be `op` ("≤" or "≥") `limit`."""
    threshold = f"{op} {limit:g}{TIMES}"
    if math.isnan(value):
        return Target(name, NONE, threshold, None, detail)
    passed = value <= limit if op == "≤" else value >= limit
    # Enough digits that a miss never reads as the threshold itself (1.302 is not "1.3").
    digits = 3
    while digits < 6 and value != limit and float(f"{value:.{digits}g}") == limit:
        digits += 1
    return Target(name, f"{value:.{digits}g}{TIMES}", threshold, passed, detail)


def render(results: Results, out: Path = DOCS) -> Path:
    """Write the markdown page and its plots beside it; return the page's path."""
    image_dir = out.parent / out.stem
    image_dir.mkdir(parents=True, exist_ok=True)
    report = Report(results)
    plots.draw_all(report, image_dir)
    out.write_text(report.render(image_dir.name))
    return out
