"""Timers of the draw benchmark (``bench/draw.py``): whole steps, and the service functions inside them."""

from __future__ import annotations

import contextlib
import os
import time

from bench.common import Figure


class Parts:
    """Wall-clock seconds spent in chosen functions, accumulated by name.

    Each wrapped module attribute calls the platform's function unchanged and adds the time it took.
    """

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, module, name: str) -> None:
        inner = getattr(module, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
                self.calls[name] = self.calls.get(name, 0) + 1

        setattr(module, name, timed)

    def take(self) -> dict[str, float]:
        """The seconds so far, then start again from zero."""
        result, self.seconds, self.calls = self.seconds, {}, {}
        return result


def parts_install(parts: Parts) -> None:
    """Time the functions that commit and select call (frame, blob, ranking, picks, audit) and the COMMIT."""
    from django.db import connections

    from clearcheck.core import blobs
    from clearcheck.sampling import algorithm
    from clearcheck.sampling.services import draws, frames

    for module, name in ((draws, "frame_build"), (frames, "_scan_server"), (frames, "_scan_rows"),
                         (algorithm, "frame_block"), (draws, "draw_precheck_refusal"),
                         (blobs, "blob_put"), (draws, "audit_record"), (draws, "frame_checked"),
                         (blobs, "blob_read"), (algorithm, "frame_parse"), (algorithm, "seed_of"),
                         (algorithm, "enterprises_select"), (algorithm, "teams_form"), (algorithm, "teams_assign"),
                         (draws, "outcome_store"), (frames, "recusal_pairs"), (frames, "last_inspector_pairs"),
                         (draws, "selection_hash")):
        parts.wrap(module, name)
    # The COMMIT at the end of each service's transaction (where PostgreSQL runs deferred constraint checks).
    parts.wrap(connections["default"], "commit")


def load() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


@contextlib.contextmanager
def timed(figures: list, label: str, rows: int | None = None, note: str = ""):
    """Like ``bench.common.stopwatch``; yields a dict where the block may set ``rows``/``note``."""
    start, cpu_start = time.perf_counter(), time.process_time()
    extra: dict = {}
    yield extra
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    figure = Figure(label=label, seconds=seconds, rows=extra.get("rows", rows), note=extra.get("note", note),
                    cpu_seconds=cpu, load=load())
    figures.append(figure)
    print(f"  {label}: {seconds:.2f} s (CPU {cpu:.2f} s, load {figure.load:.2f}) {figure.note}", flush=True)
