#!/usr/bin/env python3
"""The Python peer of the parity gate (spec/runner-protocol.md, as revised in issue 13).

Serves the REAL ``elizaos`` package from PyPI (pinned in requirements.lock)
over newline-delimited JSON on stdin/stdout:

    runners/python/.venv/bin/python runners/python/peer.py

The peer reports what upstream DID and never grades it: every case calls
upstream's own public function once (elizaos.types.primitives.string_to_uuid,
elizaos.settings.get_salt, encrypt_string_value, decrypt_string_value,
migrate_encrypted_string_value; and elizaos.logger._redaction_processor, see
redact_context) and the reply carries what that call returned, raw. The gate
(parity/) decides whether it agrees with the spec. Results:

- {"output": v}   upstream returned v (a fail-open decrypt's unchanged input too);
- {"error": k}    upstream raised an exception whose exact type maps to the spec
                  error kind k by one of the fixed tables below (_STRING_TO_UUID_KINDS,
                  _ENVELOPE_KINDS, _SALT_KINDS);
- {"raised": t}   upstream raised an exception of type t that no table maps;
- {"fault": why}  the peer itself failed (input not of the suite's shape, a suite
                  or op it does not serve, a bug in this file), never upstream;
- {"skip": why}   Python cannot carry the input (invalid UTF-8 in a str, ...).

No message ever holds an input value, salt, plaintext, secret or output: only
function and exception type names.

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
from collections.abc import Callable  # noqa: E402

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

# The salt envelope.detect seals with (the revised protocol fixes it).
DETECT_PROBE_SALT = "detect-probe-salt"


# ------------------------------------------------------------------ error kinds
# Each table maps an exception TYPE, compared exactly (type(exc) is T, not
# isinstance, so that no subclass is swept in), to the spec error kind it
# always means for that upstream call. A type not listed is reported as
# {"raised": <type name>}. The kind is never inferred from what a case expects.

# string_to_uuid (elizaos/types/primitives.py):
# - TypeError -> invalid_type: its only raise is TypeError("Value must be
#   string") for a value that is not str, int (bool included) or uuid.UUID;
#   nothing else in it raises TypeError for those types.
# - UnicodeEncodeError -> invalid_utf8: urllib.parse.quote encodes the str as
#   strict UTF-8, which fails only on a surrogate code point, i.e. on text
#   that is not well-formed Unicode.
_STRING_TO_UUID_KINDS: dict[type, str] = {
    TypeError: "invalid_type",
    UnicodeEncodeError: "invalid_utf8",
}

# encrypt_string_value, decrypt_string_value, migrate_encrypted_string_value
# (elizaos/settings.py):
# - UnicodeEncodeError -> invalid_utf8: the salt (_derive_key) and the
#   plaintext (encrypt) are encoded as strict UTF-8, which fails only on a
#   surrogate code point (spec/envelope.md: a salt or plaintext that is not
#   well-formed text fails invalid_utf8). Decrypt's hex and cipher errors are
#   caught inside upstream (it fails open), so they never reach the peer.
_ENVELOPE_KINDS: dict[type, str] = {UnicodeEncodeError: "invalid_utf8"}

# get_salt (elizaos/settings.py):
# - RuntimeError -> default_salt_in_production: its only raise, for
#   NODE_ENV=production with the default salt and no
#   ELIZA_ALLOW_DEFAULT_SECRET_SALT=true.
_SALT_KINDS: dict[type, str] = {RuntimeError: "default_salt_in_production"}

# envelope.detect maps nothing: the suite has no error kinds, so anything seal
# raises is reported as raised (revised protocol). redact.context likewise.
_NO_KINDS: dict[type, str] = {}


class Reply(Exception):
    """A finished non-output result (error, raised, fault, skip) raised from inside a handler."""

    def __init__(self, **result: object) -> None:
        super().__init__()
        self.result = result


def _fault(what: str) -> Reply:
    return Reply(fault=what)


def _upstream(name: str, kinds: dict[type, str], fn: Callable[..., object], *args: object) -> object:
    """Call one upstream function; what it returns is the output. An exception
    it raises becomes the error kind of `kinds` for its exact type, or
    {"raised": type name}. Never the exception's message: it may echo input."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - everything upstream raises is reported
        typ = type(exc)
        kind = kinds.get(typ)
        if kind is not None:
            raise Reply(error=kind, message=f"{name} raised {typ.__name__}") from None
        raise Reply(raised=typ.__name__, message=f"raised by {name}") from None


