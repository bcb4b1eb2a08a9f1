"""What a competent chat model answers, scripted: the replies behind the LangChain cassettes.

`answer(body, model)` reads a Chat Completions request the way gpt-4o-mini would and returns
a `Turn`: text, or tool calls with schema-valid arguments taken from the prompt, or JSON that
matches the requested schema. The rules are plain and deterministic; a request no rule covers
gets a polite generic reply and is reported by the builder (`Turn.scripted=False`), so that a
missing rule is seen, never silently baked into a cassette.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from standin_media import BY_URL, Media

Json = dict[str, Any]


@dataclass
class Turn:
    """One assistant turn: text and/or tool calls (name, arguments), plus accounting hints."""

    text: str | None = None
    tool_calls: list[tuple[str, Json]] = field(default_factory=list)
    reasoning_tokens: int = 0
    #: False when no rule matched and the generic reply was used.
    scripted: bool = True


# --- reading the request --------------------------------------------------------------------


def text_of(content: Any) -> str:
    """The text parts of a message's content, joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(p.get("text", "")) for p in content if isinstance(p, Mapping) and "text" in p
        )
    return ""


def media_of(content: Any) -> list[Media | None]:
    """The media parts of a message, identified among the stand-ins (None: unknown bytes)."""
    found: list[Media | None] = []
    if not isinstance(content, list):
        return found
    for part in content:
        if not isinstance(part, Mapping):
            continue
        kind = part.get("type")
        if kind == "image_url":
            found.append(_identify(str(part["image_url"]["url"])))
        elif kind == "input_audio":
            found.append(_identify_bytes(part["input_audio"]["data"]))
        elif kind == "file":
            data = part["file"].get("file_data") or ""
            found.append(_identify(str(data)))
    return found


def _identify(url: str) -> Media | None:
    if url.startswith("data:") and ";base64," in url:
        return _identify_bytes(url.split(";base64,", 1)[1])
    return BY_URL.get(url)  # the upstream model fetches remote images itself


def _identify_bytes(data: str) -> Media | None:
    raw = base64.b64decode(data)
    return next((m for m in BY_URL.values() if m.content == raw), None)


def last_user_text(messages: list[Json]) -> str:
    for message in reversed(messages):
        if message.get("role") == "user":
            return text_of(message.get("content"))
    return ""


# --- tools ----------------------------------------------------------------------------------

ArgsRule = Callable[[str], "Json | None"]


def _int_in_call(name: str) -> ArgsRule:
    def rule(prompt: str) -> Json | None:
        match = re.search(rf"{name}\((-?\d+)\)", prompt)
        return {"input": int(match.group(1))} if match else None

    return rule


def _sum_terms(prompt: str) -> Json | None:
    match = re.search(r"(-?\d+)\s*\+\s*(-?\d+)", prompt)
    return {"a": int(match.group(1)), "b": int(match.group(2))} if match else None


def _weather(prompt: str) -> Json | None:
    match = re.search(r"weather (?:like )?in ([^?.!]+)", prompt, re.IGNORECASE)
    return {"location": match.group(1).strip()} if match else None


def _greeting(prompt: str) -> Json | None:
    match = re.search(r"generate an? (\w+) greeting", prompt, re.IGNORECASE)
    return {"answer_style": match.group(1)} if match else None


def _customer(prompt: str) -> Json | None:
    match = re.search(r"named '([^']+)'(?: \(([^)]*)\))? - (.+)$", prompt)
    if not match:
        return None
    description = match.group(3).strip()
    return {
        "customer_name": match.group(1),
        "description": description[0].upper() + description[1:],
    }


def _population(prompt: str) -> Json | None:
    match = re.search(r"population of ([A-Z][\w ]+?)(?: and| or|[?.,!]|$)", prompt)
    return {"city": match.group(1).strip()} if match else None


def _cities(prompt: str) -> list[str]:
    return re.findall(r"\b(Paris|Tokyo|Berlin|Lagos|Lima)\b", prompt)


#: Arguments a model takes from the prompt, per tool name. None: the prompt does not call for it.
TOOL_ARGS: dict[str, ArgsRule] = {
    "magic_function": _int_in_call("magic_function"),
    "magic_function_no_args": lambda p: {} if "magic_function_no_args" in p else None,
    "my_adder_tool": _sum_terms,
    "get_weather": _weather,
    "greeting_generator": _greeting,
    "unicode_customer": _customer,
}


