"""One way for the tests to serve the real app: waitress on a free loopback port, in a thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from waitress.server import create_server

# how long the serving thread waits on its sockets before it looks whether it should stop (seconds)
POLL = 0.05


def start(app) -> tuple[str, Callable[[], None]]:
    """Serve the app; return its base URL (http://127.0.0.1:PORT) and the function that stops it.

    The thread runs waitress's loop a poll at a time and stops before the sockets are closed: closing
    them under a thread blocked in `select` made it fail now and then with EBADF (`server.run()` has no
    way to be stopped)."""
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()

    def run() -> None:
        while not stopping.is_set():
            server.asyncore.loop(timeout=POLL, map=server._map, use_poll=server.adj.asyncore_use_poll, count=1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def stop() -> None:
        stopping.set()
        thread.join(timeout=5)
        server.close()

    return f"http://127.0.0.1:{server.effective_port}", stop


@contextmanager
def serving(app) -> Iterator[str]:
    """The app served until the block ends; yields its base URL."""
    url, stop = start(app)
    try:
        yield url
    finally:
        stop()
