"""Checks tenantmesh.py against a running mesh: framing, calls, errors, pipelining, batches, deadlines.

Needs a running mesh. MESH_HOME names its home folder (default ./.mesh); MESH_GATEWAY_SOCKET may name
the gateway socket directly (default <MESH_HOME>/run/gateway.sock). The root key is read from
<MESH_HOME>/root.key. Exits with status 0 when every check passes.

    MESH_HOME=/tmp/py-home python3 protocol/clients/python/test_client.py -v
"""

import collections
import json
import os
import socket
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
# Importing tenantmesh from here should leave no __pycache__ folder in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

import tenantmesh  # noqa: E402
from tenantmesh import Client, FrameDecoder, MeshError, Request  # noqa: E402

HOME = os.environ.get("MESH_HOME") or ".mesh"
SOCKET = os.environ.get("MESH_GATEWAY_SOCKET") or tenantmesh.gateway_socket(HOME)
VECTORS = os.path.join(HERE, "..", "..", "vectors")

# Several checks provision companies; a per-run suffix keeps names and addresses unique.
RUN = format(time.time_ns(), "x")


def unique(label):
    unique.counter += 1
    return f"{label} {RUN}-{unique.counter}"


unique.counter = 0


def read_frame(sock, decoder, pending):
    """The next whole payload from a raw socket, or None at end of stream."""
    while not pending:
        data = sock.recv(65536)
        if not data:
            return None
        pending.extend(decoder.feed(data))
        if decoder.error is not None:
            raise AssertionError(f"the server broke the framing rules: {decoder.error}")
    return pending.popleft()


class FramingTests(unittest.TestCase):
    """The client's framing against the protocol's golden vectors, no server needed."""

    def test_frame_vectors_any_split(self):
        with open(os.path.join(VECTORS, "frames.json"), encoding="utf-8") as file:
            cases = json.load(file)["cases"]
        self.assertGreater(len(cases), 0)

        for case in cases:
            data = bytes.fromhex(case["input_hex"])
            expected = case["expected"]
            for chunks in ([data], [data[i : i + 1] for i in range(len(data))]):
                with self.subTest(case=case["name"], reads=len(chunks)):
                    decoder = FrameDecoder(case["max_frame_bytes"])
                    payloads = []
                    for chunk in chunks:
                        payloads.extend(decoder.feed(chunk))
                    self.assertEqual([p.decode("utf-8") for p in payloads], expected["payloads"])
                    if "error" in expected:
                        self.assertIsNotNone(decoder.error)
                        self.assertEqual(decoder.error.kind, expected["error"])
                    else:
                        self.assertIsNone(decoder.error)
                        self.assertEqual(decoder.leftover_bytes, expected["leftover_bytes"])

    def test_worked_example_request_bytes(self):
        meta = tenantmesh.build_meta(timeout_ms=2000)
        message = tenantmesh.build_request("rpc.ping", request_id=7, meta=meta)
        frame = tenantmesh.encode_frame(tenantmesh.encode_json(message))
        self.assertEqual(
            frame.hex(),
            "000000477b226964223a372c226a736f6e727063223a22322e30222c226d657461223a7b2274696d656f75745f6d73223a"
            "323030307d2c226d6574686f64223a227270632e70696e67227d",
        )

    def test_error_without_data_uses_code(self):
        error = MeshError.from_error_object({"code": -32601, "message": "Method not found"})
        self.assertEqual(error.status, "METHOD_NOT_FOUND")
        self.assertFalse(error.retryable)

        unknown = MeshError.from_error_object(
            {"code": -32099, "message": "new", "data": {"status": "SOMETHING_NEW", "retryable": True}}
        )
        self.assertEqual(unknown.status, "INTERNAL")
        self.assertTrue(unknown.retryable)
        self.assertEqual(unknown.data["status"], "SOMETHING_NEW")


