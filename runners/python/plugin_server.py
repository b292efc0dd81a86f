#!/usr/bin/env python3
"""The IPC plugin server: serves one elizaOS Python plugin over spec/ipc.md.

    runners/python/.venv/bin/python runners/python/plugin_server.py --module MODULE_OR_PATH

MODULE_OR_PATH is a module name importable from sys.path, or the path of a .py
file. The plugin is the module's ``plugin`` attribute, else its ``default``:
an ``elizaos.Plugin`` (elizaos 2.0.0a5 from PyPI), whose actions, providers and
evaluators are elizaos ``Action``/``Provider``/``Evaluator`` objects.

Protocol (spec/ipc.md, protocol 1):

- The first stdout line is ``ready`` with the plugin's manifest and our
  ``interop`` extension (maxLineBytes 16 MiB, features evaluator.validate and
  cancel, ordered false).
- Requests are read from stdin as newline-delimited JSON and each one runs as
  its own asyncio task, so replies come back in any order; ``cancel`` cancels
  the task of the request it names and is never answered.
- Handlers are called as elizaos's runtime calls them, with no runtime (the
  child has none): ``validate(None, memory, state)``,
  ``handler(None, memory, state, options, None, None)``,
  ``get(None, memory, state)``, ``init(config, None)``.
- ``memory`` and ``state`` arrive TS-shaped (camelCase) and are converted to
  elizaos's protobuf ``Memory`` and ``State`` with protobuf's own
  ``json_format.ParseDict(..., ignore_unknown_fields=True)``; members of a
  State, its ``values`` or its ``data`` that the protobuf type does not
  declare go into that message's ``extra`` Struct, where elizaos's own runtime
  keeps them. ``options`` is passed as the JSON object it is (a dict, or None).
- Results (elizaos ``ActionResult``/``ProviderResult`` messages) are written
  with ``json_format.MessageToDict`` (camelCase; ``success`` always present);
  a dict result is written as it is. Integral numbers that protobuf's Struct
  turned into floats are written as integers. Lines are compact JSON, UTF-8.
- A handler exception is ``{"type":"error","id":…,"error":str(e)}``, with a
  ``details`` traceback only when ELIZA_INTEROP_DEBUG or LOG_DIAGNOSTIC is
  1/true/yes/on.

stdout carries protocol lines only: before elizaos or the plugin is imported,
the protocol stream becomes a private duplicate of file descriptor 1, and fd 1
and sys.stdout are pointed at stderr, so anything the plugin prints goes to
stderr. The server exits 0 at stdin EOF once every request in flight has
finished or been cancelled.
"""

from __future__ import annotations

import os
import sys

# ------------------------------------------------------------------ stdout guard
# Done first, before any import that could print: the protocol stream is a
# private (non-inheritable) duplicate of fd 1; fd 1 and sys.stdout go to stderr.
_PROTO_FD = os.dup(1)
os.dup2(2, 1)
sys.stdout = sys.stderr

import argparse  # noqa: E402
import asyncio  # noqa: E402
import importlib  # noqa: E402
import importlib.util  # noqa: E402
import inspect  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import stat  # noqa: E402
import threading  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Mapping  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

# A root handler on stderr first makes any later logging.basicConfig (elizaos's
# logger calls it with stream=sys.stdout at import time) a no-op.
logging.basicConfig(stream=sys.stderr, format="%(message)s", level=logging.WARNING)

PROTOCOL = 1
MAX_LINE_BYTES = 16 * 1024 * 1024  # 16777216, announced as maxLineBytes
FEATURES = ["evaluator.validate", "cancel"]
READ_CHUNK = 64 * 1024
DEFAULT_VERSION = "1.0.0"  # what upstream's bridge_server.py reports for a plugin without one

_TRUTHY = {"1", "true", "yes", "on"}


def _debug() -> bool:
    return any(
        os.environ.get(name, "").strip().lower() in _TRUTHY for name in ("ELIZA_INTEROP_DEBUG", "LOG_DIAGNOSTIC")
    )


def _note(msg: str) -> None:
    """A diagnostic line on stderr (never protocol)."""
    print(f"plugin_server: {msg}", file=sys.stderr, flush=True)


try:
    from google.protobuf import json_format as _json_format
    from google.protobuf.message import Message as _ProtoMessage

    from elizaos.types.components import ActionResult as _ActionResult
    from elizaos.types.memory import Memory as _Memory
    from elizaos.types.state import State as _State
