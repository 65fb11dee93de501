"""A minimal Chrome DevTools Protocol client over ``--remote-debugging-pipe`` (standard library only).

Chromium reads commands from file descriptor 3 and writes replies and events to descriptor 4, each message
one JSON object ended by a NUL byte. :class:`HeadlessPage` starts Chromium with that pipe, opens one page
(``Target.createTarget`` + ``attachToTarget`` in flat mode) and offers the few things a check needs: navigate,
evaluate JavaScript, wait for a condition, type text, and capture a screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from graphengine.errors import ConfigError
from graphengine.report.chromium import find_chromium, headless_args


class HeadlessPage:
    """One page in a headless Chromium driven over the DevTools pipe; use as a context manager."""

    def __init__(self, *, width: int = 1280, height: int = 900, timeout_s: float = 30.0) -> None:
        self.width, self.height, self.timeout_s = width, height, timeout_s
        self._profile = tempfile.TemporaryDirectory(prefix="ge-chromium-")
        cmd_read, self._cmd_write = os.pipe()  # we write commands; Chromium reads them as fd 3
        self._evt_read, evt_write = os.pipe()  # Chromium writes replies as fd 4; we read them
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (cmd_read, evt_write)]
        for fd in (cmd_read, evt_write):
            os.close(fd)

        def child_fds() -> None:  # runs in the child between fork and exec
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        args = [
            str(find_chromium()),
            *headless_args(Path(self._profile.name), width=width, height=height),
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self._proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=child_fds,
        )
        for fd in high:
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self._session: str | None = None
        try:
            target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            self._session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self.send("Page.enable")
            self.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            )
        except BaseException:
            self.close()
            raise

    # ---- protocol -------------------------------------------------------------------------------------------
    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._evt_read], [], [], left)[0]:
                raise ConfigError("headless Chromium did not answer in time")
            chunk = os.read(self._evt_read, 1 << 20)
            if not chunk:
                raise ConfigError("headless Chromium closed the DevTools pipe (it exited)")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(self, method: str, params: dict[str, Any] | None = None, *, timeout_s: float | None = None) -> Any:
        """Send one command (to the page once attached) and return its result; events are skipped."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if self._session is not None:
            message["sessionId"] = self._session
        os.write(self._cmd_write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + (timeout_s or self.timeout_s)
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ConfigError(f"DevTools {method} failed: {reply['error'].get('message')}")
                return reply.get("result", {})

    # ---- page helpers ---------------------------------------------------------------------------------------
    def navigate(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable results only)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise ConfigError(f"page script failed: {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, *, timeout_s: float | None = None, interval_s: float = 0.25) -> Any:
        """Poll a JavaScript expression until it is truthy; returns its value or raises after the timeout."""
        deadline = time.monotonic() + (timeout_s or self.timeout_s)
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise ConfigError(f"timed out waiting for the page: {expression[:120]}")
            time.sleep(interval_s)

    def type_text(self, text: str) -> None:
        """Insert text at the focused element, as typing would."""
        self.send("Input.insertText", {"text": text})

    def screenshot(self, out: Path) -> Path:
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(base64.b64decode(data))
        return out

    # ---- lifetime -------------------------------------------------------------------------------------------
    def close(self) -> None:
        try:
            if self._proc.poll() is None:
                self._session = None
                with contextlib.suppress(ConfigError):
                    self.send("Browser.close", timeout_s=5.0)
                try:
                    self._proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait(timeout=10)
        finally:
            for fd in (self._cmd_write, self._evt_read):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._profile.cleanup()

    def __enter__(self) -> HeadlessPage:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


__all__ = ["HeadlessPage"]
