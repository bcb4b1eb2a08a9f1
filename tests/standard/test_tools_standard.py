"""langchain-tests' standard tool unit suite, for each media tool."""

from __future__ import annotations

from typing import Any

from langchain_core.tools import BaseTool
from langchain_tests.unit_tests import ToolsUnitTests

from langchain_aimhub import (
    AimhubImageTool,
    AimhubModerationTool,
    AimhubSpeechTool,
    AimhubTranscriptionTool,
)

ENV = ({"AIMHUB_API_KEY": "sk-from-env", "AIMHUB_BASE_URL": "https://env.example/v1"}, {})
EXPECTED = {"api_key": "sk-from-env", "base_url": "https://env.example/v1"}


class _Base(ToolsUnitTests):
    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"api_key": "sk-unit-test"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (*ENV, EXPECTED)


class TestAimhubImageTool(_Base):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return AimhubImageTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"prompt": "a fox in the snow", "size": "1024x1024"}


class TestAimhubSpeechTool(_Base):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return AimhubSpeechTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"text": "Hello there", "voice": "alloy"}


class TestAimhubTranscriptionTool(_Base):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return AimhubTranscriptionTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"file_path": "talk.mp3", "language": "en"}


class TestAimhubModerationTool(_Base):
    @property
    def tool_constructor(self) -> type[BaseTool]:
        return AimhubModerationTool

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"text": "is this fine?"}
