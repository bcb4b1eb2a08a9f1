"""Every model family of the catalogue, the conversation each is put through, and what it proves.

Shared by the replayed tests (`test_*_families.py`) and by the builder that writes their cassettes
(`scripts/build_family_cassettes.py`). The builder's scripted gateway answers with the texts,
tool calls and token counts below, in each family's wire shape as one-api/new-api emit it
(`docs/gateway-behaviour.md` §3-§9); the tests check that both frameworks surface exactly this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final, Literal

GATEWAY: Final = "https://gateway.aimhub.test/v1"
#: Not a secret: the scripted gateway takes any key, and cassettes never hold it.
KEY: Final = "sk-test"
CREATED: Final = 1740830400  # 2025-03-01T12:00:00Z

# --- what the client asks --------------------------------------------------------------------

SYSTEM: Final = "You are a terse assistant."
HELLO: Final = "Say hello."
SECOND_SYSTEM: Final = "Answer in English."
SECOND_USER: Final = "Please."
WEATHER_QUESTION: Final = "What's the weather in Paris, and what time is it there?"
IMAGE_QUESTION: Final = "What is in this image?"
#: The image of the request in VMAN's API docs (a public PNG logo).
IMAGE_URL: Final = (
    "https://github.com/dianping/cat/raw/master/cat-home/src/main/webapp/images/logo/cat_logo03.png"
)
WEATHER_RESULT: Final = '{"city": "Paris", "temperature_c": 22, "sky": "sunny"}'
TIME_RESULT: Final = "14:05"
TEMPERATURE: Final = 0.0
MAX_TOKENS: Final = 256

WEATHER_TOOL: Final[dict[str, Any]] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "City name."}},
            "required": ["city"],
        },
    },
}
TIME_TOOL: Final[dict[str, Any]] = {
    "type": "function",
    "function": {
        "name": "get_time",
        "description": "Local time in Paris.",
        "parameters": {"type": "object", "properties": {}},
    },
}

# --- what the upstream models answer ---------------------------------------------------------

HELLO_TEXT: Final = "Hello! How can I help?"
#: A tool-calling turn: the weather in Paris, and a tool without arguments
#: (docs/gateway-behaviour.md §6 (e)).
TOOL_CALLS: Final[tuple[tuple[str, dict[str, Any]], ...]] = (
    ("get_weather", {"city": "Paris"}),
    ("get_time", {}),
)
TOOL_ANSWER: Final = "It is 22 °C and sunny in Paris, and the time there is 14:05."
NO_TOOLS_TEXT: Final = "I cannot look up live weather, but Paris is usually mild in spring."
IMAGE_TEXT: Final = "A cartoon cat's face: the logo of the CAT monitoring project."
REASONING: Final = "The user greets me. A short greeting is enough."
TOOL_REASONING: Final = "I need the Paris weather and the local time: two tool calls."


@dataclass(frozen=True)
class Tokens:
    """Token counts as the upstream reports them."""

    prompt: int
    completion: int
    reasoning: int | None = None
    cached: int | None = None

    def usage_metadata(self) -> dict[str, Any]:
        """The LangChain `usage_metadata` these counts must become."""
        out: dict[str, Any] = {
            "input_tokens": self.prompt,
            "output_tokens": self.completion,
            "total_tokens": self.prompt + self.completion,
        }
        if self.cached is not None:
            out["input_token_details"] = {"cache_read": self.cached}
        if self.reasoning is not None:
            out["output_token_details"] = {"reasoning": self.reasoning}
        return out


PLAIN_TOKENS: Final = Tokens(14, 6)
#: OpenAI always details cached and reasoning tokens, zeros included.
OPENAI_TOKENS: Final = Tokens(14, 6, reasoning=0, cached=0)
#: OpenAI reasoning models bill hidden reasoning; its text never reaches Chat Completions.
HIDDEN_REASONING_TOKENS: Final = Tokens(14, 70, reasoning=64, cached=0)
#: Upstreams that report visible reasoning inside `completion_tokens` without a breakdown.
THINKING_TOKENS: Final = Tokens(14, 18)
#: DeepSeek reports cache hits as `prompt_cache_hit_tokens` (docs/gateway-behaviour.md §4).
DEEPSEEK_TOKENS: Final = Tokens(14, 6, cached=8)
DEEPSEEK_REASONING_TOKENS: Final = Tokens(14, 18, reasoning=12, cached=8)
#: new-api's local estimate (about 4 characters a token) for channels whose
#: `stream_options` it strips: the synthetic usage-only chunk of docs/gateway-behaviour.md §4.
ESTIMATED_TOKENS: Final = Tokens(13, 6)
ESTIMATED_REASONING_TOKENS: Final = Tokens(13, 18)

# --- the families ----------------------------------------------------------------------------

Case = Literal["plain", "stream", "tools", "image", "roles", "tools_ignored"]
BASIC: Final[frozenset[Case]] = frozenset({"plain", "stream"})
#: The catalogue's chat families whose channels forward tools.
WITH_TOOLS: Final[frozenset[Case]] = BASIC | {"tools"}

#: How the scripted gateway relays a family (the builder's renderers, one per relay path).
Relay = Literal[
    "openai",  # new-api OpenAI channel: the upstream's own Chat Completions (allow-listed usage)
    "openai-compatible",  # one-api OpenAI-compatible channel (include_usage forced)
    "moonshot",  # one-api passthrough of Moonshot's Chat Completions
    "claude-one-api",  # one-api Anthropic converter (Feb 2025)
    "claude-new-api",  # new-api Anthropic converter (<= Apr 2025)
    "gemini-one-api",  # one-api Gemini converter
    "gemini-new-api",  # new-api Gemini converter (Apr 2025)
    "gemini-openai",  # Google's own OpenAI-compatible endpoint relayed as an OpenAI channel
    # new-api channels outside its `stream_options` allow-list: usage estimated when streamed.
    "new-api-ali",
    "new-api-baidu",
    "new-api-zhipu",
    "new-api-tencent",
    "new-api-xunfei",
    "new-api-deepseek",
    # new-api OpenAI channel with "thinking to content" on: reasoning inside `<think>` tags.
    "new-api-think-to-content",
]


@dataclass(frozen=True)
class Family:
    """One model family as one gateway relays it, and what its replayed tests must see."""

    id: str
    model: str
    relay: Relay
    #: docs/gateway-behaviour.md sections its cassettes follow: the provenance line.
    quirks: str
    cases: frozenset[Case]
    #: `model` in non-streamed answers (the upstream's snapshot name, or the gateway's label).
    served_as: str = ""
    #: `model` in streamed chunks, when the gateway writes its own (`gemini`, `ernie-bot`).
    streamed_as: str = ""
    #: Whether non-streamed answers name a model at all (new-api's Xunfei converter: no).
    reply_has_model: bool = True
    #: Shaped fields every request of the plain/stream/tool cases carries (beyond `model`).
    request: dict[str, Any] = field(
        default_factory=lambda: {"temperature": TEMPERATURE, "max_tokens": MAX_TOKENS}
    )
    #: Fields no request may carry.
    absent: tuple[str, ...] = ("max_completion_tokens",)
    tokens: Tokens = PLAIN_TOKENS
    #: Usage of a streamed reply: None when the relay sends none (one-api Claude and Gemini).
    stream_tokens: Tokens | None = PLAIN_TOKENS
    #: The upstream streams reasoning text (`reasoning_content`, Claude thinking).
    thinks: bool = False
    #: Reasoning text on non-streamed replies too (Qwen3 thinks only when streamed).
    thinks_unstreamed: bool = True
    #: Whether the reasoning of a tool-calling turn goes back on the next turn
    #: (docs/gateway-behaviour.md §7).
    echo: bool = False
    #: Streamed reasoning ends with this: new-api turns Claude's `signature_delta` into `"\n"`.
    signature: str = ""
    #: How many of the two tool calls the relay keeps in a non-streamed answer.
    kept_calls: int = 2
    #: Whether streamed answers carry the tool calls at all (one-api's Gemini stream: none).
    streams_calls: bool = True
    #: The native finish reason of a non-streamed tool-calling answer.
    tool_finish: str = "tool_calls"

    @property
    def reply_model(self) -> str:
        return self.served_as or self.model

    @property
    def stream_model(self) -> str:
        return self.streamed_as or self.reply_model

    def __str__(self) -> str:
        return self.id


_REASONING_REQUEST: Final = {"max_completion_tokens": MAX_TOKENS}
_QWEN_REQUEST: Final = {"temperature": TEMPERATURE, "top_p": 0.8, "max_tokens": MAX_TOKENS}

FAMILIES: Final[tuple[Family, ...]] = (
    # OpenAI through new-api's OpenAI channel: the upstream's own shapes.
    Family(
        "gpt-3.5-turbo",
        "gpt-3.5-turbo",
        "openai",
        "§3 §4 §6",
        WITH_TOOLS,
        served_as="gpt-3.5-turbo-0125",
        tokens=OPENAI_TOKENS,
        stream_tokens=OPENAI_TOKENS,
    ),
    Family(
        "gpt-4",
        "gpt-4",
        "openai",
        "§3 §4 §6",
        WITH_TOOLS,
        served_as="gpt-4-0613",
        tokens=OPENAI_TOKENS,
        stream_tokens=OPENAI_TOKENS,
    ),
    Family(
        "gpt-4o",
        "gpt-4o",
        "openai",
        "§3 §4 §6",
        WITH_TOOLS | {"image"},
        served_as="gpt-4o-2024-08-06",
        tokens=OPENAI_TOKENS,
        stream_tokens=OPENAI_TOKENS,
    ),
    Family(
        "o-series",
        "o4-mini",
        "openai",
        "§4 §5 §6 §7",
        WITH_TOOLS | {"image"},
        served_as="o4-mini-2025-04-16",
        request=_REASONING_REQUEST,
        absent=("max_tokens", "temperature"),
        tokens=HIDDEN_REASONING_TOKENS,
        stream_tokens=HIDDEN_REASONING_TOKENS,
    ),
    Family(
        "gpt-5",
        "gpt-5",
        "openai",
        "§4 §5 §6 §7",
        WITH_TOOLS | {"image"},
        served_as="gpt-5-2025-08-07",
        request=_REASONING_REQUEST,
        absent=("max_tokens", "temperature"),
        tokens=HIDDEN_REASONING_TOKENS,
        stream_tokens=HIDDEN_REASONING_TOKENS,
    ),
    # Claude: one-api's converter (no stream usage, `finish_reason: ""`), new-api's (no `index`).
    Family(
        "claude-2",
        "claude-2.1",
        "claude-one-api",
        "§3 §8 §9",
        BASIC | {"roles"},
        stream_tokens=None,
    ),
    Family(
        "claude-3",
        "claude-3-haiku-20240307",
        "claude-one-api",
        "§3 §5 §6 §8 §9",
        WITH_TOOLS | {"image", "roles"},
        stream_tokens=None,
    ),
    Family(
        "claude-3-5",
        "claude-3-5-sonnet-20240620",
        "claude-new-api",
        "§3 §4 §5 §6 §8 §9",
        WITH_TOOLS | {"image"},
        tool_finish="tool_use",
    ),
    Family(
        "claude-thinking",
        "claude-3-7-sonnet-20250219-thinking",
        "claude-new-api",
        "§3 §5 §6 §7 §8",
        WITH_TOOLS,
        tokens=THINKING_TOKENS,
        stream_tokens=THINKING_TOKENS,
        thinks=True,
        signature="\n",
        tool_finish="tool_use",
    ),
    # Gemini: one-api (first call only, no calls when streamed), new-api, Google's own endpoint.
    Family(
        "gemini-pro",
        "gemini-pro",
        "gemini-one-api",
        "§3 §6",
        WITH_TOOLS,
        streamed_as="gemini",
        stream_tokens=None,
        kept_calls=1,
        streams_calls=False,
        tool_finish="stop",
    ),
    Family(
        "gemini-2.0-flash",
        "gemini-2.0-flash",
        "gemini-new-api",
        "§3 §4 §6 §9",
        WITH_TOOLS | {"image"},
    ),
    Family("gemini-1.5-pro", "gemini-1.5-pro", "gemini-openai", "§6", WITH_TOOLS | {"image"}),
    # Qwen through new-api's Ali channel: `stream_options` stripped, usage estimated.
    Family(
        "qwen",
        "qwen-plus",
        "new-api-ali",
        "§4 §5 §6 §9",
        WITH_TOOLS | {"roles"},
        request=_QWEN_REQUEST,
        stream_tokens=ESTIMATED_TOKENS,
    ),
    Family(
        "qwen-vl",
        "qwen-vl-plus",
        "new-api-ali",
        "§4 §5 §9",
        BASIC | {"image"},
        request=_QWEN_REQUEST,
        stream_tokens=ESTIMATED_TOKENS,
    ),
    Family(
        "qwen3-thinking",
        "qwen3-235b-a22b",
        "new-api-ali",
        "§4 §5 §7",
        WITH_TOOLS,
        request={**_QWEN_REQUEST},
        stream_tokens=ESTIMATED_REASONING_TOKENS,
        thinks=True,
        thinks_unstreamed=False,
    ),
    # ERNIE through the Baidu converter: `model: "ernie-bot"`, no tools.
    Family(
        "ernie",
        "ERNIE-Bot-4",
        "new-api-baidu",
        "§3 §4 §9",
        BASIC | {"roles", "tools_ignored"},
        served_as="ernie-bot",
        request={"temperature": 0.01, "max_tokens": MAX_TOKENS},
        stream_tokens=ESTIMATED_TOKENS,
    ),
    # GLM through new-api's Zhipu v4 channel: open-interval sampling, `index: -1` tool chunks.
    Family(
        "chatglm",
        "chatglm_turbo",
        "new-api-zhipu",
        "§4 §9",
        BASIC,
        request={"temperature": 0.01, "max_tokens": MAX_TOKENS},
        stream_tokens=ESTIMATED_TOKENS,
    ),
    Family(
        "glm-4",
        "glm-4",
        "new-api-zhipu",
        "§4 §6 §9",
        WITH_TOOLS,
        request={"temperature": 0.01, "max_tokens": MAX_TOKENS},
        stream_tokens=ESTIMATED_TOKENS,
    ),
    Family(
        "glm-4v",
        "glm-4v",
        "new-api-zhipu",
        "§4 §9",
        BASIC | {"image"},
        request={"temperature": 0.01, "max_tokens": MAX_TOKENS},
        stream_tokens=ESTIMATED_TOKENS,
    ),
    Family(
        "glm-4.5",
        "glm-4.5",
        "new-api-zhipu",
        "§4 §6 §7 §9",
        WITH_TOOLS,
        request={"temperature": 0.01, "max_tokens": MAX_TOKENS},
        tokens=THINKING_TOKENS,
        stream_tokens=ESTIMATED_REASONING_TOKENS,
        thinks=True,
        echo=True,
    ),
    # Legacy native converters: text only.
    Family(
        "hunyuan",
        "hunyuan-lite",
        "new-api-tencent",
        "§3 §4 §9",
        BASIC | {"tools_ignored"},
        served_as="tencent-hunyuan",
        stream_tokens=ESTIMATED_TOKENS,
    ),
    Family(
        "spark",
        "SparkDesk-v3.5",
        "new-api-xunfei",
        "§4 §9",
        BASIC | {"roles", "tools_ignored"},
        reply_has_model=False,
        stream_tokens=ESTIMATED_TOKENS,
    ),
    # Moonshot: usage inside `choices[0]`.
    Family("moonshot", "moonshot-v1-8k", "moonshot", "§4 §6", WITH_TOOLS),
    Family(
        "moonshot-vision",
        "moonshot-v1-8k-vision-preview",
        "moonshot",
        "§4",
        BASIC | {"image"},
    ),
    # StepFun through one-api's OpenAI-compatible channel.
    Family("step-1", "step-1-8k", "openai-compatible", "§4 §6", WITH_TOOLS),
    Family("step-1v", "step-1v-8k", "openai-compatible", "§4", BASIC | {"image"}),
    # DeepSeek through new-api: cache hits, reasoning, reasoning echoed on tool turns.
    Family(
        "deepseek-chat",
        "deepseek-chat",
        "new-api-deepseek",
        "§4 §6 §9",
        WITH_TOOLS,
        tokens=DEEPSEEK_TOKENS,
        stream_tokens=ESTIMATED_TOKENS,
    ),
    Family(
        "deepseek-reasoner",
        "deepseek-reasoner",
        "new-api-deepseek",
        "§4 §5 §7 §9",
        WITH_TOOLS,
        request={"max_tokens": MAX_TOKENS},
        absent=("max_completion_tokens", "temperature"),
        tokens=DEEPSEEK_REASONING_TOKENS,
        stream_tokens=ESTIMATED_REASONING_TOKENS,
        thinks=True,
        echo=True,
    ),
    # An open-weights R1 on a channel with new-api's "thinking to content" setting (§7).
    Family(
        "deepseek-r1",
        "deepseek-r1",
        "new-api-think-to-content",
        "§4 §7",
        BASIC,
        tokens=THINKING_TOKENS,
        stream_tokens=THINKING_TOKENS,
        thinks=True,
    ),
)

BY_MODEL: Final = {f.model: f for f in FAMILIES}


#: new-api's request id: time string + 8 random characters (docs/gateway-behaviour.md §1).
REQUEST_ID: Final = re.compile(r"^\d{14}[0-9a-z]{8}$")
HELLO_WIRE: Final = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": HELLO}]


def assert_shaped(body: dict[str, Any], family: Family, *, stream: bool) -> None:
    """The family's shaping rules, as sent: token parameter, sampling, left-out fields, usage."""
    assert body["model"] == family.model
    for key, value in family.request.items():
        assert body[key] == value, key
    for key in family.absent:
        assert key not in body, key
    assert body["stream"] is stream
    if stream:
        assert body["stream_options"] == {"include_usage": True}
    else:
        assert "stream_options" not in body
    # Qwen3 thinking models reject thinking on non-streamed calls (docs/gateway-behaviour.md §7).
    thinks_only_streamed = family.thinks and not family.thinks_unstreamed
    assert body.get("enable_thinking") == (False if thinks_only_streamed and not stream else None)