class HoldingServer:
    """A one-connection server on a Unix socket that replies only to rpc.cancel and marker.

    `marker` gets its reply at once, which shows that every frame sent before it was read. For
    `rpc.cancel` of a waiting request it sends `{"cancelled": true}` first and the request's CANCELLED
    error after it, one of the two orders section 9.4 allows and the one no live mesh request is slow
    enough to show.
    """

    def __init__(self, folder):
        self.path = os.path.join(folder, "holding.sock")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.path)
        self._listener.listen(1)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self):
        self._listener.close()

    def _serve(self):
        connection, _ = self._listener.accept()
        decoder = FrameDecoder(tenantmesh.MAX_FRAME_BYTES)
        pending = collections.deque()
        with connection:
            while True:
                payload = read_frame(connection, decoder, pending)
                if payload is None:
                    return
                request = json.loads(payload)
                if request.get("method") == "marker":
                    marker = {"jsonrpc": "2.0", "id": request["id"], "result": "done"}
                    connection.sendall(tenantmesh.encode_frame(tenantmesh.encode_json(marker)))
                    continue
                if request.get("method") != "rpc.cancel":
                    continue
                target = request["params"]["id"]
                cancelled = {"code": -32004, "message": "cancelled", "data": {"status": "CANCELLED", "retryable": False}}
                answer = {"jsonrpc": "2.0", "id": request["id"], "result": {"cancelled": True}}
                connection.sendall(tenantmesh.encode_frame(tenantmesh.encode_json(answer)))
                # Late enough for the client to have acted on the cancel result before the reply arrives.
                time.sleep(0.1)
                reply = {"jsonrpc": "2.0", "id": target, "error": cancelled}
                connection.sendall(tenantmesh.encode_frame(tenantmesh.encode_json(reply)))


class CancelOrderTests(unittest.TestCase):
    """The client against a stand-in server that sends a cancelled request's reply last."""

    def setUp(self):
        import tempfile

        self.folder = tempfile.mkdtemp(prefix="py-hold-")
        self.server = HoldingServer(self.folder)
        self.client = Client(self.server.path, max_in_flight=8)

    def tearDown(self):
        self.client.close()
        self.server.close()
        os.unlink(self.server.path)
        os.rmdir(self.folder)

    def test_late_cancelled_reply_is_not_unmatched(self):
        call = self.client.start("slow.method", {})

        self.assertTrue(call.cancel())
        self.assertEqual(call.outcome(wait=5).status, "CANCELLED")
        # The CANCELLED reply came right after the cancel result, so the marker's reply follows it.
        self.assertEqual(self.client.call("marker", {}, timeout_ms=5000), "done")
        self.assertEqual(self.client.unmatched, [])

    def test_full_window_keeps_to_the_budget(self):
        for _ in range(8):
            self.client.start("slow.method", {})

        with self.assertRaises(MeshError) as raised:
            self.client.call("slow.method", {}, timeout_ms=300)

        self.assertEqual(raised.exception.status, "DEADLINE_EXCEEDED")
        self.assertEqual(raised.exception.details.get("source"), "client")
        self.assertIn("was never sent", raised.exception.message)


class SmallFrameServer:
    """A one-connection server whose frame limit is 1,000 bytes: a longer length prefix gets the id-null
    INVALID_REQUEST frame of section 5.6, with the length and the limit, and the connection is closed."""

    limit = 1000

    def __init__(self, folder):
        self.path = os.path.join(folder, "small.sock")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.path)
        self._listener.listen(1)
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self):
        self._listener.close()

    def _serve(self):
        connection, _ = self._listener.accept()
        with connection:
            length = int.from_bytes(connection.recv(4, socket.MSG_WAITALL), "big")
            error = {"code": -32600, "message": f"frame length {length} exceeds the maximum of {self.limit} bytes",
                     "data": {"status": "INVALID_REQUEST", "retryable": False,
                              "details": {"length": length, "limit": self.limit}}}
            frame = {"jsonrpc": "2.0", "id": None, "error": error}
            connection.sendall(tenantmesh.encode_frame(tenantmesh.encode_json(frame)))
            connection.shutdown(socket.SHUT_WR)
            time.sleep(0.2)


class OversizedRequestTests(unittest.TestCase):
    """A request over the server's frame limit fails alone, as not applied, naming the limit."""

    def test_oversized_request_names_the_limit(self):
        import tempfile

        folder = tempfile.mkdtemp(prefix="py-small-")
        server = SmallFrameServer(folder)
        client = Client(server.path)
        try:
            with self.assertRaises(MeshError) as raised:
                client.call("issues.create", {"title": "x" * 2000}, timeout_ms=5000)
        finally:
            client.close()
            server.close()
            os.unlink(server.path)
            os.rmdir(folder)

        self.assertEqual(raised.exception.status, "INVALID_REQUEST")
        self.assertFalse(raised.exception.retryable)
        self.assertEqual(raised.exception.details.get("limit"), 1000)
        self.assertIn("nothing was applied", raised.exception.message)


