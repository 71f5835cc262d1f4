"""Background builds of the dashboard for programme-scale scopes.

At 100,000 families, extracting the records and computing every figure takes about a minute
(``docs/benchmarks.md``, dashboard at scale), far too long for a page request. For a scope with at least
``background_min_families`` families (``params/dashboard.csv``) the page therefore never computes: it shows the
latest results it has (with a notice of how old they are) or, the very first time, a progress panel, and a
thread of the same process computes the current ones. The panel polls (htmx) until they are there.

Each build writes its progress to the ``dashboard`` cache under ``dash:build:<scope>:<key>``
(:class:`Progress`), so every gunicorn worker can report it, and no two workers start the same build while
one is alive: a build counts as alive while its progress moved less than ``build_timeout_s`` ago and the
process running it still exists (a server restarted in the middle of a build starts it again at once).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import cache

__all__ = ["Progress", "Served", "progress", "serve", "spawn", "start"]

log = logging.getLogger(__name__)

_RUNNING: set[str] = set()
_LOCK = threading.Lock()


@dataclass
class Progress:
    """Where a build is: ``step`` of ``steps`` done, the current ``stage`` (a code), its start and last beat."""

    version: str
    stage: str
    step: int
    steps: int
    started: float
    beat: float
    error: str = ""
    last_error: str = ""  # the error of the previous attempt at this version, when this one is a retry
    pid: int = 0  # the server process running the build, and its host
    host: str = ""

    def owner_alive(self) -> bool:
        """Is the process that runs this build still there? (Always assumed on another host.)"""
        if self.pid <= 0:
            return False  # written by an older version that did not record its owner
        if self.host != socket.gethostname():
            return True
        if self.pid == os.getpid():
            with _LOCK:
                return any(name.endswith(f"#{self.started}") for name in _RUNNING)
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    @property
    def percent(self) -> int:
        return int(round(100 * self.step / max(self.steps, 1)))

    @property
    def elapsed_s(self) -> int:
        return int(time.time() - self.started)


def spawn(name: str, fn: Callable[[], None]) -> None:
    """Run ``fn`` in a daemon thread with its own database connection, closed at the end (tests replace
    this function to run ``fn`` where they can watch it)."""

    def target() -> None:
        from django.db import connections

        try:
            fn()
        finally:
            connections.close_all()

    threading.Thread(target=target, name=f"miaf-dashboard-{name}", daemon=True).start()


def _progress_key(scope: str, key: str) -> str:
    import hashlib

    return f"dash:build:{scope}:{hashlib.blake2b(key.encode(), digest_size=8).hexdigest()}"


def progress(scope: str, key: str) -> Progress | None:
    hit = cache.store().get(_progress_key(scope, key))
    return hit if isinstance(hit, Progress) else None


def start(scope: str, key: str, version: str, steps: list[tuple[str, Callable[[], None]]]) -> Progress:
    """Start (unless one is alive for this version) the build of ``steps`` [(stage, fn)] in the background.

    Returns the progress of the build that is now running.
    """
    store = cache.store()
    name = f"{scope}:{key}"
    now = time.time()
    current = progress(scope, key)
    alive = (current is not None and current.version == version and not current.error
             and now - current.beat < cache.param("build_timeout_s") and current.owner_alive())  # fmt: skip
    with _LOCK:
        if alive or any(n.startswith(name + "#") for n in _RUNNING):
            return current or Progress(version, steps[0][0], 0, len(steps), now, now)
        retry = current.error if current is not None and current.version == version else ""
        state = Progress(version, steps[0][0], 0, len(steps), now, now, last_error=retry, pid=os.getpid(),
                         host=socket.gethostname())
        running = f"{name}#{now}"
        store.set(_progress_key(scope, key), state, int(cache.param("build_timeout_s")) * 2)

        def run() -> None:
            try:
                for i, (stage, fn) in enumerate(steps):
                    state.stage, state.step, state.beat = stage, i, time.time()
                    store.set(_progress_key(scope, key), state, int(cache.param("build_timeout_s")) * 2)
                    fn()
                state.step, state.stage, state.beat = len(steps), "done", time.time()
            except Exception as exc:  # noqa: BLE001  (reported on the page; the next request retries)
                log.exception("dashboard build %s failed", name)
                state.error, state.beat = f"{type(exc).__name__}: {exc}", time.time()
            finally:
                store.set(_progress_key(scope, key), state, int(cache.param("build_timeout_s")) * 2)
                with _LOCK:
                    _RUNNING.discard(running)

        _RUNNING.add(running)
    spawn(name, run)
    return state


def minutes_since(epoch_s: float | None) -> int | None:
    """Whole minutes since ``epoch_s`` (how old the figures shown are), or None."""
    return None if epoch_s is None else max(0, int((time.time() - epoch_s) // 60))


@dataclass
class Served:
    """A result served by :func:`serve`: ``state`` "fresh", "stale" (an older data version's result while a
    build runs) or "pending" (none yet); ``entry`` the cached result, ``progress`` the running build."""

    state: str
    entry: cache.Entry | None
    progress: Progress | None = None

    @property
    def value(self):  # noqa: ANN201
        return None if self.entry is None else self.entry.value

    @property
    def built_at(self) -> float | None:
        return None if self.entry is None else self.entry.built_at

    @property
    def age_min(self) -> int | None:
        return minutes_since(self.built_at)


def serve(what: str, scope: str, extra: str, version: str, large: bool, compute: Callable[[], object]) -> Served:
    """The result of ``compute()`` for this data version: cached, computed now (``large`` false), or built
    in the background while the latest older result (or nothing) is served."""
    from django.utils import translation

    hit = cache.get(what, scope, extra)
    if hit is not None and hit.version == version:
        return Served("fresh", hit)
    if not large:
        value = cache.put(what, scope, extra, version, compute())
        return Served("fresh", cache.Entry(version, time.time(), value))
    lang = translation.get_language() or ""

    def step() -> None:
        with translation.override(lang):
            cache.put(what, scope, extra, version, compute())

    progress = start(scope, f"{what}:{extra}", version, [(what, step)])
    hit = cache.get(what, scope, extra)
    if hit is None:
        return Served("pending", None, progress)
    return Served("fresh" if hit.version == version else "stale", hit, progress if hit.version != version else None)
