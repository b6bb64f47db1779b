"""Cells that misbehave toward the worker itself get an in-band answer; the worker lives on.

Each test checks the session's worker process is the same one afterwards and that its
variables are intact: a worker that died would have been replaced and restored, hiding the
failure from the events alone.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import (
    create_session,
    evaluate,
    finished_of,
    kinds,
    one,
    stdout_of,
    value,
    worker_pid,
)

OK = pb.EVALUATION_STATUS_OK
ERROR = pb.EVALUATION_STATUS_ERROR


@pytest.fixture
def session(stub: sage_pb2_grpc.SageServiceStub) -> str:
    session = create_session(stub)
    evaluate(stub, "kept = 42", session)
    return session


def test_interrupts_that_land_as_cells_end_never_break_the_worker(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """A timeout of a microsecond interrupts each cell at some moment around its end: in it,
    or just after, while the worker sends its answer or waits for the next cell."""
    worker = worker_pid(stub, session)
    evaluate(stub, "n = 0", session)
    completed = 0
    for _ in range(40):
        events = evaluate(stub, "n = n + 1", session, timeout=1e-6)
        finished = finished_of(events)
        assert finished.status in (OK, pb.EVALUATION_STATUS_TIMED_OUT), events
        assert finished.state_preserved
        completed += finished.status == OK
    assert worker_pid(stub, session) == worker
    # An interrupt cysignals recorded between cells must not stop a later one inside PARI.
    assert value(stub, session, "factor(2^128 + 1)") == "59649589127497217 * 5704689200685129054721"
    assert int(value(stub, session, "n")) >= completed
    assert value(stub, session, "kept") == "42"


def test_interrupts_that_keep_coming_while_a_cell_cleans_up_keep_the_worker(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Interrupts sent again (the server's resend, another caller's) may land while the
    interrupted or failed cell cleans up: closing its pyplot figures takes a few ms here. Or
    while the first one unwinds the cell, and as the worker catches it: sent while the
    figures are still being made."""
    worker = worker_pid(stub, session)
    evaluate(stub, "import matplotlib.pyplot as plt", session)
    interrupted, failed = pb.EVALUATION_STATUS_INTERRUPTED, pb.EVALUATION_STATUS_ERROR
    for ending, wait, outcomes in (
        ("while True: pass", 1.5, {interrupted, failed}),
        ("while True: 1/0", 1.5, {interrupted, failed}),
        ("1", 0.2, {interrupted, failed, pb.EVALUATION_STATUS_OK}),  # OK on a very fast machine
    ):
        code = f"figures = [plt.figure() for _ in range(300)]\n{ending}"
        call = stub.Evaluate(pb.EvaluateRequest(session_id=session, code=code), timeout=120)
        assert next(call).HasField("started")
        time.sleep(wait)
        for _ in range(400):
            os.kill(worker, signal.SIGINT)
            time.sleep(0.0005)
        assert finished_of(list(call)).status in outcomes, ending
        assert worker_pid(stub, session) == worker  # not a worker lost, and the cell rolled back
    assert value(stub, session, "kept") == "42"


def test_a_cell_that_forks_leaves_one_worker_answering(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    worker = worker_pid(stub, session)
    forked = value(stub, session, "import os\nchild = os.fork()\nkept = 43\nchild")
    assert int(forked) > 0  # the worker's answer, not the copy's (where fork returns 0)
    answers = {value(stub, session, "kept += 1\n(os.getpid(), kept)") for _ in range(6)}
    assert answers == {f"({worker}, {n})" for n in range(44, 50)}


# Errors that the hints under a traceback read, as well as any other.
@pytest.mark.parametrize("base", ["Exception", "TypeError", "EOFError", "NameError"])
def test_an_exception_whose_str_raises_is_reported_in_band(
    stub: sage_pb2_grpc.SageServiceStub, session: str, base: str
) -> None:
    worker = worker_pid(stub, session)
    code = (
        f"class Opaque({base}):\n    def __str__(self):\n        raise RuntimeError\nraise Opaque()"
    )
    events = evaluate(stub, code, session)
    assert kinds(events) == ["started", "error", "finished"]
    assert one(events, "error").error.ename == "Opaque"
    assert finished_of(events).status == ERROR
    assert worker_pid(stub, session) == worker
    assert value(stub, session, "kept") == "42"


@pytest.mark.parametrize(
    "breakage",
    ["sys.stdout = None", "sys.stdout = object()", "sys.stderr = 42"],
)
def test_a_cell_that_replaces_its_output_streams_does_not_break_the_worker(
    stub: sage_pb2_grpc.SageServiceStub, session: str, breakage: str
) -> None:
    worker = worker_pid(stub, session)
    assert finished_of(evaluate(stub, f"import sys\n{breakage}", session)).status == OK
    events = evaluate(stub, "print('printed')\nkept", session)
    assert stdout_of(events) == "printed\n"  # each cell starts with the worker's own streams
    assert one(events, "result").result.text_plain == "42"
    assert worker_pid(stub, session) == worker


def test_a_lone_surrogate_in_an_exception_message_arrives_escaped(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Protobuf strings must be UTF-8; a Python string need not be."""
    worker = worker_pid(stub, session)
    events = evaluate(stub, "kept = 43\nraise ValueError('\\ud800')", session)
    assert one(events, "error").error.evalue == "\\ud800"
    assert finished_of(events).status == ERROR
    assert value(stub, session, "kept") == "43"
    assert worker_pid(stub, session) == worker


def test_latex_far_longer_than_the_plain_text_is_left_out(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    events = evaluate(stub, "matrix(ZZ, 150, 150, lambda i, j: i * j + 10^6)", session)
    result = one(events, "result").result
    assert "150 x 150 dense matrix" in result.text_plain
    assert result.text_latex == ""  # hundreds of KB of LaTeX would tell a model nothing
    assert one(evaluate(stub, "x^2", session), "result").result.text_latex == "x^{2}"


def test_latex_that_draws_rather_than_writes_is_left_out(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """A tableau's LaTeX draws its boxes (\\raisebox, \\multicolumn), a binary tree's is TikZ:
    neither is mathematics a client can typeset."""
    for code, plain in (
        ("Tableau([[1, 2], [3]])", "[[1, 2], [3]]"),
        ("Partitions(3).list()", "[[3], [2, 1], [1, 1, 1]]"),
        ("BinaryTree([[], None])", "[[., .], .]"),
    ):
        result = one(evaluate(stub, code, session), "result").result
        assert result.text_plain == plain, code
        assert result.text_latex == "", code
    # A partition's own, a set partition, is written, not drawn.
    result = one(evaluate(stub, "SetPartition([[1, 2], [3]])", session), "result").result
    assert result.text_latex == "\\{\\{1, 2\\}, \\{3\\}\\}"


def test_an_exception_type_with_a_huge_name_is_cut(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    events = evaluate(stub, "raise type('E' * 10^6, (Exception,), {})('m')", session)
    error = one(events, "error").error
    assert error.ename.startswith("EEEE")
    assert len(error.ename) < 1000
    assert error.evalue == "m"
