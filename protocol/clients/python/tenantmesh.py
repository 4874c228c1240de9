"""A small client for the TenantMesh protocol (tenantmesh/1), using only the Python standard library.

Written from protocol/SPEC.md alone. A frame is a 4-byte big-endian length followed by that many
bytes of UTF-8 JSON; the JSON is JSON-RPC 2.0 with one extra member, `meta`, that carries the API key,
the deadline (`timeout_ms`), the idempotency key and a trace id.

Each `Client` owns one Unix socket connection. A reader thread takes frames off the socket and hands
each response to the call waiting for its id, so any number of threads may call at once and replies
may come back in any order.

    from tenantmesh import Client, MeshError

    with Client(".mesh/run/gateway.sock", api_key=root_key) as mesh:
        print(mesh.call("rpc.ping"))
        try:
            mesh.call("companies.get", {"company_id": "c_9"})
        except MeshError as error:
            print(error.status, error.message)
"""

import json
import os
import socket
import struct
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Optional

PROTOCOL = "tenantmesh/1"

# Defaults of the reference processes (SPEC section 12); rpc.describe reports a process's own values.
MAX_FRAME_BYTES = 1_048_576
MAX_BATCH = 256
# Requests a server accepts in flight on one connection (section 10); the client never sends more.
MAX_IN_FLIGHT = 256
# The largest frame limit a mesh accepts (MESH_MAX_FRAME_BYTES); replies up to this size are read.
MAX_REPLY_FRAME_BYTES = 64 * 1024 * 1024
# How long a server keeps a quiet connection open (section 12), in milliseconds.
IDLE_TIMEOUT_MS = 300_000


