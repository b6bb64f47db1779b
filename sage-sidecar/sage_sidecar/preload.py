"""Imported once by the forkserver, so every worker forked from it starts warm.

Importing Sage costs about 1.5 s, the first `integrate` another second (Maxima starts) and
the first plot about 2 s (matplotlib). Paying them here, before any fork, makes a new session
cost a fork and keeps that warm state shared copy-on-write between workers. SymPy, SciPy,
NetworkX and GAP, which sessions often use, are paid for here too, once the first worker is
forked.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import gc
import importlib
import os
import signal
import sys
import tempfile
import warnings

from sage_sidecar import forkserver_guard, programs, sandbox

_PR_SET_CHILD_SUBREAPER = 36
_SESSIONS_OFTEN_IMPORT = ("networkx", "scipy.integrate", "scipy.optimize", "scipy.stats", "sympy")


def _warm_up() -> None:
    from sage.all import integrate, plot, sin, var

    x = var("x")
    integrate(x**2 * sin(x), x)
    with tempfile.TemporaryDirectory() as scratch:
        plot(sin(x), (x, 0, 1)).save(os.path.join(scratch, "warm-up.png"))


def _warm_up_more() -> None:
    """What sessions often use and each would otherwise pay for on first use, paid here once:
    SymPy (agents import it; a second), SciPy's optimize and integrate (`find_root`,
    `minimize`, `desolve_odeint`; over half a second), scipy.stats (half a second), NetworkX
    (0.4 s) and GAP (groups, graph automorphisms: a second and more, since a worker's own
    `~/.sage` has no saved GAP workspace). Run after the first worker is forked, so that the
    sidecar is ready as soon as without it. Each worker's private memory grows by about
    0.3 MB for scipy.stats and NetworkX, the forkserver's shared memory by 30 MB."""
    try:
        for module in _SESSIONS_OFTEN_IMPORT:
            importlib.import_module(module)
        from sage.all import SymmetricGroup

        SymmetricGroup(3).order()
    except Exception:  # a session pays on first use instead
        pass
    # GAP takes over SIGCHLD (and SIGWINCH) for processes of its own; the forkserver learns
    # of its workers' exits through Python's handler, without which they stay zombies and
    # the server waits on them forever as it exits.
    for taken in (signal.SIGCHLD, signal.SIGWINCH):
        signal.signal(taken, signal.getsignal(taken))
    gc.freeze()  # as below: shared by the workers, out of each one's collector's reach


def _reap_descendants_at_exit() -> None:
    """Adopt orphaned helpers of dead workers, and kill every descendant when exiting.

    The forkserver exits when the server process goes away, even by SIGKILL; this makes sure
    no worker, or anything a worker started, outlives it.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    # The forkserver reaps what it adopts (clones whose source worker went first) and warns
    # of each as an unexpected pid, a plain-text line in the sidecar's JSON log.
    warnings.filterwarnings("ignore", message="forkserver: waitpid returned unexpected pid")
    me = os.getpid()

    def kill_descendants() -> None:
        if os.getpid() != me:
            return
        import psutil

        for child in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                child.send_signal(signal.SIGKILL)

    atexit.register(kill_descendants)

    # A SIGTERM to the sidecar's whole process group (how systemd stops a service, and
    # `timeout`) would end this process before those handlers and Sage's own, which removes
    # its temporary directory, could run. It ends it as losing the server does. Workers put
    # the default back; one just forked, that has not yet, ends as the default would.
    def end(signum: int, frame: object) -> None:
        if os.getpid() != me:
            # Raised here it would be printed as ignored (the child runs the fork's Python
            # hooks), in the sidecar's log, and the child would carry on.
            os._exit(128 + signum)
        sys.exit(0)

    signal.signal(signal.SIGTERM, end)


_warm_up()

# The executor builds the console namespace once, here. The worker's own entry point (and
# the channel it talks through) is imported here too rather than in each worker after the
# fork: an idle session then costs about 5 MB less private memory.
from sage_sidecar import executor, worker  # noqa: E402, F401

# A first evaluation builds caches (the preparser's, the display manager's, LaTeX's); built
# here, workers share them instead of each building its own.
executor.warm_up()

_reap_descendants_at_exit()
# This process's parent, which started it, is the server: the one process it forks for.
forkserver_guard.serve_only(os.getppid(), after_first=_warm_up_more)
sandbox.installation()  # found here once, for every worker's check of its file identity
sandbox.closed_on_the_way()  # and what of it other users may not enter
sandbox.readable_installation()  # and what of the home workers read, where it is there
sandbox.sage_user_paths()  # and the paths in ~/.sage each worker moves to its scratch
programs.found()  # and the programs each worker links in its .sage/bin
sandbox.keep_out()  # the forkserver holds what workers must not read, as the server does
# Last: move everything loaded so far out of the collector's reach. Otherwise the first
# collection in each worker walks every inherited object and copies the pages that hold them,
# tens of MB per session that copy-on-write would have shared.
gc.freeze()