def _tool_name(tool: Json) -> str:
    return str(tool["function"]["name"])


def _schema(tool: Json) -> Json:
    return dict(tool["function"].get("parameters") or {})


def plan_tool_calls(messages: list[Json], tools: list[Json], choice: Any) -> list[tuple[str, Json]]:
    """The calls a model makes for the last user turn; forced choices always produce one."""
    prompt = last_user_text(messages)
    names = [_tool_name(t) for t in tools]
    if isinstance(choice, Mapping):
        wanted = str(choice["function"]["name"])
        tool = next(t for t in tools if _tool_name(t) == wanted)
        return [(wanted, _args_for(tool, prompt) or fill_schema(_schema(tool), prompt))]
    calls = _agent_calls(messages, names)
    if calls:
        return calls
    for tool in tools:
        args = _args_for(tool, prompt)
        if args is not None:
            return [(_tool_name(tool), args)]
    asked = re.search(r"\b(use|using) the tool\b", prompt, re.IGNORECASE)
    if choice == "required" or (asked and len(tools) == 1):
        tool = tools[0]
        return [(_tool_name(tool), fill_schema(_schema(tool), prompt))]
    return []


def _args_for(tool: Json, prompt: str) -> Json | None:
    rule = TOOL_ARGS.get(_tool_name(tool))
    if rule is not None:
        return rule(prompt)
    schema = _schema(tool)
    if _structured_rule(str(tool["function"]["name"]), schema) is not None:
        return structured_json(schema, prompt, title=_tool_name(tool))
    return None


def _agent_calls(messages: list[Json], names: list[str]) -> list[tuple[str, Json]]:
    """The agent tools (weather, population): one call per city asked about, in parallel.

    A follow-up such as "which of those has more people?" refers to the cities of an earlier
    user turn, as a model reading the whole conversation would resolve it.
    """
    prompt = last_user_text(messages)
    cities = _cities(prompt)
    for message in reversed(messages):
        if cities:
            break
        if message.get("role") == "user":
            cities = _cities(text_of(message.get("content")))
    calls: list[tuple[str, Json]] = []
    if "get_weather" in names and re.search(r"\bweather\b", prompt, re.IGNORECASE):
        calls += [("get_weather", {"location": c}) for c in cities]
    if "get_population" in names and re.search(r"population|people", prompt, re.IGNORECASE):
        calls += [("get_population", {"city": c}) for c in cities]
    return calls + _media_calls(prompt, names)


def _media_calls(prompt: str, names: list[str]) -> list[tuple[str, Json]]:
    """The media tools (LangChain's `aimhub_*`, LlamaIndex's plain names), in parallel: the
    image tool for "draw X", the speech tool for `read this aloud: "..."`."""
    image = next((n for n in names if n.endswith("generate_image")), None)
    speech = next((n for n in names if n.endswith("text_to_speech")), None)
    calls: list[tuple[str, Json]] = []
    drawn = re.search(r"\bdraw (.+?)(?:,? and |[.!]|$)", prompt, re.IGNORECASE)
    if image and drawn:
        calls.append((image, {"prompt": drawn.group(1)}))
    spoken = re.search(r"read (?:this )?aloud:?\s*\"([^\"]+)\"", prompt, re.IGNORECASE)
    if speech and spoken:
        calls.append((speech, {"text": spoken.group(1)}))
    return calls


def fill_schema(schema: Json, prompt: str) -> Json:
    """Arguments a model invents when forced to call a tool the prompt does not ask for."""
    out: Json = {}
    for name, spec in (schema.get("properties") or {}).items():
        kind = spec.get("type")
        if kind == "integer":
            out[name] = 1
        elif kind == "number":
            out[name] = 1.0
        elif kind == "boolean":
            out[name] = True
        elif kind == "array":
            out[name] = []
        elif kind == "object":
            out[name] = {}
        else:
            out[name] = prompt.strip().rstrip("!?.") or name
    return out


# --- structured output --------------------------------------------------------------------

JOKE = {
    "setup": "Why did the cat sit on the computer?",
    "punchline": "To keep an eye on the mouse!",
}


def _joke(prompt: str) -> Json:
    if re.search(r"no punchline", prompt, re.IGNORECASE):
        return {"setup": JOKE["setup"]}
    return dict(JOKE)


