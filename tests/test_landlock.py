"""Landlock hides paths, refuses TCP and keeps signals among a worker's own processes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sage_sidecar import landlock

ABI = landlock.abi_version()
pytestmark = pytest.mark.skipif(ABI < 1, reason="this kernel offers no Landlock")

# Run in a process of its own: a restriction cannot be undone.
_PROBE = """
import errno, json, os, socket, subprocess, sys
from sage_sidecar import landlock

hidden, beside, outsider, shared = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
mine = os.path.join(shared, "mine")
lib, private = os.path.join(hidden, "lib"), os.path.join(hidden, "lib", "private")
done = landlock.restrict(
    [hidden, shared, private], reveal=[mine], readable=[lib], refuse_tcp=True
)

def attempt(action):
    try:
        action()
        return "done"
    except OSError as exc:
        return errno.errorcode[exc.errno]

def link_into_hidden():
    os.symlink(os.path.join(hidden, "secret"), os.path.join(beside, "link"))
    open(os.path.join(beside, "link")).read()

print(json.dumps({
    "read hidden": attempt(lambda: open(os.path.join(hidden, "secret")).read()),
    "write hidden": attempt(lambda: open(os.path.join(hidden, "planted"), "w")),
    "list hidden": sorted(os.listdir(hidden)),
    "read beside": attempt(lambda: open(os.path.join(beside, "note")).read()),
    "write beside": attempt(lambda: open(os.path.join(beside, "new"), "w").close()),
    "create on the way": attempt(lambda: open(os.path.join(hidden, "..", "new"), "w")),
    "link into hidden": attempt(link_into_hidden),
    "hard link out": attempt(
        lambda: os.link(os.path.join(hidden, "secret"), os.path.join(beside, "hard"))
    ),
    "run a program": subprocess.run(["true"]).returncode,
    "revealed": attempt(lambda: open(os.path.join(mine, "new"), "w").close()),
    "read readable": attempt(lambda: open(os.path.join(lib, "mod.py")).read()),
    "write readable": attempt(lambda: open(os.path.join(lib, "mod.py"), "a").close()),
    "hidden in readable": attempt(lambda: open(os.path.join(private, "key")).read()),
    "beside the revealed": attempt(lambda: open(os.path.join(shared, "theirs", "f")).read()),
    "added beside it": attempt(lambda: os.mkdir(os.path.join(shared, "later"))),
    "tcp": attempt(lambda: socket.create_connection(("127.0.0.1", 9), timeout=2)),
    "signal outsider": attempt(lambda: os.kill(outsider, 0)),
    "signal own child": attempt(lambda: os.kill(subprocess.Popen(["sleep", "0"]).pid, 0)),
    "scoped": done.scoped,
}))
"""


def test_restricted_process_cannot_reach_hidden_paths_tcp_or_outsiders(tmp_path: Path) -> None:
    root = tmp_path / "way"
    hidden, beside, shared = root / "state", root / "beside", root / "scratch"
    hidden.mkdir(parents=True)
    beside.mkdir()
    (shared / "mine").mkdir(parents=True)
    (shared / "theirs").mkdir()
    (shared / "theirs" / "f").write_text("t")
    (hidden / "secret").write_text("s")
    (hidden / "lib" / "private").mkdir(parents=True)
    (hidden / "lib" / "mod.py").write_text("m")
    (hidden / "lib" / "private" / "key").write_text("k")
    (beside / "note").write_text("n")
    outsider = subprocess.Popen(["sleep", "60"])
    try:
        probe = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(_PROBE), str(hidden), str(beside),
             str(outsider.pid), str(shared)],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
    finally:
        outsider.kill()
        outsider.wait()
    seen = json.loads(probe.stdout)
    assert seen["read hidden"] == seen["write hidden"] == "EACCES"
    assert seen["list hidden"] == ["lib", "secret"]  # names only: listings are left alone
    assert seen["read beside"] == seen["write beside"] == "done"
    # Nothing is created directly in a directory on the way to a hidden one.
    assert seen["create on the way"] == "EACCES"
    assert seen["link into hidden"] == "EACCES"
    assert seen["hard link out"] in ("EACCES", "EXDEV")  # EXDEV: Landlock refuses reparenting
    assert seen["run a program"] == 0
    # A hidden directory with one entry revealed: the others, and those added later, stay hidden.
    assert seen["revealed"] == "done"
    assert seen["beside the revealed"] == seen["added beside it"] == "EACCES"
    # Readable in a hidden directory (an installation in a home): read, never written; and
    # what is hidden inside it stays hidden.
    assert seen["read readable"] == "done"
    assert seen["write readable"] == seen["hidden in readable"] == "EACCES"
    if ABI >= 4:
        assert seen["tcp"] == "EACCES"
    if ABI >= 6:
        assert seen["scoped"] is True
        assert seen["signal outsider"] == "EPERM"
        assert seen["signal own child"] == "done"
