"""Fast tests of the MCP server's logic with cases: breaker, budget, rendering, messages."""

from __future__ import annotations

import io
import json
import random
import struct
import warnings
import zlib

import grpc
import pytest
from google.rpc import error_details_pb2
from PIL import Image
from sage_mcp import one_off
from sage_mcp.breaker import Admission, BreakerState, CircuitBreaker
from sage_mcp.client import (
    EvaluationPastDeadline,
    SidecarError,
    SidecarUnavailable,
    service_config,
)
from sage_mcp.evaluation import Outcome
from sage_mcp.explain import explain
from sage_mcp.output_budget import MIN_SHARE, OutputStore, fit_image, fit_text, shares
from sage_mcp.render import EvaluateOutput, render_outcome, trim_traceback
from sage_mcp.settings import McpSettings
from sage_services.api.sage.v1 import sage_pb2 as pb


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# Circuit breaker.


def test_breaker_opens_after_the_threshold_and_rejects_during_the_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=2, cooldown=5.0, clock=clock)
    breaker.record_failure("refused")
    assert breaker.admit() is Admission.ALLOW
    breaker.record_failure("refused")
    assert breaker.state is BreakerState.OPEN
    assert breaker.admit() is Admission.REJECT
    assert breaker.retry_in() == pytest.approx(5.0)
    assert breaker.last_failure == "refused"


def test_breaker_asks_for_a_probe_after_the_cooldown_and_closes_on_success() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, cooldown=5.0, clock=clock)
    breaker.record_failure()
    clock.now += 5.0
    assert breaker.admit() is Admission.PROBE
    assert breaker.state is BreakerState.HALF_OPEN
    breaker.record_success()
    assert breaker.admit() is Admission.ALLOW
    assert breaker.consecutive_failures == 0


def test_breaker_failed_probe_opens_it_for_another_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=3, cooldown=5.0, clock=clock)
    for _ in range(3):
        breaker.record_failure()
    clock.now += 6.0
    assert breaker.admit() is Admission.PROBE
    breaker.record_failure("still down")
    assert breaker.admit() is Admission.REJECT
    assert breaker.retry_in() == pytest.approx(5.0)


