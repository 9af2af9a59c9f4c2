"""Runs one llama.cpp OpenAI-compatible server (from the xllamacpp wheel) on 127.0.0.1 until terminated.

    python serve.py --model FILE.gguf --port N --alias NAME [--embedding] [--chat-template-file F]
                    [--api-key KEY] [--parallel N] [--ctx N]

The C++ server runs inside this process; SIGTERM or SIGINT ends it.
"""

import argparse
import signal
import sys
import threading

import xllamacpp


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--alias", required=True)
    parser.add_argument("--embedding", action="store_true")
    parser.add_argument("--chat-template-file")
    parser.add_argument("--api-key")
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--ctx", type=int, default=4096)
    args = parser.parse_args()

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.hostnames = ["127.0.0.1"]
    params.port = args.port
    params.model_alias = [args.alias]
    params.n_parallel = args.parallel
    params.n_ctx = args.ctx
    params.fit_params = False  # no trial load to fit the context to a device's memory (CPU, sizes given): 1.5 s less
    if args.embedding:
        params.embedding = True
        params.pooling_type = xllamacpp.llama_pooling_type.LLAMA_POOLING_TYPE_MEAN
        params.n_batch = args.ctx
        params.n_ubatch = args.ctx
    if args.chat_template_file:
        params.use_jinja = True
        with open(args.chat_template_file, encoding="utf-8") as handle:
            params.chat_template = handle.read()
    if args.api_key:
        params.api_keys = [args.api_key]

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server = xllamacpp.Server(params)
    print(f"listening {server.listening_address}", flush=True)
    stop.wait()
    del server
    sys.exit(0)


if __name__ == "__main__":
    main()
