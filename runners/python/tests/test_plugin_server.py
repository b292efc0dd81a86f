"""Tests of runners/python/plugin_server.py serving example_plugin.py over spec/ipc.md.

Each test starts the server as a real subprocess with the virtual environment's
Python (which has the pinned elizaos) and checks the raw protocol lines against
spec/ipc.md and spec/example-plugin.md. pytest itself need not be in that
environment: from the repository root,

    python3 -m pytest -q -p no:cacheprovider runners/python/tests

PEER_PYTHON overrides the interpreter that runs the server (default
runners/python/.venv/bin/python, built by `make runners/python/.venv/.installed`).
No test asserts a duration: waits are hang guards only, and concurrency and
cancellation are checked by the order and presence of replies.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PY_DIR = ROOT / "runners" / "python"
SERVER = PY_DIR / "plugin_server.py"
EXAMPLE = PY_DIR / "example_plugin.py"
VENV_PYTHON = PY_DIR / ".venv" / "bin" / "python"

# A guard against a hung server, not a timing assertion.
GUARD_SECONDS = 60

MAX_LINE_BYTES = 16777216

# spec/example-plugin.md, language python.
MANIFEST = {
    "name": "interop-example",
    "description": "The interop example plugin: echo, uuid, fail, sleep, a provider and an evaluator.",
    "version": "1.0.0",
    "language": "python",
    "actions": [
        {"name": "ECHO", "description": "Replies with the message text."},
        {"name": "UUID", "description": "Derives a UUID from the message text with stringToUuid."},
        {"name": "FAIL", "description": "Always fails."},
        {"name": "SLEEP", "description": "Waits options.ms milliseconds, then replies."},
    ],
    "providers": [{"name": "EXAMPLE", "description": "A deterministic provider."}],
    "evaluators": [{"name": "EXAMPLE_EVALUATOR", "description": "Evaluates messages that ask for it."}],
}
INTEROP = {"protocol": 1, "maxLineBytes": MAX_LINE_BYTES, "features": ["evaluator.validate", "cancel"], "ordered": False}

# elizaos's string_to_uuid("test") (the ids.string_to_uuid vectors; test_peer.py).
UUID_OF_TEST = "a94a8fe5-ccb1-0ba6-9c4c-0873d391e987"

ROOM = "0b5c4c4e-7c53-4e4e-9f2a-3f0a8b7f6a11"


def _python() -> str:
    python = os.environ.get("PEER_PYTHON") or str(VENV_PYTHON)
    if not Path(python).exists():
        pytest.fail(f"{python} does not exist: run `make runners/python/.venv/.installed` from the repository root")
    return python


def memory(text: str | None = "hello", **extra: object) -> dict:
    """A TS-shaped Memory."""
    content: dict = {} if text is None else {"text": text}
    m = {
        "id": "5f2b7a57-4d2c-4f3e-8a77-0c7a1b1f6e01",
        "entityId": "7d1e4a2b-2f0c-4c1d-9b8e-6a5f4e3d2c1b",
        "agentId": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        "roomId": ROOM,
        "createdAt": 1704067200000,
        "content": content,
    }
    m.update(extra)
    return m


STATE = {"values": {"agentName": "Eliza", "custom": {"k": [1, 2]}}, "data": {"room": {"id": ROOM}}, "text": ""}


class Server:
    """One plugin_server.py process. Stdout and stderr are drained by threads;
    stdout lines arrive on a queue, each parsed as JSON (stdout carries
    protocol lines only, so a line that does not parse fails the test)."""

    def __init__(self, module: str = str(EXAMPLE), env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
        child_env = {k: v for k, v in os.environ.items() if k not in ("ELIZA_INTEROP_DEBUG", "LOG_DIAGNOSTIC")}
        child_env.update(env or {})
        self.proc = subprocess.Popen(
            [_python(), str(SERVER), "--module", module],
            cwd=cwd,
            env=child_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.lines: queue.Queue[bytes | None] = queue.Queue()
        self._stderr: list[bytes] = []
        self._threads = [
            threading.Thread(target=self._drain_stdout, daemon=True),
            threading.Thread(target=self._drain_stderr, daemon=True),
        ]
        for t in self._threads:
            t.start()
        self._next = 0

    def _drain_stdout(self) -> None:
        for line in iter(self.proc.stdout.readline, b""):
            self.lines.put(line)
        self.lines.put(None)

    def _drain_stderr(self) -> None:
        for chunk in iter(lambda: self.proc.stderr.read1(65536), b""):
            self._stderr.append(chunk)

    def stderr(self) -> str:
        """What the server wrote on stderr; all of it once the server has exited."""
        if self.proc.poll() is not None:
            for t in self._threads:
                t.join(GUARD_SECONDS)
        return b"".join(self._stderr).decode(errors="replace")

    def raw(self) -> bytes:
        """The next stdout line, raw."""
        try:
            line = self.lines.get(timeout=GUARD_SECONDS)
        except queue.Empty:
            pytest.fail("the server wrote no line")
        if line is None:
            self.lines.put(None)
            pytest.fail(f"the server closed stdout; stderr: {self.stderr()[-2000:]}")
        assert line.endswith(b"\n")
        return line

    def read(self) -> dict:
        msg = json.loads(self.raw())
        assert isinstance(msg, dict)
        return msg

    def ready(self) -> dict:
        msg = self.read()
        assert msg["type"] == "ready"
        return msg

    def write(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, msg: dict) -> str:
        if "id" not in msg:
            self._next += 1
            msg = {**msg, "id": f"req_{self._next}"}
        self.write(json.dumps(msg).encode() + b"\n")
        return msg["id"]

    def call(self, msg: dict) -> dict:
        """Sends one request and returns its reply (no other request is in flight)."""
        req_id = self.send(msg)
        reply = self.read()
        assert reply["id"] == req_id, reply
        return reply

    def eof(self) -> tuple[int, list[bytes]]:
        """Closes stdin; returns the exit status and the stdout lines written after."""
        self.proc.stdin.close()
        try:
            rc = self.proc.wait(GUARD_SECONDS)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            pytest.fail("the server did not exit at EOF")
        rest = []
        while True:
            line = self.lines.get(timeout=GUARD_SECONDS)
            if line is None:
                break
            rest.append(line)
        return rc, rest

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for t in self._threads:
            t.join(GUARD_SECONDS)
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            f.close()


@pytest.fixture
def server():
    s = Server()
    s.ready()
    try:
        yield s
    finally:
        s.close()


def invoke(s: Server, action: str, m: dict | None = None, options: dict | None = None, state: dict | None = None) -> dict:
    return s.call(
        {"type": "action.invoke", "action": action, "memory": m or memory(), "state": state, "options": options}
    )


def result(reply: dict, type_: str) -> object:
    assert reply["type"] == type_, reply
    assert set(reply) == {"type", "id", "result"}, reply
    return reply["result"]


def valid(reply: dict) -> bool:
    assert reply["type"] == "validate.result", reply
    assert set(reply) == {"type", "id", "valid"}, reply
    assert isinstance(reply["valid"], bool)
    return reply["valid"]


def error(reply: dict) -> str:
    assert reply["type"] == "error", reply
    assert set(reply) == {"type", "id", "error"}, reply  # no details unless asked for
    return reply["error"]


# ------------------------------------------------------------------ ready, EOF


def test_ready_line():
    s = Server()
    try:
        raw = s.raw()
        msg = json.loads(raw)
        assert set(msg) == {"type", "manifest", "interop"}
        assert msg["type"] == "ready"
        assert msg["manifest"] == MANIFEST  # exactly these members: none absent, none extra, none null
        assert msg["interop"] == INTEROP
        # Compact JSON: no spaces after separators in our own framing.
        assert b'"type":"ready"' in raw
    finally:
        s.close()


def test_module_by_name():
    # A module importable from sys.path (the server's directory is on it).
    s = Server(module="example_plugin", cwd=PY_DIR)
    try:
        assert s.ready()["manifest"] == MANIFEST
        assert result(invoke(s, "ECHO", memory("by name")), "action.result")["text"] == "by name"
    finally:
        s.close()


def test_eof_exits_zero(server):
    rc, rest = server.eof()
    assert rc == 0
    assert rest == []


def test_eof_waits_for_requests_in_flight(server):
    req = server.send({"type": "action.invoke", "action": "SLEEP", "memory": memory(), "state": None, "options": {"ms": 300}})
    rc, rest = server.eof()
    assert rc == 0
    assert [json.loads(line) for line in rest] == [
        {"type": "action.result", "id": req, "result": {"success": True, "text": "slept"}}
    ]


def test_no_plugin_export_fails_before_ready(tmp_path):
    bad = tmp_path / "no_export.py"
    bad.write_text("x = 1\n")
    s = Server(module=str(bad))
    try:
        rc = s.proc.wait(GUARD_SECONDS)
        assert rc != 0
        assert s.lines.get(timeout=GUARD_SECONDS) is None  # nothing on stdout
        assert "no plugin export" in s.stderr()
    finally:
        s.close()


# ------------------------------------------------------------------ init and the provider


def test_init_and_provider(server):
    # Before init the greeting is empty.
    r = server.call({"type": "provider.get", "provider": "EXAMPLE", "memory": memory(), "state": STATE})
    assert result(r, "provider.result") == {
        "text": "example provider",
        "values": {"plugin": "interop-example", "greeting": ""},
        "data": {"roomId": ROOM},
    }
    r = server.call({"type": "plugin.init", "config": {"GREETING": "héllo wörld"}})
    assert r == {"type": "plugin.init.result", "id": r["id"], "success": True}
    r = server.call({"type": "provider.get", "provider": "EXAMPLE", "memory": memory(), "state": STATE})
    assert result(r, "provider.result") == {
        "text": "example provider",
        "values": {"plugin": "interop-example", "greeting": "héllo wörld"},
        "data": {"roomId": ROOM},
    }
    # init again without GREETING: empty again.
    r = server.call({"type": "plugin.init", "config": {}})
    assert r["type"] == "plugin.init.result" and r["success"] is True
    r = server.call({"type": "provider.get", "provider": "EXAMPLE", "memory": memory(), "state": STATE})
    assert result(r, "provider.result")["values"]["greeting"] == ""


def test_unknown_provider(server):
    req = server.send({"type": "provider.get", "provider": "NOPE", "memory": memory(), "state": STATE})
    raw = server.raw()
    assert json.loads(raw) == {
        "type": "provider.result",
        "id": req,
        "result": {"text": None, "values": None, "data": None},
    }
    assert b'"result":{"text":null,"values":null,"data":null}' in raw


# ------------------------------------------------------------------ actions


@pytest.mark.parametrize("state", [None, STATE])
def test_validate_echo(server, state):
    def v(m):
        return valid(server.call({"type": "action.validate", "action": "ECHO", "memory": m, "state": state}))

    assert v(memory("hi")) is True
    assert v(memory("")) is False
    assert v(memory(None)) is False  # content.text absent


@pytest.mark.parametrize("action", ["UUID", "FAIL", "SLEEP"])
def test_validate_always_true(server, action):
    for m in (memory("x"), memory(None)):
        assert valid(server.call({"type": "action.validate", "action": action, "memory": m, "state": None})) is True


def test_validate_unknown_action(server):
    assert valid(server.call({"type": "action.validate", "action": "NOPE", "memory": memory(), "state": None})) is False


def test_invoke_echo(server):
    assert result(invoke(server, "ECHO", memory("héllo, 世界")), "action.result") == {
        "success": True,
        "text": "héllo, 世界",
        "data": {"echo": "héllo, 世界"},
    }
    # With a state, and with no text.
    assert result(invoke(server, "ECHO", memory(None), state=STATE), "action.result") == {
        "success": True,
        "text": "",
        "data": {"echo": ""},
    }


def test_invoke_uuid(server):
    assert result(invoke(server, "UUID", memory("test")), "action.result") == {
        "success": True,
        "text": UUID_OF_TEST,
        "data": {"uuid": UUID_OF_TEST},
    }


def test_invoke_fail_is_an_error(server):
    r = invoke(server, "FAIL")
    assert error(r) == "example failure"


def test_invoke_fail_details_in_debug():
    s = Server(env={"ELIZA_INTEROP_DEBUG": "true"})
    try:
        s.ready()
        r = invoke(s, "FAIL")
        assert r["type"] == "error" and r["error"] == "example failure"
        assert isinstance(r["details"], str) and "example failure" in r["details"]
    finally:
        s.close()


def test_invoke_sleep(server):
    for ms in (0, 1, 5.0):
        assert result(invoke(server, "SLEEP", options={"ms": ms}), "action.result") == {
            "success": True,
            "text": "slept",
        }


@pytest.mark.parametrize("options", [None, {}, {"ms": -1}, {"ms": 10001}, {"ms": 1.5}, {"ms": "5"}, {"ms": True}, {"ms": None}])
def test_invoke_bad_sleep(server, options):
    assert error(invoke(server, "SLEEP", options=options)) == "bad sleep"


def test_invoke_unknown_action(server):
    assert result(invoke(server, "NOPE"), "action.result") == {"success": False, "error": "Action not found: NOPE"}


# ------------------------------------------------------------------ the evaluator


def test_evaluator(server):
    def v(name, text):
        return valid(server.call({"type": "evaluator.validate", "evaluator": name, "memory": memory(text), "state": None}))

    assert v("EXAMPLE_EVALUATOR", "please evaluate this") is True
    assert v("EXAMPLE_EVALUATOR", "hello") is False
    assert v("EXAMPLE_EVALUATOR", None) is False
    assert v("NOPE", "evaluate") is False
    r = server.call({"type": "evaluator.invoke", "evaluator": "EXAMPLE_EVALUATOR", "memory": memory(), "state": STATE})
    assert result(r, "action.result") == {"success": True, "text": "evaluated", "values": {"evaluated": True}}
    r = server.call({"type": "evaluator.invoke", "evaluator": "NOPE", "memory": memory(), "state": None})
    assert result(r, "action.result") is None


# ------------------------------------------------------------------ concurrency and cancel


def test_requests_run_concurrently(server):
    slow = server.send({"type": "action.invoke", "action": "SLEEP", "memory": memory(), "state": None, "options": {"ms": 500}})
    fast = server.send({"type": "action.invoke", "action": "ECHO", "memory": memory("quick"), "state": None, "options": None})
    first, second = server.read(), server.read()
    assert first["id"] == fast and result(first, "action.result")["text"] == "quick"
    assert second["id"] == slow and result(second, "action.result") == {"success": True, "text": "slept"}


def test_cancel_ends_a_sleep(server):
    slow = server.send({"type": "action.invoke", "action": "SLEEP", "memory": memory(), "state": None, "options": {"ms": 10000}})
    server.send({"type": "cancel", "id": slow})
    # The server still serves; the cancel itself is never answered.
    fast = server.send({"type": "action.invoke", "action": "ECHO", "memory": memory("after"), "state": None, "options": None})
    r = server.read()
    assert r["id"] == fast and result(r, "action.result")["text"] == "after"
    # At EOF the server waits for requests in flight; the cancelled SLEEP is no
    # longer one, so it exits without ever answering it (an uncancelled SLEEP
    # would have been answered with "slept" before the exit).
    rc, rest = server.eof()
    assert rc == 0
    assert rest == []


def test_cancel_of_an_unknown_id_is_ignored(server):
    server.send({"type": "cancel", "id": "req_999"})
    assert result(invoke(server, "ECHO", memory("still here")), "action.result")["text"] == "still here"


# ------------------------------------------------------------------ lines


def test_large_request(server):
    text = "é" * (100 * 1024)  # 200 KiB of UTF-8, far past asyncio's 64 KiB default
    assert result(invoke(server, "ECHO", memory(text)), "action.result") == {
        "success": True,
        "text": text,
        "data": {"echo": text},
    }


def _padded(msg: dict, size: int) -> bytes:
    """msg as a line of exactly size bytes before the newline (JSON white space pads it)."""
    body = json.dumps(msg).encode()
    assert len(body) <= size
    return body + b" " * (size - len(body)) + b"\n"


def test_line_at_and_over_the_limit(server):
    at = {"type": "action.validate", "id": "at_limit", "action": "UUID", "memory": memory(), "state": None}
    server.write(_padded(at, MAX_LINE_BYTES))
    assert server.read() == {"type": "validate.result", "id": "at_limit", "valid": True}
    # The line end does not count, `\r\n` included.
    at_crlf = {**at, "id": "at_limit_crlf"}
    server.write(_padded(at_crlf, MAX_LINE_BYTES)[:-1] + b"\r\n")
    assert server.read() == {"type": "validate.result", "id": "at_limit_crlf", "valid": True}

    over = {"type": "action.validate", "id": "over_limit", "action": "UUID", "memory": memory(), "state": None}
    server.write(_padded(over, MAX_LINE_BYTES + 1))
    r = server.read()
    assert r["type"] == "error" and r["id"] == ""
    # The rest of the long line was discarded, not read as further requests:
    # the next reply is the next request's.
    assert result(invoke(server, "ECHO", memory("next")), "action.result")["text"] == "next"
    rc, rest = server.eof()
    assert rc == 0 and rest == []


def test_non_json_line(server):
    server.write(b"this is not json\n")
    r = server.read()
    assert r["type"] == "error" and r["id"] == "" and r["error"]
    server.write(b"[1, 2]\n")  # JSON, but not a request object
    r = server.read()
    assert r["type"] == "error" and r["id"] == ""
    server.write(b"\xff\xfe\n")  # not UTF-8
    r = server.read()
    assert r["type"] == "error" and r["id"] == ""
    server.write(b"\n  \r\n")  # blank lines are skipped silently
    assert result(invoke(server, "ECHO", memory("alive")), "action.result")["text"] == "alive"


def test_unknown_type(server):
    r = server.call({"type": "no.such.request"})
    assert error(r) == "Unknown request type: no.such.request"


def test_accepts_any_json_spacing_and_crlf(server):
    server.write(b'{ "type" : "action.invoke", "id" : "spaced", "action" : "ECHO", "memory" : '
                 + json.dumps(memory("sp")).encode() + b' }\r\n')
    r = server.read()
    assert r["id"] == "spaced" and result(r, "action.result")["text"] == "sp"


def test_bad_memory_is_an_error_for_its_id(server):
    r = server.call({"type": "action.invoke", "action": "ECHO", "memory": "not an object", "state": None})
    assert r["type"] == "error" and r["error"]


# ------------------------------------------------------------------ stdout hygiene

PRINTING_PLUGIN = '''
import os, sys
from elizaos import Action, Plugin

print("printed at import")

async def _validate(runtime, message, state):
    print("printed by validate")
    return True

async def _handler(runtime, message, state, options, callback, responses):
    print("printed by a handler")
    sys.stdout.write("written to sys.stdout\\n")
    sys.stdout.flush()
    os.write(1, b"written to fd 1\\n")
    return {"success": True, "text": message.content.text, "values": {"state": state.values.extra["custom"]["k"][1]}}

plugin = Plugin(
    name="printing",
    description="Prints everywhere.",
    actions=[Action(name="PRINT", description="Prints.", handler=_handler, validate=_validate)],
)
'''


def test_prints_go_to_stderr(tmp_path):
    path = tmp_path / "printing_plugin.py"
    path.write_text(PRINTING_PLUGIN)
    s = Server(module=str(path))
    try:
        ready = s.ready()  # the first stdout line is ready, not the import-time print
        assert ready["manifest"] == {
            "name": "printing",
            "description": "Prints everywhere.",
            "version": "1.0.0",
            "language": "python",
            "actions": [{"name": "PRINT", "description": "Prints."}],
        }
        assert valid(s.call({"type": "action.validate", "action": "PRINT", "memory": memory(), "state": None})) is True
        r = invoke(s, "PRINT", memory("hi"), state=STATE)
        # A state value TS-shaped State carries outside the protobuf fields
        # reaches the plugin through State.values.extra.
        assert result(r, "action.result") == {"success": True, "text": "hi", "values": {"state": 2}}
        rc, rest = s.eof()
        assert rc == 0 and rest == []
        err = s.stderr()
        for text in ("printed at import", "printed by validate", "printed by a handler", "written to sys.stdout",
                     "written to fd 1"):
            assert text in err
    finally:
        s.close()


_FAST_MEMORY_CHECK = r'''
import sys
sys.path.insert(0, sys.argv[1])
import plugin_server as ps
from google.protobuf import json_format
from elizaos.types.memory import Memory

same = [
    {"entityId": "a", "roomId": "b", "content": {"text": "hi", "source": "x"}},
    {"entityId": "a", "roomId": "b", "content": {}},
    {"entityId": "a", "roomId": "b"},
    {"entityId": "a", "roomId": "b", "createdAt": 1704067200000, "agentId": "c", "id": "d", "worldId": "w",
     "content": {"text": "\u00e9\U0001F600\u0000", "thought": "t", "inReplyTo": "r", "channelType": "DM", "type": "x",
                 "url": "u", "target": "t", "responseId": "r", "responseMessageId": "m"}},
]
for value in same:
    fast = ps._memory_fast(value)
    slow = json_format.ParseDict(value, Memory(), ignore_unknown_fields=True)
    assert fast is not None and fast == slow, value
    assert fast.SerializeToString(deterministic=True) == slow.SerializeToString(deterministic=True), value
# Every other shape is left to ParseDict.
for value in [{"entityId": 1}, {"content": {"actions": ["a"]}}, {"createdAt": 1.0}, {"createdAt": 2**64},
              {"metadata": {}}, {"unknown": 1}, {"content": {"text": "\ud800"}}, {"content": []}]:
    assert ps._memory_fast(value) is None, value
print("ok")
'''


def test_fast_memory_equals_parse_dict() -> None:
    """The direct Memory construction gives exactly what ParseDict gives, and
    declines every shape it does not cover."""
    python = os.environ.get("PEER_PYTHON") or str(VENV_PYTHON)
    out = subprocess.run([python, "-c", _FAST_MEMORY_CHECK, str(PY_DIR)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "ok" in (out.stdout + out.stderr).split()  # the server module points fd 1 at stderr
