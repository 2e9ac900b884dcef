"""A real HTTP server around the app, and the system Chromium, for browser tests and screenshots."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the networking flags Chromium tries to reach outside hosts and stalls on these machines.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_available() -> bool:
    return Path(CHROMIUM_PATH).is_file() and os.access(CHROMIUM_PATH, os.X_OK)


def launch_chromium(playwright):
    """Start the system Chromium headless (no browser download is possible here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True,
                                      args=CHROMIUM_ARGS)


def _closing(app: Flask):
    """``app`` with every response closed however its sending ends.

    Werkzeug's development server skips closing a response when the browser hangs up while the
    server reads what is left of the request (a stylesheet abandoned as a page moves on), so a
    static file stayed open until the garbage collector warned about it, which this suite
    counts as an error. Each response now goes out through a generator that closes it when it
    finishes, when the server closes it, or when the server drops it half sent.
    """
    def serve(environ, start_response):
        body = app(environ, start_response)

        def sent():
            try:
                yield from body
            finally:
                if hasattr(body, "close"):
                    body.close()

        return sent()

    return serve


class LiveServer:
    """Serve ``app`` on 127.0.0.1 and a free port from a daemon thread until ``stop``."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        # Port 0 lets the kernel choose a free port, so two runs never race for one.
        self._server = make_server("127.0.0.1", 0, _closing(app), threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="live-server", daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __call__(self, path: str = "/") -> str:
        """The full URL of ``path`` on this server."""
        return self.url + path
