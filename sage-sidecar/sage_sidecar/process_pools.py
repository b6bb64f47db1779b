"""What a clone does with the process and thread pools its source's variables hold.

A session's `p = Pool(2)` has worker processes, and threads that hand them tasks. A clone is a
fork of the source's worker: it gets a copy of `p`, but not the threads, which fork never
copies, nor the processes, which stay the source's children. Used there, the copy would wait
for ever for answers nobody sends, until the evaluation's timeout. So in the clone the copy
refuses work at once, with a message that says why and what to do; `concurrent.futures`
executors say they are broken, with that message. Only pools a variable holds are found: one
deeper inside an object is left as it is. Counterpart: `worker`, which makes the clone.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import pool as mp_pool
from typing import Any, NoReturn

_COPIED = (
    "{name} is a {kind} copied from the session this one was cloned from: its {workers} "
    "stayed with that session, and do not work here. Make a new one in this session, as "
    "{name} = {kind}(...)."
)


def leave_to_the_source(namespace: dict[str, Any]) -> None:
    """In a fresh clone: make each pool and executor the session's variables hold refuse
    work."""
    for name, value in list(namespace.items()):
        if isinstance(value, mp_pool.Pool):
            _refuse_pool(name, value)
        elif isinstance(value, ProcessPoolExecutor | ThreadPoolExecutor):
            workers = "processes" if isinstance(value, ProcessPoolExecutor) else "threads"
            executor: Any = value
            # submit() raises BrokenProcessPool (or BrokenThreadPool) with this message.
            executor._broken = _COPIED.format(name=name, kind=type(value).__name__, workers=workers)


def _refuse_pool(name: str, pool: mp_pool.Pool) -> None:
    thread_pool = isinstance(pool, mp_pool.ThreadPool)
    message = _COPIED.format(
        name=name,
        kind=type(pool).__name__,
        workers="threads" if thread_pool else "worker processes",
    )
    state: Any = pool
    # Not running here, as its repr then says.
    state._state = mp_pool.CLOSE

    def refuse() -> NoReturn:
        raise ValueError(message)

    # Each of its methods that takes work asks this first.
    state._check_running = refuse