def _str_member(inp: dict, key: str) -> str:
    v = inp.get(key)
    if not isinstance(v, str):
        raise _fault(f"input member {key!r} is missing or not a string")
    return v


def _send(msg: dict) -> None:
    # ensure_ascii (the default) keeps any lone surrogate as a \u escape.
    _PROTO.write(json.dumps(msg) + "\n")
    _PROTO.flush()


def _note(text: str) -> None:
    # Diagnostics only: never an input value, plaintext, salt or secret.
    sys.stderr.write(f"python peer: {text}\n")
    sys.stderr.flush()


class _Env:
    """Unset `names`, set exactly `given`, and restore everything on exit."""

    def __init__(self, names: tuple[str, ...], given: object) -> None:
        if not isinstance(given, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in given.items()):
            raise _fault("input member 'env' is not an object of strings")
        self.touched = set(names) | set(given)
        self.given = given
        self.saved: dict[str, str | None] = {}

    def __enter__(self) -> None:
        self.saved = {k: os.environ.get(k) for k in self.touched}
        for k in self.touched:
            os.environ.pop(k, None)
        try:
            for k, v in self.given.items():
                os.environ[k] = v
        except (ValueError, UnicodeEncodeError) as exc:
            # e.g. a NUL, a "=" in a name, or a lone surrogate.
            self.__exit__(None, None, None)
            raise Reply(skip=f"a POSIX environment variable cannot hold this name or value ({type(exc).__name__})") from None

    def __exit__(self, *_: object) -> None:
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# ------------------------------------------------------------------ ids

_INTEGER = re.compile(r"-?[0-9]+")


def _ids_arg(inp: dict) -> object:
    """The closest native Python value of an ids.string_to_uuid input."""
    kind = inp.get("kind")
    if kind == "string":
        return _str_member(inp, "value")
    if kind == "integer":
        text = _str_member(inp, "value")
        if not _INTEGER.fullmatch(text):
            raise _fault("integer input is not a base-10 integer")
        try:
            return int(text)
        except ValueError:
            # Python's default int/str conversion limit (4300 digits).
            raise Reply(skip="Python refuses to convert an integer this long (ValueError)") from None
    if kind == "float":
        # JS literal syntax: 1.5, 1e+21, NaN, Infinity, -Infinity, -0 all parse.
        try:
            return float(_str_member(inp, "value"))
        except ValueError:
            raise _fault("float input is not a number Python can read") from None
    if kind == "boolean":
        v = inp.get("value")
        if not isinstance(v, bool):
            raise _fault("boolean input is not a JSON boolean")
        return v
    if kind == "null":
        return None
    if kind == "bytes":
        try:
            raw = bytes.fromhex(_str_member(inp, "hex"))
        except ValueError:
            raise _fault("bytes input is not hex") from None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Reply(skip="invalid UTF-8 cannot be a Python str") from None
    if kind == "utf16":
        # surrogatepass: lone surrogates survive as code points of the str.
        try:
            return bytes.fromhex(_str_member(inp, "hex")).decode("utf-16-be", "surrogatepass")
        except (ValueError, UnicodeDecodeError):
            raise _fault("utf16 input is not whole big-endian code units in hex") from None
    raise _fault("unknown input kind")


def ids_string_to_uuid(inp: dict) -> object:
    return _upstream("string_to_uuid", _STRING_TO_UUID_KINDS, _up_primitives.string_to_uuid, _ids_arg(inp))


# ------------------------------------------------------------------ envelopes


def envelope_open(inp: dict) -> object:
    # What decrypt_string_value returned, raw: the plaintext, or the value
    # itself when upstream fails open (it returns its input on every failure).
    value, salt = _str_member(inp, "value"), _str_member(inp, "salt")
    return _upstream("decrypt_string_value", _ENVELOPE_KINDS, _up_settings.decrypt_string_value, value, salt)


def envelope_seal(inp: dict) -> object:
    # envelope.roundtrip and op envelope.seal: what encrypt_string_value
    # returned for (plaintext, salt), raw, even when it is the plaintext.
    plaintext, salt = _str_member(inp, "plaintext"), _str_member(inp, "salt")
    return _upstream("encrypt_string_value", _ENVELOPE_KINDS, _up_settings.encrypt_string_value, plaintext, salt)


def envelope_migrate(inp: dict) -> object:
    value, salt = _str_member(inp, "value"), _str_member(inp, "salt")
    return _upstream(
        "migrate_encrypted_string_value", _ENVELOPE_KINDS, _up_settings.migrate_encrypted_string_value, value, salt
    )


