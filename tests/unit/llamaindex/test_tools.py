"""`AimhubToolSpec` and `AimhubAudioReader` over a fake gateway, sync and async."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from llama_index.core.tools import FunctionTool

from aimhub import ConfigurationError, SpeechAudio
from aimhub.types import Balance, ImagesResponse
from llamaindex_aimhub import AimhubAudioReader, AimhubToolResult, AimhubToolSpec
from tests.fakes import TEST_KEY, FakeGateway, json_reply, text_reply
from tests.media_fakes import MP3, PNG_B64, fields_of

NAMES = ["generate_image", "text_to_speech", "transcribe_audio", "moderate_text", "get_balance"]


def connect(gateway: FakeGateway) -> dict[str, Any]:
    transport = httpx.MockTransport(gateway)
    return {
        "api_key": TEST_KEY,
        "base_url": "https://gateway.test/v1",
        "max_retries": 0,
        "http_client": httpx.Client(transport=transport),
        "async_http_client": httpx.AsyncClient(transport=transport),
    }


def tools_by_name(spec: AimhubToolSpec) -> dict[str, FunctionTool]:
    return {tool.metadata.name: tool for tool in spec.to_tool_list()}  # type: ignore[misc]


async def run(tool: FunctionTool, is_async: bool, **kwargs: Any) -> Any:
    return await tool.acall(**kwargs) if is_async else tool.call(**kwargs)


def test_to_tool_list_gives_five_function_tools_with_schemas() -> None:
    tools = tools_by_name(AimhubToolSpec(**connect(FakeGateway(json_reply(200, {})))))
    assert list(tools) == NAMES
    schema = tools["generate_image"].metadata.get_parameters_dict()
    assert schema["required"] == ["prompt"]
    assert set(schema["properties"]) == {"prompt", "size"}
    assert "Draw an image" in tools["generate_image"].metadata.description
    assert all(tool.async_fn is not None for tool in tools.values())


async def test_generate_image_tool_saves_and_names_the_file(is_async: bool, tmp_path: Path) -> None:
    gateway = FakeGateway(json_reply(200, {"data": [{"b64_json": PNG_B64}]}))
    spec = AimhubToolSpec(image_model="gpt-image-1", save_dir=tmp_path, **connect(gateway))
    output = await run(tools_by_name(spec)["generate_image"], is_async, prompt="a fox")
    assert gateway.bodies[0] == {"model": "gpt-image-1", "prompt": "a fox"}
    assert str(tmp_path / "image-0.png") in output.content
    assert PNG_B64 not in output.content
    assert isinstance(output.raw_output, AimhubToolResult)
    assert isinstance(output.raw_output.artifact, ImagesResponse)


async def test_speech_tool_keeps_the_audio_out_of_the_text(is_async: bool, tmp_path: Path) -> None:
    gateway = FakeGateway(text_reply(200, MP3, "audio/mpeg"))
    spec = AimhubToolSpec(voice="onyx", save_dir=tmp_path, **connect(gateway))
    output = await run(tools_by_name(spec)["text_to_speech"], is_async, text="Hello")
    assert gateway.bodies[0] == {"model": "tts-1", "input": "Hello", "voice": "onyx"}
    assert isinstance(output.raw_output.artifact, SpeechAudio)
    assert f"saved to {tmp_path / 'speech-1.mp3'}" in output.content
    assert (tmp_path / "speech-1.mp3").read_bytes() == MP3


async def test_a_refused_option_is_raised_with_the_fix(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, {}))
    spec = AimhubToolSpec(**connect(gateway))
    with pytest.raises(ConfigurationError, match="does not accept size='256x256'"):
        await run(tools_by_name(spec)["generate_image"], is_async, prompt="a", size="256x256")
    assert gateway.requests == []


async def test_transcribe_moderate_and_balance(is_async: bool, tmp_path: Path) -> None:
    (tmp_path / "talk.mp3").write_bytes(MP3)

    def reply(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/transcriptions"):
            return httpx.Response(200, json={"text": "Hello there."})
        if path.endswith("/moderations"):
            return httpx.Response(200, json={"results": [{"flagged": False}]})
        if path.endswith("/subscription"):
            return httpx.Response(200, json={"hard_limit_usd": 10})
        return httpx.Response(200, json={"total_usage": 250})

    gateway = FakeGateway(reply)
    tools = tools_by_name(AimhubToolSpec(root_dir=tmp_path, **connect(gateway)))
    text = await run(tools["transcribe_audio"], is_async, file_path="talk.mp3")
    assert text.content == "Hello there."
    assert fields_of(gateway.requests[0]) == {"model": ["whisper-1"]}
    verdict = await run(tools["moderate_text"], is_async, text="hello")
    assert verdict.content == "not flagged."
    balance = await run(tools["get_balance"], is_async)
    assert balance.content == "$7.50 remaining of $10.00 granted ($2.50 used)."
    assert balance.raw_output.artifact == Balance(10.0, 2.5, 7.5, False)
    with pytest.raises(ConfigurationError, match="outside the folder"):
        await run(tools["transcribe_audio"], is_async, file_path="/etc/passwd")


def test_the_key_never_shows_in_the_spec_repr() -> None:
    spec = AimhubToolSpec(**connect(FakeGateway(json_reply(200, {}))))
    assert TEST_KEY not in repr(spec)


async def test_audio_reader_loads_documents(is_async: bool, tmp_path: Path) -> None:
    path = tmp_path / "talk.wav"
    path.write_bytes(MP3)
    verbose = {"text": "Hello there.", "language": "english", "duration": 2.5}
    gateway = FakeGateway(json_reply(200, verbose))
    reader = AimhubAudioReader(response_format="verbose_json", **connect(gateway))
    if is_async:
        docs = await reader.aload_data(path, extra_info={"talk": 1})
    else:
        docs = reader.load_data(path, extra_info={"talk": 1})
    [doc] = docs
    assert doc.text == "Hello there."
    assert doc.metadata == {
        "talk": 1,
        "file_path": str(path),
        "model": "whisper-1",
        "language": "english",
        "duration": 2.5,
    }
    assert fields_of(gateway.requests[0]) == {
        "model": ["whisper-1"],
        "response_format": ["verbose_json"],
    }


@pytest.mark.parametrize("streaming", [False, True], ids=["whole", "streamed"])
async def test_a_function_agent_draws_and_reads_aloud_with_the_spec(
    streaming: bool, tmp_path: Path
) -> None:
    from llama_index.core.agent.workflow import FunctionAgent

    from tests.unit.llamaindex._gateway import FamilyGateway, Reply
    from tests.unit.llamaindex._llm import make_llm

    wanted = [
        ("generate_image", {"prompt": "a red fox"}),
        ("text_to_speech", {"text": "Here is your fox."}),
    ]

    def plan(body: dict[str, Any]) -> Reply:
        # The model asks for whatever is not done yet: older llama-index-core (0.14.5) runs only
        # the first of parallel calls in non-streaming mode (it does not pass
        # allow_parallel_tool_calls there), so the second then comes in a later turn.
        answered = sum(1 for m in body["messages"] if m.get("role") == "tool")
        if answered >= len(wanted):
            return Reply("Here is your fox, drawn and read aloud.")
        return Reply("", calls=wanted[answered:])

    chat = FamilyGateway(planner=plan)

    def reply(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/images/generations"):
            return httpx.Response(200, json={"data": [{"b64_json": PNG_B64}]})
        if request.url.path.endswith("/audio/speech"):
            return httpx.Response(200, content=MP3, headers={"content-type": "audio/mpeg"})
        return chat(request)

    gateway = FakeGateway(reply)
    spec = AimhubToolSpec(image_model="gpt-image-1", save_dir=tmp_path, **connect(gateway))
    agent = FunctionAgent(tools=spec.to_tool_list(), llm=make_llm(gateway), streaming=streaming)
    result = await agent.run(user_msg="Draw a fox and say so.")
    assert str(result.response.content) == "Here is your fox, drawn and read aloud."
    assert [call.tool_name for call in result.tool_calls] == ["generate_image", "text_to_speech"]
    assert isinstance(result.tool_calls[0].tool_output.raw_output.artifact, ImagesResponse)
    assert isinstance(result.tool_calls[1].tool_output.raw_output.artifact, SpeechAudio)
    assert (tmp_path / "image-0.png").exists()
    assert (tmp_path / "speech-1.mp3").read_bytes() == MP3
    roles = [m["role"] for m in chat.bodies[-1]["messages"]]
    assert roles.count("tool") == 2
    assert PNG_B64 not in json.dumps(chat.bodies[-1])  # the image never enters the prompt
