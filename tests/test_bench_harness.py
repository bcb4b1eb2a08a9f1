"""Smoke tests of the benchmark harness's pure pieces: the fake gateway's answers and the report.

No sockets and no timing: benchmarks are run by `make bench`, never asserted on here.
"""

from __future__ import annotations

import base64
import json
import struct
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import fake_server  # noqa: E402
import render  # noqa: E402
import report  # noqa: E402

from aimhub._sse import SSEDecoder  # noqa: E402


def _body(reply: fake_server.Reply) -> bytes:
    return b"".join(reply.pieces)


def _dechunk(frames: list[bytes]) -> bytes:
    out = b""
    for frame in frames:
        size, _, rest = frame.partition(b"\r\n")
        assert rest.endswith(b"\r\n")
        assert int(size, 16) == len(rest) - 2
        out += rest[:-2]
    return out


def test_plain_and_tool_answers() -> None:
    gateway = fake_server.FakeGateway(chunks=3, dims=4)
    plain = gateway.reply("POST", "/v1/chat/completions", b'{"model":"m","messages":[]}')
    assert plain.status == 200
    assert b"Content-Length: %d" % len(_body(plain)) in plain.head()
    message = json.loads(_body(plain))["choices"][0]["message"]
    assert message["content"] == fake_server.ANSWER

    tool = gateway.reply("POST", "/v1/chat/completions", b'{"tools":[{}]}')
    call = json.loads(_body(tool))["choices"][0]["message"]["tool_calls"][0]["function"]
    assert call["name"] == fake_server.TOOL_NAME
    assert json.loads(call["arguments"]) == {"city": "Paris", "unit": "celsius"}


def test_stream_is_openai_sse_with_usage_and_done() -> None:
    gateway = fake_server.FakeGateway(chunks=7, dims=4)
    reply = gateway.reply("POST", "/v1/chat/completions", b'{"stream":true}')
    assert reply.chunked
    assert b"Transfer-Encoding: chunked" in reply.head()
    assert reply.pieces[-1] == b"0\r\n\r\n"
    events = SSEDecoder().feed(_dechunk(reply.pieces[:-1]))
    assert events[-1].data == "[DONE]"
    chunks = [json.loads(e.data) for e in events[:-1]]
    texts = [c["choices"][0]["delta"].get("content") for c in chunks if c["choices"]]
    assert sum(1 for t in texts if t) == 7
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["completion_tokens"] == 7
    # consecutive chunks differ, as real token streams do
    assert texts[1] != texts[2]


@pytest.mark.parametrize("encoding", ["float", "base64"])
def test_embeddings_in_both_encodings_carry_the_same_vector(encoding: str) -> None:
    gateway = fake_server.FakeGateway(dims=8)
    body = json.dumps({"input": ["a", "b", "c"], "encoding_format": encoding}).encode()
    data = json.loads(_body(gateway.reply("POST", "/v1/embeddings", body)))["data"]
    assert [d["index"] for d in data] == [0, 1, 2]
    raw = data[0]["embedding"]
    vector = list(struct.unpack("<8f", base64.b64decode(raw))) if encoding == "base64" else raw
    assert vector == pytest.approx(fake_server.vector(8))
    assert sum(x * x for x in vector) == pytest.approx(1.0, rel=1e-5)


def test_dimensions_models_and_unknown_routes() -> None:
    gateway = fake_server.FakeGateway(dims=8)
    body = json.dumps({"input": "one", "dimensions": 3}).encode()
    data = json.loads(_body(gateway.reply("POST", "/v1/embeddings", body)))["data"]
    assert len(data) == 1
    assert len(data[0]["embedding"]) == 3
    models = json.loads(_body(gateway.reply("GET", "/v1/models", b"")))
    assert {m["id"] for m in models["data"]} == {
        fake_server.CHAT_MODEL,
        fake_server.EMBEDDING_MODEL,
    }
    assert gateway.reply("POST", "/v1/nowhere", b"{}").status == 404
    assert gateway.reply("POST", "/v1/embeddings", b"not json").status == 400


