"""`Aimhub` as a LlamaIndex component: fields, secrets, metadata from the catalogue, callbacks."""

from __future__ import annotations

import json
import pickle

import pytest
from llama_index.core.base.llms.types import LLMMetadata
from llama_index.core.callbacks import CallbackManager, CBEventType, TokenCountingHandler
from llama_index.core.llms.function_calling import FunctionCallingLLM

from aimhub import ConfigurationError
from aimhub._catalog import capabilities_for
from llamaindex_aimhub import Aimhub
from tests.fakes import FakeGateway, json_reply, sse, sse_reply
from tests.unit.llamaindex._llm import KEY, chunk, completion, make_llm, run, user
from tests.unit.llamaindex._observe import observed

MODELS = [
    "gpt-4o-mini",
    "claude-3-5-sonnet-20240620",
    "deepseek-reasoner",
    "qwen-plus",
    "gemini-2.0-flash",
    "glm-4[128k]",
    "my-private-finetune",
]


def test_is_a_function_calling_llm_named_aimhub() -> None:
    assert issubclass(Aimhub, FunctionCallingLLM)
    assert Aimhub.class_name() == "Aimhub"
    assert Aimhub(model="gpt-4o-mini", api_key=KEY).to_dict()["class_name"] == "Aimhub"


@pytest.mark.parametrize("model", MODELS)
def test_metadata_is_a_projection_of_the_catalogue(model: str) -> None:
    caps = capabilities_for(model)
    llm = Aimhub(model=model, api_key=KEY)
    assert llm.metadata == LLMMetadata(
        context_window=caps.context_window,  # never LlamaIndex's 3,900-token guess
        num_output=caps.max_output_tokens or 256,
        is_chat_model=True,  # never the legacy /completions route
        is_function_calling_model=caps.tool_calling,
        model_name=model,
    )
    assert (llm.context_window, llm.is_function_calling_model) == (
        caps.context_window,
        caps.tool_calling,
    )
    assert (llm.vision, llm.audio_input, llm.pdf_input, llm.video_input) == (
        caps.vision,
        caps.audio_input,
        caps.pdf_input,
        caps.video_input,
    )


def test_flags_and_capabilities_override_the_catalogue() -> None:
    llm = Aimhub(
        model="hunyuan-lite",
        api_key=KEY,
        context_window=64_000,
        is_function_calling_model=True,
        max_tokens=1_000,
        capabilities={"vision": True},
    )
    assert llm.metadata.context_window == 64_000
    assert llm.metadata.is_function_calling_model is True
    assert llm.metadata.num_output == 1_000
    assert llm.vision is True
    assert llm.model_capabilities.tool_calling is True  # the shaper sees the override too


def test_unknown_capability_names_are_an_error() -> None:
    with pytest.raises(ValueError, match="unknown capability"):
        Aimhub(model="gpt-4o-mini", api_key=KEY, capabilities={"vison": True})


def test_the_key_is_never_shown_or_serialised() -> None:
    secret = "sk-live-9f8e7d6c5b4a39281706SECRET"
    llm = Aimhub(model="gpt-4o-mini", api_key=secret, default_headers={"X-Api-Key": secret})
    shown = [
        repr(llm),
        str(llm),
        json.dumps(llm.to_dict(), default=str),
        llm.to_json(),
        json.dumps(llm.model_dump(), default=str),
        llm.model_dump_json(),
        repr(llm._client),
    ]
    if hasattr(llm, "to_payload"):  # llama-index-core 0.14.16+
        shown.append(json.dumps(llm.to_payload(), default=str))
    for text in shown:
        assert secret not in text
        assert "SECRET" not in text


def test_key_and_address_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMHUB_API_KEY", KEY)
    monkeypatch.setenv("AIMHUB_BASE_URL", "https://api.vman.test/v1/chat/completions")
    assert Aimhub(model="gpt-4o-mini").base_url == "https://api.vman.test/v1"


