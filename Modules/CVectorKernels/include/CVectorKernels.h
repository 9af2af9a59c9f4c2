// Dot-product kernels for StackKit's exact vector index (DESIGN §8).
//
// Each entry point has a portable C variant and, on x86-64, variants compiled for AVX2+FMA and
// AVX-512F with per-function target attributes; the fastest one the CPU supports is chosen at run
// time (`__builtin_cpu_supports`), so the package needs no `-target-cpu` flag.
//
// Layout: `rows` is `row_count` vectors of `dim` floats, contiguous, row after row.

#ifndef STACKKIT_CVECTORKERNELS_H
#define STACKKIT_CVECTORKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The instruction-set levels a kernel can run at.
typedef enum {
    STACKKIT_KERNEL_PORTABLE = 0,
    STACKKIT_KERNEL_AVX2_FMA = 1,
    STACKKIT_KERNEL_AVX512 = 2,
} stackkit_kernel_level;

/// The best level this CPU supports (computed once).
stackkit_kernel_level stackkit_kernel_best_level(void);

/// Whether this CPU can run `level`.
int stackkit_kernel_supports(stackkit_kernel_level level);

/// `out[r] = dot(rows[r], query)` for each of `row_count` rows, at the best level.
void stackkit_dot_rows(const float *rows, size_t row_count, size_t dim, const float *query, float *out);

/// `out[q * row_count + r] = dot(rows[r], queries[q])` for `query_count` queries, at the best level.
/// Each row is read from memory once for all queries.
void stackkit_dot_rows_batch(
    const float *rows, size_t row_count, size_t dim,
    const float *queries, size_t query_count, float *out);

/// ``stackkit_dot_rows`` at an explicit level; returns 0 (and writes nothing) when the CPU lacks it.
int stackkit_dot_rows_at(
    stackkit_kernel_level level,
    const float *rows, size_t row_count, size_t dim, const float *query, float *out);

/// ``stackkit_dot_rows_batch`` at an explicit level; returns 0 (and writes nothing) when the CPU lacks it.
int stackkit_dot_rows_batch_at(
    stackkit_kernel_level level,
    const float *rows, size_t row_count, size_t dim,
    const float *queries, size_t query_count, float *out);

#ifdef __cplusplus
}
#endif

#endif
