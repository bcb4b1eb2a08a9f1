"""The LangChain media tools and toolkit, the audio parser: over a fake gateway, sync and async."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.document_loaders import Blob
from langchain_core.exceptions import ModelAuthenticationError
from langchain_core.messages import ToolMessage
from langchain_core.utils.function_calling import convert_to_openai_tool

from aimhub import SpeechAudio
from aimhub.types import ImagesResponse, ModerationResponse
from langchain_aimhub import (
    AimhubAudioParser,
    AimhubImageTool,
    AimhubModerationTool,
    AimhubSpeechTool,
    AimhubToolkit,
    AimhubTranscriptionTool,
    ChatAimhub,
)
from tests.fakes import TEST_KEY, FakeGateway, json_reply, text_reply
from tests.media_fakes import MP3, PNG_B64, fields_of

IMAGES = {"data": [{"url": "https://cdn.test/fox.png", "revised_prompt": "a red fox"}]}
FLAGGED = {
    "results": [
        {"flagged": True, "categories": {"violence": True}, "category_scores": {"violence": 0.9}}
    ]
}


def connect(gateway: FakeGateway) -> dict[str, Any]:
    transport = httpx.MockTransport(gateway)
    return {
        "api_key": TEST_KEY,
        "base_url": "https://gateway.test/v1",
        "max_retries": 0,
        "http_client": httpx.Client(transport=transport),
        "http_async_client": httpx.AsyncClient(transport=transport),
    }


def tool_call(tool: Any, **args: Any) -> dict[str, Any]:
    return {"type": "tool_call", "id": "call-1", "name": tool.name, "args": args}


async def invoke(tool: Any, is_async: bool, **args: Any) -> ToolMessage:
    message = (
        await tool.ainvoke(tool_call(tool, **args))
        if is_async
        else tool.invoke(tool_call(tool, **args))
    )
    assert isinstance(message, ToolMessage)
    return message


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def is_async(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


async def test_image_tool_answers_text_and_carries_the_images_as_artifact(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, IMAGES))
    tool = AimhubImageTool(model="dall-e-3", quality="hd", **connect(gateway))
    message = await invoke(tool, is_async, prompt="a fox", size="1024x1792")
    assert gateway.bodies[0] == {
        "model": "dall-e-3",
        "prompt": "a fox",
        "size": "1024x1792",
        "quality": "hd",
    }
    assert "https://cdn.test/fox.png" in message.content
    assert "revised prompt: a red fox" in message.content
    assert isinstance(message.artifact, ImagesResponse)


async def test_image_tool_saves_files_and_keeps_base64_out_of_the_prompt(
    is_async: bool, tmp_path: Path
) -> None:
    gateway = FakeGateway(json_reply(200, {"data": [{"b64_json": PNG_B64}]}))
    tool = AimhubImageTool(model="gpt-image-1", save_dir=str(tmp_path), **connect(gateway))
    message = await invoke(tool, is_async, prompt="a fox")
    assert str(tmp_path / "image-0.png") in message.content
    assert PNG_B64 not in message.content
    assert (tmp_path / "image-0.png").exists()


async def test_a_refused_option_goes_back_to_the_agent_with_the_fix(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, IMAGES))
    tool = AimhubImageTool(model="dall-e-3", **connect(gateway))
    message = await invoke(tool, is_async, prompt="a fox", size="256x256")
    assert message.status == "error"
    assert "does not accept size='256x256'" in message.content
    assert gateway.requests == []


async def test_gateway_errors_are_raised_as_langchain_errors(is_async: bool) -> None:
    bad_key = {"error": {"message": "无效的令牌", "type": "new_api_error"}}
    tool = AimhubImageTool(**connect(FakeGateway(json_reply(401, bad_key))))
    with pytest.raises(ModelAuthenticationError):
        await invoke(tool, is_async, prompt="a fox")


async def test_speech_tool_returns_the_audio_as_artifact_and_saves_it(
    is_async: bool, tmp_path: Path
) -> None:
    gateway = FakeGateway(text_reply(200, MP3, "audio/mpeg"))
    tool = AimhubSpeechTool(voice="nova", save_dir=str(tmp_path), **connect(gateway))
    message = await invoke(tool, is_async, text="Hello there")
    assert gateway.bodies[0] == {"model": "tts-1", "input": "Hello there", "voice": "nova"}
    assert isinstance(message.artifact, SpeechAudio)
    assert message.artifact.content == MP3
    assert f"saved to {tmp_path / 'speech-1.mp3'}" in message.content
    assert (tmp_path / "speech-1.mp3").read_bytes() == MP3
    message = await invoke(tool, is_async, text="Hi", voice="verse")
    assert message.status == "error"
    assert "does not accept voice='verse'" in message.content


async def test_transcription_tool_reads_a_file_inside_its_root_only(
    is_async: bool, tmp_path: Path
) -> None:
    (tmp_path / "talk.mp3").write_bytes(MP3)
    gateway = FakeGateway(json_reply(200, {"text": "Hello there."}))
    tool = AimhubTranscriptionTool(root_dir=str(tmp_path), **connect(gateway))
    message = await invoke(tool, is_async, file_path="talk.mp3", language="en")
    assert message.content == "Hello there."
    assert fields_of(gateway.requests[0]) == {"model": ["whisper-1"], "language": ["en"]}
    outside = await invoke(tool, is_async, file_path="../secret.mp3")
    assert outside.status == "error"
    assert "outside the folder" in outside.content
    assert len(gateway.requests) == 1


async def test_moderation_tool_names_the_flagged_categories(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, FLAGGED))
    tool = AimhubModerationTool(model="omni-moderation-latest", **connect(gateway))
    message = await invoke(tool, is_async, text="hit him")
    assert message.content == "flagged for violence (0.90)."
    assert isinstance(message.artifact, ModerationResponse)
    assert gateway.bodies[0] == {"input": "hit him", "model": "omni-moderation-latest"}


def test_toolkit_tools_share_the_connection_and_bind_to_a_chat_model() -> None:
    gateway = FakeGateway(json_reply(200, IMAGES))
    tools = AimhubToolkit(image_model="dall-e-2", voice="echo", **connect(gateway)).get_tools()
    names = [tool.name for tool in tools]
    assert names == [
        "aimhub_generate_image",
        "aimhub_text_to_speech",
        "aimhub_transcribe_audio",
        "aimhub_moderate_text",
    ]
    assert tools[0].model_name == "dall-e-2"  # type: ignore[attr-defined]
    assert tools[1].voice == "echo"  # type: ignore[attr-defined]
    schema = convert_to_openai_tool(tools[0])["function"]
    assert schema["name"] == "aimhub_generate_image"
    assert schema["parameters"]["required"] == ["prompt"]
    llm = ChatAimhub(model="gpt-4o-mini", api_key=TEST_KEY)
    bound = llm.bind_tools(tools)
    sent = [t["function"]["name"] for t in bound.kwargs["tools"]]  # type: ignore[attr-defined]
    assert sent == names


def test_the_key_never_shows_in_a_tool_repr_or_dump() -> None:
    tool = AimhubSpeechTool(**connect(FakeGateway(json_reply(200, {}))))
    assert TEST_KEY not in repr(tool)
    assert TEST_KEY not in str(tool.model_dump())


def test_audio_parser_turns_blobs_into_documents() -> None:
    verbose = {"text": "Hello there.", "language": "english", "duration": 2.5}
    gateway = FakeGateway(json_reply(200, verbose))
    options = connect(gateway)
    options.pop("http_async_client")
    parser = AimhubAudioParser(response_format="verbose_json", **options)
    [doc] = parser.parse(Blob.from_data(MP3, path="talks/intro.m4a"))
    assert doc.page_content == "Hello there."
    assert doc.metadata == {
        "source": "talks/intro.m4a",
        "model": "whisper-1",
        "language": "english",
        "duration": 2.5,
    }
    from tests.media_fakes import form_parts

    [upload] = [p for p in form_parts(gateway.requests[0]) if p[1]]
    assert upload[1] == "intro.m4a"  # the upstream reads the format from the extension


def test_a_create_agent_agent_draws_and_reads_aloud_with_the_toolkit(tmp_path: Path) -> None:
    from langchain.agents import create_agent

    from tests.unit.langchain._gateway import completion

    def call(name: str, args: str, call_id: str) -> dict[str, Any]:
        return {"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}

    turns = [
        completion(
            None,
            tool_calls=[
                call("aimhub_generate_image", '{"prompt": "a red fox"}', "c1"),
                call("aimhub_text_to_speech", '{"text": "Here is your fox."}', "c2"),
            ],
            finish="tool_calls",
        ),
        completion("Done: the fox is drawn and read aloud."),
    ]
    turns[1]["id"] = "chatcmpl-10"  # LangGraph replaces a message with a repeated id
    seen: list[str] = []

    def reply(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.endswith("/images/generations"):
            return httpx.Response(200, json={"data": [{"b64_json": PNG_B64}]})
        if request.url.path.endswith("/audio/speech"):
            return httpx.Response(200, content=MP3, headers={"content-type": "audio/mpeg"})
        return httpx.Response(
            200, json=turns[sum(p.endswith("/chat/completions") for p in seen) - 1]
        )

    options = connect(FakeGateway(reply))
    tools = AimhubToolkit(image_model="gpt-image-1", save_dir=str(tmp_path), **options).get_tools()
    llm = ChatAimhub(model="gpt-4o-mini", **options)
    state = create_agent(llm, tools).invoke({"messages": [("user", "Draw a fox and say so.")]})
    results = [m for m in state["messages"] if isinstance(m, ToolMessage)]
    assert [m.name for m in results] == ["aimhub_generate_image", "aimhub_text_to_speech"]
    assert isinstance(results[0].artifact, ImagesResponse)
    assert isinstance(results[1].artifact, SpeechAudio)
    assert (tmp_path / "image-0.png").exists()
    assert (tmp_path / "speech-1.mp3").read_bytes() == MP3
    assert state["messages"][-1].content == "Done: the fox is drawn and read aloud."
