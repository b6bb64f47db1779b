"""The server decodes a worker's frames into messages and nothing else: Sage code can write to
its worker's socket, so a frame that names any other global is forged. (End to end, Sage code
forging frames: `test_sandbox`.)"""

from __future__ import annotations

import os
import pickle

import pytest
from sage_sidecar import channel
from sage_sidecar.channel import ForgedFrame, decode_from_worker
from sage_sidecar.messages import CellState, EvaluationStatus, Finished, Result


def _payload(frame: bytes) -> bytes:
    return frame[4:]  # past the length


def test_a_cells_last_events_decode_as_sent() -> None:
    batch = (
        Result("2", "2"),
        CellState(namespace_changed=False),
        Finished(EvaluationStatus.TIMED_OUT, 0.5, 3, cpu_time=0.25, peak_memory_bytes=1 << 20),
    )
    decoded = decode_from_worker(_payload(channel.encode(batch)))
    assert decoded == batch
    assert isinstance(decoded, tuple)
    finished = decoded[-1]
    assert isinstance(finished, Finished)
    assert finished.status is EvaluationStatus.TIMED_OUT  # the member itself, not an int


def _naming(module: str, name: str) -> bytes:
    """A pickle (protocol 4, as workers write) whose one object is `module`.`name`."""
    return (
        b"\x80\x04"
        + pickle.SHORT_BINUNICODE
        + bytes([len(module)])
        + module.encode()
        + pickle.SHORT_BINUNICODE
        + bytes([len(name)])
        + name.encode()
        + pickle.STACK_GLOBAL
        + pickle.STOP
    )


@pytest.mark.parametrize(
    ("module", "name"),
    [
        pytest.param("os", "system", id="a-function-elsewhere"),
        pytest.param("sage_sidecar.messages", "dataclass", id="an-import-of-the-messages-module"),
        pytest.param(
            "sage_sidecar.messages", "EvaluationStatus.__class__", id="a-status-attribute"
        ),
        pytest.param(
            "sage_sidecar.messages", "EvaluationStatus._value2member_map_", id="the-enum-internals"
        ),
        pytest.param("sage_sidecar.messages", "EvaluationStatus.NOT_ONE", id="no-such-status"),
    ],
)
def test_a_frame_naming_anything_but_a_message_or_status_is_forged(module: str, name: str) -> None:
    with pytest.raises(ForgedFrame, match="not a message"):
        decode_from_worker(_naming(module, name))


def test_a_status_named_in_a_frame_is_that_status() -> None:
    assert decode_from_worker(_naming("sage_sidecar.messages", "EvaluationStatus.ERROR")) is (
        EvaluationStatus.ERROR
    )


def test_a_frame_that_does_not_unpickle_is_forged() -> None:
    with pytest.raises(ForgedFrame, match="does not decode"):
        decode_from_worker(os.urandom(64))
