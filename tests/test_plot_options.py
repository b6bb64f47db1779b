"""The hints for matplotlib's plot options give Sage's, which a real plot takes.

Each way in `plot_options` is passed to a real plot in a worker, so that no hint is advice
that fails; and each option it answers for is checked to be one Sage's plot refuses, so that
no entry hides an option that works. And label=, which plot() takes and drops, gets a
note."""

from __future__ import annotations

import pytest
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc
from sage_sidecar import plot_options

from tests.helpers import evaluate, finished_of, one, stderr_of, value


@pytest.mark.parametrize("way", sorted(set(plot_options.WAYS.values())))
def test_each_way_a_hint_gives_is_an_option_sages_plot_takes(
    stub: sage_pb2_grpc.SageServiceStub, way: str
) -> None:
    events = evaluate(stub, f"plot(sin(x), (x, 0, 1), {way}).matplotlib();")
    assert finished_of(events).status == pb.EVALUATION_STATUS_OK, events


def test_every_option_a_hint_answers_for_is_one_sages_plot_refuses(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """As line() refuses them: plot() itself takes label=, and drops it."""
    options = sorted(plot_options.WAYS)
    code = (
        "taken = []\n"
        f"for option in {options!r}:\n"
        "    try:\n"
        "        line([(0, 0), (1, 1)], **{option: 1}).matplotlib()\n"
        "        taken.append(option)\n"
        "    except RuntimeError:\n"
        "        pass\n"
        "taken"
    )
    assert value(stub, "", code) == "[]"


def test_a_matplotlib_option_given_to_a_plot_gets_sages_name_for_it(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = one(evaluate(stub, "plot(sin(x), (x, 0, 1), xlabel='x')"), "error").error
    assert error.ename == "RuntimeError"
    assert error.traceback.endswith(
        "option 'xlabel' not valid\nSage's plots take this option under another name: "
        "axes_labels=['x', 'y'], as in plot(sin(x), (x, 0, 1), axes_labels=['x', 'y']).\n"
    )
    # label=, which line() refuses where plot() drops it.
    error = one(evaluate(stub, "line([(0, 0), (1, 1)], label='l')"), "error").error
    assert error.traceback.endswith(
        "option 'label' not valid\nSage's plots take this option under another name: "
        "legend_label='sin(x)', as in plot(sin(x), (x, 0, 1), legend_label='sin(x)').\n"
    )
    # An option with no entry is refused as before.
    error = one(evaluate(stub, "plot(sin(x), (x, 0, 1), frobnicate=1)"), "error").error
    assert error.traceback.endswith("option 'frobnicate' not valid\n")


def test_a_plot_given_matplotlibs_label_gets_a_note_that_it_draws_no_legend(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    events = evaluate(stub, "plot(sin(x), (x, 0, 1), label='sin')")
    assert stderr_of(events) == (
        "Note: Sage's plots drop label= and draw no legend for it: the legend entry is "
        "legend_label='sin', as in plot(sin(x), (x, 0, 1), legend_label='sin').\n"
    )
    # With Sage's own, or in code that has not run, nothing is said.
    for code in (
        "plot(sin(x), (x, 0, 1), legend_label='sin')",
        "def later():\n    return plot(sin(x), (x, 0, 1), label='sin')",
    ):
        assert stderr_of(evaluate(stub, code)) == "", code
