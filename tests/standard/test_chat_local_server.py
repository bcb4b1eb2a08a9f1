"""LangChain's standard suite for `ChatAimhub` against a real server: llama.cpp + SmolLM2-135M.

Recorded for real (`make record-local`, see `scripts/LOCAL_SERVER.md`) and replayed from
`cassettes/standard/test_chat_local_server/`. The model is tiny and text-only, and the server has
quirks; capabilities it lacks are turned off and each quirk a standard test trips over is an
xfail whose reason names the observed server behaviour. `tests/standard/
test_chat_standard_integration.py` runs the full contract against the scripted gateway.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.tools import BaseTool
from langchain_tests.integration_tests import ChatModelIntegrationTests
from pytest_benchmark.fixture import BenchmarkFixture

from aimhub import InternalServerError
from langchain_aimhub import ChatAimhub

pytestmark = [
    pytest.mark.local_server,
    pytest.mark.vcr,
    pytest.mark.usefixtures("replayable_requests"),
]

CHAT_URL = os.environ.get("AIMHUB_LOCAL_CHAT_BASE_URL", "http://127.0.0.1:8089/v1")
MODEL = os.environ.get("AIMHUB_LOCAL_MODEL", "smollm2-135m-instruct")
#: Not a secret: the local server takes any key. Filtered from cassettes all the same.
KEY = "sk-local-test"

NO_STREAM_USAGE = (
    "llama-cpp-python's server accepts stream_options.include_usage and ignores it: no usage "
    "chunk and no usage key in any streamed chunk (scripts/LOCAL_SERVER.md, 'stream: true')"
)
REQUIRED_IS_500 = (
    "tool_choice 'any' is sent as 'required', which llama-cpp-python's chatml-function-calling "
    "handler answers with HTTP 500 and an empty message (an AssertionError in the handler; "
    "scripts/LOCAL_SERVER.md, 'Tools')"
)
NULL_CONTENT_IS_500 = (
    "the history has an assistant turn with tool_calls, which ChatAimhub sends, as OpenAI "
    "specifies, with content null; llama-cpp-python's request model rejects that with HTTP 500 "
    "(pydantic 'Input should be a valid string'; scripts/LOCAL_SERVER.md, 'Multi-turn history')"
)

NO_AUTO_DEFAULT = (
    "with tools bound and no tool_choice, llama-cpp-python answers in plain text: it calls tools "
    "only when tool_choice is sent explicitly ('auto' or a name), while OpenAI defaults to "
    "'auto' (scripts/LOCAL_SERVER.md, 'Tools'); the first step of the loop gets no tool call"
)
JSON_KEYS_IGNORED = (
    "SmolLM2-135M under llama.cpp's JSON grammar writes valid JSON with keys of its own choosing "
    "(recorded: title/description/category/image_url) instead of the 'setup' and 'punchline' "
    "the prompt asks for; JSON mode constrains syntax, not keys, and the model is too small"
)

UNTERMINATED_ARGUMENTS = (
    "asked for a joke with its punchline, SmolLM2-135M opens the 'setup' string and never closes "
    "it: the arguments are cut at max_tokens (not valid JSON, so ChatAimhub reports them as an "
    "invalid tool call and the parser returns None) while llama-cpp-python still says "
    "finish_reason 'tool_calls'; a model-size limit, recorded as is"
)


@pytest.fixture
def benchmark(benchmark: BenchmarkFixture) -> BenchmarkFixture:
    """Replayed timings measure vcrpy, not the server: run benchmarked bodies once, unmeasured."""
    benchmark.disabled = True
    return benchmark


class TestChatAimhubLocalServer(ChatModelIntegrationTests):
    """Text in, text out, tools by name, JSON mode; no media, no stream usage."""

    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        return ChatAimhub

    @property
    def chat_model_params(self) -> dict[str, Any]:
        # temperature 0: the server is deterministic then; max_tokens bounds a rambling model.
        return {
            "model": MODEL,
            "base_url": CHAT_URL,
            "api_key": KEY,
            "temperature": 0,
            "max_tokens": 160,
            "max_retries": 0,
        }

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def supports_model_override(self) -> bool:
        """One model is loaded; the server echoes any `model` string without switching."""
        return False

    @property
    def enable_vcr_tests(self) -> bool:
        return True

    @pytest.mark.xfail(reason=NO_STREAM_USAGE, raises=AssertionError, strict=True)
    def test_usage_metadata_streaming(self, model: BaseChatModel) -> None:
        super().test_usage_metadata_streaming(model)

    @pytest.mark.parametrize("model", [{}, {"output_version": "v1"}], indirect=True)
    @pytest.mark.xfail(reason=REQUIRED_IS_500, raises=InternalServerError, strict=True)
    def test_tool_calling(self, model: BaseChatModel) -> None:
        super().test_tool_calling(model)

    @pytest.mark.xfail(reason=REQUIRED_IS_500, raises=InternalServerError, strict=True)
    async def test_tool_calling_async(self, model: BaseChatModel) -> None:
        await super().test_tool_calling_async(model)

    @pytest.mark.xfail(reason=REQUIRED_IS_500, raises=InternalServerError, strict=True)
    def test_bind_runnables_as_tools(self, model: BaseChatModel) -> None:
        super().test_bind_runnables_as_tools(model)

    @pytest.mark.xfail(reason=REQUIRED_IS_500, raises=InternalServerError, strict=True)
    def test_tool_choice(self, model: BaseChatModel) -> None:
        super().test_tool_choice(model)

    @pytest.mark.xfail(reason=REQUIRED_IS_500, raises=InternalServerError, strict=True)
    def test_tool_calling_with_no_arguments(self, model: BaseChatModel) -> None:
        super().test_tool_calling_with_no_arguments(model)

    @pytest.mark.xfail(reason=REQUIRED_IS_500, raises=InternalServerError, strict=True)
    def test_structured_few_shot_examples(
        self, model: BaseChatModel, my_adder_tool: BaseTool
    ) -> None:
        super().test_structured_few_shot_examples(model, my_adder_tool)

    @pytest.mark.xfail(reason=REQUIRED_IS_500, raises=InternalServerError, strict=True)
    def test_unicode_tool_call_integration(self, model: BaseChatModel) -> None:
        super().test_unicode_tool_call_integration(model)

    @pytest.mark.xfail(reason=NULL_CONTENT_IS_500, raises=InternalServerError, strict=True)
    def test_tool_message_histories_string_content(
        self, model: BaseChatModel, my_adder_tool: BaseTool
    ) -> None:
        super().test_tool_message_histories_string_content(model, my_adder_tool)

    @pytest.mark.xfail(reason=NULL_CONTENT_IS_500, raises=InternalServerError, strict=True)
    def test_tool_message_error_status(self, model: BaseChatModel, my_adder_tool: BaseTool) -> None:
        super().test_tool_message_error_status(model, my_adder_tool)

    @pytest.mark.parametrize("model", [{}, {"output_version": "v1"}], indirect=True)
    @pytest.mark.xfail(reason=NO_AUTO_DEFAULT, raises=AssertionError, strict=True)
    def test_agent_loop(self, model: BaseChatModel) -> None:
        super().test_agent_loop(model)

    @pytest.mark.xfail(reason=JSON_KEYS_IGNORED, raises=OutputParserException)
    def test_json_mode(self, model: BaseChatModel) -> None:
        super().test_json_mode(model)

    @pytest.mark.xfail(reason=UNTERMINATED_ARGUMENTS, raises=AssertionError)
    def test_structured_output_optional_param(self, model: BaseChatModel) -> None:
        super().test_structured_output_optional_param(model)
