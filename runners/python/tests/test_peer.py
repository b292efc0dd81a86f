"""Tests of runners/python/peer.py through the protocol, as the gate sees it.

Each test starts peer.py as a real subprocess with the virtual environment's
Python (which has the pinned elizaos) and checks the raw result lines. pytest
itself need not be in that environment: run these with any Python that has
pytest, from the repository root:

    python3 -m pytest -p no:cacheprovider runners/python/tests

PEER_PYTHON overrides the interpreter that runs the peer (default
runners/python/.venv/bin/python, built by `make runners/python/.venv/.installed`).
"""

from __future__ import annotations

import json
import os
import re
import selectors
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PEER = ROOT / "runners" / "python" / "peer.py"
VENV_PYTHON = ROOT / "runners" / "python" / ".venv" / "bin" / "python"
VECTORS = ROOT / "vectors"

# A guard against a hung peer, not a timing assertion: a reply that has not
# come after this long fails the test instead of blocking it forever.
REPLY_GUARD_SECONDS = 60

RESULT_KEYS = {"output", "error", "raised", "fault", "skip"}

# spec/vectors.md: a canonical v2 envelope.
CANONICAL_V2 = re.compile(r"v2:[0-9a-f]{24}:((?:[0-9a-f]{2})*):[0-9a-f]{32}")

# spec/envelope.md: a v1 envelope and the plaintext it opens to under salt-alpha.
V1_SALT = "salt-alpha"
V1_VALUE = (
    "00112233445566778899aabbccddeeff:5f579a151889d90faab895d20ef4b8089d63fe4041167d1352"
    "25bc8296f664ca89400401ce4958eb3bd6cbc0062b0634"
)
V1_PLAINTEXT = "sk-api-key-do-not-leak-1234567890"


def _peer_python() -> str:
    python = os.environ.get("PEER_PYTHON") or str(VENV_PYTHON)
    if not Path(python).exists():
        pytest.fail(f"{python} does not exist: run `make runners/python/.venv/.installed` from the repository root")
    return python


