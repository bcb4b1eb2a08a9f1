"""LangChain's own contract for `ChatAimhub`: langchain-tests' `ChatModelIntegrationTests`.

Every test replays a cassette from `cassettes/standard/test_chat_standard_integration/`
(record mode "none", sockets disabled). The cassettes were built by
`scripts/build_langchain_cassettes.py`: a scripted new-api gateway relaying gpt-4o-mini (and
the few models named below), answering from documented gateway behaviour; see
`cassettes/README.md` for provenance. Rebuild them with
`.venv/bin/python scripts/build_langchain_cassettes.py`.
"""

from __future__ import annotations

from typing import Any, Literal

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_tests.integration_tests import ChatModelIntegrationTests
from pytest_benchmark.fixture import BenchmarkFixture

from langchain_aimhub import ChatAimhub

pytestmark = [pytest.mark.vcr, pytest.mark.usefixtures("replayable_requests")]

#: A fixed, fake gateway address: nothing answers there, cassettes do.
GATEWAY_URL = "https://gateway.aimhub.test/v1"
#: Filtered from cassettes like any key.
API_KEY = "sk-test"
AUDIO_MODEL = "gpt-4o-audio-preview"

#: Long enough (1024+ tokens) for the upstream's automatic prompt cache; fixed text so that
#: request bodies, matched on replay, never change.
HOUSE_RULES = "\n".join(
    f"{n}. Rule {n}: leave shared spaces as you found them, label your food, "
    f"and book meeting room {n % 7 + 1} through the calendar."
    for n in range(1, 121)
)

UsageDetail = Literal[
    "audio_input", "audio_output", "reasoning_output", "cache_read_input", "cache_creation_input"
]


def _gateway_model(**params: Any) -> ChatAimhub:
    return ChatAimhub(base_url=GATEWAY_URL, api_key=API_KEY, **params)


def _invoke(llm: ChatAimhub, prompt: str, *, stream: bool) -> AIMessage:
    if not stream:
        return llm.invoke(prompt)
    full = None
    for chunk in llm.stream(prompt):
        full = chunk if full is None else full + chunk
    assert isinstance(full, AIMessage)
    return full


@pytest.fixture
def benchmark(benchmark: BenchmarkFixture) -> BenchmarkFixture:
    """Replayed timings measure vcrpy, not a gateway: run benchmarked bodies once, unmeasured."""
    benchmark.disabled = True
    return benchmark


class TestChatAimhubStandard(ChatModelIntegrationTests):
    """gpt-4o-mini through a new-api gateway, with every capability the platform offers."""

    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        return ChatAimhub

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "gpt-4o-mini", "base_url": GATEWAY_URL, "api_key": API_KEY}

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def supports_image_inputs(self) -> bool:
        return True

    @property
    def supports_image_urls(self) -> bool:
        return True

    @property
    def supports_image_tool_message(self) -> bool:
        return True

    @property
    def supports_pdf_inputs(self) -> bool:
        return True

    @property
    def supports_pdf_tool_message(self) -> bool:
        return True

    @property
    def supports_audio_inputs(self) -> bool:
        return True

    @property
    def supports_anthropic_inputs(self) -> bool:
        return True

    @property
    def supported_usage_metadata_details(
        self,
    ) -> dict[Literal["invoke", "stream"], list[UsageDetail]]:
        return {
            "invoke": ["reasoning_output", "cache_read_input"],
            "stream": ["reasoning_output", "cache_read_input"],
        }

    @property
    def supports_model_override(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        # Not a prefix of gpt-4o-mini's served name, so the test cannot pass by accident.
        return "gpt-4.1-mini"

    @property
    def enable_vcr_tests(self) -> bool:
        return True

    def invoke_with_cache_read_input(self, *, stream: bool = False) -> AIMessage:
        llm = _gateway_model(model="gpt-4o-mini")
        prompt = f"What's in this document?\n\n{HOUSE_RULES}"
        _invoke(llm, prompt, stream=stream)
        return _invoke(llm, prompt, stream=stream)  # the second call reads the cache

    def invoke_with_reasoning_output(self, *, stream: bool = False) -> AIMessage:
        llm = _gateway_model(model="o3-mini", reasoning_effort="low")
        prompt = (
            "explain  the relationship between the 2008/9 economic crisis and the "
            "startup ecosystem in the early 2010s"
        )
        return _invoke(llm, prompt, stream=stream)

    @pytest.fixture
    def model(self, request: pytest.FixtureRequest) -> BaseChatModel:
        """The standard fixture, except that the audio test gets a model that hears.

        gpt-4o-mini takes no audio; `gpt-4o-audio-preview` is the platform's OpenAI model whose
        catalogue row has `audio_input` (standard tests may not be overridden, fixtures may).
        """
        params = {
            **self.standard_chat_model_params,
            **self.chat_model_params,
            **(getattr(request, "param", None) or {}),
        }
        if getattr(request.node, "originalname", "") == "test_audio_inputs":
            params["model"] = AUDIO_MODEL
        return self.chat_model_class(**params)