def expected_reasoning(family: Family, text: str, *, stream: bool) -> str | None:
    """The reasoning a reply must surface: none unless the family thinks on this path."""
    if not family.thinks or not (stream or family.thinks_unstreamed):
        return None
    return text + family.signature if stream else text


def having(case: Case) -> list[Family]:
    """The families whose catalogue entry (and channel) have `case`."""
    return [f for f in FAMILIES if case in f.cases]


def streaming_tools() -> list[Family]:
    """Tool-calling families whose relay streams the calls."""
    return [f for f in having("tools") if f.streams_calls]


# --- the platforms' published examples (docs/gateway-behaviour.md, 'Sources') ----------------


@dataclass(frozen=True)
class Seed:
    """A published request/response example, replayed as-is through our clients."""

    id: str
    model: str
    #: The request's messages exactly as the page shows them.
    messages: list[dict[str, Any]]
    max_tokens: int | None
    #: The page's published response body.
    reply: dict[str, Any]


_OPENAI_EXAMPLE: Final[dict[str, Any]] = {
    "id": "chatcmpl-123",
    "object": "chat.completion",
    "created": 1677652288,
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "\n\nHello there, how may I assist you today?",
            },
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 9, "completion_tokens": 12, "total_tokens": 21},
}

#: A 1×1 transparent PNG: 数标标's API docs ask for images as base64 data URLs.
TINY_PNG: Final = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

