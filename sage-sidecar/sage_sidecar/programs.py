"""Programs Sage runs by name that the installation has only under other names.

Sage's animations (`animate`, `Animation.gif`) need ImageMagick's `convert` or `ffmpeg` on
the PATH. Neither comes with a pip install of Sage, but the imageio-ffmpeg wheel ships a
static ffmpeg, named for its platform and version. Each worker links it as `ffmpeg` in a
directory of its own, first on its PATH: no other worker can change what it runs, and the
link goes when the worker's scratch does. A system's own ffmpeg wins where there is one.
"""

from __future__ import annotations

import functools
import os
import shutil


@functools.cache
def found() -> tuple[dict[str, str], str]:
    """What to link, by the name Sage runs it as, and the PATH before any link went on it.
    Found once, in the forkserver, before any worker changes its PATH."""
    path = os.environ.get("PATH", os.defpath)
    if shutil.which("ffmpeg", path=path) is not None:
        return {}, path
    try:
        import imageio_ffmpeg

        return {"ffmpeg": imageio_ffmpeg.get_ffmpeg_exe()}, path
    except (ImportError, RuntimeError):  # RuntimeError: no binary for this platform
        return {}, path


def put_on_path(directory: str) -> None:
    """Link the bundled programs in `directory`, made here, and put it first on the PATH of
    this process and what it starts. A clone calls this again for its own directory: the
    PATH it inherited from its source is replaced, not extended."""
    programs, path = found()
    if not programs:
        return
    os.mkdir(directory, 0o755)
    for name, target in programs.items():
        os.symlink(target, os.path.join(directory, name))
    os.environ["PATH"] = directory + os.pathsep + path