class Peer:
    """One peer process; run() sends one request and returns its one result."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [_peer_python(), str(PEER)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._sel = selectors.DefaultSelector()
        self._sel.register(self.proc.stdout, selectors.EVENT_READ)
        self._next_id = 0
        self.hello = self._read()

    def _read(self) -> dict:
        if not self._sel.select(REPLY_GUARD_SECONDS):
            pytest.fail("the peer wrote no line")
        line = self.proc.stdout.readline()
        if not line:
            pytest.fail(f"the peer closed stdout; stderr: {self.proc.stderr.read().decode(errors='replace')[-2000:]}")
        assert line.endswith(b"\n")
        msg = json.loads(line)  # stdout carries protocol lines only
        assert isinstance(msg, dict)
        return msg

    def send(self, msg: dict) -> None:
        self.proc.stdin.write(json.dumps(msg).encode() + b"\n")
        self.proc.stdin.flush()

    def run(self, input: object, suite: str | None = None, op: str | None = None) -> dict:
        self._next_id += 1
        msg: dict = {"type": "run", "id": self._next_id, "input": input}
        if op is not None:
            msg["op"] = op
        else:
            msg["suite"], msg["case"] = suite, "test"
        self.send(msg)
        reply = self._read()
        assert reply["type"] == "result"
        assert reply["id"] == self._next_id
        # Exactly one result form, and never the removed "unspecified".
        assert len(RESULT_KEYS & reply.keys()) == 1, reply
        assert reply.get("error") != "unspecified", reply
        return reply

    def bye(self) -> int:
        self.send({"type": "bye"})
        try:
            rc = self.proc.wait(REPLY_GUARD_SECONDS)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            pytest.fail("the peer did not exit after bye")
        rest = self.proc.stdout.read()
        assert rest == b"", "the peer wrote after bye"
        return rc

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            f.close()
        self._sel.close()


@pytest.fixture
def peer():
    p = Peer()
    try:
        yield p
    finally:
        p.close()


def _output(reply: dict) -> object:
    assert "output" in reply, reply
    return reply["output"]


# ------------------------------------------------------------------ hello, bye


def test_hello(peer):
    h = peer.hello
    assert h["type"] == "hello" and h["protocol"] == 1
    assert h["peer"] == {"name": "python", "language": "python", "implementation": "elizaos (PyPI)", "version": "2.0.0a5"}
    for suite in ("envelope.open_v2", "envelope.open_v1", "envelope.malformed", "envelope.detect",
                  "envelope.migrate", "envelope.roundtrip", "ids.string_to_uuid", "salt.policy", "redact.context"):
        assert suite in h["suites"]
    assert "ids.create_unique_uuid" not in h["suites"]
    assert sorted(h["ops"]) == ["envelope.open", "envelope.seal"]


def test_bye_exits_zero(peer):
    assert _output(peer.run({"kind": "string", "value": "test"}, "ids.string_to_uuid")) == (
        "a94a8fe5-ccb1-0ba6-9c4c-0873d391e987"
    )
    assert peer.bye() == 0


def test_eof_exits_zero(peer):
    peer.proc.stdin.close()
    assert peer.proc.wait(REPLY_GUARD_SECONDS) == 0


# ------------------------------------------------------------------ open: fail-open is reported raw


@pytest.mark.parametrize("suite", ["envelope.open_v2", "envelope.malformed"])
def test_open_fail_open_returns_input(peer, suite):
    sealed = _output(peer.run({"salt": "salt-a", "plaintext": "secret text"}, op="envelope.seal"))
    # Wrong salt: upstream's decrypt returns its input, and the peer says so.
    assert _output(peer.run({"salt": "salt-b", "value": sealed}, suite)) == sealed
    # Not hex: likewise.
    bad = "v2:zz:zz:zz"
    assert _output(peer.run({"salt": "salt-a", "value": bad}, suite)) == bad


def test_open_not_an_envelope_returns_input(peer):
    assert _output(peer.run({"salt": "s", "value": "plain"}, op="envelope.open")) == "plain"


def test_open_v1(peer):
    assert _output(peer.run({"salt": V1_SALT, "value": V1_VALUE}, "envelope.open_v1")) == V1_PLAINTEXT


# ------------------------------------------------------------------ seal


def test_roundtrip_returns_raw_v2_envelope(peer):
    plaintext = "sk-éé-1234"
    first = _output(peer.run({"salt": "salt-a", "plaintext": plaintext}, "envelope.roundtrip"))
    assert isinstance(first, str) and first != plaintext
    m = CANONICAL_V2.fullmatch(first)
    assert m is not None, "not a canonical v2 envelope"
    assert len(m.group(1)) == 2 * len(plaintext.encode())
    assert _output(peer.run({"salt": "salt-a", "value": first}, op="envelope.open")) == plaintext
    # The same request again is sealed afresh, not answered from a cache.
    second = _output(peer.run({"salt": "salt-a", "plaintext": plaintext}, "envelope.roundtrip"))
    assert second != first


def test_roundtrip_of_envelope_shaped_plaintext_is_the_plaintext(peer):
    # Upstream returns an envelope-shaped plaintext unsealed; reported raw, not as a status.
    assert _output(peer.run({"salt": "s", "plaintext": V1_VALUE}, "envelope.roundtrip")) == V1_VALUE


# ------------------------------------------------------------------ migrate


def test_migrate_raw(peer):
    assert _output(peer.run({"salt": V1_SALT, "value": "plain setting"}, "envelope.migrate")) == "plain setting"
    migrated = _output(peer.run({"salt": V1_SALT, "value": V1_VALUE}, "envelope.migrate"))
    assert isinstance(migrated, str) and CANONICAL_V2.fullmatch(migrated)
    assert _output(peer.run({"salt": V1_SALT, "value": migrated}, op="envelope.open")) == V1_PLAINTEXT
    # A v1 value under the wrong salt: upstream fails open, the peer reports the input back.
    assert _output(peer.run({"salt": "salt-beta", "value": V1_VALUE}, "envelope.migrate")) == V1_VALUE


# ------------------------------------------------------------------ detect through the public seal


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("v2:294120831d7636cfa02c87fc::49dfe6720e1e6c1f07a17e78dd33da05", "v2"),
        (V1_VALUE, "v1"),
        ("plain", "none"),
        ("", "none"),
        ("V2:294120831d7636cfa02c87fc::49dfe6720e1e6c1f07a17e78dd33da05", "none"),
    ],
)
def test_detect(peer, value, want):
    assert _output(peer.run({"value": value}, "envelope.detect")) == want


def test_detect_raises_what_seal_raises(peer):
    # A lone surrogate: upstream's private _looks_encrypted answers False without
    # raising; only the public seal, which UTF-8-encodes the value, raises.
    reply = peer.run({"value": "\ud800"}, "envelope.detect")
    assert reply["raised"] == "UnicodeEncodeError"
    assert "\ud800" not in reply.get("message", "")


def test_peer_calls_no_private_envelope_helper():
    assert "_looks_encrypted" not in PEER.read_text(encoding="utf-8")


# ------------------------------------------------------------------ error kinds by exact exception type


def test_mapped_errors(peer):
    assert peer.run({"kind": "null"}, "ids.string_to_uuid")["error"] == "invalid_type"
    assert peer.run({"kind": "float", "value": "1.5"}, "ids.string_to_uuid")["error"] == "invalid_type"
    assert peer.run({"kind": "utf16", "hex": "d800"}, "ids.string_to_uuid")["error"] == "invalid_utf8"
    assert peer.run({"salt": "s", "plaintext": "a\udc00"}, op="envelope.seal")["error"] == "invalid_utf8"
    reply = peer.run({"env": {"NODE_ENV": "production"}}, "salt.policy")
    assert reply["error"] == "default_salt_in_production"
    assert _output(peer.run({"env": {"SECRET_SALT": "pepper"}}, "salt.policy")) == {"salt": "pepper", "default": False}


def test_bool_is_reported_as_upstream_hashes_it(peer):
    # Upstream hashes True as "True" (bool is an int): an output, not an error.
    assert _output(peer.run({"kind": "boolean", "value": True}, "ids.string_to_uuid")) == (
        "88b33e4e-12f7-0ac8-bf79-2aebde41f1a0"
    )


def test_skip_invalid_utf8(peer):
    assert "skip" in peer.run({"kind": "bytes", "hex": "ff"}, "ids.string_to_uuid")


# ------------------------------------------------------------------ faults: the wrapper's own failures


@pytest.mark.parametrize(
    ("suite", "input"),
    [
        ("envelope.open_v2", {"salt": "s", "value": 5}),
        ("envelope.open_v2", {"value": "x"}),
        ("envelope.roundtrip", {"salt": "s"}),
        ("envelope.detect", ["not", "an", "object"]),
        ("ids.string_to_uuid", {"kind": "no-such-kind"}),
        ("ids.string_to_uuid", {"kind": "integer", "value": "12a"}),
        ("ids.string_to_uuid", {"kind": "bytes", "hex": "zz"}),
        ("salt.policy", {"env": {"SECRET_SALT": 1}}),
        ("secrets.scan", {"text": "x"}),
    ],
)
def test_fault_for_input_not_of_the_suite_shape(peer, suite, input):
    reply = peer.run(input, suite)
    assert isinstance(reply["fault"], str) and reply["fault"]


def test_fault_for_unknown_op(peer):
    assert "fault" in peer.run({"salt": "s", "plaintext": "p"}, op="envelope.no-such-op")


def test_fault_for_undecodable_request_keeps_serving(peer):
    # Not UTF-8, so not JSON: the peer still answers the run it names, with a fault.
    peer.proc.stdin.write(b'{"type": "run", "id": 77, "suite": "envelope.detect", "input": {"value": \xff}}\n')
    peer.proc.stdin.flush()
    reply = peer._read()
    assert reply["id"] == 77 and "fault" in reply
    assert _output(peer.run({"value": "plain"}, "envelope.detect")) == "none"


# ------------------------------------------------------------------ every vector case


def _vector_cases():
    for path in sorted(VECTORS.glob("*/*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for case in doc.get("cases", []):
            yield doc["suite"], case


def _strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_every_vector_case_is_answered_without_fault_or_leak(peer):
    declared = set(peer.hello["suites"])
    ran = 0
    for suite, case in _vector_cases():
        if suite not in declared:
            continue
        reply = peer.run(case["input"], suite)
        ran += 1
        assert "fault" not in reply, (suite, case["id"], reply)
        message = reply.get("message", "") + reply.get("skip", "")
        for s in _strings(case["input"]):
            if len(s) >= 6:
                assert s not in message, (suite, case["id"])
    assert ran > 0
