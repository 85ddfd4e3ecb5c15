"""A forked worker process that imports heavy modules at once and runs one call later.

datamodel-code-generator spends about half a second importing itself, and that is most of a
generation. Started first thing, a worker imports it while this process imports the rest, loads,
overlays and validates the spec; the models are then rendered there, in parallel with the
templates here. Where ``fork`` is missing the call simply runs in the caller.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
from collections.abc import Callable
from typing import Any


class Worker:
    def __init__(self, preload: tuple[str, ...] = (), *, fork: bool = True) -> None:
        self._pid: int | None = None
        self._local: tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]] | None = None
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
        with os.fdopen(self._request_write, "wb") as pipe:
            pipe.write(pickle.dumps((function, args, kwargs)))

    def result(self) -> Any:
        if self._pid is None:
            assert self._local is not None, "submit() first, and only once"
            function, args, kwargs = self._local
            return function(*args, **kwargs)
        with os.fdopen(self._result_read, "rb") as pipe:
            data = pipe.read()
        os.waitpid(self._pid, 0)
        self._pid = self._local = None  # used up: cancel() has nothing left to do
        if not data:
            raise RuntimeError("the worker process died without an answer")
        ok, value = pickle.loads(data)
        if not ok:
            raise RuntimeError(f"the worker process failed: {value}")
        return value

    def cancel(self) -> None:
        """Let the worker go without a call (closing its request pipe ends it)."""
        if self._pid is None:
            return
        for fd in (self._request_write, self._result_read):
            with contextlib.suppress(OSError):  # already closed by submit()
                os.close(fd)
        os.waitpid(self._pid, 0)
        self._pid = None


def _serve(preload: tuple[str, ...], request_read: int, result_write: int) -> None:
    try:
        for module in preload:
            importlib.import_module(module)
        with os.fdopen(request_read, "rb") as pipe:
            request = pipe.read()
        if request:
            function, args, kwargs = pickle.loads(request)
            payload = pickle.dumps((True, function(*args, **kwargs)))
            with os.fdopen(result_write, "wb") as pipe:
                pipe.write(payload)
    except BaseException as exc:  # everything must reach the parent
        try:
            with os.fdopen(result_write, "wb", closefd=False) as pipe:
                pipe.write(pickle.dumps((False, f"{type(exc).__name__}: {exc}")))
        except OSError:
            pass
    os._exit(0)  # the parent's cleanup (atexit, buffers) is not ours to run
