"""sentence-transformers' speed on the sentences `stackkit-bench embed` measures (the peer of its Swift embedder).

    python3 Scripts/embeddings/st_bench.py --model MODEL_DIR --sentences FILE --runs 5 [--batch 1 --batch 32]

FILE holds one sentence per line. Prints JSON lines on stdout: one `{"peer": ...}` line with versions and
threads, then `{"batch": B, "run": i, "sentences_per_s": x}` per run, and `{"check": [...]}` with the first
sentence's embedding. When sentence-transformers is not importable it prints `{"missing": true}` and exits 0.
"""

import argparse
import json
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--model", required=True)
parser.add_argument("--sentences", required=True)
parser.add_argument("--runs", type=int, default=5)
parser.add_argument("--batch", type=int, action="append")
parser.add_argument("--single-count", type=int, default=64, help="sentences encoded one call each per batch-1 run")
args = parser.parse_args()

try:
    import torch
    import sentence_transformers
    from sentence_transformers import SentenceTransformer
except ImportError as error:
    print(json.dumps({"missing": True, "reason": str(error)}))
    sys.exit(0)

with open(args.sentences, encoding="utf-8") as f:
    sentences = [line.rstrip("\n") for line in f if line.strip()]

model = SentenceTransformer(args.model, device="cpu")
model.eval()
print(json.dumps({
    "peer": "sentence-transformers",
    "version": sentence_transformers.__version__,
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
}), flush=True)

# Warm-up: first calls allocate and pick kernels.
model.encode(sentences[:32], batch_size=32)
model.encode(sentences[:1], batch_size=1)

for run in range(args.runs):
    for batch in args.batch or [1, 32]:
        if batch == 1:
            texts = sentences[: args.single_count]
            start = time.perf_counter()
            for text in texts:
                model.encode([text], batch_size=1)
        else:
            texts = sentences
            start = time.perf_counter()
            for index in range(0, len(texts), batch):
                model.encode(texts[index : index + batch], batch_size=batch)
        elapsed = time.perf_counter() - start
        print(json.dumps({"batch": batch, "run": run, "sentences_per_s": len(texts) / elapsed}), flush=True)

print(json.dumps({"check": model.encode(sentences[:1])[0].tolist()}), flush=True)