class GatewayTests(unittest.TestCase):
    """Calls through a live gateway."""

    @classmethod
    def setUpClass(cls):
        cls.root_key = tenantmesh.read_root_key(HOME)
        cls.root = Client(SOCKET, api_key=cls.root_key)

    @classmethod
    def tearDownClass(cls):
        cls.root.close()

    def tearDown(self):
        self.assertEqual(self.root.unmatched, [], "the gateway sent replies that answered no call")

    def provision(self, label, **meta):
        name = unique(label)
        # Provisioning needs a key; a test that repeats one passes its own.
        meta.setdefault("idempotency_key", f"provision-{name}")
        params = {
            "name": name,
            "admin_email": f"admin-{RUN}-{unique.counter}@example.com",
            "admin_name": f"Admin of {name}",
            "tier": "basic",
        }
        return params, self.root.call("companies.provision", params, timeout_ms=10_000, **meta)

    def test_ping_every_process(self):
        self.assertEqual(self.root.call("rpc.ping"), "pong")
        for service in ("tenancy", "billing", "analytics", "notification"):
            with self.subTest(service=service):
                self.assertEqual(self.root.call("rpc.ping", {"service": service}, timeout_ms=5000), "pong")

    def test_describe_limits_and_schema(self):
        described = self.root.describe()
        self.assertEqual(described["protocol"], tenantmesh.PROTOCOL)
        self.assertEqual(described["limits"]["max_frame_bytes"], tenantmesh.MAX_FRAME_BYTES)
        self.assertEqual(described["limits"]["max_batch"], tenantmesh.MAX_BATCH)

        methods = {method["name"]: method for method in described["methods"]}
        provision = methods["companies.provision"]
        self.assertEqual(provision["scope"], "root")
        self.assertTrue(set(provision["params"].get("required", [])) <= {"name", "admin_email", "admin_name", "tier"})

    def test_describe_without_schemas(self):
        described = self.root.describe(schemas=False)

        methods = {method["name"]: method for method in described["methods"]}
        provision = methods["companies.provision"]
        self.assertEqual(provision["param_names"], ["admin_email", "admin_name", "name", "tier"])
        self.assertNotIn("params", provision)
        self.assertNotIn("result", provision)

    def test_provision_then_list(self):
        params, result = self.provision("Python Rockets")
        company_id = result["company"]["company_id"]
        self.assertIsInstance(company_id, str)
        self.assertEqual(result["company"]["name"], params["name"])

        listed = self.root.call("companies.list", {"limit": 200}, timeout_ms=5000)
        self.assertIn(company_id, [company["company_id"] for company in listed["companies"]])

    def test_export_in_pages_matches_the_whole_export(self):
        _, result = self.provision("Python Export")
        company_id = result["company"]["company_id"]

        paged = self.root.export_company(company_id, page_bytes=1024, timeout_ms=10_000)
        whole = self.root.call("companies.export", {"company_id": company_id}, timeout_ms=10_000)

        self.assertEqual(paged["company"]["company_id"], company_id)
        for name in ("users", "invitations", "api_keys", "audit", "workspace"):
            self.assertEqual(paged[name], whole[name], name)
        self.assertEqual(set(paged), set(whole))

    def test_provision_idempotent_repeat(self):
        key = f"provision-{RUN}"
        params, first = self.provision("Python Once", idempotency_key=key)
        again = self.root.call("companies.provision", params, timeout_ms=10_000, idempotency_key=key)
        self.assertEqual(again["company"]["company_id"], first["company"]["company_id"])

        changed = dict(params, name=params["name"] + " changed")
        with self.assertRaises(MeshError) as caught:
            self.root.call("companies.provision", changed, timeout_ms=10_000, idempotency_key=key)
        self.assertEqual(caught.exception.status, "ALREADY_EXISTS")

    def test_unknown_method_not_found(self):
        with self.assertRaises(MeshError) as caught:
            self.root.call("companies.fly", {}, timeout_ms=5000)
        error = caught.exception
        self.assertEqual(error.status, "METHOD_NOT_FOUND")
        self.assertEqual(error.code, -32601)
        self.assertFalse(error.retryable)
        self.assertTrue(error.message)

    def test_missing_key_unauthenticated(self):
        with Client(SOCKET) as anonymous:
            with self.assertRaises(MeshError) as caught:
                anonymous.call("companies.list", timeout_ms=5000)
            self.assertEqual(caught.exception.status, "UNAUTHENTICATED")
            self.assertEqual(caught.exception.code, -32001)

            # Built-in methods need no key.
            self.assertEqual(anonymous.call("rpc.ping"), "pong")

    def test_zero_budget_deadline_exceeded(self):
        with self.assertRaises(MeshError) as caught:
            self.root.call("companies.list", timeout_ms=0)
        error = caught.exception
        self.assertEqual(error.status, "DEADLINE_EXCEEDED")
        self.assertEqual(error.code, -32005)
        self.assertTrue(error.retryable)
        self.assertIsNone(error.details.get("source"), "the server, not the client, should have answered")

    def test_call_many_twenty_in_flight(self):
        methods = ["rpc.ping", "rpc.health", "companies.list", "rpc.describe", "companies.nope"]
        requests = [Request(methods[i % len(methods)], timeout_ms=10_000) for i in range(20)]

        outcomes = self.root.call_many(requests)

        self.assertEqual(len(outcomes), 20)
        for request, outcome in zip(requests, outcomes):
            if request.method == "companies.nope":
                self.assertIsInstance(outcome, MeshError)
                self.assertEqual(outcome.status, "METHOD_NOT_FOUND")
            elif request.method == "rpc.ping":
                self.assertEqual(outcome, "pong")
            else:
                self.assertNotIsInstance(outcome, MeshError, f"{request.method} failed: {outcome}")
                self.assertIsInstance(outcome, dict)

    def test_call_many_after_close_returns_errors(self):
        # A connection that closes on the way fails what was not sent, without losing the list.
        client = Client(SOCKET, api_key=self.root_key, default_timeout_ms=10_000)
        try:
            self.assertEqual(client.call("rpc.ping"), "pong")
            client._sock.shutdown(socket.SHUT_RDWR)
            client._reader.join(timeout=10)
            # The client opens a new connection for the next call; here none can be opened.
            client.socket_path = os.path.join(HOME, "run", "no-such-process.sock")

            outcomes = client.call_many([Request("rpc.ping"), Request("rpc.ping"), Request("rpc.ping")])

            self.assertEqual(len(outcomes), 3)
            for outcome in outcomes:
                self.assertIsInstance(outcome, MeshError)
                self.assertEqual(outcome.status, "UNAVAILABLE")
        finally:
            client.close()

    def test_call_many_stays_within_the_in_flight_limit(self):
        # Four times the server's limit per connection: the rest wait in the client until replies arrive.
        requests = [Request("companies.list", {"limit": 1}, timeout_ms=30_000) for _ in range(1024)]

        outcomes = self.root.call_many(requests)

        failed = [outcome for outcome in outcomes if isinstance(outcome, MeshError)]
        self.assertEqual(failed, [], f"{len(failed)} calls failed, the first: {failed[:1]}")

    def test_concurrent_batches_share_the_window(self):
        # Two batches of 200 need 400 places of 256: each must wait for all of its places at once,
        # or both could hold part of the window and wait for each other forever.
        outcomes = []

        def send_batches():
            for _ in range(3):
                outcomes.extend(self.root.batch([Request("companies.list", {"limit": 1}, timeout_ms=30_000)] * 200))

        switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        try:
            threads = [threading.Thread(target=send_batches) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        finally:
            sys.setswitchinterval(switch_interval)

        self.assertFalse(any(thread.is_alive() for thread in threads), "a batch is still waiting for room")
        failed = [outcome for outcome in outcomes if isinstance(outcome, MeshError)]
        self.assertEqual(len(outcomes), 1200)
        self.assertEqual(failed, [], f"{len(failed)} calls failed, the first: {failed[:1]}")

    def test_window_narrows_to_a_lower_server_limit(self):
        # The client starts wider than the server's limit of 256; the server refuses the extra requests,
        # names its limit, and the client sends them again within it.
        wide = Client(SOCKET, self.root_key, max_in_flight=1024)
        try:
            outcomes = wide.call_many([Request("companies.list", {"limit": 1}, timeout_ms=30_000)] * 1024)
            failed = [outcome for outcome in outcomes if isinstance(outcome, MeshError)]
            self.assertEqual(failed, [], f"{len(failed)} calls failed, the first: {failed[:1]}")
            self.assertEqual(wide.max_in_flight, 256)
        finally:
            wide.close()

    def test_params_must_be_a_dict(self):
        with self.assertRaises(TypeError):
            self.root.call("rpc.ping", [1])

    def test_raw_pipeline_twenty_frames(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(SOCKET)
        try:
            methods = ["rpc.health", "companies.list", "rpc.ping", "rpc.describe"]
            frames = b""
            for request_id in range(1, 21):
                meta = tenantmesh.build_meta(api_key=self.root_key, timeout_ms=10_000)
                # Mix integer and string ids: each reply must carry its request's id with the same type.
                wire_id = request_id if request_id % 2 else f"s{request_id}"
                message = tenantmesh.build_request(methods[request_id % len(methods)], request_id=wire_id, meta=meta)
                frames += tenantmesh.encode_frame(tenantmesh.encode_json(message))
            sock.sendall(frames)

            decoder, pending, seen = FrameDecoder(), collections.deque(), collections.Counter()
            order = []
            while len(order) < 20:
                payload = read_frame(sock, decoder, pending)
                self.assertIsNotNone(payload, f"the connection closed after {len(order)} replies")
                reply = json.loads(payload)
                self.assertIn("result", reply, f"reply failed: {reply}")
                seen[json.dumps(reply["id"])] += 1
                order.append(reply["id"])

            expected = [json.dumps(i if i % 2 else f"s{i}") for i in range(1, 21)]
            self.assertEqual(sorted(seen), sorted(expected))
            self.assertEqual(set(seen.values()), {1}, f"some ids were answered more than once: {seen}")
            print(f"\nreply order of 20 pipelined requests: {order}", file=sys.stderr)
        finally:
            sock.close()

    def test_batch_mixed_outcomes(self):
        outcomes = self.root.batch([
            Request("rpc.ping"),
            Request("companies.list", timeout_ms=5000),
            Request("companies.nope", {}),
            Request("rpc.ping", notify=True),
            Request("companies.list", api_key=None),
        ])

        self.assertEqual(len(outcomes), 5)
        self.assertEqual(outcomes[0], "pong")
        self.assertNotIsInstance(outcomes[1], MeshError)
        self.assertIsInstance(outcomes[2], MeshError)
        self.assertEqual(outcomes[2].status, "METHOD_NOT_FOUND")
        self.assertIsNone(outcomes[3])
        self.assertIsInstance(outcomes[4], MeshError)
        self.assertEqual(outcomes[4].status, "UNAUTHENTICATED")

    def test_notification_gets_no_reply(self):
        self.root.notify("rpc.ping")
        self.root.notify("companies.nope", {})
        # A reply to either notification would land in `unmatched`, which tearDown checks. The call
        # below waits for one more round trip first, but a stray reply arriving even later would be missed.
        self.assertEqual(self.root.call("rpc.health", timeout_ms=5000)["status"], "SERVING")

    def test_cancel_unknown_id(self):
        self.assertFalse(self.root.cancel(987654321))

    def test_bad_meta_names_field(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(SOCKET)
        try:
            # The client rejects a fractional timeout_ms itself, so send this one by hand.
            payload = b'{"id":3,"jsonrpc":"2.0","meta":{"timeout_ms":1.5},"method":"rpc.ping"}'
            sock.sendall(tenantmesh.encode_frame(payload))
            reply = json.loads(read_frame(sock, FrameDecoder(), collections.deque()))

            self.assertEqual(reply["id"], 3)
            error = MeshError.from_error_object(reply["error"])
            self.assertEqual(error.status, "INVALID_REQUEST")
            self.assertEqual(error.details.get("field"), "meta.timeout_ms")
        finally:
            sock.close()

        with self.assertRaises(ValueError):
            self.root.call("rpc.ping", timeout_ms=1.5)

    def test_zero_length_frame_closes_connection(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(SOCKET)
        try:
            sock.sendall(b"\x00\x00\x00\x00")
            decoder, pending = FrameDecoder(), collections.deque()
            reply = json.loads(read_frame(sock, decoder, pending))
            self.assertIsNone(reply["id"])
            self.assertEqual(MeshError.from_error_object(reply["error"]).status, "INVALID_REQUEST")
            self.assertIsNone(read_frame(sock, decoder, pending), "the connection should close after the error frame")
        finally:
            sock.close()

    def test_error_frame_fails_client(self):
        client = Client(SOCKET)
        try:
            pending = client.start("rpc.health")
            # After a zero length prefix the gateway sends one id-null error frame and closes.
            client._send_bytes(b"\x00\x00\x00\x00", [])
            client._reader.join(30)
            self.assertFalse(client._reader.is_alive(), "the connection did not close after the error frame")

            # The health call either got its reply before the bad prefix, or its outcome is unknown: the
            # server may have run it before it read the bad prefix.
            outcome = pending.outcome(10)
            if isinstance(outcome, MeshError):
                self.assertEqual(outcome.status, "UNAVAILABLE")
                self.assertEqual(outcome.details.get("cause"), "INVALID_REQUEST")
                self.assertTrue(outcome.retryable)
            else:
                self.assertEqual(outcome["status"], "SERVING")
            self.assertEqual([error.status for error in client.unmatched], ["INVALID_REQUEST"])
            with self.assertRaises(MeshError) as caught:
                client.call("rpc.ping")
            self.assertEqual(caught.exception.status, "UNAVAILABLE")
            self.assertIn("frame length", caught.exception.message)
        finally:
            client.close()

    def test_give_up_drops_late_reply(self):
        pending = self.root.start("companies.list", timeout_ms=10_000)

        # Waiting 0 s usually gives up before the reply arrives, and the late reply must then be dropped.
        outcome = pending.outcome(wait=0)
        if isinstance(outcome, MeshError):
            self.assertEqual(outcome.status, "DEADLINE_EXCEEDED")
            self.assertEqual(outcome.details.get("source"), "client")
        else:
            self.assertIn("companies", outcome)
        self.assertEqual(self.root.call("rpc.health", timeout_ms=5000)["status"], "SERVING")

    def test_quiet_connection_replaced_before_call(self):
        # With a 400 ms idle timeout, a call after 250 ms of quiet goes out on a new connection.
        client = Client(SOCKET, idle_timeout_ms=400)
        try:
            self.assertEqual(client.call("rpc.ping"), "pong")
            self.assertEqual(client.call("rpc.ping"), "pong")
            self.assertEqual(client.connections_opened, 1)

            time.sleep(0.25)
            self.assertEqual(client.call("rpc.ping"), "pong")
            self.assertEqual(client.connections_opened, 2)
            self.assertEqual(client.unmatched, [])
        finally:
            client.close()

    def test_connection_closed_while_quiet_replaced(self):
        # A close with no call waiting, as the server's idle close under a timeout shorter than the
        # client's, leaves nothing unsure: the next call opens a new connection instead of failing.
        client = Client(SOCKET)
        try:
            self.assertEqual(client.call("rpc.ping"), "pong")
            client._sock.shutdown(socket.SHUT_RDWR)
            client._reader.join(timeout=10)

            self.assertEqual(client.call("rpc.ping"), "pong")
            self.assertEqual(client.connections_opened, 2)
        finally:
            client.close()

    def test_bad_idle_timeout_is_rejected(self):
        for value in ["2000", 0, -1, 2.5, True]:
            with self.subTest(value=value):
                with self.assertRaises(ValueError):
                    Client(SOCKET, idle_timeout_ms=value)

    def test_waiting_calls_keep_their_connection(self):
        # Half of a 2 ms idle timeout passes between most calls, but a connection with calls waiting
        # is never replaced, so each of these gets its own reply.
        client = Client(SOCKET, idle_timeout_ms=2)
        try:
            outcomes = client.call_many([Request("rpc.ping", timeout_ms=10_000) for _ in range(200)])
            self.assertEqual(outcomes, ["pong"] * 200)
            self.assertEqual(client.unmatched, [])
            self.assertGreaterEqual(client.connections_opened, 1)
        finally:
            client.close()

    def test_call_after_close_cancelled(self):
        client = Client(SOCKET)
        client.close()
        with self.assertRaises(MeshError) as caught:
            client.call("rpc.ping")
        self.assertEqual(caught.exception.status, "CANCELLED")

    def test_unreachable_socket_is_unavailable(self):
        with self.assertRaises(MeshError) as caught:
            Client(os.path.join(HOME, "run", "no-such-process.sock"))
        self.assertEqual(caught.exception.status, "UNAVAILABLE")
        self.assertTrue(caught.exception.retryable)


if __name__ == "__main__":
    unittest.main()
