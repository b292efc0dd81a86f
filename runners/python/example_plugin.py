"""The example plugin of spec/example-plugin.md, in Python, against elizaos 2.0.0a5.

Served over IPC by plugin_server.py:

    runners/python/.venv/bin/python runners/python/plugin_server.py --module runners/python/example_plugin.py

It is an ``elizaos.Plugin`` of elizaos ``Action``, ``Provider`` and
``Evaluator`` objects whose handlers have elizaos's call shapes
(``handler(runtime, message, state, options, callback, responses)``,
``validate(runtime, message, state)``, ``get(runtime, message, state)``,
``init(config, runtime)``) and return elizaos's ``ActionResult`` and
``ProviderResult`` messages. ``UUID`` derives its UUID with elizaos's own
``string_to_uuid``. The plugin never prints.
"""

from __future__ import annotations

import asyncio
from typing import Any

from elizaos import Action, ActionResult, Evaluator, Plugin, Provider, ProviderResult
from elizaos.types.primitives import string_to_uuid

NAME = "interop-example"

# The manifest's version: elizaos's Plugin model has no version field, so the
# server reads the module's __version__.
__version__ = "1.0.0"

SLEEP_MAX_MS = 10000

# config["GREETING"] as plugin.init last received it.
_greeting = ""


def _text(message: Any) -> str:
    """memory.content.text, or "" when it is absent."""
    return message.content.text if message is not None else ""


async def _init(config: dict[str, Any], runtime: Any) -> None:
    global _greeting
    greeting = config.get("GREETING") if config else None
    _greeting = greeting if isinstance(greeting, str) else ""


async def _always(runtime: Any, message: Any, state: Any) -> bool:
    return True


async def _validate_echo(runtime: Any, message: Any, state: Any) -> bool:
    return _text(message) != ""


async def _echo(runtime: Any, message: Any, state: Any, options: Any, callback: Any, responses: Any) -> ActionResult:
    text = _text(message)
    return ActionResult(success=True, text=text, data={"echo": text})


async def _uuid(runtime: Any, message: Any, state: Any, options: Any, callback: Any, responses: Any) -> ActionResult:
    u = string_to_uuid(_text(message))
    return ActionResult(success=True, text=u, data={"uuid": u})


async def _fail(runtime: Any, message: Any, state: Any, options: Any, callback: Any, responses: Any) -> ActionResult:
    raise RuntimeError("example failure")


def _sleep_ms(options: Any) -> int:
    """options.ms: an integer (a JSON number with an integral value) from 0 to 10000."""
    ms = options.get("ms") if isinstance(options, dict) else None
    if isinstance(ms, bool) or not isinstance(ms, (int, float)):
        raise ValueError("bad sleep")
    if isinstance(ms, float) and not ms.is_integer():
        raise ValueError("bad sleep")
    if not 0 <= ms <= SLEEP_MAX_MS:
        raise ValueError("bad sleep")
    return int(ms)


async def _sleep(runtime: Any, message: Any, state: Any, options: Any, callback: Any, responses: Any) -> ActionResult:
    # Cancelling the call cancels this await, so the wait ends early.
    await asyncio.sleep(_sleep_ms(options) / 1000)
    return ActionResult(success=True, text="slept")


async def _provide(runtime: Any, message: Any, state: Any) -> ProviderResult:
    return ProviderResult(
        text="example provider",
        values={"plugin": NAME, "greeting": _greeting},
        data={"roomId": message.room_id},
    )


async def _validate_evaluator(runtime: Any, message: Any, state: Any) -> bool:
    return "evaluate" in _text(message)


async def _evaluate(
    runtime: Any, message: Any, state: Any, options: Any, callback: Any, responses: Any
) -> ActionResult:
    return ActionResult(success=True, text="evaluated", values={"evaluated": True})


plugin = Plugin(
    name=NAME,
    description="The interop example plugin: echo, uuid, fail, sleep, a provider and an evaluator.",
    init=_init,
    actions=[
        Action(name="ECHO", description="Replies with the message text.", handler=_echo, validate=_validate_echo),
        Action(
            name="UUID",
            description="Derives a UUID from the message text with stringToUuid.",
            handler=_uuid,
            validate=_always,
        ),
        Action(name="FAIL", description="Always fails.", handler=_fail, validate=_always),
        Action(
            name="SLEEP",
            description="Waits options.ms milliseconds, then replies.",
            handler=_sleep,
            validate=_always,
        ),
    ],
    providers=[Provider(name="EXAMPLE", description="A deterministic provider.", get=_provide)],
    evaluators=[
        Evaluator(
            name="EXAMPLE_EVALUATOR",
            description="Evaluates messages that ask for it.",
            handler=_evaluate,
            validate=_validate_evaluator,
        )
    ],
)
