#!/usr/bin/env python3
"""numpy and faiss-cpu on stackkit-bench vector's data: exact cosine top-k, single queries and batches.

Reads raw little-endian float32 files written by `stackkit-bench vector` and prints one JSON line per
(peer, mode) with queries per second (median over --repeat runs), plus the top-k row ids of query 0 per peer
so the benchmark can check that every peer agrees. Installs nothing: a missing library prints
{"peer": ..., "missing": true} and the script still exits 0.
"""
import argparse
import json
import os
import time


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def timed(function, repeat):
    """Median seconds of `function()` over `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vectors", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--dim", type=int, required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--query-count", type=int, required=True)
    parser.add_argument("--single", type=int, default=200, help="queries in the single-query measurement")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    try:
        import numpy as np
    except ImportError:
        print(json.dumps({"peer": "numpy", "missing": True}))
        print(json.dumps({"peer": "faiss", "missing": True}))
        return

    k, batch = args.k, args.batch
    matrix = np.fromfile(args.vectors, dtype="<f4").reshape(args.count, args.dim)
    queries = np.fromfile(args.queries, dtype="<f4").reshape(args.query_count, args.dim)
    # Cosine: normalise rows and queries once, outside the timing (the data is unit length already).
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    single = queries[: args.single]
    batches = [queries[i : i + batch] for i in range(0, len(queries) - batch + 1, batch)]
    batched_count = len(batches) * batch

    def numpy_top(scores):
        top = np.argpartition(-scores, k)[:k]
        return top[np.argsort(-scores[top], kind="stable")]

    def numpy_single():
        for q in single:
            numpy_top(matrix @ q)

    def numpy_batch():
        for b in batches:
            scores = b @ matrix.T
            for row in scores:
                numpy_top(row)

    blas = "unknown"
    try:
        config = np.show_config(mode="dicts")
        blas = config.get("Build Dependencies", {}).get("blas", {}).get("name", "unknown")
    except TypeError:
        pass
    common = {"version": np.__version__, "blas": blas, "threads": os.environ.get("OMP_NUM_THREADS", "default")}
    seconds = timed(numpy_single, args.repeat)
    print(json.dumps({"peer": "numpy", "mode": "single", "queries_per_s": len(single) / seconds, **common}))
    seconds = timed(numpy_batch, args.repeat)
    print(json.dumps({"peer": "numpy", "mode": "batch", "queries_per_s": batched_count / seconds, **common}))
    print(json.dumps({"peer": "numpy", "check_ids": [int(i) for i in numpy_top(matrix @ queries[0])]}))

    try:
        import faiss
    except ImportError:
        print(json.dumps({"peer": "faiss", "missing": True}))
        return
    start = time.perf_counter()
    index = faiss.IndexFlatIP(args.dim)
    index.add(np.ascontiguousarray(matrix))
    build_s = time.perf_counter() - start
    common = {
        "version": faiss.__version__,
        "threads": faiss.omp_get_max_threads(),
        "blas_threshold": faiss.cvar.distance_compute_blas_threshold,
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "unset"),
        "build_s": build_s,
    }

    def faiss_single():
        for q in single:
            index.search(q[None, :], k)

    def faiss_batch():
        for b in batches:
            index.search(np.ascontiguousarray(b), k)

    seconds = timed(faiss_single, args.repeat)
    print(json.dumps({"peer": "faiss", "mode": "single", "queries_per_s": len(single) / seconds, **common}))
    seconds = timed(faiss_batch, args.repeat)
    print(json.dumps({"peer": "faiss", "mode": "batch", "queries_per_s": batched_count / seconds, **common}))
    _, ids = index.search(queries[:1], k)
    print(json.dumps({"peer": "faiss", "check_ids": [int(i) for i in ids[0]]}))


if __name__ == "__main__":
    main()
