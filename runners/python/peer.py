#!/usr/bin/env python3
"""The Python peer of the parity gate (spec/runner-protocol.md).

Serves the REAL ``elizaos`` package from PyPI (pinned in requirements.lock)
over newline-delimited JSON on stdin/stdout:

    runners/python/.venv/bin/python runners/python/peer.py

Wrap, never re-implement: every case calls upstream's own functions
(elizaos.types.primitives.string_to_uuid, elizaos.settings.get_salt,
encrypt_string_value, decrypt_string_value, migrate_encrypted_string_value,
_looks_encrypted, elizaos.logger._redaction_processor). This file only maps
the vectors' inputs onto Python values and upstream's results and exceptions
onto protocol results. Upstream behaviour that differs from the spec is
reported as it is, never corrected.

Standard library and elizaos only. stdout carries protocol lines only: file
descriptor 1 is moved aside before elizaos is imported (its logger calls
logging.basicConfig(stream=sys.stdout) at import time), and anything else the
process writes to fd 1 or sys.stdout goes to stderr.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys

# ------------------------------------------------------------------ stdout guard
# The protocol stream is a private duplicate of fd 1; fd 1 itself and
# sys.stdout now point at stderr, so no library output can reach the runner.
_PROTO = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
os.dup2(2, 1)
sys.stdout = sys.stderr
# A root handler on stderr first makes upstream's logging.basicConfig a no-op.
logging.basicConfig(stream=sys.stderr, format="%(message)s", level=logging.WARNING)

import importlib  # noqa: E402
import importlib.metadata  # noqa: E402

# By module path, so that no package attribute of the same name can shadow them.
_up_logger = importlib.import_module("elizaos.logger")
_up_settings = importlib.import_module("elizaos.settings")
_up_primitives = importlib.import_module("elizaos.types.primitives")

PEER = {
    "name": "python",
    "language": "python",
    "implementation": "elizaos (PyPI)",
    "version": importlib.metadata.version("elizaos"),
}

SUITES = [
    "ids.string_to_uuid",
    "envelope.open_v2",
    "envelope.open_v1",
    "envelope.malformed",
    "envelope.detect",
    "envelope.migrate",
    "envelope.roundtrip",
    "salt.policy",
    "redact.context",
]
OPS = ["envelope.seal", "envelope.open"]

SALT_VARS = ("SECRET_SALT", "NODE_ENV", "ELIZA_ALLOW_DEFAULT_SECRET_SALT")
REDACT_VARS = ("ELIZA_LOG_REDACT_KEYS", "ELIZA_LOG_REDACT")

# spec/vectors.md: a canonical v2 envelope of a plaintext of n UTF-8 bytes.
_CANONICAL_V2 = re.compile(r"v2:[0-9a-f]{24}:((?:[0-9a-f]{2})*):[0-9a-f]{32}")

UNCHANGED = "returned its input unchanged"


class Reply(Exception):
    """A finished result (error or skip) raised from inside a handler."""

    def __init__(self, **result: object) -> None:
        super().__init__()
        self.result = result


def _send(msg: dict) -> None:
    # ensure_ascii (the default) keeps any lone surrogate as a \u escape.
    _PROTO.write(json.dumps(msg) + "\n")
    _PROTO.flush()


def _note(text: str) -> None:
    # Diagnostics only: never an input value, plaintext, salt or secret.
    sys.stderr.write(f"python peer: {text}\n")
    sys.stderr.flush()


def _exc_error(exc: BaseException, what: str, kinds: dict[type, str]) -> Reply:
    """Map an upstream exception to an error kind (by type, first match), or to
    "unspecified" with the exception type. Never the message: it may echo input."""
    for typ, kind in kinds.items():
        if isinstance(exc, typ):
            return Reply(error=kind, message=f"{what} raised {type(exc).__name__}")
    return Reply(error="unspecified", message=f"{what} raised {type(exc).__name__}")


# A salt or plaintext with a lone surrogate cannot be UTF-8 encoded by upstream.
_TEXT_KINDS: dict[type, str] = {UnicodeEncodeError: "invalid_utf8"}


class _Env:
    """Unset `names`, set exactly `given`, and restore everything on exit."""

    def __init__(self, names: tuple[str, ...], given: dict) -> None:
        self.touched = set(names) | set(given)
        self.given = given
        self.saved: dict[str, str | None] = {}

    def __enter__(self) -> None:
        self.saved = {k: os.environ.get(k) for k in self.touched}
        for k in self.touched:
            os.environ.pop(k, None)
        try:
            for k, v in self.given.items():
                if not isinstance(v, str):
                    raise Reply(error="unspecified", message="environment value is not a string")
                os.environ[k] = v
        except (ValueError, UnicodeEncodeError) as exc:
            self.__exit__(None, None, None)
            raise Reply(skip=f"a POSIX environment variable cannot hold this name or value ({type(exc).__name__})") from None
        except Reply:
            self.__exit__(None, None, None)
            raise

    def __exit__(self, *_: object) -> None:
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# ------------------------------------------------------------------ ids


def _ids_arg(inp: dict) -> object:
    """The closest native Python value of an ids.string_to_uuid input."""
    kind = inp["kind"]
    if kind == "string":
        return inp["value"]
    if kind == "integer":
        try:
            return int(inp["value"])
        except ValueError:
            raise Reply(skip="the integer text does not convert to a Python int (ValueError)") from None
    if kind == "float":
        # JS literal syntax: 1.5, 1e+21, NaN, Infinity, -Infinity, -0 all parse.
        try:
            return float(inp["value"])
        except ValueError:
            raise Reply(skip="the float text does not convert to a Python float (ValueError)") from None
    if kind == "boolean":
        return bool(inp["value"])
    if kind == "null":
        return None
    if kind == "bytes":
        try:
            return bytes.fromhex(inp["hex"]).decode("utf-8")
        except UnicodeDecodeError:
            raise Reply(skip="invalid UTF-8 cannot be a Python str") from None
    if kind == "utf16":
        # surrogatepass: lone surrogates survive as code points of the str.
        return bytes.fromhex(inp["hex"]).decode("utf-16-be", "surrogatepass")
    raise Reply(error="unspecified", message="unknown input kind")


def ids_string_to_uuid(inp: dict) -> object:
    arg = _ids_arg(inp)
    try:
        return _up_primitives.string_to_uuid(arg)
    except Exception as exc:  # noqa: BLE001
        # TypeError("Value must be string") for float/None; UnicodeEncodeError
        # from urllib.parse.quote for a lone surrogate.
        raise _exc_error(exc, "string_to_uuid", {TypeError: "invalid_type", UnicodeEncodeError: "invalid_utf8"}) from None


# ------------------------------------------------------------------ envelopes


def _decrypt(value: str, salt: str) -> str:
    try:
        out = _up_settings.decrypt_string_value(value, salt)
    except Exception as exc:  # noqa: BLE001
        raise _exc_error(exc, "decrypt_string_value", _TEXT_KINDS) from None
    if out == value:
        raise Reply(error="unspecified", message=UNCHANGED)
    if not isinstance(out, str):
        raise Reply(error="unspecified", message="decrypt_string_value returned a non-string")
    return out


def envelope_open(inp: dict) -> object:
    return _decrypt(inp["value"], inp["salt"])


def envelope_detect(inp: dict) -> object:
    # Upstream's own detection is the internal helper _looks_encrypted, which
    # answers yes/no. It says yes only from its v2 branch (exactly 4 parts,
    # first "v2") or its v1 branch (exactly 2 parts), so the number of parts of
    # a value it accepts names the branch that accepted it.
    value = inp["value"]
    try:
        yes = _up_settings._looks_encrypted(value)  # noqa: SLF001
    except Exception as exc:  # noqa: BLE001
        raise _exc_error(exc, "_looks_encrypted", {}) from None
    if not yes:
        return "none"
    return "v2" if len(value.split(":")) == 4 else "v1"


def _canonical_v2(envelope: object, plaintext: str) -> bool:
    if not isinstance(envelope, str):
        return False
    m = _CANONICAL_V2.fullmatch(envelope)
    return m is not None and len(m.group(1)) == 2 * len(plaintext.encode("utf-8"))


def envelope_migrate(inp: dict) -> object:
    value, salt = inp["value"], inp["salt"]
    try:
        out = _up_settings.migrate_encrypted_string_value(value, salt)
    except Exception as exc:  # noqa: BLE001
        raise _exc_error(exc, "migrate_encrypted_string_value", _TEXT_KINDS) from None
    if out == value:
        return {"status": "unchanged"}
    try:
        plaintext = _decrypt(out, salt)
    except Reply:
        raise Reply(
            error="unspecified",
            message="migrate_encrypted_string_value returned a new value that decrypt_string_value does not open",
        ) from None
    if not _canonical_v2(out, plaintext):
        raise Reply(
            error="unspecified",
            message="migrate_encrypted_string_value returned a value that is not a canonical v2 envelope",
        )
    return {"status": "migrated", "plaintext": plaintext}


def envelope_roundtrip(inp: dict) -> object:
    plaintext, salt = inp["plaintext"], inp["salt"]
    try:
        out = _up_settings.encrypt_string_value(plaintext, salt)
    except Exception as exc:  # noqa: BLE001
        raise _exc_error(exc, "encrypt_string_value", _TEXT_KINDS) from None
    if out == plaintext:
        return {"status": "unchanged"}
    if not _canonical_v2(out, plaintext):
        raise Reply(
            error="unspecified",
            message="encrypt_string_value returned a value that is neither its input nor a canonical v2 envelope of it",
        )
    try:
        opened = _decrypt(out, salt)
    except Reply:
        raise Reply(error="unspecified", message="sealed, but decrypt_string_value does not open the envelope") from None
    if opened != plaintext:
        raise Reply(error="unspecified", message="sealed, but decrypt_string_value opens the envelope to a different text")
    return {"status": "sealed"}


def op_seal(inp: dict) -> object:
    try:
        return _up_settings.encrypt_string_value(inp["plaintext"], inp["salt"])
    except Exception as exc:  # noqa: BLE001
        raise _exc_error(exc, "encrypt_string_value", _TEXT_KINDS) from None


# ------------------------------------------------------------------ salt, redaction


def salt_policy(inp: dict) -> object:
    with _Env(SALT_VARS, inp.get("env") or {}):
        try:
            salt = _up_settings.get_salt()
        except RuntimeError:
            # get_salt raises RuntimeError only for the default salt in production.
            raise Reply(error="default_salt_in_production", message="get_salt raised RuntimeError") from None
        except Exception as exc:  # noqa: BLE001
            raise _exc_error(exc, "get_salt", {}) from None
    return {"salt": salt, "default": salt == "secretsalt"}


def redact_context(inp: dict) -> object:
    # Upstream's structlog processor, called directly on the context as its
    # event dict; it reads ELIZA_LOG_REDACT and ELIZA_LOG_REDACT_KEYS per call.
    with _Env(REDACT_VARS, inp.get("env") or {}):
        try:
            return _up_logger._redaction_processor(None, "info", inp["context"])  # noqa: SLF001
        except Exception as exc:  # noqa: BLE001
            raise _exc_error(exc, "_redaction_processor", {}) from None


HANDLERS = {
    "ids.string_to_uuid": ids_string_to_uuid,
    "envelope.open_v2": envelope_open,
    "envelope.open_v1": envelope_open,
    "envelope.malformed": envelope_open,
    "envelope.detect": envelope_detect,
    "envelope.migrate": envelope_migrate,
    "envelope.roundtrip": envelope_roundtrip,
    "salt.policy": salt_policy,
    "redact.context": redact_context,
}
OP_HANDLERS = {"envelope.seal": op_seal, "envelope.open": envelope_open}


# ------------------------------------------------------------------ loop


def _run(msg: dict) -> dict:
    if "op" in msg:
        handler = OP_HANDLERS.get(msg["op"])
        if handler is None:
            return {"skip": "op not offered by this peer"}
    else:
        handler = HANDLERS.get(msg.get("suite"))
        if handler is None:
            return {"skip": "suite not declared by this peer"}
    inp = msg.get("input")
    if not isinstance(inp, dict):
        return {"error": "unspecified", "message": "input is not an object"}
    try:
        return {"output": handler(inp)}
    except Reply as r:
        return dict(r.result)
    except Exception as exc:  # noqa: BLE001 - a wrapper failure is still a result
        return {"error": "unspecified", "message": type(exc).__name__}


# The id of a run line that json cannot decode (e.g. nested too deeply for the
# recursion limit), so that the runner still gets its one result: the first
# "id" member precedes "input" in the runner's encoding, and case ids hold no quotes.
_RUN_ID = re.compile(rb'"id"\s*:\s*(\d+)')


def _reply(msg_id: object, result: dict) -> None:
    try:
        _send({"type": "result", "id": msg_id, **result})
    except Exception as exc:  # noqa: BLE001 - e.g. RecursionError on a deep output
        _send({"type": "result", "id": msg_id, "error": "unspecified", "message": f"reply not encodable ({type(exc).__name__})"})


def main() -> int:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    _send({"type": "hello", "protocol": 1, "peer": PEER, "suites": SUITES, "ops": OPS})
    for raw in sys.stdin.buffer:
        try:
            msg = json.loads(raw.decode("utf-8"))
        except Exception as exc:  # noqa: BLE001
            m = _RUN_ID.search(raw) if b'"run"' in raw else None
            if m is None:
                _note(f"ignored a line that is not JSON ({type(exc).__name__})")
            else:
                _reply(int(m.group(1)), {"error": "unspecified", "message": f"request not decodable ({type(exc).__name__})"})
            continue
        if not isinstance(msg, dict):
            _note("ignored a line that is not a JSON object")
            continue
        kind = msg.get("type")
        if kind == "bye":
            break
        if kind != "run":
            _note("ignored a message of unknown type")
            continue
        if "id" not in msg:
            _note("ignored a run without id")
            continue
        try:
            result = _run(msg)
        except Exception as exc:  # noqa: BLE001
            result = {"error": "unspecified", "message": type(exc).__name__}
        _reply(msg["id"], result)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
