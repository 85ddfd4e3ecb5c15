"""A forked worker process that imports heavy modules at once and runs one call later.

datamodel-code-generator spends about half a second importing itself, and that is most of a
generation. Started first thing, a worker imports it while this process imports the rest, loads,
overlays and validates the spec; the models are then rendered there, in parallel with the
templates here. Where ``fork`` is missing (or ``fork=False``) the call simply runs in the caller.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import signal
from collections.abc import Callable
from typing import Any

_CLOSED = -1


class Worker:
    def __init__(self, preload: tuple[str, ...] = (), *, fork: bool = True) -> None:
        self._pid: int | None = None
        self._local: tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]] | None = None
        self._request_write = self._result_read = _CLOSED
        if not fork or not hasattr(os, "fork"):
            return
        request_read, self._request_write = os.pipe()
        self._result_read, result_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(self._request_write)
            os.close(self._result_read)
            _serve(preload, request_read, result_write)  # never returns
        os.close(request_read)
        os.close(result_write)
        self._pid = pid

    def submit(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Start ``function(*args, **kwargs)``; a module-level function, so it can be pickled."""
        if self._pid is None:
            self._local = (function, args, kwargs)
            return
        fd, self._request_write = self._request_write, _CLOSED
        # a worker that died while preloading has closed its end; result() reports its error
        with contextlib.suppress(BrokenPipeError), os.fdopen(fd, "wb") as pipe:
            pipe.write(pickle.dumps((function, args, kwargs)))

    def result(self) -> Any:
        if self._pid is None:
            assert self._local is not None, "submit() first, and only once"
            function, args, kwargs = self._local
            self._local = None
            return function(*args, **kwargs)
        fd, self._result_read = self._result_read, _CLOSED
        with os.fdopen(fd, "rb") as pipe:
            data = pipe.read()
        os.waitpid(self._pid, 0)
        self._pid = None
        if not data:
            raise RuntimeError("the worker process died without an answer")
        ok, value = pickle.loads(data)
        if not ok:
            raise RuntimeError(f"the worker process failed: {value}")
        return value

    def cancel(self) -> None:
        """Stop the worker if it is still there; its answer, if any, is not wanted."""
        for name in ("_request_write", "_result_read"):
            fd = getattr(self, name)
            if fd != _CLOSED:
                os.close(fd)
                setattr(self, name, _CLOSED)
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None


def _serve(preload: tuple[str, ...], request_read: int, result_write: int) -> None:
    outcome: tuple[bool, Any] | None
    try:
        for module in preload:
            importlib.import_module(module)
        with os.fdopen(request_read, "rb") as pipe:
            request = pipe.read()
        outcome = None
        if request:
            function, args, kwargs = pickle.loads(request)
            outcome = (True, function(*args, **kwargs))
    except BaseException as exc:  # everything must reach the parent
        outcome = (False, f"{type(exc).__name__}: {exc}")
    if outcome is not None:
        with contextlib.suppress(OSError), os.fdopen(result_write, "wb") as pipe:
            pipe.write(pickle.dumps(outcome))
    os._exit(0)  # the parent's cleanup (atexit, buffers) is not ours to run
