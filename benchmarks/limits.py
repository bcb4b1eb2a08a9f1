"""Throughput at a gateway's limit: corpus embedding and batch chat against a capped gateway.

A loopback gateway (`tests/capped_gateway.py`) with latency and a concurrency cap answers
429 + `Retry-After: 1` beyond it. Each contender runs on its defaults; the table reports wall
time as a ratio to the physical limit (requests x latency / cap), 429s received and failed or
misaligned inputs. The corpus scenario also runs a hand-tuned raw httpx client (one semaphore
at the cap), the reference of its target. Incumbents (langchain-openai, llama-index OpenAI
classes: ChatOpenAI.abatch, OpenAILike.achat gathered under a semaphore, OpenAIEmbeddings,
OpenAIEmbedding with num_workers) run when they are importable, i.e. in `.venv-bench`.

    .venv/bin/python benchmarks/limits.py --quick
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from tests.capped_gateway import Counters, capped_gateway

KEY = "sk-bench"
# litellm would fetch its model price map from GitHub at import; the bench never leaves loopback.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_TELEMETRY", "False")


def _raw_embed(base: str, texts: list[str], model: str, batch: int, cap: int) -> list[Any]:
    async def run() -> list[Any]:
        limit = asyncio.Semaphore(cap)
        async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=cap)) as c:

            async def one(chunk: list[str]) -> list[Any]:
                async with limit:
                    r = await c.post(f"{base}/embeddings", json={"model": model, "input": chunk})
                return [d["embedding"] for d in r.json()["data"]]

            chunks = [texts[i : i + batch] for i in range(0, len(texts), batch)]
            return [v for part in await asyncio.gather(*map(one, chunks)) for v in part]

    return asyncio.run(run())


def embedding_contenders(batch: int, cap: int) -> dict[str, Callable[[str, list[str]], list[Any]]]:
    from langchain_aimhub import AimhubEmbeddings
    from llamaindex_aimhub import AimhubEmbedding

    model = "text-embedding-3-small"
    found: dict[str, Callable[[str, list[str]], list[Any]]] = {
        "raw httpx (semaphore at the cap)": lambda b, t: _raw_embed(b, t, model, batch, cap),
        "AimhubEmbeddings.embed_documents": lambda b, t: AimhubEmbeddings(
            model=model, api_key=KEY, base_url=b, chunk_size=batch
        ).embed_documents(t),
        "AimhubEmbedding.aget_text_embedding_batch": lambda b, t: asyncio.run(
            AimhubEmbedding(
                model_name=model, api_key=KEY, api_base=b, embed_batch_size=batch
            ).aget_text_embedding_batch(t)
        ),
    }
    try:
        from langchain_openai import OpenAIEmbeddings

        found["OpenAIEmbeddings"] = lambda b, t: OpenAIEmbeddings(
            model=model,
            api_key=KEY,
            base_url=b,
            check_embedding_ctx_length=False,  # type: ignore[arg-type]
        ).embed_documents(t)
    except ImportError:
        pass
    try:
        from llama_index.embeddings.openai import OpenAIEmbedding

        # num_workers: its documented knob for concurrent batches (a process pool per call).
        found["OpenAIEmbedding (num_workers=8)"] = lambda b, t: OpenAIEmbedding(
            model_name=model, api_key=KEY, api_base=b, embed_batch_size=batch, num_workers=cap
        ).get_text_embedding_batch(t)
    except ImportError:
        pass
    try:
        import litellm

        litellm.suppress_debug_info = True

        found["litellm.aembedding (gather, semaphore at the cap)"] = lambda b, t: _litellm_embed(
            litellm, b, t, model, batch, cap
        )
    except ImportError:
        pass
    return found


def _litellm_embed(
    litellm: Any, base: str, texts: list[str], model: str, batch: int, cap: int
) -> list[Any]:
    # litellm has no batching knob for embeddings: chunks are gathered under a semaphore, as
    # its docs' async examples do.
    async def run() -> list[Any]:
        limit = asyncio.Semaphore(cap)

        async def one(chunk: list[str]) -> list[Any]:
            async with limit:
                r = await litellm.aembedding(
                    model=f"openai/{model}", input=chunk, api_key=KEY, api_base=base
                )
            return [d["embedding"] for d in r.data]

        chunks = [texts[i : i + batch] for i in range(0, len(texts), batch)]
        return [v for part in await asyncio.gather(*map(one, chunks)) for v in part]

    return asyncio.run(run())


def chat_contenders(concurrency: int) -> dict[str, Callable[[str, list[str]], list[str]]]:
    from llama_index.core.llms import ChatMessage

    from langchain_aimhub import ChatAimhub
    from llamaindex_aimhub import Aimhub

    def lc(base: str, prompts: list[str]) -> list[str]:
        model = ChatAimhub(model="gpt-4o-mini", api_key=KEY, base_url=base)
        replies = asyncio.run(model.abatch(prompts, config={"max_concurrency": concurrency}))
        return [str(r.content) for r in replies]

    def li(base: str, prompts: list[str]) -> list[str]:
        llm = Aimhub(model="gpt-4o-mini", api_key=KEY, api_base=base)

        async def run() -> list[str]:
            limit = asyncio.Semaphore(concurrency)

            async def one(p: str) -> str:
                async with limit:
                    r = await llm.achat([ChatMessage(role="user", content=p)])
                return str(r.message.content)

            return list(await asyncio.gather(*map(one, prompts)))

        return asyncio.run(run())

    found = {"ChatAimhub.abatch": lc, "Aimhub.achat (gather, semaphore)": li}
    try:
        from langchain_openai import ChatOpenAI

        def openai(base: str, prompts: list[str]) -> list[str]:
            model = ChatOpenAI(model="gpt-4o-mini", api_key=KEY, base_url=base)  # type: ignore[arg-type]
            out = asyncio.run(
                model.abatch(
                    prompts, config={"max_concurrency": concurrency}, return_exceptions=True
                )
            )
            return [str(getattr(r, "content", "")) for r in out]

        found["ChatOpenAI.abatch"] = openai
    except ImportError:
        pass
    try:
        from llama_index.llms.openai_like import OpenAILike

        def like(base: str, prompts: list[str]) -> list[str]:
            llm = OpenAILike(model="gpt-4o-mini", api_key=KEY, api_base=base, is_chat_model=True)

            async def run() -> list[str]:
                limit = asyncio.Semaphore(concurrency)

                async def one(p: str) -> str:
                    async with limit:
                        try:
                            r = await llm.achat([ChatMessage(role="user", content=p)])
                        except Exception:
                            return ""
                    return str(r.message.content)

                return list(await asyncio.gather(*map(one, prompts)))

            return asyncio.run(run())

        found["OpenAILike.achat (gather, semaphore)"] = like
    except ImportError:
        pass
    try:
        import litellm

        litellm.suppress_debug_info = True

        def lite(base: str, prompts: list[str]) -> list[str]:
            # batch_completion: litellm's documented batch entry point (a thread pool).
            out = litellm.batch_completion(
                model="openai/gpt-4o-mini",
                messages=[[{"role": "user", "content": p}] for p in prompts],
                api_key=KEY,
                api_base=base,
                max_workers=concurrency,
            )
            return [
                "" if isinstance(r, Exception) else str(r.choices[0].message.content) for r in out
            ]

        found[f"litellm.batch_completion (max_workers={concurrency})"] = lite
    except ImportError:
        pass
    return found


def _row(name: str, seconds: float, limit: float, c: Counters, requests: int, bad: int) -> str:
    return (
        f"| {name} | {seconds:.2f} s | {seconds / limit:.2f}x | {c.rejected} "
        f"({100 * c.rejected / max(requests, 1):.1f} %) | {bad} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller corpus and prompt list")
    args, _ = parser.parse_known_args()  # `make bench` passes run.py's arguments too
    texts_n, prompts_n, dims = (6_144, 300, 256) if args.quick else (20_000, 1_000, 1_024)
    batch, emb_cap, emb_latency = 256, 8, 0.08
    chat_cap, chat_latency, concurrency = 16, 0.15, 64

    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(
        f"# Throughput at a gateway's limit\n\nWritten by `make bench` (`benchmarks/limits.py`, "
        f"`benchmarks/decoding.py`) on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} at "
        f"`{commit}`; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the "
        "start. Each contender runs once on its defaults against a fresh loopback gateway "
        "(`tests/capped_gateway.py`).\n"
    )
    texts = [f"{chr(65 + i % 26)}text {i}" for i in range(texts_n)]
    requests = -(-texts_n // batch)
    limit = requests * emb_latency / emb_cap
    print(
        f"## Corpus embedding: {texts_n} texts, {dims} dims, {emb_latency * 1000:.0f} ms, "
        f"{emb_cap} in flight (physical limit {limit:.2f} s)\n"
    )
    print(
        "| contender | wall | x limit | 429s | failed/misaligned |\n| --- | --- | --- | --- | --- |"
    )
    for name, run in embedding_contenders(batch, emb_cap).items():
        with capped_gateway(emb_cap, emb_latency, pad=dims - 2) as (base, counters):
            started = time.perf_counter()
            try:
                vectors = run(base, texts)
                bad = sum(
                    1 for t, v in zip(texts, vectors, strict=False) if v[:2] != [len(t), ord(t[0])]
                ) + abs(len(texts) - len(vectors))
            except Exception as exc:
                print(f"<!-- {name}: {type(exc).__name__}: {exc} -->")
                bad = len(texts)
            print(_row(name, time.perf_counter() - started, limit, counters, requests, bad))

    prompts = [f"prompt {i}" for i in range(prompts_n)]
    limit = prompts_n * chat_latency / chat_cap
    print(
        f"\n## Batch chat: {prompts_n} prompts, {chat_latency * 1000:.0f} ms, {chat_cap} in "
        f"flight, max_concurrency={concurrency} (physical limit {limit:.2f} s)\n"
    )
    print("| contender | wall | x limit | 429s | failed |\n| --- | --- | --- | --- | --- |")
    for name, run_chat in chat_contenders(concurrency).items():
        with capped_gateway(chat_cap, chat_latency) as (base, counters):
            started = time.perf_counter()
            try:
                answers = run_chat(base, prompts)
                bad = sum(1 for p, a in zip(prompts, answers, strict=False) if a != f"echo: {p}")
            except Exception as exc:
                print(f"<!-- {name}: {type(exc).__name__}: {exc} -->")
                bad = prompts_n
            print(_row(name, time.perf_counter() - started, limit, counters, prompts_n, bad))


if __name__ == "__main__":
    main()
