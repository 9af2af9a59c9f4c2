#!/usr/bin/env bash
# Records the raw SSE bodies of two llama.cpp streams (served by Scripts/lib/services.sh start_llama) as fixtures:
#   chat-stream.sse       a plain chat completion with usage in its last chunk
#   tool-call-stream.sse  the reproducible tool call of Scripts/llama/tool_call_request.json
# Usage: STACKKIT_TEST_LLAMA_CHAT_URL=http://127.0.0.1:PORT/v1 ./record_sse_fixtures.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
url="${STACKKIT_TEST_LLAMA_CHAT_URL:?start the llama servers first}"
curl -sSN "$url/chat/completions" -H 'Content-Type: application/json' -d '{"model":"gemma-3-270m","messages":[{"role":"user","content":"Write a short poem about the sea."}],"max_tokens":64,"temperature":0,"stream":true,"stream_options":{"include_usage":true}}' > chat-stream.sse
python3 - "$url" <<'PY' > tool-call-stream.sse
import json, sys, urllib.request
request = json.load(open("../../../Scripts/llama/tool_call_request.json"))
request.update(stream=True, stream_options={"include_usage": True})
body = urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/chat/completions", json.dumps(request).encode(), {"Content-Type": "application/json"})).read()
sys.stdout.write(body.decode())
PY
