"""Sessions that never lose work: crashes, restarts, retries, rollback, clones, hibernation."""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import psutil
import pytest
from google.protobuf.duration_pb2 import Duration
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import (
    SidecarProcess,
    create_session,
    finished_of,
    one,
    start_sidecar,
    stderr_of,
    stdout_of,
    stop_and_check,
    value,
    wait_for_snapshot,
    worker_pid,
)


@pytest.fixture(scope="module")
def state_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="sage-state-"))


@pytest.fixture(scope="module")
def durable(state_dir: Path) -> Iterator[SidecarProcess]:
    sidecar = start_sidecar(
        "--state-dir", str(state_dir), "--interrupt-grace-seconds", "1",
        "--detach-grace-seconds", "5",
    )  # fmt: skip
    yield sidecar
    stop_and_check(sidecar)


@pytest.fixture
def stub(durable: SidecarProcess) -> Iterator[sage_pb2_grpc.SageServiceStub]:
    with durable.channel() as channel:
        yield sage_pb2_grpc.SageServiceStub(channel)


def run(
    stub: sage_pb2_grpc.SageServiceStub, code: str, session: str = "", request_id: str = ""
) -> list[pb.EvaluateResponse]:
    request = pb.EvaluateRequest(session_id=session, code=code, request_id=request_id)
    return list(stub.Evaluate(request, timeout=120))


