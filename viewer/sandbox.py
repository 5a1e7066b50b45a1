"""Validation of uploaded TEI in child processes, each with limits.

A file anyone can upload may cost the validator seconds of CPU and hundreds of
megabytes (900k elements, 60k attributes, 200k duplicate ids). Run inside a
serving thread, that work held the interpreter lock and the thread: eight
abandoned uploads starved the whole server. Here each validation is a child
process (forked from a clean forkserver, never from the threaded server), with

- a wall-clock limit (SECONDS) and a CPU and address-space limit set by
  `resource.setrlimit` in the child, at low priority (`nice`) so readers come first;
- cancellation: the child is killed when the client goes away (waitress tells
  the view through `waitress.client_disconnected`);
- bounded admission: at most PER_ADDRESS validations per client address (over:
  429) and WORKERS in all (over: 503), both with `Retry-After`.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import threading
import time
from dataclasses import dataclass
from typing import Callable

WORKERS = 2          # at once, for the whole server (the machine has few cores)
PER_ADDRESS = 1      # at once, for one client address
SECONDS = 30.0       # wall clock for one validation
MEMORY_BYTES = 1536 * 2**20  # address space of the child (the 4.5 MB file of 900k elements peaks near 700 MB)
RETRY_AFTER = 10     # seconds, the advice in 429 and 503 answers
POLL = 0.05          # how often the parent looks at the child and the client


class Refused(Exception):
    """The validation was not run or not finished; `status` and `message` say why."""

    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


@dataclass
class Limits:
    workers: int = WORKERS
    per_address: int = PER_ADDRESS
    seconds: float = SECONDS
    memory_bytes: int = MEMORY_BYTES


def _validate_in_child(data: bytes, name: str, limits: Limits, conn) -> None:
    """The child: limits first, then the validator; the problems go back as plain dicts."""
    os.nice(10)
    cpu = int(limits.seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    try:
        from edition.validate import validate_bytes
        conn.send(("problems", [p.as_dict() for p in validate_bytes(data, name)]))
    except MemoryError:
        conn.send(("memory", None))
    finally:
        conn.close()


class Sandbox:
    """Admission and the child processes of every validation the server runs."""

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()
        self._lock = threading.Lock()
        self._running = 0
        self._by_address: dict[str, int] = {}
        self._context = multiprocessing.get_context("forkserver")

    def validate(self, data: bytes, name: str, address: str,
                 client_gone: Callable[[], bool] = lambda: False) -> list[dict]:
        """The problems of `data`, or Refused (busy, too long, too large, client gone)."""
        self._admit(address)
        try:
            return self._run(data, name, client_gone)
        finally:
            with self._lock:
                self._running -= 1
                self._by_address[address] -= 1
                if not self._by_address[address]:
                    del self._by_address[address]

    def _admit(self, address: str) -> None:
        with self._lock:
            if self._by_address.get(address, 0) >= self.limits.per_address:
                raise Refused(429, f"You already have {self.limits.per_address} validation(s) running; "
                                   "wait for the report, then validate again.", RETRY_AFTER)
            if self._running >= self.limits.workers:
                raise Refused(503, "The validator is busy with other files; try again in a few seconds.",
                              RETRY_AFTER)
            self._running += 1
            self._by_address[address] = self._by_address.get(address, 0) + 1

    def _run(self, data: bytes, name: str, client_gone: Callable[[], bool]) -> list[dict]:
        receiver, sender = self._context.Pipe(duplex=False)
        child = self._context.Process(target=_validate_in_child, args=(data, name, self.limits, sender),
                                      daemon=True)
        child.start()
        sender.close()  # the child holds its own end: EOF here means it died
        deadline = time.monotonic() + self.limits.seconds
        try:
            while True:
                if receiver.poll(POLL):
                    try:
                        kind, problems = receiver.recv()
                    except EOFError:  # killed by a limit (CPU, memory) before it could answer
                        raise self._died(child) from None
                    if kind == "memory":
                        raise Refused(422, self._memory_message())
                    return problems
                if client_gone():
                    raise Refused(499, "The client went away; the validation was stopped.")
                if time.monotonic() > deadline:
                    raise Refused(422, f"Validating this file took longer than {self.limits.seconds:g} s, the limit "
                                       "for a file checked here; validate it on your own machine with "
                                       "`edition validate FILE`, or check a part of it.")
        finally:
            receiver.close()
            if child.is_alive():
                child.kill()
            child.join(5)

    def _died(self, child) -> Refused:
        child.join(5)
        if child.exitcode in (-9, -24):  # SIGKILL, SIGXCPU: the CPU limit
            return Refused(422, f"Validating this file took more than {self.limits.seconds:g} s of CPU, the limit "
                                "for a file checked here; validate it on your own machine with `edition validate FILE`.")
        return Refused(422, self._memory_message())

    def _memory_message(self) -> str:
        return (f"Validating this file needed more than {self.limits.memory_bytes // 2**20:,} MB of memory, the limit "
                "for a file checked here; validate it on your own machine with `edition validate FILE`.")

    def busy(self) -> int:
        with self._lock:
            return self._running
