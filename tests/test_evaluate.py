"""Evaluate against a real sidecar and real Sage: streaming, rich output, errors, interrupts."""

from __future__ import annotations

import ast
import re
import threading
import time
from importlib.metadata import version

import grpc
import pytest
from sage_services.api.sage.v1 import sage_pb2 as pb
from sage_services.api.sage.v1 import sage_pb2_grpc

from tests.helpers import (
    ANIMATION,
    SidecarProcess,
    create_session,
    evaluate,
    finished_of,
    gif_frames,
    kinds,
    last_line_of_error,
    one,
    say_nothing,
    stderr_of,
    stdout_of,
    streamed,
    value,
    worker_pid,
)

OK = pb.EVALUATION_STATUS_OK


@pytest.fixture
def session(stub: sage_pb2_grpc.SageServiceStub) -> str:
    return create_session(stub)


def test_issue_example_streams_lines_then_factors(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    code = "for i in range(3):\n    print(i); sleep(1)\nfactor(2^64+1)"
    call = stub.Evaluate(pb.EvaluateRequest(session_id=session, code=code), timeout=60)
    arrivals = [(t, e) for t, e in streamed(call)]
    events = [e for _, e in arrivals]
    assert kinds(events) == ["started", "stdout", "stdout", "stdout", "result", "finished"]
    assert [e.stdout.text for e in events if e.HasField("stdout")] == ["0\n", "1\n", "2\n"]
    times = [t for t, e in arrivals if e.HasField("stdout")]
    assert 0.7 < times[1] - times[0] < 2.0
    assert 0.7 < times[2] - times[1] < 2.0
    assert one(events, "result").result.text_plain == "274177 * 67280421310721"
    assert finished_of(events).status == OK


def test_first_chunk_arrives_well_before_finished(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    code = "print('early')\nsleep(2)\nprint('late')"
    call = stub.Evaluate(pb.EvaluateRequest(session_id=session, code=code), timeout=60)
    arrivals = list(streamed(call))
    first_output = next(t for t, e in arrivals if e.HasField("stdout"))
    finished = next(t for t, e in arrivals if e.HasField("finished"))
    assert finished - first_output > 1.5


def test_variables_persist_between_evaluations(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, "R.<x> = QQ[]\nf = (x^2 - 1)^2", session)
    events = evaluate(stub, "f.factor()", session)
    assert one(events, "result").result.text_plain == "(x - 1)^2 * (x + 1)^2"
    assert one(events, "started").started.execution_count == 2


def test_preparser_applies(stub: sage_pb2_grpc.SageServiceStub) -> None:
    events = evaluate(stub, "a = 2^10\nb = [1..5]\n(a, b, 1/3 + 1/6)")
    assert one(events, "result").result.text_plain == "(1024, [1, 2, 3, 4, 5], 1/2)"


def test_an_example_pasted_with_its_prompts_runs_as_in_the_console(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    # As Sage's documentation shows it; without the console's clean-up, `sage: ...` is a
    # Python annotation that does nothing.
    code = "sage: R.<x> = QQ[]\nsage: for e in [2, 4]:\n....:     print(x^e - 1)\nsage: x^2 - 1"
    events = evaluate(stub, code)
    assert stdout_of(events) == "x^2 - 1\nx^4 - 1\n"
    assert one(events, "result").result.text_plain == "x^2 - 1"
    assert one(evaluate(stub, ">>> 6 * 7"), "result").result.text_plain == "42"


def test_code_sent_as_a_markdown_code_block_runs_without_its_fences(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    events = evaluate(stub, "```python\nfactor(2^64 + 1)\n```")
    assert one(events, "result").result.text_plain == "274177 * 67280421310721"
    error = one(evaluate(stub, "```sage\na = 1\na / 0\n```"), "error").error
    assert error.ename == "ZeroDivisionError"
    assert 'File "<cell 1>", line 3' in error.traceback  # as written, fence included


def test_a_pasted_example_that_fails_is_quoted_as_written_at_its_own_line(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = one(evaluate(stub, "\nsage: a = 1\nsage: a / 0"), "error").error
    assert error.ename == "ZeroDivisionError"
    assert "line 3" in error.traceback
    assert "sage: a / 0" in error.traceback


def test_a_trailing_semicolon_silences_the_value_as_in_the_console(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    assert value(stub, session, "6 * 7") == "42"
    events = evaluate(stub, "print('printed'); factor(2^64 + 1);", session)
    assert kinds(events) == ["started", "stdout", "finished"]
    assert finished_of(events).status == OK
    assert kinds(evaluate(stub, "plot(sin(x), (x, 0, 1));", session)) == ["started", "finished"]
    assert value(stub, session, "_") == "42"  # a silenced value is not the last one shown


def test_matrix_result_reads_as_in_the_console(stub: sage_pb2_grpc.SageServiceStub) -> None:
    events = evaluate(stub, "matrix(GF(7), [[1,2],[3,4]])^-1")
    assert one(events, "result").result.text_plain == "[5 1]\n[5 3]"


def test_symbolic_result_carries_latex(stub: sage_pb2_grpc.SageServiceStub) -> None:
    events = evaluate(stub, "integrate(x^2 * sin(x), x)")
    result = one(events, "result").result
    assert result.text_plain == "-(x^2 - 2)*cos(x) + 2*x*sin(x)"
    assert (
        result.text_latex
        == "-{\\left(x^{2} - 2\\right)} \\cos\\left(x\\right) + 2 \\, x \\sin\\left(x\\right)"
    )


# Values of every type whose text skips Sage's display manager, with their awkward cases.
_PLAIN_VALUES = [
    "2^300", "-7", "3/7", "int(-5)", "2.5", "float(1/3)", "1e300", "RealField(100)(pi)",
    "CC(1, -2)", "complex(1, 2)", "True", "'it\\'s \"quoted\"\\n\\ttabbed'", "'ünïcode'",
    "x^2 - 1", "integrate(x*sin(x), x)", "sqrt(2)/2", "pi", "e^(I*pi/3)",
    "sum(x^n for n in range(60))",
]  # fmt: skip
_SET_TEXT_PREFERENCE = (
    "from sage.repl.rich_output import get_display_manager\n"
    "get_display_manager().preferences.text = {!r}"
)


def test_plain_values_read_as_sage_display_manager_prints_them(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    def texts() -> list[str]:
        return [one(evaluate(stub, v, session), "result").result.text_plain for v in _PLAIN_VALUES]

    quick = texts()
    # 'plain' is the default text form, but it sends every value through the display manager.
    evaluate(stub, _SET_TEXT_PREFERENCE.format("plain"), session)
    assert quick == texts()


def test_text_display_preference_applies_to_plain_values(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, _SET_TEXT_PREFERENCE.format("ascii_art"), session)
    result = one(evaluate(stub, "x^2 - 1", session), "result").result
    assert result.text_plain == " 2    \nx  - 1"


def test_plot_is_a_png_display_event(stub: sage_pb2_grpc.SageServiceStub) -> None:
    events = evaluate(stub, "plot(sin(x), (x, 0, 2*pi))")
    display = one(events, "display").display
    assert display.mime_type == "image/png"
    assert display.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert "Graphics object" in display.text_plain
    assert finished_of(events).status == OK


def test_an_animation_comes_back_as_a_gif_of_every_frame_and_as_a_video_when_asked(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Sage makes animations with ffmpeg, which a pip install of Sage does not bring."""
    events = evaluate(stub, f"{ANIMATION}\na", session, timeout=120)
    display = one(events, "display").display
    assert display.mime_type == "image/gif"
    assert gif_frames(display.data) == 4
    assert one(events, "result").result.text_plain == "Animation with 4 frames"
    saved = "a.save('a.mp4')\nimport os\nos.path.getsize('a.mp4') > 1000"
    assert value(stub, session, saved) == "True"
    # Shown as a video, as a notebook would play it.
    video = one(evaluate(stub, "a.show(format='mp4')", session, timeout=120), "display").display
    assert video.mime_type == "video/mp4"
    assert video.data[4:8] == b"ftyp"
    assert video.text_plain == "Animation with 4 frames"


def test_show_during_a_cell_displays_in_order(stub: sage_pb2_grpc.SageServiceStub) -> None:
    events = evaluate(stub, "print('before')\nshow(plot(x^2))\nprint('after')")
    assert kinds(events) == ["started", "stdout", "display", "stdout", "finished"]


def test_pyplot_figures_come_back_as_png_displays_before_the_result(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    events = evaluate(stub, (
        "import matplotlib.pyplot as plt\nprint('before')\nplt.plot([1, 2, 3])\nplt.show()\n"
        "print('after')\nfigure = plt.figure()\nplt.plot([3, 2, 1])\n7"
    ), session)  # fmt: skip
    assert kinds(events) == ["started", "stdout", "display", "stdout", "display", "result",
                             "finished"]  # fmt: skip
    for display in (e.display for e in events if e.HasField("display")):
        assert display.mime_type == "image/png"
        assert display.data.startswith(b"\x89PNG\r\n\x1a\n")
        assert "Figure" in display.text_plain
    assert "Warning" not in stdout_of(events)
    assert kinds(evaluate(stub, "plt.get_fignums()", session)) == ["started", "result", "finished"]


def test_a_failing_cell_still_shows_its_pyplot_figures_and_leaves_none_open(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    events = evaluate(stub, "import matplotlib.pyplot as plt\nplt.plot([1, 2])\n1/0", session)
    assert kinds(events) == ["started", "display", "error", "finished"]
    assert kinds(evaluate(stub, "plt.get_fignums()", session)) == ["started", "result", "finished"]


def test_values_with_no_latex_form_carry_no_latex(stub: sage_pb2_grpc.SageServiceStub) -> None:
    for code in (
        "'some text'",
        "'two\\nlines'",
        "import matplotlib.pyplot as plt\nplt.figure()",
        "import numpy\nnumpy.arange(4).reshape(2, 2)",  # a repr of two lines
    ):
        result = one(evaluate(stub, code), "result").result
        assert result.text_plain
        assert result.text_latex == "", code


def test_output_printed_from_c_is_captured(stub: sage_pb2_grpc.SageServiceStub) -> None:
    events = evaluate(
        stub, "pari('print(\"from PARI\")')\nimport os\nos.system('echo from a child')"
    )
    out = stdout_of(events)
    assert "from PARI\n" in out
    assert "from a child\n" in out


def test_stderr_is_its_own_stream(stub: sage_pb2_grpc.SageServiceStub) -> None:
    events = evaluate(stub, "import sys\nprint('oops', file=sys.stderr)")
    assert [e.stderr.text for e in events if e.HasField("stderr")] == ["oops\n"]


def test_exception_is_reported_in_band(stub: sage_pb2_grpc.SageServiceStub) -> None:
    events = evaluate(stub, "y = 1\nz = y / 0")
    assert kinds(events) == ["started", "error", "finished"]
    error = one(events, "error").error
    assert error.ename == "ZeroDivisionError"
    assert error.evalue == "rational division by zero"
    assert 'File "<cell' in error.traceback
    assert "z = y / 0" in error.traceback
    assert "sage_sidecar" not in error.traceback
    assert finished_of(events).status == pb.EVALUATION_STATUS_ERROR


def test_a_long_session_keeps_the_source_of_recent_cells_only(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Tracebacks quote the cells they pass through, so the worker keeps cells' source; a
    session that runs for days must not keep all of it. Past a budget (8 MiB), the oldest
    cells' source is forgotten and their frames show no source line."""
    evaluate(stub, "def fail():\n    raise ValueError('raised in an early cell')", session)
    early = one(evaluate(stub, "fail()", session), "error").error
    assert "raise ValueError('raised in an early cell')" in early.traceback
    filler = "\n".join(["# " + "x" * 1000] * 1000)  # about 1 MB of comments
    for _ in range(9):
        assert finished_of(evaluate(stub, filler, session)).status == OK
    late = one(evaluate(stub, "fail()", session), "error").error
    assert late.ename == "ValueError"
    assert "raise ValueError" not in late.traceback
    assert "fail()" in late.traceback  # the cell that just ran is still quoted


def test_syntax_error_is_reported_in_band(stub: sage_pb2_grpc.SageServiceStub) -> None:
    events = evaluate(stub, "1 +* 2")
    assert one(events, "error").error.ename == "SyntaxError"
    assert finished_of(events).status == pb.EVALUATION_STATUS_ERROR


def test_syntax_error_quotes_the_line_as_written_not_as_preparsed(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = one(evaluate(stub, "a = 1\nf(x) = x^2 +"), "error").error
    assert "f(x) = x^2 +" in error.traceback
    assert "symbolic_expression" not in error.traceback  # the preparser's rewrite
    assert "^" not in error.traceback.replace("x^2", "")  # no caret at a preparsed column


def test_time_magic_times_preparsed_code_and_gives_its_value(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    events = evaluate(stub, "%time factor(2^64 + 1)", session)
    assert re.fullmatch(
        r"CPU times: user [\d.]+ \S+, sys: [\d.]+ \S+, total: [\d.]+ \S+\n"
        r"Wall time: [\d.]+ \S+\n",
        stdout_of(events),
    )
    assert one(events, "result").result.text_plain == "274177 * 67280421310721"
    # A statement binds in the session; a later line, or `x = %time`, goes on as usual.
    events = evaluate(stub, "%time b = 2^10\nc = %time b + 1\nc", session)
    assert stdout_of(events).count("Wall time") == 2
    assert one(events, "result").result.text_plain == "1025"
    # %%time: the whole cell, whose last value shows.
    events = evaluate(stub, "%%time\nd = 3\nd^2", session)
    assert "Wall time" in stdout_of(events)
    assert one(events, "result").result.text_plain == "9"
    # An error in timed code reads as one in the cell, with the line as written.
    error = one(evaluate(stub, "%%time\ne = 1\ne / 0", session), "error").error
    assert error.ename == "ZeroDivisionError"
    assert "e / 0" in error.traceback
    assert "magics.py" not in error.traceback  # the frames of what ran it are ours
    error = one(evaluate(stub, "%%time f = 1\nf", session), "error").error
    assert (error.ename, error.evalue) == (
        "UsageError",
        "Can't use statement directly after '%%time'!",
    )


def test_timeit_magic_times_preparsed_code(stub: sage_pb2_grpc.SageServiceStub) -> None:
    # As IPython's %timeit, which is the console's, says it.
    per_loop = r"[\d.]+ \S+ ± [\d.]+ \S+ per loop \(mean ± std\. dev\. of "
    events = evaluate(stub, "%timeit -n 10 -r 2 2^10")
    assert re.fullmatch(per_loop + r"2 runs, 10 loops each\)\n", stdout_of(events))
    # The setup on the first line of %%timeit, then the body timed; the body sees the setup's.
    events = evaluate(stub, "%%timeit -n 5 y = 7\ny^2")
    assert re.fullmatch(per_loop + r"7 runs, 5 loops each\)\n", stdout_of(events))
    # As many loops as take 0.2 s, from one: a slow statement runs once per run.
    session = create_session(stub)
    events = evaluate(stub, "timed = %timeit -o -q -r 2 sleep(0.25r)\ntimed.loops", session)
    assert (stdout_of(events), one(events, "result").result.text_plain) == ("", "1")
    error = one(evaluate(stub, "%timeit -z 1"), "error").error
    assert error.ename == "UsageError"
    assert "-n, -r, -p, -o and -q" in error.evalue


def test_run_runfile_and_attach_magics_run_a_file_in_the_session(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, (
        "open('args.py', 'w').write('import sys\\ngiven = sys.argv[1:]\\nhalf = 1/2\\n')\n"
        "open('prog.sage', 'w').write('half_sage = 1/2\\n')"
    ), session)  # fmt: skip
    evaluate(stub, "%run args.py 'two words' 3\n%runfile prog.sage", session)
    # The .py file as Python, the .sage one preparsed: 1/2 is a Rational there.
    assert value(stub, session, "given, half, half_sage") == "(['two words', '3'], 0.5, 1/2)"
    evaluate(stub, "%attach prog.sage", session)
    assert value(stub, session, "attached_files()[0].endswith('prog.sage')") == "True"
    error = one(evaluate(stub, "%run", session), "error").error
    assert error.ename == "UsageError"
    assert error.evalue.startswith("%run needs a file name")


def test_who_and_whos_list_what_the_session_bound(stub: sage_pb2_grpc.SageServiceStub) -> None:
    session = create_session(stub)
    assert stdout_of(evaluate(stub, "%who", session)) == "Interactive namespace is empty.\n"
    evaluate(stub, "import os\nn = 2^10\nR.<t> = QQ[]\n_hidden = 1", session)
    assert stdout_of(evaluate(stub, "%who", session)) == "R\tn\tt\n"
    assert stdout_of(evaluate(stub, "%whos", session)).splitlines() == [
        "Variable   Type                                 Data/Info",
        "---------------------------------------------------------",
        "R          PolynomialRing_field_with_category   "
        "Univariate Polynomial Ring in t over Rational Field",
        "n          Integer                              1024",
        "t          Polynomial_rational_flint            t",
    ]


def test_other_magics_say_which_there_are(stub: sage_pb2_grpc.SageServiceStub) -> None:
    for code in (
        "%config InlineBackend.figure_format = 'svg'",
        "%%html\n<b>x</b>",
        "%load_ext foo",
    ):
        error = one(evaluate(stub, code), "error").error
        assert error.ename == "UsageError", code
        assert "is not supported here" in error.evalue
        assert "%time, %timeit" in error.evalue
        assert error.traceback == f"UsageError: {error.evalue}\n"  # as IPython shows it


def test_matplotlib_magic_as_notebook_code_starts_lets_the_figures_come_back(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    code = (
        "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2], [3, 4]); plt.show()"
    )
    events = evaluate(stub, code)
    assert one(events, "display").display.mime_type == "image/png"
    assert stderr_of(events) == ""
    events = evaluate(stub, "%matplotlib widget")
    assert finished_of(events).status == pb.EVALUATION_STATUS_OK
    assert stderr_of(events) == (
        "Note: %matplotlib widget does nothing here: figures come back as PNG images, as with "
        "%matplotlib inline.\n"
    )


def test_display_magic_sets_the_text_of_values_as_in_the_console_and_latex_is_there_already(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Notebook code starts with `%display latex`, which made the whole cell fail."""
    events = evaluate(stub, "%display latex", session)
    assert finished_of(events).status == OK
    assert stderr_of(events) == (
        "Note: %display latex changes nothing here: each value comes back as text and, where "
        "Sage has it, as LaTeX beside it already. %display ascii_art and unicode_art change "
        "the text.\n"
    )
    result = one(evaluate(stub, "x^2 - 1", session), "result").result
    assert (result.text_plain, result.text_latex) == ("x^2 - 1", "x^{2} - 1")
    evaluate(stub, "%display ascii_art", session)
    assert value(stub, session, "x^2 - 1") == " 2    \nx  - 1"
    evaluate(stub, "%display plain", session)
    assert value(stub, session, "x^2 - 1") == "x^2 - 1"
    # Sage's own words for a mode it lacks.
    events = evaluate(stub, "%display bogus", session)
    assert "got bogus" in stdout_of(events)


def test_view_without_latex_says_where_the_latex_is_instead(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """view() runs LaTeX to typeset, and no LaTeX is installed with Sage here."""
    error = one(evaluate(stub, "view(x^2)"), "error").error
    assert error.ename == "FeatureNotPresentError"
    assert error.traceback.endswith(
        "\nThere is no LaTeX installation here to typeset with: latex(x^2) gives the LaTeX "
        "source, which every result carries beside its text already, and plots come back as "
        "images.\n"
    )
    # As the hint says.
    assert one(evaluate(stub, "x^2"), "result").result.text_latex == "x^{2}"


def test_the_html_manuals_say_where_documentation_is_instead(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """A pip install of Sage has no HTML manuals; Sage's message says to build them."""
    for code in ("tutorial()", "manual()"):
        error = one(evaluate(stub, code), "error").error
        assert error.traceback.endswith(
            "and try again.\nSage's HTML manuals are not installed here, and a cell opens no "
            "browser: name? shows a function's documentation and name?? its source, as "
            "factor? and factor??.\n"
        ), code


def test_reset_clears_the_session_as_in_the_console_and_keeps_it_working(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Sage's reset() restores from sage.all's module dict: it took the session's attach()
    with it, and made __name__ "sage.all"."""
    assert value(stub, session, "show_identifiers()") == "[]"
    evaluate(stub, "a = 5; import numpy as np; x = 3; assume(x > 0)", session)
    assert finished_of(evaluate(stub, "reset()", session)).status == OK
    assert value(stub, session, "show_identifiers()") == "[]"
    assert value(stub, session, "x, __name__, assumptions(), 'np' in globals()") == (
        "(x, '__main__', [], False)"
    )
    code = "open('after_reset.sage', 'w').write('r = 2^5\\n')\nattach('after_reset.sage')\nr"
    assert value(stub, session, code) == "32"
    # One name back, or all of Sage's, the user's kept.
    assert value(stub, session, "pi = 3; reset('pi'); pi") == "pi"
    assert value(stub, session, "e = 1; kept = 2; restore(); e, kept") == "(e, 2)"
    # A star import of Sage's brings Sage's own attach and reset, which work on sage.all's
    # namespace; the session keeps its own.
    evaluate(stub, "from sage.all import *", session)
    code = "open('after_import.sage', 'w').write('t = 3^3\\n')\nattach('after_import.sage')\nt"
    assert value(stub, session, code) == "27"
    assert value(stub, session, "reset(); __name__, show_identifiers()") == "('__main__', [])"
    # IPython's %reset says what there is instead.
    error = one(evaluate(stub, "%reset -f", session), "error").error
    assert error.evalue.startswith("IPython's %reset is not supported here: reset() clears")


def test_question_marks_show_documentation_and_source(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    events = evaluate(stub, "factor?", session)
    # Documentation is printed, not a value: stdout only (in as many chunks as it streams).
    assert set(kinds(events)) == {"started", "stdout", "finished"}
    text = stdout_of(events)
    assert text.startswith("Signature: factor(n, proof=None")
    assert "Return the factorization of" in text
    assert "def factor(" not in text
    assert "def factor(n, proof=None" in stdout_of(evaluate(stub, "factor??", session))
    text = stdout_of(evaluate(stub, "R.<x> = QQ[]\nR.gens?", session))
    assert "generators" in text
    assert stdout_of(evaluate(stub, "nothing_by_this_name?")) == (
        "Object `nothing_by_this_name` not found.\n"
    )


def test_shell_escapes_run_commands(stub: sage_pb2_grpc.SageServiceStub, session: str) -> None:
    events = evaluate(stub, "!echo out; echo err >&2", session)
    assert stdout_of(events) == "out\n"
    assert stderr_of(events) == "err\n"
    events = evaluate(stub, "lines = !printf 'a\\nb\\n'\nlines", session)
    assert one(events, "result").result.text_plain == "['a', 'b']"
    assert stdout_of(evaluate(stub, "sage: !echo pasted")) == "pasted\n"
    # Escapes reach a shell of their own: code that finds `get_ipython` (Sage's attach(),
    # SymPy's init_printing()) would take the worker for a whole IPython.
    assert one(evaluate(stub, "get_ipython()"), "error").error.ename == "NameError"


def test_time_prefix_of_the_console_gets_a_hint(stub: sage_pb2_grpc.SageServiceStub) -> None:
    error = one(evaluate(stub, "time factor(2^64 + 1)"), "error").error
    assert error.ename == "SyntaxError"
    assert "write %time here" in error.traceback


def test_installing_or_importing_a_package_not_there_gets_a_hint_of_what_there_is_instead(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    for code in (
        "%pip install pandas",
        "!pip install pandas",
        "pip install pandas",
        "!sage -pip install pandas",
        "%conda install pandas",
        "!uv pip install pandas",
    ):
        error = one(evaluate(stub, code), "error").error
        # A magic or shell escape, or no Python at all.
        assert error.ename in ("UsageError", "SyntaxError"), code
        assert "Installing packages from a cell is not supported" in error.traceback, code
    # An import of a package that is not there says so too, which saves trying to install it;
    # a missing part of a package that is there gets Python's message alone.
    error = one(evaluate(stub, "import pandas as pd"), "error").error
    assert error.ename == "ModuleNotFoundError"
    assert error.traceback.endswith(
        "No module named 'pandas'\npandas is not installed here. Installing packages from a "
        "cell is not supported here: Sage code runs in sandboxed workers of a fixed "
        "installation. Sage and its usual companions (numpy, scipy, sympy, networkx, "
        "matplotlib...) are there to import; anything else has to be installed in the "
        "sidecar's environment by whoever runs it.\n"
    )
    error = one(evaluate(stub, "import scipy.optimise"), "error").error
    assert error.traceback.endswith("No module named 'scipy.optimise'\n")


def test_installing_packages_installed_already_does_nothing_but_say_so(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """As pip does, so that notebook code that starts with an install runs on; the versions
    are what pip would say is there."""
    networkx, sympy = version("networkx"), version("sympy")
    events = evaluate(stub, "!pip install -q networkx sympy\nimport networkx\n2 + 2")
    assert one(events, "result").result.text_plain == "4"
    assert stderr_of(events) == (
        f"Note: networkx {networkx}, sympy {sympy} are installed here "
        "already: nothing to install.\n"
    )
    for code in ("%pip install -U networkx", "!pip install 'sympy>=1.12' && echo done"):
        assert "installed here already: nothing to install" in stderr_of(evaluate(stub, code))
    # Any package that is not there fails the whole install, with what is there named.
    error = one(evaluate(stub, "%pip install pandas networkx"), "error").error
    assert error.ename == "UsageError"
    assert f"networkx {networkx} is installed here already, pandas not. " in (error.evalue)
    # Python's syntax error for an install without its `!` says to import instead.
    error = one(evaluate(stub, "pip install -r requirements.txt networkx"), "error").error
    assert error.traceback.endswith(
        f"networkx {networkx} is installed here already: import it, no install needed.\n"
    )


def test_a_file_the_cell_reads_that_is_not_there_gets_a_hint_on_where_code_runs(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """An agent names a file on its own machine, which the sidecar's is not."""
    hint = (
        "\nSage code here runs on the sidecar's machine, in the session's own working "
        "directory, which starts empty: files on the caller's side are not there. Put the data "
        "in the code, write the file from a cell first, or read it from a folder the sidecar is "
        "given with --worker-read-dirs.\n"
    )
    for code in (
        "open('data.csv').read()",
        "path = 'in.txt'\nopen(path).read()",
        "load('prog.sage')",
        "import numpy as np\nnp.loadtxt('q.txt')",
    ):
        assert one(evaluate(stub, code), "error").error.traceback.endswith(hint), code
    # A program that is not there is no file of the caller's.
    error = one(evaluate(stub, "import subprocess\nsubprocess.run(['nosuchprogram'])"), "error")
    assert error.error.traceback.endswith("No such file or directory: 'nosuchprogram'\n")
    # As the hint says.
    assert value(stub, "", "open('data.csv', 'w').write('1,2'); open('data.csv').read()") == (
        "'1,2'"
    )


def test_a_tracebacks_frames_in_installed_modules_are_named_by_module_path(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """As Cython's frames are (`sage/libs/ecl.pyx`): the installation's directories say
    nothing to the reader and cost a line's width in every frame."""
    sages = one(evaluate(stub, "var('n'); integrate(x^n, x)"), "error").error.traceback
    assert '\n  File "sage/misc/functional.py", line ' in sages
    assert '\n  File "sage/interfaces/maxima_lib.py", line ' in sages  # a chained one's
    pythons = one(evaluate(stub, "import json; json.loads('{')"), "error").error.traceback
    assert '\n  File "json/decoder.py", line ' in pythons
    for prefix in ("/lib/python", "site-packages"):
        assert prefix not in sages + pythons


def test_a_warning_from_an_installed_module_names_it_by_module_path(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """As tracebacks do; the warning's source line stays, as Python prints it."""
    events = evaluate(stub, "is_prime(17.0)")
    assert one(events, "result").result.text_plain == "False"
    assert re.fullmatch(
        r"sage/arith/misc\.py:\d+: UserWarning: Testing primality in Real Field .*\n"
        r"  warnings\.warn\(s\)\n",
        stderr_of(events),
    )
    # A cell's own warning is named by its cell, as before.
    events = evaluate(stub, "import warnings; warnings.warn('mine')")
    assert stderr_of(events) == (
        "<cell 1>:1: UserWarning: mine\n  import warnings; warnings.warn('mine')\n"
    )


def test_a_deprecation_is_shown_where_the_cell_meets_it_not_where_sage_calls_its_own(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """std() is deprecated, and calls variance() and mean(), deprecated too: the cell is told
    once, of its own call, not three times."""
    events = evaluate(stub, "std([1, 2, 3, 4, 5])")
    assert one(events, "result").result.text_plain == "sqrt(5/2)"
    stderr = stderr_of(events)
    assert stderr.startswith(
        "<cell 1>:1: DeprecationWarning: sage.stats.basic_stats.std is deprecated; use "
        "numpy.std or numpy.nanstd instead\nSee https://github.com/sagemath/sage/issues/29662 "
        "for details.\n  std([1, 2, 3, 4, 5])\n"
    )
    assert stderr.count("DeprecationWarning") == 1  # after it, the sample_statistics note


def test_a_tracebacks_carets_do_not_point_into_preparsed_columns(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = one(evaluate(stub, "b = 2^3 / 0"), "error").error
    assert error.ename == "ZeroDivisionError"
    assert "b = 2^3 / 0" in error.traceback
    assert "~~" not in error.traceback
    assert "^^" not in error.traceback


def test_latex_that_only_quotes_the_text_is_left_out(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    # As Sage's interfaces (gp, Singular) give their elements' LaTeX.
    code = (
        "class Quoted:\n    def __repr__(self): return '5'\n"
        "    def _latex_(self): return r'\\verb|5|'\n"
        "Quoted()"
    )
    result = one(evaluate(stub, code), "result").result
    assert (result.text_plain, result.text_latex) == ("5", "")


def test_exit_in_a_cell_does_not_end_the_session(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, "kept = 7", session)
    for code in ("import sys; sys.exit(3)", "exit()", "quit()"):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == "SystemExit"
        assert "end only the cell here, not the session" in error.traceback
    assert one(evaluate(stub, "kept", session), "result").result.text_plain == "7"


def test_sage_functions_that_reach_the_users_namespace_find_the_sessions(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    # As the console's own: `html.eval`, and `cython()` and `fortran()`, which define names.
    events = evaluate(stub, "seen = 123\nhtml.eval('<sage>seen</sage>')", session)
    assert one(events, "result").result.text_plain == "\\(123\\)"
    # And `cython()` builds in the worker's own temporary directory, not the forkserver's.
    checked = (
        "import os\nfrom sage.misc.temporary_file import spyx_tmp\n"
        "spyx_tmp().startswith(os.getcwd())"
    )
    assert value(stub, session, checked) == "True"


def test_attach_loads_into_the_session_and_reloads_a_changed_file(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    code = "open('prog.sage', 'w').write('w = 2^5\\n')\nattach('prog.sage')\nw"
    assert value(stub, session, code) == "32"
    evaluate(stub, (
        "import os, time\nopen('prog.sage', 'w').write('w = 3^3\\n')\n"
        "later = time.time() + 5\nos.utime('prog.sage', (later, later))"
    ), session)  # fmt: skip
    events = evaluate(stub, "w", session)  # as the console does before each input
    assert stdout_of(events).startswith("### reloading attached file prog.sage modified at")
    assert one(events, "result").result.text_plain == "27"


def test_an_undeclared_symbolic_variable_gets_a_hint_to_declare_it(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = one(evaluate(stub, "y^2 + 1"), "error").error
    assert error.ename == "NameError"
    assert "declare others first, as var('y')" in error.traceback
    for name in ("alpha", "theta1", "x_12"):
        error = one(evaluate(stub, f"sin({name})"), "error").error
        assert f"as var('{name}')" in error.traceback, name
    # A name whose method is called holds an object the cell forgot to make, not a variable.
    error = one(evaluate(stub, "A.det()"), "error").error
    assert "var('A')" not in error.traceback
    # x itself, deleted: "only x is predefined" would contradict what the cell sees.
    error = one(evaluate(stub, "del x\nx + 1"), "error").error
    assert error.traceback.endswith(
        "\nx, Sage's predefined symbolic variable, was deleted in this session: var('x') makes "
        "it again.\n"
    )
    # A longer name is more likely a misspelt function than a variable.
    error = one(evaluate(stub, "fcator(12)"), "error").error
    assert "var(" not in error.traceback
    # A name the session has, missing where the code that failed ran, is no misspelling.
    error = one(evaluate(stub, "exec('Integer(2) + 1', {})"), "error").error
    assert error.traceback.endswith("NameError: name 'Integer' is not defined\n")


def test_ipythons_output_history_gets_a_hint_that_underscore_is_the_last_value(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """_1 and __ were told to declare var('_1'), a variable that cannot be."""
    evaluate(stub, "2 + 2", session)
    for name, code in (("_1", "_1 * 10"), ("__", "__ + 1"), ("Out", "Out[1]")):
        assert last_line_of_error(stub, session, code, "NameError") == (
            f"{name} is IPython's history of outputs, which a session here does not keep: _ is "
            "the last value a cell showed. To use a value in later cells, give it a name, as "
            "v = ..."
        ), code
    # As the hint says.
    assert value(stub, session, "_ * 10") == "40"
    # whos, as the console's automagic runs it.
    assert last_line_of_error(stub, session, "whos", "NameError") == (
        "whos is an IPython magic, which a cell here writes with its %: %whos."
    )
    evaluate(stub, "v = 5", session)
    assert "v " in stdout_of(evaluate(stub, "%whos", session))


def test_a_session_whose_namespace_was_cleared_gets_a_hint_to_bring_sages_names_back(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Every cell with a number failed with "name 'Integer' is not defined", and no more."""
    session = create_session(stub)
    evaluate(stub, "globals().clear()", session)
    assert last_line_of_error(stub, session, "2 + 2", "NameError") == (
        "Integer is one of Sage's names that the preparser writes into code (2 is Integer(2)), "
        "and this session no longer has it: its namespace was cleared (globals().clear()), or "
        "the name deleted. `from sage.all import *` brings Sage's names back."
    )
    # As the hint says.
    assert value(stub, session, "from sage.all import *\n[1..3], solve(x^2 == 4, x)") == (
        "([1, 2, 3], [x == -2, x == 2])"
    )


def test_an_undeclared_unknown_function_gets_a_hint_to_declare_it(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """A differential equation's unknown function, written y(x) as on paper."""
    code = "desolve(diff(y(x), x) - y(x) == 0, y(x))"
    error = one(evaluate(stub, code, session), "error").error
    assert error.ename == "NameError"
    assert error.traceback.endswith(
        "To use y as an unknown function, as in a differential equation, declare it first: "
        "y = function('y').\n"
    )
    # As the hint says. A call on values, or on a string, is no unknown function's.
    assert value(stub, session, f"y = function('y')\n{code}") == "_C*e^x"
    for code in ("u(2)", "u('t')"):
        error = one(evaluate(stub, code, session), "error").error
        assert "unknown function" not in error.traceback, code
    # function(w), its name unquoted, wants the same.
    error = one(evaluate(stub, "function(w)", session), "error").error
    assert error.traceback.endswith("declare it first: w = function('w').\n")


def test_an_undeclared_name_differentiated_by_a_variable_gets_a_hint_to_make_it_a_function(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """var('y') would make diff(y, t) 0, and desolve then fails for want of a function."""
    cases = (
        ("desolve(diff(y, t) == -2*y, y, ics=[0, 1])", "y", "t"),
        ("desolve(y.diff(x) == x*y, y)", "y", "x"),
        ("eq = derivative(u, x, 2) + u == 0", "u", "x"),
    )
    for code, name, variable in cases:
        assert last_line_of_error(stub, session, f"var('t')\n{code}", "NameError") == (
            f"Declare {name} first. As an unknown function of {variable}, as in a differential "
            f"equation: {name} = function('{name}')({variable}). As a variable, var('{name}'), "
            f"its derivative by {variable} is 0."
        ), code
    # As the hint says.
    code = "y = function('y')(t)\ndesolve(diff(y, t) == -2*y, y, ics=[0, 1])"
    assert value(stub, session, code) == "e^(-2*t)"
    # A name differentiated by itself, or in a string, is no function's.
    for code in ("diff(w, w)", "print('diff(w, t)', w)"):
        error = one(evaluate(stub, code, session), "error").error
        assert error.traceback.endswith("declare others first, as var('w').\n"), code


def test_a_variable_named_as_a_python_keyword_gets_a_name_with_an_underscore(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = one(evaluate(stub, "var('lambda')"), "error").error
    assert error.traceback.endswith(
        "\nlambda is a Python keyword, which cannot name a variable: declare it as lambda_ "
        "(var('lambda_')), which prints as lambda_; latex_name= sets how it is typeset, as "
        "var('lambda_', latex_name='\\\\lambda').\n"
    )
    # As the hint says.
    assert (
        value(stub, "", "var('lambda_', latex_name='\\\\lambda'); latex(lambda_)") == "{\\lambda}"
    )


def test_e_meant_as_eulers_number_gets_a_hint_that_sage_names_it_e(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """SymPy and Mathematica name it E; Sage's E, imported at first use, is a root of unity."""
    for code in ("E^2", "2*E + 1"):
        error = one(evaluate(stub, code), "error").error
        assert error.traceback.endswith(
            "E is Sage's E function here (E(n) is an n-th root of unity), not Euler's number: "
            "that is e in Sage, as e^2 or exp(2).\n"
        ), code
    assert value(stub, "", "e^2, exp(2)") == "(e^2, e^2)"


def test_a_ring_given_to_a_symbolic_expressions_roots_gets_a_hint_to_name_it(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """A polynomial's roots() takes the ring first; a symbolic expression's takes the variable."""
    error = one(evaluate(stub, "(x^3 - 2).roots(QQbar)"), "error").error
    assert error.traceback.endswith(
        "Algebraic Field is not a valid variable\nA symbolic expression's roots() takes its "
        "variable first, and the ring by name: .roots(ring=QQbar). (A polynomial's, as of "
        "R.<t> = QQ[], takes the ring first.)\n"
    )
    assert value(stub, "", "(x^3 - 2).roots(ring=RR)") == "[(1.25992104989487, 1)]"
    assert value(stub, "", "R.<t> = QQ[]\n(t^3 - 2).roots(RR)") == "[(1.25992104989487, 1)]"


def test_a_variable_named_as_one_of_sages_functions_gets_a_hint_to_declare_it(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    for code, name in (
        ("integrate(x^n, x)", "n"),
        ("var('k'); sum(k^2, k, 1, n)", "n"),  # Sage's message names numerical_approx
        ("2*n + 1", "n"),
        ("sin(n)", "n"),
        ("beta*x", "beta"),
        ("ζ + 1", "ζ"),
        ("def g(t):\n    return t^N\ng(x)", "N"),
    ):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == "TypeError", code
        assert f"declare it first, as var('{name}')" in error.traceback, code
    assert "N is Sage's numerical_approx function here" in error.traceback
    # The cell's own function is no name Sage gave it; sin without an argument is a call
    # forgotten, not a variable meant.
    for code in ("def h(t): return t\nh + 1", "sin*x + sqrt"):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == "TypeError", code
        assert "var(" not in error.traceback, code
    # As the hint says.
    assert value(stub, session, "n = var('n'); diff(x^n, x)") == "n*x^(n - 1)"


def test_a_name_bound_to_an_expression_where_a_variable_is_wanted_gets_a_hint(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Agents lose track of what an earlier cell bound: `y` made a function of `t` for an
    ODE, then used as a variable again."""
    evaluate(stub, "var('t'); y = function('y')(t); f = x^2; a = 2*x + 1", session)
    for code, name, bound in (
        ("solve([x^2 + y^2 == 1, x == y], x, y)", "y", "y(t)"),  # Sage's message names it
        ("diff(x*y, y)", "y", "y(t)"),
        ("diff(f, a)", "a", "2*x + 1"),  # f is an expression too, but not the variable asked
        ("taylor(sin(a), a, 0, 3)", "a", "2*x + 1"),  # Maxima's message
    ):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == "TypeError", code
        assert f"{name} is {bound} here, not a symbolic variable" in error.traceback, code
        assert f"declare it, as var('{name}')" in error.traceback, code
    # As the hint says.
    assert value(stub, session, "y = var('y'); solve([x^2 + y^2 == 1, x == y], x, y)[0]") == (
        "[x == -1/2*sqrt(2), y == -1/2*sqrt(2)]"
    )
    # Looking for the hint reads the message once: a long one does not keep the cell until
    # its timeout (the search for the hint, interrupted, would end it as a plain error).
    finished = finished_of(evaluate(stub, "raise TypeError('a: ' * 3*10^5)", session, timeout=60))
    assert finished.status == pb.EVALUATION_STATUS_ERROR
    assert finished.duration.ToTimedelta().total_seconds() < 30  # seconds, where it takes ms


def test_a_name_bound_to_a_number_where_a_variable_is_wanted_gets_a_hint(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """`x = 5` to check a value, then x used as the variable again: each of Sage's errors
    speaks of 5, or of an Integer, never of x."""
    evaluate(stub, "x = 5", session)
    for code, ename in (
        ("solve(x^2 == 4, x)", "TypeError"),  # Sage's message names 5
        ("solve(x^2 - 4, x)", "TypeError"),
        ("integrate(x^2, x)", "AttributeError"),
        ("plot(x^2, (x, 0, 1))", "ValueError"),
        ("find_root(x^2 - 2, 0, 2)", "TypeError"),  # no Python function refusing a literal
        ("sum(x^2, x, 1, 10)", "TypeError"),  # "need a summation variable"
    ):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == ename, code
        assert "x is 5 here, not a symbolic variable" in error.traceback, code
        assert "raw literals" not in error.traceback, code
    # A number Sage's message names that no name holds; a number called by its own name;
    # a method misspelt on a number.
    for code in ("solve(x^2 == 4, 3)", "m = 2.5; m(3)", "k = 7; k.is_primee()"):
        error = one(evaluate(stub, code, session), "error").error
        assert "here, not a symbolic variable" not in error.traceback, code
    assert "Did you mean: 'is_prime'?" in error.traceback
    # As the hint says.
    assert value(stub, session, "x = var('x'); solve(x^2 - 4, x)") == "[x == -2, x == 2]"


def test_a_name_holding_a_number_given_to_diff_taylor_or_limit_as_its_variable_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """These do not fail, as solve does: after a loop over x, diff(x^2, x) is the derivative
    of 4 by 2, and f.diff(x) the second derivative in f's own x."""
    evaluate(stub, "var('t'); f = sin(x); g = t^2\nfor x in range(3): pass", session)
    for code, answer, function in (
        ("diff(x^2, x)", "0", "diff"),
        ("f.diff(x)", "-sin(x)", "diff"),  # f is an expression in a variable named x
        ("taylor(sin(x), x, 0, 5)", "14/15", "taylor"),
        ("limit(sin(x)/x, x=0)", "1/2*sin(2)", "limit"),
    ):
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == answer, code
        assert stderr_of(events) == (
            f"Note: x is 2 here, not a symbolic variable (a cell bound the name to it), so "
            f"{function} did not take x as its variable, and its answer is not the one meant. "
            "To use x as a variable again, declare it, as var('x'), or give the value another "
            "name.\n"
        ), code
    # A number given as diff's order, and limit's variable made from its keyword's name,
    # are as meant.
    for code, answer in (
        ("n = 2; diff(t^n, t, n)", "2"),
        ("g.diff(t, x)", "2"),
        ("f.limit(x=0)", "0"),
        ("limit(sin(t)/t, t=0)", "1"),
    ):
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == answer, code
        assert stderr_of(events) == "", code
    # A function the cell defines has an x of its own.
    say_nothing(stub, session, "def g(x):\n    return diff(x^2, x)")
    # As the note says.
    assert value(stub, session, "x = var('x'); diff(x^2, x), f.diff(x)") == "(2*x, cos(x))"


def test_taylor_given_the_point_where_its_variable_goes_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """taylor(sin(x), 0, 5), SymPy's order without the variable, is sin(x) unchanged."""
    for code, number, written, order in (
        ("taylor(sin(x), 0, 5)", "0", "sin(x)", "5"),
        ("f = exp(x); f.taylor(0.5, 3)", "0.5", "f", "3"),
    ):
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain in ("sin(x)", "e^x"), code
        assert stderr_of(events) == (
            f"Note: taylor took {number} for its variable, and gave the expression back "
            "unchanged: it takes the variable, then the point, then the order, as "
            f"taylor({written}, x, {number}, {order}).\n"
        ), code
    # As the note says.
    assert value(stub, session, "taylor(sin(x), x, 0, 5)") == "1/120*x^5 - 1/6*x^3 + x"


def test_taylor_given_a_number_without_the_point_gets_a_note_that_it_is_the_point(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """taylor(exp(x), x, 2), the degree meant, is the series about 2, which reads as one."""
    for code, way in (
        ("taylor(exp(x), x, 2)", "taylor(exp(x), x, 0, 2)"),
        ("f = exp(x); f.taylor(x, 2)", "f.taylor(x, 0, 2)"),
    ):
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == "1/2*(x - 2)^2*e^2 + (x - 2)*e^2 + e^2"
        assert stderr_of(events) == (
            f"Note: {code.split('; ')[-1]} expanded about x = 2, to degree 2: taylor takes the "
            f"variable, then the point, then the degree. About 0, to degree 2: {way}.\n"
        ), code
    # As the note says; and the point with the degree, or a pair, need no note.
    assert value(stub, session, "taylor(exp(x), x, 0, 2)") == "1/2*x^2 + x + 1"
    say_nothing(stub, session, "taylor(exp(x), (x, 0), 2)")


def test_points_given_as_arguments_of_their_own_get_a_hint_to_list_them(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """point((1, 2), (3, 4)) said only that point() takes 1 positional argument."""
    session = create_session(stub)
    for code in ("point((1, 2), (3, 4))", "line((0, 0), (1, 1))"):
        assert last_line_of_error(stub, session, code, "TypeError") == (
            "The points go in one list: point([(1, 2), (3, 4)]), line([(0, 0), (1, 1)]), "
            "polygon([(0, 0), (1, 0), (0, 1)])."
        ), code
    assert last_line_of_error(stub, session, "text('hi', 1, 2)", "TypeError") == (
        "text takes the string and its position as one pair: text('hi', (1, 2))."
    )
    # As the hints say.
    shown = "point([(1, 2), (3, 4)]) + line([(0, 0), (1, 1)]) + text('hi', (1, 2))"
    assert value(stub, session, shown) == "Graphics object consisting of 3 graphics primitives"
    # A function of the cell's own of that name is not Sage's.
    error = one(evaluate(stub, "def line(a):\n    return a\nline(1, 2)", session), "error")
    assert "The points go in one list" not in error.error.traceback


def test_integrate_or_limit_without_its_variable_gets_a_hint_to_give_it(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Sage's messages speak of coercing None and of a limit's specification."""
    for code in ("integrate(x^2)", "sin(x).integral()"):
        error = one(evaluate(stub, code), "error").error
        assert error.traceback.endswith(
            "\nintegrate wants the variable to integrate in: integrate(f, x), and for a definite "
            "integral its bounds after it, integrate(f, x, 0, 1).\n"
        ), code
    error = one(evaluate(stub, "limit(1/x)"), "error").error
    assert error.traceback.endswith(
        "\nlimit wants the variable and its point: limit(f, x=0), or limit(f, x, 0).\n"
    )
    # As the hints say.
    assert value(stub, "", "integrate(x^2, x), integrate(x^2, x, 0, 1), limit(sin(x)/x, x=0)") == (
        "(1/3*x^3, 1/3, 1)"
    )


def test_taylor_given_its_variable_in_quotes_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """taylor(sin(x), 'x', 0, 3) is sin(x) unchanged, where diff and integrate fail."""
    for code in ("taylor(sin(x), 'x', 0, 3)", "sin(x).taylor('x', 0, 3)"):
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == "sin(x)", code
        assert stderr_of(events) == (
            "Note: 'x' is a string, not the variable x: taylor took no variable from it and gave "
            "the expression back unchanged. Give the variable itself, x, unquoted.\n"
        ), code
    # As the note says; in a pair with its point, taylor reads the quoted name rightly.
    assert value(stub, session, "taylor(sin(x), x, 0, 3)") == "-1/6*x^3 + x"
    events = evaluate(stub, "taylor(sin(x), ('x', 0), 3)", session)
    assert one(events, "result").result.text_plain == "-1/6*x^3 + x"
    assert stderr_of(events) == ""


def test_a_name_holding_a_number_plotted_or_integrated_numerically_as_the_variable_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """plot(sin(x), (x, 0, 1)) after x = 5 draws the constant sin(5), and
    numerical_integral(x^2, 0, 1) integrates 25: neither fails."""
    evaluate(stub, "f = sin(x); a = 3; x = 5", session)
    for code, function in (
        ("plot(sin(x), (x, 0, 1))", "plot"),
        ("plot(sin(x), x, 0, 1)", "plot"),
        ("plot(sin(x) + pi, 0, 1)", "plot"),
        ("polar_plot(sin(x), (x, 0, 1))", "polar_plot"),
        ("numerical_integral(x^2, 0, 1)", "numerical_integral"),
    ):
        events = evaluate(stub, code, session)
        assert one(events, "finished").finished.status == pb.EVALUATION_STATUS_OK, code
        assert stderr_of(events) == (
            f"Note: x is 5 here, not a symbolic variable (a cell bound the name to it), so "
            f"{function} did not take x as its variable, and its answer is not the one meant. "
            "To use x as a variable again, declare it, as var('x'), or give the value another "
            "name.\n"
        ), code
    # An expression in its own variable x is plotted and integrated in it; a number given
    # as itself, or beside a variable, is as meant.
    var_t = "t = var('t'); "
    say_nothing(
        stub,
        session,
        "plot(f, (x, 0, 1))",
        "numerical_integral(f, 0, 1)",
        "plot(a, 0, 1)",
        var_t + "plot(a*t, (t, 0, 1))",
        var_t + "numerical_integral(a*t^2, 0, 1)",
    )
    # As the note says.
    assert value(stub, session, "x = var('x'); numerical_integral(x^2, 0, 1)[0]") == (
        "0.3333333333333333"
    )


def test_a_function_that_decides_on_a_symbolic_argument_or_pythons_max_of_one_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """f(x) runs f once with the symbol: its `if x > 0` is answered for the symbol, False, and
    f's other branch stands for every x. Python's max(x, 0) keeps x the same way."""
    code = "def f(x):\n    if x > 0:\n        return x^2\n    return -x\nh = lambda t: max(t, 0)"
    evaluate(stub, code, session)
    for code, answer, note in (
        ("numerical_integral(f(x), -1, 1)[0]", "0.0",
         "Note: f(x) ran f once, with the symbolic x, and f decides on x > 0: Sage answered "
         "that for the symbol, not for each value of x, so f took one way for all of them. "
         "Where a function is wanted, give f itself, as plot(f, (x, a, b)) or "
         "numerical_integral(f, a, b), so that it is called with numbers; for a symbolic "
         "answer, write it with piecewise() or max_symbolic().\n"),
        ("h(x - 1)", "x - 1", "Note: h(x - 1) ran h once, with the symbolic x as its t, "
         "and h decides on max(t, 0): Sage answered"),
        ("max(x, 0)", "x",
         "Note: max(x, 0) is Python's max: it compared its arguments once, for the symbolic x, "
         "and gave one of them back. As a function of x, the maximum is max_symbolic(x, 0).\n"),
    ):  # fmt: skip
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == answer, code
        assert stderr_of(events).startswith(note), code
    # Called with numbers, a function that guards a special case, one that does not decide,
    # and a lambda's own t: nothing was decided for a symbol.
    evaluate(stub, "def sinc(x):\n    if x == 0:\n        return 1\n    return sin(x)/x", session)
    say_nothing(
        stub,
        session,
        "numerical_integral(f, -1, 1)[0]",
        "f(2), [f(t) for t in srange(-1, 1, 1/2)]",
        "sinc(x)",
        "var('t'); find_root(lambda t: f(t) - 1/4, 0, 1)",
        "max(3, 5)",
        "var('u'); assume(u > 0); f(u), max(u, 0)",  # decided under the assumption, as meant
    )
    # As the notes say.
    assert value(stub, session, "numerical_integral(f, -1, 1)[0]") == "0.8333333333333333"
    assert value(stub, session, "integrate(max_symbolic(x, 0), x, -1, 1)") == "1/2"


def test_a_cells_own_conditional_on_a_symbolic_variable_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """`f(x) = x^2 if x > 0 else -x` asks Sage once whether x > 0, for the symbol: False, so f
    is -x for every x, and f(3) is -3. An `if` statement on the symbol decides the same way."""
    for code, answer, note in (
        ("f(x) = x^2 if x > 0 else -x; f(3)", "-3",
         "Note: the cell decides on x > 0 with the symbolic x: Sage answered that for the "
         "symbol, not for each value of x, so the cell took one way for all of them. Piece by "
         "piece, it is piecewise([(x > 0, x^2), (x <= 0, -x)]), in the conditional's place; as "
         "a Python function called with numbers, lambda x: x^2 if x > 0 else -x.\n"),
        ("g = x - 1 if 1 <= x else 0; g", "0",
         "Note: the cell decides on 1 <= x with the symbolic x: Sage answered that for the "
         "symbol, not for each value of x, so the cell took one way for all of them. Piece by "
         "piece, it is piecewise([(1 <= x, x - 1), (1 > x, 0)]), in the conditional's place; "),
        ("if sin(x) > 0:\n    s = 1\nelse:\n    s = -1\ns", "-1",
         "Note: the cell decides on sin(x) > 0 with the symbolic x: Sage answered that for the "
         "symbol, not for each value of x, so the cell took one way for all of them. For a "
         "function defined piece by piece, write it with piecewise(), as "
         "piecewise([(x < 0, -x), (x >= 0, x^2)]), or as a Python function called with "
         "numbers, where the comparison is decided for each.\n"),
    ):  # fmt: skip
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == answer, code
        assert stderr_of(events).startswith(note), code
    # Numbers, a lambda's or a comprehension's own x, a loop's, a symbol under an assumption,
    # and a constant: each decided as meant.
    say_nothing(
        stub,
        session,
        "a = 3; 1 if a > 2 else 0",
        "F = lambda x: x^2 if x > 0 else -x; F(-3)",
        "[x if x > 0 else 0 for x in range(-2, 3)]",
        "for n in range(3):\n    q = n if n > 1 else 0",
        "var('u'); assume(u > 0); 1 if u > 0 else 0",
        "1 if sqrt(2) > 1 else 0",
    )
    # As the note says.
    code = "f = piecewise([(x > 0, x^2), (x <= 0, -x)]); f(3), f(-2)"
    assert value(stub, session, code) == "(9, 2)"


def test_a_system_singular_to_working_precision_solved_in_floating_point_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """solve_right of the 12 by 12 Hilbert matrix over RDF is off by 0.4, with SciPy's warning
    on rcond only; its entries were rounded, so change_ring(QQ) would solve another system."""
    code = "H = matrix(RDF, 12, 12, lambda i, j: 1/(i + j + 1)); b = H * vector(RDF, [1]*12)"
    evaluate(stub, code, session)
    events = evaluate(stub, "s = H.solve_right(b); abs(s[7] - 1) > 0.01", session)
    assert one(events, "result").result.text_plain == "True"
    assert re.search(
        r"Note: H is a matrix over Real Double Field, in floating point, so its system has no "
        r"one solution to working precision, and rounding picked the one solve_right\(\) gave: "
        r"its smallest singular value is "
        r"\d\.\de-1[5-9] times its largest, and to working precision its rank is 11, not 12\. "
        r"Exactly, over QQ: the matrix made from its exact entries, as matrix\(QQ, \.\.\.\) and "
        r"the right-hand side as vector\(QQ, \.\.\.\), then \.solve_right\(\.\.\.\)\.\n\Z",
        stderr_of(events),
    )
    assert stderr_of(evaluate(stub, "H.rank()", session)).endswith(
        "Exactly, over QQ: the matrix made from its exact entries, as matrix(QQ, ...), then "
        ".rank().\n"
    )
    # Integer entries are exact as they are; a well-conditioned system: no note.
    events = evaluate(stub, "M = matrix(RR, 3, 3, range(9)); M.solve_left(M[0] + M[1])", session)
    assert stderr_of(events).endswith(
        "Exactly, over QQ: M.change_ring(QQ).solve_left((M[0] + M[1]).change_ring(QQ)).\n"
    )
    say_nothing(stub, session, "A = matrix(RDF, [[1, 2], [3, 4]]); A.solve_right(vector([1, 1]))")
    # As the note says.
    code = (
        "Q = matrix(QQ, 12, 12, lambda i, j: 1/(i + j + 1)); "
        "Q.solve_right(Q * vector(QQ, [1]*12)) == vector([1]*12)"
    )
    assert value(stub, session, code) == "True"


def test_a_floating_point_matrix_singular_to_working_precision_gets_a_note_on_its_rank(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Over RDF, rank() of a singular matrix counts the pivots rounding left nonzero; over RR,
    its inverse is a matrix of entries near 1e15."""
    code = "M = matrix(RDF, 3, 3, range(9)); R = matrix(RR, 3, 3, range(9))"
    evaluate(stub, code, session)
    # The smallest singular value is rounding's: its digits vary with the BLAS.
    ratio = r"\d\.\de-1[5-9]"
    for code, answer, note in (
        ("M.rank()", "3",
         r"Note: M is a matrix over Real Double Field, in floating point, so rank\(\) counts "
         rf"the pivots that rounding left nonzero: its smallest singular value is {ratio} "
         "times its largest, and to working precision its rank is 2, not 3. Exactly, over "
         r"QQ: M\.change_ring\(QQ\)\.rank\(\)\.\n"),
        ("M.is_singular()", "False", r"Note: M is a matrix over Real Double Field, in floating "
         r"point, so is_singular\(\) found no pivot that rounding left at zero: .*\n"),
        ("R^-1", None, "Note: R is a matrix over Real Field with 53 bits of precision, in "
         "floating point, so its inverse is rounding noise: .*\n"),
    ):  # fmt: skip
        events = evaluate(stub, code, session)
        if answer is not None:
            assert one(events, "result").result.text_plain == answer, code
        assert re.fullmatch(note, stderr_of(events)), code
    # A matrix that is not singular, one whose rank Sage got right, an exact one: no note.
    say_nothing(
        stub,
        session,
        "A = matrix(RDF, [[1, 2], [3, 4]]); A.rank(), ~A",
        "matrix(RDF, 2, 3, [1, 2, 3, 2, 4, 6]).rank()",
        "C = matrix(RDF, 2, 3, [1, 2, 3, 2, 4, 6]); C.rank()",
        "Q = matrix(QQ, 3, 3, range(9)); Q.rank()",
        "def rank_of(M):\n    return M.rank()",  # its own M, and it did not run
    )
    # As the note says.
    assert value(stub, session, "M.change_ring(QQ).rank(), R.change_ring(QQ).is_singular()") == (
        "(2, True)"
    )


def test_roots_of_a_rational_polynomial_that_left_roots_out_get_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """A polynomial's roots() finds those in its own ring: [] for z^2 - 2 over QQ."""
    events = evaluate(stub, "R.<z> = QQ[]; f = z^2 - 2; f.roots()", session)
    assert one(events, "result").result.text_plain == "[]"
    assert stderr_of(events) == (
        "Note: roots() gave the roots in f's own ring, the Rational Field, only: 0 of its 2, "
        "counted with multiplicity. f.roots(QQbar) gives all of them exactly, f.roots(RR) the "
        "real ones and f.roots(CC) all of them, numerically.\n"
    )
    events = evaluate(stub, "(z^4 - 1).roots(multiplicities=False)", session)
    assert one(events, "result").result.text_plain == "[1, -1]"
    assert stderr_of(events).startswith(
        "Note: roots() gave the roots in the polynomial's own ring, the Rational Field, only: "
        "2 of its 4, counted with multiplicity. .roots(QQbar) gives all"
    )
    # All the roots in the ring, a ring asked for, a finite field's, a symbolic expression's.
    say_nothing(
        stub,
        session,
        "((z - 1)^2*(z + 3)).roots()",
        "f.roots(RR)",
        "T.<u> = GF(7)[]; (u^2 - 3).roots()",
        "(x^2 - 2).roots()",
        "def roots_of(f):\n    return f.roots()",
    )
    # As the note says.
    assert value(stub, session, "f.roots(RR)") == "[(-1.41421356237310, 1), (1.41421356237310, 1)]"


def test_the_variety_of_an_ideal_with_infinitely_many_points_gets_a_hint(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    code = "R.<a,b> = QQ[]; M = R.ideal([a*b]); M.variety()"
    error = one(evaluate(stub, code, session), "error").error
    assert error.ename == "ValueError"
    assert error.traceback.endswith(
        "The dimension of the ideal is 1, but it should be 0\nvariety() lists the points of an "
        "ideal that has finitely many, of dimension 0; this one has dimension 1: its points make "
        "a curve, infinitely many. M.primary_decomposition() gives its components and "
        "M.groebner_basis() simpler equations for them; with more equations, as many as "
        "variables, its points may become finitely many.\n"
    )
    # The same words from the cell's own code get none of it.
    code = "raise ValueError('The dimension of the ideal is 1, but it should be 0')"
    error = one(evaluate(stub, code, session), "error").error
    assert "primary_decomposition" not in error.traceback
    # As the hint says.
    assert value(stub, session, "len(M.primary_decomposition())") == "2"
    assert value(stub, session, "R.ideal([a*b, a + b - 1]).variety()") == (
        "[{b: 1, a: 0}, {b: 0, a: 1}]"
    )


def test_the_variety_of_a_rational_ideal_that_left_points_out_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """An ideal's variety() finds the points with coordinates in its base field: [] for the
    circle and the diagonal over QQ, which meet at irrational points."""
    code = "R.<a,b> = QQ[]; I = R.ideal([a^2 + b^2 - 1, a - b]); I.variety()"
    events = evaluate(stub, code, session)
    assert one(events, "result").result.text_plain == "[]"
    assert stderr_of(events) == (
        "Note: variety() gave the points with coordinates in I's base field, the Rational "
        "Field, only: 0 of its 2. I.variety(QQbar) gives all of them exactly, I.variety(RR) "
        "the real ones and I.variety(CC) all of them, numerically.\n"
    )
    # An ideal made on the line; points counted once, whatever their multiplicity.
    events = evaluate(stub, "R.ideal([(a - 1)^2*(a^2 - 2), b]).variety()", session)
    assert one(events, "result").result.text_plain == "[{b: 0, a: 1}]"
    assert stderr_of(events).startswith(
        "Note: variety() gave the points with coordinates in the ideal's base field, the "
        "Rational Field, only: 1 of its 3. .variety(QQbar) gives all"
    )
    # All the points in the field, one repeated, a ring asked for, a finite field's ideal.
    say_nothing(
        stub,
        session,
        "R.ideal([a^2 - 1, b^2 - 4]).variety()",
        "R.ideal([a^2, b]).variety()",
        "I.variety(QQbar)",
        "S.<u,v> = GF(7)[]; S.ideal([u^2 - 3, v - u]).variety()",
        "def variety_of(J):\n    return J.variety()",
    )
    # As the note says.
    assert value(stub, session, "I.variety(RR)") == (
        "[{b: -0.707106781186548, a: -0.707106781186548},\n"
        " {b: 0.707106781186548, a: 0.707106781186548}]"
    )


def test_an_expressions_method_asked_of_a_python_function_gets_a_hint_to_call_it(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, "def f(t): return t^2\ng = lambda t: t^3", session)
    for code, name, method in (("f.diff(x)", "f", "diff"), ("g.integrate(x)", "g", "integrate")):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == "AttributeError", code
        assert error.traceback.endswith(
            f"{name} is a Python function, not an expression, and has no .{method}(): call it "
            f"on the variable first, as {name}(x).{method}(...), or define it as a symbolic "
            f"function, as in `{name}(x) = x^2`.\n"
        ), code
    # An attribute expressions do not have either is another mistake.
    error = one(evaluate(stub, "f.__nmae__", session), "error").error
    assert "call it on the variable" not in error.traceback
    # As the hint says.
    assert value(stub, session, "f(x).diff(x), g(x).integrate(x)") == "(2*x, 1/4*x^4)"


def test_a_file_out_of_the_workers_reach_gets_a_hint_on_where_it_may_write(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    for path in ("/root/out.txt", "/proc/1/environ"):
        error = one(evaluate(stub, f"open({path!r}, 'w').write('hi')", session), "error").error
        assert error.ename == "PermissionError", path
        assert error.traceback.endswith(
            "Sage code here runs confined: it writes in the session's working directory (a "
            "relative path, as 'out.txt') and the temporary directory, and cannot reach the home "
            "directories or the sidecar's own files. A folder of data to read is given to the "
            "sidecar with --worker-read-dirs.\n"
        ), path
    # As the hint says.
    assert value(stub, session, "open('out.txt', 'w').write('hi'); open('out.txt').read()") == (
        "'hi'"
    )


def test_an_assumption_contradicting_the_sessions_gets_a_hint_to_forget_it(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Assumptions last the session: one from an earlier cell makes a new one inconsistent."""
    evaluate(stub, "var('n a'); assume(n != -1); assume(a > 0)", session)
    error = one(evaluate(stub, "assume(a < 0)", session), "error").error
    assert error.ename == "ValueError"
    assert error.traceback.endswith(
        "Assumption is inconsistent\nThe session already assumes n != -1, a > 0 (assumptions "
        "last until forgotten), and this contradicts it: forget(a > 0) drops that one, forget() "
        "all of them; then assume again.\n"
    )
    # As the hint says.
    assert value(stub, session, "forget(a > 0); assume(a < 0); assumptions()") == (
        "[n != -1, a < 0]"
    )
    evaluate(stub, "forget()", session)


def test_a_numerical_method_missing_over_rr_cc_qq_or_zz_gets_a_hint_to_use_double_precision(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, "B = matrix(RR, [[2, 1], [1, 3]]); C = matrix(CC, [[1, I], [0, 1]])", session)
    evaluate(stub, "Q = matrix(QQ, [[2, 1], [1, 3]]); Z = matrix(ZZ, [[2, 1], [1, 3]])", session)
    for code, ename, ring, method, double in (
        ("B.SVD()", "AttributeError", "Real Field with 53 bits of precision", "SVD", "RDF"),
        ("B.LU()", "TypeError", "Real Field with 53 bits of precision", "LU", "RDF"),
        ("C.schur()", "AttributeError", "Complex Field with 53 bits of precision", "schur", "CDF"),
        # And over the rationals and integers, which are exact but have no SVD either.
        ("Q.SVD()", "AttributeError", "Rational Field", "SVD", "RDF"),
        ("Z.condition()", "AttributeError", "Integer Ring", "condition", "RDF"),
    ):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == ename, code
        name = code[0]
        assert error.traceback.endswith(
            f"{name} is over the {ring}, where Sage does not compute {method}(): {double} does, "
            f"in double precision (53 bits) with NumPy and SciPy. "
            f"{name}.change_ring({double}).{method}() computes it there.\n"
        ), code
    # A method no ring has is another mistake.
    error = one(evaluate(stub, "B.frobnicate()", session), "error").error
    assert "change_ring" not in error.traceback
    # As the hint says.
    assert value(stub, session, "B.change_ring(RDF).SVD()[1].diagonal()[0] > 3.6") == "True"
    assert value(stub, session, "len(B.change_ring(RDF).LU())") == "3"


def test_an_orthonormal_basis_over_the_rationals_gets_a_hint_to_a_ring_with_square_roots(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, "Q = matrix(QQ, [[1, 2], [3, 4]])", session)
    for code in ("Q.QR()", "Q.gram_schmidt(orthonormal=True)"):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == "TypeError", code
        assert error.traceback.endswith(
            "An orthonormal basis, as QR() and gram_schmidt(orthonormal=True) make, needs square "
            "roots, which the Rational Field lacks: Q.change_ring(RDF) is the matrix in double "
            "precision, and Q.change_ring(AA) over the real algebraic numbers, exact, as in "
            "Q.change_ring(AA).QR().\n"
        ), code
    # As the hint says.
    assert value(stub, session, "R = Q.change_ring(AA).QR()[1]; R[0, 0]^2 == 10") == "True"
    assert value(stub, session, "round(Q.change_ring(RDF).QR()[1][0, 0]^2, 9)") == "10.0"


def test_assume_given_a_comparison_already_decided_gets_a_hint_to_declare_the_variable(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    for code, said in (
        ("x = 5\nassume(x > 0)", "x is 5 here"),
        ("x = polygen(QQ)\nassume(x < 0)", "x is a polynomial of Univariate Polynomial Ring"),
    ):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == "AttributeError", code
        assert "\nassume() takes a symbolic condition, and was given " in error.traceback, code
        assert said in error.traceback, code
        assert error.traceback.endswith(
            "not a symbolic variable. Declare it, as var('x'), to assume things of it.\n"
        ), code
    error = one(evaluate(stub, "assume(2 > 1)", session), "error").error
    assert error.traceback.endswith(
        "and was given True: no symbolic variable took part in the comparison, so it was "
        "decided at once.\n"
    )
    # As the hint says.
    assert value(stub, session, "var('x'); assume(x > 0); sqrt(x^2)") == "x"
    evaluate(stub, "forget()", session)


def test_a_matrix_whose_ring_lacks_its_eigenvalues_or_is_no_field_gets_a_hint(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """matrix([[1, 2], [3, 4]]) is over ZZ; over QQ its eigenvalues are not rational."""
    evaluate(stub, "A = matrix([[2, 1], [0, 2]]); M = matrix(QQ, [[1, 2], [3, 4]])", session)
    for code, hint in (
        ("A.diagonalization()", "A is over the Integer Ring, which is not a field: "
         "A.change_ring(QQ) is the same matrix over the rationals, and A.change_ring(QQbar) "
         "over the algebraic numbers, for eigenvalues that are not rational."),
        ("M.jordan_form()", "M's eigenvalues are not all in its ring, the Rational Field: "
         "M.jordan_form(QQbar) finds its Jordan form over the algebraic numbers."),
        ("M.diagonalization()", "M's eigenvalues are not all in its ring, the Rational Field: "
         "M.change_ring(QQbar).diagonalization() diagonalizes it over the algebraic numbers, "
         "if it can be."),
    ):  # fmt: skip
        error = one(evaluate(stub, code, session), "error").error
        assert error.traceback.endswith(f"\n{hint}\n"), code
    # As the hints say.
    assert value(stub, session, "A.change_ring(QQ).jordan_form()") == "[2 1]\n[0 2]"
    assert value(stub, session, "M.change_ring(QQbar).is_diagonalizable()") == "True"


def test_a_matrixs_order_which_sage_leaves_unimplemented_gets_its_multiplicative_order(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """M.order() raises NotImplementedError with no message at all."""
    evaluate(stub, "M = matrix(GF(2), [[1, 1], [0, 1]])", session)
    assert last_line_of_error(stub, session, "M.order()", "NotImplementedError") == (
        "A matrix has no order() of its own: M.multiplicative_order() is its order as an "
        "invertible matrix, the least n > 0 with M^n == 1."
    )
    # As the hint says.
    assert value(stub, session, "M.multiplicative_order(), M^2 == 1") == "(2, True)"
    # Another object's unimplemented method is no matrix's.
    code = "class C:\n    def order(self):\n        raise NotImplementedError\nc = C(); c.order()"
    assert last_line_of_error(stub, session, code, "NotImplementedError") == "NotImplementedError"


def test_matrix_notation_of_mathematics_and_matlab_gets_sages_methods(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """M^T read T as a variable to declare; trace(M) ran Sage's debugger; inv(M) was offered
    an unknown function."""
    evaluate(stub, "M = matrix(QQ, [[1, 2], [3, 4]])", session)
    assert last_line_of_error(stub, session, "M^T * M", "NameError") == (
        "M^T is not Sage's notation: the transpose is M.transpose(), or M.T."
    )
    assert last_line_of_error(stub, session, "(M^H)[0]", "NameError") == (
        "M^H is not Sage's notation: the conjugate transpose is M.conjugate_transpose(), or M.H."
    )
    assert last_line_of_error(stub, session, "t = trace(M)", "NotImplementedError") == (
        "Sage's trace() follows code in the debugger: a matrix's trace, the sum of its "
        "diagonal, is M.trace()."
    )
    assert last_line_of_error(stub, session, "inv(M)", "NameError").startswith(
        "inv is SymPy's name (or another library's), not Sage's. In Sage: "
    )
    assert last_line_of_error(stub, session, "M.I", "AttributeError").startswith(
        ".I is SymPy's name (or another library's), not Sage's. In Sage: "
    )
    # As the hints say.
    code = "M.T * M == M.transpose() * M, M.H == M.T, M.trace(), (~M)[0, 0]"
    assert value(stub, session, code) == "(True, True, 5, -2)"
    # T as a variable of the cell's, a number's exponent or a symbol's, is still one to declare.
    for code in ("2^T", "a = var('a'); a^T"):
        assert last_line_of_error(stub, session, code, "NameError").endswith("as var('T')."), code


def test_the_echelon_form_of_an_integer_matrix_gets_a_note_that_it_is_hermites(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Over ZZ, echelon_form() keeps the pivots integers: [1 0] [0 2], not the identity."""
    events = evaluate(stub, "C = matrix([[1, 2], [3, 4]]); C.echelon_form()", session)
    assert one(events, "result").result.text_plain == "[1 0]\n[0 2]"
    assert stderr_of(events) == (
        "Note: C is over the Integer Ring, where echelon_form() is the Hermite normal form: its "
        "pivots need not be 1. The reduced row echelon form, over the rationals: C.rref().\n"
    )
    # Pivots of 1 over ZZ, and a matrix over QQ: the form an agent expects, no note.
    say_nothing(
        stub,
        session,
        "matrix([[1, 2], [2, 4]]).echelon_form()",
        "matrix(QQ, [[1, 2], [3, 4]]).echelon_form()",
    )
    # As the note says.
    assert value(stub, session, "C.rref()") == "[1 0]\n[0 1]"


def test_an_integer_matrix_not_invertible_over_the_integers_gets_a_note_on_its_inverse(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Over ZZ, is_invertible() asks for an inverse with integer entries: False for a matrix of
    determinant -2, whose inverse over QQ ~A gives, and which is_singular() says is not
    singular."""
    evaluate(stub, "A = matrix([[1, 2], [3, 4]]); R.<t> = QQ[]", session)
    for code, ring, method, determinant, fraction in (
        ("A.is_invertible()", "Integer Ring", "is_invertible", "-2", "Rational Field"),
        ("P = matrix(R, [[t, 1], [0, 1]]); P.is_unit()",
         "Univariate Polynomial Ring in t over Rational Field", "is_unit", "t",
         "Fraction Field of Univariate Polynomial Ring in t over Rational Field"),
    ):  # fmt: skip
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == "False", code
        name = code[0]
        assert stderr_of(events) == (
            f"Note: {name} is over the {ring}, which is not a field, and {method}() asks for an "
            "inverse with entries in it, where the determinant must be a unit "
            f"({determinant} is not). Over the {fraction} {name} is invertible: "
            f"{name}.inverse() gives the inverse there, and {name}.is_singular() is False.\n"
        ), code
    # Invertible over ZZ, singular, or over a field: the answer meant.
    say_nothing(
        stub,
        session,
        "U = matrix([[1, 1], [0, -1]]); U.is_invertible()",
        "S = matrix([[1, 2], [2, 4]]); S.is_invertible()",
        "F = matrix(QQ, [[1, 2], [3, 4]]); F.is_invertible()",
    )
    # As the note says.
    assert value(stub, session, "A.inverse().list(), A.is_singular()") == (
        "([-2, 1, 3/2, -1/2], False)"
    )


def test_digits_listed_least_significant_first_get_a_note_once(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """(17).digits() is [7, 1], the reverse of how 17 is written, and bits() alike."""
    # One digit, or digits that read the same both ways: the order does not tell.
    say_nothing(stub, session, "7.digits()", "(121).digits()", "(5).bits()")
    events = evaluate(stub, "a = 17; a.digits()", session)
    assert one(events, "result").result.text_plain == "[7, 1]"
    assert stderr_of(events) == (
        "Note: digits() lists the digits from the least significant, the reverse of how the "
        "number is written: [7, 1] for 17. In written order: a.digits()[::-1].\n"
    )
    # Once a session.
    say_nothing(stub, session, "(6).bits()")
    # As the note says.
    assert value(stub, session, "a.digits()[::-1], (6).bits()[::-1]") == "([1, 7], [1, 1, 0])"


def test_a_number_added_to_a_square_matrix_gets_a_note_once_that_it_goes_on_the_diagonal(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """A + 1 is A + identity_matrix(2) in Sage; NumPy adds 1 to every entry."""
    # Zero, and a number added to a number: nothing to tell.
    evaluate(stub, "A = matrix([[1, 2], [3, 4]]); n = 3", session)
    say_nothing(stub, session, "A + 0", "n + 1")
    events = evaluate(stub, "2 - A", session)
    assert one(events, "result").result.text_plain == "[ 1 -2]\n[-3 -2]"
    assert stderr_of(events) == (
        "Note: in 2 - A, Sage reads the number as 2 times the identity matrix, on the diagonal "
        "only, as algebra does; NumPy, whose habits agents bring, applies it to every entry. To "
        "every entry: A.apply_map(lambda t: 2 - t).\n"
    )
    # Once in a session is enough; as the note says.
    say_nothing(stub, session, "B = A + 1")
    code = "(2 - A).list(), A.apply_map(lambda t: 2 - t).list(), (A + 1).list()"
    assert value(stub, session, code) == "([1, -2, -3, -2], [1, 0, -1, -2], [2, 2, 3, 5])"


def test_the_backslash_operator_gets_a_hint_to_use_solve_right(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """`A \\ b` was old Sage's and MATLAB's solve; Python reads a line continuation."""
    error = one(evaluate(stub, "A = matrix(QQ, [[1, 2], [3, 4]])\nA \\ vector([1, 2])"), "error")
    assert error.error.traceback.endswith(
        "Sage has no backslash operator: A.solve_right(b) solves A*x = b, and A.solve_left(b) "
        "x*A = b.\n"
    )
    # A backslash in a string is not one.
    error = one(evaluate(stub, "s = 'a \\ b' \\ 2"), "error")
    assert "backslash operator" not in error.error.traceback


def test_a_polynomial_where_a_symbolic_expression_is_wanted_gets_a_hint(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """`R.<z> = QQ[]` makes polynomials, which solve, integrate with bounds and plot refuse,
    each in words of its own."""
    evaluate(stub, "R.<z> = QQ[]; f = z^2 - 2", session)
    ways = "f.roots(QQbar) for its roots, f.integral() for an antiderivative"
    for code, ename, own in (
        ("integrate(f, z, 0, 1)", "TypeError", ways),  # the polynomial's own integral()
        # "must give both plot endpoints": plot takes a polynomial as it is, and its range.
        ("plot(f, (z, 0, 1))", "AttributeError", "plot(f, 0, 1) plots it, its range given "
                                                  "without the variable"),
    ):  # fmt: skip
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == ename, code
        assert error.traceback.endswith(
            "f is a polynomial, of Univariate Polynomial Ring in z over Rational Field, not a "
            f"symbolic expression, which this wants. A polynomial has its own ways: {own}. Or "
            "take it as a symbolic expression: SR(f), in SR(z).\n"
        ), code
    # solve's own: == of polynomials is decided at once, `z^2 == 2` False.
    for code in ("solve(f == 0, z)", "solve(f, z)"):  # "z is not a valid variable", ...
        assert last_line_of_error(stub, session, code, "TypeError") == (
            "f is a polynomial, of Univariate Polynomial Ring in z over Rational Field, not a "
            "symbolic expression, which solve wants; and == of polynomials is decided at once, "
            "True or False, not kept as an equation to solve. Its roots: f.roots(QQbar); a "
            "system's solutions: ideal([p, q]).variety(QQbar), each of p, q the difference of "
            "an equation's sides. Or make them symbolic: solve(SR(f) == 0, SR(z))."
        ), code
    assert last_line_of_error(stub, session, "solve(z^2 == 1, z)", "TypeError").endswith(
        "equation to solve. A polynomial p's roots: p.roots(QQbar); a system's solutions: "
        "ideal([p, q]).variety(QQbar), each of p, q the difference of an equation's sides. Or "
        "make them symbolic: solve(SR(z)^2 == 1, SR(z))."
    )
    # As the hints say.
    assert value(stub, session, "f.roots(QQbar), (z^2 - 1).roots(QQbar)") == (
        "([(-1.414213562373095?, 1), (1.414213562373095?, 1)], [(-1, 1), (1, 1)])"
    )
    assert value(stub, session, "S.<u, v> = QQ[]\nideal([u^2 - 1, v - u]).variety(QQbar)") == (
        "[{v: 1, u: 1}, {v: -1, u: -1}]"
    )
    assert value(stub, session, "solve(SR(z)^2 == 1, SR(z))") == "[z == -1, z == 1]"
    assert value(stub, session, "solve(SR(f) == 0, SR(z))") == "[z == -sqrt(2), z == sqrt(2)]"
    assert value(stub, session, "integrate(SR(f), SR(z), 0, 1)") == "-5/3"
    events = evaluate(stub, "plot(f, 0, 1)", session)
    assert one(events, "display").display.mime_type == "image/png"


def test_a_plot_whose_vertical_range_its_poles_set_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """plot(tan(x), (x, -4, 4)) spans thousands, which the points next to the poles reach:
    the picture is a flat line with spikes. (Plots sample at random: no figure is fixed.)"""
    number = r"-?[\d.]+(?:e\+\d+)?"
    for code in ("plot(tan(x), (x, -4, 4))", "g = plot(1/(x - 1), (x, 0, 2)) + plot(x); g"):
        events = evaluate(stub, code, session)
        assert one(events, "display").display.mime_type == "image/png", code
        assert re.fullmatch(
            rf"Note: the plot's vertical range, {number} to {number}, is set by the few points "
            "next to the function's poles, where it blows up: the rest of the curve lies flat "
            rf"along the axis\. plot\(\.\.\., ymin=-(?P<bound>[\d.]+), ymax=(?P=bound)\) shows "
            r"its shape, and detect_poles=True leaves out the vertical lines at the poles\.\n",
            stderr_of(events),
        ), code
    # A range of its own, a narrow peak, a jump, a curve with no pole in sight: no note.
    for code in (
        "plot(tan(x), (x, -4, 4), ymin=-10, ymax=10)",
        "plot(exp(-100*x^2), (x, -10, 10))",
        "plot(sign(x), (x, -1, 1))",
        "plot(1/x, (x, 1, 10))",
    ):
        events = evaluate(stub, code, session)
        assert one(events, "display").display.mime_type == "image/png", code
        assert stderr_of(events) == "", code


def test_a_plot_left_empty_by_a_range_that_runs_backwards_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """plot(x^2, (x, 1, -1)) draws nothing, and says nothing: a blank image."""
    evaluate(stub, "a, b = 3, 1", session)
    for code, written, start, end, fixed in (
        ("plot(x^2, (x, 1, -1))", "(x, 1, -1)", "1", "-1", "(x, -1, 1)"),
        ("plot(x^2, x, 2*pi, 0)", "2 * pi, 0", "2 * pi", "0", "0, 2 * pi"),
        ("polar_plot(x, (x, a, b))", "(x, a, b)", "a = 3", "b = 1", "(x, b, a)"),
        ("plot(x^2, xmin=1, xmax=-1)", "xmin=1, xmax=-1", "1", "-1", "xmin=-1, xmax=1"),
    ):
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain.endswith("0 graphics primitives"), code
        assert stderr_of(events) == (
            f"Note: the plot is empty: its range {written} runs from {start} down to {end}, and "
            "plot draws nothing over a range that runs backwards. From the smaller end, "
            f"{fixed}, it draws the curve.\n"
        ), code
    # As the note says; and a plot empty for another reason, which Sage itself warns of.
    assert (
        value(stub, session, "plot(x^2, (x, -1, 1))")
        == "Graphics object consisting of 1 graphics primitive"
    )
    events = evaluate(stub, "plot(sqrt(x), (x, -2, -1))", session)
    assert "failed to evaluate function" in stdout_of(events)
    assert stderr_of(events) == ""


def test_a_number_before_a_parenthesis_gets_a_hint_to_multiply(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = one(evaluate(stub, "2(x + 1)"), "error").error
    assert error.traceback.endswith(
        "object is not callable\nMultiplication needs its *: write 2*(...), not 2(...).\n"
    )
    assert value(stub, "", "2*(x + 1)") == "2*x + 2"


def test_a_product_of_parenthesized_factors_without_its_star_gets_a_hint_to_multiply(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """(x + 1)(x - 1) calls x + 1: Sage's word is of substitution, which says nothing of a
    product; and x(x + 1) was told to substitute x + 1 for x."""
    session = create_session(stub)
    for code, first, second in (
        ("expand((x + 1)(x - 1))", "(x + 1)", "x - 1"),
        ("f = 2*x(x + 1)", "x", "x + 1"),
    ):
        assert last_line_of_error(stub, session, code, "TypeError") == (
            f"Multiplication needs its *: write {first}*({second}), not {first}({second})."
        )
    # An expression called with a value is still a substitution, beside a lambda called in
    # place, which is no product.
    error = one(evaluate(stub, "h = x + 1; (lambda t: t)(1) + h(2)", session), "error").error
    assert "h(x=2) substitutes" in error.traceback


def test_a_power_of_a_functions_value_written_as_typeset_gets_sages_way(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """sin^2(x) calls 2: the hint was to write 2*(...)."""
    session = create_session(stub)
    assert last_line_of_error(stub, session, "sin^2(x) + cos^2(x)", "TypeError") == (
        "sin^2(x) is written sin(x)^2 in Sage: the power follows the call whose value it raises."
    )
    assert value(stub, session, "(sin(x)^2 + cos(x)^2).simplify_trig()") == "1"
    # A number's power before a parenthesis is a product without its *.
    code = "n = 3\nn^2(x + 1)"
    assert last_line_of_error(stub, session, code, "TypeError").startswith("Multiplication")


def test_a_number_run_into_a_name_gets_a_hint_to_multiply(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    for code, product in (
        ("2x + 1", "2*x"),
        ("plot(sin(x), x, 0, 2pi)", "2*pi"),
        ("3.5t", "3.5*t"),
    ):
        error = one(evaluate(stub, code), "error").error
        assert error.ename == "SyntaxError", code
        written = product.replace("*", "")
        assert error.traceback.endswith(
            f"invalid decimal literal\nMultiplication needs its *: write {product}, not "
            f"{written}.\n"
        ), code
    # A base's letters are the number's own.
    error = one(evaluate(stub, "0x1Fg"), "error").error
    assert "Multiplication" not in error.traceback
    # As the hint says.
    assert value(stub, "", "2*x + 1, 2*pi") == "(2*x + 1, 2*pi)"


def test_latex_given_as_code_gets_a_hint_with_sages_way_of_writing_it(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Python stops at LaTeX's backslash, and \\pi's was taken for A \\ b, with a hint on
    solving linear systems; x^{2} made a set its exponent."""
    session = create_session(stub)
    for code, command in (("\\frac{1}{2} + x", "\\frac"), ("e^{i\\pi}", "\\pi")):
        assert last_line_of_error(stub, session, code, "SyntaxError").startswith(
            f"{command} is LaTeX, which Sage does not read as code. In Sage: 1/2 for "
            "\\frac{1}{2}, sqrt(x) for \\sqrt{x},"
        ), code
    assert last_line_of_error(stub, session, "x^{2} + 1", "TypeError") == (
        "^{2} is LaTeX's exponent: braces make a set in Python. Write ^(2), or ^2 for a single "
        "number."
    )
    # As the hints say; and a backslash between operands is still A \\ b.
    assert value(stub, session, "1/2 + x, e^(I*pi), x^(2) + 1") == "(x + 1/2, -1, x^2 + 1)"
    error = one(evaluate(stub, "A = matrix([[1, 2], [3, 4]]); b = vector([1, 1]); A \\ b"), "error")
    assert "LaTeX" not in error.error.traceback


def test_operators_in_words_and_a_root_as_latex_writes_it_get_sages_way(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """7 mod 3 and a div b were a bare "invalid syntax"; sqrt[3](8) was told that brackets
    index a list."""
    session = create_session(stub)
    for code, hint in (
        ("7 mod 3", "Python writes 7 mod 3 as 7 % 3, or mod(7, 3), whose arithmetic stays "
                    "modulo 3."),
        ("a = 7; b = 2; a div b", "Python writes a div b as a // b, or floor(a / b)."),
    ):  # fmt: skip
        assert last_line_of_error(stub, session, code, "SyntaxError") == hint, code
    assert last_line_of_error(stub, session, "sqrt[3](8)", "TypeError") == (
        "sqrt[3](8) is no root in Sage: the cube root is (8)^(1/3), which for a negative number "
        "is a complex one; real_nth_root(8, 3) is the real one."
    )
    # As the hints say.
    assert value(stub, session, "7 % 3, 7 // 2, (8)^(1/3), real_nth_root(-8, 3)") == (
        "(1, 3, 2, -2)"
    )


def test_leibniz_notation_maples_assignment_and_a_bare_range_get_sages_way(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """d/dx(...) was told to declare d as a variable; x := 5 and for i in 1..5 were a bare
    "invalid syntax"."""
    session = create_session(stub)
    assert last_line_of_error(stub, session, "d/dx(x^2 + 1)", "NameError") == (
        "d/dx(x^2 + 1) is not Sage's notation for a derivative: diff(x^2 + 1, x), or "
        "(x^2 + 1).diff(x)."
    )
    assert last_line_of_error(stub, session, "x := 5", "SyntaxError") == (
        "Python assigns with =: x = 5."
    )
    code = "for i in 1..5:\n    print(i)"
    assert last_line_of_error(stub, session, code, "SyntaxError") == (
        "Sage reads a range written 1..5 only in brackets: [1..5] is the list, (1..5) an "
        "iterator over it, both with their ends."
    )
    # Each derivative's own argument, where there are two.
    assert last_line_of_error(stub, session, "d/dx(x^2) + d/dx(sin(x))", "NameError") == (
        "d/dx(x^2) is not Sage's notation for a derivative: diff(x^2, x), or (x^2).diff(x)."
    )
    # As the hints say.
    assert value(stub, session, "diff(x^2 + 1, x), [1..5], sum(i for i in (1..5))") == (
        "(2*x, [1, 2, 3, 4, 5], 15)"
    )


def test_mathematics_as_typeset_gets_a_hint_with_sages_way_of_writing_it(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    for code, hint in (
        ("x\u00b2 + 1", "Sage code is plain text: write ^2 for \u00b2."),
        ("6 \u00f7 2", "Sage code is plain text: write / for \u00f7."),
        ("2 \u00d7 3", "Sage code is plain text: write * for \u00d7."),
        ("2 \u2219 3", "Sage code is plain text: write * for \u2219."),
        ("x \u2264 2", "Sage code is plain text: write <= for \u2264."),
        # Quotes a chat made typographic.
        ("print(\u2018hello\u2019)", "Sage code is plain text: write ' for \u2018."),
        ("print(\u201chello\u201d)", 'Sage code is plain text: write " for \u201c.'),
        (
            "f(x) = x^3; f'(x)",
            "f'(x) is not Sage's notation for a derivative: diff(f(x), x), or f.diff() for a "
            "symbolic function defined as f(x) = ...",
        ),
        ("f(x) := x^2", "Sage defines a symbolic function with =: f(x) = x^2."),
        (
            "|x - 1|",
            "Sage writes the absolute value as abs(x - 1), not |x - 1|: | is Python's bitwise or.",
        ),
        (
            "integrate(1/|x|, x, 1, 2)",
            "Sage writes the absolute value as abs(x), not |x|: | is Python's bitwise or.",
        ),
        (
            "diff(ln|x|, x)",
            "Sage writes ln|x| as log(abs(x)): | is Python's bitwise or, and abs() the absolute "
            "value.",
        ),
    ):
        error = one(evaluate(stub, code), "error").error
        assert error.ename == "SyntaxError", code
        assert error.traceback.endswith(f"\n{hint}\n"), code
    # Python's own | is no absolute value; a string with a quote is no derivative.
    for code in ("a = 1 | 2 +", "print('it's')"):
        assert "Sage writes" not in one(evaluate(stub, code), "error").error.traceback, code
    # As the hints say.
    assert value(stub, "", "f(x) = x^3; diff(f(x), x), f.diff(), abs(-2), 6 / 2") == (
        "(3*x^2, x |--> 3*x^2, 2, 3)"
    )
    assert value(stub, "", "integrate(1/abs(x), x, 1, 2), log(abs(-e))") == ("(log(2), 1)")


def test_a_star_import_that_replaces_sages_names_says_so(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Later cells then give other answers without an error: after `from math import *`,
    sqrt(2) is a float; after `from sympy import *`, factor(2^64 + 1) gives the number."""
    events = evaluate(stub, "from math import *", session)
    assert finished_of(events).status == OK
    assert stderr_of(events).startswith(
        "Note: from math import * replaced 29 of Sage's names (sqrt, pi, e, exp, log, sin, "
    )
    assert "To have Sage's back: from sage.all import *" in stderr_of(events)
    assert value(stub, session, "sqrt(2)") == "1.4142135623730951"
    # As the note says; a star import of Sage's own, or of names Sage has none of, says
    # nothing.
    for code in ("from sage.all import *", "from textwrap import *"):
        assert stderr_of(evaluate(stub, code, session)) == "", code
    assert value(stub, session, "sqrt(2)") == "sqrt(2)"
    # What a library binds is looked at, not trusted: a class whose module cannot be read
    # is not Sage's, and the import still succeeds.
    evaluate(stub, (
        "import sys, types\nclass Meta(type):\n    @property\n"
        "    def __module__(cls): raise RuntimeError('no module')\n"
        "module = types.ModuleType('odd')\nmodule.factor = Meta('factor', (), {})\n"
        "sys.modules['odd'] = module"
    ), session)  # fmt: skip
    events = evaluate(stub, "from odd import *", session)
    assert finished_of(events).status == OK
    assert "replaced a name of Sage's (factor)" in stderr_of(events)


def test_a_bare_precision_gets_a_note_that_sage_reads_it_as_bits(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """SymPy's N(pi, 50) and Mathematica's give 50 digits; Sage's gives 15, without a word."""
    events = evaluate(stub, "N(pi, 50)", session)
    assert stderr_of(events) == (
        "Note: Sage reads a bare precision as bits: N(x, 50) and x.n(50) give 50 bits, about "
        "15 digits. For 50 digits: N(x, digits=50) or x.n(digits=50).\n"
    )
    assert one(events, "result").result.text_plain == "3.1415926535898"
    assert "about 30 digits" in stderr_of(evaluate(stub, "print(pi.n(100))", session))
    # As the note says. A named precision, or an N of the cell's own, gets no note.
    assert value(stub, session, "N(pi, digits=30)") == "3.14159265358979323846264338328"
    for code in ("N(pi, digits=50)", "pi.n(prec=100)", "def N(a, b): return a + b\nN(1, 2)"):
        assert stderr_of(evaluate(stub, code, session)) == "", code


def test_an_equation_solve_gives_back_unsolved_gets_a_note_that_it_is_no_solution(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Where Maxima finds no explicit solution, solve gives the equation back rearranged, and
    it reads as an answer: x == e^x - 2."""
    for code, equation, way in (
        ("solve(x^5 - x + 1 == 0, x)", "0 == x^5 - x + 1",
         "Its roots, numerically: (x^5 - x + 1).roots(x, ring=CC), or ring=RR for the real ones."),
        ("solve(exp(x) == x + 2, x, solution_dict=True)", "x == e^x - 2",
         "A root in [a, b], numerically: find_root(x - e^x + 2, a, b)."),
        ("s = solve(x - cos(x), x, multiplicities=True)", "x == cos(x)",
         "A root in [a, b], numerically: find_root(x - cos(x), a, b)."),
        # Roots and logarithms, which to_poly_solve makes a polynomial of.
        ("solve(sqrt(x + 2) == x, x)", "x == sqrt(x + 2)",
         "Exactly: solve(..., to_poly_solve=True), which squares roots away and combines "
         "logarithms, and so may give solutions that are not: check each by substituting it. "
         "A root in [a, b], numerically: find_root(x - sqrt(x + 2), a, b)."),
        ("solve(log(x) + log(x - 2) == log(3), x)", "log(x) == log(3) - log(x - 2)",
         "Exactly: solve(..., to_poly_solve=True), which squares roots away and combines "
         "logarithms, and so may give solutions that are not: check each by substituting it. "
         "A root in [a, b], numerically: find_root(-log(3) + log(x - 2) + log(x), a, b)."),
    ):  # fmt: skip
        events = evaluate(stub, code, session)
        assert finished_of(events).status == OK, code
        assert stderr_of(events) == (
            "Note: solve found no explicit solution, and gave the equation back rearranged: "
            f"{equation} is not a solution. {way}\n"
        ), code
    # As the note says.
    assert value(stub, session, "find_root(x - cos(x), 0, 1)") == "0.7390851332151559"
    assert value(stub, session, "(x^5 - x + 1).roots(x, ring=RR)") == "[(-1.16730397826142, 1)]"
    assert value(stub, session, "solve(sqrt(x + 2) == x, x, to_poly_solve=True)") == "[x == 2]"
    code = "eq = log(x) + log(x - 2) == log(3)\n"
    code += "[(s, bool(eq.subs(s))) for s in solve(eq, x, to_poly_solve=True)]"
    assert value(stub, session, code) == "[(x == -1, False), (x == 3, True)]"
    # Solutions, a parameter's among them, and a solve of the cell's own get no note.
    evaluate(stub, "var('y')", session)
    for code in (
        "solve(x^2 == 4, x)",
        "solve(x + y == 1, x)",
        "solve([x + y == 1, x - y == 3], x, y)",
        "solve(x^2 > 1, x)",
        "def solve(*args): return [0 == x^5 - x + 1]\nsolve(x, x)",
    ):
        assert stderr_of(evaluate(stub, code, session)) == "", code


def test_canonicalize_radicals_branch_for_positive_variables_is_said_once(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """sqrt(a^2).canonicalize_radical() is a, which is not sqrt(a^2) for a negative a."""
    session = create_session(stub)
    evaluate(stub, "var('a')", session)
    # Where the two agree everywhere: no note.
    assert stderr_of(evaluate(stub, "(sqrt(x)*sqrt(x)).canonicalize_radical()", session)) == ""
    events = evaluate(stub, "r = sqrt(a^2).canonicalize_radical(); r", session)
    assert one(events, "result").result.text_plain == "a"
    assert stderr_of(events) == (
        "Note: canonicalize_radical() chose one branch of each root, the one for positive "
        "variables: a is not sqrt(a^2) where a = -0.7, as they are -0.7 and 0.7 there. "
        "simplify_real() simplifies for any real values of the variables (sqrt(a^2) is abs(a) "
        "there).\n"
    )
    # Once in a session.
    code = "sqrt(x^2*(x + 1)^2).canonicalize_radical()"
    assert stderr_of(evaluate(stub, code, session)) == ""
    # As the note says.
    assert value(stub, session, "sqrt(a^2).simplify_real()") == "abs(a)"


def test_a_solution_that_makes_a_denominator_zero_gets_a_note_that_it_is_none(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """solve((x^2 - 1)/(x - 1) == 2, x) is [x == 1], where the equation is undefined: solve
    does not check its solutions against the equation's denominators."""
    unchecked = (
        "zero, where the equation is undefined: solve does not check its solutions against the "
        "equation's denominators."
    )
    for code, said, rest in (
        ("solve((x^2 - 1)/(x - 1) == 2, x)", "x == 1 is no solution: it makes the equation's "
         "denominator x - 1", "The equation has no solutions."),
        ("eq = (x - 1)/(x^2 - 1) == 1/2\nsolve(eq, x, solution_dict=True)", "x == 1 is no "
         "solution: it makes the equation's denominator x^2 - 1", "The equation has no "
         "solutions."),
        # A periodic equation's solutions in other periods are missing too: sin(x)/x is 0 at pi.
        ("solve(sin(x)/x == 0, x)", "x == 0 is no solution: it makes the equation's denominator "
         "x", "solve inverts sin, cos and tan by their principal values, so the equation's "
         "solutions elsewhere, if it has any, are missing: find_root(f, a, b) finds one in "
         "[a, b]."),
    ):  # fmt: skip
        events = evaluate(stub, code, session)
        assert finished_of(events).status == OK, code
        assert stderr_of(events) == f"Note: {said} {unchecked} {rest}\n", code
    # A system's solution, where one of its denominators is 0.
    evaluate(stub, "var('y')", session)
    assert stderr_of(evaluate(stub, "solve([y/(x - 1) == 0, x + y == 1], x, y)", session)) == (
        "Note: x == 1, y == 0 is no solution: it makes the system's denominator x - 1 zero, "
        "where the system is undefined: solve does not check its solutions against the "
        "system's denominators. The system has no solutions.\n"
    )
    # As the note says.
    last = last_line_of_error(stub, session, "((x^2 - 1)/(x - 1)).subs(x=1)", "ValueError")
    assert last.startswith("A denominator of the expression is 0 at the point substituted")
    assert value(stub, session, "find_root(sin(x)/x, 1, 4)") == "3.141592653589793"
    # Solutions where every denominator has a value get no note.
    for code in ("solve((x^2 - 4)/(x - 2) == 0, x)", "solve(x/(x - 2) == 3, x)"):
        assert stderr_of(evaluate(stub, code, session)) == "", code


def test_an_inequality_solve_gives_back_unsolved_gets_a_note_that_it_is_no_solution(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Where Maxima cannot solve an inequality, solve gives it back, as it was or rearranged,
    in the list of lists its solutions come in: [[sin(x) > 0]] reads as an answer."""
    one_variable = (
        "algorithm='sympy' solves some inequalities in one variable. Otherwise, it can change "
        "from true to false only where {f} is 0 or undefined: solve({f} == 0, x) or, "
        "numerically, find_root({f}, a, b) finds where it is 0.\n"
    )
    evaluate(stub, "var('y')", session)
    for code, relation, way in (
        ("solve(sin(x) > 0, x)", "sin(x) > 0", one_variable.format(f="sin(x)")),
        ("s = solve(log(x) > 1, x)", "log(x) - 1 > 0", one_variable.format(f="log(x) - 1")),
        # Its boundary comes back as an equation, which is not one either.
        ("solve(cos(x) <= x, x)", "x - cos(x) > 0", one_variable.format(f="x - cos(x)")),
        ("solve([sin(x) > 0, x < 3], x)", "sin(x) > 0", one_variable.format(f="sin(x)")),
        ("solve(x*y > 1, x)", "x*y - 1 > 0",
         "It can change from true to false only where x*y - 1 is 0 or undefined: "
         "solve(x*y - 1 == 0, x) says where.\n"),
    ):  # fmt: skip
        events = evaluate(stub, code, session)
        assert finished_of(events).status == OK, code
        assert stderr_of(events) == (
            "Note: solve could not solve the inequality for x, and gave it back unsolved: "
            f"{relation} is not a solution. {way}"
        ), code
    # As the note says.
    assert value(stub, session, "solve(log(x) - 1 == 0, x)") == "[e == x]"
    assert value(stub, session, "solve(x*y - 1 == 0, x)") == "[x == (1/y)]"
    # Inequalities solved, for the variable or with it alone on one side, get no note.
    for code in (
        "solve(x^2 > 2, x)",
        "solve(1/x > 2, x)",
        "solve(abs(x) > 1, x)",
        "solve(x^2 >= 0, x)",
        "solve(x + y > 0, x)",
        "solve(x^3 > 8, x)",
    ):
        assert stderr_of(evaluate(stub, code, session)) == "", code


def test_a_solution_written_backwards_and_empty_answers_that_are_no_answer_get_notes(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """[e == x] for log(x) == 1: its rhs() is x itself. [] for solve(x^2 == 4, y) reads as no
    solutions."""
    session = create_session(stub)
    evaluate(stub, "var('y z')", session)
    events = evaluate(stub, "s = solve(log(x) == 1, x); s", session)
    assert one(events, "result").result.text_plain == "[e == x]"
    assert stderr_of(events) == (
        "Note: solve wrote e == x with x on the right: x's value is its left side, e, which "
        ".lhs() gives; .rhs() gives x itself (and solution_dict=True {e: x}).\n"
    )
    assert value(stub, session, "s[0].lhs(), solve(log(x) == 1, x, solution_dict=True)") == (
        "(e, [{e: x}])"
    )
    for code, its, first in (
        ("solve(x^2 == 4, y)", "its variable is x. Solve for it", "x"),
        ("solve(x + z == 1, y)", "its variables are x, z. Solve for one of them", "x"),
    ):
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == "[]", code
        assert stderr_of(events) == (
            f"Note: solve gave [] because the equation has no y: {its}, as solve(..., {first}).\n"
        ), code
    # A Python function compared with a value is False: solve(False, x) is [].
    evaluate(stub, "def f(t):\n    return t^2 + 1", session)
    events = evaluate(stub, "solve(f == 2, x)", session)
    assert one(events, "result").result.text_plain == "[]"
    assert stderr_of(events) == (
        "Note: f == 2 compares the Python function f itself with a value, which is False, and "
        "solve(False, x) is []. Call it on the variable: solve(f(x) == 2, x).\n"
    )
    assert value(stub, session, "solve(f(x) == 2, x)") == "[x == -1, x == 1]"
    # No solutions in a variable the equation has, or a number's equation, say nothing.
    say_nothing(stub, session, "solve(x^2 == -1, x, domain='complex') and []", "solve(1 == 2, y)")


def test_solve_under_an_earlier_cells_assumption_gets_a_note_once_that_it_applied_it(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """assume(x > 0) lasts until forgotten, and Maxima's solve leaves out what it rules out:
    [x == 2] for x^2 == 4, cells after the assumption was made and forgotten."""
    evaluate(stub, "assume(x > 0)", session)
    events = evaluate(stub, "solve(x^2 == 4, x)", session)
    assert one(events, "result").result.text_plain == "[x == 2]"
    assert stderr_of(events) == (
        "Note: solve applied the assumptions in force from an earlier cell, x > 0: solutions "
        "they rule out are left out. forget() drops all assumptions, forget(x > 0) this one.\n"
    )
    # Once for the same assumptions; another variable's solve, a cell that assumes itself, and
    # a declaration (n is integer, which rules no solution out) get none.
    say_nothing(
        stub, session, "solve(x^2 == 9, x)", "var('y'); solve(y^2 == 4, y)",
        "assume(y < 5); solve(y^2 == 4, y)", "var('n'); assume(n, 'integer')",
        "solve(n^2 == 4, n)",
    )  # fmt: skip
    # As the note says.
    assert value(stub, session, "forget(x > 0); solve(x^2 == 4, x)") == "[x == -2, x == 2]"


def test_solutions_of_an_equation_in_sin_get_a_note_that_solve_gave_principal_values_only(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    events = evaluate(stub, "eq = sin(x)^2 == 1/4\nsols = solve(eq, x)\nprint(len(sols))", session)
    assert stdout_of(events) == "2\n"
    assert stderr_of(events) == (
        "Note: solve inverts sin, cos and tan by their principal values, so the equation's "
        "other solutions are missing from [x == -1/6*pi, x == 1/6*pi]. All of them, with an "
        "integer parameter z: solve(..., to_poly_solve='force').\n"
    )
    # to_poly_solve=True, which squares roots away, still gives the principal values.
    events = evaluate(stub, "solve(sin(x) == 1/2, x, to_poly_solve=True)", session)
    assert one(events, "result").result.text_plain == "[x == 1/6*pi]"
    assert "to_poly_solve='force'" in stderr_of(events)
    # As the note says; sin of a parameter is no periodic equation in x.
    events = evaluate(stub, "solve(sin(x) == 1/2, x, to_poly_solve='force')", session)
    assert stderr_of(events) == ""
    assert re.fullmatch(
        r"\[x == 5/6\*pi \+ 2\*pi\*z\d+, x == 1/6\*pi \+ 2\*pi\*z\d+\]",
        one(events, "result").result.text_plain,
    )
    assert stderr_of(evaluate(stub, "var('a'); solve(x*sin(a) == 1, x)", session)) == ""


def test_a_domain_maxima_ignores_gets_a_note_that_sympys_solver_reads_it(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """solve(x^2 == -1, x, domain='real') gives [x == -I, x == I]: only SymPy's solver reads
    domain=."""
    events = evaluate(stub, "solve(x^2 == -1, x, domain='real')", session)
    assert one(events, "result").result.text_plain == "[x == -I, x == I]"
    assert stderr_of(events) == (
        "Note: solve's domain='real' takes effect with algorithm='sympy' only: Maxima, which "
        "solved this, ignores it, and these are all its solutions, complex ones too. "
        "solve(..., algorithm='sympy', domain='real') keeps those in the domain.\n"
    )
    # As the note says.
    events = evaluate(stub, "solve(x^4 == 1, x, algorithm='sympy', domain='real')", session)
    assert one(events, "result").result.text_plain == "[x == -1, x == 1]"
    assert stderr_of(events) == ""


def test_real_solutions_written_with_i_get_a_note_with_their_values(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """A cubic's three real roots, as radicals, pass through complex numbers."""
    events = evaluate(stub, "sols = solve(x^3 - 3*x == -1, x); len(sols)", session)
    assert one(events, "result").result.text_plain == "3"
    assert value(stub, session, "'I' in str(sols)") == "True"
    assert stderr_of(events) == (
        "Note: these solutions are real, though written with I: radicals reach some real roots "
        "only through complex numbers (a cubic's, when it has three real roots), and n() of "
        "them leaves an imaginary part of rounding error. Their values: x \u2248 "
        "0.347296355333861, x \u2248 -1.87938524157182, x \u2248 1.53208888623796. As real "
        "algebraic numbers, exactly: (x^3 - 3 * x + 1).roots(x, ring=AA).\n"
    )
    events = evaluate(stub, "eq = x^3 - 7*x + 7 == 0; solve(eq, x, solution_dict=True)", session)
    assert stderr_of(events).endswith(
        "Their values: x \u2248 1.35689586789221, x \u2248 -3.04891733952231, x \u2248 "
        "1.69202147163010. As real algebraic numbers, exactly: (eq.lhs() - eq.rhs())"
        ".roots(x, ring=AA).\n"
    )
    events = evaluate(stub, "solve(x^3 - x + 1 == 0, x)", session)
    assert stderr_of(events).startswith("Note: 1 of these 3 solutions is real, though written")
    assert "error. Its value: x \u2248 -1.32471795724475. As real" in stderr_of(events)
    # Complex roots, and real ones written without I.
    for code in (
        "solve(x^3 - 2 == 0, x)",
        "solve(x^3 + x + 1, x)",
        "solve(x^2 + 1 == 0, x)",
        "solve(x^4 - 10*x^2 + 1 == 0, x)",
    ):
        assert stderr_of(evaluate(stub, code, session)) == "", code
    # As the note says.
    assert value(stub, session, "(x ** 3 - 3 * x + 1).roots(x, ring=AA)") == (
        "[(-1.879385241571817?, 1), (0.3472963553338607?, 1), (1.532088886237957?, 1)]"
    )


def test_complex_solutions_written_without_i_get_a_note_with_one_of_their_values(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """The circle and the parabola y = x^2 meet at two real points, and two complex ones
    whose x is the square root of a negative number."""
    evaluate(stub, "var('y')", session)
    note = (
        "Note: 2 of these 4 solutions are complex, though written without I: "
        "x == -sqrt(-1/2*sqrt(5) - 1/2) is -1.27201964951407*I. Sage's variables are complex, "
        "and solve gives the complex solutions too: the real ones are those whose values have "
        "no imaginary part.\n"
    )
    for code in (
        "sols = solve([x^2 + y^2 == 1, y == x^2], x, y); len(sols)",
        "solve([x^2 + y^2 == 1, y == x^2], [x, y], solution_dict=True)",
        "solve(x^4 + x^2 - 1 == 0, x)",
    ):
        assert stderr_of(evaluate(stub, code, session)) == note, code
    # Complex ones written with I, real ones, and values with a variable in them.
    for code in (
        "solve(x^2 == -1, x)",
        "solve(x^2 == 2, x)",
        "var('a'); solve(x^2 == a, x)",
    ):
        assert stderr_of(evaluate(stub, code, session)) == "", code
    # As the note says.
    code = "[s for s in sols if all(e.rhs().n().imag() == 0 for e in s)]"
    assert value(stub, session, code) == (
        "[[x == -sqrt(1/2*sqrt(5) - 1/2), y == 1/2*sqrt(5) - 1/2],\n"
        " [x == sqrt(1/2*sqrt(5) - 1/2), y == 1/2*sqrt(5) - 1/2]]"
    )


def test_desolves_implicit_solution_and_its_constants_get_notes(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    events = evaluate(
        stub, "y = function('y')(x); sol = desolve(diff(y, x) == y^2, y); sol", session
    )
    assert one(events, "result").result.text_plain == "-1/y(x) == _C + x"
    assert stderr_of(events) == (
        "Note: desolve gave the solution implicitly, as an equation in y(x), not y(x) itself: "
        "solve(sol, y) solves it for y(x) where it can.\n"
        "Note: in desolve's answers, _C is an arbitrary constant of the general solution: "
        "ics=[x0, y0] (and y'(x0) after them, for a second-order equation) fixes it, or "
        "substitute a value, as .subs(_C=1).\n"
    )
    # As the note says; and solve's answer for y(x) is no equation given back.
    events = evaluate(stub, "solve(sol, y)", session)
    assert one(events, "result").result.text_plain == "[y(x) == -1/(_C + x)]"
    assert stderr_of(events) == ""
    # The cell's own value is _; the constants were told once.
    events = evaluate(stub, "desolve(diff(y, x) == y^2 + 1, y)", session)
    assert stderr_of(events) == (
        "Note: desolve gave the solution implicitly, as an equation in y(x), not y(x) itself: "
        "solve(_, y) solves it for y(x) where it can, _ being the cell's value.\n"
    )
    # Solved for y(x), with two constants, in a session not told yet.
    events = evaluate(stub, "y = function('y')(x); desolve(diff(y, x, 2) + y == 0, y)", "")
    assert one(events, "result").result.text_plain == "_K2*cos(x) + _K1*sin(x)"
    assert stderr_of(events).startswith(
        "Note: in desolve's answers, _K1 and _K2 are arbitrary constants of the general "
        "solution: ics=[x0, y0]"
    )
    events = evaluate(stub, "desolve(diff(y, x) + y == 0, y, ics=[0, 1])", session)
    assert stderr_of(events) == ""
    # The cell's own desolve is its business.
    code = (
        "y = function('y')(x)\ndef desolve(de, f):\n    return f == 1\n"
        "desolve(diff(y, x) == y^2, y)"
    )
    assert stderr_of(evaluate(stub, code)) == ""


def test_an_ode_with_no_closed_form_gets_a_hint_to_solve_it_numerically(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    code = "y = function('y')(x); desolve(diff(y, x) == x*y^2 + 1, y)"
    error = one(evaluate(stub, code, session), "error").error
    assert error.ename == "NotImplementedError"
    assert error.traceback.endswith(
        "Numerically, from an initial condition: desolve_rk4 with the same equation and unknown, "
        "as desolve_rk4(diff(y, x) == x*y^2 + 1, y, ics=[0, 0], end_points=1), gives the "
        "solution's points from x = 0 to 1 (desolve_system_rk4 and desolve_odeint, for "
        "systems).\n"
    )
    # As the hint says.
    code = "desolve_rk4(diff(y, x) == x*y^2 + 1, y, ics=[0, 0], end_points=1)[-1][0]"
    assert value(stub, session, code) == "1.0"
    code = "desolve(diff(y, x) == x*y^2 + 1, y, contrib_ode=True)[0].has(bessel_J(1/3, x))"
    assert finished_of(evaluate(stub, code, session)).status == pb.EVALUATION_STATUS_OK


def test_an_ode_written_with_primes_without_its_unknown_or_short_of_a_condition_gets_hints(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """y' opens a string and y'' is an empty one; desolve without y names 'dvar'; a second
    order equation given two conditions fails in Maxima's words, "first: empty argument"."""
    evaluate(stub, "y = function('y')(x)", session)
    for code, ename, hint in (
        ("desolve(y' == y, y)", "SyntaxError",
         "y' is not Sage's notation for a derivative: diff(y, x), for the unknown "
         "y = function('y')(x), as in desolve(diff(y, x) == y, y)."),
        ("desolve(y'' + y == 0, y)", "SyntaxError",
         "y'' is not Sage's notation for a derivative: diff(y, x, 2), for the unknown "
         "y = function('y')(x), as in desolve(diff(y, x, 2) == y, y)."),
        ("desolve(diff(y, x) == y)", "TypeError",
         "desolve takes the unknown function after the equation: desolve(diff(y, x) == y, y), "
         "with y = function('y')(x)."),
        ("desolve(diff(y, x, 2) + y == 0, y, ics=[0, 1])", "TypeError",
         "For a second-order equation, ics gives three values, x0, y(x0) and y'(x0), as "
         "ics=[0, 1, 0]; two are for a first-order one."),
    ):  # fmt: skip
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == ename, code
        assert error.traceback.endswith(f"\n{hint}\n"), code
    # A quote that ends a word in a string is not a derivative.
    error = one(evaluate(stub, "print('don't')", session), "error").error
    assert "derivative" not in error.traceback
    # As the hints say.
    assert value(stub, session, "desolve(diff(y, x) == y, y)") == "_C*e^x"
    assert value(stub, session, "desolve(diff(y, x, 2) + y == 0, y, ics=[0, 1, 0])") == "cos(x)"


def test_an_ode_solver_that_cannot_tell_the_independent_variable_gets_a_hint_to_give_it(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """desolve_rk4(y, y, ...) of y' = y names no variable but y; one with parameters names
    several. Sage says only "Unable to determine independent variable, please specify."."""
    evaluate(stub, "var('t y a')", session)
    for code, hint in (
        ("desolve_rk4(y, y, ics=[0, 1], end_points=1)",
         "The equation names no variable but the unknown, so desolve_rk4 cannot tell which one "
         "the solution is a function of: give it, as desolve_rk4(..., ivar=t), with t declared "
         "as var('t')."),
        ("desolve_rk4(a*y + t, y, ics=[0, 1], end_points=1)",
         "The equation names a, t besides the unknown, so desolve_rk4 cannot tell which one the "
         "solution is a function of: give it, as desolve_rk4(..., ivar=t); the others are "
         "parameters, which need values first for a numerical solver."),
    ):  # fmt: skip
        assert last_line_of_error(stub, session, code, "ValueError") == hint, code
    # As the hint says.
    code = "desolve_rk4(y, y, ivar=t, ics=[0, 1], end_points=1, step=1/2)[-1]"
    assert value(stub, session, code) == "[1.0, 2.71734619140625]"


def test_sums_and_products_to_infinity_that_their_partial_values_contradict_are_said(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Maxima's product of 1 + 1/k^2 is 0, and its sum of the logs divergent; both settle."""
    events = evaluate(stub, "var('k'); P = product(1 + 1/k^2, k, 1, oo); P", session)
    assert one(events, "result").result.text_plain == "0"
    assert stderr_of(events) == (
        "Note: product(1 + 1 / k^2, k, 1, oo) gave 0, but its partial products settle near "
        "3.676: 3.6757103 up to k = 10000, 3.6760411 up to 100000. Maxima's infinite product is "
        "wrong here. Numerically: F = fast_callable(1 + 1 / k^2, vars=[k], domain=RDF); "
        "prod(F(j) for j in range(1, 10^6)).\n"
    )
    error = one(evaluate(stub, "sum(log(1 + 1/k^2), k, 1, oo)", session), "error").error
    assert error.traceback.endswith(
        "Maxima's test calls this sum divergent, but its partial sums settle near 1.302: "
        "1.3017464 up to k = 10000, 1.3018364 up to 100000, so the test is wrong here. "
        "Numerically: F = fast_callable(log(1/k^2 + 1), vars=[k], domain=RDF); "
        "sum(F(j) for j in range(1, 10^6)).\n"
    )
    error = one(evaluate(stub, "product(1 - 1/k^2, k, 2, oo)", session), "error").error
    assert error.traceback.endswith(
        "RuntimeError: indeterminate expression: 0 * infinity encountered.\nMaxima's infinite "
        "product failed on the way, but its partial products settle near 0.5: 0.50005 up to "
        "k = 10000, 0.500005 up to 100000. The partial product to n, p = product(-1/k^2 + 1, k, "
        "2, n) with var('n'), may have a limit(p, n=oo) in closed form. Numerically: "
        "F = fast_callable(-1/k^2 + 1, vars=[k], domain=RDF); "
        "prod(F(j) for j in range(2, 10^6)).\n"
    )
    # Right answers (0 and +Infinity among them) and divergent sums are left as they are.
    for code in (
        "product(k/(k + 1), k, 1, oo)",
        "product(1 + 1/k, k, 1, oo)",
        "product(2, k, 1, 10)",
        "sum(1/k^2, k, 1, oo)",
    ):
        assert stderr_of(evaluate(stub, code, session)) == "", code
    # The cell's own product is its business.
    code = "var('k')\ndef product(f, k, a, b):\n    return 0\nproduct(1 + 1/k^2, k, 1, oo)"
    assert stderr_of(evaluate(stub, code)) == ""
    error = one(evaluate(stub, "sum(1/k, k, 1, oo)", session), "error").error
    assert error.traceback.endswith("ValueError: Sum is divergent.\n")
    # As they say.
    code = (
        "F = fast_callable(1 + 1/k^2, vars=[k], domain=RDF); p = prod(F(j) for j in range(1, 10^6))"
    )
    assert value(stub, session, f"{code}; abs(p - N(sinh(pi)/pi)) < 1e-5") == "True"
    code = "var('n'); p = product(-1/k^2 + 1, k, 2, n); limit(p, n=oo)"
    assert value(stub, session, code) == "1/2"


def test_the_parameters_in_solves_answers_get_a_note_once_of_what_they_stand_for(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Maxima names a family of solutions' parameters z2904 (an integer) and r1 (a number)."""
    events = evaluate(stub, "var('y'); solve([x + y == 1], x, y)", session)
    assert one(events, "result").result.text_plain == "[[x == -r1 + 1, y == r1]]"
    assert stderr_of(events) == (
        "Note: in solve's answers, r1 stands for any number: a solution with one is a family "
        "of solutions. One of them: substitute a value, as .subs(r1=0).\n"
    )
    events = evaluate(stub, "s = solve(sin(x) == 0, x, to_poly_solve='force'); s", session)
    z = re.fullmatch(r"\[x == pi\*(z\d+)\]", one(events, "result").result.text_plain)
    assert z is not None
    assert stderr_of(events) == (
        f"Note: in solve's answers, {z[1]} stands for any integer: a solution with one is a "
        f"family of solutions. One of them: substitute a value, as .subs({z[1]}=0).\n"
    )
    # Each once; and a name the session bound is its own.
    for code in (
        "solve([x + y == 2], x, y)",
        "solve(cos(x) == 1, x, to_poly_solve='force')",
        "var('r7'); solve(x == r7, x)",
    ):
        assert stderr_of(evaluate(stub, code, session)) == "", code
    # As the note says.
    assert value(stub, session, f"s[0].rhs().subs({z[1]}=3)") == "3*pi"


def test_an_integral_given_back_unevaluated_gets_a_note_with_its_numerical_value(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Where Maxima finds no closed form, integrate returns the integral itself."""
    events = evaluate(stub, "2 + integrate(x^x, x, 0, 1)", session)
    assert one(events, "result").result.text_plain == "integrate(x^x, x, 0, 1) + 2"
    assert stderr_of(events) == (
        "Note: integrate found no closed form and gave the integral back unevaluated: "
        "integrate(x^x, x, 0, 1). Its value, numerically: integrate(x^x, x, 0, 1).n(), or "
        "numerical_integral(x^x, 0, 1)[0].\n"
    )
    events = evaluate(stub, "F = integrate(exp(x^x), x)", session)
    assert stderr_of(events) == (
        "Note: integrate found no antiderivative in closed form and gave the integral back "
        "unevaluated: integrate(e^(x^x), x). A definite integral of it has a value "
        "numerically, as numerical_integral(e^(x^x), a, b)[0].\n"
    )
    # As the note says. An integral in closed form gets no note.
    assert value(stub, session, "integrate(x^x, x, 0, 1).n()") == "0.783430509431797"
    assert stderr_of(evaluate(stub, "integrate(x^2, x, 0, 1)", session)) == ""


def test_a_limit_given_back_unevaluated_gets_a_note_with_sympys_algorithm(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Maxima finds no value for the limit of H(n) - log(n), Euler's constant, and returns the
    limit itself; it reads as an answer, and n() of it fails."""
    evaluate(stub, "n, k = var('n k')", session)
    events = evaluate(stub, "limit(sum(1/k, k, 1, n) - log(n), n=oo)", session)
    shown = "limit(harmonic_number(n) - log(n), n, +Infinity)"
    assert one(events, "result").result.text_plain == shown
    assert stderr_of(events) == (
        f"Note: limit found no value and gave the limit back unevaluated: {shown}. SymPy's "
        "algorithm may find it, as limit(..., algorithm='sympy'); the expression at points "
        "nearer and nearer +Infinity shows it numerically.\n"
    )
    # As the note says.
    code = "limit(harmonic_number(n) - log(n), n=oo, algorithm='sympy')"
    assert value(stub, session, code) == "euler_gamma"


def test_a_limit_of_ind_or_unsigned_infinity_gets_a_note_of_what_it_means(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    for code, answer, note in (
        ("limit(sin(1/x), x=0)", "ind",
         "Note: ind is Maxima's answer for a limit that does not exist but stays bounded: the "
         "expression oscillates or jumps near the point. The one-sided limits may exist: "
         "limit(..., dir='+') and dir='-'.\n"),
        ("(1/x).limit(x=0)", "Infinity",
         "Note: Infinity is Sage's unsigned infinity: the expression grows without bound in "
         "size, but not with one sign (+Infinity is the positive one). The one-sided limits: "
         "limit(..., dir='+') and dir='-'.\n"),
        # At infinity, which has one side.
        ("limit(sin(x), x, oo)", "ind",
         "Note: ind is Maxima's answer for a limit that does not exist but stays bounded: the "
         "expression oscillates or jumps as the variable grows without bound.\n"),
    ):  # fmt: skip
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == answer, code
        assert stderr_of(events) == note, code
    # As the notes say; a limit with one sign gets no note.
    assert value(stub, session, "limit(x/abs(x), x=0, dir='-'), limit(1/x, x=0, dir='+')") == (
        "(-1, +Infinity)"
    )
    assert stderr_of(evaluate(stub, "limit(1/x^2, x=0)", session)) == ""


def test_an_answer_with_the_conjugate_of_a_variable_gets_a_note_once_that_it_is_complex(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Sage's variables are complex: d/dx abs(x) is 1/2*(x + conjugate(x))/abs(x)."""
    events = evaluate(stub, "diff(abs(x), x)", session)
    assert one(events, "result").result.text_plain == "1/2*(x + conjugate(x))/abs(x)"
    assert stderr_of(events) == (
        "Note: Sage's symbolic variables are complex unless declared otherwise, hence "
        "conjugate(x) in this answer. Declared real, as var('x', domain='real') or assume(x, "
        "'real'), x gives the answer for a real variable.\n"
    )
    # Once in a session; a string is no answer of Sage's.
    say_nothing(stub, session, "real_part(exp(I*x))", "'conjugate(x)'")
    # As the note says.
    assert value(stub, session, "var('x', domain='real'); diff(abs(x), x)") == "x/abs(x)"
    assert stderr_of(evaluate(stub, "'conjugate(y)'")) == ""


def test_an_odd_root_of_a_negative_number_gets_a_note_once_that_it_is_complex(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """(-8)^(1/3) is 2*(-1)^(1/3), the principal root, where an agent expects -2."""
    events = evaluate(stub, "(-8)^(1/3)", session)
    assert one(events, "result").result.text_plain == "2*(-1)^(1/3)"
    assert stderr_of(events) == (
        "Note: (-1)^(1/3) is the principal cube root of -1, a complex number: Sage, as Python, "
        "takes powers of negative numbers so. The real cube root of a negative x is "
        "real_nth_root(x, 3).\n"
    )
    # Once in a session; a string is no answer of Sage's.
    say_nothing(stub, session, "(-32)^(1/5)", "'(-1)^(1/3)'")
    # As the note says.
    assert value(stub, session, "real_nth_root(-8, 3)") == "-2"
    assert stderr_of(evaluate(stub, "'(-1)^(1/3)'")) == ""


def test_a_lazy_list_shown_cut_short_gets_a_note_once_on_how_to_see_its_items(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Five convergents asked for, three shown: it reads as Sage having found three."""
    events = evaluate(stub, "c = continued_fraction(pi).convergents(); c[:5]", session)
    assert one(events, "result").result.text_plain == "lazy list [3, 22/7, 333/106, ...]"
    assert stderr_of(events).startswith(
        "Note: Sage shows a lazy list's first few items only, then `...`. list(v) gives all of "
        "a finite one"
    )
    # Once in a session; a string is no answer of Sage's.
    say_nothing(stub, session, "continued_fraction(pi).quotients()", "'lazy list [1, 2, ...]'")
    # One shown whole is not cut short.
    assert stderr_of(evaluate(stub, "c[:2]")) == ""
    # As the note says.
    assert value(stub, session, "list(c[:5])") == "[3, 22/7, 333/106, 355/113, 103993/33102]"


def test_gram_schmidt_gets_a_note_once_that_it_orthogonalizes_rows_and_does_not_normalize(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """NumPy's and most texts' Gram-Schmidt gives orthonormal columns; Sage's does not."""
    evaluate(stub, "A = matrix(QQ, [[1, 2], [3, 4]])", session)
    # Asked for orthonormal rows, a cell knows what it gets.
    say_nothing(stub, session, "A.change_ring(RDF).gram_schmidt(orthonormal=True)")
    events = evaluate(stub, "G, M = A.gram_schmidt(); G", session)
    assert one(events, "result").result.text_plain == "[   1    2]\n[ 4/5 -2/5]"
    assert stderr_of(events) == (
        "Note: gram_schmidt() orthogonalizes the rows of a matrix, not its columns, and does "
        "not normalize them: it gives (G, M) with M*G == A, G's rows orthogonal but not of "
        "length 1. gram_schmidt(orthonormal=True) normalizes them where square roots are, over "
        "QQbar or RDF (A.change_ring(QQbar)); for the columns, A.transpose().gram_schmidt().\n"
    )
    say_nothing(stub, session, "A.gram_schmidt()")  # once in a session
    # As the note says.
    assert value(stub, session, "M*G == A, G[0]*G[1], G[1]*G[1]") == "(True, 0, 4/5)"
    assert (
        value(
            stub, session, "Q = A.change_ring(QQbar).gram_schmidt(orthonormal=True)[0]; Q*Q.T == 1"
        )
        == "True"
    )


def test_a_weighted_graphs_distance_counted_in_edges_gets_a_note_to_take_the_weights(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Sage's distances count edges unless given by_weight=True; NetworkX's take weights."""
    evaluate(stub, "W = Graph([(0, 1, 2.5), (1, 2, 1.0), (0, 2, 10)], weighted=True)", session)
    for code, shown, weighed in (
        ("W.shortest_path(0, 2)", "[0, 2]", "W.shortest_path(0, 2, by_weight=True)"),
        ("d = W.diameter(); d", "1", "W.diameter(by_weight=True)"),
    ):
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == shown, code
        method = weighed.split("(")[0].split(".")[1]
        assert stderr_of(events) == (
            f"Note: W's edges have weights, and {method}() counts edges unless given "
            f"by_weight=True: {weighed} takes the weights as lengths.\n"
        ), code
    # Weights taken, a graph without them, labels that are no numbers: no note.
    say_nothing(
        stub, session, "W.distance(0, 2, by_weight=True)", "graphs.PetersenGraph().diameter()",
        "U = Graph([(0, 1, 'a'), (1, 2, 'b')]); U.shortest_path(0, 2)",
    )  # fmt: skip
    # As the note says.
    assert value(
        stub, session, "W.shortest_path(0, 2, by_weight=True), W.diameter(by_weight=True)"
    ) == ("([0, 1, 2], 3.5)")


def test_a_weighted_graphs_adjacency_matrix_gets_a_note_where_its_weights_are(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """adjacency_matrix() has 1 for each edge; the weights are in another matrix."""
    evaluate(stub, "W = Graph([(0, 1, 2.5), (1, 2, 1.0), (0, 2, 10)], weighted=True)", session)
    events = evaluate(stub, "A = W.adjacency_matrix(); A", session)
    assert one(events, "result").result.text_plain == "[0 1 1]\n[1 0 1]\n[1 1 0]"
    assert stderr_of(events) == (
        "Note: W's edges have weights, and adjacency_matrix() has an entry for each edge, "
        "whatever its weight: W.weighted_adjacency_matrix() has the weights.\n"
    )
    # A graph without weights: no note. As the note says.
    say_nothing(stub, session, "graphs.CycleGraph(3).adjacency_matrix()")
    assert value(stub, session, "W.weighted_adjacency_matrix()[0]") == (
        "(0.000000000000000, 2.50000000000000, 10.0000000000000)"
    )


def test_a_graph_of_an_integer_matrix_read_as_numbers_of_edges_gets_a_note_to_weigh_them(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Graph(A) of a weighted adjacency matrix makes a multigraph: a 2 is two edges."""
    evaluate(stub, "A = matrix([[0, 2, 0], [2, 0, 5], [0, 5, 0]])", session)
    # 0s and 1s, weights taken, and a matrix of rationals, whose entries Sage weighs itself.
    say_nothing(
        stub, session, "Graph(matrix([[0, 1], [1, 0]]))", "Graph(A, weighted=True)",
        "B = matrix(QQ, [[0, 1/2], [1/2, 0]]); Graph(B)",
    )  # fmt: skip
    events = evaluate(stub, "G = Graph(A); G.shortest_path_length(0, 2, by_weight=True)", session)
    assert one(events, "result").result.text_plain == "2"
    assert stderr_of(events) == (
        "Note: Graph(A) reads A's entries as numbers of edges, as Sage does for a matrix of "
        "integers: its 2 and 5 made a multigraph of 7 edges, with no weights. With the entries "
        "as the edges' weights: Graph(A, weighted=True), and by_weight=True where a distance is "
        "measured.\n"
    )
    # As the note says.
    code = "Graph(A, weighted=True).shortest_path_length(0, 2, by_weight=True)"
    assert value(stub, session, code) == "7"


def test_a_linear_system_with_many_solutions_gets_a_note_that_one_was_given(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """solve_right of a matrix with dependent columns gives one solution of infinitely many."""
    evaluate(stub, "A = matrix(QQ, [[1, 2], [2, 4]]); b = vector([1, 2])", session)
    for code, shown, note in (
        ("A.solve_right(b)", "(1, 0)",
         "Note: A's columns are dependent (A.right_kernel() has dimension 1), so A*x == b has "
         "infinitely many solutions, and solve_right gave one: all are it plus any vector of "
         "A.right_kernel().\n"),
        ("A.solve_left(vector([1, 2]))", "(1, 0)",
         "Note: A's rows are dependent (A.left_kernel() has dimension 1), so x*A == b has "
         "infinitely many solutions, and solve_left gave one: all are it plus any vector of "
         "A.left_kernel().\n"),
    ):  # fmt: skip
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == shown, code
        assert stderr_of(events) == note, code
    # One solution only, or a floating-point matrix, whose kernel rounding decides: no note.
    say_nothing(
        stub, session, "matrix(QQ, [[1, 2], [3, 4]]).solve_right(vector([1, 1]))",
        "C = matrix(RDF, [[1, 2], [3, 4.5]]); C.solve_right(vector([1, 1]))",
    )  # fmt: skip
    # As the note says: (1, 0) plus a multiple of the kernel's basis solves it too.
    assert value(
        stub, session, "k = A.right_kernel().basis()[0]; A*(A.solve_right(b) + 3*k) == b"
    ) == ("True")


def test_an_iterator_shown_by_pythons_default_text_gets_a_note_on_how_to_see_its_items(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """`<generator object primes at 0x7f...>` reads as an answer with nothing in it."""
    for code in ("primes(10)", "map(factor, [4, 6])", "graphs.PathGraph(3).edge_iterator()"):
        events = evaluate(stub, code, session)
        assert re.fullmatch(
            r"<[\w. ]+ object(?: primes)? at 0x[0-9a-f]+>", one(events, "result").result.text_plain
        ), code
        assert stderr_of(events) == (
            "Note: the value is an iterator, which makes its items only as it is read, so its "
            "text shows none of them: list(v) gives them all, and uses it up (read again, it "
            "gives nothing); for the first 10 of one that may not end, from itertools import "
            "islice, then list(islice(v, 10)).\n"
        ), code
    # An iterator whose text shows its items, an object that is no iterator, and a string.
    say_nothing(
        stub, session, "range(3)", "{1: 2}.keys()", "class A: pass\nA()", "'<map object at 0x1f>'"
    )
    # As the note says.
    assert value(stub, session, "v = primes(10); list(v), list(v)") == "([2, 3, 5, 7], [])"
    assert value(stub, session, "from itertools import islice\nlist(islice(Primes(), 3))") == (
        "[2, 3, 5]"
    )


def test_e_or_i_given_another_value_gets_a_note_once_that_the_constant_is_gone(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """`for e in G.edges()` or `I = identity_matrix(2)` rebind Sage's constants for the rest
    of the session: a later `e^x` or `2 + 3*I` takes the new value without a word."""
    # Sage's constants in another form, names in what a cell defines, strings, an ideal named
    # I and an integer named e (an RSA exponent) are not.
    say_nothing(
        stub, session, "e = exp(1); I = sqrt(-1)", "def f(e): return e", "[e for e in (1, 2)]",
        "print('e = 1')", "R.<a, b> = QQ[]; I = R.ideal([a - b])", "e = 65537",
    )  # fmt: skip
    events = evaluate(stub, "for u, e in [(1, 0.5)]: pass", session)
    assert stderr_of(events) == (
        "Note: e is 0.500000000000000 from this cell on in this session, not Euler's number: "
        "e^x uses this value now. Euler's number is still exp(1); from sage.all import e has e "
        "back.\n"
    )
    events = evaluate(stub, "I = identity_matrix(2)", session)
    assert stderr_of(events) == (
        "Note: I is [1 0] [0 1] from this cell on in this session, not the imaginary unit: "
        "2 + 3*I uses this value now. The unit is still sqrt(-1); from sage.all import I has I "
        "back.\n"
    )
    # Once a session for each.
    say_nothing(stub, session, "e = 3.0", "I = 4")
    # As the note says.
    assert value(stub, session, "e^2, 2 + 3*I, exp(1), sqrt(-1)") == "(9.00000000000000, 14, e, I)"
    assert value(stub, session, "from sage.all import e, I; e^2, 2 + 3*I") == "(e^2, 3*I + 2)"


def test_i_written_as_the_imaginary_unit_after_a_loop_made_it_a_number_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Sage's i is the imaginary unit until a loop takes it as its index: `exp(i*pi)` in a
    later cell is then e^(2*pi), and `3 + 4*i` is 11, without a word."""
    # i as the unit, before any loop; and a loop's own use of it.
    say_nothing(stub, session, "(1 + i)^2", "for i in range(3):\n    print(1 + i)")
    for code, answer, written in (
        ("exp(i*pi)", "e^(2*pi)", "i * pi"),
        ("abs(3 + 4*i)", "11", "3 + 4 * i"),
        ("2 - i", "0", "2 - i"),
    ):
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == answer, code
        assert stderr_of(events) == (
            "Note: i is 2 here, not the imaginary unit (a cell bound the name, as a for loop's "
            f"index), so {written} used 2. The unit is I, or i again after from sage.all import "
            "i.\n"
        ), code
    # i as an index: after its number, in a product, in a subscript.
    say_nothing(stub, session, "i + 1", "2*i + 1", "[10, 20, 30][i - 1]")
    # As the note says.
    assert value(stub, session, "exp(I*pi), abs(3 + 4*I)") == "(-1, 5)"
    assert value(stub, session, "from sage.all import i; exp(i*pi)") == "-1"


def test_a_substitution_of_variables_the_expression_lacks_gets_a_note_that_it_did_nothing(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """f.subs(t=2) of an expression in x gives it back unchanged, and nothing fails."""
    evaluate(stub, "var('t')\nf = x^2 + 1", session)
    for code, what in (
        ("f.subs(t=2)", "f, x^2 + 1,"),
        ("f.subs({t: 2})", "f, x^2 + 1,"),
        ("f.subs(t == 2)", "f, x^2 + 1,"),
        ("f(t=2)", "f, x^2 + 1,"),
        ("(x^2).subs(t=2)", "x^2"),
        ("g(x) = x^3; g(t=2)", "g, x |--> x^3,"),
    ):
        events = evaluate(stub, code, session)
        call = code.rsplit("; ", 1)[-1]
        assert stderr_of(events) == (
            f"Note: {call} substituted nothing: {what} has no t (its variables: x), so it is "
            "given back as it was.\n"
        ), code
    # A variable it has, a name bound again after the call, a constant, and a dictionary
    # whose keys are not written get none.
    say_nothing(
        stub, session, "f.subs(x=2, t=3)", "h = x^2; h = h.subs(x=2); h", "SR(5).subs(x=1)",
        "d = {t: 2}; f.subs(d)", "k = x*t; k.subs(x=1)",
    )  # fmt: skip
    # As the note says.
    assert value(stub, session, "f.subs(x=2), g(2)") == "(5, 8)"


def test_values_computed_on_lines_before_the_last_get_a_note_that_they_were_not_shown(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """A cell shows its last line's value only: the solutions of a first line are dropped, and
    the one value shown reads as the cell's answer."""
    events = evaluate(stub, "solve(x^2 == 4, x)\ndiff(sin(x), x)", session)
    assert one(events, "result").result.text_plain == "cos(x)"
    assert stderr_of(events) == (
        "Note: a cell shows the value of its last line only: the value of solve(x^2 == 4, x) "
        "was computed and not shown. show() or print() it, or end the cell with it.\n"
    )
    code = "A = matrix([[1, 2], [3, 4]])\nA\nA.det()\nplot(sin(x), (x, 0, 1))\nA.rank()\nA.trace()"
    assert stderr_of(evaluate(stub, code, session)) == (
        "Note: a cell shows the value of its last line only: the values of A, A.det(), "
        "plot(sin(x), (x, 0, 1)), ... were computed and not shown. show() or print() each, or "
        "end the cell with them together (`a, b` on the last line shows both).\n"
    )
    # Lines that do something besides computing a value, a function of the cell's own, a
    # string, and what is inside a definition or a loop get none.
    say_nothing(
        stub, session, "var('y')\nL = []\nL.append(1)\nprint(L)\ny^2",
        "def det(m): return 0\ndet(1)\n1", "'About this cell.'\n1 + 1",
        "def f(t):\n    t^2\n    return t\nf(2)", "for k in range(2): k\n1",
    )  # fmt: skip
    # As the note says.
    events = evaluate(stub, "print(solve(x^2 == 4, x))\ndiff(sin(x), x)", session)
    assert stdout_of(events) == "[\nx == -2,\nx == 2\n]\n"
    assert value(stub, session, "solve(x^2 == 4, x), diff(sin(x), x)") == (
        "([x == -2, x == 2], cos(x))"
    )


def test_complex_numbers_whose_imaginary_part_is_rounding_error_get_a_note_each_time(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """The three real roots of x^3 - 3x + 1, by solve's radicals then n(), come out with an
    imaginary part of 1e-16: they read as complex roots."""
    evaluate(stub, "sols = solve(x^3 - 3*x + 1 == 0, x)", session)
    events = evaluate(stub, "[s.rhs().n() for s in sols]", session)
    assert "1.11022302462516e-16*I" in one(events, "result").result.text_plain
    tail = (
        "an imaginary part at the level of rounding error for {its} precision: most likely "
        "{they} real, the exact imaginary part 0 (solve's radicals for a cubic with three real "
        "roots pass through complex numbers, for one). Take .real(), or tell with more digits, "
        ".n(digits=50), where rounding error shrinks. A polynomial's real roots, exactly: "
        ".roots(ring=AA).\n"
    )
    assert stderr_of(events) == (
        "Note: 2 numbers here, as 0.347296355333861 - 1.11022302462516e-16*I, have "
        + tail.format(its="their", they="they are")
    )
    # Each time; double precision's too, which shows its numbers short.
    assert stderr_of(evaluate(stub, "CDF(1.5, -2e-17)", session)) == (
        "Note: 1.5 - 2e-17*I has " + tail.format(its="its", they="the number is")
    )
    # An imaginary part above rounding error, at the precision shown; not a number; a string.
    say_nothing(
        stub,
        session,
        "CC(1, 1e-10)",
        "ComplexField(200)(1, 1e-30)",
        "CC(1e-20, 1e-30)",
        "'1.0 - 1e-16*I'",
        "sols[0].rhs()",
    )
    # As the note says.
    assert value(stub, session, "[s.rhs().n().real() for s in sols][2]") == "1.53208888623796"


def test_a_plot_saved_to_a_file_and_not_shown_gets_a_note_to_show_it(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """p.save('plot.png') shows nothing: the file is in the session's own directory, where the
    caller cannot open it."""
    evaluate(stub, "p = plot(sin(x), (x, 0, pi))", session)
    for code, what, file, how in (
        ("p.save('plot.png')", "plot", "plot.png", "p.show(), or p as the cell's last line"),
        ("save(p, 'p.pdf')", "plot", "p.pdf", "p.show(), or p as the cell's last line"),
        (
            "plot(x^2, (x, 0, 1)).save(filename='sq.svg')",
            "plot",
            "sq.svg",
            ".show() in place of .save(...)",
        ),
        (
            "a = animate([plot(sin(x + k), (x, 0, 6)) for k in (0, 1)]); a.save('a.gif')",
            "animation",
            "a.gif",
            "a.show(), or a as the cell's last line",
        ),
    ):
        events = evaluate(stub, code, session)
        assert kinds(events) == ["started", "stderr", "finished"], code
        assert stderr_of(events) == (
            f"Note: the {what} went to the file {file}, which only the session's code can read: "
            f"no image came back. To see it here, show it: {how}.\n"
        ), code
    # Shown as well; not a picture; saved in code that has not run.
    say_nothing(
        stub,
        session,
        "p.save('plot.png'); p",
        "p.save('plot.png'); p.show()",
        "save(p, 'p.sobj')",
        "n = 3; save(n, 'n.png')",
        "def later():\n    p.save('later.png')",
    )
    # As the note says.
    assert kinds(evaluate(stub, "p.show()", session)) == ["started", "display", "finished"]


def test_a_closed_form_integral_that_is_not_the_integrals_value_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Maxima's integrate(sin(x)/x, x, 0, 1) is pi/2 - I/2*Ei(I) + I/2*Ei(-I), 4.0877
    numerically, where the integral is Si(1) = 0.9461: nothing fails."""
    tail = (
        ": the closed form is most likely wrong, a fault of Maxima's, often at a special "
        "function's branch cut. numerical_integral({integrand}, 0, 1)[0] gives the value; "
        "integrate(..., algorithm='sympy') another closed form.\n"
    )
    closed = "1/2*pi - 1/2*I*Ei(I) + 1/2*I*Ei(-I)"
    said = "is 4.08767572396 numerically, but the integral computed numerically is 0.946083070367"
    evaluate(stub, "f(x) = sinh(x)/x", session)
    for code, answer, note in (
        ("integrate(sin(x)/x, x, 0, 1)", closed,
         f"Note: integrate's closed form here, {closed}, {said} (error estimate 1.1e-14)"
         + tail.format(integrand="sin(x)/x")),
        # A number made of it: which of the closed form and its number is wrong is not told.
        ("N(integral(sin(x)/x, (x, 0, 1)))", "4.08767572395698",
         "Note: this number, 4.08767572396, is not the integral's, which computed numerically "
         "is 0.946083070367 (error estimate 1.1e-14): integrate's closed form is wrong (a fault "
         "of Maxima's, often at a special function's branch cut), or its terms cancel beyond "
         "the 53 bits it was computed with. The closed form itself, and n() of it with more "
         "bits, tell which. numerical_integral(sin(x)/x, 0, 1)[0] gives the value; "
         "integrate(..., algorithm='sympy') another closed form.\n"),
        ("r = f.integrate(x, 0, 1); r.n()", "1.05725087537573 - 1.57079632679490*I",
         "Note: integrate's closed form here, -1/2*I*pi + 1/2*Ei(1) - 1/2*Ei(-1), is "
         "1.05725087538 - 1.57079632679*I numerically, but the integral computed numerically is "
         "1.05725087538 (error estimate 1.2e-14)" + tail.format(integrand="f")),
    ):  # fmt: skip
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == answer, code
        assert stderr_of(events) == note, code
    # Closed forms that are the integral's value, an integral of a parameter, and one whose
    # numerical value is not to be trusted either (integral_error's).
    say_nothing(
        stub,
        session,
        "integrate(exp(-x^2), x, 0, 1)",
        "integrate(cos(x)/x, x, 1, 2)",
        "integrate(1/(1 + x^4), x, 0, oo)",
        "var('a'); integrate(sin(a*x)/x, x, 0, 1)",
        "integrate(cos(x)/x^2, x, 1, oo)",
    )
    # As the note says.
    assert value(stub, session, "numerical_integral(sin(x)/x, 0, 1)[0]") == "0.946083070367183"
    code = "N(integrate(sin(x)/x, x, 0, 1, algorithm='sympy'))"
    assert value(stub, session, code) == "0.946083070367183"


def test_a_closed_form_the_numerical_check_cannot_evaluate_everywhere_gets_no_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """numerical_integral of dirac_delta(x) is 0.0: it cannot evaluate it at 0, prints why,
    and takes 0 there. The closed form, 1, is right, and what the check met is not the cell's
    output."""
    for code in ("integrate(dirac_delta(x), x, -1, 1)", "integrate(heaviside(x - 1), x, 0, 2)"):
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == "1", code
        assert (stdout_of(events), stderr_of(events)) == ("", ""), code
    # x/sqrt(x^2) is 0/0 at 0: numerical_integral's error estimate is NaN, nothing to go by.
    events = evaluate(stub, "integrate(x/sqrt(x^2), x, -1, 1)", session)
    assert one(events, "result").result.text_plain == "0"
    assert stderr_of(events) == ""


def test_a_right_closed_form_whose_terms_cancel_in_floating_point_gets_a_note_saying_so(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """integrate(x^20*exp(-x), x, 0, 1) is 2432902008176640000 - 6613313319248080001*e^(-1),
    0.01835...; with 53 bits its terms cancel to 0. The closed form is not wrong."""
    events = evaluate(stub, "J = integrate(x^20*exp(-x), x, 0, 1); J", session)
    assert one(events, "result").result.text_plain == (
        "-6613313319248080001*e^(-1) + 2432902008176640000"
    )
    assert stderr_of(events) == (
        "Note: integrate's closed form here, -6613313319248080001*e^(-1) + 2432902008176640000, "
        "is right, but its terms cancel: computed with 53 bits, as n() and N() do, it is 0, "
        "where its value is 0.0183504676973. More bits keep its digits, as n(256) of it.\n"
    )
    # As the note says.
    assert value(stub, session, "J.n(), J.n(256).n(40)") == ("(0.000000000000000, 0.018350467697)")


def test_numerical_integral_whose_error_estimate_is_large_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """numerical_integral(sin(x)/x, 0, oo) is 1.902, with an estimate of 1.7: it is pi/2."""
    tail = (
        ": the value is not to be trusted. The integral may diverge, or the integrand be "
        "singular, or oscillate and decay slowly, in the range. integrate(f, x, a, b) tries it "
        "exactly; numerically, split the range at a singularity, or cut an oscillating tail to "
        "a finite range.\n"
    )
    for code, said in (
        (
            "numerical_integral(sin(x)/x, 0, oo)",
            "numerical_integral's error estimate, 1.7, is 89% of its value, 1.90235",
        ),
        (
            "r = numerical_integral(1/x, 0, 1)",
            "numerical_integral's error estimate, 13.1, is 19% of its value, 69.4546",
        ),
        (
            "numerical_integral(1/x, -1, 1)",
            "numerical_integral gave 0, with an error estimate of nan",
        ),
    ):
        events = evaluate(stub, code, session)
        assert stderr_of(events).startswith("Note: " + said + tail), code
    # Estimates within what the value can bear; not numerical_integral's pair.
    say_nothing(
        stub,
        session,
        "numerical_integral(exp(-x^2), -oo, oo)",
        "numerical_integral(sin(1/x), 0, 1)",
        "numerical_integral(sin(x), 0, 2*pi)",  # 6e-17, estimate 4e-14: rounding, both
        "numerical_integral(x^3, -1, 1)",
        "(1.0, 2.0)",
    )
    # As the note says.
    assert value(stub, session, "integrate(sin(x)/x, x, 0, oo)") == "1/2*pi"


def test_plots_made_in_a_loop_and_not_shown_get_a_note_to_show_them(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """As in the console, only a cell's last value is shown: plots a loop makes go unseen."""
    for code in (
        "for k in range(3): plot(sin(k*x), (x, 0, 1))",
        "for k in range(2):\n    p = plot(sin(k*x), (x, 0, 1))\n    p",
    ):
        events = evaluate(stub, code, session)
        assert kinds(events) == ["started", "stderr", "finished"], code
        assert stderr_of(events) == (
            "Note: the plots made in the loop are not shown: only a cell's last value is. "
            "show(plot(...)) in the loop shows each; graphics_array([...]) puts them in one "
            "image.\n"
        ), code
    # Shown in the loop or after it; kept in a list; in a function not yet called.
    say_nothing(
        stub,
        session,
        "ps = [plot(sin(k*x), (x, 0, 1)) for k in range(2)]",
        "for k in range(2): print(k)\nplot(x, (x, 0, 1))",
        "def f():\n    for k in range(2): plot(x, (x, 0, 1))",
    )
    # As the note says.
    events = evaluate(stub, "for k in range(2): show(plot(sin(k*x), (x, 0, 1)))", session)
    assert kinds(events) == ["started", "display", "display", "finished"]
    assert kinds(evaluate(stub, "graphics_array(ps)", session))[:2] == ["started", "display"]


def test_a_plot_printed_and_not_shown_gets_a_note_to_show_it(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """print(p) prints "Graphics object consisting of 1 graphics primitive": no image."""
    for code, shown in (
        ("p = plot(sin(x), (x, 0, 1)); print(p)", "p"),
        ("for k in range(2): print(plot(k*x, (x, 0, 1)))", "plot(k * x, (x, 0, 1))"),
    ):
        events = evaluate(stub, code, session)
        assert kinds(events)[-2:] == ["stderr", "finished"], code
        assert "Graphics object consisting of 1 graphics primitive\n" in stdout_of(events)
        assert stderr_of(events) == (
            f"Note: print() gives a plot's text, not its image: show({shown}) in its place "
            "shows it, as does a plot as the cell's last line.\n"
        ), code
    # Shown too; a number or a string printed.
    say_nothing(stub, session, "print(p); p", "print(p); show(p)", "print(5, 'p')")
    # As the note says.
    assert kinds(evaluate(stub, "show(p)", session)) == ["started", "display", "finished"]


def test_a_nan_gets_a_note_once_that_says_where_it_comes_from(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    events = evaluate(stub, "arccos(2.0)", session)
    assert one(events, "result").result.text_plain == "NaN"
    assert stderr_of(events) == (
        "Note: NaN, not a number, is what floating point answers where no real number is the "
        "answer: a real function outside its domain (arccos(2.0), arccosh(0.5), or arccos of a "
        "ratio that rounding put at 1.0000000000000002), or an indeterminate form. Over the "
        "complex numbers: arccos(CC(2.0)); exactly, then numerically: arccos(2).n().\n"
    )
    # Once in a session; a string is no answer of Sage's; nor a name with nan in it.
    say_nothing(stub, session, "float('nan')", "'NaN'", "nanmean = 1; 'Nanjing'")
    # As the note says.
    assert value(stub, session, "arccos(CC(2.0))") == "1.31695789692482*I"
    assert stderr_of(evaluate(stub, "float('nan')")) != ""


def test_a_number_shown_with_a_question_mark_gets_a_note_once_that_it_is_exact(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Eigenvalues of a rational matrix print as -0.3722813232690144?: exact, not floats."""
    # An algebraic number that prints exactly shows no ?, and needs no note.
    assert stderr_of(evaluate(stub, "matrix(QQbar, [[1, 2], [3, 4]])", session)) == ""
    events = evaluate(stub, "M = matrix(QQ, [[1, 2], [3, 4]])\nev = M.eigenvalues(); ev", session)
    assert one(events, "result").result.text_plain == ("[-0.3722813232690144?, 5.372281323269015?]")
    assert stderr_of(events) == (
        "Note: a number shown with a trailing ? is exact: an algebraic number, printed to the "
        "digits that are certain. For such a v: v.radical_expression() gives its closed form "
        "where radicals express it, v.n() a floating-point number, v.minpoly() its minimal "
        "polynomial.\n"
    )
    # Once in a session is enough; as the note says.
    assert stderr_of(evaluate(stub, "M.eigenvectors_right()", session)) == ""
    assert value(stub, session, "ev[0].radical_expression(), ev[0].n(), ev[0].minpoly()") == (
        "(-1/2*sqrt(33) + 5/2, -0.372281323269014, x^2 - 5*x - 2)"
    )


def test_what_simplify_gives_gets_a_note_once_that_sages_simplify_does_little(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """SymPy's simplify tries everything; Sage's gives these back as they went in."""
    # full_simplify is not simplify; and a variable or a number is as simple as it gets.
    say_nothing(
        stub, session, "(x^2 - 1).full_simplify()", "simplify(exp(log(x)))", "simplify(x/x)"
    )
    events = evaluate(stub, "simplify(sin(x)^2 + cos(x)^2)", session)
    assert one(events, "result").result.text_plain == "cos(x)^2 + sin(x)^2"
    assert stderr_of(events) == (
        "Note: Sage's simplify() applies only Maxima's basic simplification: it neither uses "
        "trig identities nor cancels common factors. full_simplify() tries those, and more; "
        "simplify_trig(), simplify_rational(), simplify_log() and canonicalize_radical() each "
        "try one kind.\n"
    )
    # Once in a session is enough; as the note says.
    events = evaluate(stub, "((x^2 - 1)/(x - 1)).simplify()", session)
    assert one(events, "result").result.text_plain == "(x^2 - 1)/(x - 1)"
    assert stderr_of(events) == ""
    code = "(sin(x)^2 + cos(x)^2).full_simplify(), ((x^2 - 1)/(x - 1)).full_simplify()"
    assert value(stub, session, code) == "(1, x + 1)"


def test_what_expand_leaves_of_a_trig_function_or_logarithm_gets_a_note_once(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """expand(sin(2*x)) comes back as it went in: expand multiplies out products and powers,
    and leaves functions of sums and multiples alone."""
    # Products and powers multiplied out, and functions with nothing to expand: as meant.
    say_nothing(
        stub, session, "expand((x + 1)^2)", "expand(sin(x)*(x + 1))", "(log(x + 1)^2).expand()"
    )
    events = evaluate(stub, "var('y'); expand(sin(2*x) + log(x*y))", session)
    assert one(events, "result").result.text_plain == "log(x*y) + sin(2*x)"
    assert stderr_of(events) == (
        "Note: expand() multiplies out products and powers of sums, and leaves functions of sums "
        "and multiples as they are: here, log(x*y), sin(2*x). expand_trig() expands trig "
        "functions of them (sin(2*x) is 2*cos(x)*sin(x)), expand_log() logarithms of products "
        "and powers.\n"
    )
    # Once in a session is enough; as the note says.
    assert stderr_of(evaluate(stub, "(cos(x + y)).expand()", session)) == ""
    code = "sin(2*x).expand_trig(), log(x*y).expand_log(), cos(x + y).expand_trig()"
    assert value(stub, session, code) == (
        "(2*cos(x)*sin(x), log(x) + log(y), cos(x)*cos(y) - sin(x)*sin(y))"
    )


def test_sages_std_gets_a_note_once_that_it_is_the_samples_unlike_numpys(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """std([1, 2, 3, 4]) is sqrt(5/3); numpy.std, which its deprecation warning names, 1.118."""
    # NumPy's own, and Sage's asked for the population's: no note (Sage's warning stands).
    for code in ("import numpy as np; np.std([1, 2, 3, 4])", "std([1, 2, 3, 4], bias=True)"):
        assert "Note:" not in stderr_of(evaluate(stub, code, session)), code
    events = evaluate(stub, "v = [1, 2, 3, 4]; std(v)", session)
    assert one(events, "result").result.text_plain == "sqrt(5/3)"
    assert stderr_of(events).endswith(
        "Note: Sage's std() and variance() are the sample's, dividing by n - 1. numpy.std and "
        "numpy.var, which the deprecation warning names, divide by n unless given ddof=1: "
        "np.std(v, ddof=1) and np.var(v, ddof=1) are these values.\n"
    )
    # Once in a session is enough; as the note says.
    assert "Note:" not in stderr_of(evaluate(stub, "variance(v)", session))
    code = "bool(np.std(v, ddof=1) == float(std(v))), bool(np.var(v, ddof=1) == variance(v))"
    assert value(stub, session, code) == "(True, True)"


def test_a_polynomials_coefficients_that_leave_out_zeros_get_a_note_once(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """(x^4 - 1).coefficients() is [-1, 1], read as all the coefficients: x - 1."""
    # All of them nonzero, and a symbolic expression's, which come with their degrees.
    say_nothing(stub, session, "(x^4 - 1).coefficients()")
    evaluate(stub, "R.<t> = QQ[]", session)
    say_nothing(stub, session, "(t^2 + 2*t + 1).coefficients()")
    events = evaluate(stub, "f = t^4 - 1; f.coefficients()", session)
    assert one(events, "result").result.text_plain == "[-1, 1]"
    assert stderr_of(events) == (
        "Note: coefficients() of a polynomial lists its nonzero coefficients only, from the "
        "lowest degree: [-1, 1] for t^4 - 1. All of them, from degree 0: f.list(), or "
        "f.coefficients(sparse=False); with their degrees: f.dict().\n"
    )
    # Once in a session is enough; as the note says.
    say_nothing(stub, session, "c = (t^3 + 2*t).coefficients()")
    code = "f.list(), f.coefficients(sparse=False), f.dict()"
    assert value(stub, session, code) == "([-1, 0, 0, 0, 1], [-1, 0, 0, 0, 1], {0: -1, 4: 1})"


def test_a_comparison_shown_gets_a_note_once_that_it_is_not_decided(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Python answers == with True or False; a symbolic comparison comes back as an equation,
    which an agent checking an identity reads as the answer it hoped for."""
    # solve's equations are answers, not comparisons; nor is a comparison of numbers.
    assert stderr_of(evaluate(stub, "solve(x^2 == 4, x)", session)) == ""
    assert value(stub, session, "2 == 2") == "True"
    events = evaluate(stub, "(x + 1)^2 == x^2 + 1", session)
    assert one(events, "result").result.text_plain == "(x + 1)^2 == x^2 + 1"
    assert stderr_of(events) == (
        "Note: a comparison of symbolic expressions makes an equation or inequality, which is "
        "shown, not decided. bool(...) decides it: True only where Sage can prove it, as "
        'bool(sin(x)^2 + cos(x)^2 == 1); otherwise False, which may mean "not proven".\n'
    )
    # Once in a session is enough; as the note says.
    assert stderr_of(evaluate(stub, "x > 0", session)) == ""
    code = "bool((x + 1)^2 == x^2 + 1), bool(sin(x)^2 + cos(x)^2 == 1)"
    assert value(stub, session, code) == "(False, True)"


def test_bool_of_a_relation_in_variables_coming_out_false_gets_a_note_once_it_means_unproven(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """bool(log(a*b) == log(a) + log(b)) is False: an agent reads "not an identity"."""
    evaluate(stub, "var('a b')", session)
    # Proven, numbers, and no relation: no note.
    say_nothing(
        stub, session, "bool(sin(x)^2 + cos(x)^2 == 1)", "bool(2 == 3)", "bool(0)",
    )  # fmt: skip
    events = evaluate(stub, "bool(log(a*b) == log(a) + log(b))", session)
    assert one(events, "result").result.text_plain == "False"
    assert stderr_of(events) == (
        "Note: bool() of a relation in variables is True only where Sage proves it for all "
        'their values, complex ones too, so this False may mean "not proven", not "false". '
        "Assumptions, as assume(a > 0, b > 0), may let it prove more; values, as "
        "(log(a*b) - log(a) - log(b)).subs(a=2, b=3).n(), test it at a point.\n"
    )
    say_nothing(stub, session, "bool(sqrt(x^2) == x)")  # once in a session
    # As the note says.
    assert value(stub, session, "(log(a*b) - log(a) - log(b)).subs(a=2, b=3).n()") == (
        "0.000000000000000"
    )
    assert value(stub, session, "assume(x > 0); bool(sqrt(x^2) == x)") == "True"


def test_factor_giving_an_irreducible_polynomial_back_gets_a_note_once_on_where_it_factors(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """factor(x^2 - 2) is x^2 - 2: over the rationals; an agent reads "cannot factor"."""
    # Factored, an integer, several variables: no note.
    say_nothing(stub, session, "factor(x^2 - 1)", "factor(12)", "var('y'); factor(x^2 + y^2)")
    events = evaluate(stub, "factor(x^2 - 2)", session)
    assert one(events, "result").result.text_plain == "x^2 - 2"
    assert stderr_of(events) == (
        "Note: factor() factors over the rationals, where x^2 - 2 has no factor of lower "
        "degree. Over the algebraic numbers: (x^2 - 2).polynomial(QQbar).factor(); its roots "
        "in closed form, where radicals give them: solve(x^2 - 2 == 0, x).\n"
    )
    say_nothing(stub, session, "factor(x^2 + 1)")  # once in a session
    # A polynomial's own factor(), in a session of its own.
    other = create_session(stub)
    events = evaluate(stub, "R.<t> = QQ[]\n(t^2 + 1).factor()", other)
    assert stderr_of(events).startswith(
        "Note: factor() factors over the rationals, where t^2 + 1 has no factor of lower "
        "degree. Over the algebraic numbers: (t^2 + 1).change_ring(QQbar).factor();"
    )
    # As the note says.
    assert value(stub, session, "(x^2 - 2).polynomial(QQbar).factor()") == (
        "(x - 1.414213562373095?) * (x + 1.414213562373095?)"
    )
    assert value(stub, other, "(t^2 + 1).change_ring(QQbar).factor()") == "(t - I) * (t + I)"
    assert value(stub, session, "solve(x^2 - 2 == 0, x)") == "[x == -sqrt(2), x == sqrt(2)]"


def test_maxima_asking_whether_a_variable_is_a_value_gets_the_assumption_that_answers_it(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Sage's message suggests assume(n>0) for "Is n equal to 1?", which Maxima asks again."""
    evaluate(stub, "var('n')", session)
    for code, value_asked in (("integrate(x^n, x)", "-1"),
                              ("integrate(sin(n*x)*sin(x), x, 0, pi)", "1")):  # fmt: skip
        assert last_line_of_error(stub, session, code, "ValueError") == (
            f"Maxima asks whether n is {value_asked}, where the answer takes another form: "
            f"assume(n != {value_asked}) says it is not, for the general answer, and forget() "
            "undoes it (the example above, assume(n>0), does not answer this question). For "
            f"n = {value_asked} itself, substitute it first."
        ), code
    # As the hint says.
    assert value(stub, session, "assume(n != 1); integrate(sin(n*x)*sin(x), x, 0, pi)") == (
        "-sin(pi*n)/(n^2 - 1)"
    )
    assert value(stub, session, "forget(); integrate(sin(x)*sin(x), x, 0, pi)") == "1/2*pi"


def test_maxima_asking_the_sign_of_an_expression_gets_both_cases_named(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Sage's message gives assume(abs(x)-1>0) as its example for the geometric series, the
    case where it diverges; the other case is the one that converges."""
    session = create_session(stub)
    evaluate(stub, "var('k a')", session)
    for code, asked, zero in (
        ("sum(x^k, k, 0, oo)", "abs(x)-1", True),
        ("integrate(exp(-a*x), x, 0, oo)", "a", True),
        ("integrate(1/(x^2 + a), x)", "a", False),
    ):
        assert last_line_of_error(stub, session, code, "ValueError") == (
            f"Maxima's answer depends on the sign of {asked}: assume({asked} > 0), or "
            f"assume({asked} < 0), gives the answer for that case alone, and forget() undoes it"
            + (f"; where {asked} is 0, substitute the value that makes it so first" if zero else "")
            + ". The cases may differ in kind: in one, a sum or an integral may diverge."
        ), code
    # As the hint says: one case converges, the other diverges.
    assert value(stub, session, "assume(abs(x) - 1 < 0); sum(x^k, k, 0, oo)") == "-1/(x - 1)"
    code = "forget(); assume(abs(x) - 1 > 0); sum(x^k, k, 0, oo)"
    assert last_line_of_error(stub, session, code, "ValueError").startswith(
        "ValueError: Sum is divergent."
    )


def test_pairs_from_roots_or_numerical_integral_used_as_numbers_get_a_hint_to_take_a_part(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Python's message speaks of a tuple, and names neither the pair nor where it came
    from."""
    evaluate(stub, "r = (x^2 - 2).roots()\nv = numerical_integral(sin(x), 0, pi)", session)
    pairs = (
        "r holds (root, multiplicity) pairs, as roots() gives them ((-sqrt(2), 1)): a root is "
        "r[0][0]; roots(multiplicities=False) gives the roots alone.\n"
    )
    two_numbers = (
        "v is the pair (1.9999999999999998, 2.2204460492503128e-14), not a number: "
        "numerical_integral gives (value, error estimate), find_local_minimum (value, "
        "position). Take the one meant: v[0] or v[1].\n"
    )
    for code, ename, hint in (
        ("float(r[0])", "TypeError", pairs),
        ("RR(r[0])", "TypeError", pairs),
        ("r[0].n()", "AttributeError", pairs),
        ("[float(a) for a in r]", "TypeError",
         "a is the pair (root, multiplicity) (-sqrt(2), 1), as roots() gives them: its root is "
         "a[0].\n"),
        ("v + 1", "TypeError", two_numbers),
        ("v * 0.5", "TypeError", two_numbers),
    ):  # fmt: skip
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == ename, code
        assert error.traceback.endswith(hint), code
    # As the hints say. A tuple of no name's gets no pair's hint: arithmetic's, entry by entry.
    assert (
        value(stub, session, "float(r[0][0]), v[0]") == "(-1.4142135623730951, 1.9999999999999998)"
    )
    assert value(stub, session, "(x^2 - 2).roots(multiplicities=False)") == "[-sqrt(2), sqrt(2)]"
    error = one(evaluate(stub, "(1, 2) + 3", session), "error").error
    assert error.traceback.endswith("Entry by entry: [a + 3 for a in (1, 2)].\n")


def test_a_pair_from_roots_multiplied_by_an_integer_gets_a_note_that_it_repeats_the_pair(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """r[0] * 2 is (-sqrt(2), 1, -sqrt(2), 1): Python repeats a tuple, and nothing fails."""
    session = create_session(stub)
    evaluate(stub, "r = (x^2 - 2).roots()", session)
    for code, shown, product, pair, meant in (
        ("r[0] * 2", "(-sqrt(2), 1, -sqrt(2), 1)", "r[0] * 2", "r[0]", "r[0][0] * 2"),
        ("3 * (x^2 - 2).roots()[1]", "(sqrt(2), 1, sqrt(2), 1, sqrt(2), 1)",
         "3 * (x^2 - 2).roots()[1]", "(x^2 - 2).roots()[1]", "3 * (x^2 - 2).roots()[1][0]"),
    ):  # fmt: skip
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == shown, code
        assert stderr_of(events) == (
            f"Note: {product} repeats the tuple {pair}, a (root, multiplicity) pair as roots() "
            f"gives them: its root is {pair}[0], and {meant} is the root's multiple. "
            "roots(multiplicities=False) gives the roots alone.\n"
        ), code
    # As the note says; a list's item that is no pair, say nothing.
    assert value(stub, session, "r[0][0] * 2") == "-2*sqrt(2)"
    say_nothing(stub, session, "L = [1, 2]; L[0] * 2", "M = [[1], [2]]; M[0] * 2")


def test_a_numerical_pair_multiplied_by_an_integer_gets_a_note_that_it_repeats_the_pair(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """numerical_integral gives (value, error estimate): 4 times it is the pair four times."""
    session = create_session(stub)
    for code, pair, times in (
        ("4 * numerical_integral(1/(1 + x^2), 0, 1)", "(0.7853981633974484, 8.7", 4),
        ("m = find_local_minimum(x^2 - 2*x, -5, 5); 2 * m", "(-1.0, 1.0)", 2),
    ):
        events = evaluate(stub, code, session)
        assert len(ast.literal_eval(one(events, "result").result.text_plain)) == 2 * times
        note = stderr_of(events)
        assert note.startswith(f"Note: the tuple is the pair {pair}"), code
        assert note.endswith(
            f" {times} times over: Python's * of a tuple by an integer repeats it, and "
            "numerical_integral gives the pair (value, error estimate), find_local_minimum "
            "(value, position). The value is the pair's first item: for "
            f"r = numerical_integral(...), {times} * r[0].\n"
        ), code
    # find_local_minimum's position is a NumPy float: used as a number, it gets the hint too.
    error = one(evaluate(stub, "m + 1", session), "error").error
    assert error.traceback.endswith(
        "m is the pair (-1.0, 1.0), not a number: numerical_integral gives (value, error "
        "estimate), find_local_minimum (value, position). Take the one meant: m[0] or m[1].\n"
    )
    # As the note says; a tuple of other numbers, or not a pair repeated, says nothing.
    assert value(stub, session, "r = numerical_integral(1/(1 + x^2), 0, 1); 4 * r[0]") == (
        "3.1415926535897936"
    )
    say_nothing(stub, session, "(1, 2, 1, 2)", "(1.5r, 2.5r, 1.5r, 3.5r)", "(0.5r,) * 4")


def test_n_of_a_pair_from_roots_gets_a_note_that_it_made_a_complex_number(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """N((r, m)) is r + m*I: the roots come out wrong, without an error."""
    events = evaluate(stub, "[N(s) for s in (x^2 - 2).roots(multiplicities=True)]", session)
    assert one(events, "result").result.text_plain == (
        "[-1.41421356237310 + 1.00000000000000*I, 1.41421356237310 + 1.00000000000000*I]"
    )
    assert stderr_of(events) == (
        "Note: N(s) read a (root, multiplicity) pair from roots() as a complex number, the root "
        "plus I times the multiplicity. The root is s[0]; roots(multiplicities=False) gives the "
        "roots alone.\n"
    )
    evaluate(stub, "r = (x^2 - 2).roots()\ns = r[0]", session)
    assert "Note: N(r[1]) read a (root, multiplicity) pair" in stderr_of(
        evaluate(stub, "N(r[1])", session)
    )
    assert stderr_of(evaluate(stub, "N(s)", session)).startswith(
        "Note: N(s) read the pair (-sqrt(2), 1) as a complex number, the first number plus I "
        "times the second. If it is a (root, multiplicity) pair from roots(), the root is s[0].\n"
    )
    # As the notes say. A comprehension's s is not the session's.
    code = "[N(s) for s, m in r], N(r[1][0]), [N(s) for s in (x^2 - 2).roots(multiplicities=False)]"
    events = evaluate(stub, code, session)
    assert stderr_of(events) == ""
    assert one(events, "result").result.text_plain == (
        "([-1.41421356237310, 1.41421356237310],\n 1.41421356237310,\n"
        " [-1.41421356237310, 1.41421356237310])"
    )


def test_n_of_a_list_of_numbers_gets_a_note_or_a_hint_that_it_takes_one_number(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """N([a, b]) is a + b*I, without an error; N of a list of another length fails with
    "too many values to unpack", which says nothing of N."""
    for code, argument, kind, pair in (
        ("N([1/3, 2/3])", "[1/3, 2/3]", "list", "[1/3, 2/3]"),
        ("v = (sqrt(2), 1.5); N(v)", "v", "tuple", "(sqrt(2), 1.50000000000000)"),
    ):
        events = evaluate(stub, code, session)
        assert "*I" in one(events, "result").result.text_plain, code
        assert stderr_of(events) == (
            f"Note: N({argument}) read the {kind} {pair} as one complex number, the first number "
            "plus I times the second: N() approximates one number. Each of them: "
            f"[N(a) for a in {argument}], or vector({argument}).n().\n"
        ), code
    for code in (
        "N([1, 2, 3])",
        "N([1/3])",
        "N(solve(x^2 == 2, x))",
        "numerical_approx((1, 2, 3))",
    ):
        error = one(evaluate(stub, code, session), "error").error
        assert error.traceback.endswith(
            "\nN() approximates one number, and reads a list or tuple of two as a complex number "
            "(N([a, b]) is a + b*I): approximate each, as [N(v) for v in L], or vector(L).n(); "
            "solve's solutions as [s.rhs().n() for s in solve(...)].\n"
        ), code
    # As they say.
    assert value(stub, session, "[N(a) for a in [1/3, 2/3]], vector(v).n()") == (
        "([0.333333333333333, 0.666666666666667], (1.41421356237310, 1.50000000000000))"
    )
    assert value(stub, session, "[s.rhs().n() for s in solve(x^2 == 2, x)]") == (
        "[-1.41421356237310, 1.41421356237310]"
    )


def test_solves_equations_used_as_numbers_get_a_hint_to_take_their_right_hand_side(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(
        stub, "var('y')\ns = solve(x^2 == 4, x)\nt = solve([x + y == 3, x - y == 1], x, y)", session
    )
    for code, ename, access in (
        ("float(s[0])", "TypeError", "s[0]"),
        ("int(s[1])", "ValueError", "s[0]"),
        ("RR(s[0])", "TypeError", "s[0]"),
        ("s[0].n()", "TypeError", "s[0]"),
        ("float(t[0][0])", "TypeError", "t[0][0]"),
        # The whole list, asked a number's method.
        ("s.n()", "AttributeError", "s[0]"),
        ("t.n()", "AttributeError", "t[0][0]"),
    ):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == ename, code
        assert "holds equations, as solve gives them (x == " in error.traceback, code
        assert f"right-hand side, {access}.rhs();" in error.traceback, code
    error = one(evaluate(stub, "r = s[1]\nfloat(r)", session), "error").error
    assert error.traceback.endswith(
        "r is the equation x == 2, not a number: its value is r.rhs().\n"
    )
    # As the hints say.
    assert value(stub, session, "float(s[0].rhs()), solve(x^2 == 4, x, solution_dict=True)") == (
        "(-2.0, [{x: -2}, {x: 2}])"
    )
    # A free variable that cannot be a number is no equation.
    assert (
        "holds equations" not in one(evaluate(stub, "float(y)", session), "error").error.traceback
    )


def test_a_solution_taken_from_a_call_of_solve_as_a_number_gets_a_hint_for_its_value(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Not held by a name: the hint was that x, the equation's variable, has no value."""
    session = create_session(stub)
    for code, ename in (("float(solve(x^2 == 2, x)[1])", "TypeError"),
                        ("int(solve(x^2 - 4 == 0, x)[1])", "ValueError")):  # fmt: skip
        access = code[code.index("(") + 1 : -1]
        assert last_line_of_error(stub, session, code, ename) == (
            f"{access} is an equation, as solve gives its solutions (x == ...), not a number: "
            f"its value is its right-hand side, {access}.rhs(); solve(..., "
            "solution_dict=True) gives dictionaries of values instead."
        )
    # As the hint says.
    assert value(stub, session, "float(solve(x^2 == 2, x)[1].rhs())") == "1.4142135623730951"


def test_solves_equations_indexed_as_dictionaries_and_its_dictionaries_as_one_get_a_hint(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """SymPy's solve gives dictionaries, indexed by the variable; Sage's gives equations."""
    session = create_session(stub)
    evaluate(
        stub, "var('y')\ns = solve(x^2 == 4, x)\nt = solve([x + y == 3, x - y == 1], x, y)", session
    )
    one_variable = (
        "s holds equations, as solve gives them (x == -2), not dictionaries: a solution's value "
        "is its right-hand side, s[0].rhs(); solve(..., solution_dict=True) gives one "
        "dictionary per solution, indexed by its variables, as {x: -2}."
    )
    assert last_line_of_error(stub, session, "s[0][x]", "TypeError") == one_variable
    assert last_line_of_error(stub, session, "s[x]", "TypeError") == one_variable
    assert last_line_of_error(stub, session, "t[0][x]", "TypeError") == (
        "t holds equations, as solve gives them (x == 2), not dictionaries: a solution's value "
        "is its right-hand side, t[0][0].rhs(); solve(..., solution_dict=True) gives one "
        "dictionary per solution, indexed by its variables, as {x: 2, y: 1}."
    )
    # As the hint says.
    assert value(stub, session, "s[0].rhs(), solve(x^2 == 4, x, solution_dict=True)[0][x]") == (
        "(-2, -2)"
    )
    evaluate(stub, "d = solve(x^2 == 4, x, solution_dict=True)", session)
    assert last_line_of_error(stub, session, "d[x]", "TypeError") == (
        "d holds one dictionary per solution ({x: -2}), not one dictionary: d[0][x] is the first "
        "solution's value of x, and [s[x] for s in d] each one's."
    )
    assert value(stub, session, "d[0][x], [s[x] for s in d]") == "(-2, [-2, 2])"
    # A list of numbers indexed by an expression holds no equations to tell of.
    assert last_line_of_error(stub, session, "L = [1, 2]; L[x]", "TypeError") == (
        "TypeError: unable to convert x to an integer"
    )


def test_a_complex_value_made_a_real_number_gets_a_hint_rather_than_one_about_equations(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    # The cubic's radicals pass through complex numbers: each root is real, but float() of it
    # fails, where solve's list s is on the line, taken apart rightly.
    evaluate(stub, "s = solve(x^3 - 3*x + 1 == 0, x)", session)
    for code, ename, value_shown in (
        ("[float(r.rhs()) for r in s]", "TypeError", "The value"),
        ("float(sqrt(-2))", "TypeError", "The value"),
        ("float(I)", "TypeError", "The value"),
        ("int(sqrt(-1))", "ValueError", "The value"),
        ("RR(sqrt(-1))", "TypeError", "1.00000000000000*I"),
    ):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == ename, code
        assert "holds equations" not in error.traceback, code
        assert f"\n{value_shown} is complex, not real, so no real number converts from it: " in (
            error.traceback
        ), code
    # As the hint says.
    assert value(stub, session, "sorted(r.rhs().n().real() for r in s)") == (
        "[-1.87938524157182, 0.347296355333861, 1.53208888623796]"
    )
    assert value(stub, session, "(x^3 - 3*x + 1).roots(ring=AA, multiplicities=False)") == (
        "[-1.879385241571817?, 0.3472963553338607?, 1.532088886237957?]"
    )


def test_a_sum_to_infinity_given_back_unevaluated_is_said_with_its_partial_sums(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Where Maxima finds no closed form, sum gives the sum back, and its n() fails with
    "cannot evaluate symbolic expression numerically": not for want of a value of k, its
    index, as the hint for an expression's variables would have it."""
    evaluate(stub, "var('k n')", session)
    events = evaluate(stub, "s = sum(1/k^k, k, 1, oo); s", session)
    assert one(events, "result").result.text_plain == "sum(1/(k^k), k, 1, +Infinity)"
    settles = (
        "Its partial sums settle near 1.291: 1.291286 up to k = 10000, 1.291286 up to 100000. "
        "Numerically: F = fast_callable(1/(k^k), vars=[k], domain=RDF); "
        "sum(F(j) for j in range(1, 10^6)).\n"
    )
    assert stderr_of(events) == (
        "Note: sum found no closed form and gave the sum back unevaluated: "
        f"sum(1/(k^k), k, 1, +Infinity), whose n() fails. {settles}"
    )
    unevaluated = (
        "sum(1/(k^k), k, 1, +Infinity) is a sum Maxima found no closed form for, given back "
        "unevaluated, and Sage has no numerical value for it (k is its index, not a variable "
        f"to give a value). {settles.rstrip()}"
    )
    for code in ("N(s)", "sum(1/k^k, k, 1, oo).n()", "float(2 * sum(1/k^k, k, 1, oo))"):
        assert last_line_of_error(stub, session, code, "TypeError") == unevaluated, code
    # Partial sums that do not settle are said to, as those of a divergent sum.
    assert stderr_of(evaluate(stub, "sum(1/(k*log(k)), k, 2, oo)", session)) == (
        "Note: sum found no closed form and gave the sum back unevaluated: "
        "sum(1/(k*log(k)), k, 2, +Infinity), whose n() fails. Its partial sums do not settle: "
        "3.0150217 up to k = 10000, 3.2381503 up to 100000; it may diverge, or converge too "
        "slowly to sum term by term.\n"
    )
    # As the note says.
    code = "F = fast_callable(1/(k^k), vars=[k], domain=RDF); sum(F(j) for j in range(1, 10^6))"
    assert value(stub, session, code).startswith("1.29128599706")
    # Sums found, Python's sums and a sum to n get no note; a sum to n its own hint.
    for code in ("sum(1/k^2, k, 1, oo)", "sum([1, 2, 3])", "sum(1/(k*log(k)), k, 2, n)"):
        assert stderr_of(evaluate(stub, code, session)) == "", code
    assert last_line_of_error(stub, session, "sum(1/(k*log(k)), k, 2, n).n()", "TypeError") == (
        "n is a symbolic variable with no value, so it has no numeric value: substitute one "
        "first, as expr.subs(n=1)."
    )


def test_an_expression_whose_variables_have_no_value_gets_a_hint_where_a_number_is_wanted(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, "var('y a b')\nf = x^2 + y\ng = a*x + b", session)
    for code, hint in (
        # x is given a value on the line; y is not.
        ("f.subs(x=2).n()", "f is x^2 + y, which still holds the variable y with no value"),
        ("RR(g(x=1))", "g is a*x + b, which still holds the variables a, b with no value, so it "
                       "has no numeric value: substitute them first, as g.subs(a=1)."),
        ("float(y)", "y is a symbolic variable with no value"),
        # A name in a string is no name: 'a' is no variable here.
        ("print('a'); float(f(x=1))", "f is x^2 + y, which still holds the variable y "),
        # int() refuses with a ValueError, Integer() with its own message.
        ("int(f.subs(x=1))", "f is x^2 + y, which still holds the variable y "),
        ("Integer(y)", "y is a symbolic variable with no value"),
        # A sum's index is bound: it has no value to give.
        ("var('k n')\nt = sum(1/(k*log(k)), k, 2, n); t.n()",
         "t is sum(1/(k*log(k)), k, 2, n), which still holds the variable n with no value"),
    ):  # fmt: skip
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == ("ValueError" if code.startswith("int(") else "TypeError"), code
        assert hint in error.traceback, code
    # As the hint says.
    assert value(stub, session, "f.subs(x=2, y=1).n()") == "5.00000000000000"


def test_a_function_of_integers_given_a_symbol_gets_a_hint_that_it_has_no_symbolic_form(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """fibonacci(n) fails as "unable to convert n to an integer", euler_phi(n) as PARI's
    "incorrect type in eulerphi (t_POL)": neither says that no symbolic form exists."""
    evaluate(stub, "var('n')", session)
    for code, ename, hint in (
        ("limit(fibonacci(n + 1)/fibonacci(n), n=oo)", "TypeError",
         "fibonacci takes integers, and was given the symbolic n + 1, which it cannot "
         "evaluate: Sage's fibonacci has no symbolic form. At integers: [fibonacci(k) for k in "
         "range(10)]. As an expression in n, Binet's formula is fibonacci(n): "
         "(golden_ratio^n - (1 - golden_ratio)^n)/sqrt(5)."),
        ("euler_phi(n)", "PariError", "euler_phi takes integers, and was given the symbolic n, "
         "which it cannot evaluate: Sage's euler_phi has no symbolic form. At integers: "
         "[euler_phi(k) for k in range(10)]."),
        # The call as written, at k.
        ("lucas_number1(n, 1, -1)", "TypeError", "lucas_number1 takes integers, and was given "
         "the symbolic n, which it cannot evaluate: Sage's lucas_number1 has no symbolic form. "
         "At integers: [lucas_number1(k, 1, -1) for k in range(10)]."),
    ):  # fmt: skip
        assert last_line_of_error(stub, session, code, ename) == hint, code
    # As the hint says.
    assert value(stub, session, "[fibonacci(k) for k in range(8)]") == "[0, 1, 1, 2, 3, 5, 8, 13]"
    code = "F(n) = (golden_ratio^n - (1 - golden_ratio)^n)/sqrt(5); limit(F(n + 1)/F(n), n=oo)"
    assert value(stub, session, code) == "1/2*sqrt(5) + 1/2"
    # Those of Sage's functions of integers that take expressions too are left alone.
    assert value(stub, session, "gcd(x^2 - 1, x - 1), binomial(n, 2)") == "(x - 1, 1/2*(n - 1)*n)"


def test_a_function_of_pythons_math_given_an_expression_gets_sages_own_function_named(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """`math.sqrt(x^2 + 1)` fails as `float(y)` does; the hint for that, to substitute a value,
    is wrong here: Sage's own sqrt() was meant."""
    evaluate(stub, "import math, cmath", session)
    for code, hint in (
        ("math.sqrt(x^2 + 1)", "math.sqrt is Python's, which takes numbers only, and was given "
                               "a symbolic expression: Sage's sqrt() takes expressions and "
                               "numbers alike; write sqrt(...), without `math.`."),
        # In a function of the cell's, called with an expression.
        ("f = lambda t: math.exp(-t)\nintegrate(f(x), x, 0, 1)",
         "math.exp is Python's, which takes numbers only"),
        ("cmath.exp(I*x)", "write exp(...), without `cmath.`."),
        # Imported in the place of Sage's: the note on the import came cells ago.
        ("from math import sin\nsin(x)", "sin here is Python's math.sin, which takes numbers "
                                          "only, and was given a symbolic expression: Sage's "
                                          "sin() takes expressions and numbers alike; from "
                                          "sage.all import sin gives it back."),
    ):  # fmt: skip
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == "TypeError", code
        assert hint in error.traceback.rstrip("\n").rsplit("\n", 1)[-1], code
    # As the hint says; and math's functions of numbers are left alone.
    assert value(stub, session, "from sage.all import sin\nsin(x) + math.sqrt(4)") == (
        "sin(x) + 2.0"
    )
    # Where float() is what failed, on the same line, the hint is float()'s.
    error = one(evaluate(stub, "math.sqrt(2) * float(x)", session), "error").error
    assert error.traceback.endswith(
        "\nx is a symbolic variable with no value, so it has no numeric value: substitute one "
        "first, as expr.subs(x=1).\n"
    )


def test_len_or_list_of_a_set_too_large_for_python_gets_cardinality_as_the_hint(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Python's "cannot fit 'int' into an index-sized integer" says nothing of the set."""
    evaluate(stub, "S = Subsets(range(100))", session)
    for code, hint in (
        ("n = len(S)", "len() gives at most 2^63 - 1, Python's limit, and this has more "
                       "elements: v.cardinality() counts those of Sage's sets and sequences, "
                       "of any size."),
        ("len(Permutations(30))", "len() gives at most 2^63 - 1"),
        ("sorted(S)", "sorted() asks first how many elements there are, and there are more "
                      "than 2^63 - 1: far too many to hold. v.cardinality() counts them, `for "
                      "s in v:` takes them one at a time, and v.random_element() one at "
                      "random."),
    ):  # fmt: skip
        assert last_line_of_error(stub, session, code, "OverflowError").startswith(hint), code
    # As the hint says.
    assert value(stub, session, "S.cardinality() == 2^100") == "True"


def test_a_function_of_the_cells_that_recursed_past_pythons_limit_gets_a_hint(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """fact(5000) of a recursive fact fails with "maximum recursion depth exceeded", which does
    not say the limit can be raised, nor that an endless recursion meets it too."""
    evaluate(stub, "def fact(n): return 1 if n == 0 else n*fact(n - 1)", session)
    for code, name in (
        ("fact(5000)", "fact"),
        ("g = lambda n: n if n < 1 else g(n - 1)\ng(5000)", "The lambda"),
    ):
        assert last_line_of_error(stub, session, code, "RecursionError") == (
            f"{name} called itself until Python's limit, 1000 calls deep, stopped it. If its "
            "recursion ends, sys.setrecursionlimit(10000) lets it go deeper; if not, it never "
            "reaches its base case for this argument. A loop needs no such depth."
        ), code
    # A library's recursion, in one call of the cell's: Python's message says it.
    assert last_line_of_error(
        stub,
        session,
        "import copy\nl = []\nfor i in range(5000): l = [l]\ncopy.deepcopy(l)",
        "RecursionError",
    ).startswith("RecursionError: maximum recursion depth exceeded")
    # As the hint says.
    assert (
        value(
            stub, session, "import sys; sys.setrecursionlimit(10000)\nfact(2000) == factorial(2000)"
        )
        == "True"
    )


def test_a_function_of_the_cells_recursing_on_a_symbol_gets_a_hint_to_give_it_numbers(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """fact(x) never meets its base case, n <= 1 being False for the symbol, and fails with a
    TypeError, as Sage's compiled comparison rewrites Python's RecursionError."""
    session = create_session(stub)
    evaluate(
        stub, "def fact(n):\n    if n <= 1:\n        return 1\n    return n*fact(n - 1)", session
    )
    assert last_line_of_error(stub, session, "fact(x)", "TypeError") == (
        "fact called itself until Python's limit stopped it: it was given the symbolic x for n, "
        "and a comparison of symbolic expressions, as its base case's, is False unless Sage can "
        "prove it, so it never reached that case. Give it numbers, as [fact(k) for k in "
        "range(10)]; for a formula in x, write one without the recursion: a sum() or product(), "
        "or SymPy's rsolve for the recurrence."
    )
    # As the hint says.
    assert value(stub, session, "[fact(k) for k in range(6)]") == "[1, 1, 2, 6, 24, 120]"


def test_a_flat_list_given_to_a_matrixs_row_or_column_slice_gets_a_hint_with_its_shape(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """NumPy's `A[0, :] = [9, 9]`: Sage's slice is a 1 by 2 matrix, and says only "value does not
    have the right number of rows", or of a column's, that an Integer has no len()."""
    evaluate(stub, "A = matrix([[1, 2], [3, 4]])", session)
    for code, ename, hint in (
        ("A[0, :] = [9, 9]", "IndexError",
         "A[0, :] is a 1 by 2 matrix, which takes a list of rows, A[0, :] = [[9, 9]], or a "
         "vector, A[0, :] = vector([9, 9]); A[0] = [9, 9] and A.set_row(0, [9, 9]) set the row "
         "from the list."),
        ("A[:, 1] = [5, 6]", "TypeError",
         "A[:, 1] is a 2 by 1 matrix, which takes a list of rows, A[:, 1] = [[5], [6]]; "
         "A.set_column(1, [5, 6]) sets the column from the list."),
    ):  # fmt: skip
        assert last_line_of_error(stub, session, code, ename) == hint, code
    # As the hint says.
    code = "A[0, :] = [[9, 9]]; A[:, 1] = [[5], [6]]; A.list()"
    assert value(stub, session, code) == "[9, 5, 3, 6]"
    code = "A[0] = [1, 1]; A.set_column(1, [0, 0]); A.list()"
    assert value(stub, session, code) == "[1, 0, 3, 0]"


def test_an_index_out_of_range_gets_a_hint_with_the_size_and_that_sage_counts_from_0(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Mathematica and MATLAB count from 1: A[2, 2] of a 2 by 2 matrix fails with "matrix
    index out of range", which says neither."""
    evaluate(
        stub, "A = matrix(2, 3, range(6))\nv = vector([1, 2, 3])\ns = solve(x^2 == 4, x)", session
    )
    for code, hint in (
        ("A[2, 3]", "A is 2 by 3: Sage counts rows and columns from 0, so its entries run from "
                    "A[0, 0] to A[1, 2]."),
        ("A[2]", "A has 2 rows, A[0] to A[1]: Sage counts from 0."),
        ("A.column(3)", "A has 3 columns, A.column(0) to A.column(2): Sage counts from 0."),
        # The index as the failing line's names hold it, in a loop or a comprehension.
        ("for i in range(1, 3): print(A[i, i])", "A is 2 by 3: "),
        ("[v[k] for k in range(1, 4)]", "v has 3 entries, v[0] to v[2]: Sage, as Python, counts "
                                        "from 0 (v[-1] is the last)."),
        ("s[len(s)]", None),
        ("s[1 + 1]", "s has 2 items, s[0] to s[1]: Sage, as Python, counts from 0 (s[-1] is the "
                     "last)."),
        ("w = (1,); w[1]", "w has 1 item, w[0]: Sage, as Python, counts from 0 (w[-1] is the "
                           "last)."),
        ("t = []; t[0]", "t is empty: it has no items to index."),
    ):  # fmt: skip
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == "IndexError", code
        if hint is None:  # an index it cannot tell without running code
            assert error.traceback.endswith("IndexError: list index out of range\n"), code
        else:
            assert f"out of range\n{hint}" in error.traceback, code
    # A list the line writes has no name to say: Python's message says it.
    error = one(evaluate(stub, "[1, 2, 3][3]", session), "error").error
    assert error.traceback.endswith("IndexError: list index out of range\n")
    # As the hint says.
    assert value(stub, session, "A[1, 2], A[1], A.column(2), v[2], s[-1]") == (
        "(5, (3, 4, 5), (2, 5), 3, x == 2)"
    )


def test_a_graphs_edges_unpacked_as_pairs_get_a_hint_that_they_are_triples(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """`for u, v in G.edges()` fails with "too many values to unpack": the label is third."""
    evaluate(stub, "G = graphs.PetersenGraph()", session)
    for code in ("for u, v in G.edges(): pass", "[(u, v) for u, v in G.edges()]"):
        error = one(evaluate(stub, code, session), "error").error
        assert error.traceback.endswith(
            "\nG.edges() gives triples (u, v, label), the label None where none was given: "
            "unpack three, as `for u, v, label in G.edges()`, or take pairs, "
            "G.edges(labels=False).\n"
        ), code
    # Other triples unpacked as pairs: Python's message says it.
    error = one(evaluate(stub, "for a, b in [(1, 2, 3)]: pass", session), "error").error
    assert error.traceback.endswith("ValueError: too many values to unpack (expected 2)\n")
    # As the hint says.
    assert value(stub, session, "[(u, v) for u, v in G.edges(labels=False)][:2]") == (
        "[(0, 1), (0, 4)]"
    )


def test_a_graphs_degree_of_a_vertex_it_lacks_gets_a_hint_with_its_vertices(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """`G.degree(10)` takes 10 for a list of vertices, and fails with "'Integer' object is not
    iterable"; Petersen's vertices are 0 to 9."""
    evaluate(stub, "G = graphs.PetersenGraph(); D = DiGraph({1: [2]})", session)
    for code, hint in (
        ("G.degree(10)", "10 is not a vertex of the graph, whose 10 vertices are 0, 1, 2, 3, 4, "
                         "5, 6, 7, 8, 9. Sage numbers the vertices of its named graphs, as "
                         "graphs.PetersenGraph(), from 0."),
        ("graphs.CompleteGraph(15).degree(15)", "15 is not a vertex of the graph, whose 15 "
                                                "vertices are 0 to 14. Sage numbers"),
        ("D.in_degree(5)", "5 is not a vertex of the graph, whose 2 vertices are 1, 2."),
    ):  # fmt: skip
        assert last_line_of_error(stub, session, code, "TypeError").startswith(hint), code
    # Another object that is not iterable: Python's message says it.
    assert last_line_of_error(stub, session, "for v in 5: pass", "TypeError") == (
        "TypeError: 'sage.rings.integer.Integer' object is not iterable"
    )
    # As the hint says.
    assert value(stub, session, "G.degree(9), D.in_degree(2)") == "(3, 1)"


def test_pythons_matrix_product_gets_a_hint_to_multiply_with_a_star(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = one(evaluate(stub, "A = matrix([[1, 2], [3, 4]])\nA @ vector([1, 1])"), "error").error
    assert error.traceback.endswith("with *: A * v.\n")
    assert value(stub, "", "matrix([[1, 2], [3, 4]]) * vector([1, 1])") == "(3, 7)"


def test_a_python_function_where_an_expression_is_wanted_gets_a_hint_to_call_it(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, "def f(t): return t^2\ng = lambda t: t^3", session)
    for code in ("integrate(f, x)", "diff(f, x)"):
        error = one(evaluate(stub, code, session), "error").error
        assert "f is a Python function, not an expression: pass f(x)" in error.traceback, code
    error = one(evaluate(stub, "integrate(g, x)", session), "error").error
    assert error.traceback.endswith(
        "g is a lambda, a Python function, not an expression: pass g(x), called on the variable.\n"
    )
    # A lambda written in the call has no name to call it by.
    error = one(evaluate(stub, "integrate(lambda t: t^3, x)", session), "error").error
    assert "A lambda is a Python function, not an expression" in error.traceback
    # As the hints say.
    assert value(stub, session, "integrate(f(x), x)") == "1/3*x^3"
    assert value(stub, session, "integrate(g(x), x)") == "1/4*x^4"


def test_formatting_an_exact_number_gets_a_hint_to_make_it_a_float(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    for code in ("f'{1/3:.3f}'", "'{:.2f}'.format(sqrt(2))"):
        error = one(evaluate(stub, code), "error").error
        assert error.ename == "TypeError", code
        assert "as f'{float(v):.3f}' or f'{v.n():.3f}'" in error.traceback, code
    # As the hint says.
    assert value(stub, "", "f'{float(1/3):.3f}', f'{sqrt(2).n():.2f}'") == "('0.333', '1.41')"


def test_sympys_names_get_sages_own_in_a_hint(stub: sage_pb2_grpc.SageServiceStub) -> None:
    for code, hint in (
        ("isprime(7)", "isprime is SymPy's name (or another library's), not Sage's. "
                       "In Sage: `is_prime(7)`."),
        ("sqrt(2).evalf()", "In Sage: `sqrt(2).n()`"),
        ("matrix([[1, 2]]).eigenvals()", "In Sage: `matrix([[1, 2], [3, 4]]).eigenvalues()`"),
        ("matrix(QQ, [[1, 1], [0, 2]]).diagonalize()",
         "In Sage: `D, P = matrix(QQ, [[1, 1], [0, 2]]).diagonalization()`, with P^-1*A*P == D"),
        ("S(1)/3", "numbers are exact already"),
        ("S.Half", "numbers are exact already"),
        ("GoldenRatio + 1", "In Sage: `golden_ratio`."),
        ("vector([1, 2]).dot(vector([3, 4]))",
         "In Sage: `vector([1, 2]).dot_product(vector([3, 4]))`; * multiplies"),
        ("vector([1, 0, 0]).cross(vector([0, 1, 0]))", ".cross_product("),
        ("log10(100)", "In Sage: `log(100, 10)`."),
        ("graphs.PetersenGraph().nodes()", "In Sage: `graphs.PetersenGraph().vertices()`."),
        ("z = 3 + 4*I; z.arg()", "In Sage: `arg(3 + 4*I)`, or `CC(3 + 4*I).arg()` numerically."),
    ):  # fmt: skip
        assert hint in one(evaluate(stub, code), "error").error.traceback, code
    # S not called reads as a variable meant; f called, as a function not defined.
    assert "as var('S')" in one(evaluate(stub, "S + 1"), "error").error.traceback
    assert "var(" not in one(evaluate(stub, "f(3)"), "error").error.traceback
    # A function's name not called may be a variable of the cell's own that is not defined.
    assert "SymPy" not in one(evaluate(stub, "roots + 1"), "error").error.traceback


def test_a_module_used_before_its_import_gets_the_import_not_a_variable(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    for code, statement in (
        ("np.array([1, 2])", "import numpy as np"),
        ("plt.plot([1, 2])", "import matplotlib.pyplot as plt"),
        ("itertools.product([1], [2])", "import itertools"),
    ):
        error = one(evaluate(stub, code), "error").error
        assert f"is not imported here: `{statement}` first." in error.traceback, code
        assert "var(" not in error.traceback, code
    # No module of that name: a variable meant.
    assert "as var('t1')" in one(evaluate(stub, "t1.subs(x=1)"), "error").error.traceback


def test_a_misspelt_name_or_method_gets_the_nearest_one(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = one(evaluate(stub, "fcator(12)"), "error").error
    assert error.traceback.endswith(
        "NameError: name 'fcator' is not defined\nDid you mean: 'factor'?\n"
    )
    error = one(evaluate(stub, "matrix([[1, 2], [3, 4]]).determinent()"), "error").error
    # Sage's message object is shared: looking for the nearest name must not rewrite it.
    assert error.evalue.endswith("object has no attribute 'determinent'")
    assert error.traceback.endswith(
        "has no attribute 'determinent'\nDid you mean: 'determinant'?\n"
    )
    # A Sage class of Python's, whose message does not name its module.
    error = one(evaluate(stub, "graphs.PetersenGraph().vertice()"), "error").error
    assert error.traceback.endswith("has no attribute 'vertice'\nDid you mean: 'vertices'?\n")
    # The start of a longer name, or of a few, which spelling alone counts as far off.
    code = "R.<t> = QQ[]\n(1/(t^2 - 1)).partial_fraction()"
    error = one(evaluate(stub, code), "error").error
    assert error.traceback.endswith(
        "has no attribute 'partial_fraction'\nDid you mean: 'partial_fraction_decomposition'?\n"
    )
    error = one(evaluate(stub, "find_local(sin(x), 0, 5)"), "error").error
    assert error.traceback.endswith(
        "\nDid you mean: 'find_local_maximum' or 'find_local_minimum'?\n"
    )
    # A matrix's eigenvectors come right and left: the right ones, as a rule, not the nearest
    # name, left_eigenvectors.
    error = one(evaluate(stub, "matrix([[1, 2], [3, 4]]).eigenvectors()"), "error").error
    assert error.traceback.endswith(
        "has no attribute 'eigenvectors'\nDid you mean: 'eigenvectors_right'? It is for "
        "A*v == λ*v, with the vectors on the right; eigenvectors_left() is for v*A == λ*v.\n"
    )


def test_sages_name_written_capitalized_as_in_mathematica_gets_sages_spelling(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    for code, sages in (("Sqrt(2)", "sqrt"), ("N(Pi)", "pi"), ("Factor(12)", "factor")):
        error = one(evaluate(stub, code), "error").error
        assert error.ename == "NameError", code
        assert error.traceback.endswith(f"\nDid you mean: '{sages}'?\n"), code
    # X is a variable of its own, not Sage's x; rr one too, not the ring RR.
    for name in ("X", "rr"):
        error = one(evaluate(stub, f"{name} + 1"), "error").error
        assert error.traceback.endswith(f"declare others first, as var('{name}').\n"), name
    # As the hint says.
    assert value(stub, "", "sqrt(4), N(pi, digits=3), factor(12)") == "(2, 3.14, 2^2 * 3)"


def test_a_function_called_with_mathematicas_brackets_gets_parentheses(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    brackets = (
        "{name} is a function, called with parentheses, as {name}(...): square brackets, as "
        "Mathematica's, index a list or a matrix here.\n"
    )
    for code, name in (("factor[12]", "factor"), ("sin[x]", "sin")):
        error = one(evaluate(stub, code), "error").error
        assert error.ename == "TypeError", code
        assert error.traceback.endswith("\n" + brackets.format(name=name)), code
    error = one(evaluate(stub, "Solve[x^2 == 4, x]"), "error").error
    assert error.traceback.endswith("\nDid you mean: 'solve'? " + brackets.format(name="solve"))
    # A number, or a list, indexed: no function, no word of one.
    error = one(evaluate(stub, "L = [1, 2]; L[0][1]"), "error").error
    assert error.traceback.endswith("object is not subscriptable\n")
    # As the hint says.
    assert value(stub, "", "factor(12), solve(x^2 == 4, x)") == "(2^2 * 3, [x == -2, x == 2])"


def test_log2_called_as_a_function_gets_a_hint_that_it_is_sages_constant(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = one(evaluate(stub, "log2(8)"), "error").error
    assert error.ename == "TypeError"
    assert error.traceback.endswith(
        "log2 is Sage's constant log(2), not a function: the logarithm of v to base 2 is "
        "log(v, 2), and an integer's number of bits n.nbits().\n"
    )
    # Another expression called so is not log2.
    error = one(evaluate(stub, "f = x^2; f(2)"), "error").error
    assert "log2" not in error.traceback
    # The base written as a subscript: Python's own suggestion would be log2.
    error = one(evaluate(stub, "log_2(8)"), "error").error
    assert error.traceback.endswith(
        "log_2 is no function of Sage's: the logarithm to base 2 is log(8, 2).\n"
    )
    # As the hint says.
    assert value(stub, "", "log(8, 2), (8).nbits(), N(log2)") == "(3, 4, 0.693147180559945)"


def test_find_root_of_an_expression_in_several_variables_gets_a_hint_naming_them(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, "var('a b')", session)
    for code, said in (
        ("find_root(a*x - 1, 0, 2)",
         "a*x - 1 has the variables a and x: give all but one a value first, as "
         "find_root((a*x - 1).subs(a=1), 0, 2)."),
        ("find_root(a*x + b, 0, 2)",
         "a*x + b has the variables a, b and x: give all but one a value first, as "
         "find_root((a*x + b).subs(a=1, b=1), 0, 2)."),
    ):  # fmt: skip
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == "NotImplementedError", code
        assert error.traceback.endswith(
            f"find_root finds a zero of a function of one variable, and {said}\n"
        ), code
    # As the hint says.
    assert value(stub, session, "find_root((a*x + b).subs(a=1, b=-1), 0, 2)") == "1.0"


def test_find_root_of_a_function_with_several_zeros_in_the_interval_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    events = evaluate(stub, "r = find_root(sin(x), 1, 10); r", session)
    assert one(events, "result").result.text_plain == "9.42477796076938"
    assert stderr_of(events) == (
        "Note: find_root gives one zero of sin(x) in [1, 10], and it is 0 or changes sign "
        "there 3 times, near 3.138, 6.287, 9.428: find_root on a small interval around each "
        "finds that one, as find_root(sin(x), 3.124, 3.151).\n"
    )
    events = evaluate(stub, "f = cos(x) - x/10; find_root(f, -10, 10)", session)
    assert stderr_of(events).startswith(
        "Note: find_root gives one zero of f in [-10, 10], and it is 0 or changes sign there 7 "
        "times, near -9.67, -8.97, -4.27, -1.75, 1.43, ...: "
    )
    # One zero; a Python function, which is not called again; a loop, whose names have moved on.
    for code in (
        "find_root(x^2 - 2, 0, 2)",
        "find_root(lambda t: t^2 - 2, 0, 2)",
        "for k in range(2):\n    find_root(sin(x), k + 0.5, k + 3.5)",
    ):
        assert stderr_of(evaluate(stub, code, session)) == "", code
    # The cell's own find_root is its business.
    code = "def find_root(f, a, b):\n    return a\nfind_root(sin(x), 1, 10)"
    assert stderr_of(evaluate(stub, code)) == ""
    # As the note says.
    assert value(stub, session, "find_root(sin(x), 3.124, 3.151)") == "3.141592653589793"


def test_find_root_across_a_pole_or_where_f_is_not_real_gets_a_hint_saying_where(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """tan(x) changes sign at pi/2 without a zero; 1/(x - 1) has none at 1; sqrt(x) is complex
    left of 0. Sage's errors say only that Brent's method failed, or that a "complex
    fast-callable function result" came back."""
    session = create_session(stub)
    jump = last_line_of_error(stub, session, "find_root(tan(x), 1, 2)", "NotImplementedError")
    assert jump.startswith(
        "f changes sign in [1, 2] without passing through 0: at x = 1.5708, where find_root "
        "closed in, f is "
    )
    assert jump.endswith(
        ", a pole or a jump, not a zero. A zero of f lies where it crosses 0 continuously: an "
        "interval that leaves 1.5708 out finds one, if f has one there (a plot shows where it "
        "crosses 0)."
    )
    # The cell's own function, which may have effects, is not called again to say f there.
    evaluate(stub, "def step(t):\n    return sign(t - 0.3)", session)
    assert last_line_of_error(stub, session, "find_root(step, 0, 1)", "NotImplementedError") == (
        "f changes sign in [0, 1] without passing through 0: at x = 0.3, where find_root closed "
        "in, f is far from 0, a pole or a jump, not a zero. A zero of f lies where it crosses 0 "
        "continuously: an interval that leaves 0.3 out finds one, if f has one there (a plot "
        "shows where it crosses 0)."
    )
    assert last_line_of_error(stub, session, "find_root(1/(x - 1), 0, 3)", "ValueError") == (
        "f has no finite value at x = 1.0, where find_root tried it (inf + nan*I): a pole. "
        "find_root wants f continuous on its interval: give it ends on one side of 1.0."
    )
    assert last_line_of_error(stub, session, "find_root(sqrt(x) - 2, -1, 5)", "ValueError") == (
        "f is not real at x = -1.0, where find_root tried it (-2.0 + 1.0*I): find_root finds "
        "real zeros of a real function, on an interval where f is real. For complex zeros: "
        "solve(f == 0, x), or f.roots(x, ring=CC) of a polynomial."
    )
    # As the hints say.
    assert value(stub, session, "round(find_root(tan(x), 2, 4), 9)") == "3.141592654"
    assert value(stub, session, "round(find_root(1/(x - 1) - 1, 1.5, 3), 9)") == "2.0"
    assert value(stub, session, "round(find_root(sqrt(x) - 2, 0, 5), 9)") == "4.0"


def test_find_root_on_an_interval_where_f_keeps_its_sign_gets_a_hint_with_its_values(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    for code, said in (
        (
            "find_root(x^2 - 2, 0, 1)",
            "f in [0, 1], where f stays negative: f(0) = -2, f(1) = -1, and its greatest value "
            "there is -1, at 1.",
        ),
        (
            "find_root(x^2 + 1, 0, 2)",
            "f in [0, 2], where f stays positive: f(0) = 1, f(2) = 5, and its least value "
            "there is 1, at 0.",
        ),
    ):
        error = one(evaluate(stub, code), "error").error
        assert error.ename == "RuntimeError", code
        assert error.traceback.endswith(
            f"no zero on the interval\nfind_root looks for a zero of {said} Widen the interval "
            "to where f changes sign (a plot shows where it crosses 0); for complex zeros, "
            "solve(f == 0, x) or f.roots(x, ring=CC).\n"
        ), code
    # A Python function's complex zeros: those of f(x), not of f == 0, which is False.
    session = create_session(stub)
    evaluate(stub, "def f(t):\n    return t^2 + 1", session)
    assert last_line_of_error(stub, session, "find_root(f, -1, 1)", "RuntimeError").endswith(
        "for complex zeros, solve(f(x) == 0, x) or f(x).roots(x, ring=CC)."
    )
    assert value(stub, session, "solve(f(x) == 0, x)") == "[x == -I, x == I]"
    # As the hint says.
    assert value(stub, "", "round(find_root(x^2 - 2, 0, 2), 9)") == "1.414213562"
    assert value(stub, "", "(x^2 + 1).roots(x, ring=CC)") == (
        "[(-1.00000000000000*I, 1), (1.00000000000000*I, 1)]"
    )


def test_a_substitution_where_a_denominator_is_zero_gets_a_hint_to_take_the_limit(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """(x^2 - 1)/(x - 1) at x = 1 is 0/0 as written: Sage's message is about power::eval()."""
    evaluate(stub, "f = (x^2 - 1)/(x - 1); g(x) = (x^2 - 1)/(x - 1)", session)
    for code, limit in (
        ("f(x=1)", "limit(f, x=1)"),
        ("f.subs(x=1)", "limit(f, x=1)"),
        ("g(1)", "limit(g(x), x=1)"),
        ("(sin(x)/x)(x=0)", "limit(expression, x=0)"),
    ):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == "ValueError", code
        assert error.traceback.endswith(
            "division by zero\nA denominator of the expression is 0 at the point substituted, "
            "which substitution evaluates as written. Where the expression has a limit there "
            "(0/0 from a factor that cancels, as (x^2 - 1)/(x - 1) at 1), "
            f"{limit} gives it; simplify_full() cancels such a factor first.\n"
        ), code
    # As the hint says.
    assert value(stub, session, "limit(f, x=1), f.simplify_full()(x=1)") == "(2, 2)"


def test_mathematicas_d_called_gets_a_hint_to_use_diff(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = one(evaluate(stub, "D(x^2, x)"), "error").error
    assert error.ename == "TypeError"
    assert error.traceback.endswith(
        "D is Sage's operator for derivatives of symbolic functions, as in D[0](f)(x), not "
        "Mathematica's D: the derivative of an expression is diff(x^2, x), or (x^2).diff(x).\n"
    )
    # As the hint says.
    assert value(stub, "", "diff(x^2, x), (x^2).diff(x)") == "(2*x, 2*x)"
    assert value(stub, "", "f = function('f'); D[0](f)(x)") == "diff(f(x), x)"


def test_an_expression_called_as_a_function_gets_both_ways_with_its_variables(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, "var('y'); f = x^2; g = x*y", session)
    for code, hint in (
        (
            "f(2)",
            "f is an expression in x, not a function: f(x=2) substitutes; defined as a "
            "function, f(x) = ..., it is called as f(2).",
        ),
        (
            "print(g(1, 2))",
            "g is an expression in x, y, not a function: g(x=1, y=2) substitutes; defined as a "
            "function, g(x, y) = ..., it is called as g(1, 2).",
        ),
        (
            "g(1)",
            "g is an expression in x, y, not a function: g(x=..., y=...) substitutes; defined "
            "as a function, g(x, y) = ..., it is called as g(..., ...).",
        ),
        # Called on its own variables, as a function's value is written: f itself is meant.
        (
            "plot(f(x), 0, 1)",
            "f is an expression in x already, not a function: write f where f(x) is written; "
            "defined as a function, f(x) = ..., f(x) would be its value.",
        ),
        # What a method of one gave, called so: in the variables of the one it was asked of.
        (
            "print(f.diff(x, 2)(0) + 1)",
            "f.diff(x, 2) is an expression in x, not a function: f.diff(x, 2)(x=0) substitutes.",
        ),
    ):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == "TypeError", code
        assert error.traceback.endswith(f"\n{hint}\n"), code
    # As the hint says.
    assert value(stub, session, "f(x=2), g(x=1, y=2)") == "(4, 2)"
    assert value(stub, session, "F(x) = x^2; F(2)") == "4"
    assert one(evaluate(stub, "plot(f, 0, 1)", session), "display").display.mime_type == (
        "image/png"
    )


def test_a_variable_declared_with_the_name_of_sages_function_then_called_gets_the_function_back(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """var('n') rebinds n, Sage's numerical_approx: n(pi, 50) then substitutes into n."""
    evaluate(stub, "var('n sigma')", session)
    for code, hint in (
        (
            "n(sqrt(2), digits=5)",
            "n is the symbolic variable n here, not Sage's function n(): a cell declared it, as "
            "var('n') does. Sage's function is still there as numerical_approx(sqrt(2), "
            "digits=5). To call n() again, give the variable another name and have the "
            "function back: from sage.all import n.",
        ),
        (
            "sigma(12)",
            "sigma is the symbolic variable sigma here, not Sage's function sigma(): a cell "
            "declared it, as var('sigma') does. To call sigma() again, give the variable "
            "another name and have the function back: from sage.all import sigma.",
        ),
    ):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == "TypeError", code
        assert error.traceback.endswith(f"\n{hint}\n"), code
    # As the hint says.
    assert value(stub, session, "numerical_approx(sqrt(2), digits=5)") == "1.4142"
    assert value(stub, session, "from sage.all import n, sigma; n(pi, digits=3), sigma(12)") == (
        "(3.14, 28)"
    )


def test_a_name_of_a_function_given_a_value_then_called_gets_the_function_back(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """`N = 100` (a sample size) hides Sage's N(); `sum = 0` hides sum(). Python's message
    names the value's type only."""
    evaluate(stub, "N = 100\nsum = 0\nfor max in range(3): pass", session)
    for code, hint in (
        (
            "N(pi, digits=3)",
            "N is 100 here, not Sage's function N(): a cell gave it that value. Sage's function "
            "is still there as numerical_approx(pi, digits=3). To call N() again, give the value "
            "another name and have the function back: from sage.all import N.",
        ),
        (
            "sum([1, 2])",
            "sum is 0 here, not Sage's function sum(): a cell gave it that value. To call sum() "
            "again, give the value another name and have the function back: from sage.all "
            "import sum.",
        ),
        (
            "max(1, 2)",
            "max is 2 here, not Python's function max(): a cell gave it that value. To call "
            "max() again, give the value another name and have the function back: del max.",
        ),
        (
            "matrix = [[1, 2]]; matrix(QQ, 2)",
            "matrix is [[1, 2]] here, not Sage's function matrix(): a cell gave it that value. "
            "To call matrix() again, give the value another name and have the function back: "
            "from sage.all import matrix.",
        ),
    ):
        error = one(evaluate(stub, code, session), "error").error
        assert error.ename == "TypeError", code
        assert error.traceback.endswith(f"\n{hint}\n"), code
    # A name no function of Sage's or Python's has: Python's message says it.
    error = one(evaluate(stub, "a = 5; a(2)", session), "error").error
    assert error.traceback.endswith(
        "TypeError: 'sage.rings.integer.Integer' object is not callable\n"
    )
    # As the hint says.
    code = "from sage.all import N, sum, matrix; del max"
    code += "\nN(pi, digits=3), sum([1, 2]), max(1, 2), matrix(QQ, 2).dimensions()"
    assert value(stub, session, code) == "(3.14, 3, 2, (2, 2))"


def test_a_function_of_integers_given_a_floating_point_number_gets_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Over the real numbers every nonzero number divides every other: divisors(1e6) is
    [1.00000000000000], and nothing fails."""
    field = (
        "not an integer: over the real numbers, a field, every nonzero number divides every "
        "other, so the answer is not the integer's."
    )
    for code, shown, number, way in (
        ("divisors(1e6)", "[1.00000000000000]", "1.00000000000000e6",
         "Give it the integer: ZZ(1e6) is 1000000."),
        ("n = 0.1*3*10; prime_factors(n)", "[]", "3.00000000000000",
         "It is 3 but for rounding: give it the integer round(n)."),
        ("factor(12.5)", "12.5000000000000", "12.5000000000000",
         "12.5000000000000 is no integer; factor(QQ(12.5)) factors the fraction 25/2."),
        ("moebius(12.0)", "1", "12.0000000000000", "Give it the integer: ZZ(12.0) is 12."),
    ):  # fmt: skip
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == shown, code
        call = code.rsplit("; ", 1)[-1]
        assert stderr_of(events) == (
            f"Note: {call} was given the floating-point number {number}, {field} {way}\n"
        ), code
    # Integers, fractions that are integers, and a polynomial's factor get none.
    say_nothing(stub, session, "divisors(12)", "divisors(24/2)", "factor(2.0*x^2 - 2)")
    # As the note says.
    code = "divisors(ZZ(1e6))[:4], prime_factors(round(n)), factor(QQ(12.5)), moebius(12)"
    assert value(stub, session, code) == "([1, 2, 4, 5], [3], 2^-1 * 5^2, 0)"


def test_sympys_rational_of_two_numbers_gets_a_note_that_sage_reads_a_base(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """SymPy's Rational(1, 3) is 1/3; Sage's is 1, with nothing failing."""
    events = evaluate(stub, "Rational(1, 3)", session)
    assert one(events, "result").result.text_plain == "1"
    assert stderr_of(events) == (
        "Note: Sage's Rational(1, 3) is 1: its second argument is the base of a number written "
        "as a string (Rational('101', 2) is 5), not a denominator. The fraction is 1/3, or "
        "QQ((1, 3)).\n"
    )
    # A string in a base; one argument; SymPy's own Rational.
    say_nothing(
        stub,
        session,
        "Rational('101', 2)",
        "digits = '101'; Rational(digits, 2)",
        "Rational(3)",
        "from sympy import Rational\nRational(1, 3)",
    )
    # As the note says.
    assert value(stub, session, "1/3, QQ((1, 3))") == "(1/3, 1/3)"


def test_a_python_function_refusing_a_preparsed_number_gets_a_hint(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    for code in (
        "import time\ntime.sleep(0.01)",
        "bytes(3.0)",
        "from decimal import Decimal\nDecimal('1.1') + 1",  # "... and 'Integer Ring'"
        "from fractions import Fraction\nFraction(1, 3)",  # "for *: 'method' and 'method'"
    ):
        error = one(evaluate(stub, code), "error").error
        assert error.ename == "TypeError", code
        assert "write 0.5r or 8r (raw literals)" in error.traceback, code
    # What a Python number cannot do either gets no advice to write one.
    for code in ("len(5)", "for i in 5: pass", "5[0]", "list(0.5)"):
        error = one(evaluate(stub, code), "error").error
        assert error.ename == "TypeError", code
        assert "raw literals" not in error.traceback, code
    # As the hint says.
    assert kinds(evaluate(stub, "import time\ntime.sleep(0.01r)")) == ["started", "finished"]
    assert value(stub, "", "from fractions import Fraction\nFraction(1r, 3r) + 1r") == (
        "Fraction(4, 3)"
    )


def test_pythons_random_seeded_with_a_preparsed_integer_gets_a_hint(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """random.seed(42) refuses the preparser's Integer, naming Python's types; and Sage's own
    set_random_seed does not seed Python's random module."""
    error = one(evaluate(stub, "import random\nrandom.seed(42)"), "error").error
    assert error.ename == "TypeError"
    assert error.traceback.endswith(
        "\nrandom.seed takes Python's own int, and the preparser made the seed a Sage Integer: "
        "random.seed(int(42)), or 42r. set_random_seed(42) seeds Sage's generators (randint(), "
        "random_matrix()), not Python's random module nor NumPy's.\n"
    )
    # As the hint says.
    session = create_session(stub)
    draws = "[random.random() for _ in range(2)], [randint(1, 10^6) for _ in range(2)]"
    first = value(
        stub, session, f"import random\nrandom.seed(int(42)); set_random_seed(42)\n{draws}"
    )
    again = value(stub, session, f"random.seed(42r); set_random_seed(42)\n{draws}")
    assert first == again


def test_a_whole_number_written_as_a_float_where_python_wants_an_integer_gets_a_hint(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """1e6 for a million is a floating-point number, which range() and list indices refuse; a
    raw literal would be a float too."""
    for code, literal, integer in (
        ("range(1e3)", "1e3", "1000"),
        ("[0] * 1e3", "1e3", "1000"),
        ("'abc'[1.0]", "1.0", "1"),
        ("l = [1, 2, 3]; l[2.0]", "2.0", "2"),
        ("import itertools\nlist(itertools.combinations([1, 2, 3], 2.0))", "2.0", "2"),
        # Taken for a matrix's ring, which may come first: "base_ring (=3.0...) must be a ring".
        ("identity_matrix(3.0)", "3.0", "3"),
    ):
        error = one(evaluate(stub, code), "error").error
        assert error.ename == "TypeError", code
        assert error.traceback.endswith(
            f"\n{literal} is a floating-point number, not the integer this wants: write "
            f"{integer}, or int({literal}).\n"
        ), code
    # A literal the line assigns is not one given as it is; of two given, which one failed is
    # not known; a float computed is named by its kind.
    error = one(evaluate(stub, "y = 1.0; [0] * 100.0"), "error").error
    assert error.traceback.endswith("100.0 is a floating-point number, not the integer this "
                                    "wants: write 100, or int(100.0).\n")  # fmt: skip
    error = one(evaluate(stub, "[0] * 2.0 + [1] * 3.0"), "error").error
    assert "is a floating-point number, not the integer" not in error.traceback
    for code in ("n = 24/2.0; list(range(n))", "n = 6/2.0; zero_matrix(n)"):
        error = one(evaluate(stub, code), "error").error
        assert error.traceback.endswith(
            "\nA floating-point number was given where an integer is wanted: int(v) or ZZ(v) "
            "makes one of a whole number, round(v) of any.\n"
        ), code
    # PARI's refusal, by its type's name.
    error = one(evaluate(stub, "euler_phi(12.0)"), "error").error
    assert error.traceback.endswith(
        "\n12.0 is a floating-point number, not the integer this wants: write 12, or int(12.0).\n"
    )
    error = one(evaluate(stub, "n = 24/2.0; euler_phi(n)"), "error").error
    assert error.traceback.endswith(
        "\nPARI, which computes this, takes an integer and was given a floating-point number: "
        "give the integer, as ZZ(v), or write it without a decimal point.\n"
    )
    # A fraction where an integer is wanted: / of two integers makes one.
    for code in ("l = [1, 2, 3]; l[len(l)/2]", "n = 7; list(range(n/2))"):
        error = one(evaluate(stub, code), "error").error
        assert error.traceback.endswith(
            "is a fraction, as / makes one of two integers in Sage, not an integer: a // b "
            "divides to an integer (7 // 2 is 3).\n"
        ), code
    # As the hints say.
    assert value(stub, "", "len(range(1000)), len(range(int(1e3))), [1, 2, 3][3 // 2]") == (
        "(1000, 1000, 2)"
    )


def test_json_of_sages_numbers_gets_a_hint_to_convert_them(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    for code in ("import json\njson.dumps({'a': 5})", "import json\njson.dumps([1/3])"):
        error = one(evaluate(stub, code), "error").error
        assert error.traceback.endswith(
            "is not JSON serializable\njson writes Python's numbers, not Sage's (the preparser "
            "makes 5 an Integer, 1/3 a Rational): convert them first, as int(v) or float(v), or "
            "str(v) to keep an exact value; a literal can be written raw, as 5r.\n"
        ), code
    # As the hint says.
    code = "import json\njson.dumps({'a': int(5), 'b': float(1/3), 'c': str(1/3)})"
    assert value(stub, "", code) == '\'{"a": 5, "b": 0.3333333333333333, "c": "1/3"}\''


def test_json_of_other_sage_and_numpy_objects_gets_a_hint_to_convert_them(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """json.dumps([factor(12)]) fails as "Object of type IntegerFactorization is not JSON
    serializable", which says nothing of how such an object becomes Python's."""
    session = create_session(stub)
    evaluate(stub, "import json\nimport numpy as np", session)
    for code, kind, way in (
        ("json.dumps([factor(12)])", "IntegerFactorization",
         "[(int(p), int(e)) for p, e in f] gives a factorization f's (prime, exponent) pairs; "),
        ("json.dumps({'M': matrix([[1, 2], [3, 4]])})", "Matrix_integer_dense",
         "[[float(a) for a in row] for row in M.rows()] gives a matrix M's rows as lists of "
         "floats (int() or str() keeps exact entries); "),
        ("json.dumps(np.array([1, 2]))", "ndarray",
         "a.tolist() gives a NumPy array's items as Python's numbers; "),
        ("json.dumps(graphs.PetersenGraph())", "Graph", ""),
    ):  # fmt: skip
        assert last_line_of_error(stub, session, code, "TypeError") == (
            "json writes Python's own types only (dict, list, str, int, float, bool, None), and "
            f"{kind} is none of them: {way}json.dumps(..., default=str) writes each such object "
            "as its text."
        ), code
    # As the hint says.
    code = (
        "f = factor(12); json.dumps([f], default=str), json.dumps([(int(p), int(e)) for p, e in f])"
    )
    assert value(stub, session, code) == "('[\"2^2 * 3\"]', '[[2, 2], [3, 1]]')"
    assert value(stub, session, "json.dumps(np.array([1, 2]).tolist())") == "'[1, 2]'"


def test_pythons_exclusive_or_of_sets_gets_a_hint_to_write_two_carets(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """The preparser reads `{1, 2} ^ {2, 3}` as a power, which sets do not have."""
    for code in ("{1, 2} ^ {2, 3}", "frozenset([1]) ^ frozenset([2])"):
        error = one(evaluate(stub, code), "error").error
        assert error.traceback.endswith(
            "\nThe preparser reads ^ as a power, as mathematics writes it: Python's ^, the "
            "symmetric difference of sets (and exclusive or of integers), is ^^ in Sage, as "
            "s ^^ t, or s.symmetric_difference(t).\n"
        ), code
    # As the hint says.
    assert value(stub, "", "{1, 2} ^^ {2, 3}, 5 ^^ 3") == "({1, 3}, 6)"


def test_range_with_a_fractional_step_gets_a_hint_to_use_srange(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """The raw-literal hint would lead to the same error with a float."""
    for code in ("list(range(0, 1, 0.1))", "range(0, 1, 0.1r)", "[k for k in range(0, 2, 1/2)]"):
        error = one(evaluate(stub, code), "error").error
        assert error.ename == "TypeError", code
        assert error.traceback.endswith(
            "an integer\nrange() steps by integers only. For a "
            "fractional step, Sage's srange(start, stop, step) gives the numbers, as "
            "srange(0, 1, 0.1).\n"
        ), code
    # As the hint says.
    assert value(stub, "", "srange(0, 1, 1/4)") == "[0, 1/4, 1/2, 3/4]"


def test_range_to_infinity_gets_a_hint_for_sages_sum_to_infinity(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    session = create_session(stub)
    assert last_line_of_error(stub, session, "sum(1/k^2 for k in range(1, oo))", "TypeError") == (
        "range() counts to an integer, and oo is none. A sum to infinity is Sage's sum(f, k, 1, "
        "oo), as k = var('k'); sum(1/k^2, k, 1, oo); a loop with no end, itertools.count(1)."
    )
    # As the hint says.
    assert value(stub, session, "k = var('k'); sum(1/k^2, k, 1, oo)") == "1/6*pi^2"


def test_roots_with_no_closed_form_get_a_hint_for_numerical_ones(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """RuntimeError: no explicit roots found, and no more: a quintic's roots are there in
    rings of numbers, and a transcendental equation's real ones with find_root."""
    session = create_session(stub)
    assert last_line_of_error(stub, session, "(x^5 - x - 1).roots()", "RuntimeError") == (
        "roots() of a symbolic expression looks for roots in closed form, and Maxima finds none "
        "for x^5 - x - 1. Its roots numerically: (x^5 - x - 1).roots(x, ring=CC), or ring=RR "
        "for the real ones; exactly, as algebraic numbers: ring=QQbar."
    )
    assert last_line_of_error(stub, session, "f = sin(x) - x/2; f.roots()", "RuntimeError") == (
        "roots() of a symbolic expression looks for roots in closed form, and Maxima finds none "
        "for f. A real root numerically: find_root(f, a, b), in an interval [a, b] where it "
        "changes sign (a plot shows where)."
    )
    # As the hints say.
    assert value(stub, session, "(x^5 - x - 1).roots(x, ring=RR)") == "[(1.16730397826142, 1)]"
    assert value(stub, session, "round(find_root(f, 1, 3), 6)") == "1.895494"


def test_an_iterator_indexed_gets_a_hint_to_make_it_a_list(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Python 3's zip and map give iterators; list_plot, among others, indexes its data."""
    for code, kind, made in (
        ("list_plot(zip([1, 2, 3], [4, 5, 6]))", "zip", "list(zip(...))"),
        ("g = (k^2 for k in range(3)); g[1]", "generator", "list(...)"),
    ):
        error = one(evaluate(stub, code), "error").error
        assert error.traceback.endswith(
            f"A {kind} object is a Python iterator, which is read once and cannot be indexed: "
            f"make it a list first, as {made}.\n"
        ), code
    # As the hint says.
    events = evaluate(stub, "list_plot(list(zip([1, 2, 3], [4, 5, 6])))")
    assert one(events, "display").display.mime_type == "image/png"


def test_the_length_of_an_iterator_gets_a_hint_to_count_a_list(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """primes() gives a generator, which has no len(); prime_pi counts without making them."""
    for code, kind, made, primes in (
        ("len(primes(100))", "generator", "list(...)", True),
        ("g = (k^2 for k in range(5)); len(g)", "generator", "list(...)", False),
        ("len(zip([1, 2], [3, 4]))", "zip", "list(zip(...))", False),
    ):
        error = one(evaluate(stub, code), "error").error
        assert error.traceback.endswith(
            f"has no len()\nA {kind} object is a Python iterator, which makes its items only as "
            f"it is read, so it has no length: len({made}) counts them, and uses the iterator "
            "up." + (" prime_pi(n) counts the primes up to n without making them." * primes) + "\n"
        ), code
    # As the hint says.
    assert value(stub, "", "len(list(primes(100))), prime_pi(100)") == "(25, 25)"


def test_the_length_of_a_matrix_gets_a_hint_to_count_its_rows(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """NumPy's len() of an array is its number of rows; a Sage matrix has no len()."""
    evaluate(stub, "A = matrix([[1, 2], [3, 4], [5, 6]])", session)
    assert last_line_of_error(stub, session, "n = len(A) + 1", "TypeError") == (
        "A Sage matrix has no len(); NumPy's len() of an array counts its rows, A.nrows() here. "
        "A.dimensions() gives (rows, columns), and len(A.list()) counts the entries."
    )
    # As the hint says.
    assert value(stub, session, "A.nrows(), A.dimensions(), len(A.list())") == "(3, (3, 2), 6)"


def test_the_length_of_an_integer_or_an_expression_gets_a_hint_to_count_what_was_meant(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """len() of a number, for its digits, or of an expression, for its terms, is refused."""
    for code, hint in (
        ("len(factorial(100))", "An integer has no len(): factorial(100).ndigits() counts its "
         "decimal digits, and factorial(100).digits() lists them, the least significant first."),
        ("n = 2^100; len(n)", "An integer has no len(): n.ndigits() counts"),
        ("len(x^2 + x + 1)", "A symbolic expression has no len(): (x^2 + x + 1).operands() lists "
         "the terms of a sum, or the factors of a product, and len((x^2 + x + 1).operands()) "
         "counts them."),
    ):  # fmt: skip
        assert last_line_of_error(stub, session, code, "TypeError").startswith(hint), code
    # As the hint says.
    assert value(stub, session, "factorial(100).ndigits(), len(str(factorial(100)))") == (
        "(158, 158)"
    )
    assert value(stub, session, "len((x^2 + x + 1).operands())") == "3"


def test_discrete_log_given_integers_gets_a_hint_to_give_it_residues(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """discrete_log(5, 3, 101) reads 101 as the base's order, and fails with "no discrete log
    of 5 found to base 3"; discrete_log(8, 2) with "cannot unpack non-iterable NoneType"."""
    modulo_101 = (
        "Sage's discrete_log takes elements of a group, as Mod(a, n) of the integers modulo n, "
        "and its third argument is the base's order, not a modulus (SymPy's discrete_log(n, a, "
        "b) takes the modulus first). Modulo 101: discrete_log(Mod(5, 101), Mod(3, 101)) is "
        "the k with 3^k = 5, as is Mod(5, 101).log(3)."
    )
    for code, ename, hint in (
        ("discrete_log(5, 3, 101)", "ValueError", modulo_101),
        # SymPy's order of arguments, the modulus first; and a modulus held by a name.
        ("discrete_log(101, 5, 3)", "ValueError", modulo_101),
        ("p = 101; discrete_log(5, 3, p)", "ValueError", modulo_101),
        ("discrete_log(8, 2)", "TypeError",
         "Sage's discrete_log takes elements of a group, as Mod(a, n) of the integers modulo n: "
         "discrete_log(Mod(8, n), Mod(2, n)) is the k with 2^k = 8 modulo n. Among the "
         "integers, 8.exact_log(2) is the largest k with 2^k <= 8."),
    ):  # fmt: skip
        assert last_line_of_error(stub, session, code, ename) == hint, code
    # As the hint says.
    code = "discrete_log(Mod(5, 101), Mod(3, 101)), Mod(5, 101).log(3), 8.exact_log(2)"
    assert value(stub, session, code) == "(96, 96, 3)"
    # Residues that have no discrete logarithm get Sage's message alone.
    code = "discrete_log(Mod(5, 101), Mod(1, 101))"
    last = last_line_of_error(stub, session, code, "ValueError")
    assert last == "ValueError: no discrete log of 5 found to base 1"


def test_a_limit_with_sympys_direction_gets_a_hint_to_give_it_by_keyword(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """limit(f, x, 0, '+') fails as "unable to convert None to a symbolic expression"."""
    assert last_line_of_error(stub, session, "limit(1/x, x, 0, '+')", "TypeError") == (
        "limit takes the variable and its point, then the direction by keyword: "
        "limit(f, x=0, dir='+'), or dir='-'; SymPy's limit(f, x, 0, '+') gives it a fourth "
        "argument, which Sage does not read."
    )
    # As the hint says.
    assert value(stub, session, "limit(1/x, x=0, dir='+'), limit(1/x, x=0, dir='-')") == (
        "(+Infinity, -Infinity)"
    )


def test_simplify_and_expand_given_the_variable_as_sympy_takes_it_get_a_hint(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """Sage reads simplify's second argument as an algorithm, expand's as an equation's side."""
    assert last_line_of_error(stub, session, "simplify((x^2 - 1)/(x - 1), x)", "ValueError") == (
        "simplify takes the expression alone, simplify(e): a second argument names the "
        "algorithm, 'maxima' (the default), 'sympy' or 'giac'. full_simplify() tries more."
    )
    assert last_line_of_error(stub, session, "expand((x + 1)^2, x)", "ValueError") == (
        "expand takes the expression alone, expand(e): a second argument names which side of an "
        "equation to expand, 'left' or 'right'."
    )
    # As the hint says.
    code = "expand((x + 1)^2), simplify(sin(x)^2 + cos(x)^2, 'sympy')"
    assert value(stub, session, code) == "(x^2 + 2*x + 1, 1)"


def test_a_fit_to_a_model_written_as_an_expression_gets_a_hint_to_name_its_variables(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """find_fit(data, a*x + b) reads a, b and x as columns: "each row of data needs 4 entries"."""
    evaluate(stub, "var('a b'); data = [(1, 2), (2, 4), (3, 6.1)]", session)
    assert last_line_of_error(stub, session, "find_fit(data, a*x + b)", "ValueError") == (
        "find_fit reads every variable of a model given as an expression as a column of the "
        "data, and finds no parameters: give the model as a function of the data's variables, "
        "model(x) = a*x + b, then find_fit(data, model); or say which are which, "
        "find_fit(data, a*x + b, parameters=[a, b], variables=[x])."
    )
    # As the hint says, both ways.
    fitted = "[a == 2.05, b == -0.06666666666666599]"
    assert value(stub, session, "model(x) = a*x + b; find_fit(data, model)") == fitted
    assert (
        value(stub, session, "find_fit(data, a*x + b, parameters=[a, b], variables=[x])") == fitted
    )


def test_runge_kutta_given_a_right_hand_side_in_a_function_gets_a_hint_with_its_two_forms(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """desolve_rk4(x*y, y) with y = function('y')(x): "cannot find explicit formula"."""
    evaluate(stub, "y = function('y')(x)", session)
    code = "desolve_rk4(x*y, y, ics=[0, 1], end_points=1, step=0.5)"
    assert last_line_of_error(stub, session, code, "NotImplementedError") == (
        "desolve_rk4 takes the equation, as desolve_rk4(diff(y, x) == x*y, y, ics=[0, 1], "
        "end_points=1, step=0.1) with y = function('y')(x), or its right-hand side in y as a "
        "plain variable: y = var('y'); desolve_rk4(x*y, y, ics=[0, 1], end_points=1, step=0.1). "
        "A right-hand side in the function y(x) is neither."
    )
    # As the hint says, both ways.
    points = "[[0, 1], [0.5, 1.1331380208333333], [1.0, 1.64852770169576]]"
    code = "desolve_rk4(diff(y, x) == x*y, y, ics=[0, 1], end_points=1, step=0.5)"
    assert value(stub, session, code) == points
    code = "y = var('y'); desolve_rk4(x*y, y, ics=[0, 1], end_points=1, step=0.5)"
    assert value(stub, session, code) == points


def test_odeint_given_a_function_as_its_unknown_gets_a_hint_to_give_a_plain_variable(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """desolve_odeint(-y, [1], times, y) with y = function('y')(t) fails as "'Expression'
    object is not iterable"."""
    evaluate(stub, "var('t')\ny = function('y')(t)", session)
    code = "desolve_odeint(-y, [1], [0, 0.5, 1], y)"
    assert last_line_of_error(stub, session, code, "TypeError") == (
        "desolve_odeint takes its unknowns as plain variables, and the right-hand side in them, "
        "where it was given the function y(t): u = var('u'); desolve_odeint(-u, [1], "
        "srange(0, 1, 0.1), u, ivar=t) solves u' = -u, u(0) = 1; for a system, lists of them, "
        "as desolve_odeint([v, -u], [1, 0], times, [u, v], ivar=t)."
    )
    # As the hint says: e^-0.9.
    code = "u = var('u'); desolve_odeint(-u, [1], srange(0, 1, 0.1), u, ivar=t)[-1][0]"
    assert value(stub, session, code).startswith("np.float64(0.4065")


def test_a_plot_over_an_infinite_range_gets_a_hint_to_bound_it(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    """Sage's message is "cannot convert float NaN to integer"."""
    error = one(evaluate(stub, "plot(sin(x), (x, 0, oo))"), "error").error
    assert error.traceback.endswith(
        "NaN to integer\nA plot's range must be finite: give bounds such as (x, 0, 100), not oo.\n"
    )
    # The same message elsewhere says no more than it does.
    error = one(evaluate(stub, "int(float('nan'))"), "error").error
    assert error.traceback.endswith("ValueError: cannot convert float NaN to integer\n")


def test_input_says_there_is_no_standard_input(stub: sage_pb2_grpc.SageServiceStub) -> None:
    events = evaluate(stub, "n = input('How many? ')")
    assert stdout_of(events) == "How many? "
    error = one(events, "error").error
    assert error.ename == "EOFError"
    assert "no standard input" in error.traceback
    # Only input()'s own end of input: another EOFError is no call for it.
    error = one(evaluate(stub, "import pickle, io\npickle.load(io.BytesIO())"), "error").error
    assert error.ename == "EOFError"
    assert "no standard input" not in error.traceback


def test_the_debugger_says_there_is_no_standard_input(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    for code in ("breakpoint()", "import pdb\npdb.set_trace()\n1"):
        events = evaluate(stub, code)
        assert "(Pdb) " in stdout_of(events), code
        error = one(events, "error").error
        assert error.ename == "BdbQuit", code
        assert "no standard input, so the debugger quit at once" in error.traceback, code


def test_a_notebook_interact_gets_a_hint_to_call_the_function(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    error = one(evaluate(stub, "@interact\ndef f(n=(1..10)):\n    print(n^2)"), "error").error
    assert error.ename == "NameError"
    assert "call the function with the values you want instead" in error.traceback


def test_display_shows_a_value_at_once_as_a_result_would_show(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    # IPython's display(), a builtin in the Sage console and in Jupyter.
    events = evaluate(stub, "display(x^2, matrix([[1, 2], [3, 4]]))\nprint('then')\n7")
    assert [kind for kind in kinds(events) if kind != "stdout"] == ["started", "result", "finished"]
    assert stdout_of(events) == "x^2\n[1 2]\n[3 4]\nthen\n"
    assert one(events, "result").result.text_plain == "7"
    events = evaluate(stub, "display(plot(sin(x)))\n'after'")
    assert kinds(events) == ["started", "display", "result", "finished"]
    assert one(events, "display").display.data.startswith(b"\x89PNG\r\n\x1a\n")


def test_objects_jupyter_shows_as_images_or_html_come_back_as_displays(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    # Objects Sage's display manager knows nothing of, with IPython's _repr_png_ and kin.
    events = evaluate(stub, "from PIL import Image\nImage.new('RGB', (4, 4))")
    assert kinds(events) == ["started", "display", "result", "finished"]
    display = one(events, "display").display
    assert display.mime_type == "image/png"
    assert display.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert "PIL.Image.Image" in one(events, "result").result.text_plain
    events = evaluate(stub, "from IPython.display import HTML\ndisplay(HTML('<b>bold</b>'))")
    display = one(events, "display").display
    assert (display.mime_type, display.data, display.text_plain) == (
        "text/html",
        b"<b>bold</b>",
        "<b>bold</b>",
    )
    # IPython's display, imported as notebook code does, and its objects that are only
    # Markdown or LaTeX: their source, not `<IPython.core.display.Math object>`.
    code = "from IPython.display import Markdown, Math, display\n"
    code += "display(Math(r'x^2'), Markdown('*a*'))"
    assert stdout_of(evaluate(stub, code)) == "$\\displaystyle x^2$\n*a*\n"
    # Its own methods are its own code: one that fails leaves the plain text.
    events = evaluate(stub, (
        "class Broken:\n    def _repr_png_(self): raise ValueError\n"
        "    def __repr__(self): return 'broken'\nBroken()"
    ))  # fmt: skip
    assert kinds(events) == ["started", "result", "finished"]


def test_a_sympy_result_carries_the_latex_jupyter_typesets(
    stub: sage_pb2_grpc.SageServiceStub,
) -> None:
    result = one(evaluate(stub, "import sympy\nsympy.sqrt(8)"), "result").result
    assert (result.text_plain, result.text_latex) == ("2*sqrt(2)", "2 \\sqrt{2}")


def _run_in_background(
    stub: sage_pb2_grpc.SageServiceStub, code: str, session: str, timeout: float | None = None
) -> tuple[threading.Thread, list[pb.EvaluateResponse]]:
    events: list[pb.EvaluateResponse] = []

    def consume() -> None:
        events.extend(evaluate(stub, code, session, timeout=timeout))

    thread = threading.Thread(target=consume)
    thread.start()
    return thread, events


def _wait_until_busy(stub: sage_pb2_grpc.SageServiceStub, session: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = stub.GetSession(pb.GetSessionRequest(session_id=session)).session.state
        if state == pb.SESSION_STATE_BUSY:
            time.sleep(0.3)  # let the cell get into its loop
            return
        time.sleep(0.02)
    raise TimeoutError("session never became busy")


@pytest.mark.parametrize(
    "long_running",
    [
        pytest.param("while True:\n    n += 1", id="python-loop"),
        pytest.param("factor(next_prime(2^150) * next_prime(2^160))", id="inside-pari"),
    ],
)
def test_interrupt_keeps_session_variables(
    stub: sage_pb2_grpc.SageServiceStub, session: str, long_running: str
) -> None:
    evaluate(stub, "kept = 'still here'\nn = 0", session)
    thread, events = _run_in_background(stub, long_running, session)
    _wait_until_busy(stub, session)
    assert stub.Interrupt(pb.InterruptRequest(session_id=session)).interrupted
    thread.join(10)
    assert not thread.is_alive()
    finished = finished_of(events)
    assert finished.status == pb.EVALUATION_STATUS_INTERRUPTED
    assert finished.state_preserved
    assert one(events, "error").error.ename == "KeyboardInterrupt"
    assert one(evaluate(stub, "kept", session), "result").result.text_plain == "'still here'"


def test_interrupt_with_nothing_running_says_so(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    assert not stub.Interrupt(pb.InterruptRequest(session_id=session)).interrupted


def test_timeout_gives_timed_out_and_the_session_lives_on(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, "kept = 42", session)
    events = evaluate(stub, "while True: pass", session, timeout=0.5)
    finished = finished_of(events)
    assert finished.status == pb.EVALUATION_STATUS_TIMED_OUT
    assert finished.state_preserved
    error = one(events, "error").error
    assert error.ename == "TimeoutError"
    assert "executor.py" not in error.traceback  # the sidecar's own frames are not shown
    assert "<cell" in error.traceback
    assert one(evaluate(stub, "kept + 1", session), "result").result.text_plain == "43"


def test_a_cell_stopped_while_adding_exact_fractions_gets_a_hint_to_sum_floats(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """sum(1/k^2 for k in range(1, 10^6)) runs for hours: each exact addition lengthens the
    denominator. The timeout says where the cell was, not why it was slow there."""
    for code, hint in (
        ("sum(1/k^2 for k in range(1, 10^6))",
         "The terms summed, 1 / k^2, are exact fractions, and Sage adds them exactly: the "
         "sum's denominator grows with each term, to thousands of digits, and each addition "
         "takes longer than the last. For a floating-point answer, sum floats: RDF(1 / k^2) in "
         "place of 1 / k^2."),
        ("s = 0\nfor k in range(1, 10^6):\n    s += 1/k^2",
         "s is an exact fraction whose denominator has "),
    ):  # fmt: skip
        events = evaluate(stub, code, session, timeout=1)
        assert finished_of(events).status == pb.EVALUATION_STATUS_TIMED_OUT, code
        last = one(events, "error").error.traceback.rstrip("\n").rsplit("\n", 1)[-1]
        assert last.startswith(hint), code
    assert re.search(
        r"denominator has [\d,]{5,} digits by now: Sage adds fractions exactly, and each "
        r"addition takes longer as the denominator grows\. For a floating-point answer, start s "
        r"as a float, s = RDF\(0\), and its sums stay floats\.$",
        last,
    )
    # Stopped in other work, or summing floats (Python's ints divide to one): no hint.
    for code in ("t = 0\nwhile True: t += 1", "sum(1r/k for k in range(1, 10^9))"):
        events = evaluate(stub, code, session, timeout=0.5)
        assert one(events, "error").error.traceback.endswith("\nKeyboardInterrupt\n"), code
    # As the hint says.
    assert value(stub, session, "sum(RDF(1 / k^2) for k in range(1, 10^5))") == (
        "1.6449240667982423"
    )


def test_a_cell_stopped_in_a_search_that_may_not_end_gets_a_hint_for_a_sooner_answer(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """integrate tries Maxima, then Giac, then SymPy, which can search for ever; an integer
    whose prime factors are large takes hours to factor. The timeout says only to wait."""
    integrand = "exp(-x^2)*sin(x)^5*log(x)^3/(1 + x^7)"
    events = evaluate(stub, f"integrate({integrand}, x)", session, timeout=3)
    assert finished_of(events).status == pb.EVALUATION_STATUS_TIMED_OUT
    last = one(events, "error").error.traceback.rstrip("\n").rsplit("\n", 1)[-1]
    # Which system was at it when the timeout came depends on the machine's speed.
    assert re.fullmatch(
        r"integrate was searching for a closed form with (Maxima|Giac|SymPy)(, after .+ found "
        r"none)?, and an integrand with none can keep it searching for ever\. .+ A definite "
        r"integral's value, numerically: numerical_integral\(f, a, b\)\[0\]\.",
        last,
    ), last
    events = evaluate(stub, "factor(2^512 + 1)", session, timeout=1)
    assert finished_of(events).status == pb.EVALUATION_STATUS_TIMED_OUT
    assert one(events, "error").error.traceback.endswith(
        "\nFactoring an integer of 155 digits takes hours where its prime factors are large. "
        "is_prime(n) says at once whether it is prime; n.factor(limit=10^6) gives its factors "
        "below 10^6 and leaves the rest unfactored; ecm.factor(n) finds factors of up to some "
        "30 digits sooner than factor() does.\n"
    )
    # As the hint says.
    assert value(stub, session, f"integrate({integrand}, x, algorithm='maxima')").startswith(
        "integrate("
    )
    assert value(stub, session, "is_prime(2^512 + 1), ecm.factor(2^128 + 1)") == (
        "(False, [59649589127497217, 5704689200685129054721])"
    )


def test_an_interrupted_cells_own_clean_up_is_not_interrupted_again(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """As one Ctrl-C in the console: Sage's interfaces answer it by interrupting GAP or
    Maxima and waiting for its prompt, which a second KeyboardInterrupt would break."""
    worker = worker_pid(stub, session)
    code = (
        "import time\ntry:\n    sleep(60)\nexcept KeyboardInterrupt:\n"
        "    time.sleep(1)\n    cleaned = True\n    raise"
    )
    events = evaluate(stub, code, session, timeout=1)
    assert finished_of(events).status == pb.EVALUATION_STATUS_TIMED_OUT
    assert one(events, "error").error.ename == "TimeoutError"
    assert value(stub, session, "cleaned") == "True"
    assert worker_pid(stub, session) == worker


def test_sages_alarm_raises_alarm_interrupt_as_in_the_console(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """`alarm(seconds)` is Sage's own time limit: the cell's error, not an interrupt from the
    caller, in Python code as inside PARI."""
    for code in ("alarm(0.3)\nwhile True: pass", "alarm(0.3)\nfactor(2^997 - 1)"):
        events = evaluate(stub, code, session)
        assert one(events, "error").error.ename == "AlarmInterrupt", code
        assert finished_of(events).status == pb.EVALUATION_STATUS_ERROR, code
    code = "alarm(0.3)\ntry:\n    sleep(30)\nexcept AlarmInterrupt:\n    caught = True"
    assert finished_of(evaluate(stub, code, session)).status == OK
    assert value(stub, session, "caught") == "True"


def test_a_computation_interrupted_inside_pari_says_nothing_of_pari_s_stack(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """cypari2 takes back the stack an interrupted PARI call left, and warned of a "leak" on
    the session's stderr, which was not the cell's doing."""
    for _ in range(2):
        events = evaluate(stub, "factor(2^1024 + 1)", session, timeout=1)
        assert finished_of(events).status == pb.EVALUATION_STATUS_TIMED_OUT
        assert stderr_of(events) == ""
    assert value(stub, session, "factor(2^64 + 1)") == "274177 * 67280421310721"


def test_cancelled_call_interrupts_sage(stub: sage_pb2_grpc.SageServiceStub, session: str) -> None:
    evaluate(stub, "ticks = 0", session)
    call = stub.Evaluate(
        pb.EvaluateRequest(session_id=session, code="while True:\n    ticks += 1"), timeout=60
    )
    assert next(call).HasField("started")
    time.sleep(0.3)
    call.cancel()
    with pytest.raises(grpc.RpcError) as raised:
        list(call)
    assert raised.value.code() == grpc.StatusCode.CANCELLED
    # The next cell queues behind the interrupted one, so it sees the loop stopped.
    first = int(one(evaluate(stub, "ticks", session), "result").result.text_plain)
    second = int(one(evaluate(stub, "ticks", session), "result").result.text_plain)
    assert first > 0
    assert first == second


def test_call_cancelled_while_its_output_waits_on_the_network_interrupts_sage(
    sidecar: SidecarProcess, stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """The caller reads nothing, so the server is held in a write by flow control when the
    call is cancelled: the evaluation is interrupted from there too, not left to run on."""
    evaluate(stub, "spins = 0", session)
    code = "while True:\n    spins += 1\n    print('x' * 1000)"
    # A stream window that stays at 64 KiB, so the server's writes wait for this reader.
    with grpc.insecure_channel(sidecar.address, options=[("grpc.http2.bdp_probe", 0)]) as slow:
        call = sage_pb2_grpc.SageServiceStub(slow).Evaluate(
            pb.EvaluateRequest(session_id=session, code=code), timeout=60
        )
        assert next(call).HasField("started")
        time.sleep(1.0)
        call.cancel()
    first = int(one(evaluate(stub, "spins", session, deadline=15), "result").result.text_plain)
    second = int(one(evaluate(stub, "spins", session, deadline=15), "result").result.text_plain)
    assert first > 0
    assert first == second


def test_expired_deadline_interrupts_sage(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, "kept = 1", session)
    with pytest.raises(grpc.RpcError) as raised:
        evaluate(stub, "sleep(30)", session, deadline=1.0)
    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    started = time.monotonic()
    events = evaluate(stub, "kept", session)
    assert time.monotonic() - started < 10, "the interrupted sleep(30) was not stopped"
    assert one(events, "result").result.text_plain == "1"


def test_evaluations_on_one_session_run_in_arrival_order(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, "log = []", session)
    threads = []
    for i in range(4):
        # Sage's sleep, like the console's, wants an integer or a Python float.
        thread, _ = _run_in_background(stub, f"sleep(float(0.2)); log.append({i})", session)
        threads.append(thread)
        time.sleep(0.05)
    for thread in threads:
        thread.join(30)
    assert one(evaluate(stub, "log", session), "result").result.text_plain == "[0, 1, 2, 3]"


def test_sessions_run_in_parallel(stub: sage_pb2_grpc.SageServiceStub) -> None:
    sessions = [create_session(stub) for _ in range(2)]
    started = time.monotonic()
    runs = [_run_in_background(stub, "sleep(float(1.5))", s) for s in sessions]
    for thread, _ in runs:
        thread.join(30)
    assert time.monotonic() - started < 2.8
    assert [finished_of(events).status for _, events in runs] == [OK, OK]


def test_sessions_do_not_share_variables(stub: sage_pb2_grpc.SageServiceStub) -> None:
    first, second = create_session(stub), create_session(stub)
    evaluate(stub, "secret = 1", first)
    assert one(evaluate(stub, "secret", second), "error").error.ename == "NameError"


def test_one_off_evaluation_leaves_no_session(stub: sage_pb2_grpc.SageServiceStub) -> None:
    before = {s.session_id for s in stub.ListSessions(pb.ListSessionsRequest()).sessions}
    assert one(evaluate(stub, "6*7"), "result").result.text_plain == "42"
    after = {s.session_id for s in stub.ListSessions(pb.ListSessionsRequest()).sessions}
    assert after == before


def _listing(
    stub: sage_pb2_grpc.SageServiceStub, session: str, **limits: int
) -> pb.ListVariablesResponse:
    request = pb.ListVariablesRequest(session_id=session, **limits)
    response: pb.ListVariablesResponse = stub.ListVariables(request, timeout=60)
    return response


def test_list_variables_shows_what_cells_bound_without_evaluating(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    code = (
        "R.<t> = QQ[]\nf = (t + 1)^2\nsorted = 3\nimport os\n_hidden = 1\n"
        "class Opaque:\n    def __repr__(self):\n        raise SystemExit(1)\n"
        "opaque = Opaque()\nglobals()[1] = 'not a name'\nlong = 'y' * 5000"
    )
    assert finished_of(evaluate(stub, code, session)).status == pb.EVALUATION_STATUS_OK
    listed = _listing(stub, session)
    shown = {v.name: (v.type, v.value) for v in listed.variables}
    # Builtins the console has are left out unless rebound; modules and _names always.
    assert list(shown) == ["Opaque", "R", "f", "long", "opaque", "sorted", "t"]
    assert shown["f"] == ("Polynomial_rational_flint", "t^2 + 2*t + 1")
    assert shown["sorted"] == ("Integer", "3")
    assert shown["opaque"] == ("Opaque", "<repr failed: SystemExit>")
    assert shown["long"][1] == "'" + "y" * 299 + "..."
    assert listed.omitted == 0
    # Not an evaluation: the count does not move, and the next cell is cell 2.
    info = stub.GetSession(pb.GetSessionRequest(session_id=session)).session
    assert info.execution_count == 1
    assert finished_of(evaluate(stub, "f(1)", session)).execution_count == 2

    few = _listing(stub, session, max_variables=2, max_value_chars=1)
    assert [(v.name, v.value) for v in few.variables] == [("Opaque", "<..."), ("R", "U...")]
    assert few.omitted == 5


def test_list_variables_refuses_bad_limits_and_unknown_sessions(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        _listing(stub, session, max_variables=1001)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "max_variables" in str(raised.value.details())
    with pytest.raises(grpc.RpcError) as raised:
        _listing(stub, session, max_value_chars=-1)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.RpcError) as raised:
        _listing(stub, "0" * 32)
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND


def test_list_variables_waits_for_the_running_evaluation(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    running = stub.Evaluate(pb.EvaluateRequest(session_id=session, code="sleep(1)\nlate = 1"))
    assert next(running).HasField("started")
    assert [v.name for v in _listing(stub, session).variables] == ["late"]
    list(running)


def test_value_is_shown_when_prints_used_up_the_output_limit(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    events = evaluate(stub, "print('y' * 3000000); 5", session)
    assert one(events, "result").result.text_plain == "5"
    assert finished_of(events).output_truncated


def test_what_latex_prints_is_not_the_cells_output(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    events = evaluate(stub, "G = graphs.PetersenGraph()\nG.chromatic_number(), G", session)
    assert one(events, "result").result.text_plain == "(3, Petersen graph: Graph on 10 vertices)"
    assert stdout_of(events) == ""  # not LaTeX's warning that tikz.sty is missing
    assert one(events, "result").result.text_latex == ""  # a TikZ drawing, not mathematics


def test_what_latex_warns_is_not_the_cells_output(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """The console shows no LaTeX, so it shows no warning from making it: a GAP object's
    LaTeX goes through Sage's parser, which warns of its text `(1,2)(3,4)` each time."""
    code = (
        "import warnings\nclass Noisy:\n    def __repr__(self): return 'noisy'\n"
        "    def _latex_(self):\n        warnings.warn('from _latex_')\n"
        "        print('printed', file=sys.stderr)\n        return r'\\mathrm{noisy}'\n"
        "import sys\nNoisy()"
    )
    events = evaluate(stub, code, session)
    assert [e.stderr.text for e in events if e.HasField("stderr")] == []
    assert one(events, "result").result.text_latex == r"\mathrm{noisy}"
    # Silenced only while the LaTeX was made: the same warning, from code the cell runs, shows.
    again = evaluate(stub, "Noisy()._latex_();", session)
    assert "UserWarning: from _latex_" in stderr_of(again)


SLOW_REPR = "class Slow:\n    def __repr__(self):\n        sleep(3); return 'slow'\n"


def test_list_variables_survives_what_reprs_return_raise_and_print(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    code = (
        "class S(str): pass\n"
        "class Odd:\n    def __repr__(self): return S('odd')\n"
        "class Stop:\n    def __repr__(self): raise KeyboardInterrupt\n"
        "class Loud:\n    def __repr__(self):\n        print('REPR-OUTPUT' * 1000); return 'loud'\n"
        "class Wide:\n    def __repr__(self): return chr(0xdcff) * 2000\n"
        "globals()[S('named')] = Odd()\n"
        "stop, loud, wide = Stop(), Loud(), Wide()"
    )
    assert finished_of(evaluate(stub, code, session)).status == OK
    pid = worker_pid(stub, session)
    shown = {v.name: v.value for v in _listing(stub, session, max_value_chars=10).variables}
    assert shown["named"] == "odd"
    assert shown["stop"] == "<repr failed: KeyboardInterrupt>"
    assert shown["loud"] == "loud"
    assert shown["wide"] == "\\udcff\\udc..."  # cut after escaping, not before
    # What the repr printed is not the next cell's output; the worker lived through it all.
    assert stdout_of(evaluate(stub, "print('cell')", session)) == "cell\n"
    assert worker_pid(stub, session) == pid


def test_a_listing_whose_caller_left_ends_before_the_next_request(
    sidecar: SidecarProcess, stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, SLOW_REPR + "s = Slow()", session)
    pid = worker_pid(stub, session)
    with pytest.raises(grpc.RpcError) as raised:
        stub.ListVariables(pb.ListVariablesRequest(session_id=session), timeout=0.5)
    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    # The session rests: its snapshot (due, `s` was bound) is answered by the snapshot, not
    # by the listing's late reply, and the worker is neither dropped nor left behind.
    time.sleep(3)
    assert worker_pid(stub, session) == pid
    assert f"lost its worker {pid}" not in sidecar.log()
    assert value(stub, session, "1 + 1") == "2"


def test_listings_waiting_are_not_queued_evaluations(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    busy = stub.Evaluate(pb.EvaluateRequest(session_id=session, code="sleep(1)\ndone = 1"))
    assert next(busy).HasField("started")
    listings = [
        stub.ListVariables.future(pb.ListVariablesRequest(session_id=session), timeout=60)
        for _ in range(3)
    ]
    time.sleep(0.3)
    info = stub.GetSession(pb.GetSessionRequest(session_id=session)).session
    assert info.queued_evaluations == 0
    assert value(stub, session, "done") == "1"
    assert all([v.name for v in f.result().variables] == ["done"] for f in listings)
    list(busy)


# A cell that starts a thread which prints once the cell has ended (`r`: a Python float, which
# `time.sleep` takes; a Sage real it does not).
_PRINTS_LATER = (
    "import threading, time\n"
    "def later():\n"
    "    time.sleep({delay}r)\n"
    "    print({text})\n"
    "threading.Thread(target=later).start()"
)


# Before the session's idle snapshot (a second after a cell that bound names), and after it.
@pytest.mark.parametrize("delay", [0.2, 1.6])
def test_what_a_thread_prints_after_its_cell_ended_comes_with_the_next_evaluation(
    stub: sage_pb2_grpc.SageServiceStub, session: str, delay: float
) -> None:
    evaluate(stub, _PRINTS_LATER.format(text="'late line'", delay=delay), session)
    time.sleep(delay + 1.8)  # for the thread to print: nobody is listening then
    events = evaluate(stub, "1 + 1", session)
    assert kinds(events) == ["started", "stderr", "stdout", "result", "finished"]
    assert events[1].stderr.text == (
        "[printed after the previous evaluation ended, by code it left running:]\n"
    )
    assert stdout_of(events) == "late line\n"
    assert one(events, "result").result.text_plain == "2"
    # Said once: the evaluation after that one has nothing of the kind.
    assert kinds(evaluate(stub, "3", session)) == ["started", "result", "finished"]


def test_what_threads_print_between_evaluations_is_kept_within_a_bound(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, _PRINTS_LATER.format(text="'x' * 10^6", delay=0.2), session)
    time.sleep(2)
    events = evaluate(stub, "1 + 1", session)
    stray = stdout_of(events)
    assert 0 < len(stray) <= 64 * 1024
    assert set(stray) == {"x"}
    assert events[-3].stderr.text == "[... more printed between evaluations was dropped]\n"
    assert one(events, "result").result.text_plain == "2"


def test_each_session_draws_its_own_random_numbers(stub: sage_pb2_grpc.SageServiceStub) -> None:
    """As each Sage console does: not the seed the forkserver drew once for all of them."""
    draw = "initial_seed(), ZZ.random_element(10^30)"
    draws = {value(stub, create_session(stub), draw) for _ in range(3)}
    assert len(draws) == 3, draws


def test_preparser_false_turns_the_preparser_off_as_in_the_console(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    evaluate(stub, "preparser(False)", session)
    assert value(stub, session, "2^3, type(2).__name__") == "(1, 'int')"  # Python's xor
    evaluate(stub, "preparser(True)", session)
    assert value(stub, session, "2^3, type(2).__name__") == "(8, 'Integer')"


def test_cells_run_in_main_so_pickle_finds_what_they_define(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """As in the console, the session is `__main__`: a process pool maps a function defined in
    a cell, and an instance of a class defined in one pickles and unpickles."""
    code = (
        "def square(n): return n * n\n"
        "class Point:\n"
        "    def __init__(self, x): self.x = x\n"
        "from multiprocessing import Pool\n"
        "with Pool(2r) as pool:\n"
        "    squares = pool.map(square, [1r, 2r, 3r])\n"
        "squares, loads(dumps(Point(4))).x, __name__"
    )
    assert value(stub, session, code) == "([1, 4, 9], 4, '__main__')"


def test_a_cell_may_use_process_pools_as_in_the_console(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    code = (
        "from multiprocessing import Pool\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "with Pool(2r) as pool:\n"
        "    squares = pool.map(abs, [-1r, -2r, -3r])\n"
        "with ProcessPoolExecutor(2r) as executor:\n"
        "    factored = list(executor.map(factor, [2^32 + 1, 2^31 + 1]))\n"
        "squares, factored"
    )
    assert value(stub, session, code) == "([1, 2, 3], [641 * 6700417, 3 * 715827883])"


def test_floating_point_numbers_that_differ_by_rounding_compared_with_equals_get_a_note(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """0.1 + 0.2 == 0.3 is False, as in Python: an agent checking a result that way reads
    "not equal"."""
    evaluate(stub, "s = sum([0.1]*10)", session)
    for code, answer, left, right, difference in (
        ("0.1 + 0.2 == 0.3", "False", "0.1 + 0.2", "0.3", "5.6e-17"),
        ("s == 1", "False", "s", "1", "1.1e-16"),
        ("0.1 + 0.2 != 0.3", "True", "0.1 + 0.2", "0.3", "5.6e-17"),
        # Numbers made by Sage's rings of them are read again too.
        ("RDF(0.1)*3 == RDF(0.3)", "False", "RDF(0.1) * 3", "RDF(0.3)", "5.6e-17"),
        # And approximations of exact values, by N() and by n().
        ("N(sqrt(2))^2 == 2", "False", "N(sqrt(2))^2", "2", "4.4e-16"),
        ("sqrt(3).n()^2 == 3", "False", "sqrt(3).n()^2", "3", "4.4e-16"),
        # In a precision given as a number, too: pi to 5 digits is no 3.1416 of 53 bits.
        ("pi.n(digits=5) == 3.1416", "False", "pi.n(digits=5)", "3.1416", "6.1e-06"),
        # And sums of lists of numbers.
        ("sum([0.1] * 10) == 1", "False", "sum([0.1] * 10)", "1", "1.1e-16"),
    ):
        events = evaluate(stub, code, session)
        assert one(events, "result").result.text_plain == answer, code
        # A tolerance the rounding fits in: of 5 digits, 1e-5.
        tolerance = "1e-5" if "digits=5" in code else "1e-9"
        assert stderr_of(events) == (
            f"Note: {left} and {right} differ only by rounding error ({difference}): "
            "floating-point numbers are binary, and == and != compare them to the last bit. "
            f"Compare with a tolerance, as abs(a - b) < {tolerance}, or compute exactly, with "
            "rationals (1/10 rather than 0.1) or symbolic values, where == on numbers is exact.\n"
        ), code
    # As the note says; numbers that differ, exact ones, and equal ones get none.
    say_nothing(
        stub,
        session,
        "abs(s - 1) < 1e-9",
        "abs(pi.n(digits=5) - 3.1416) < 1e-5",
        "1/10 + 2/10 == 3/10",
        "1.0 == 1.5",
        "0.5 + 0.25 == 0.75",
        "RealField(200)(1)/3*3 == 1",
        "1.0000000001 == 1.0",  # 1e-10 apart: more than rounding
        "(1/3).n() * 3 != 1",
    )


def test_points_of_an_elliptic_curve_over_the_rationals_gets_the_ways_to_its_points(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """points() is a finite field's curve's; the nearest name, point(), makes one point."""
    evaluate(stub, "E = EllipticCurve([0, 0, 0, -1, 0])", session)
    assert last_line_of_error(stub, session, "E.points()", "AttributeError") == (
        "points() lists the points of a curve over a finite field. Over the Rational Field "
        "they may be infinitely many: E.torsion_points() gives those of finite order, E.gens() "
        "generators of the others (E.rank() of them), and E.rational_points(bound=10) those "
        "whose coordinates have small height."
    )
    assert value(stub, session, "len(E.torsion_points()), E.gens(), E.rank()") == "(4, [], 0)"
    assert value(stub, session, "len(EllipticCurve(GF(7), [1, 1]).points())") == "5"


def test_the_order_of_an_elliptic_curve_over_the_rationals_gets_its_rank_and_reductions(
    stub: sage_pb2_grpc.SageServiceStub, session: str
) -> None:
    """order() counts a finite field's curve's points; over QQ there is no such count."""
    evaluate(stub, "E = EllipticCurve([0, 7])", session)
    for method in ("order", "cardinality"):
        assert last_line_of_error(stub, session, f"E.{method}()", "AttributeError") == (
            f"{method}() counts the points of a curve over a finite field. Over the Rational "
            "Field they are infinitely many where the curve's rank is positive: E.rank() gives "
            "it, and E.torsion_order() counts the points of finite order. Modulo a prime p: "
            f"E.change_ring(GF(p)).{method}()."
        )
    # As the hint says.
    assert value(stub, session, "E.rank(), E.torsion_order(), E.change_ring(GF(101)).order()") == (
        "(0, 1, 102)"
    )