except ImportError as _e:  # pragma: no cover - an environment without elizaos
    _note(f"requires the elizaos package (2.0.0a5) in the environment: {_e}")
    sys.exit(1)


# ------------------------------------------------------------------ output


class _Writer:
    """Writes protocol lines to the private protocol fd. All writes happen on the
    event loop's thread, one whole line per call, so lines never interleave."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._broken = False

    def send(self, msg: dict[str, Any]) -> None:
        data = (
            json.dumps(msg, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_json_default) + "\n"
        ).encode("utf-8")
        self._write(data)

    def _write(self, data: bytes) -> None:
        if self._broken:
            return
        view = memoryview(data)
        try:
            while view:
                n = os.write(self._fd, view)
                view = view[n:]
        except OSError as e:
            self._broken = True
            _note(f"stdout is closed ({type(e).__name__}); no more replies are written")


def _json_default(value: Any) -> Any:
    """json.dumps fallback for values nested in a dict result."""
    if isinstance(value, _ProtoMessage):
        return _message_to_json(value)
    dump = getattr(value, "model_dump", None)  # pydantic models
    if callable(dump):
        return dump(mode="json", by_alias=True, exclude_none=True)
    raise TypeError(f"a value of type {type(value).__name__} has no JSON form")


_SAFE_INT = 2**53 - 1


def _integral(value: Any) -> Any:
    """Struct holds every number as a double, so MessageToDict gives 1.0 for 1;
    write integral doubles within the safe range as integers, as JavaScript does."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= _SAFE_INT:
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


def _message_to_json(msg: _ProtoMessage) -> Any:
    return _integral(_json_format.MessageToDict(msg, preserving_proto_field_name=False))


def _result_to_json(result: Any) -> Any:
    """An ActionResult or ProviderResult as its TS-shaped JSON object."""
    if isinstance(result, _ProtoMessage):
        out = _message_to_json(result)
        if isinstance(result, _ActionResult):
            # proto3 `success` has no presence, so MessageToDict leaves out false.
            out["success"] = bool(result.success)
        return out
    if isinstance(result, Mapping):
        # Python's None members are absent values (spec/ipc.md).
        return {k: v for k, v in result.items() if v is not None}
    dump = getattr(result, "model_dump", None)
    if callable(dump):
        return dump(mode="json", by_alias=True, exclude_none=True)
    raise TypeError(f"the handler returned a {type(result).__name__}, not a result")


# ------------------------------------------------------------------ input


def _camel_fields(descriptor: Any) -> set[str]:
    # The TS-shaped (JSON) names a message declares; `extra` is the protobuf
    # catch-all, never a TS member, so a TS key "extra" is itself an extra.
    return {f.json_name for f in descriptor.fields if f.name != "extra"}


_STATE_FIELDS = _camel_fields(_State.DESCRIPTOR)
_STATE_VALUES_FIELDS = _camel_fields(_State.DESCRIPTOR.fields_by_name["values"].message_type)
_STATE_DATA_FIELDS = _camel_fields(_State.DESCRIPTOR.fields_by_name["data"].message_type)