def test_a_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker(failure_threshold=2, cooldown=5.0, clock=Clock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED


# Retry policy.


def test_service_config_retries_unavailable_with_backoff_caps_attempts_and_throttles() -> None:
    config = json.loads(service_config(5))
    policies = {
        json.dumps(entry["name"], sort_keys=True): entry["retryPolicy"]
        for entry in config["methodConfig"]
    }
    evaluate = policies[json.dumps([{"method": "Evaluate", "service": "sage.v1.SageService"}])]
    assert evaluate["retryableStatusCodes"] == ["UNAVAILABLE"]
    assert evaluate["maxAttempts"] == 5
    assert float(evaluate["maxBackoff"].rstrip("s")) > float(evaluate["initialBackoff"].rstrip("s"))
    assert (
        "UNAVAILABLE"
        in policies[json.dumps([{"service": "grpc.health.v1.Health"}])]["retryableStatusCodes"]
    )
    assert config["retryThrottling"]["maxTokens"] > 0


# Output budget.


def test_long_text_is_cut_to_head_and_tail_and_stored_whole() -> None:
    store = OutputStore()
    text = "".join(f"line {i}\n" for i in range(10_000))
    fitted = fit_text(text, 1000, store, "printed output")
    assert fitted.truncated
    assert fitted.uri is not None
    assert 800 < len(fitted.text) <= 1000  # the note included
    assert fitted.text.startswith("line 0\n")
    assert fitted.text.endswith("line 9999\n")
    assert "characters" in fitted.text
    assert fitted.uri in fitted.text
    assert store.get(fitted.uri.rsplit("/", 1)[1]) == text


def test_shares_keep_short_texts_whole_and_split_the_rest_equally() -> None:
    assert shares([10, 5000, 20000], 3000) == [10, 1495, 1495]
    assert shares([10, 900, 20000], 3000) == [10, 900, 2090]
    assert shares([10, 900, 500], 3000) == [10, 900, 500]  # all fit: nothing is cut
    assert shares([], 3000) == []


def test_shares_never_go_below_the_floor() -> None:
    assert shares([5000] * 20, 1000) == [MIN_SHARE] * 20


def test_short_text_is_untouched_and_not_stored() -> None:
    store = OutputStore()
    assert fit_text("2", 1000, store).text == "2"
    assert len(store) == 0


def test_store_forgets_the_oldest_outputs() -> None:
    store = OutputStore(max_items=2)
    first = store.put("a")
    store.put("b")
    store.put("c")
    assert store.get(first) is None
    assert len(store) == 2


def _noise_png(size: int) -> bytes:
    rng = random.Random(1)
    image = Image.frombytes(
        "RGB", (size, size), bytes(rng.getrandbits(8) for _ in range(size**2 * 3))
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


async def test_large_image_is_scaled_down_and_the_original_kept() -> None:
    store = OutputStore()
    data = _noise_png(400)
    fitted = await fit_image(data, "image/png", 100_000, store)
    assert fitted.data is not None
    assert len(fitted.data) <= 100_000
    assert fitted.mime_type == "image/png"
    assert fitted.uri is not None
    assert "scaled down from 400x400" in fitted.note
    assert store.get(fitted.uri.rsplit("/", 1)[1].removesuffix(".png")) == data


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels: a decompression bomb."""
    buffer = io.BytesIO()
    Image.new("1", (1, 1)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))  # the IHDR chunk's CRC
    return bytes(data)


async def test_image_with_too_many_pixels_is_offered_whole_never_decoded() -> None:
    store = OutputStore()
    data = _png_claiming(20_000, 20_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # PIL's bomb warning must not reach the log either
        fitted = await fit_image(data, "image/png", 10, store)
    assert fitted.data is None
    assert fitted.uri is not None
    assert "20000x20000 image" in fitted.note
    assert "smaller figsize or dpi" in fitted.note
    assert store.get(fitted.uri.rsplit("/", 1)[1].removesuffix(".png")) == data


async def test_an_image_that_cannot_be_decoded_is_offered_whole() -> None:
    broken = await fit_image(b"\x89PNG not really", "image/png", 10, OutputStore())
    assert broken.data is None
    assert "not shown" in broken.note


async def test_an_svg_is_offered_as_its_source_never_inline() -> None:
    """Models take PNG, JPEG, GIF and WebP images only: a client fails the whole tool result
    over an SVG image block."""
    store = OutputStore()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    fitted = await fit_image(svg, "image/svg+xml", 100_000, store)
    assert fitted.data is None
    assert "not shown inline: models take PNG, JPEG, GIF and WebP images only" in fitted.note
    assert fitted.uri is not None
    assert fitted.uri in fitted.note
    assert store.get(fitted.uri.rsplit("/", 1)[1]) == svg.decode()
    bitmap = await fit_image(b"BM not shown", "image/bmp", 100_000, store)
    assert bitmap.data is None
    assert bitmap.uri is None
    assert "image/bmp image of 12 bytes, not shown inline" in bitmap.note


async def test_small_image_is_returned_as_is() -> None:
    data = _noise_png(10)
    fitted = await fit_image(data, "image/png", 100_000, OutputStore())
    assert fitted.data == data
    assert fitted.uri is None


# Rendering.


def _events(
    *events: pb.EvaluateResponse, status: pb.EvaluationStatus.ValueType = pb.EVALUATION_STATUS_OK
) -> Outcome:
    outcome = Outcome()
    outcome.add(pb.EvaluateResponse(started=pb.EvaluationStarted(execution_count=1)))
    for event in events:
        outcome.add(event)
    outcome.add(
        pb.EvaluateResponse(
            finished=pb.EvaluationFinished(status=status, execution_count=1, state_preserved=True)
        )
    )
    return outcome


async def _render(
    outcome: Outcome, session_id: str | None = None, max_chars: int = 1000
) -> tuple[str, dict[str, object], bool]:
    result = await render_outcome(
        outcome,
        session_id=session_id,
        timeout=60,
        max_chars=max_chars,
        max_image_bytes=100_000,
        store=OutputStore(),
    )
    text = "\n".join(getattr(block, "text", "") for block in result.content)
    return text, result.structured_content, result.is_error


async def test_everything_an_evaluation_returns_shares_one_budget() -> None:
    """A huge error message and long output cannot make the result larger than the budget,
    and the short parts (the result, the exception's type) arrive whole."""
    message = "v" * 30_000
    outcome = _events(
        pb.EvaluateResponse(stdout=pb.OutputChunk(text="p" * 30_000)),
        pb.EvaluateResponse(stderr=pb.OutputChunk(text="w" * 30_000)),
        pb.EvaluateResponse(display=pb.DisplayData(mime_type="text/html", text_plain="d" * 30_000)),
        pb.EvaluateResponse(
            error=pb.ExecutionError(
                ename="ValueError",
                evalue=message,
                traceback=f'Traceback (most recent call last):\n  File "<cell 1>", line 1, in '
                f"<module>\nValueError: {message}\n",
            )
        ),
        status=pb.EVALUATION_STATUS_ERROR,
    )
    text, structured, is_error = await _render(outcome, max_chars=5000)
    assert is_error
    assert len(text) <= 5000 + 100  # the labels and line breaks between the parts
    parts = ("stdout", "stderr", "error", "displayed")
    assert len(json.dumps([structured[part] for part in parts])) <= 5000 + 300
    assert text.startswith("Sage raised ValueError: vvv")
    assert structured["error"]["ename"] == "ValueError"  # type: ignore[index]
    assert len(structured["full_output_uris"]) == 5  # type: ignore[arg-type]


async def test_printed_text_is_what_a_terminal_shows_of_it() -> None:
    """A progress bar rewrites its line with carriage returns, hundreds of times: the agent
    reads its last state, as a terminal or a notebook shows it, not every update; colours
    are dropped, and Windows' line ends are line ends."""
    bar = "".join(f"\r{percent:3d}%|{'#' * (percent // 10):<10}|" for percent in range(101))
    outcome = _events(
        pb.EvaluateResponse(stdout=pb.OutputChunk(text="\x1b[1;31mred\x1b[0m and plain\r\n")),
        pb.EvaluateResponse(stdout=pb.OutputChunk(text="abcdef\rXY\n")),
        pb.EvaluateResponse(stderr=pb.OutputChunk(text=bar + "\n")),
    )
    text, structured, _ = await _render(outcome)
    assert structured["stdout"] == "red and plain\nXYcdef\n"
    assert structured["stderr"] == "100%|##########|\n"
    assert text == "red and plain\nXYcdef\nstderr:\n100%|##########|"


async def test_a_short_result_is_whole_beside_long_output() -> None:
    outcome = _events(
        pb.EvaluateResponse(stdout=pb.OutputChunk(text="p" * 30_000)),
        pb.EvaluateResponse(result=pb.ExecutionResult(text_plain="274177 * 67280421310721")),
    )
    text, structured, _ = await _render(outcome)
    assert text.endswith("Result: 274177 * 67280421310721")
    assert structured["result"] == "274177 * 67280421310721"
    assert len(text) <= 1000 + 100


async def test_latex_is_shown_only_when_it_adds_something() -> None:
    plain, _, _ = await _render(
        _events(
            pb.EvaluateResponse(
                result=pb.ExecutionResult(text_plain="x^2 + 1", text_latex="x^{2} + 1")
            )
        )
    )
    assert "LaTeX" not in plain
    product, _, _ = await _render(
        _events(
            pb.EvaluateResponse(
                result=pb.ExecutionResult(
                    text_plain="641 * 6700417", text_latex="641 \\cdot 6700417"
                )
            )
        )
    )
    assert "LaTeX" not in product
    # A product written by juxtaposition, functions LaTeX names with a backslash.
    implicit, _, _ = await _render(
        _events(
            pb.EvaluateResponse(
                result=pb.ExecutionResult(
                    text_plain="-(x^2 - 2*x)*e^(-x)*sin(pi*x)",
                    text_latex="-{\\left(x^{2} - 2 \\, x\\right)} e^{\\left(-x\\right)} "
                    "\\sin\\left(\\pi x\\right)",
                )
            )
        )
    )
    assert "LaTeX" not in implicit
    # A matrix's array, entry for entry its plain rows, subdivided or not.
    for text, latex in (
        (
            "[ -1  10]\n[100 2*x]",
            "\\left(\\begin{array}{rr}\n-1 & 10 \\\\\n100 & 2 \\, x\n\\end{array}\\right)",
        ),
        (
            "[1|2]\n[-+-]\n[3|4]",
            "\\left(\\begin{array}{r|r}\n1 & 2 \\\\\n\\hline\n 3 & 4\n\\end{array}\\right)",
        ),
    ):
        matrix, _, _ = await _render(
            _events(
                pb.EvaluateResponse(result=pb.ExecutionResult(text_plain=text, text_latex=latex))
            )
        )
        assert "LaTeX" not in matrix, text
    # An algebraic number's I, which LaTeX sets as the square root of -1.
    algebraic, _, _ = await _render(
        _events(
            pb.EvaluateResponse(
                result=pb.ExecutionResult(
                    text_plain="[(-0.62996? - 1.0911?*I, 1)]",
                    text_latex="\\left[\\left(-0.62996? - 1.0911? \\sqrt{-1}, 1\\right)\\right]",
                )
            )
        )
    )
    assert "LaTeX" not in algebraic
    # One whose entries LaTeX sets as roots and fractions keeps it.
    roots, _, _ = await _render(
        _events(
            pb.EvaluateResponse(
                result=pb.ExecutionResult(
                    text_plain="[sqrt(2)   x + 1]\n[    1/2     x^2]",
                    text_latex="\\left(\\begin{array}{rr}\n\\sqrt{2} & x + 1 \\\\\n"
                    "\\frac{1}{2} & x^{2}\n\\end{array}\\right)",
                )
            )
        )
    )
    assert "LaTeX: \\left(\\begin{array}" in roots
    root, structured, _ = await _render(
        _events(
            pb.EvaluateResponse(
                result=pb.ExecutionResult(text_plain="sqrt(2)", text_latex="\\sqrt{2}")
            )
        )
    )
    assert "LaTeX: \\sqrt{2}" in root
    assert structured["latex"] == "\\sqrt{2}"
    strings, structured, _ = await _render(
        _events(
            pb.EvaluateResponse(
                result=pb.ExecutionResult(
                    text_plain="(sqrt(2), 'root')",
                    text_latex="\\left(\\sqrt{2}, \\text{\\texttt{root}}\\right)",
                )
            )
        )
    )
    assert "LaTeX" not in strings
    assert structured["latex"] is None


async def test_latex_that_spells_out_at_length_what_the_text_says_is_not_shown() -> None:
    """Sage's LaTeX, as it gives it, for a continued fraction: nested fractions, six times the
    plain text."""
    fraction = (
        "3\n"
        + "".join(
            f"+ \\frac{{\\displaystyle 1}}{{\\displaystyle {term}\n"
            for term in (7, 15, 1, 292, 1, 1, 1, 2, 1)
        )
        + "+ \\frac{\\displaystyle 1}{\\displaystyle \\dots}}}}}}}}}}"
    )
    plain = "[3; 7, 15, 1, 292, 1, 1, 1, 2, 1, 3, 1, 14, 2, 1, 1, 2, 2, 2, 2, ...]"
    text, structured, _ = await _render(
        _events(
            pb.EvaluateResponse(result=pb.ExecutionResult(text_plain=plain, text_latex=fraction))
        )
    )
    assert text == plain
    assert structured["latex"] is None
    # An integral's LaTeX, twice its plain text, is mathematics written out: it stays.
    plain = "1/3*sqrt(3)*arctan(1/3*sqrt(3)*(2*x - 1)) - 1/6*log(x^2 - x + 1) + 1/3*log(x + 1)"
    latex = (
        "\\frac{1}{3} \\, \\sqrt{3} \\arctan\\left(\\frac{1}{3} \\, \\sqrt{3} {\\left(2 \\, x - 1"
        "\\right)}\\right) - \\frac{1}{6} \\, \\log\\left(x^{2} - x + 1\\right) + \\frac{1}{3} "
        "\\, \\log\\left(x + 1\\right)"
    )
    _, structured, _ = await _render(
        _events(pb.EvaluateResponse(result=pb.ExecutionResult(text_plain=plain, text_latex=latex)))
    )
    assert structured["latex"] == latex


async def test_printed_output_and_result_are_both_shown_and_labelled() -> None:
    text, structured, is_error = await _render(
        _events(
            pb.EvaluateResponse(stdout=pb.OutputChunk(text="hi\n")),
            pb.EvaluateResponse(result=pb.ExecutionResult(text_plain="3")),
        )
    )
    assert text == "hi\nResult: 3"
    assert structured["stdout"] == "hi\n"
    assert structured["result"] == "3"
    assert not is_error


async def test_the_value_after_a_warning_is_labelled_as_the_result() -> None:
    text, structured, _ = await _render(
        _events(
            pb.EvaluateResponse(stderr=pb.OutputChunk(text="<cell 1>:1: UserWarning: careful\n")),
            pb.EvaluateResponse(result=pb.ExecutionResult(text_plain="7")),
        )
    )
    assert text == "stderr:\n<cell 1>:1: UserWarning: careful\nResult: 7"
    assert structured["result"] == "7"


async def test_timeout_is_an_error_that_says_what_to_do() -> None:
    text, structured, is_error = await _render(_events(status=pb.EVALUATION_STATUS_TIMED_OUT), "s1")
    assert is_error
    assert structured["status"] == "timed_out"
    assert "timeout_seconds" in text
    assert "variables are kept" in text


async def test_a_worker_the_sidecar_killed_is_explained_in_its_own_words() -> None:
    killed = pb.EvaluateResponse(
        error=pb.ExecutionError(
            ename="WorkerKilled",
            evalue="The computation did not stop within 2 s of the interrupt, so its worker "
            "process was killed. The session is restored to where it was before this evaluation.",
        )
    )
    text, _, is_error = await _render(
        _events(killed, status=pb.EVALUATION_STATUS_INTERRUPTED), "s1"
    )
    assert is_error
    assert text.startswith("The evaluation was interrupted. The computation did not stop")
    assert "restored to where it was before" in text
    assert "variables are kept" not in text


async def test_a_dead_worker_is_described_as_restoring_the_session_not_losing_it() -> None:
    """The sidecar restores a session whose worker died to where it was before the cell, and
    says state_preserved true: the output schema must not call its variables lost."""
    fields = EvaluateOutput.model_json_schema()["properties"]
    status = fields["status"]["description"]
    assert "worker_died" in status
    assert "lost" not in status
    assert "restored to where it was before this evaluation" in status
    assert "restored" in fields["state_preserved"]["description"]
    assert "one-off" in fields["state_preserved"]["description"]
    # A death whose error has a traceback (not the sidecar's own account) says the same.
    died = pb.EvaluateResponse(
        error=pb.ExecutionError(ename="SystemError", evalue="x", traceback="Traceback ...")
    )
    text, structured, _ = await _render(
        _events(died, status=pb.EVALUATION_STATUS_WORKER_DIED), "s1"
    )
    assert structured["state_preserved"] is True
    assert "The session is restored to where it was before this evaluation." in text
    assert "variables are kept" not in text


def test_a_resumed_stream_replaces_what_came_before() -> None:
    outcome = Outcome()
    outcome.add(pb.EvaluateResponse(started=pb.EvaluationStarted(execution_count=4)))
    outcome.add(pb.EvaluateResponse(stdout=pb.OutputChunk(text="partial")))
    outcome.add(pb.EvaluateResponse(started=pb.EvaluationStarted(execution_count=4)))
    assert outcome.stdout == ""
    assert outcome.execution_count == 4


def test_traceback_keeps_the_cell_and_innermost_frames() -> None:
    frames = ['  File "<cell 1>", line 1, in <module>', "    f(1)"]
    for i in range(30):
        frames += [f'  File "sage/deep/module{i}.py", line {i}, in g{i}', f"    call{i}()"]
    tb = "\n".join(["Traceback (most recent call last):", *frames, "ValueError: bad"])
    trimmed = trim_traceback(tb)
    lines = trimmed.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert '"<cell 1>"' in lines[1]
    assert "28 frames inside Sage omitted" in trimmed
    assert "module29.py" in trimmed
    assert lines[-1] == "ValueError: bad"
    assert len(lines) < 15


def _traceback(cell: bool, depth: int, exception: str) -> list[str]:
    frames = ['  File "<cell 1>", line 1, in <module>', "    f(1)"] if cell else []
    for i in range(depth):
        frames += [f'  File "sage/deep/module{i}.py", line {i}, in g{i}', f"    call{i}()"]
    return ["Traceback (most recent call last):", *frames, exception]


def test_a_chained_traceback_is_trimmed_one_traceback_at_a_time() -> None:
    """Every frame stays in its own traceback, with its code line, around the separators."""
    during = "During handling of the above exception, another exception occurred:"
    cause = "The above exception was the direct cause of the following exception:"
    tb = "\n".join(
        [
            *_traceback(False, 15, "RuntimeError: ECL says: no"),
            "",
            during,
            "",
            *_traceback(True, 15, "KeyError: 'k'"),
            "",
            cause,
            "",
            *_traceback(False, 3, "ValueError: bad"),
        ]
    )
    parts = trim_traceback(tb).split("\n\n")
    assert [parts[1], parts[3]] == [during, cause]
    first, second, third = (part.splitlines() for part in parts[::2])
    assert first == [
        "Traceback (most recent call last):",
        "  ... 13 frames inside Sage omitted ...",
        '  File "sage/deep/module13.py", line 13, in g13',
        "    call13()",
        '  File "sage/deep/module14.py", line 14, in g14',
        "    call14()",
        "RuntimeError: ECL says: no",
    ]
    assert second[1:3] == ['  File "<cell 1>", line 1, in <module>', "    f(1)"]
    assert second[3] == "  ... 13 frames inside Sage omitted ..."
    assert second[-1] == "KeyError: 'k'"
    assert third[-3:] == [
        '  File "sage/deep/module2.py", line 2, in g2',
        "    call2()",
        "ValueError: bad",
    ]
    assert "  ... 1 frame inside Sage omitted ..." in third


def test_short_traceback_is_kept_whole_without_colour_codes() -> None:
    tb = "Traceback (most recent call last):\n\x1b[31mZeroDivisionError\x1b[0m: x"
    assert trim_traceback(tb) == "Traceback (most recent call last):\nZeroDivisionError: x"


def test_progress_output_starts_at_a_line_never_inside_one() -> None:
    outcome = Outcome()
    for n in range(100_000, 100_200):
        outcome.add(pb.EvaluateResponse(stdout=pb.OutputChunk(text=f"{n}\n")))
    latest = outcome.latest_output(limit=50)
    assert latest.endswith("100199\n")
    assert all(len(line) == 6 for line in latest.splitlines())  # no number cut in front
    short = Outcome()
    short.add(pb.EvaluateResponse(stdout=pb.OutputChunk(text="x" * 80)))
    assert short.latest_output(limit=50) == "x" * 50  # one long line: its tail


# Messages for the agent.


def test_sessions_at_capacity_says_to_delete_sessions_in_tool_words() -> None:
    message = (
        "All 64 sessions are in use. Delete sessions you no longer need with DeleteSession, "
        "then try again."
    )
    explained = explain(SidecarError(grpc.StatusCode.RESOURCE_EXHAUSTED, message))
    assert explained.startswith("The Sage runtime is at capacity: All 64 sessions are in use.")
    assert "delete_session" in explained
    assert "DeleteSession" not in explained
    assert "queued" not in explained


def test_a_full_queue_says_to_wait_or_interrupt_not_to_delete_sessions() -> None:
    message = (
        "Session s already has 16 evaluations queued behind the running one. Wait for them to "
        "finish, interrupt the running one, or use another session."
    )
    explained = explain(SidecarError(grpc.StatusCode.RESOURCE_EXHAUSTED, message))
    assert "interrupt" in explained
    assert "delete_session" not in explained


def test_a_clone_whose_fork_was_refused_says_to_free_processes_not_that_sessions_are_full() -> None:
    message = (
        "Session abc could not be cloned: its worker's fork() failed: Resource temporarily "
        "unavailable. The session is unchanged. Its processes may be at their limit "
        "(--worker-max-processes, or the container's pids limit), or memory short; free some "
        "(end threads or processes the session started) and try again."
    )
    info = error_details_pb2.ResourceInfo(resource_type="processes")
    error = SidecarError(grpc.StatusCode.RESOURCE_EXHAUSTED, message, details=[info])
    explained = explain(error, session_id="abc", use="clone")
    assert explained.startswith(
        "Session abc could not be cloned: its worker's fork() failed: Resource temporarily "
        "unavailable. The session is unchanged."
    )
    assert "end threads or processes the session's code started" in explained
    assert "capacity" not in explained
    assert "--worker-max-processes" not in explained


def test_code_over_the_message_limit_is_called_too_large_not_capacity() -> None:
    message = "SERVER: Received message larger than max (2097195 vs. 1114112)"
    explained = explain(SidecarError(grpc.StatusCode.RESOURCE_EXHAUSTED, message))
    assert explained.startswith("The code is too large for the Sage runtime")
    assert "capacity" not in explained
    assert "delete_session" not in explained


def test_invalid_argument_names_the_tool_argument() -> None:
    violation = error_details_pb2.BadRequest.FieldViolation(field="timeout", description="too long")
    error = SidecarError(
        grpc.StatusCode.INVALID_ARGUMENT,
        "Invalid timeout",
        details=[error_details_pb2.BadRequest(field_violations=[violation])],
    )
    assert explain(error) == "Invalid argument timeout_seconds: too long. Fix it and call again."


def test_invalid_argument_whose_description_is_a_sentence_reads_cleanly() -> None:
    description = "it is 1100013 bytes, over this server's limit of 1048576 bytes."
    violation = error_details_pb2.BadRequest.FieldViolation(field="code", description=description)
    error = SidecarError(
        grpc.StatusCode.INVALID_ARGUMENT,
        f"Invalid code: {description}",
        details=[error_details_pb2.BadRequest(field_violations=[violation])],
    )
    assert explain(error) == (
        "Invalid argument code: it is 1100013 bytes, over this server's limit of 1048576 bytes. "
        "Fix it and call again."
    )


def test_interrupting_a_missing_session_says_nothing_runs_not_to_rerun_definitions() -> None:
    info = error_details_pb2.ResourceInfo(resource_type="sage.v1.Session", resource_name="abc")
    error = SidecarError(grpc.StatusCode.NOT_FOUND, "gone", details=[info])
    message = explain(error, use="interrupt")
    assert message == (
        "Session 'abc' does not exist: it was deleted, or never existed. Nothing runs in it to "
        "interrupt; list_sessions shows the live sessions."
    )
    assert "re-run" not in explain(error, use="variables")


def test_the_sidecars_words_name_tools_not_grpc_methods() -> None:
    description = (
        "expected the id CreateSession returned (letters, digits, '-' or '_', at most 64), "
        "got 'bad id!'."
    )
    violation = error_details_pb2.BadRequest.FieldViolation(
        field="session_id", description=description
    )
    error = SidecarError(
        grpc.StatusCode.INVALID_ARGUMENT,
        f"Invalid session_id: {description}",
        details=[error_details_pb2.BadRequest(field_violations=[violation])],
    )
    assert explain(error).startswith(
        "Invalid argument session_id: expected the id create_session returned (letters"
    )
    other = explain(SidecarError(grpc.StatusCode.INTERNAL, "Retry, or call DeleteSession."))
    assert other.endswith("Retry, or call delete_session.")


def test_unknown_session_is_said_deleted_not_lost_in_a_restart() -> None:
    """Sessions survive a sidecar restart, so a plain NOT_FOUND means it was deleted."""
    info = error_details_pb2.ResourceInfo(resource_type="sage.v1.Session", resource_name="abc")
    message = explain(SidecarError(grpc.StatusCode.NOT_FOUND, "gone", details=[info]))
    assert message.startswith("Session 'abc' does not exist: it was deleted, or never existed.")
    assert "restart" not in message
    assert "list_sessions" in message
    assert "create_session" in message


def test_session_lost_in_a_restart_is_said_plainly() -> None:
    info = error_details_pb2.ResourceInfo(resource_type="sage.v1.Session", resource_name="abc")
    error = SidecarError(grpc.StatusCode.NOT_FOUND, "gone", details=[info], after_outage=True)
    message = explain(error)
    assert "'abc' was lost" in message
    assert "restarted" in message
    assert "create_session" in message


def test_unavailable_message_starts_plainly_and_gives_a_wait() -> None:
    error = SidecarUnavailable("127.0.0.1:1", "no connection", retry_after=3.0)
    message = explain(error)
    assert message.startswith("Sage runtime unavailable at 127.0.0.1:1: no connection.")
    assert "try again in 3 s" in message


def test_a_reason_ending_in_a_period_gets_no_second_one() -> None:
    reason = (
        "The Sage runtime is shutting down and accepts no new work. Retry against its replacement."
    )
    for error in (
        SidecarUnavailable("127.0.0.1:1", reason),
        SidecarError(grpc.StatusCode.UNAVAILABLE, reason),
        SidecarError(grpc.StatusCode.UNAUTHENTICATED, "Bad token."),
    ):
        message = explain(error)
        assert ".." not in message, message
        assert ".)" not in message, message
    assert "its replacement. It may be starting" in explain(SidecarUnavailable("a", reason))


def test_unavailable_with_a_spawned_sidecar_does_not_say_to_spawn_one() -> None:
    error = SidecarUnavailable("127.0.0.1:1", "no connection")
    assert "--spawn-sidecar" in explain(error)
    message = explain(error, spawned_sidecar=True)
    assert message.startswith("Sage runtime unavailable at 127.0.0.1:1: no connection. It may")
    assert "--spawn-sidecar" not in message
    assert "start `sage-sidecar`" not in message
    assert "restarts it" in message


def test_past_the_deadline_without_starting_says_it_waited_behind_another() -> None:
    queued = explain(EvaluationPastDeadline("Deadline Exceeded", session_id="s", started=False))
    assert "waiting behind another evaluation on session 's'" in queued
    assert "without running" in queued
    running = explain(EvaluationPastDeadline("Deadline Exceeded", session_id="s", started=True))
    assert "code interrupted" in running
    assert "timeout_seconds" in running
    assert "waiting behind" not in running


# Settings.


def test_settings_come_from_flags_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic_settings import CliApp

    monkeypatch.setenv("SAGE_MCP_SIDECAR", "10.0.0.1:50051")
    settings = CliApp.run(
        McpSettings,
        cli_args=["--transport", "streamable-http", "--port", "9000", "--spawn-sidecar"],
    )
    assert settings.sidecar == "10.0.0.1:50051"
    assert settings.transport == "streamable-http"
    assert settings.port == 9000
    assert settings.spawn_sidecar


def test_every_setting_is_described() -> None:
    for name, field in McpSettings.model_fields.items():
        assert field.description, name


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("a = 5\nf(x) = x^2", "a, f are"),
        ("var('y z')\nw = y + z", "y, z, w are"),
        ("R.<t> = QQ[]\ndef g(n):\n    k = 2\n    return n", "R, g are"),
        ("a, b, c, d, e, f = range(6)", "a, b, c, d, e, ... are"),
        ("y = var('y')", "y is"),
    ],
)
def test_a_one_off_names_what_it_defined_at_its_top_level(code: str, names: str) -> None:
    said = one_off.note(code, Outcome(status="ok"))
    assert said is not None
    assert said.startswith(f"Note: this one-off evaluation (no session_id) kept nothing: {names} ")


def test_a_one_off_that_defines_nothing_says_nothing() -> None:
    for code in ("1 + 1", "x == 5", "solve(x^2 == 4, x)", "d['k'] = 1", "plot(x, color='red')"):
        assert one_off.note(code, Outcome(status="ok")) is None, code
