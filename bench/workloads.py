"""What the bench measures, how often, and in which order.

Systems are measured in interleaved rounds: every round runs every system once, so a burst
of noise on the machine lands on all of them rather than on one, and ratios are taken per
round. Counterpart: `systems`, which knows how to talk to each system.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bench.commit import journal_commit_seconds
from bench.processes import cpu_seconds_by_pid, uss_bytes
from bench.results import Results, Series
from bench.systems import (
    FreshProcessSystem,
    GrpcSystem,
    InProcessSystem,
    JupyterSystem,
    McpSystem,
    NotSupported,
    Outcome,
    StoppedAnswering,
    System,
    sage_console_command,
)

log = logging.getLogger("bench")


@dataclass(frozen=True)
class Workload:
    key: str
    title: str
    code: str
    png: bool = False


ONE_PLUS_ONE = Workload("eval_1plus1", "`1+1` on a warm session", "1+1")
FACTOR = Workload("factor", "`factor(2^199 - 1)`, a 60-digit number", "factor(2^199 - 1)")
INTEGRATE = Workload("integrate", "`integrate(x^2*sin(x), x)` (Maxima)", "integrate(x^2*sin(x), x)")
PRINTING = Workload(
    "print",
    "a printing loop: 5 lines, 20 ms apart",
    "for i in range(5):\n    print(i)\n    sleep(float(0.02))",
)
PLOT = Workload(
    "plot", "`plot(sin(x), (x, 0, 2*pi))`, PNG bytes back", "plot(sin(x), (x, 0, 2*pi))", png=True
)
COMPUTATIONS = (FACTOR, INTEGRATE, PRINTING, PLOT)

INTERRUPT_CODES = {
    "interrupt_python": "while True:\n    pass",
    "interrupt_pari": "factor(next_prime(10^40) * next_prime(10^45))",
}


@dataclass(frozen=True)
class Config:
    # Many short rounds of `1+1`: noise on this kind of machine comes in bursts, and a short
    # round is more often measured side by side with its neighbours in the same burst.
    rounds: int = 15
    # Every server is started this many times over the `1+1` rounds, the same number of
    # rounds on each instance: two instances of one server can differ by 10% for as long as
    # they run (where their processes land on the CPUs), which no number of rounds on one
    # instance averages out.
    instances: int = 3
    one_plus_one_reps: int = 100  # per round, for the fast systems
    slow_one_plus_one_reps: int = 25  # per round, for Jupyter and MCP
    work_rounds: int = 5
    work_reps: int = 8  # per round, per computation
    fresh_reps: int = 1  # fresh processes per round: each is a cold start
    interrupt_reps: int = 10
    fresh_interrupt_reps: int = 2
    create_reps: int = 30
    create_pace_seconds: float = 0.25  # between sidecar creations, for the warm pool
    kernel_create_reps: int = 3
    cold_reps: int = 5
    burst: int = 8
    concurrency: tuple[int, ...] = (1, 4, 16)
    throughput_rounds: int = 3
    throughput_seconds: float = 2.0
    kernel_start_parallelism: int = 4
    commit_reps: int = 2000
    restore_cells: int = 100
    restore_reps: int = 5
    clone_reps: int = 30

    @classmethod
    def quick(cls) -> Config:
        """A smoke run of the whole pipeline in about two minutes; numbers are rough."""
        return cls(
            rounds=2,
            instances=2,
            one_plus_one_reps=50,
            slow_one_plus_one_reps=20,
            work_rounds=1,
            work_reps=3,
            interrupt_reps=3,
            fresh_interrupt_reps=1,
            create_reps=5,
            kernel_create_reps=1,
            cold_reps=1,
            burst=4,
            concurrency=(1, 4),
            throughput_rounds=1,
            throughput_seconds=1.0,
            commit_reps=200,
            restore_reps=1,
            clone_reps=5,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Bench:
    """One run: starts the systems, measures every workload, records into `results`."""

    def __init__(self, config: Config, results: Results) -> None:
        self.config = config
        self.results = results
        self._make_systems()
        self.fresh = FreshProcessSystem()
        self.sessions: dict[str, Any] = {}
        self._started: list[System] = []

    def _make_systems(self) -> None:
        self.grpc = GrpcSystem.sidecar()
        self.grpc_floor = GrpcSystem.floor()
        self.grpc_floor_uv = GrpcSystem.floor(like_sidecar=True)
        self.grpc_hop_floor = GrpcSystem.hop_floor()
        self.mcp_floor = McpSystem.floor()
        self.mcp_floor_fast = McpSystem.floor(like_sage_mcp=True)
        self.mcp: McpSystem | None = None
        self.jupyter = JupyterSystem()
        self.inprocess = InProcessSystem()

    # Set-up and tear-down.

    async def start(self) -> None:
        servers: list[System] = [
            self.grpc,
            self.grpc_floor,
            self.grpc_floor_uv,
            self.grpc_hop_floor,
            self.inprocess,
            self.mcp_floor,
            self.mcp_floor_fast,
        ]
        for system in servers:
            await self._start(system)
        mcp = McpSystem.sage_mcp(self.grpc.address)
        try:
            await self._start(mcp)
            self.mcp = mcp
        except Exception as exc:  # the MCP server is optional: report why it is missing
            reason = f"sage-mcp could not be started: {type(exc).__name__}: {exc}"
            log.warning(reason)
            self.results.skip("*", "mcp", reason)
        self._started.append(self.jupyter)
        for system in self.systems():
            self.results.labels[system.key] = system.label
        self.results.labels["fresh"] = self.fresh.label
        for system in self.systems():
            log.info("opening a session on %s", system.label)
            self.sessions[system.key] = await system.open_session()

    async def _start(self, system: System) -> None:
        log.info("starting %s", system.label)
        await system.start()
        self._started.append(system)

    async def stop(self) -> None:
        # In this task, without wait_for: the MCP client's cancel scopes must be left in the
        # task that entered them.
        for system in reversed(self._started):
            try:
                await system.stop()
            except Exception:
                log.exception("stopping %s failed", system.label)

    def systems(self) -> list[System]:
        """The systems with a warm session, in table order."""
        found: list[System] = [self.grpc, *self.grpc_floors()]
        if self.mcp is not None:
            found.append(self.mcp)
        found += [*self.mcp_floors(), self.jupyter, self.inprocess]
        return found

    def grpc_floors(self) -> list[System]:
        return [self.grpc_floor, self.grpc_floor_uv, self.grpc_hop_floor]

    def mcp_floors(self) -> list[System]:
        return [self.mcp_floor, self.mcp_floor_fast]

    def sage_systems(self) -> list[System]:
        """The warm systems that run Sage (the floors' canned answers run nothing)."""
        floors = {s.key for s in (*self.grpc_floors(), *self.mcp_floors())}
        return [s for s in self.systems() if s.key not in floors]

    async def restart(self) -> None:
        """Every system anew, each in new processes, warmed up as at the start."""
        log.info("restarting every system")
        await self.stop()
        self._started = []
        self.sessions = {}
        self._make_systems()
        await self.start()
        await self.warm_up()

    # The workloads.

    async def run(self) -> None:
        await self.start()
        await self.warm_up()
        await self.one_plus_one()
        await self.computations()
        await self.interrupts()
        await self.session_creation()
        await self.durability()
        await self.concurrency_and_memory()

    async def warm_up(self) -> None:
        """One untimed pass of every computation, so first-use costs (Maxima, matplotlib)
        are paid before the clock starts, on every system that keeps state."""
        for system in self.sage_systems():
            log.info("warming up %s", system.label)
            session = self.sessions[system.key]
            for workload in (ONE_PLUS_ONE, *COMPUTATIONS):
                await system.evaluate(session, workload.code, png=workload.png)
        for system in (*self.grpc_floors(), *self.mcp_floors()):
            await system.time_evaluations(self.sessions[system.key], "1+1", 20)

    async def one_plus_one(self) -> None:
        config = self.config
        systems = self.systems()
        series = {s.key: self._series(ONE_PLUS_ONE.key, s.key, "s") for s in [*systems, self.fresh]}
        in_worker = self._series(f"{ONE_PLUS_ONE.key}_in_worker", self.grpc.key, "s")
        per_instance = math.ceil(config.rounds / max(config.instances, 1))
        for round_ in range(config.rounds):
            if round_ and round_ % per_instance == 0:
                await self.restart()
                systems = self.systems()
            log.info("1+1, round %d of %d", round_ + 1, config.rounds)
            for system in _rotated(systems, round_):
                reps = self._reps_for(system, config.one_plus_one_reps)
                outcomes = await system.time_evaluations(
                    self.sessions.get(system.key), ONE_PLUS_ONE.code, reps
                )
                series[system.key].rounds.append([o.seconds for o in outcomes])
                if system is self.grpc:
                    in_worker.rounds.append([o.in_worker or 0.0 for o in outcomes])
        # Apart from the rounds above: a cold start is seconds of CPU, and measured among
        # them it would sweep the caches of whichever system came next.
        log.info("1+1 in fresh processes")
        for _ in range(config.rounds):
            outcomes = await self.fresh.time_evaluations(None, ONE_PLUS_ONE.code, config.fresh_reps)
            series[self.fresh.key].rounds.append([o.seconds for o in outcomes])

    def _reps_for(self, system: System, fast: int) -> int:
        if system is self.fresh:
            return self.config.fresh_reps
        if system in (self.jupyter, self.mcp, *self.mcp_floors()):
            return min(fast, self.config.slow_one_plus_one_reps)
        return fast

    async def computations(self) -> None:
        config = self.config
        systems = [*self.sage_systems(), self.fresh]
        for workload in COMPUTATIONS:
            totals = {s.key: self._series(workload.key, s.key, "s") for s in systems}
            firsts = {s.key: self._series(f"{workload.key}_first", s.key, "s") for s in systems}
            warm = [s for s in systems if s is not self.fresh]
            for round_ in range(config.work_rounds):
                log.info("%s, round %d of %d", workload.key, round_ + 1, config.work_rounds)
                # The fresh process's cold start comes after the warm systems, not among them.
                for system in [*_rotated(warm, round_), self.fresh]:
                    reps = self.config.fresh_reps if system is self.fresh else config.work_reps
                    outcomes = await system.time_evaluations(
                        self.sessions.get(system.key), workload.code, reps, png=workload.png
                    )
                    totals[system.key].rounds.append([o.seconds for o in outcomes])
                    firsts[system.key].rounds.append(
                        [o.first_output for o in outcomes if o.first_output is not None]
                    )
                    _note_outcome(totals[system.key], outcomes)
            for series in firsts.values():
                if not series.samples:
                    self.results.series.remove(series)

    async def interrupts(self) -> None:
        systems = [*self.sage_systems(), self.fresh]
        for workload, code in INTERRUPT_CODES.items():
            for system in systems:
                log.info("%s on %s", workload, system.label)
                reps = (
                    self.config.fresh_interrupt_reps
                    if system is self.fresh
                    else self.config.interrupt_reps
                )
                series = self._series(workload, system.key, "s")
                try:
                    seconds = await system.time_interrupts(
                        self.sessions.get(system.key), code, reps
                    )
                except NotSupported as exc:
                    self.results.series.remove(series)
                    self.results.skip(workload, system.key, str(exc))
                    continue
                except StoppedAnswering as exc:
                    log.warning("%s on %s: %s", workload, system.label, exc)
                    series.rounds.append(exc.samples)
                    series.notes["stopped_answering"] = str(exc)
                    self.results.skip(workload, system.key, f"stopped answering part way: {exc}")
                    continue
                except Exception as exc:
                    log.exception("%s failed on %s", workload, system.label)
                    self.results.series.remove(series)
                    self.results.skip(workload, system.key, f"failed: {type(exc).__name__}: {exc}")
                    continue
                series.rounds.append(seconds)
            # An interrupted computation must leave every kernel and worker usable; one that
            # does not is recorded and replaced, so the rest of the run goes on.
            for system in self.sage_systems():
                await self._check_usable(system, workload)

    async def _check_usable(self, system: System, workload: str) -> None:
        try:
            check = await asyncio.wait_for(system.evaluate(self.sessions[system.key], "1+1"), 30)
            if system is not self.mcp and not check.text.strip().endswith("2"):
                raise RuntimeError(f"1+1 gave {check.text!r}")
        except Exception as exc:
            log.warning("%s unusable after %s (%s); replacing its session", system.label,
                        workload, exc)  # fmt: skip
            self.results.skip(
                f"{workload}_after",
                system.key,
                f"its session stopped answering after `{workload}` and was replaced "
                f"({type(exc).__name__}: {str(exc) or 'no answer in time'})",
            )
            with contextlib.suppress(Exception):
                await asyncio.wait_for(system.close_session(self.sessions[system.key]), 30)
            self.sessions[system.key] = await system.open_session()

    async def session_creation(self) -> None:
        config = self.config
        plan: list[tuple[System, int]] = [
            (self.grpc, config.create_reps),
            (self.grpc_floor, config.create_reps),
        ]
        if self.mcp is not None:
            plan.append((self.mcp, config.create_reps))
        plan += [(self.jupyter, config.kernel_create_reps), (self.inprocess, config.create_reps)]
        self.grpc.create_pace = config.create_pace_seconds
        for system, reps in plan:
            log.info("session creation on %s", system.label)
            series = self._series("create", system.key, "s")
            series.rounds.append(await system.time_session_creation(reps))
        log.info("cold starts")
        label = 'cold `python -c "from sage.all import *; print(1+1)"`'
        series = self._series("create", "fresh", "s", label=label)
        series.rounds.append(await self.fresh.time_session_creation(config.cold_reps))
        sage_c = sage_console_command()
        if sage_c is None:
            self.results.skip("create", "fresh_sage", "this environment has no `sage` script")
        else:
            label = 'cold `sage -c "print(1+1)"`'
            self.results.labels["fresh_sage"] = label
            series = self._series("create", "fresh_sage", "s", label=label)
            series.rounds.append(await self.fresh.time_cold_start(sage_c, config.cold_reps))
        log.info("session creation burst on %s", self.grpc.label)
        burst = self._series("create_burst", "grpc", "s")
        burst.rounds.append(await self.grpc.time_session_burst(config.burst))

    async def durability(self) -> None:
        """What durable sessions cost: the journal commit on every call, with and without
        fsync; restoring a session after its worker died; cloning one."""
        config = self.config
        log.info("journal commit, in-process")
        commit = self._series("journal_commit", "grpc", "s")
        commit.rounds.append(journal_commit_seconds(config.commit_reps))
        fsync = GrpcSystem.sidecar(
            "grpc_fsync", "sage-sidecar, gRPC, `--journal-fsync`", ["--journal-fsync"]
        )
        await self._start(fsync)
        self.results.labels[fsync.key] = fsync.label
        sessions = {self.grpc.key: await self.grpc.open_session(),
                    fsync.key: await fsync.open_session()}  # fmt: skip
        series = {key: self._series("durable_1plus1", key, "s") for key in sessions}
        for round_ in range(config.rounds):
            log.info("1+1 with and without fsync, round %d of %d", round_ + 1, config.rounds)
            for system in (self.grpc, fsync):
                outcomes = await system.time_evaluations(
                    sessions[system.key], ONE_PLUS_ONE.code, config.one_plus_one_reps
                )
                series[system.key].rounds.append([o.seconds for o in outcomes])
        for system in (self.grpc, fsync):
            await system.close_session(sessions[system.key])
        for from_snapshot, workload in ((False, "restore_journal"), (True, "restore_snapshot")):
            log.info("restores of %d-cell sessions (%s)", config.restore_cells, workload)
            restores = self._series(workload, self.grpc.key, "s")
            restores.rounds.append(
                await self.grpc.time_restores(
                    config.restore_cells, config.restore_reps, from_snapshot=from_snapshot
                )
            )
            restores.notes["cells"] = config.restore_cells
        log.info("CloneSession")
        clones = self._series("clone", self.grpc.key, "s")
        clones.rounds.append(await self.grpc.time_clones(config.clone_reps))

    async def concurrency_and_memory(self) -> None:
        config = self.config
        most = max(config.concurrency)
        systems: list[System] = [self.grpc, *self.grpc_floors()]
        if self.mcp is not None:
            systems.append(self.mcp)
        systems += [self.mcp_floor, self.jupyter]
        pools: dict[str, list[Any]] = {}
        for system in systems:
            log.info("opening %d sessions on %s", most, system.label)
            pools[system.key] = await self._open_many(system, most)
            for session in pools[system.key]:
                await system.evaluate(session, "1+1")
        await asyncio.sleep(2.0)  # let the warm pool refill and the machine settle
        await self.memory(pools)
        for system in (self.fresh, self.inprocess):
            self.results.skip(
                "throughput",
                system.key,
                "no concurrent sessions to measure: "
                + (
                    "each call is a cold start, so throughput is cores ÷ cold start time"
                    if system is self.fresh
                    else "one namespace in one process; its rate is 1 ÷ its `1+1` time"
                ),
            )
        for count in config.concurrency:
            series = {s.key: self._series(f"throughput_{count}", s.key, "evals/s") for s in systems}
            for round_ in range(config.throughput_rounds):
                log.info("throughput with %d sessions, round %d", count, round_ + 1)
                for system in _rotated(systems, round_):
                    run = await _throughput(
                        system, pools[system.key][:count], config.throughput_seconds
                    )
                    series[system.key].rounds.append([run.rate])
                    for part, seconds in run.cpu_per_call.items():
                        series[system.key].notes.setdefault("cpu_per_call", {}).setdefault(
                            part, []
                        ).append(seconds)

    async def _open_many(self, system: System, count: int) -> list[Any]:
        if system is not self.jupyter:
            return [await system.open_session() for _ in range(count)]
        gate = asyncio.Semaphore(self.config.kernel_start_parallelism)

        async def one() -> Any:
            async with gate:
                return await system.open_session()

        return list(await asyncio.gather(*(one() for _ in range(count))))

    async def memory(self, pools: dict[str, list[Any]]) -> None:
        log.info("memory per idle session")
        for system in (self.grpc, self.jupyter):
            series = self._series("idle_uss", system.key, "bytes")
            series.rounds.append(
                [float(await system.session_uss(session)) for session in pools[system.key]]
            )
        workers = await self.grpc.all_worker_pids()
        fixed = self.results.find("idle_uss", "grpc")
        assert fixed is not None
        fixed.notes["fixed_uss_bytes"] = self.grpc.process_tree_uss(exclude=workers)
        fixed.notes["fixed_what"] = "server process, forkserver and idle warm workers"
        # Whether the worker imported the server's own modules at birth: multiprocessing
        # re-runs `__main__` (the server's entry point) in each forkserver child unless the
        # server prevents it. A worker needs none of the server's modules.
        probe = await self.grpc.evaluate(
            pools["grpc"][0], "'sage_sidecar.server' in __import__('sys').modules"
        )
        fixed.notes["worker_reimported_main"] = probe.text.strip() == "True"
        if self.mcp is not None:
            pid = self.mcp.server_pid()
            if pid is not None:
                fixed.notes["mcp_server_uss_bytes"] = uss_bytes(pid)

    def _series(self, workload: str, system: str, unit: str, label: str = "") -> Series:
        return self.results.add(Series(workload, system, unit, label=label))


def _rotated(systems: Sequence[System], round_: int) -> list[System]:
    """The systems in an order that moves on each round: no system always runs first, just
    after the cold start of a fresh Sage process, or always runs after the same one."""
    shift = round_ % len(systems)
    return [*systems[shift:], *systems[:shift]]


def _note_outcome(series: Series, outcomes: Sequence[Outcome]) -> None:
    last = outcomes[-1]
    if last.png_bytes:
        series.notes["png_bytes"] = last.png_bytes
    if last.text and "result" not in series.notes:
        series.notes["result"] = last.text[:120]


@dataclass(frozen=True)
class Throughput:
    rate: float  # evaluations per second
    # CPU seconds per evaluation, by where they were spent; empty when the server side is
    # not one process tree.
    cpu_per_call: dict[str, float]


async def _throughput(system: System, sessions: Sequence[Any], seconds: float) -> Throughput:
    """Completed `1+1` evaluations per second, with one caller looping on each session, and
    the CPU each evaluation cost the client (this process), the server and its children."""
    deadline = time.perf_counter() + seconds
    done = [0] * len(sessions)

    async def caller(index: int, session: Any) -> None:
        while time.perf_counter() < deadline:
            await system.evaluate(session, "1+1")
            done[index] += 1

    tree = system.server_tree()
    server_before = cpu_seconds_by_pid(tree) if tree is not None else {}
    client_before = time.process_time()
    began = time.perf_counter()
    await asyncio.gather(*(caller(i, s) for i, s in enumerate(sessions)))
    elapsed = time.perf_counter() - began
    client = time.process_time() - client_before
    calls = sum(done)
    cpu: dict[str, float] = {}
    if tree is not None and calls:
        server_after = cpu_seconds_by_pid(tree)
        spent = {pid: after - server_before.get(pid, 0.0) for pid, after in server_after.items()}
        cpu = {
            "client": client / calls,
            "server": spent.pop(tree, 0.0) / calls,
            "children": sum(spent.values()) / calls,
        }
    return Throughput(calls / elapsed, cpu)


async def run_bench(config: Config, results: Results) -> None:
    bench = Bench(config, results)
    try:
        await bench.run()
    finally:
        await bench.stop()