def _ticket(prompt: str) -> Json:
    body = prompt.split(":", 1)[-1].strip()
    urgent = re.search(r"\b(down|outage|cannot|can't|urgent)\b", body, re.IGNORECASE)
    component = "billing" if re.search(r"invoice|billing|charge", body, re.I) else "login"
    return {
        "title": body.split(".")[0][:60],
        "priority": "high" if urgent else "low",
        "component": component,
    }


#: Answers for known schemas, keyed by the schema's property names.
STRUCTURED: dict[frozenset[str], Callable[[str], Json]] = {
    frozenset({"setup", "punchline"}): _joke,
    frozenset({"title", "priority", "component"}): _ticket,
}


def _structured_rule(title: str, schema: Json) -> Callable[[str], Json] | None:
    return STRUCTURED.get(frozenset((schema.get("properties") or {}).keys()))


def structured_json(schema: Json, prompt: str, title: str = "") -> Json:
    """JSON matching `schema` with the content the prompt asks for."""
    rule = _structured_rule(title, schema)
    return rule(prompt) if rule else fill_schema(schema, prompt)


def json_mode_answer(messages: list[Json]) -> Json:
    """json_object mode: the keys the prompt (or a schema in a system message) names."""
    prompt = last_user_text(messages)
    for message in messages:
        text = text_of(message.get("content"))
        if message.get("role") == "system" and "JSON schema" in text:
            schema = json.loads(text.split(":\n", 1)[1])
            return structured_json(schema, prompt)
    keys = re.findall(r"'(\w+)'", prompt)
    if set(keys) >= {"setup", "punchline"}:
        return _joke(prompt)
    return {"answer": TEXT_FALLBACK}


# --- text -----------------------------------------------------------------------------------

TEXT_FALLBACK = "I'm not sure I understood. Could you tell me a little more about what you need?"

STORY = (
    "Once upon a time, in a quiet village at the edge of a pine forest, there lived a ginger cat "
    "named Milo. Every morning he climbed onto the baker's windowsill to watch the bread rise, "
    "and every morning the baker pretended not to notice the small paw prints in the flour. One "
    "winter night a storm knocked out the village lights, and the baker's little daughter got "
    "lost on her way home. Milo, whose eyes needed no lamps, found her shivering under the old "
    "oak and led her back through the snow, meowing until the whole street came out with "
    "lanterns. From then on the windowsill had a cushion, a saucer of cream, and a sign that "
    "read: Reserved for Milo."
)

HAIKUS = (
    "Morning light spills gold\nacross the quiet river\nherons wake and stretch\n\n"
    "Autumn wind whispers\nthrough the branches, bare and thin\nleaves dance to the ground"
)

CRISIS_ANSWER = (
    "The 2008/9 financial crisis reshaped the startup ecosystem of the early 2010s in three "
    "ways. First, near-zero interest rates pushed investors toward riskier, higher-return "
    "assets, and venture capital was a major beneficiary. Second, layoffs at banks and large "
    "companies freed up talent, and many engineers and analysts chose to found or join "
    "startups. Third, cheap cloud infrastructure and mobile platforms cut the cost of starting "
    "a company, so lean, capital-efficient startups multiplied, from Uber and Airbnb to a wave "
    "of fintech firms that grew out of the loss of trust in traditional banks."
)

GREETING = "Hello! How can I help you today?"

#: (pattern on the last user text, reply), first match wins.
TEXT_RULES: list[tuple[str, str]] = [
    (r"^hi[!.]?$", "Hi there! How can I help you today?"),
    (r"^(hello|hey)[!.]?$", GREETING),
    (r"^how are you", "I'm doing well, thank you for asking! How can I help you today?"),
    (r"^well, thanks", "Glad to hear it! Is there anything I can help you with today?"),
    (r"write me 2 haikus", HAIKUS),
    (r"write a story about a cat", STORY),
    (r"relationship between the 2008/9 economic crisis", CRISIS_ANSWER),
    (r"^what's in this document", "It is a list of house rules, numbered 1 to 120."),
    (
        r"^introduce yourself",
        "I'm an AI assistant, reached through your gateway, happy to help with questions.",
    ),
    (
        r"two-line poem about the sea",
        "The tide rolls in with silver light,\nand hums the harbor into night.",
    ),
    # The README's samples (tests/docs/test_readme.py).
    (r"^你好[!！。]?$", "你好！有什么可以帮你的吗？"),
    (r"^name three rivers in china", "The Yangtze, the Yellow River and the Pearl River."),
    (r"^name a river in china", "The Yangtze."),
    (r"^name a mountain in japan", "Mount Fuji."),
    (r"^tell me a story$", STORY),
    (
        r"what does new-api answer when no channel serves a model\?\s*answer:?$",
        "It answers HTTP 503: no channel serves the model in your group.",
    ),
]


