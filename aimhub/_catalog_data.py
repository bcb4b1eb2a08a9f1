"""Built-in catalogue rows. Data only: each family's base record, then per-model rows.

Sources: the platforms' published model pages (Aimhub's API docs list context sizes such as
`glm-4[128k]`; 数标标's table: gpt-4o 128K, claude-3-5-sonnet 200K; see docs/gateway-behaviour.md,
'Sources'), the providers' public model pages, and docs/gateway-behaviour.md §5-§11 for the rules.
Numbers a provider changes over time are the documented values at the model's release.
"""

from __future__ import annotations

from typing import Any

from aimhub._capabilities import CatalogRow, ModelCapabilities
from aimhub._media_rules import MediaRules

UNKNOWN = ModelCapabilities()

_OPENAI = ModelCapabilities(
    family="openai",
    context_window=16_385,
    max_output_tokens=4_096,
    developer_role=False,
    structured_output="function_calling",
)
_OPENAI_MODERN = _OPENAI.replace(
    context_window=128_000,
    max_output_tokens=16_384,
    vision=True,
    pdf_input=True,
    image_tool_message=True,
    structured_output="json_schema",
    json_schema=True,
)
_OPENAI_REASONING = _OPENAI_MODERN.replace(
    family="openai-reasoning",
    context_window=200_000,
    max_output_tokens=100_000,
    token_param="max_completion_tokens",
    temperature=False,
    reasoning=True,
    reasoning_effort=True,
    developer_role=True,
    parallel_tool_calls=False,
    unsupported_params={
        "temperature",
        "top_p",
        "presence_penalty",
        "frequency_penalty",
        "logprobs",
        "top_logprobs",
        "logit_bias",
        "parallel_tool_calls",
    },
)
_CLAUDE = ModelCapabilities(
    family="claude",
    prompt_caching=True,
    context_window=200_000,
    max_output_tokens=4_096,
    vision=True,
    image_tool_message=True,
    structured_output="function_calling",
    json_mode=False,
    temperature_range=(0.0, 1.0),
    role_rules="strict_alternation",
    tool_content_string=True,
    unsupported_params=frozenset(
        {
            "frequency_penalty",
            "presence_penalty",
            "logit_bias",
            "seed",
            "n",
            "logprobs",
            "top_logprobs",
        }
    ),
)
_GEMINI = ModelCapabilities(
    family="gemini",
    media_via_image_url=True,
    context_window=1_048_576,
    max_output_tokens=8_192,
    vision=True,
    audio_input=True,
    pdf_input=True,
    video_input=True,
    image_tool_message=False,
    structured_output="json_schema",
    json_schema=True,
    strict_tools=False,
    unsupported_params=frozenset({"logit_bias"}),
)
_QWEN = ModelCapabilities(
    family="qwen",
    context_window=131_072,
    max_output_tokens=8_192,
    tool_choices=frozenset({"auto", "none"}),
    structured_output="function_calling",
    temperature_range=(0.0, 2.0),
    default_top_p=0.8,
    top_p_range=(0.01, 0.99),
    role_rules="strict_alternation",
    strict_tools=False,
)
_QWEN_THINKING = _QWEN.replace(
    reasoning=True,
    reasoning_echo="never",
    thinking_requires_stream=True,
)
_ERNIE = ModelCapabilities(
    family="ernie",
    context_window=8_192,
    max_output_tokens=2_048,
    tool_calling=False,
    parallel_tool_calls=False,
    tool_choices=frozenset(),
    structured_output="json_mode",
    json_mode=False,
    temperature_range=(0.01, 1.0),
    role_rules="strict_alternation_drop_leading_assistant",
    tool_content_string=True,
    embedding_batch_size=16,
)
_GLM = ModelCapabilities(
    family="glm",
    context_window=128_000,
    max_output_tokens=4_096,
    tool_choices=frozenset({"auto"}),
    structured_output="function_calling",
    # Open intervals: 0 (and top_p 1) give 400 code 1214 (docs/gateway-behaviour.md §9).
    temperature_range=(0.01, 1.0),
    top_p_range=(0.01, 0.99),
    strict_tools=False,
    embedding_batch_size=64,
)
_LEGACY_NATIVE = ModelCapabilities(
    # Channels converted by one-api/new-api's native adaptors lose tools and images
    # (docs/gateway-behaviour.md §9).
    family="legacy-native",
    context_window=8_192,
    max_output_tokens=2_048,
    tool_calling=False,
    parallel_tool_calls=False,
    tool_choices=frozenset(),
    structured_output="json_mode",
    json_mode=False,
    tool_content_string=True,
)
_MOONSHOT = ModelCapabilities(
    family="moonshot",
    context_window=131_072,
    max_output_tokens=8_192,
    tool_choices=frozenset({"auto", "none"}),
    structured_output="function_calling",
    temperature_range=(0.0, 1.0),
)
_STEPFUN = ModelCapabilities(
    family="stepfun",
    context_window=32_000,
    max_output_tokens=4_096,
    structured_output="function_calling",
    tool_choices=frozenset({"auto", "none"}),
)
_DEEPSEEK = ModelCapabilities(
    family="deepseek",
    context_window=128_000,
    max_output_tokens=8_192,
    structured_output="json_mode",
    json_schema=False,
    strict_tools=False,
    tool_choices=frozenset({"auto", "none", "required", "named"}),
)
_EMBEDDING = ModelCapabilities(
    family="embedding",
    kind="embedding",
    context_window=8_191,
    tool_calling=False,
    parallel_tool_calls=False,
    tool_choices=frozenset(),
    json_mode=False,
)
_RERANK = _EMBEDDING.replace(family="rerank", kind="rerank", context_window=8_192)