SEEDS: Final[tuple[Seed, ...]] = (
    Seed(
        "000-gemini-pro-vision",
        "gemini-pro-vision",
        [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What’s in this image?"},
                    {
                        "type": "image_url",
                        "image_url": {
                            "url": "https://chat.mice.pub/api/local/20231227/"
                            "bffd8103-533b-4e10-9962-d6796f37c2e8--uwf9jqijdksjo945nul7jvdaktfd8d8p8y1"
                            "kyk7wbkppnfm3oxjavlp39z6mgxza.jpeg",
                            "detail": "low",
                        },
                    },
                ],
            }
        ],
        4096,
        {
            "id": "chatcmpl-d1d02ce7d0cd40c289bda76d28d88f5e",
            "model": "gemini-pro-vision",
            "object": "chat.completion",
            "created": 1709535210,
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": ' This is the logo for the mobile app "Gradient."',
                    },
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 98, "completion_tokens": 11, "total_tokens": 109},
        },
    ),
    Seed(
        "001-gpt-4-0613",
        "gpt-4-0613",
        [{"role": "user", "content": "Hello!"}],
        None,
        _OPENAI_EXAMPLE,
    ),
    Seed(
        "002-gpt-4-vision-preview",
        "gpt-4-vision-preview",
        [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "这张图片有什么"},
                    {"type": "image_url", "image_url": {"url": IMAGE_URL}},
                ],
            }
        ],
        400,
        _OPENAI_EXAMPLE,
    ),
    Seed(
        "003-gpt-4-turbo",
        "gpt-4-turbo-2024-04-09",
        [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "描述一下这张图片"},
                    {"type": "image_url", "image_url": {"url": TINY_PNG}},
                ],
            }
        ],
        2000,
        {
            "id": "chatcmpl-9I0ZS2JxLKz9yOdh4QDUftcmfly2v",
            "object": "chat.completion",
            "created": 1714079126,
            "model": "gpt-4-turbo-2024-04-09",
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": "这是一个表情符号,特点是笑脸,眼睛是两颗红心。"
                        "这通常表达了一种非常高兴或爱慕的情感。"
                        "这个表情符号的脸色非常明亮和愉快,嘴巴大大张开,形成一个笑容。"
                        "它常被用来表示对某人或某物的强烈喜爱。",
                    },
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 268, "completion_tokens": 116, "total_tokens": 384},
            "system_fingerprint": "fp_5d12056990",
        },
    ),
)
