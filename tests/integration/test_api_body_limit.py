"""The request body limit and the key check before the body, against a real uvicorn server over raw sockets
(so the test sees how much of a body the client could send before the answer came): an unauthenticated
100 MB upload is answered 401 without being read, a body over the limit is refused with 413 while it streams
in (with or without Content-Length), and unknown fields in a write are refused with 422."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from graphengine.config import Settings
from graphengine.store import Store
from tests.integration.test_api_harness import API_KEY, base_url, running_api

MB = 1024 * 1024
LIMIT = 256 * 1024
CHUNK = 64 * 1024


@dataclass
class Answer:
    status: int
    body: dict[str, object]
    sent: int  # body bytes the client had sent when the answer's first line arrived
    seconds: float


def raw_post(server: uvicorn.Server, headers: dict[str, str], total: int, *, chunked: bool = False) -> Answer:
    """POST /events with a ``total``-byte body sent by a background thread as fast as the socket takes it;
    the answer is read as soon as it comes."""
    head = "POST /events HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += "Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {total}\r\n"
    sock = socket.create_connection((server.config.host, server.config.port), timeout=30)
    sock.sendall((head + "\r\n").encode())
    sent = 0
    stop = threading.Event()

    def pump() -> None:
        nonlocal sent
        piece = b"x" * CHUNK
        framed = f"{CHUNK:x}\r\n".encode() + piece + b"\r\n" if chunked else piece
        try:
            while sent < total and not stop.is_set():
                sock.sendall(framed)
                sent += CHUNK
        except OSError:
            pass  # the server closed the connection after answering

    started = time.monotonic()
    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    received = b""
    while b"\r\n\r\n" not in received:
        data = sock.recv(65536)
        if not data:
            break
        received += data
    sent_at_answer, seconds = sent, time.monotonic() - started
    head_text, _, rest = received.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head_text.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    while len(rest) < length and (data := sock.recv(65536)):
        rest += data
    stop.set()
    sock.close()
    thread.join(timeout=10)
    status = int(head_text.split(b" ")[1])
    return Answer(status, json.loads(rest[:length]), sent_at_answer, seconds)


@pytest.fixture(scope="module")
def limited(settings: Settings, session_store: Store) -> Iterator[uvicorn.Server]:
    with running_api(
        settings.model_copy(update={"api_keys": [API_KEY, "reader:read"], "api_max_body_bytes": LIMIT})
    ) as s:
        yield s


@pytest.fixture(scope="module")
def default_limit(settings: Settings, session_store: Store) -> Iterator[uvicorn.Server]:
    with running_api(settings.model_copy(update={"api_keys": [API_KEY]})) as server:
        yield server


def _shape(answer: Answer, status: int, code: str) -> None:
    assert answer.status == status, answer
    error = answer.body["error"]
    assert isinstance(error, dict) and list(error) == ["code", "message", "details"] and error["code"] == code


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_unauthenticated_100_mb_post_is_refused_before_its_body_is_read(
    default_limit: uvicorn.Server, chunked: bool
) -> None:
    for headers, status, code in (({}, 401, "unauthorized"), ({"X-API-Key": "wrong"}, 401, "unauthorized")):
        answer = raw_post(default_limit, headers, 100 * MB, chunked=chunked)
        _shape(answer, status, code)
        assert answer.seconds < 2.0
        assert answer.sent < 20 * MB  # what socket buffers hold; the server answered without waiting for the rest


def test_a_key_without_write_is_refused_before_the_body_too(limited: uvicorn.Server) -> None:
    answer = raw_post(limited, {"X-API-Key": "reader"}, 100 * MB)
    _shape(answer, 403, "forbidden")
    assert answer.sent < 20 * MB


def test_a_declared_length_over_the_limit_is_refused_at_once(limited: uvicorn.Server) -> None:
    answer = raw_post(limited, {"X-API-Key": API_KEY}, 100 * MB)
    _shape(answer, 413, "payload_too_large")
    assert str(LIMIT) in str(answer.body)
    assert answer.sent < 20 * MB


def test_a_chunked_body_is_counted_as_it_streams_in(limited: uvicorn.Server) -> None:
    answer = raw_post(limited, {"X-API-Key": API_KEY}, 100 * MB, chunked=True)
    _shape(answer, 413, "payload_too_large")
    assert answer.sent < 20 * MB


def test_a_body_within_the_limit_passes(limited: uvicorn.Server) -> None:
    with httpx.Client(base_url=base_url(limited), timeout=30) as client:
        small: dict[str, list[object]] = {"events": [], "purchases": []}
        response = client.post("/events", json=small, headers={"X-API-Key": API_KEY})
        assert response.status_code == 422 and "at least one" in response.text  # read, parsed and validated

        def body() -> Iterator[bytes]:  # a streamed body without Content-Length, just over the limit
            yield b'{"events": [], "source": "'
            yield b"x" * LIMIT
            yield b'"}'

        over = client.post("/events", content=body(), headers={"X-API-Key": API_KEY})
        assert over.status_code == 413 and over.json()["error"]["code"] == "payload_too_large"


def test_unknown_fields_in_writes_are_refused(default_limit: uvicorn.Server) -> None:
    line = {"orderId": "o1", "customerId": "c1", "productId": "p1", "amount": 1, "at": "2026-01-01T00:00:00Z"}
    event = {"eventId": "e1", "customerId": "c1", "type": "view", "channelId": "web", "at": "2026-01-01T00:00:00Z"}
    key = {"X-API-Key": API_KEY}
    with httpx.Client(base_url=base_url(default_limit), timeout=60) as client:
        for batch, where in (
            ({"purchases": [{**line, "junk": "x" * 1000}]}, ["body", "purchases", "0", "junk"]),
            ({"events": [{**event, "notes": "hello"}]}, ["body", "events", "0", "notes"]),
            ({"purchases": [line], "extra": 1}, ["body", "extra"]),
        ):
            response = client.post("/events", json=batch, headers=key)
            assert response.status_code == 422, response.text
            assert where in [e["loc"] for e in response.json()["error"]["details"]["errors"]]
        # the case: 20 MB of junk in an unknown field — over the default limit, so 413 before parsing
        huge = client.post("/events", json={"purchases": [{**line, "junk": "x" * (20 * MB)}]}, headers=key)
        assert huge.status_code == 413 and huge.json()["error"]["code"] == "payload_too_large"