def _text_for(prompt: str) -> str | None:
    stripped = prompt.strip()
    for pattern, reply in TEXT_RULES:
        if re.search(pattern, stripped, re.IGNORECASE):
            return reply
    return None


def _media_answer(prompt: str, media: list[Media | None]) -> str:
    known = [m for m in media if m is not None]
    if len(known) != len(media):
        return "I can't make out the attachment. Could you send it again?"
    return " ".join(m.description for m in known)


def _after_tools(messages: list[Json]) -> Turn | None:
    """The answer once the tools of the last assistant turn have returned."""
    results = []
    for message in reversed(messages):
        if message.get("role") != "tool":
            break
        results.insert(0, message)
    if not results:
        return None
    calls = {c["id"]: c["function"] for m in messages for c in m.get("tool_calls") or []}
    lines = []
    populations: dict[str, int] = {}
    for result in results:
        function = calls.get(result["tool_call_id"], {"name": "", "arguments": "{}"})
        args = json.loads(function["arguments"])
        lines.append(_tool_summary(function["name"], args, result))
        if function["name"] == "get_population":
            populations[args["city"]] = int(text_of(result.get("content")))
    if len(populations) > 1:
        largest = max(populations, key=lambda city: populations[city])
        lines.append(f"{largest} has the most people of the {len(populations)} cities.")
    return Turn(" ".join(lines))


def _tool_summary(name: str, args: Json, result: Json) -> str:
    content = result.get("content")
    text = text_of(content)
    media = media_of(content)
    if media:
        if name == "random_pdf":
            return 'The title of the PDF is "Dummy PDF file".'
        return "Here is the diagram the tool returned: " + _media_answer("", media)
    if name.endswith("generate_image"):
        where = re.search(r"Image 1: (\S+)", text)
        return f"I drew it: {where.group(1) if where else 'see the tool result'}."
    if name.endswith("text_to_speech"):
        where = re.search(r"saved to (\S+?)\.?$", text)
        return f"Your line is read aloud in {where.group(1) if where else 'the tool result'}."
    if name == "my_adder_tool" and "result" in text:
        return f"{args.get('a')} + {args.get('b')} = {json.loads(text)['result']}."
    if name == "get_weather":
        return f"In {args.get('location')} it is {text.rstrip('.')}."
    if name == "get_population":
        return f"{args.get('city')} has a population of {int(text):,}."
    if name == "color_picker":
        return "Purple is a great pick! Fun fact: purple dye was once worth more than gold."
    if name == "magic_function":
        return f"magic_function({args.get('input')}) returns {text}."
    return f"The {name} tool returned: {text}"


def answer(body: Json) -> Turn:
    """The assistant turn a competent model gives to this request."""
    messages: list[Json] = body["messages"]
    tools: list[Json] = body.get("tools") or []
    choice = body.get("tool_choice", "auto")
    prompt = last_user_text(messages)
    fmt = body.get("response_format") or {}
    if tools and choice != "none":
        retry = _retry_after_error(messages, tools)
        if retry:
            return Turn(tool_calls=retry)
        done = _after_tools(messages)
        if done is not None and choice == "auto":
            return done
        calls = plan_tool_calls(messages, tools, choice)
        if calls:
            return Turn(tool_calls=calls)
    done = _after_tools(messages)
    if done is not None:
        return done
    if fmt.get("type") == "json_schema":
        schema = fmt["json_schema"].get("schema") or {}
        return Turn(json.dumps(structured_json(schema, prompt, fmt["json_schema"]["name"])))
    if fmt.get("type") == "json_object":
        return Turn(json.dumps(json_mode_answer(messages)))
    last = messages[-1]
    media = media_of(last.get("content")) if last.get("role") == "user" else []
    if media:
        return Turn(_media_answer(prompt, media))
    reply = _text_for(prompt)
    return Turn(reply) if reply is not None else Turn(TEXT_FALLBACK, scripted=False)


def _retry_after_error(messages: list[Json], tools: list[Json]) -> list[tuple[str, Json]]:
    """A tool that failed for a missing argument is called again with the full arguments."""
    last = messages[-1]
    if last.get("role") != "tool" or not text_of(last.get("content")).startswith("Error"):
        return []
    return plan_tool_calls(messages, tools, "auto")