# Image, speech, transcription and moderation models: their rules are the OpenAI API reference's
# (Images, Audio and Moderations pages), which the seeded gateways relay as they are; CogView and
# flux are listed by Aimhub's and 钱多多's API docs in the OpenAI image format without rules of
# their own, so nothing is checked for them beyond the shape.
_MEDIA = _EMBEDDING.replace(embedding_batch_size=1)
_IMAGE = _MEDIA.replace(family="image", kind="image")
_DALLE_2 = MediaRules(
    image_sizes=("256x256", "512x512", "1024x1024"),
    image_max_n=10,
    image_qualities=("standard",),
    image_styles=(),
    image_response_formats=("url", "b64_json"),
    image_prompt_max_chars=1_000,
    image_max_upload_bytes=4_000_000,
)
_DALLE_3 = MediaRules(
    image_sizes=("1024x1024", "1792x1024", "1024x1792"),
    image_max_n=1,
    image_qualities=("standard", "hd"),
    image_styles=("vivid", "natural"),
    image_response_formats=("url", "b64_json"),
    image_prompt_max_chars=4_000,
    image_edits=False,
    image_variations=False,
)
# gpt-image-1 always answers b64_json and rejects the `response_format` field.
_GPT_IMAGE = MediaRules(
    image_sizes=("1024x1024", "1536x1024", "1024x1536", "auto"),
    image_max_n=10,
    image_qualities=("low", "medium", "high", "auto"),
    image_styles=(),
    image_response_formats=(),
    image_prompt_max_chars=32_000,
    image_variations=False,
    image_max_inputs=16,
    image_max_upload_bytes=50_000_000,
)
_TTS_VOICES = ("alloy", "ash", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer")
_TTS = MediaRules(
    speech_voices=_TTS_VOICES,
    speech_formats=("mp3", "opus", "aac", "flac", "wav", "pcm"),
    speech_speed_range=(0.25, 4.0),
    speech_max_input_chars=4_096,
)
_WHISPER = MediaRules(
    transcription_formats=("json", "text", "srt", "verbose_json", "vtt"),
    audio_max_upload_bytes=25_000_000,
)
_AUDIO = _MEDIA.replace(family="audio", kind="audio")
_MODERATION = _MEDIA.replace(family="moderation", kind="moderation")
_TASK = _MEDIA.replace(family="task", kind="task")


def _row(prefixes: str, base: ModelCapabilities, **changes: Any) -> CatalogRow:
    return CatalogRow(tuple(prefixes.split()), base.replace(**changes) if changes else base)


BUILTIN_ROWS: tuple[CatalogRow, ...] = (
    # --- OpenAI -------------------------------------------------------------------------------
    _row("gpt-3.5-turbo", _OPENAI),
    _row("gpt-3.5-turbo-0301 gpt-3.5-turbo-0613", _OPENAI, context_window=4_096),
    _row("gpt-3.5-turbo-16k", _OPENAI),
    _row(
        "gpt-3.5-turbo-instruct",
        _OPENAI,
        kind="completion",
        context_window=4_096,
        tool_calling=False,
        tool_choices=frozenset(),
    ),
    _row("gpt-4", _OPENAI, context_window=8_192),
    _row("gpt-4-32k", _OPENAI, context_window=32_768),
    _row(
        "gpt-4-1106-preview gpt-4-0125-preview gpt-4-turbo-preview", _OPENAI, context_window=128_000
    ),
    _row(
        "gpt-4-turbo",
        _OPENAI_MODERN,
        max_output_tokens=4_096,
        structured_output="function_calling",
        json_schema=False,
    ),
    _row(
        "gpt-4-vision-preview gpt-4-1106-vision-preview",
        _OPENAI_MODERN,
        max_output_tokens=4_096,
        tool_calling=False,
        tool_choices=frozenset(),
        structured_output="json_mode",
        json_schema=False,
        json_mode=False,
        pdf_input=False,
    ),
    _row("gpt-4o chatgpt-4o", _OPENAI_MODERN),
    _row("gpt-4o-audio", _OPENAI_MODERN, audio_input=True),
    _row("gpt-4.1", _OPENAI_MODERN, context_window=1_047_576, max_output_tokens=32_768),
    _row("gpt-4.5", _OPENAI_MODERN),
    _row("o1 o3 o4", _OPENAI_REASONING),
    _row(
        "o1-mini o1-preview",
        _OPENAI_REASONING,
        context_window=128_000,
        max_output_tokens=65_536,
        vision=False,
        pdf_input=False,
        tool_calling=False,
        tool_choices=frozenset(),
        structured_output="json_mode",
        json_schema=False,
        developer_role=False,
    ),
    _row("o3-mini", _OPENAI_REASONING, vision=False, pdf_input=False),
    _row(
        "gpt-5",
        _OPENAI_REASONING,
        context_window=400_000,
        max_output_tokens=128_000,
        parallel_tool_calls=True,
        unsupported_params={
            "temperature",
            "top_p",
            "presence_penalty",
            "frequency_penalty",
            "logprobs",
            "top_logprobs",
            "logit_bias",
        },
    ),
    _row("gpt-5-chat", _OPENAI_MODERN, context_window=128_000),
    # --- Anthropic Claude ---------------------------------------------------------------------
    _row(
        "claude-2 claude-instant",
        _CLAUDE,
        context_window=100_000,
        vision=False,
        tool_calling=False,
        tool_choices=frozenset(),
        parallel_tool_calls=False,
        image_tool_message=False,
        structured_output="json_mode",
    ),
    _row(
        "claude-2.1",
        _CLAUDE,
        vision=False,
        tool_calling=False,
        tool_choices=frozenset(),
        parallel_tool_calls=False,
        image_tool_message=False,
        structured_output="json_mode",
    ),
    _row("claude-3", _CLAUDE),
    _row("claude-3-5 claude-3.5", _CLAUDE, max_output_tokens=8_192, pdf_input=True),
    _row("claude-3-7 claude-3.7", _CLAUDE, max_output_tokens=64_000, pdf_input=True),
    _row(
        "claude-sonnet-4 claude-opus-4 claude-haiku-4 claude-4",
        _CLAUDE,
        max_output_tokens=32_000,
        pdf_input=True,
    ),
    # --- Google Gemini ------------------------------------------------------------------------
    _row(
        "gemini-pro gemini-1.0",
        _GEMINI,
        context_window=32_760,
        max_output_tokens=8_192,
        vision=False,
        audio_input=False,
        pdf_input=False,
        video_input=False,
        structured_output="function_calling",
        json_schema=False,
    ),
    _row(
        "gemini-pro-vision",
        _GEMINI,
        context_window=16_384,
        max_output_tokens=2_048,
        tool_calling=False,
        tool_choices=frozenset(),
        audio_input=False,
        pdf_input=False,
        structured_output="json_mode",
        json_schema=False,
        json_mode=False,
    ),
    _row("gemini-1.5 gemini-2 gemini-exp", _GEMINI),
    _row("gemini-1.5-pro", _GEMINI, context_window=2_097_152),
    _row("gemini-2.5 gemini-3", _GEMINI, max_output_tokens=65_536, reasoning=True),
    # --- Alibaba Qwen -------------------------------------------------------------------------
    _row("qwen", _QWEN, context_window=32_768),
    _row("qwen-turbo qwen-plus", _QWEN),
    _row("qwen-max", _QWEN, context_window=32_768),
    _row("qwen-max-longcontext", _QWEN, context_window=28_000),
    _row("qwen-long", _QWEN, context_window=10_000_000),
    _row("qwen-vl qwen2-vl qwen2.5-vl qwen3-vl", _QWEN, vision=True, context_window=32_768),
    _row("qwen2 qwen2.5", _QWEN),
    _row("qwen3", _QWEN_THINKING),
    _row("qwq qwen-qwq", _QWEN_THINKING, context_window=131_072),
    # --- Baidu ERNIE --------------------------------------------------------------------------
    _row("ernie", _ERNIE),
    _row("ernie-bot-turbo", _ERNIE, context_window=11_200),
    _row("ernie-4.0 ernie-3.5 ernie-bot-4", _ERNIE, context_window=8_192),
    _row("ernie-speed ernie-lite", _ERNIE, context_window=131_072),
    # --- Zhipu GLM ----------------------------------------------------------------------------
    _row(
        "chatglm",
        _GLM,
        context_window=8_192,
        tool_calling=False,
        tool_choices=frozenset(),
        parallel_tool_calls=False,
        structured_output="json_mode",
    ),
    _row(
        "chatglm_turbo",
        _GLM,
        context_window=32_768,
        tool_calling=False,
        tool_choices=frozenset(),
        parallel_tool_calls=False,
        structured_output="json_mode",
    ),
    _row("glm-3 glm-4", _GLM),
    _row(
        "glm-4v",
        _GLM,
        vision=True,
        context_window=8_192,
        tool_calling=False,
        tool_choices=frozenset(),
        parallel_tool_calls=False,
        structured_output="json_mode",
    ),
    _row(
        "glm-4.5 glm-4.6 glm-z1",
        _GLM,
        reasoning=True,
        reasoning_echo="tool_turns",
        max_output_tokens=98_304,
    ),
    # --- Tencent Hunyuan, iFlytek Spark (native converters: no tools, text only) --------------
    _row("hunyuan", _LEGACY_NATIVE, family="hunyuan", context_window=32_000),
    _row("sparkdesk spark", _LEGACY_NATIVE, family="spark", role_rules="strict_alternation"),
    # --- Moonshot / Kimi ----------------------------------------------------------------------
    _row("moonshot-v1-8k", _MOONSHOT, context_window=8_192),
    _row("moonshot-v1-32k", _MOONSHOT, context_window=32_768),
    _row("moonshot-v1-128k moonshot-v1-auto", _MOONSHOT),
    _row(
        "moonshot-v1-8k-vision moonshot-v1-32k-vision moonshot-v1-128k-vision",
        _MOONSHOT,
        vision=True,
    ),
    _row("kimi", _MOONSHOT, context_window=262_144),
    _row("kimi-k2.6", _MOONSHOT, context_window=262_144, fixed_temperature=1.0),
    # --- StepFun ------------------------------------------------------------------------------
    _row("step-1 step-2", _STEPFUN),
    _row("step-1-8k", _STEPFUN, context_window=8_000),
    _row("step-1-128k", _STEPFUN, context_window=128_000),
    _row("step-1-200k", _STEPFUN, context_window=200_000),
    _row("step-1v", _STEPFUN, vision=True),
    # --- DeepSeek -----------------------------------------------------------------------------
    _row("deepseek", _DEEPSEEK),
    _row(
        "deepseek-reasoner",
        _DEEPSEEK,
        reasoning=True,
        reasoning_echo="tool_turns",
        max_output_tokens=65_536,
        tool_choices=frozenset({"auto", "none"}),
        unsupported_params={
            "temperature",
            "top_p",
            "presence_penalty",
            "frequency_penalty",
            "logprobs",
            "top_logprobs",
        },
    ),
    # The original R1 rejects reasoning_content in its input (docs/gateway-behaviour.md §7).
    _row(
        "deepseek-r1",
        _DEEPSEEK,
        reasoning=True,
        reasoning_echo="never",
        tool_calling=False,
        tool_choices=frozenset(),
        parallel_tool_calls=False,
    ),
    # --- Embeddings ---------------------------------------------------------------------------
    _row("text-embedding-ada-002", _EMBEDDING, family="openai", embedding_dimensions=1_536),
    _row(
        "text-embedding-3-small",
        _EMBEDDING,
        family="openai",
        embedding_dimensions=1_536,
    ),
    _row(
        "text-embedding-3-large",
        _EMBEDDING,
        family="openai",
        embedding_dimensions=3_072,
    ),
    # DashScope caps a request at 10 inputs (docs/gateway-behaviour.md §10).
    _row(
        "text-embedding-v",
        _EMBEDDING,
        family="qwen",
        embedding_batch_size=10,
        embedding_dimensions=1_536,
    ),
    _row(
        "text-embedding-v3 text-embedding-v4",
        _EMBEDDING,
        family="qwen",
        embedding_batch_size=10,
        embedding_dimensions=1_024,
    ),
    _row(
        "embedding-v1 tao-8k",
        _EMBEDDING,
        family="ernie",
        embedding_batch_size=16,
        embedding_dimensions=384,
        context_window=384,
    ),
    _row("bge-", _EMBEDDING, family="bge", embedding_dimensions=1_024, context_window=512),
    _row("bge-m3", _EMBEDDING, family="bge", embedding_dimensions=1_024, context_window=8_192),
    _row(
        "embedding-2 embedding-3",
        _EMBEDDING,
        family="glm",
        embedding_batch_size=64,
        embedding_dimensions=1_024,
    ),
    # new-api (Apr 2025) embeds only the first input of a Gemini batch
    # (docs/gateway-behaviour.md §10).
    _row(
        "text-embedding-004 gemini-embedding embedding-001",
        _EMBEDDING,
        family="gemini",
        embedding_batch_size=1,
        embedding_dimensions=768,
    ),
    # --- Rerankers ----------------------------------------------------------------------------
    _row("bge-reranker jina-reranker rerank- gte-rerank", _RERANK),
    # --- Images, speech, transcription, moderation --------------------------------------------
    _row("dall-e-2", _IMAGE, family="dall-e", media=_DALLE_2),
    _row("dall-e-3", _IMAGE, family="dall-e", media=_DALLE_3),
    _row("gpt-image-1", _IMAGE, family="gpt-image", media=_GPT_IMAGE),
    _row("cogview", _IMAGE, family="cogview"),
    _row("flux", _IMAGE, family="flux"),
    _row("tts-1", _AUDIO, family="tts", media=_TTS),
    _row(
        "gpt-4o-mini-tts",
        _AUDIO,
        family="tts",
        media=MediaRules(
            speech_voices=(*_TTS_VOICES, "ballad", "verse"),
            speech_formats=_TTS.speech_formats,
            speech_speed_range=_TTS.speech_speed_range,
            speech_max_input_chars=_TTS.speech_max_input_chars,
        ),
    ),
    _row("whisper-1", _AUDIO, family="whisper", media=_WHISPER),
    _row(
        "gpt-4o-transcribe gpt-4o-mini-transcribe",
        _AUDIO,
        family="whisper",
        media=MediaRules(
            transcription_formats=("json", "text"),
            transcription_timestamps=False,
            audio_max_upload_bytes=25_000_000,
        ),
    ),
    _row("omni-moderation text-moderation", _MODERATION),
    # --- Video tasks (docs/gateway-behaviour.md §16): which of the two route families -----------
    # Kling, Luma, Runway, CogVideoX and Jimeng are relayed through new-api's task wrapper; Sora
    # speaks the OpenAI video format.
    _row(
        "kling luma runway gen3 gen4 cogvideox jimeng hailuo minimax-video vidu",
        _TASK,
        family="video",
        media=MediaRules(video_route="generations"),
    ),
    _row("sora", _TASK, family="video", media=MediaRules(video_route="openai")),
)

#: Traits a model-id suffix adds on top of its family (`claude-3-7-sonnet-thinking`).
SUFFIX_TRAITS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("-thinking", {"reasoning": True}),
    ("-nothinking", {"reasoning": False, "thinking_requires_stream": False}),
)