def _limit_from_environment(name, default):
    """Returns the whole number in environment variable `name`, as `mesh up` passes it to the mesh."""
    text = os.environ.get(name, "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else default
MAX_IDEMPOTENCY_KEY_CODE_POINTS = 200

# How long `cancel` waits for the reply to its rpc.cancel, in milliseconds.
CANCEL_TIMEOUT_MS = 5000

# How long past `timeout_ms` a call waits for the server's own DEADLINE_EXCEEDED before giving up
# locally. The server checks budgets itself, so this margin only covers a reply lost on the way.
LOCAL_GRACE_SECONDS = 1.0

# Status name -> (JSON-RPC code, retryable by default), from SPEC section 7.2.
STATUSES = {
    "PARSE_ERROR": (-32700, False),
    "INVALID_REQUEST": (-32600, False),
    "METHOD_NOT_FOUND": (-32601, False),
    "INVALID_ARGUMENT": (-32602, False),
    "INTERNAL": (-32603, False),
    "UNAUTHENTICATED": (-32001, False),
    "CANCELLED": (-32002, False),
    "PERMISSION_DENIED": (-32003, False),
    "NOT_FOUND": (-32004, False),
    "DEADLINE_EXCEEDED": (-32005, True),
    "ALREADY_EXISTS": (-32006, False),
    "RESOURCE_EXHAUSTED": (-32008, False),
    "FAILED_PRECONDITION": (-32009, False),
    "ABORTED": (-32010, True),
    "UNAVAILABLE": (-32014, True),
}
_STATUS_BY_CODE = {code: name for name, (code, _) in STATUSES.items()}

# Marks "use the client's API key" apart from an explicit None ("send no key").
_CLIENT_KEY = object()


class MeshError(Exception):
    """An error response from a TenantMesh process, or a failure the client detected itself.

    Branch on `status` (a name from the status table); show `message` to people; use `retryable`
    and `retry_after_ms` to decide whether and when to retry. `details` contains structured facts
    such as `field`, and `data` is the whole `error.data` object as received (empty for local failures).
    """

    def __init__(self, status, code, message, retryable=False, retry_after_ms=None, details=None, data=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retryable = retryable
        self.retry_after_ms = retry_after_ms
        self.details = details if details is not None else {}
        self.data = data if data is not None else {}

    def __str__(self):
        return f"{self.status} ({self.code}): {self.message}"

    def __repr__(self):
        return f"MeshError(status={self.status!r}, code={self.code!r}, message={self.message!r})"

    @classmethod
    def from_error_object(cls, error):
        """Builds a MeshError from a response's `error` member (SPEC section 7.1).

        An unknown status name is replaced by the status whose code matches, or by INTERNAL when no
        code matches either. The name as received stays in `data["status"]`.
        """
        if not isinstance(error, dict):
            return cls.local("INTERNAL", f"the server sent an error member that is not an object: {error!r}")

        code = error.get("code")
        message = error.get("message")
        if not isinstance(message, str):
            message = f"error without a message: {error!r}"
        data = error.get("data")
        if not isinstance(data, dict):
            data = {}

        status = data.get("status")
        if status not in STATUSES:
            status = _STATUS_BY_CODE.get(code, "INTERNAL") if _is_integer(code) else "INTERNAL"
        if not _is_integer(code):
            code = STATUSES[status][0]

        retryable = data.get("retryable")
        if not isinstance(retryable, bool):
            retryable = STATUSES[status][1]
        retry_after_ms = data.get("retry_after_ms")
        if not _is_integer(retry_after_ms):
            retry_after_ms = None
        details = data.get("details")
        if not isinstance(details, dict):
            details = {}
        return cls(status, code, message, retryable, retry_after_ms, details, data)

    @classmethod
    def local(cls, status, message, details=None, retryable=None):
        """Creates a MeshError for a failure found on this side of the socket, using the server's statuses."""
        code, default_retryable = STATUSES[status]
        return cls(status, code, message, default_retryable if retryable is None else retryable, None, details)


# ---------------------------------------------------------------------------------------------------
# Framing (SPEC section 3)


class FrameError(ValueError):
    """A length prefix that breaks section 3: `kind` is "empty_frame" or "frame_too_large"."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def encode_frame(payload, max_frame_bytes=MAX_FRAME_BYTES):
    """Prefixes `payload` (bytes) with its 4-byte big-endian length."""
    if len(payload) == 0:
        raise FrameError("empty_frame", "empty payload: a frame must carry at least 1 byte of JSON")
    if len(payload) > max_frame_bytes:
        raise FrameError(
            "frame_too_large",
            f"the payload is {len(payload)} bytes, above the limit of {max_frame_bytes}; "
            "send less per call, for example by splitting a batch",
        )
    return struct.pack(">I", len(payload)) + payload


class FrameDecoder:
    """Splits a byte stream into frame payloads, however the bytes were cut into reads.

    `feed` returns every whole payload the buffered bytes now hold. At a bad length prefix it stops:
    `error` becomes a FrameError, the payloads before it are still returned, and nothing after it
    ever is, because the stream can no longer be split into frames.
    """

    def __init__(self, max_frame_bytes=MAX_FRAME_BYTES):
        self.max_frame_bytes = max_frame_bytes
        self.error = None
        self._buffer = bytearray()

    @property
    def leftover_bytes(self):
        return len(self._buffer)

    def feed(self, data):
        if self.error is not None:
            return []
        self._buffer += data

        payloads = []
        while len(self._buffer) >= 4:
            (length,) = struct.unpack_from(">I", self._buffer, 0)

            # Judge the prefix as soon as it is complete, without waiting for (or allocating) the payload.
            if length == 0:
                self.error = FrameError("empty_frame", "received a frame length of 0")
                break
            if length > self.max_frame_bytes:
                self.error = FrameError(
                    "frame_too_large", f"received a frame length of {length}, above the limit of {self.max_frame_bytes}"
                )
                break

            if len(self._buffer) < 4 + length:
                break
            payloads.append(bytes(self._buffer[4 : 4 + length]))
            del self._buffer[: 4 + length]
        return payloads


def encode_json(value):
    """Compact UTF-8 JSON with sorted members, like the reference processes write (SPEC section 4.6)."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":"))
        return text.encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError) as error:
        raise ValueError(
            f"cannot encode {value!r} as protocol JSON: {error}; use dicts, lists, str, int, float, bool and None"
        ) from None


# ---------------------------------------------------------------------------------------------------
# Messages (SPEC sections 5 and 6)


@dataclass
class Request:
    """One call for `Client.batch` or `Client.call_many`. With `notify=True` it is sent without an id."""

    method: str
    params: Optional[Any] = None
    notify: bool = False
    timeout_ms: Optional[int] = None
    idempotency_key: Optional[str] = None
    trace_id: Optional[str] = None
    api_key: Any = _CLIENT_KEY


def build_meta(api_key=None, timeout_ms=None, idempotency_key=None, trace_id=None):
    """Builds the `meta` object for a request and checks it against section 6 before anything is sent."""
    meta = {}
    if api_key is not None:
        if not isinstance(api_key, str):
            raise TypeError(f"api_key must be a string, not {type(api_key).__name__}")
        meta["api_key"] = api_key
    if timeout_ms is not None:
        if not _is_integer(timeout_ms) or timeout_ms < 0:
            raise ValueError(f"timeout_ms must be an integer of 0 or more (milliseconds), not {timeout_ms!r}")
        meta["timeout_ms"] = timeout_ms
    if idempotency_key is not None:
        if not isinstance(idempotency_key, str) or not 1 <= len(idempotency_key) <= MAX_IDEMPOTENCY_KEY_CODE_POINTS:
            raise ValueError(
                f"idempotency_key must be a string of 1 to {MAX_IDEMPOTENCY_KEY_CODE_POINTS} code points, "
                f"not {idempotency_key!r}"
            )
        meta["idempotency_key"] = idempotency_key
    if trace_id is not None:
        if not isinstance(trace_id, str):
            raise TypeError(f"trace_id must be a string, not {type(trace_id).__name__}")
        meta["trace_id"] = trace_id
    return meta


def build_request(method, params=None, request_id=None, meta=None, notify=False):
    """Builds a JSON-RPC 2.0 request object, or a notification (no `id` member at all) when `notify` is true."""
    if not isinstance(method, str):
        raise TypeError(f"method must be a string such as 'companies.list', not {method!r}")
    if params is not None and not isinstance(params, dict):
        raise TypeError(f"params of {method} must be a dict (named parameters), not {type(params).__name__}")

    message = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        message["params"] = params
    if not notify:
        message["id"] = request_id
    if meta:
        message["meta"] = meta
    return message


def _is_integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_request_id(value):
    return isinstance(value, str) or _is_integer(value)


# ---------------------------------------------------------------------------------------------------
# The client


class PendingCall:
    """A call that was sent and whose reply has not arrived yet. `result()` waits for it."""

    def __init__(self, client, request_id, method, timeout_ms):
        self.id = request_id
        self.method = method
        self.timeout_ms = timeout_ms
        self._client = client
        self._future = Future()
        # Whether the call takes a place in the client's in-flight window. rpc.cancel takes none, so a
        # full window never delays a cancel.
        self._counted = method != "rpc.cancel"
        self._message = None
        self._frame_length = None

    def done(self):
        return self._future.done()

    def result(self, wait=None):
        """Returns the call's result or raises its MeshError.

        Waits at most `wait` seconds; by default `timeout_ms` plus a short grace, or without limit when
        the call has no budget. A call given up on locally is cancelled on the server with
        `rpc.cancel` and reported as DEADLINE_EXCEEDED.
        """
        if wait is None and self.timeout_ms is not None:
            wait = self.timeout_ms / 1000 + LOCAL_GRACE_SECONDS
        try:
            return self._future.result(wait)
        except FutureTimeout:
            pass

        self._client._abandon(self.id)
        if self._future.done():
            return self._future.result()
        raise MeshError.local(
            "DEADLINE_EXCEEDED",
            f"no reply to {self.method} (id {self.id!r}) within {wait} s; rpc.cancel was sent for it, "
            "so retry and wait longer (a larger wait, or a larger timeout_ms, which sets the wait when given)",
            details={"method": self.method, "id": self.id, "source": "client"},
        )

    def outcome(self, wait=None):
        """Like `result`, but returns the MeshError instead of raising it."""
        try:
            return self.result(wait)
        except MeshError as error:
            return error

    def cancel(self):
        """Asks the server to stop this call (`rpc.cancel`); True when it was still running."""
        return self._client.cancel(self.id)


class Client:
    """One connection to a TenantMesh process, usually the gateway at `<MESH_HOME>/run/gateway.sock`.

    `api_key` goes into `meta.api_key` of every call unless a call passes its own (None sends no
    key). `default_timeout_ms`, when set, is the budget of calls that give none. At most
    `max_in_flight` calls wait for replies at once, the server's limit per connection; a call past
    that waits in the client until a reply frees a place. A call made after the connection was quiet
    for half of `idle_timeout_ms`, the server's idle timeout, goes out on a new connection, so that it
    never meets the server's idle close. A call after a connection that closed with no call waiting
    opens a new one too. The client is safe to use from several threads; close it when done, or use it in a
    `with` block.
    """

    def __init__(self, socket_path, api_key=None, *, default_timeout_ms=None, connect_timeout=5.0,
                 max_frame_bytes=None, max_in_flight=None, idle_timeout_ms=None):
        # Unset, the limits follow the environment the mesh was started with, like `mesh call`.
        if max_frame_bytes is None:
            max_frame_bytes = _limit_from_environment("MESH_MAX_FRAME_BYTES", MAX_FRAME_BYTES)
        if max_in_flight is None:
            max_in_flight = _limit_from_environment("MESH_MAX_IN_FLIGHT", MAX_IN_FLIGHT)
        if idle_timeout_ms is None:
            idle_timeout_ms = _limit_from_environment("MESH_IDLE_TIMEOUT_MS", IDLE_TIMEOUT_MS)
        if not _is_integer(max_in_flight) or max_in_flight < 1:
            raise ValueError(f"max_in_flight must be a whole number of at least 1, not {max_in_flight!r}")
        if not _is_integer(idle_timeout_ms) or idle_timeout_ms < 1:
            raise ValueError(f"idle_timeout_ms must be a whole number of milliseconds, at least 1, not {idle_timeout_ms!r}")
        self.socket_path = socket_path
        self.api_key = api_key
        self.default_timeout_ms = default_timeout_ms
        self.max_frame_bytes = max_frame_bytes
        self.max_in_flight = max_in_flight
        self.idle_timeout_ms = idle_timeout_ms
        self.connect_timeout = connect_timeout
        # Connections this client opened, counting the first and each one that replaced a quiet one.
        self.connections_opened = 0
        # Free places in the in-flight window. A send takes all the places it needs at once, so two
        # batches waiting for room can never each hold part of the window.
        self._window_free = max_in_flight
        self._window_changed = threading.Condition()
        # Calls the server refused for its in-flight limit, to send again as places free up.
        self._resend = []

        # Responses that matched no call of this client, in arrival order. Id-null rejections (section
        # 5.5) and connection-level error frames (section 5.6) are stored as MeshError, others as received.
        self.unmatched = []

        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._pending = {}
        self._abandoned = set()
        self._next_id = 1
        self._closed_error = None
        # Set when the connection ended with no call waiting, as at the server's idle close, so that the
        # next call opens a new one instead of failing: nothing was cut off.
        self._ended_quiet = False
        self._closing = False

        self._sock = self._connect()
        self._last_traffic = time.monotonic()
        self._reader = self._start_reader(self._sock)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # -- calls ---------------------------------------------------------------------------------------

    def call(self, method, params=None, *, timeout_ms=None, idempotency_key=None, trace_id=None,
             api_key=_CLIENT_KEY):
        """Sends one request and waits for its reply: returns `result`, or raises MeshError."""
        return self.start(method, params, timeout_ms=timeout_ms, idempotency_key=idempotency_key,
                          trace_id=trace_id, api_key=api_key).result()

    def start(self, method, params=None, *, timeout_ms=None, idempotency_key=None, trace_id=None,
              api_key=_CLIENT_KEY):
        """Sends one request without waiting; returns a PendingCall to collect the reply later."""
        request = Request(method, params, False, timeout_ms, idempotency_key, trace_id, api_key)
        pending, message = self._prepare(request)
        self._send_messages(message, [pending])
        return pending

    def notify(self, method, params=None, *, timeout_ms=None, idempotency_key=None, trace_id=None,
               api_key=_CLIENT_KEY):
        """Sends a notification: the server runs it and does not reply unless the message itself is invalid."""
        request = Request(method, params, True, timeout_ms, idempotency_key, trace_id, api_key)
        _, message = self._prepare(request)
        self._send_messages(message, [])

    def call_many(self, requests):
        """Sends every request as its own frame before waiting for any reply (pipelining).

        Returns one entry per request, in the order given: the result, the MeshError, or None for a
        notification. Replies may arrive in any order; they are matched by id.
        """
        prepared = [self._prepare(request) for request in requests]
        # Each frame goes out as soon as the in-flight window has room for it. When the connection
        # closes on the way, the requests sent before keep their own outcomes, so the caller can tell
        # which were acknowledged. This one and the rest get the error that closed it.
        failure = None
        failed_at = len(prepared)
        for index, (pending, message) in enumerate(prepared):
            try:
                self._send_messages(message, [pending] if pending is not None else [])
            except MeshError as error:
                failure, failed_at = error, index
                break
        outcomes = []
        for index, (pending, _) in enumerate(prepared):
            if pending is None:
                outcomes.append(None)
            elif index >= failed_at:
                outcomes.append(failure)
            else:
                outcomes.append(pending.outcome())
        return outcomes

    def batch(self, requests):
        """Sends the requests as one JSON-RPC batch (one frame containing an array).

        Returns one entry per request, in the order given: the result, the MeshError, or None for a
        notification. The server may run the members concurrently.
        """
        if not requests:
            raise ValueError("a batch needs at least one request; the server rejects an empty batch")
        if len(requests) > MAX_BATCH:
            raise ValueError(
                f"a batch contains at most {MAX_BATCH} requests, not {len(requests)}; split it into several batches"
            )
        if len(requests) > self.max_in_flight:
            raise ValueError(
                f"a batch of {len(requests)} requests is more than max_in_flight ({self.max_in_flight}) of this "
                "client; split it into smaller batches"
            )

        prepared = [self._prepare(request) for request in requests]
        calls = [pending for pending, _ in prepared if pending is not None]
        self._send_messages([message for _, message in prepared], calls)
        return [pending.outcome() if pending is not None else None for pending, _ in prepared]

    def cancel(self, request_id):
        """Sends `rpc.cancel` for an earlier request on this connection; True when it was stopped."""
        # The server replies to rpc.cancel at once, so the budget only bounds the wait for a server
        # that has stopped replying.
        result = self.call("rpc.cancel", {"id": request_id}, api_key=None, timeout_ms=CANCEL_TIMEOUT_MS)
        cancelled = isinstance(result, dict) and result.get("cancelled") is True
        if cancelled:
            # The request's own CANCELLED reply may come before or after this result (section 9.4). Fail
            # its caller now, and take that reply when it comes instead of filing it under `unmatched`.
            self._settle(request_id, error=MeshError.local(
                "CANCELLED", f"request {request_id!r} was cancelled by this client", details={"id": request_id}
            ), expect_late_reply=True)
        return cancelled

    def export_company(self, company_id=None, *, page_bytes=None, timeout_ms=None):
        """Returns a company's whole data export, read page by page with `companies.exportPage`.

        Works for exports of any size. `company_id` may be left out with a user's key; `page_bytes` is
        the size each page stops short of. The result has the shape `companies.export` returns.
        """
        document = {}
        cursor = None
        while True:
            params = {}
            if company_id is not None:
                params["company_id"] = company_id
            if cursor is not None:
                params["cursor"] = cursor
            if page_bytes is not None:
                params["page_bytes"] = page_bytes
            reply = self.call("companies.exportPage", params, timeout_ms=timeout_ms)
            merge_export_page(reply.get("page", {}), document)
            cursor = reply.get("next_cursor")
            if cursor is None:
                return document

    def describe(self, schemas=True):
        """Returns the process's `rpc.describe`: protocol version, limits and methods with their schemas.

        With `schemas=False` each method has `param_names` instead of its schemas (section 9.3).
        """
        return self.call("rpc.describe", None if schemas else {"schemas": False}, api_key=None)

    def close(self):
        """Closes the connection; calls still waiting fail with CANCELLED."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            sock, reader = self._sock, self._reader
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        if threading.current_thread() is not reader:
            reader.join()
        sock.close()

    # -- the connection ------------------------------------------------------------------------------

    def _connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.connect_timeout)
            sock.connect(self.socket_path)
            sock.settimeout(None)
        except OSError as error:
            sock.close()
            raise MeshError.local(
                "UNAVAILABLE",
                f"could not connect to {self.socket_path}: {error.strerror or error}; "
                "check that the mesh is running (`mesh up`) and that MESH_HOME points at its home folder",
                details={"socket_path": self.socket_path},
            ) from None
        self.connections_opened += 1
        return sock

    def _start_reader(self, sock):
        reader = threading.Thread(target=self._read_loop, args=(sock,), name=f"tenantmesh-reader {self.socket_path}",
                                  daemon=True)
        reader.start()
        return reader

    def _replace_if_quiet(self):
        """Opens a new connection in place of one quiet for half the idle timeout, before a call goes out.

        The server closes a connection quiet for its idle timeout, and a request written just as it does
        is lost with the connection. Only a connection with no call waiting is replaced, so nothing is
        cut off. A connection that closed with no call waiting (the server's idle close, whatever its
        timeout) is replaced too, and when the new one cannot be opened, the call fails with the reason.
        A live quiet connection stays in use instead.
        """
        if not self._quiet_enough() and not self._ended_quiet:
            return
        with self._send_lock:
            with self._lock:
                ended = self._closed_error is not None
                busy = self._pending or self._resend or self._closing or (ended and not self._ended_quiet)
                if busy or not (ended or self._quiet_enough()):
                    return
            try:
                sock = self._connect()
            except MeshError:
                if ended:
                    raise
                return
            with self._lock:
                if self._closing:
                    sock.close()
                    return
                old_sock, old_reader = self._sock, self._reader
                self._sock = sock
                self._reader = self._start_reader(sock)
                self._last_traffic = time.monotonic()
                self._closed_error = None
                self._ended_quiet = False

        # The old reader sees its socket replaced and ends without failing any call.
        try:
            old_sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        old_reader.join()
        old_sock.close()

    def _quiet_enough(self):
        return (time.monotonic() - self._last_traffic) * 1000 >= self.idle_timeout_ms / 2

    # -- sending -------------------------------------------------------------------------------------

    def _prepare(self, request):
        """Checks a Request and registers its id; returns (PendingCall or None, request object)."""
        key = self.api_key if request.api_key is _CLIENT_KEY else request.api_key
        timeout_ms = request.timeout_ms if request.timeout_ms is not None else self.default_timeout_ms
        meta = build_meta(key, timeout_ms, request.idempotency_key, request.trace_id)
        if request.notify:
            return None, build_request(request.method, request.params, meta=meta, notify=True)

        with self._lock:
            request_id = self._next_id
            self._next_id += 1
        message = build_request(request.method, request.params, request_id, meta)
        pending = PendingCall(self, request_id, request.method, timeout_ms)
        # Kept to send the request again if the server refuses it for its in-flight limit.
        pending._message = message
        return pending, message

    def _send_messages(self, message, calls):
        payload = encode_json(message)
        # Kept so that a server refusing the frame for its length (section 5.6) names these calls.
        for pending in calls:
            pending._frame_length = len(payload)
        self._send_bytes(encode_frame(payload, self.max_frame_bytes), calls)

    def _send_bytes(self, data, calls):
        # Take the calls' places in the window first; a reply or a closed connection frees places. A call
        # with a budget waits for a place no longer than that budget.
        counted = [pending for pending in calls if pending._counted]
        budgets = [pending.timeout_ms for pending in counted if pending.timeout_ms is not None]
        self._replace_if_quiet()
        self._take_places(len(counted), min(budgets) if budgets else None, calls)

        # Register before sending: the reply may arrive before sendall returns.
        with self._lock:
            closed = self._closed_error
            if closed is None:
                for pending in calls:
                    self._pending[pending.id] = pending
        if closed is not None:
            # The request never left this client, so unlike the calls the close cut off, it was not applied.
            self._give_places(len(counted))
            message = (f"the connection closed before this call was sent, so it was not applied; open a new "
                       f"Client and send it there (the close: {closed.message})")
            raise MeshError(closed.status, closed.code, message, closed.retryable, closed.retry_after_ms,
                            closed.details, closed.data)

        try:
            with self._send_lock:
                self._sock.sendall(data)
                self._last_traffic = time.monotonic()
        except OSError as error:
            # A server that refuses a connection sends its reason, then closes (section 5.6), and a
            # write after the close fails. The reader still reads that reason, so give it a moment.
            self._reader.join(timeout=1.0)
            with self._lock:
                closed = self._closed_error
            failure = closed or MeshError.local(
                "UNAVAILABLE",
                f"could not send to {self.socket_path}: {error.strerror or error}; the connection is closed, "
                "open a new Client and retry",
            )
            for pending in calls:
                self._settle(pending.id, error=failure)
            raise failure from None

    def _abandon(self, request_id):
        """Stops waiting for a call: drops it and its late reply, and cancels it on the server."""
        with self._lock:
            pending = self._pending.pop(request_id, None)
            if pending is None:
                return
            self._abandoned.add(request_id)
        self._free(pending)
        # The request still gets exactly one reply, its result or CANCELLED (section 9.4), which
        # `_deliver` recognises as late by `_abandoned`.
        try:
            self.start("rpc.cancel", {"id": request_id}, api_key=None)
        except MeshError:
            return

    # -- receiving -----------------------------------------------------------------------------------

    def _read_loop(self, sock):
        decoder = FrameDecoder(max(self.max_frame_bytes, MAX_REPLY_FRAME_BYTES))
        last_orphan = None
        failure = None
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                self._last_traffic = time.monotonic()
                for payload in decoder.feed(data):
                    last_orphan = self._handle_payload(payload)
                if decoder.error is not None:
                    failure = MeshError.local("INTERNAL", f"the server broke the framing rules: {decoder.error}")
                    break
        except OSError as error:
            # A reset right after an id-null error frame is that frame's close (section 5.6).
            message = f"reading from {self.socket_path} failed: {error.strerror or error}; reconnect and retry"
            failure = last_orphan or MeshError.local("UNAVAILABLE", message)
        except Exception as error:  # a bug or a malformed reply must not leave callers waiting forever
            failure = MeshError.local("INTERNAL", f"the reply could not be handled: {error!r}")

        with self._lock:
            replaced = sock is not self._sock
        if replaced:
            # A quiet connection closed by `_replace_if_quiet`, with no call waiting on it.
            return
        with self._lock:
            # The server closes an idle connection with a plain end of stream, without an error frame.
            # Such an end while no call waited cut nothing off.
            plain_end = failure is None and last_orphan is None
            self._ended_quiet = plain_end and not self._pending and not self._closing
        if self._closing:
            failure = MeshError.local("CANCELLED", "the client was closed before the reply came")
        elif failure is None:
            # An id-null error frame right before end of stream explains the close (section 5.6).
            failure = last_orphan or MeshError.local(
                "UNAVAILABLE",
                f"the connection to {self.socket_path} closed before the reply came; reconnect and retry "
                "(a write may have been applied, so retry it with the same idempotency key)",
            )
        if failure.status == "INVALID_REQUEST" and not self._closing:
            self._fail_oversized(failure)
            # A bad length prefix stops the server after it read the frames before it (section 5.6),
            # so the calls waiting may have been applied: their outcome is unknown, not rejected.
            failure = MeshError.local(
                "UNAVAILABLE",
                f"the server closed the connection to {self.socket_path} ({failure.message}) before the reply "
                "came; the request may or may not have been applied, so retry a write with the same "
                "idempotency key",
                details={"cause": "INVALID_REQUEST"},
            )
        self._fail_all(failure)

    def _handle_payload(self, payload):
        """Delivers one frame's responses; returns the MeshError when the frame was an id-null error."""
        try:
            message = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise ValueError(f"the server sent a frame that is not JSON ({error}): {payload[:200]!r}") from None

        if isinstance(message, list):
            for response in message:
                self._deliver(response)
            return None
        return self._deliver(message)

    def _deliver(self, response):
        if not isinstance(response, dict) or ("result" not in response and "error" not in response):
            self.unmatched.append(response)
            return None

        request_id = response.get("id")
        error = MeshError.from_error_object(response["error"]) if "error" in response else None
        if request_id is None:
            self.unmatched.append(error if error is not None else response)
            return error

        if error is not None and _is_request_id(request_id) and self._resend_rejected(request_id, error):
            return None
        if _is_request_id(request_id) and self._settle(request_id, response.get("result"), error):
            return None

        # The late reply of a call given up on locally is expected; anything else is worth keeping.
        with self._lock:
            late = _is_request_id(request_id) and request_id in self._abandoned
            if late:
                self._abandoned.discard(request_id)
        if not late:
            self.unmatched.append(response)
        return None

    def _settle(self, request_id, result=None, error=None, expect_late_reply=False):
        """Completes the call waiting for `request_id`. Returns False when no call was waiting for it.

        With `expect_late_reply`, a reply for that id arriving later is taken as the call's own.
        """
        with self._lock:
            pending = self._pending.pop(request_id, None)
            if pending is not None and expect_late_reply:
                self._abandoned.add(request_id)
        if pending is None:
            return False
        self._free(pending)
        if error is not None:
            pending._future.set_exception(error)
        else:
            pending._future.set_result(result)
        return True

    def _fail_oversized(self, failure):
        """Fails the calls of the frame the server rejected for its length. It read none of that frame,
        so they were not applied, and sending them again would fail the same way."""
        details = failure.details or {}
        length, limit = details.get("length"), details.get("limit")
        if not _is_integer(length) or not _is_integer(limit):
            return
        with self._lock:
            rejected = [p for p in self._pending.values() if p._frame_length == length]
            for pending in rejected:
                del self._pending[pending.id]
        for pending in rejected:
            self._free(pending)
            pending._future.set_exception(MeshError.local(
                "INVALID_REQUEST",
                f"the request is {length} bytes, more than the frame limit of {limit} of {self.socket_path}, so "
                f"the server read none of it and nothing was applied; send less, or set "
                f"MESH_MAX_FRAME_BYTES={limit} for this client too, which refuses such a request before sending it",
                details={"length": length, "limit": limit},
            ))

    def _fail_all(self, failure):
        with self._lock:
            self._closed_error = failure
            waiting = list(self._pending.values())
            self._pending.clear()
        for pending in waiting:
            self._free(pending)
            pending._future.set_exception(failure)

    def _free(self, pending):
        """Gives back the window place of a call that is no longer waiting."""
        if not pending._counted:
            return
        with self._window_changed:
            # A call waiting to be sent again takes no place.
            if pending in self._resend:
                self._resend.remove(pending)
                return
        self._give_places(1)

    def _resend_rejected(self, request_id, error):
        """Sends a request again that the server rejected for its in-flight limit, which it did not run.
        The client narrows its window to the server's limit and resends when a place is free. Returns
        False for any other error."""
        details = error.details or {}
        limit = details.get("limit")
        if error.status != "RESOURCE_EXHAUSTED" or details.get("reason") != "in_flight" or not _is_integer(limit):
            return False
        with self._lock:
            pending = self._pending.get(request_id)
        if pending is None or pending._message is None:
            return False

        with self._window_changed:
            if 1 <= limit < self.max_in_flight:
                self._window_free -= self.max_in_flight - limit
                self.max_in_flight = limit
            self._resend.append(pending)
        # The refused call gives its place back; the resend takes one when there is room.
        self._give_places(1)
        return True

    def _take_places(self, count, budget_ms, calls):
        if count == 0:
            return
        with self._window_changed:
            wait = None if budget_ms is None else budget_ms / 1000
            if self._window_changed.wait_for(lambda: self._window_free >= count, timeout=wait):
                self._window_free -= count
                return
        method = calls[0].method if calls else "the call"
        raise MeshError.local(
            "DEADLINE_EXCEEDED",
            f"{method} waited {budget_ms} ms, its timeout_ms, for one of this connection's {self.max_in_flight} "
            "places for requests in flight and was never sent; retry when replies have come back",
            details={"method": method, "source": "client"},
        )

    def _give_places(self, count):
        if count == 0:
            return
        ready = []
        with self._window_changed:
            self._window_free += count
            while self._resend and self._window_free > 0:
                self._window_free -= 1
                ready.append(self._resend.pop(0))
            self._window_changed.notify_all()
        for pending in ready:
            try:
                with self._send_lock:
                    self._sock.sendall(encode_frame(encode_json(pending._message), self.max_frame_bytes))
            except OSError:
                pass  # the reader sees the closed connection and fails every waiting call


def merge_export_page(page, document):
    """Adds one page of `companies.exportPage` to `document`: lists get the page's rows appended,
    objects are merged member by member, and other members are taken from the page."""
    for name, value in page.items():
        earlier = document.get(name)
        if isinstance(earlier, list) and isinstance(value, list):
            earlier.extend(value)
        elif isinstance(earlier, dict) and isinstance(value, dict):
            merge_export_page(value, earlier)
        else:
            document[name] = value


def gateway_socket(home=None):
    """Returns the gateway's socket path in a mesh home folder (MESH_HOME, or ./.mesh when unset or empty)."""
    home = home or os.environ.get("MESH_HOME") or ".mesh"
    return os.path.join(home, "run", "gateway.sock")


def read_root_key(home=None):
    """Reads the root API key that a mesh stores in `<home>/root.key`."""
    home = home or os.environ.get("MESH_HOME") or ".mesh"
    path = os.path.join(home, "root.key")
    try:
        with open(path, encoding="utf-8") as file:
            return file.read().strip()
    except OSError as error:
        raise MeshError.local(
            "UNAUTHENTICATED",
            f"could not read the root key at {path}: {error.strerror or error}; "
            "start the mesh with `mesh up` or point MESH_HOME at its home folder",
            details={"path": path},
        ) from None