def envelope_detect(inp: dict) -> object:
    # elizaos has no public detector, so detection is observed through the
    # public seal, as the revised protocol fixes: encrypt_string_value returns
    # a value unchanged exactly when upstream takes it for an envelope. Then
    # "v2" if it has 4 colon-separated fields, else "v1"; a sealed (changed)
    # result means "none". Anything seal raises is reported as raised.
    value = _str_member(inp, "value")
    out = _upstream("encrypt_string_value", _NO_KINDS, _up_settings.encrypt_string_value, value, DETECT_PROBE_SALT)
    if out != value:
        return "none"
    return "v2" if value.count(":") == 3 else "v1"


# ------------------------------------------------------------------ salt, redaction


def salt_policy(inp: dict) -> object:
    if "env" not in inp:
        raise _fault("input member 'env' is missing")
    with _Env(SALT_VARS, inp["env"]):
        salt = _upstream("get_salt", _SALT_KINDS, _up_settings.get_salt)
    # The suite's output shape (spec/vectors.md); upstream's default salt is
    # the literal "secretsalt" of get_salt.
    return {"salt": salt, "default": salt == "secretsalt"}


def redact_context(inp: dict) -> object:
    # Upstream's structlog processor, called directly on the context as its
    # event dict; it reads ELIZA_LOG_REDACT and ELIZA_LOG_REDACT_KEYS per call.
    # elizaos.logger has no public function that returns a redacted value
    # (its only public path renders log lines), so this is the one private
    # function the peer calls.
    if "context" not in inp:
        raise _fault("input member 'context' is missing")
    with _Env(REDACT_VARS, inp.get("env", {})):  # env is optional here
        return _upstream(
            "_redaction_processor", _NO_KINDS, _up_logger._redaction_processor, None, "info", inp["context"]  # noqa: SLF001
        )


HANDLERS = {
    "ids.string_to_uuid": ids_string_to_uuid,
    "envelope.open_v2": envelope_open,
    "envelope.open_v1": envelope_open,
    "envelope.malformed": envelope_open,
    "envelope.detect": envelope_detect,
    "envelope.migrate": envelope_migrate,
    "envelope.roundtrip": envelope_seal,
    "salt.policy": salt_policy,
    "redact.context": redact_context,
}
OP_HANDLERS = {"envelope.seal": envelope_seal, "envelope.open": envelope_open}


# ------------------------------------------------------------------ loop


def _run(msg: dict) -> dict:
    if "op" in msg:
        handler = OP_HANDLERS.get(msg["op"])
        if handler is None:
            return {"fault": "op not offered by this peer"}
    else:
        handler = HANDLERS.get(msg.get("suite"))
        if handler is None:
            return {"fault": "suite not declared by this peer"}
    inp = msg.get("input")
    if not isinstance(inp, dict):
        return {"fault": "input is not an object"}
    try:
        return {"output": handler(inp)}
    except Reply as r:
        return dict(r.result)
    except Exception as exc:  # noqa: BLE001 - a bug in this file is still a result
        return {"fault": f"peer error ({type(exc).__name__})"}


# The id of a run line that json cannot decode (e.g. nested too deeply for the
# recursion limit), so that the runner still gets its one result: the first
# "id" member precedes "input" in the runner's encoding, and case ids hold no quotes.
_RUN_ID = re.compile(rb'"id"\s*:\s*(\d+)')


def _reply(msg_id: object, result: dict) -> None:
    try:
        _send({"type": "result", "id": msg_id, **result})
    except Exception as exc:  # noqa: BLE001 - e.g. RecursionError on a deep output
        _send({"type": "result", "id": msg_id, "fault": f"reply not encodable ({type(exc).__name__})"})


def main() -> int:
    _send({"type": "hello", "protocol": 1, "peer": PEER, "suites": SUITES, "ops": OPS})
    for raw in sys.stdin.buffer:
        try:
            msg = json.loads(raw.decode("utf-8"))
        except Exception as exc:  # noqa: BLE001
            m = _RUN_ID.search(raw) if b'"run"' in raw else None
            if m is None:
                _note(f"ignored a line that is not JSON ({type(exc).__name__})")
            else:
                _reply(int(m.group(1)), {"fault": f"request not decodable ({type(exc).__name__})"})
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
            result = {"fault": f"peer error ({type(exc).__name__})"}
        _reply(msg["id"], result)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
