"""Child processes that never outlive the process that started them."""

from __future__ import annotations

import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1
# Loaded here, in the parent: a preexec_fn in a threaded parent should do as little as it can.
_libc = ctypes.CDLL(None, use_errno=True)


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask Linux to send ``sig`` to this process when its parent dies (``PR_SET_PDEATHSIG``).

    Call it in the child (a ``preexec_fn``, or right after ``fork``): a benchmark killed by a
    timeout, or a web process killed mid-run, then takes its clusters and script runs with
    it instead of leaving them running. Exits at once if the parent is already gone.
    """
    parent = os.getppid()
    _libc.prctl(_PR_SET_PDEATHSIG, sig)
    if os.getppid() != parent:
        os._exit(1)