def test_markdown_table_aligns_numbers_right() -> None:
    text = report.markdown_table(
        ["name", "ms", "ratio"], [["a", "1,234", "1.10×"], ["b", "–", "–"]]
    )
    assert text.splitlines() == [
        "| name | ms | ratio |",
        "|---|---:|---:|",
        "| a | 1,234 | 1.10× |",
        "| b | – | – |",
    ]


def test_medians_ratios_and_targets() -> None:
    rounds = {
        "LangChain floor": {"invoke": [{"us_per_call": 100.0}, {"us_per_call": 300.0}]},
        "ChatOpenAI": {"invoke": [{"us_per_call": 400.0}]},
        "ChatAimhub": {"invoke": [{"us_per_call": 110.0}, {"us_per_call": 130.0}]},
    }
    table = report.medians(rounds)
    assert table["LangChain floor"]["invoke"]["us_per_call"] == 200.0
    targets = report.chat_targets(table, "ChatAimhub", "LangChain floor", "ChatOpenAI")
    by_what = {t.what: t for t in targets}
    floor = by_what["ChatAimhub `invoke` vs LangChain floor"]
    assert floor.measured == pytest.approx(0.6)
    assert floor.ok is True
    assert by_what["ChatAimhub `invoke` vs ChatOpenAI"].ok is True
    assert by_what["ChatAimhub 5,000-chunk stream vs ChatOpenAI"].ok is None
    assert floor.cells() == [floor.what, "0.60×", "≤ 1.25×", "met"]
    assert report.fmt_ratio(None) == "–"


def test_import_targets_use_deltas_in_ms() -> None:
    imports = {
        "from langchain_aimhub import ChatAimhub": 450.0,
        "import langchain_core.language_models": 300.0,
    }
    target = next(t for t in report.import_targets(imports) if t.what.endswith("language_models`"))
    assert target.measured == pytest.approx(150.0)
    assert target.ok is False
    assert target.cells()[1:] == ["+150 ms", "≤ +100 ms", "**missed**"]


def test_render_writes_every_section() -> None:
    data = {
        "plan": {
            "rounds": 1,
            "embed_rounds": 1,
            "invoke_calls": 2,
            "chunks": 10,
            "concurrency": 4,
            "texts": 6,
            "dims": 4,
            "import_rounds": 1,
            "quick": True,
        },
        "machine": {
            "date": "2026-01-01 00:00 UTC",
            "nproc": 2,
            "cpu": "cpu",
            "python": "3.11",
            "platform": "linux",
            "load_start": (0.1, 0.2, 0.3),
            "load_end": (0.1, 0.2, 0.3),
            "versions": {"httpx": "0.28"},
            "seconds": 1.0,
        },
        "rounds": {
            "httpx (raw)": {
                "invoke": [{"us_per_call": 100.0}],
                "stream": [{"total_ms": 5.0, "us_per_chunk": 0.5, "ttfc_ms": 0.1}],
            },
            "ChatAimhub": {"invoke": [{"us_per_call": 150.0}]},
            "httpx (raw) embed": {"embed": [{"seconds": 1.0, "texts_per_s": 6.0}]},
        },
        "memory": {"httpx (raw) embed": {"embed": 3.0}},
        "profiles": {},
        "imports": {"import aimhub": {"ms": 10.0, "modules": 5, "heavy": []}},
        "contenders": {
            "httpx (raw)": {"error": None, "failed": {}, "scenarios": [], "batch_size": None},
            "ChatAimhub": {"error": None, "failed": {"tool": "boom"}, "scenarios": []},
            "httpx (raw) embed": {"error": None, "failed": {}, "scenarios": [], "batch_size": 1000},
        },
        "all_contenders": ["httpx (raw)", "ChatAimhub", "httpx (raw) embed", "Aimhub"],
    }
    text = render.render(data)
    for heading in (
        "# Benchmark results",
        "## Machine and run",
        "## Targets (issue #7)",
        "## Chat: sequential `invoke`",
        "## Chat: one 10-chunk stream",
        "## Embeddings: 6 texts",
        "## Import time",
        "## Missing or failed",
    ):
        assert heading in text
    assert "| ChatAimhub | 150 | 1.50× |" in text
    assert "- Aimhub: not run" in text
    assert "- ChatAimhub · tool: failed — boom" in text