def _split_extra(obj: Mapping[str, Any], declared: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for k, v in obj.items():
        if k in declared:
            out[k] = v
        else:
            extra[k] = v
    if extra:
        out["extra"] = extra
    return out


def _string_fields(descriptor: Any) -> dict[str, str]:
    """JSON name to field name of a message's singular string fields."""
    return {f.json_name: f.name for f in descriptor.fields if f.type == f.TYPE_STRING and not f.is_repeated}


_MEMORY_STRINGS = _string_fields(_Memory.DESCRIPTOR)
_CONTENT_STRINGS = _string_fields(_Memory.DESCRIPTOR.fields_by_name["content"].message_type)
_Content = type(_Memory().content)
_INT64 = (-(2**63), 2**63 - 1)


def _memory_fast(value: Mapping[str, Any]) -> Any:
    """The Memory of the common shape (string members, an integer createdAt, a
    content of string members) built directly: ParseDict is most of the cost
    of a small call. None for any other shape, which ParseDict then reads."""
    kwargs: dict[str, Any] = {}
    for key, v in value.items():
        if key == "content":
            if type(v) is not dict:
                return None
            content: dict[str, str] = {}
            for ckey, cv in v.items():
                name = _CONTENT_STRINGS.get(ckey)
                if name is None or type(cv) is not str:
                    return None
                content[name] = cv
            kwargs["content"] = content
        elif key == "createdAt":
            if type(v) is not int or not _INT64[0] <= v <= _INT64[1]:
                return None
            kwargs["created_at"] = v
        else:
            name = _MEMORY_STRINGS.get(key)
            if name is None or type(v) is not str:
                return None
            kwargs[name] = v
    try:
        if "content" in kwargs:
            kwargs["content"] = _Content(**kwargs["content"])
        return _Memory(**kwargs)
    except Exception:  # noqa: BLE001 - ParseDict gives the error its own words
        return None


def _memory_from_json(value: Any) -> Any:
    if not isinstance(value, Mapping):
        raise TypeError("memory is not a JSON object")
    memory = _memory_fast(value)
    if memory is not None:
        return memory
    return _json_format.ParseDict(value, _Memory(), ignore_unknown_fields=True)


def _state_from_json(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError("state is not a JSON object or null")
    obj = _split_extra(value, _STATE_FIELDS)
    if isinstance(obj.get("values"), Mapping):
        obj["values"] = _split_extra(obj["values"], _STATE_VALUES_FIELDS)
    if isinstance(obj.get("data"), Mapping):
        obj["data"] = _split_extra(obj["data"], _STATE_DATA_FIELDS)
    return _json_format.ParseDict(obj, _State(), ignore_unknown_fields=True)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_line(line: bytes) -> Any:
    return json.loads(line.decode("utf-8"), parse_constant=_reject_constant)


# ------------------------------------------------------------------ the plugin


def load_plugin(spec: str) -> tuple[Any, Any]:
    """Imports MODULE_OR_PATH and returns (module, plugin)."""
    path = Path(spec)
    if spec.endswith(".py") or os.sep in spec or (os.altsep and os.altsep in spec):
        path = path.resolve()
        if not path.is_file():
            raise RuntimeError(f"Failed to load plugin: no file {spec}")
        # Its directory first on sys.path, so that the plugin's own sibling imports work.
        sys.path.insert(0, str(path.parent))
        name = path.stem
        mod_spec = importlib.util.spec_from_file_location(name, path)
        if mod_spec is None or mod_spec.loader is None:
            raise RuntimeError(f"Failed to load plugin: cannot import {spec}")
        module = importlib.util.module_from_spec(mod_spec)
        sys.modules[name] = module
        mod_spec.loader.exec_module(module)
    else:
        module = importlib.import_module(spec)
    plugin = getattr(module, "plugin", None)
    if plugin is None:
        plugin = getattr(module, "default", None)
    if plugin is None:
        raise RuntimeError(f"Module {spec} has no plugin export")
    return module, plugin


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def build_manifest(module: Any, plugin: Any) -> dict[str, Any]:
    """The ready line's manifest (types.ts PluginManifest), absent members left out."""
    version = getattr(plugin, "version", None) or getattr(module, "__version__", None) or DEFAULT_VERSION
    manifest: dict[str, Any] = {
        "name": plugin.name,
        "description": plugin.description,
        "version": version,
        "language": "python",
    }
    config = getattr(plugin, "config", None)
    if config:
        manifest["config"] = dict(config)
    dependencies = getattr(plugin, "dependencies", None)
    if dependencies:
        manifest["dependencies"] = list(dependencies)
    actions = getattr(plugin, "actions", None) or []
    if actions:
        manifest["actions"] = [
            _drop_none(
                {
                    "name": a.name,
                    "description": a.description,
                    "similes": list(a.similes) if getattr(a, "similes", None) else None,
                }
            )
            for a in actions
        ]
    providers = getattr(plugin, "providers", None) or []
    if providers:
        manifest["providers"] = [
            _drop_none(
                {
                    "name": p.name,
                    "description": getattr(p, "description", None),
                    "dynamic": getattr(p, "dynamic", None),
                    "position": getattr(p, "position", None),
                    "private": getattr(p, "private", None),
                }
            )
            for p in providers
        ]
    evaluators = getattr(plugin, "evaluators", None) or []
    if evaluators:
        manifest["evaluators"] = [
            _drop_none(
                {
                    "name": e.name,
                    "description": e.description,
                    "alwaysRun": getattr(e, "always_run", None),
                    "similes": list(e.similes) if getattr(e, "similes", None) else None,
                }
            )
            for e in evaluators
        ]
    return manifest


def _by_name(items: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items or []:
        name = getattr(item, "name", None)
        if isinstance(name, str) and name not in out:
            out[name] = item
    return out


async def _call(fn: Any, *args: Any) -> Any:
    """Calls a handler; awaits what it returns when that is awaitable."""
    result = fn(*args)
    if inspect.isawaitable(result):
        result = await result
    return result


# ------------------------------------------------------------------ the server


class PluginServer:
    def __init__(self, plugin: Any, writer: _Writer) -> None:
        self.plugin = plugin
        self.out = writer
        self.actions = _by_name(getattr(plugin, "actions", None))
        self.providers = _by_name(getattr(plugin, "providers", None))
        self.evaluators = _by_name(getattr(plugin, "evaluators", None))
        self.inflight: dict[str, asyncio.Task[None]] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        self.handlers = {
            "plugin.init": self._init,
            "action.validate": self._action_validate,
            "action.invoke": self._action_invoke,
            "provider.get": self._provider_get,
            "evaluator.validate": self._evaluator_validate,
            "evaluator.invoke": self._evaluator_invoke,
        }

    # ---------------------------------------------------------- replies

    def error(self, req_id: str, message: str, details: str | None = None) -> None:
        msg: dict[str, Any] = {"type": "error", "id": req_id, "error": message}
        if details is not None and _debug():
            msg["details"] = details
        self.out.send(msg)

    def _too_long(self) -> None:
        self.error("", f"request line longer than maxLineBytes ({MAX_LINE_BYTES}); discarded")

    # ---------------------------------------------------------- dispatch

    def handle_line(self, line: bytes) -> None:
        if not line.strip():
            return
        try:
            msg = _parse_line(line)
        except Exception as e:  # noqa: BLE001 - any failure to read the line
            self.error("", f"JSON parse error: {e}", traceback.format_exc())
            return
        if not isinstance(msg, dict):
            self.error("", "request is not a JSON object")
            return
        req_id = msg.get("id")
        req_type = msg.get("type")
        if not isinstance(req_id, str):
            self.error("", f"request of type {req_type!r} has no string id")
            return
        if req_type == "cancel":
            task = self.inflight.get(req_id)
            if task is not None:
                task.cancel()
            return
        handler = self.handlers.get(req_type) if isinstance(req_type, str) else None
        if handler is None:
            self.error(req_id, f"Unknown request type: {req_type}")
            return
        # Run the handler at once: most finish without waiting, and then
        # need no task (a task costs more than the work of a small call).
        # One that waits goes on as a task, from where it stopped.
        coro = self._run(req_id, handler, msg)
        try:
            first = coro.send(None)
        except StopIteration:
            return
        except BaseException:  # pragma: no cover - _run catches the handler's exceptions
            coro.close()
            raise
        task = asyncio.get_running_loop().create_task(_resume(coro, first))
        self.inflight[req_id] = task
        self.tasks.add(task)
        task.add_done_callback(lambda t, i=req_id: self._done(i, t))

    def _done(self, req_id: str, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        if self.inflight.get(req_id) is task:
            del self.inflight[req_id]

    async def _run(self, req_id: str, handler: Any, msg: dict[str, Any]) -> None:
        try:
            reply = await handler(msg)
        except asyncio.CancelledError:
            # Abandoned at the host's request: no reply (spec/ipc.md, cancel).
            raise
        except (Exception, SystemExit) as e:  # noqa: BLE001 - the plugin's failure is the reply
            self.error(req_id, str(e) or type(e).__name__, traceback.format_exc())
            return
        reply = {"type": reply.pop("type"), "id": req_id, **reply}
        try:
            self.out.send(reply)
        except Exception as e:  # noqa: BLE001 - a result with no JSON form fails its own call
            self.error(req_id, f"could not write the result: {e}", traceback.format_exc())

    # ---------------------------------------------------------- requests

    async def _init(self, msg: dict[str, Any]) -> dict[str, Any]:
        config = msg.get("config")
        if config is None:
            config = {}
        if not isinstance(config, dict):
            raise TypeError("config is not a JSON object")
        init = getattr(self.plugin, "init", None)
        if init is not None:
            await _call(init, config, None)
        return {"type": "plugin.init.result", "success": True}

    async def _action_validate(self, msg: dict[str, Any]) -> dict[str, Any]:
        action = self.actions.get(msg.get("action"))  # type: ignore[arg-type]
        if action is None:
            return {"type": "validate.result", "valid": False}
        memory = _memory_from_json(msg.get("memory"))
        state = _state_from_json(msg.get("state"))
        valid = await _call(action.validate, None, memory, state)
        return {"type": "validate.result", "valid": bool(valid)}

    async def _action_invoke(self, msg: dict[str, Any]) -> dict[str, Any]:
        name = msg.get("action")
        action = self.actions.get(name)  # type: ignore[arg-type]
        if action is None:
            return {"type": "action.result", "result": {"success": False, "error": f"Action not found: {name}"}}
        memory = _memory_from_json(msg.get("memory"))
        state = _state_from_json(msg.get("state"))
        options = msg.get("options")
        if options is not None and not isinstance(options, dict):
            raise TypeError("options is not a JSON object or null")
        result = await _call(action.handler, None, memory, state, options, None, None)
        if result is None:
            # A handler that returns nothing succeeded (as upstream's Node runner reads it).
            return {"type": "action.result", "result": {"success": True}}
        return {"type": "action.result", "result": _result_to_json(result)}

    async def _provider_get(self, msg: dict[str, Any]) -> dict[str, Any]:
        provider = self.providers.get(msg.get("provider"))  # type: ignore[arg-type]
        if provider is None:
            return {"type": "provider.result", "result": {"text": None, "values": None, "data": None}}
        memory = _memory_from_json(msg.get("memory"))
        state = _state_from_json(msg.get("state"))
        result = await _call(provider.get, None, memory, state)
        return {"type": "provider.result", "result": {} if result is None else _result_to_json(result)}

    async def _evaluator_validate(self, msg: dict[str, Any]) -> dict[str, Any]:
        evaluator = self.evaluators.get(msg.get("evaluator"))  # type: ignore[arg-type]
        if evaluator is None:
            return {"type": "validate.result", "valid": False}
        memory = _memory_from_json(msg.get("memory"))
        state = _state_from_json(msg.get("state"))
        valid = await _call(evaluator.validate, None, memory, state)
        return {"type": "validate.result", "valid": bool(valid)}

    async def _evaluator_invoke(self, msg: dict[str, Any]) -> dict[str, Any]:
        evaluator = self.evaluators.get(msg.get("evaluator"))  # type: ignore[arg-type]
        if evaluator is None:
            return {"type": "action.result", "result": None}
        memory = _memory_from_json(msg.get("memory"))
        state = _state_from_json(msg.get("state"))
        result = await _call(evaluator.handler, None, memory, state, None, None, None)
        return {"type": "action.result", "result": None if result is None else _result_to_json(result)}

    # ---------------------------------------------------------- input loop

    async def serve(self, chunks: asyncio.Queue[bytes]) -> None:
        """Reads chunks from the queue until EOF (an empty chunk), then waits
        for the calls still running."""
        split = _LineSplitter(self)
        while True:
            chunk = await chunks.get()
            if not chunk:
                break
            split.feed(chunk)
            # Let the tasks just created start before the next chunk is split.
            await asyncio.sleep(0)
        split.eof()
        await self.drain()

    async def drain(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)


class _Resumed:
    """Awaits a coroutine that has already run up to its first suspension,
    passing its suspensions to the task that awaits this, and the task's
    wake-ups and cancellations back to it."""

    __slots__ = ("coro", "first")

    def __init__(self, coro: Any, first: Any) -> None:
        self.coro = coro
        self.first = first

    def __await__(self) -> Any:
        coro, yielded = self.coro, self.first
        while True:
            try:
                sent = yield yielded
            except BaseException as e:  # noqa: BLE001 - forwarded, cancellation included
                try:
                    yielded = coro.throw(e)
                except StopIteration as stop:
                    return stop.value
                continue
            try:
                yielded = coro.send(sent)
            except StopIteration as stop:
                return stop.value


async def _resume(coro: Any, first: Any) -> Any:
    return await _Resumed(coro, first)


class _LineSplitter:
    """Splits input into lines of at most MAX_LINE_BYTES, not counting the line
    end (`\n` or `\r\n`), and hands each to the server. A longer line is
    answered with one error with id "" (as soon as it is known to be too long)
    and the rest of it is read and discarded; buffering never holds more than
    the limit plus one read chunk."""

    def __init__(self, server: PluginServer) -> None:
        self.server = server
        self.buf = bytearray()
        self.discarding = False

    def feed(self, chunk: bytes) -> None:
        buf = self.buf
        start = 0
        while True:
            nl = chunk.find(b"\n", start)
            end = len(chunk) if nl < 0 else nl
            if not self.discarding:
                if not buf and nl >= 0 and end - start <= MAX_LINE_BYTES:
                    # A whole line inside the chunk: no copy into the buffer.
                    line = chunk[start:end]
                    start = nl + 1
                    self.server.handle_line(line)
                    continue
                buf += chunk[start:end]
                # One byte of slack while the line is open: it may be a `\r`.
                if len(buf) > MAX_LINE_BYTES + 1 or (nl >= 0 and len(buf) - buf.endswith(b"\r") > MAX_LINE_BYTES):
                    buf.clear()
                    self.discarding = True
                    self.server._too_long()
            if nl < 0:
                return
            if self.discarding:
                self.discarding = False
            else:
                line = bytes(buf)
                buf.clear()
                self.server.handle_line(line)
            start = nl + 1

    def eof(self) -> None:
        buf = self.buf
        if buf and not self.discarding:
            # A last line without a newline.
            if len(buf) - buf.endswith(b"\r") > MAX_LINE_BYTES:
                self.server._too_long()
            else:
                self.server.handle_line(bytes(buf))
        buf.clear()


# Calls in flight before the server stops reading (back-pressure).
MAX_INFLIGHT = 1024


async def _serve_pipe(server: PluginServer) -> bool:
    """Reads a pipe on stdin from the event loop itself, without a thread
    (a thread hand-off costs more than a small call). Returns False when
    stdin is not a pipe; then the caller reads it on a thread. Only a pipe
    is made non-blocking: the mode belongs to the open file, which a
    terminal or a file shares with other processes."""
    try:
        if not stat.S_ISFIFO(os.fstat(0).st_mode):
            return False
        os.set_blocking(0, False)
    except OSError:
        return False
    loop = asyncio.get_running_loop()
    split = _LineSplitter(server)
    done = loop.create_future()
    reading = True

    def on_readable() -> None:
        nonlocal reading
        while True:
            try:
                data = os.read(0, READ_CHUNK)
            except BlockingIOError:
                break
            except InterruptedError:
                continue
            except OSError as e:
                _note(f"reading stdin failed ({type(e).__name__}); treated as EOF")
                data = b""
            if not data:
                loop.remove_reader(0)
                if not done.done():
                    done.set_result(None)
                return
            split.feed(data)
            if len(server.tasks) >= MAX_INFLIGHT:
                loop.remove_reader(0)
                reading = False
                loop.create_task(resume_reading())
                return

    async def resume_reading() -> None:
        nonlocal reading
        while len(server.tasks) >= MAX_INFLIGHT // 2:
            await asyncio.wait(list(server.tasks), return_when=asyncio.FIRST_COMPLETED)
        reading = True
        loop.add_reader(0, on_readable)

    loop.add_reader(0, on_readable)
    try:
        await done
    finally:
        if reading:
            loop.remove_reader(0)
    split.eof()
    await server.drain()
    return True


def _start_reader(loop: asyncio.AbstractEventLoop, chunks: asyncio.Queue[bytes]) -> None:
    """Reads fd 0 on a thread (files and terminals) and hands chunks to the
    loop; the queue is bounded, so reading waits when the loop falls behind.
    An empty chunk is EOF."""

    def run() -> None:
        while True:
            try:
                data = os.read(0, READ_CHUNK)
            except InterruptedError:
                continue
            except OSError as e:
                _note(f"reading stdin failed ({type(e).__name__}); treated as EOF")
                data = b""
            try:
                asyncio.run_coroutine_threadsafe(chunks.put(data), loop).result()
            except Exception:  # noqa: BLE001 - the loop is gone
                return
            if not data:
                return

    threading.Thread(target=run, name="plugin-server-stdin", daemon=True).start()


async def _main_async(plugin: Any, manifest: dict[str, Any], writer: _Writer) -> None:
    writer.send(
        {
            "type": "ready",
            "manifest": manifest,
            "interop": {"protocol": PROTOCOL, "maxLineBytes": MAX_LINE_BYTES, "features": FEATURES, "ordered": False},
        }
    )
    server = PluginServer(plugin, writer)
    if await _serve_pipe(server):
        return
    chunks: asyncio.Queue[bytes] = asyncio.Queue(maxsize=16)
    _start_reader(asyncio.get_running_loop(), chunks)
    await server.serve(chunks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve an elizaOS Python plugin over the IPC protocol (spec/ipc.md).")
    parser.add_argument("--module", "-m", required=True, help="a module name importable from sys.path, or a .py file")
    args = parser.parse_args(argv)
    try:
        module, plugin = load_plugin(args.module)
        manifest = build_manifest(module, plugin)
    except Exception:  # noqa: BLE001 - no ready line: the host fails the start with our stderr
        traceback.print_exc(file=sys.stderr)
        return 1
    writer = _Writer(_PROTO_FD)
    asyncio.run(_main_async(plugin, manifest, writer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