@pytest.mark.parametrize("field", ["api_base", "base_url"])
def test_api_base_is_also_accepted_as_base_url(field: str) -> None:
    llm = Aimhub(model="gpt-4o-mini", api_key=KEY, **{field: "http://127.0.0.1:8089"})
    assert llm.base_url == "http://127.0.0.1:8089/v1"
    assert llm.api_base == "http://127.0.0.1:8089"


def test_a_bad_address_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        Aimhub(model="gpt-4o-mini", api_key=KEY, api_base="api.gaiasc.com")


def test_round_trip_through_to_dict_reads_the_key_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    llm = Aimhub(model="qwen-plus", api_key=KEY, temperature=0.3, max_tokens=99)
    monkeypatch.setenv("AIMHUB_API_KEY", KEY)
    again = Aimhub.from_dict(llm.to_dict())
    assert (again.model, again.temperature, again.max_tokens) == ("qwen-plus", 0.3, 99)
    assert again.metadata == llm.metadata
    assert pickle.loads(pickle.dumps(again)).metadata == llm.metadata


async def test_callbacks_and_instrumentation_see_every_path(is_async: bool) -> None:
    gateway = FakeGateway(
        json_reply(200, completion("one")),
        sse_reply([sse(chunk(content="two"), chunk("stop"))]),
    )
    counter = TokenCountingHandler()
    llm = make_llm(gateway, callback_manager=CallbackManager([counter]))
    with observed() as events:
        await run(llm, "chat", is_async, user("Hi"))
        await run(llm, "stream_chat", is_async, user("Hi"))
    chat_events = [n for n in events.names if n.startswith("LLMChat")]
    assert chat_events.count("LLMChatStartEvent") == 2
    assert chat_events.count("LLMChatEndEvent") == 2
    assert "LLMChatInProgressEvent" in chat_events
    assert len(counter.llm_token_counts) == 2
    assert counter.llm_token_counts[0].prompt_token_count == 9  # from the gateway's usage
    assert counter.llm_token_counts[0].completion_token_count == 3


async def test_completion_paths_emit_completion_events(is_async: bool) -> None:
    llm = make_llm(FakeGateway(json_reply(200, completion("one"))))
    with observed() as events:
        await run(llm, "complete", is_async, "Hi")
    names = events.names
    assert "LLMCompletionStartEvent" in names
    assert "LLMCompletionEndEvent" in names
    assert "LLMChatStartEvent" not in names  # derived from chat, reported once as a completion


async def test_the_rate_limiter_is_asked_before_each_call(is_async: bool) -> None:
    # LLM.rate_limiter is LlamaIndex's own (llama-index-core 0.14.16+); older cores have none.
    rate_limiter = pytest.importorskip("llama_index.core.rate_limiter")
    limiter = rate_limiter.TokenBucketRateLimiter(requests_per_minute=600)
    asked: list[str] = []
    original_acquire, original_async = limiter.acquire, limiter.async_acquire

    def acquire(*args: object, **kwargs: object) -> None:
        asked.append("sync")
        original_acquire(*args, **kwargs)

    async def async_acquire(*args: object, **kwargs: object) -> None:
        asked.append("async")
        await original_async(*args, **kwargs)

    object.__setattr__(limiter, "acquire", acquire)
    object.__setattr__(limiter, "async_acquire", async_acquire)
    llm = make_llm(FakeGateway(json_reply(200, completion())), rate_limiter=limiter)
    await run(llm, "chat", is_async, user("Hi"))
    await run(llm, "complete", is_async, "Hi")
    assert asked == ["async" if is_async else "sync"] * 2


def test_llm_events_carry_no_secret() -> None:
    llm = make_llm(FakeGateway(json_reply(200, completion())))
    manager = llm.callback_manager
    seen: list[object] = []
    original = manager.on_event_start

    def spy(event_type: CBEventType, payload: dict[str, object] | None = None, **kw: object) -> str:
        seen.append(payload)
        return original(event_type, payload, **kw)

    object.__setattr__(manager, "on_event_start", spy)
    llm.chat(user("Hi"))
    assert seen
    assert KEY not in json.dumps(seen, default=str)