def test_twenty_worker_kills_in_a_row_lose_no_committed_variable(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    run(stub, "R.<x> = QQ[]\nf = x^2 - 2\ndef double(n): return 2*n\ncommitted = []", session)
    for attempt in range(20):
        run(stub, f"committed.append({attempt})\nK = NumberField(f, 'a{attempt}')", session)
        pid = worker_pid(stub, session)
        call = stub.Evaluate(
            pb.EvaluateRequest(session_id=session, code="committed.append(-1)\nsleep(60)")
        )
        assert next(call).HasField("started")
        os.kill(pid, signal.SIGKILL)
        finished = finished_of(list(call))
        assert finished.status == pb.EVALUATION_STATUS_WORKER_DIED
        assert finished.state_preserved
    assert value(stub, session, "committed") == str(list(range(20)))
    assert value(stub, session, "(f.factor(), double(21), K.degree())") == "(x^2 - 2, 42, 2)"


def test_killed_evaluation_rolls_back(stub: sage_pb2_grpc.SageServiceStub) -> None:
    session = create_session(stub)
    run(stub, "ledger = {'balance': 100}", session)
    code = "ledger['balance'] -= 30\nledger['note'] = 'half-done'\nsleep(60)"
    call = stub.Evaluate(pb.EvaluateRequest(session_id=session, code=code))
    assert next(call).HasField("started")
    time.sleep(0.3)
    os.kill(worker_pid(stub, session), signal.SIGKILL)
    list(call)
    assert value(stub, session, "ledger") == "{'balance': 100}"


def test_output_of_replays_and_snapshots_is_not_the_next_cells(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    loud = (
        "class Loud:\n    def __reduce__(self):\n"
        "        print('REDUCE ' * 5000); return (int, ())\n"
    )
    run(stub, loud + "l = Loud()", session)
    time.sleep(2)  # the session rests: its snapshot pickles `l`, which prints
    assert stdout_of(run(stub, "2 + 2", session)) == ""
    for _ in range(3):
        run(stub, "for i in range(3000): print('line', i)\nlast = i", session)
        pid = worker_pid(stub, session)
        os.kill(pid, signal.SIGKILL)  # before any snapshot: the next call replays that cell
        deadline = time.monotonic() + 10
        while worker_pid(stub, session) == pid and time.monotonic() < deadline:
            time.sleep(0.02)
        events = run(stub, "last", session)
        assert stdout_of(events) == ""
        assert one(events, "result").result.text_plain == "2999"


def test_counter_retried_with_one_request_id_increments_once(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    run(stub, "counter = 0", session)
    first = run(stub, "counter += 1\ncounter", session, request_id="count-1")
    again = run(stub, "counter += 1\ncounter", session, request_id="count-1")
    assert one(first, "result").result.text_plain == "1"
    assert one(again, "result").result.text_plain == "1"
    assert not finished_of(first).replayed
    assert finished_of(again).replayed
    assert value(stub, session, "counter") == "1"


def test_request_id_reused_for_other_code_is_refused(stub: sage_pb2_grpc.SageServiceStub) -> None:
    session = create_session(stub)
    run(stub, "1", session, request_id="once")
    with pytest.raises(grpc.RpcError) as raised:
        run(stub, "2", session, request_id="once")
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_one_off_request_id_reused_for_other_code_is_refused(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    run(stub, "6*7", request_id="one-off-once")
    with pytest.raises(grpc.RpcError) as raised:
        run(stub, "2+2", request_id="one-off-once")
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "different code" in str(raised.value.details())
    # Nor may it attach to another code's stream while that one runs.
    live = pb.EvaluateRequest(code="sleep(1)\n6*7", request_id="one-off-live")
    running = stub.Evaluate(live, timeout=60)
    assert next(running).HasField("started")
    with pytest.raises(grpc.RpcError) as raised:
        run(stub, "2+2", request_id="one-off-live")
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert one(list(running), "result").result.text_plain == "42"


def test_retry_of_a_running_evaluation_attaches_to_its_stream(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    run(stub, "runs = 0", session)
    code = "runs += 1\nfor i in range(3):\n    print(i); sleep(0.5r)\nruns"
    request = pb.EvaluateRequest(session_id=session, code=code, request_id="attach-me")
    first = stub.Evaluate(request)
    assert next(first).HasField("started")
    first.cancel()  # the stream breaks; the evaluation runs on for the detach grace
    events = list(stub.Evaluate(request, timeout=60))
    assert stdout_of(events) == "0\n1\n2\n"
    assert one(events, "result").result.text_plain == "1"
    assert finished_of(events).status == pb.EVALUATION_STATUS_OK
    assert value(stub, session, "runs") == "1"


# Code printing just under the default output limit (1 MiB), so nothing is cut.
PRINT_A_MIB = "print('x' * (2^20 - 64))"
MiB = 2**20


def _rss(sidecar: SidecarProcess) -> int:
    return int(psutil.Process(sidecar.pid).memory_info().rss)


def test_remembered_session_evaluations_leave_their_output_on_disk(
    durable: SidecarProcess, stub: sage_pb2_grpc.SageServiceStub
) -> None:
    session = create_session(stub)
    run(stub, "runs = 0", session)
    code = f"runs += 1\n{PRINT_A_MIB}"
    ids = [f"{session}-{n}" for n in range(100)]
    for request_id in ids[:10]:  # the server's buffers grow to their working size
        run(stub, code, session, request_id)
    before = _rss(durable)
    for request_id in ids[10:]:
        run(stub, code, session, request_id)
    # Were the 90 outputs kept in memory, the server would have grown by 90 MiB or more.
    assert _rss(durable) - before < 30 * MiB
    # The oldest still replays, from the journal, and does not run again.
    again = run(stub, code, session, ids[0])
    assert finished_of(again).replayed
    assert stdout_of(again) == "x" * (MiB - 64) + "\n"
    assert value(stub, session, "runs") == "100"


def test_retry_whose_journal_entry_is_damaged_is_refused_not_run_twice(
    stub: sage_pb2_grpc.SageServiceStub, state_dir: Path
) -> None:
    session = create_session(stub)
    run(stub, "runs = 0", session)
    run(stub, "runs += 1", session, request_id="damaged")
    journal = state_dir / "sessions" / session / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    damaged = b"".join(b"x" * (len(line) - 1) + b"\n" if b'"damaged"' in line else line
                       for line in lines)  # fmt: skip
    journal.write_bytes(damaged)  # in place: the other entries stay where they were
    with pytest.raises(grpc.RpcError) as raised:
        run(stub, "runs += 1", session, request_id="damaged")
    assert raised.value.code() == grpc.StatusCode.DATA_LOSS
    assert "fresh request id" in str(raised.value.details())
    assert value(stub, session, "runs") == "1"


def test_one_off_replays_are_kept_within_a_memory_budget(
    durable: SidecarProcess, stub: sage_pb2_grpc.SageServiceStub
) -> None:
    ids = [f"one-off-mib-{n}" for n in range(100)]
    for request_id in ids[:10]:
        run(stub, PRINT_A_MIB, request_id=request_id)
    before = _rss(durable)
    for request_id in ids[10:]:
        run(stub, PRINT_A_MIB, request_id=request_id)
    # The budget is 32 MiB; keeping all 90 outputs would take 90 MiB or more.
    assert _rss(durable) - before < 64 * MiB
    newest = run(stub, PRINT_A_MIB, request_id=ids[-1])
    assert finished_of(newest).replayed
    # The oldest was forgotten to stay within the budget: its retry runs it again.
    oldest = run(stub, PRINT_A_MIB, request_id=ids[0])
    assert not finished_of(oldest).replayed
    assert finished_of(oldest).status == pb.EVALUATION_STATUS_OK
    assert stdout_of(oldest) == "x" * (MiB - 64) + "\n"


def test_interrupt_by_request_id_stops_only_that_evaluation(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    events: list[pb.EvaluateResponse] = []
    request = pb.EvaluateRequest(session_id=session, code="sleep(60)", request_id="stop-me")
    thread = threading.Thread(target=lambda: events.extend(stub.Evaluate(request, timeout=60)))
    thread.start()
    time.sleep(1)
    other = pb.InterruptRequest(session_id=session, request_id="someone-else")
    assert not stub.Interrupt(other).interrupted
    assert stub.Interrupt(pb.InterruptRequest(session_id=session, request_id="stop-me")).interrupted
    thread.join(30)
    assert finished_of(events).status == pb.EVALUATION_STATUS_INTERRUPTED


def _lose_the_worker_after_snapshot(
    stub: sage_pb2_grpc.SageServiceStub, state_dir: Path, session: str, execution_count: int
) -> None:
    """Kill the session's worker once the snapshot after `execution_count` is written, and wait
    until the sidecar has seen it go: the session's next call restores it."""
    wait_for_snapshot(state_dir, session, execution_count)
    os.kill(worker_pid(stub, session), signal.SIGKILL)
    while worker_pid(stub, session):
        time.sleep(0.05)


def test_clone_diverges_from_its_source(stub: sage_pb2_grpc.SageServiceStub) -> None:
    source = create_session(stub)
    run(stub, "R.<x> = GF(7)[]\nshared = [1, 2]\nsquare = lambda n: n^2", source)
    clone = stub.CloneSession(pb.CloneSessionRequest(session_id=source)).session
    assert clone.session_id != source
    assert clone.execution_count == 1
    run(stub, "shared.append('clone')", clone.session_id)
    run(stub, "shared.append('source')", source)
    assert value(stub, clone.session_id, "(shared, square(x + 1))") == (
        "([1, 2, 'clone'], x^2 + 2*x + 1)"
    )
    assert value(stub, source, "shared") == "[1, 2, 'source']"
    assert worker_pid(stub, clone.session_id) != worker_pid(stub, source)


def test_a_clone_starts_with_its_sources_files_and_they_diverge(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    source = create_session(stub)
    run(stub, (
        "import os\nopen('data.txt', 'w').write('source')\nos.mkdir('results')\n"
        "open('results/r1.txt', 'w').write('1')\nos.symlink('data.txt', 'link')"
    ), source)  # fmt: skip
    clone = stub.CloneSession(pb.CloneSessionRequest(session_id=source)).session.session_id
    # Sage's own directories in the scratch (`.sage`, its temporary one) are the clone's own.
    files = "import os\nsorted(f for f in os.listdir('.') if not f.startswith(('.sage', 'sage_')))"
    assert value(stub, clone, files) == "['data.txt', 'link', 'results']"
    assert (
        value(stub, clone, "os.readlink('link'), open('link').read()") == "('data.txt', 'source')"
    )
    assert value(stub, clone, "open('results/r1.txt').read()") == "'1'"
    run(stub, "open('data.txt', 'w').write('clone')", clone)
    assert value(stub, source, "open('data.txt').read()") == "'source'"


def test_a_clone_and_its_source_never_share_an_interfaces_process(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """PARI/GP here; GAP, Maxima and Singular run the same way, as programs the worker talks to
    over a terminal, which a fork would share."""
    source = create_session(stub)
    run(stub, "gp.eval('t = 5'); five = gp('t')", source)
    clone = stub.CloneSession(pb.CloneSessionRequest(session_id=source)).session.session_id
    assert value(stub, clone, "gp.eval('t')") == "'t'"  # its own fresh GP, as after a restart
    assert "no longer running" in value(stub, clone, "five")
    run(stub, "gp.eval('t = 6')", clone)
    assert value(stub, source, "gp.eval('t'), five") == "('5', 5)"
    assert value(stub, clone, "gp.eval('t')") == "'6'"
    assert value(stub, source, "gp.pid()") != value(stub, clone, "gp.pid()")


def test_a_clone_refuses_the_pools_it_copied_at_once_and_the_sources_work_on(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """A fork copies a pool's object but not its threads, and not its processes: used in the
    clone, the copy would wait for ever (here, until the 20 s timeout)."""
    source = create_session(stub)
    run(
        stub,
        "from multiprocessing import Pool\nfrom multiprocessing.pool import ThreadPool\n"
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\n"
        "def sq(v): return v*v\n"
        "p, t, e, f = Pool(2), ThreadPool(2), ProcessPoolExecutor(2), ThreadPoolExecutor(2)\n"
        "p.map(sq, range(3)), t.map(sq, range(3)), e.submit(sq, 3).result(), "
        "f.submit(sq, 4).result()",
        source,
    )
    clone = stub.CloneSession(pb.CloneSessionRequest(session_id=source)).session.session_id
    for code, ename, name, kind, workers in (
        ("p.map(sq, range(3))", "ValueError", "p", "Pool", "worker processes"),
        ("t.map(sq, range(3))", "ValueError", "t", "ThreadPool", "threads"),
        ("e.submit(sq, 3)", "BrokenProcessPool", "e", "ProcessPoolExecutor", "processes"),
        ("f.submit(sq, 3)", "BrokenThreadPool", "f", "ThreadPoolExecutor", "threads"),
    ):
        request = pb.EvaluateRequest(session_id=clone, code=code, timeout=Duration(seconds=20))
        error = one(list(stub.Evaluate(request, timeout=60)), "error").error
        assert (error.ename, error.evalue) == (
            ename,
            f"{name} is a {kind} copied from the session this one was cloned from: its "
            f"{workers} stayed with that session, and do not work here. Make a new one in this "
            f"session, as {name} = {kind}(...).",
        ), code
    # The source's pools work on; and as the message says.
    assert value(stub, source, "p.map(sq, range(4)), e.submit(sq, 5).result()") == (
        "([0, 1, 4, 9], 25)"
    )
    assert value(stub, clone, "with Pool(2) as q: r = q.map(sq, range(3))\nr") == "[0, 1, 4]"


def test_a_key_that_is_not_a_name_is_snapshotted_without_costing_the_worker(
    durable: SidecarProcess, stub: sage_pb2_grpc.SageServiceStub
) -> None:
    session = create_session(stub)
    run(stub, "globals()[1] = 'one'\nkept = 5", session)  # the key is an Integer, preparsed
    pid = worker_pid(stub, session)
    time.sleep(2)  # the session rests: its snapshot reports the names it saved
    assert worker_pid(stub, session) == pid
    assert f"worker {pid} sent a forged message" not in durable.log()
    assert value(stub, session, "globals()[1], kept") == "('one', 5)"


def test_a_clone_that_outlives_its_source_ends_without_noise_in_the_log(
    durable: SidecarProcess, stub: sage_pb2_grpc.SageServiceStub
) -> None:
    source = create_session(stub)
    clone = stub.CloneSession(pb.CloneSessionRequest(session_id=source)).session.session_id
    stub.DeleteSession(pb.DeleteSessionRequest(session_id=source))
    pid = worker_pid(stub, clone)
    stub.DeleteSession(pb.DeleteSessionRequest(session_id=clone))  # the forkserver reaps it
    deadline = time.monotonic() + 10
    while psutil.pid_exists(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert "unexpected pid" not in durable.log()


def test_a_clone_keeps_its_scratch_when_its_source_is_deleted(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    source = create_session(stub)
    clone = stub.CloneSession(pb.CloneSessionRequest(session_id=source)).session.session_id
    run(stub, "open('kept.txt', 'w').write('mine')", clone)
    stub.DeleteSession(pb.DeleteSessionRequest(session_id=source))
    time.sleep(0.5)  # the source's scratch is removed as its worker ends
    written = (
        "import tempfile\nwith tempfile.NamedTemporaryFile() as f: f.write(b'x')\n"
        "from sage.misc.temporary_file import tmp_filename\nopen(tmp_filename(), 'w').close()\n"
        "open('kept.txt').read()"
    )
    assert value(stub, clone, written) == "'mine'"


def test_finished_reports_cpu_time_and_peak_memory(stub: sage_pb2_grpc.SageServiceStub) -> None:
    session = create_session(stub)
    finished = finished_of(run(stub, "big = [0] * 10^7\nsum(range(10^6))", session))
    assert finished.cpu_time.ToNanoseconds() > 0
    assert finished.peak_memory_bytes > 80 * 2**20
    run(stub, "del big", session)
    # Each evaluation's peak is its own, not the worker's highest so far.
    after = finished_of(run(stub, "1+1", session))
    assert finished.peak_memory_bytes - after.peak_memory_bytes > 60 * 2**20
    assert after.cpu_time.ToNanoseconds() < finished.cpu_time.ToNanoseconds()


def test_unpicklable_variables_are_named_after_a_restore(
    stub: sage_pb2_grpc.SageServiceStub, state_dir: Path
) -> None:
    session = create_session(stub)
    run(stub, "kept = 5\nstream = (i for i in range(3))", session)
    _lose_the_worker_after_snapshot(stub, state_dir, session, 1)
    events = run(stub, "kept", session)
    assert one(events, "result").result.text_plain == "5"
    note = stderr_of(events)
    assert "'stream' is not restored" in note
    report = stub.GetSession(pb.GetSessionRequest(session_id=session)).session.restore_report
    assert "'stream'" in report


def test_what_a_session_defined_comes_back_from_a_snapshot_as_it_was(
    stub: sage_pb2_grpc.SageServiceStub, state_dir: Path
) -> None:
    """Functions, methods, Sage's cached functions and methods, functools' caches, and
    `g(x) = ...` functions defined in the session come back from a snapshot working as
    before: they read the variables the session has when they run, not copies from the
    snapshot, and `g` can still be called. So do the session's assumptions, which Sage keeps
    outside its variables. Nothing is left out, and the snapshot is the one restored."""
    session = create_session(stub)
    code = (
        "rate = 1\nshared = [1, 2]\nalias = shared\n"
        "def scaled(n): return rate * n\n"
        "@cached_function\n"
        "def cached(n): return rate * n\n"
        "import functools\n"
        "@functools.lru_cache(maxsize=int(8), typed=True)\n"
        "def memo(n): return rate * n\n"
        "@functools.cache\n"
        "def unbounded(n): return rate * n\n"
        "class Account:\n"
        "    def total(self): return rate * len(shared)\n"
        "    @cached_method\n"
        "    def fee(self): return rate\n"
        "account = Account()\n"
        "g(x) = x^2 + 1\n"
        "shapes = {'square': g}\n"
        "var('y')\nassume(y > 0)"
    )
    run(stub, code, session)
    _lose_the_worker_after_snapshot(stub, state_dir, session, 1)
    events = run(stub, "rate = 10\nshared.append(3)", session)
    assert not stderr_of(events), events
    checked = (
        "scaled(2), cached(2), memo(2), unbounded(2), account.total(), Account().fee(), g(3), "
        "shapes['square'](2), sqrt(y^2), isinstance(account, Account), alias is shared, "
        "memo.cache_parameters()"
    )
    assert value(stub, session, checked) == (
        "(20, 20, 20, 20, 30, 10, 10, 5, y, True, True, {'maxsize': 8, 'typed': True})"
    )


def test_the_files_a_session_made_come_back_from_a_snapshot(
    stub: sage_pb2_grpc.SageServiceStub, state_dir: Path
) -> None:
    """As after a hibernation: the snapshot is all there is, and no cell is replayed. Files
    past what a snapshot keeps are named, as unpicklable variables are."""
    session = create_session(stub)
    code = (
        "import os\nopen('data.csv', 'w').write('a,b\\n1,2\\n')\nos.makedirs('out/empty')\n"
        "open('out/r.bin', 'wb').write(bytes(range(256)))\nos.chmod('out/r.bin', 0o600)\n"
        "os.symlink('data.csv', 'latest')\n"
        "open('huge.dat', 'wb').write(b'x' * (9 * 2^20))\nkept = 5"
    )
    run(stub, code, session)
    _lose_the_worker_after_snapshot(stub, state_dir, session, 1)
    events = run(stub, "kept", session)
    note = stderr_of(events)
    assert "file 'huge.dat' is not restored" in note
    assert "8 MiB of files a snapshot keeps" in note
    checks = (
        "open('latest').read(), os.readlink('latest'), list(open('out/r.bin', 'rb').read()) == "
        "list(range(256)), oct(os.stat('out/r.bin').st_mode & 0o777), os.listdir('out/empty'), "
        "os.path.exists('huge.dat')"
    )
    assert value(stub, session, checks) == (
        "('a,b\\n1,2\\n', 'data.csv', True, '0o600', [], False)"
    )


def test_objects_of_sages_interfaces_come_back_from_a_snapshot_as_they_were(
    stub: sage_pb2_grpc.SageServiceStub, state_dir: Path
) -> None:
    """Sage pickles a Maxima object as its Sage value, which Maxima takes back with its
    variables renamed (`_SAGE_VAR_x`): `x^2 + 1` would no longer depend on `x`."""
    session = create_session(stub)
    # One cell: a cell that starts Maxima may be slow enough to be snapshotted at once, and
    # a later cell that rebinds nothing would not be.
    code = (
        "m = maxima('x^2 + 1')\nlabel = maxima('\"a \\\\\"quoted\\\\\" label\"')\n"
        "table = maxima('matrix([1, 2], [3, x])')\nfive = gp('5')\n"
        "m.diff('x'), label, table, five"
    )
    before = value(stub, session, code)
    _lose_the_worker_after_snapshot(stub, state_dir, session, 1)
    assert value(stub, session, "m.diff('x'), label, table, five") == before
    assert before.startswith("(2*x, ")


def test_a_session_restored_from_a_snapshot_keeps_its_preparser_off(
    stub: sage_pb2_grpc.SageServiceStub, state_dir: Path
) -> None:
    session = create_session(stub)
    run(stub, "preparser(False)\nkept = 5", session)
    # The cell is not replayed: the snapshot has it.
    _lose_the_worker_after_snapshot(stub, state_dir, session, 1)
    assert value(stub, session, "2^3, kept") == "(1, 5)"


def test_deleting_a_session_erases_it_from_disk(
    stub: sage_pb2_grpc.SageServiceStub, state_dir: Path
) -> None:
    session = create_session(stub)
    run(stub, "a = 1", session)
    assert (state_dir / "sessions" / session / "journal.jsonl").exists()
    stub.DeleteSession(pb.DeleteSessionRequest(session_id=session))
    assert not (state_dir / "sessions" / session).exists()


def test_sidecar_killed_and_restarted_brings_every_session_back() -> None:
    state = tempfile.mkdtemp(prefix="sage-state-")
    first = start_sidecar("--state-dir", state)
    stub = first.stub()
    sessions = [create_session(stub) for _ in range(3)]
    for number, session in enumerate(sessions):
        run(stub, f"R.<t> = QQ[]\nmine = {number} * t^2\ncounter = 0", session)
    run(stub, "counter += 1", sessions[0], request_id="bump")
    first.stop(signal.SIGKILL)
    first.kill_leftovers()

    second = start_sidecar("--state-dir", state)
    try:
        stub = second.stub()
        listed = {s.session_id: s for s in stub.ListSessions(pb.ListSessionsRequest()).sessions}
        assert set(listed) == set(sessions)
        assert all(s.state == pb.SESSION_STATE_HIBERNATED for s in listed.values())
        mine = [value(stub, session, "mine") for session in sessions]
        assert mine == ["0", "t^2", "2*t^2"]
        # The retried counter cell replays; it does not run again.
        again = run(stub, "counter += 1", sessions[0], request_id="bump")
        assert finished_of(again).replayed
        assert value(stub, sessions[0], "counter") == "1"
        info = stub.GetSession(pb.GetSessionRequest(session_id=sessions[0])).session
        assert info.state == pb.SESSION_STATE_ACTIVE
    finally:
        stop_and_check(second)


def test_clone_restarted_before_its_first_cell_keeps_its_count_and_later_cells() -> None:
    state = Path(tempfile.mkdtemp(prefix="sage-state-"))
    first = start_sidecar("--state-dir", str(state))
    try:
        stub = first.stub()
        source = create_session(stub)
        run(stub, "a = 1", source)
        run(stub, "a += 1", source)
        clone = stub.CloneSession(pb.CloneSessionRequest(session_id=source), timeout=60).session
    finally:
        first.stop(signal.SIGKILL)
        first.kill_leftovers()
    # What a crash in the middle of a clone leaves: never answered, so never brought back.
    half_made = state / "sessions" / "halfmadeclone"
    shutil.copytree(state / "sessions" / clone.session_id, half_made)
    (half_made / "incomplete").touch()

    second = start_sidecar("--state-dir", str(state))
    try:
        stub = second.stub()
        listed = {s.session_id: s for s in stub.ListSessions(pb.ListSessionsRequest()).sessions}
        assert set(listed) == {source, clone.session_id}
        assert not half_made.exists()
        assert listed[clone.session_id].execution_count == 2
        assert finished_of(run(stub, "b = a + 1", clone.session_id)).execution_count == 3
    finally:
        second.stop(signal.SIGKILL)
        second.kill_leftovers()

    third = start_sidecar("--state-dir", str(state))
    try:
        # Cell 3 was journaled after the clone's snapshot of cell 2: it is replayed after it.
        assert value(third.stub(), clone.session_id, "b") == "3"
    finally:
        stop_and_check(third)


def test_idle_session_hibernates_and_wakes_with_its_state() -> None:
    sidecar = start_sidecar("--idle-ttl-seconds", "1")
    try:
        stub = sidecar.stub()
        session = create_session(stub)
        run(stub, "R.<x> = QQ[]\nkept = (x + 1)^3", session)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            info = stub.GetSession(pb.GetSessionRequest(session_id=session)).session
            if info.state == pb.SESSION_STATE_HIBERNATED:
                break
            time.sleep(0.2)
        assert info.state == pb.SESSION_STATE_HIBERNATED
        assert info.worker_pid == 0
        assert value(stub, session, "kept") == "x^3 + 3*x^2 + 3*x + 1"
    finally:
        stop_and_check(sidecar)


def test_least_recently_used_session_hibernates_at_the_resident_cap() -> None:
    sidecar = start_sidecar("--max-resident-workers", "2", "--warm-workers", "1")
    try:
        stub = sidecar.stub()
        sessions = [create_session(stub) for _ in range(3)]
        for number, session in enumerate(sessions):
            run(stub, f"n = {number}", session)
        states = {
            s.session_id: s.state for s in stub.ListSessions(pb.ListSessionsRequest()).sessions
        }
        assert states[sessions[0]] == pb.SESSION_STATE_HIBERNATED
        assert [value(stub, s, "n") for s in sessions] == ["0", "1", "2"]
    finally:
        stop_and_check(sidecar)


def _corrupt(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] + b"\x00garbage")


def test_corrupted_snapshot_and_torn_journal_recover_what_they_can() -> None:
    state = Path(tempfile.mkdtemp(prefix="sage-state-"))
    first = start_sidecar("--state-dir", str(state))
    stub = first.stub()
    session = create_session(stub)
    run(stub, "a = 1", session)
    run(stub, "b = 2", session)
    run(stub, "c = 3", session)
    newest = wait_for_snapshot(state, session, 3)
    run(stub, "1", session)
    first.stop(signal.SIGKILL)
    first.kill_leftovers()
    record = state / "sessions" / session
    _corrupt(newest)
    with (record / "journal.jsonl").open("ab") as journal:
        journal.write(b'{"execution_count": 4, "code": "d = ')  # torn by a crash mid-write

    second = start_sidecar("--state-dir", str(state))
    try:
        stub = second.stub()
        events = run(stub, "(a, b, c)", session)
        assert one(events, "result").result.text_plain == "(1, 2, 3)"
        note = stderr_of(events)
        assert "unreadable" in note
        info = stub.GetSession(pb.GetSessionRequest(session_id=session)).session
        assert "journal line 5 is unreadable" in info.restore_report
        # Restored, not lost (it may still be busy snapshotting after the cell above).
        assert info.state in (pb.SESSION_STATE_ACTIVE, pb.SESSION_STATE_BUSY)
        # The next commit is a line of its own, not glued to the torn one (and lost with it).
        run(stub, "d = 4", session)
        lines = (record / "journal.jsonl").read_bytes().splitlines()
        assert json.loads(lines[-1])["code"] == "d = 4"
        assert all(json.loads(line) for line in lines)  # the torn line was cut
    finally:
        stop_and_check(second)


def test_second_sidecar_on_the_same_state_dir_refuses_to_start(
    durable: SidecarProcess, state_dir: Path
) -> None:
    other = start_sidecar("--state-dir", str(state_dir), wait=False)
    assert other.process.wait(60) == 2
    assert "in use by sage-sidecar pid" in other.log()


def _occupy(stub: sage_pb2_grpc.SageServiceStub, session: str, code: str) -> threading.Thread:
    """Run `code` on `session` in the background; returns once it has had time to start."""
    busy = threading.Thread(target=run, args=(stub, code, session))
    busy.start()
    time.sleep(0.5)
    return busy


def _deadline_passes(stub: sage_pb2_grpc.SageServiceStub, request: pb.EvaluateRequest) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        list(stub.Evaluate(request, timeout=0.5))
    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_retry_of_an_evaluation_dropped_from_the_queue_runs_it(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    blocker = _occupy(stub, session, "sleep(7r)")
    queued = pb.EvaluateRequest(session_id=session, code="b = 2\n'B'", request_id="queued-once")
    _deadline_passes(stub, queued)  # still queued behind the sleep
    time.sleep(6)  # past the detach grace (5 s): the queued evaluation is dropped, never run
    events = list(stub.Evaluate(queued, timeout=60))
    blocker.join(30)
    assert one(events, "result").result.text_plain == "'B'"
    assert value(stub, session, "b") == "2"


def test_retry_of_an_evaluation_dropped_while_its_session_was_restored_runs_it(
    stub: sage_pb2_grpc.SageServiceStub, state_dir: Path
) -> None:
    session = create_session(stub)
    # Loading the snapshot takes 7 s: longer than the first call's deadline and detach grace.
    run(stub, "import time\nclass Slow:\n    def __reduce__(self): return (time.sleep, (7,))\n"
        "slow = Slow()\ny = 1", session)  # fmt: skip
    _lose_the_worker_after_snapshot(stub, state_dir, session, 1)
    retried = pb.EvaluateRequest(session_id=session, code="z = y + 1\nz", request_id="restoring")
    _deadline_passes(stub, retried)
    time.sleep(8)  # the restore ends after the detach grace: the evaluation never ran
    events = list(stub.Evaluate(retried, timeout=60))
    assert one(events, "result").result.text_plain == "2"
    assert finished_of(events).status == pb.EVALUATION_STATUS_OK


def test_a_clone_cannot_be_found_before_it_is_made(stub: sage_pb2_grpc.SageServiceStub) -> None:
    source = create_session(stub)
    before = {s.session_id for s in stub.ListSessions(pb.ListSessionsRequest()).sessions}
    busy = _occupy(stub, source, "sleep(3r)\na = 42")
    cloned: list[pb.Session] = []
    cloning = threading.Thread(
        target=lambda: cloned.append(
            stub.CloneSession(pb.CloneSessionRequest(session_id=source), timeout=60).session
        )
    )
    cloning.start()
    time.sleep(1.0)  # the clone waits for the source's cell
    during = {s.session_id for s in stub.ListSessions(pb.ListSessionsRequest()).sessions}
    busy.join(30)
    cloning.join(30)
    assert during == before
    assert value(stub, cloned[0].session_id, "a") == "42"


def test_concurrent_creations_keep_to_the_resident_cap() -> None:
    sidecar = start_sidecar("--max-resident-workers", "2", "--warm-workers", "1")
    try:
        stub = sidecar.stub()
        threads = [threading.Thread(target=create_session, args=(stub,)) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        sessions = stub.ListSessions(pb.ListSessionsRequest()).sessions
        assert len(sessions) == 5
        assert sum(s.state == pb.SESSION_STATE_ACTIVE for s in sessions) <= 2
    finally:
        stop_and_check(sidecar)


def test_sessions_woken_at_once_keep_to_the_resident_cap() -> None:
    sidecar = start_sidecar("--max-resident-workers", "2", "--warm-workers", "1")
    try:
        stub = sidecar.stub()
        sessions = [create_session(stub) for _ in range(5)]
        for number, session in enumerate(sessions):
            run(stub, f"n = {number}", session)
        hibernated = sessions[:3]
        values: dict[str, str] = {}

        def wake(session: str) -> None:
            values[session] = value(stub, session, "n", deadline=60)

        threads = [threading.Thread(target=wake, args=(s,)) for s in hibernated]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        assert values == {s: str(n) for n, s in enumerate(hibernated)}
        # Restores in flight count as resident, and once they rest, what passed the cap
        # while every resident session was busy hibernates again.
        deadline = time.monotonic() + 30
        while True:
            listed = stub.ListSessions(pb.ListSessionsRequest()).sessions
            resident = [s for s in listed if s.worker_pid]
            if len(resident) <= 2 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert len(resident) <= 2, listed
    finally:
        stop_and_check(sidecar)


def _resident(stub: sage_pb2_grpc.SageServiceStub, at_most: int, within: float) -> int:
    """How many sessions hold a worker, once that is at most `at_most` or `within` s passed."""
    deadline = time.monotonic() + within
    while True:
        listed = stub.ListSessions(pb.ListSessionsRequest()).sessions
        resident = sum(bool(s.worker_pid) for s in listed)
        if resident <= at_most or time.monotonic() > deadline:
            return resident
        time.sleep(0.1)


def test_listings_past_the_resident_cap_give_the_room_back() -> None:
    sidecar = start_sidecar("--max-resident-workers", "2", "--warm-workers", "1")
    try:
        stub = sidecar.stub()
        slow = "class Slow:\n    def __repr__(self):\n        sleep(2); return 'slow'\n"
        hibernated, busy = create_session(stub), [create_session(stub), create_session(stub)]
        run(stub, "n = 0", hibernated)
        for session in busy:
            run(stub, slow + "s = Slow()", session)
        listings = [
            stub.ListVariables.future(pb.ListVariablesRequest(session_id=s), timeout=60)
            for s in busy
        ]
        time.sleep(0.5)
        # Every resident session is busy listing: this one passes the cap to be restored...
        woken = stub.ListVariables(pb.ListVariablesRequest(session_id=hibernated), timeout=60)
        assert [v.name for v in woken.variables] == ["n"]
        assert all(f.result().variables for f in listings)
        # ...and once the listings rest, the cap holds again.
        assert _resident(stub, at_most=2, within=15) <= 2
    finally:
        stop_and_check(sidecar)


def test_a_clone_at_the_resident_cap_does_not_hibernate_its_source() -> None:
    sidecar = start_sidecar("--max-resident-workers", "2", "--warm-workers", "1")
    try:
        stub = sidecar.stub()
        source, other = create_session(stub), create_session(stub)
        run(stub, "kept = 7", source)
        run(stub, "other = 1", other)  # the source is now the least recently used
        pid = worker_pid(stub, source)
        clone = stub.CloneSession(pb.CloneSessionRequest(session_id=source), timeout=60).session
        assert worker_pid(stub, source) == pid  # not hibernated and restored to make room
        assert value(stub, clone.session_id, "kept") == "7"
    finally:
        stop_and_check(sidecar)


def test_interrupt_by_request_id_drops_a_queued_evaluation(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    blocker = _occupy(stub, session, "sleep(3r)\nfirst = 1")
    queued = pb.EvaluateRequest(session_id=session, code="dropped = 1", request_id="drop-me")
    failures: list[grpc.RpcError] = []

    def follow() -> None:
        try:
            list(stub.Evaluate(queued, timeout=60))
        except grpc.RpcError as error:
            failures.append(error)

    follower = threading.Thread(target=follow)
    follower.start()
    time.sleep(0.5)
    interrupted = stub.Interrupt(pb.InterruptRequest(session_id=session, request_id="drop-me"))
    follower.join(30)
    blocker.join(30)
    assert interrupted.interrupted
    assert [f.code() for f in failures] == [grpc.StatusCode.CANCELLED]
    assert "never ran" in str(failures[0].details())
    assert value(stub, session, "(first, 'dropped' in globals())") == "(1, False)"
