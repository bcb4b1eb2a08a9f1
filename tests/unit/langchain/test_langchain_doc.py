"""What docs/langchain.md says about LangChain's string entry points and `loads` holds."""

from __future__ import annotations

import warnings

import pytest
from langchain_core.load import dumps, loads

from langchain_aimhub import ChatAimhub

KEY = "sk-doc-test-0123456789abcdef"


def test_init_chat_model_cannot_reach_a_third_party_provider() -> None:
    from langchain.chat_models import init_chat_model

    with pytest.raises(ValueError, match="Unsupported provider='aimhub'"):
        init_chat_model("gpt-4o-mini", model_provider="aimhub")


def test_loads_needs_the_namespace_and_the_class() -> None:
    text = dumps(ChatAimhub(model="gpt-4o-mini", api_key=KEY))
    assert KEY not in text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="not allowed"):
            loads(text, secrets_map={"AIMHUB_API_KEY": KEY}, valid_namespaces=["langchain_aimhub"])
        llm = loads(
            text,
            secrets_map={"AIMHUB_API_KEY": KEY},
            valid_namespaces=["langchain_aimhub"],
            allowed_objects=[ChatAimhub],
        )
    assert isinstance(llm, ChatAimhub)
    assert llm.api_key is not None
    assert llm.api_key.get_secret_value() == KEY
