"""Waiting in tests for something another thread or process makes true."""
from __future__ import annotations

import time


def until(check, seconds: float = 5.0) -> bool:
    """True as soon as ``check()`` is; False if it is not within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return False
