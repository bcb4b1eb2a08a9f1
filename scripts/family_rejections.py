"""What each upstream behind the scripted family gateway rejects, with its documented error.

A request our request shaper should have fixed gets the 400 a user would get
(docs/gateway-behaviour.md §5, §6, §7, §9); the cassette builder fails on any. Messages are the
upstreams' own where public issues quote them, else a plain statement of the rule.
"""

from __future__ import annotations

from typing import Any

from tests.integration.families._families import Family

Json = dict[str, Any]
ROLES = ("system", "developer", "user", "assistant", "tool", "function")


def rejection(family: Family, body: Json) -> str | None:
    """The documented 400s of each upstream (docs/gateway-behaviour.md §5, §7, §9).

    The first match wins.
    """
    stream = bool(body.get("stream"))
    messages: list[Json] = body["messages"]
    roles = sorted({str(m.get("role")) for m in messages} - set(ROLES))
    rules: list[tuple[bool, str]] = [
        (
            bool(roles),
            f"Invalid value: '{roles[0] if roles else ''}'. Supported values are: 'system', "
            "'assistant', 'user', "
            "'function', 'tool', and 'developer'.",
        ),
        (
            "max_tokens" in body and "max_completion_tokens" in body,
            "max_tokens and max_completion_tokens cannot both be set",
        ),
    ]
    orphan = _orphan_tool_message(messages)
    if family.relay.startswith("gemini"):
        # The converter finds the function name through the call id (docs/gateway-behaviour.md §6).
        orphan_error = "function_response.name: Name cannot be empty."
    else:
        orphan_error = (
            "Invalid parameter: messages with role 'tool' must be a response to a preceding "
            "message with 'tool_calls'."
        )
    rules.append((orphan is not None, orphan_error))
    if "max_completion_tokens" in family.request:  # OpenAI reasoning models (§5)
        rules += [
            (
                "max_tokens" in body,
                "Unsupported parameter: 'max_tokens' is not supported with this model. "
                "Use 'max_completion_tokens' instead.",
            ),
            (
                body.get("temperature") not in (None, 1),
                "Unsupported value: 'temperature' does not support 0.0 with this model. "
                "Only the default (1) value is supported.",
            ),
        ]
    if family.relay == "new-api-zhipu":  # GLM's open intervals, code 1214 (§9)
        temperature, top_p = body.get("temperature"), body.get("top_p")
        rules.append(
            (
                temperature in (0, 0.0) or top_p in (0, 0.0, 1, 1.0),
                "temperature and top_p must be inside (0, 1) (code 1214)",
            )
        )
    if family.relay == "new-api-ali":  # Qwen (§5, §7)
        rules += [
            (
                any(m.get("role") == "developer" for m in messages),
                "Role must be in [system, user, assistant, tool]",
            ),
            (
                "top_p" not in body,
                "top_p参数非法：限制小数点[2]位 (new-api injected top_p=0.001)",
            ),
            (
                family.thinks and not stream and body.get("enable_thinking") is not False,
                "parameter.enable_thinking must be set to false for non-streaming calls",
            ),
        ]
    if family.relay in ("claude-one-api", "claude-new-api"):  # Anthropic Messages (§9)
        rules.append((_claude_problem(messages) is not None, str(_claude_problem(messages))))
    if family.relay == "new-api-baidu":  # ERNIE (§9)
        turns = [m for m in messages if m.get("role") != "system"]
        rules.append((len(turns) % 2 == 0, "the length of messages must be an odd number"))
    if family.relay == "new-api-deepseek":  # DeepSeek (§7, §9)
        fmt = body.get("response_format") or {}
        rules.append(
            (fmt.get("type") == "json_schema", "This response_format type is unavailable now")
        )
        if family.thinks:
            for number, message in enumerate(messages):
                missing = message.get("tool_calls") and "reasoning_content" not in message
                rules.append(
                    (
                        bool(missing),
                        "Missing `reasoning_content` field in the assistant message at "
                        f"message index {number}",
                    )
                )
    return next((message for broken, message in rules if broken), None)


def _orphan_tool_message(messages: list[Json]) -> int | None:
    """The position of a tool message whose `tool_call_id` no earlier assistant call has."""
    known: set[str] = set()
    for number, message in enumerate(messages):
        for call in message.get("tool_calls") or []:
            known.add(call.get("id"))
        if message.get("role") == "tool" and message.get("tool_call_id") not in known:
            return number
    return None


def _claude_problem(messages: list[Json]) -> str | None:
    roles = []
    for number, message in enumerate(messages):
        role = message.get("role")
        if role == "system":
            if number != 0:
                return 'messages: Unexpected role "system"'
            continue
        role = "user" if role == "tool" else role
        if roles and roles[-1] == role and message.get("role") != "tool":
            return f'messages: roles must alternate, but found multiple "{role}" roles in a row'
        roles.append(role)
    if roles and roles[0] != "user":
        return "messages: first message must use the user role"
    return None
