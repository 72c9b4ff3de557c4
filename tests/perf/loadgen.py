"""A light HTTP load generator: one thread, non-blocking sockets, requests built beforehand.

The benchmarks run client and server on the same two cores. Python threads driving
http.client took their CPU from the servers being measured (the bare page's server time
fell from 1.16 to 0.85-0.90 ms with this generator); here a request costs the client a
send, a recv and a header split, and 50 visit POSTs about 11 ms of CPU in all.
Responses must carry Content-Length (every Flask response the benchmarks ask for does).
"""

from __future__ import annotations

import selectors
import socket
import time
from dataclasses import dataclass, field


def http_request(method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    """The bytes of one HTTP/1.1 request to localhost."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@dataclass
class Answer:
    """One response: milliseconds from sending the request to its last byte, status, body."""

    ms: float
    status: int
    body: bytes


@dataclass
class _Exchange:
    request: bytes
    sock: socket.socket | None = None
    started: float = 0.0
    reused: bool = False
    received: bytearray = field(default_factory=bytearray)
    answers: list[Answer] = field(default_factory=list)


def _complete(received: bytearray) -> tuple[int, bool, bytes] | None:
    """(status, server closes, body) once the whole response is in, else None."""
    head_end = received.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    status_line, *header_lines = received[:head_end].decode("latin-1").split("\r\n")
    headers = {
        name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in header_lines)
    }
    end = head_end + 4 + int(headers["content-length"])
    if len(received) < end:
        return None
    return (
        int(status_line.split()[1]),
        headers.get("connection", "").lower() == "close",
        bytes(received[head_end + 4 : end]),
    )


def _connect(selector: selectors.BaseSelector, port: int, exchange: _Exchange) -> None:
    exchange.sock = socket.create_connection(("127.0.0.1", port))
    exchange.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    exchange.reused = False
    selector.register(exchange.sock, selectors.EVENT_READ, exchange)


def _send(selector: selectors.BaseSelector, port: int, exchange: _Exchange) -> None:
    """Send the exchange's request, timed from now, on its open connection or a new one."""
    exchange.received.clear()
    exchange.started = time.perf_counter()
    if exchange.sock is None:
        _connect(selector, port, exchange)
    exchange.sock.sendall(exchange.request)


def _close(selector: selectors.BaseSelector, exchange: _Exchange) -> None:
    selector.unregister(exchange.sock)
    exchange.sock.close()
    exchange.sock = None


def _reconnect(selector: selectors.BaseSelector, port: int, exchange: _Exchange) -> None:
    """Send the request again on a new connection, keeping its start time."""
    _close(selector, exchange)
    _connect(selector, port, exchange)
    exchange.sock.sendall(exchange.request)


def _run(selector: selectors.BaseSelector, port: int, pending: int, on_answer) -> None:
    """Read responses until `pending` reach zero; on_answer(exchange) may send again."""
    while pending:
        events = selector.select(timeout=30)
        if not events:
            raise TimeoutError(f"{pending} requests unanswered for 30 s")
        for key, _ in events:
            exchange = key.data
            chunk = exchange.sock.recv(262144)
            if not chunk:
                if exchange.received or not exchange.reused:
                    raise ConnectionError(
                        f"the server closed the connection before answering: "
                        f"{bytes(exchange.received[:200])!r}"
                    )
                _reconnect(selector, port, exchange)  # a kept-alive connection the server let go
                continue
            exchange.received += chunk
            done = _complete(exchange.received)
            if done is None:
                continue
            status, closes, body = done
            answer = Answer((time.perf_counter() - exchange.started) * 1000, status, body)
            if closes:  # gunicorn's sync workers answer one request per connection
                _close(selector, exchange)
            else:
                exchange.reused = True
            exchange.answers.append(answer)
            pending -= on_answer(exchange)


def _done(selector: selectors.BaseSelector, exchange: _Exchange) -> int:
    """Let go of a client's kept-alive connection once it has all its answers; count it."""
    if exchange.sock is not None:
        _close(selector, exchange)
    return 1


def closed_loop(
    port: int, request: bytes, clients: int, requests_each: int, warm_up: int = 10
) -> list[Answer]:
    """`clients` each send `request`, wait for the answer, and send again, `requests_each` times.

    The first `warm_up` answers of each client are left out.
    """
    selector = selectors.DefaultSelector()

    def on_answer(exchange):
        if len(exchange.answers) < requests_each:
            _send(selector, port, exchange)
            return 0
        return _done(selector, exchange)

    exchanges = [_Exchange(request) for _ in range(clients)]
    for exchange in exchanges:
        _send(selector, port, exchange)
    _run(selector, port, clients, on_answer)
    selector.close()
    return [answer for exchange in exchanges for answer in exchange.answers[warm_up:]]


def burst(port: int, requests: list[bytes]) -> list[Answer]:
    """Open one connection per request, then send them all at once; every answer, in order."""
    selector = selectors.DefaultSelector()
    exchanges = [_Exchange(request) for request in requests]
    for exchange in exchanges:  # connect first, so the sends leave together
        _connect(selector, port, exchange)
    for exchange in exchanges:
        _send(selector, port, exchange)
    _run(selector, port, len(exchanges), lambda exchange: _done(selector, exchange))
    selector.close()
    return [exchange.answers[0] for exchange in exchanges]
