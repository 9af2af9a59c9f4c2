// Dot-product kernels: a portable variant and AVX2+FMA / AVX-512F variants chosen at run time.
// See include/CVectorKernels.h for the contract.

#include "CVectorKernels.h"

#include <stdatomic.h>

#if defined(__x86_64__) || defined(_M_X64)
#define STACKKIT_X86 1
#include <immintrin.h>
#endif

// MARK: - Portable

static float dot_portable(const float *a, const float *b, size_t n) {
    // Four independent sums so the compiler can vectorise and pipeline without -ffast-math.
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

static void dot_rows_portable(const float *rows, size_t row_count, size_t dim, const float *query, float *out) {
    for (size_t r = 0; r < row_count; r++) out[r] = dot_portable(rows + r * dim, query, dim);
}

static void dot_rows_batch_portable(
    const float *rows, size_t row_count, size_t dim, const float *queries, size_t query_count, float *out) {
    for (size_t r = 0; r < row_count; r++) {
        const float *row = rows + r * dim;
        for (size_t q = 0; q < query_count; q++) out[q * row_count + r] = dot_portable(row, queries + q * dim, dim);
    }
}

#ifdef STACKKIT_X86

// MARK: - AVX2 + FMA

__attribute__((target("avx2,fma"))) static inline float hsum256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v);
    __m128 hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    __m128 shuf = _mm_movehdup_ps(lo);
    __m128 sums = _mm_add_ps(lo, shuf);
    shuf = _mm_movehl_ps(shuf, sums);
    sums = _mm_add_ss(sums, shuf);
    return _mm_cvtss_f32(sums);
}

__attribute__((target("avx2,fma"))) static void dot_rows_avx2(
    const float *rows, size_t row_count, size_t dim, const float *query, float *out) {
    const size_t vec_end = dim & ~(size_t)7;
    size_t r = 0;
    // Four rows at a time: four independent FMA chains, the query loaded once per step.
    for (; r + 4 <= row_count; r += 4) {
        const float *a = rows + r * dim, *b = a + dim, *c = b + dim, *d = c + dim;
        __m256 sa = _mm256_setzero_ps(), sb = _mm256_setzero_ps(), sc = _mm256_setzero_ps(), sd = _mm256_setzero_ps();
        for (size_t i = 0; i < vec_end; i += 8) {
            __m256 q = _mm256_loadu_ps(query + i);
            sa = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), q, sa);
            sb = _mm256_fmadd_ps(_mm256_loadu_ps(b + i), q, sb);
            sc = _mm256_fmadd_ps(_mm256_loadu_ps(c + i), q, sc);
            sd = _mm256_fmadd_ps(_mm256_loadu_ps(d + i), q, sd);
        }
        float ta = hsum256(sa), tb = hsum256(sb), tc = hsum256(sc), td = hsum256(sd);
        for (size_t i = vec_end; i < dim; i++) {
            ta += a[i] * query[i];
            tb += b[i] * query[i];
            tc += c[i] * query[i];
            td += d[i] * query[i];
        }
        out[r] = ta;
        out[r + 1] = tb;
        out[r + 2] = tc;
        out[r + 3] = td;
    }
    for (; r < row_count; r++) {
        const float *a = rows + r * dim;
        __m256 sa = _mm256_setzero_ps();
        for (size_t i = 0; i < vec_end; i += 8) sa = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(query + i), sa);
        float ta = hsum256(sa);
        for (size_t i = vec_end; i < dim; i++) ta += a[i] * query[i];
        out[r] = ta;
    }
}

// One row block of `R` rows against one query: used for the batch remainders.
__attribute__((target("avx2,fma"))) static float dot_avx2(const float *a, const float *b, size_t dim) {
    const size_t vec_end = dim & ~(size_t)7;
    __m256 s = _mm256_setzero_ps();
    for (size_t i = 0; i < vec_end; i += 8) s = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s);
    float t = hsum256(s);
    for (size_t i = vec_end; i < dim; i++) t += a[i] * b[i];
    return t;
}

__attribute__((target("avx2,fma"))) static void dot_rows_batch_avx2(
    const float *rows, size_t row_count, size_t dim, const float *queries, size_t query_count, float *out) {
    const size_t vec_end = dim & ~(size_t)7;
    size_t r = 0;
    // Blocks of 4 rows × 2 queries: 8 accumulators, 6 loads per 8 FMAs. The 4 rows stay in L1 while every
    // query passes over them, so each row comes from memory once per batch.
    for (; r + 4 <= row_count; r += 4) {
        const float *a = rows + r * dim, *b = a + dim, *c = b + dim, *d = c + dim;
        size_t q = 0;
        for (; q + 2 <= query_count; q += 2) {
            const float *x = queries + q * dim, *y = x + dim;
            __m256 ax = _mm256_setzero_ps(), bx = _mm256_setzero_ps(), cx = _mm256_setzero_ps(), dx = _mm256_setzero_ps();
            __m256 ay = _mm256_setzero_ps(), by = _mm256_setzero_ps(), cy = _mm256_setzero_ps(), dy = _mm256_setzero_ps();
            for (size_t i = 0; i < vec_end; i += 8) {
                __m256 vx = _mm256_loadu_ps(x + i), vy = _mm256_loadu_ps(y + i);
                __m256 va = _mm256_loadu_ps(a + i);
                ax = _mm256_fmadd_ps(va, vx, ax);
                ay = _mm256_fmadd_ps(va, vy, ay);
                __m256 vb = _mm256_loadu_ps(b + i);
                bx = _mm256_fmadd_ps(vb, vx, bx);
                by = _mm256_fmadd_ps(vb, vy, by);
                __m256 vc = _mm256_loadu_ps(c + i);
                cx = _mm256_fmadd_ps(vc, vx, cx);
                cy = _mm256_fmadd_ps(vc, vy, cy);
                __m256 vd = _mm256_loadu_ps(d + i);
                dx = _mm256_fmadd_ps(vd, vx, dx);
                dy = _mm256_fmadd_ps(vd, vy, dy);
            }
            float t[8] = {hsum256(ax), hsum256(bx), hsum256(cx), hsum256(dx), hsum256(ay), hsum256(by), hsum256(cy), hsum256(dy)};
            for (size_t i = vec_end; i < dim; i++) {
                t[0] += a[i] * x[i]; t[1] += b[i] * x[i]; t[2] += c[i] * x[i]; t[3] += d[i] * x[i];
                t[4] += a[i] * y[i]; t[5] += b[i] * y[i]; t[6] += c[i] * y[i]; t[7] += d[i] * y[i];
            }
            float *ox = out + q * row_count + r, *oy = ox + row_count;
            ox[0] = t[0]; ox[1] = t[1]; ox[2] = t[2]; ox[3] = t[3];
            oy[0] = t[4]; oy[1] = t[5]; oy[2] = t[6]; oy[3] = t[7];
        }
        for (; q < query_count; q++) {
            const float *x = queries + q * dim;
            float *o = out + q * row_count + r;
            o[0] = dot_avx2(a, x, dim); o[1] = dot_avx2(b, x, dim); o[2] = dot_avx2(c, x, dim); o[3] = dot_avx2(d, x, dim);
        }
    }
    for (; r < row_count; r++) {
        for (size_t q = 0; q < query_count; q++) out[q * row_count + r] = dot_avx2(rows + r * dim, queries + q * dim, dim);
    }
}

// MARK: - AVX-512F

__attribute__((target("avx512f"))) static float dot_avx512(const float *a, const float *b, size_t dim) {
    const size_t vec_end = dim & ~(size_t)15;
    __m512 s = _mm512_setzero_ps();
    for (size_t i = 0; i < vec_end; i += 16) s = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s);
    float t = _mm512_reduce_add_ps(s);
    for (size_t i = vec_end; i < dim; i++) t += a[i] * b[i];
    return t;
}

__attribute__((target("avx512f"))) static void dot_rows_avx512(
    const float *rows, size_t row_count, size_t dim, const float *query, float *out) {
    const size_t vec_end = dim & ~(size_t)15;
    size_t r = 0;
    for (; r + 4 <= row_count; r += 4) {
        const float *a = rows + r * dim, *b = a + dim, *c = b + dim, *d = c + dim;
        __m512 sa = _mm512_setzero_ps(), sb = _mm512_setzero_ps(), sc = _mm512_setzero_ps(), sd = _mm512_setzero_ps();
        for (size_t i = 0; i < vec_end; i += 16) {
            __m512 q = _mm512_loadu_ps(query + i);
            sa = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), q, sa);
            sb = _mm512_fmadd_ps(_mm512_loadu_ps(b + i), q, sb);
            sc = _mm512_fmadd_ps(_mm512_loadu_ps(c + i), q, sc);
            sd = _mm512_fmadd_ps(_mm512_loadu_ps(d + i), q, sd);
        }
        float ta = _mm512_reduce_add_ps(sa), tb = _mm512_reduce_add_ps(sb);
        float tc = _mm512_reduce_add_ps(sc), td = _mm512_reduce_add_ps(sd);
        for (size_t i = vec_end; i < dim; i++) {
            ta += a[i] * query[i];
            tb += b[i] * query[i];
            tc += c[i] * query[i];
            td += d[i] * query[i];
        }
        out[r] = ta;
        out[r + 1] = tb;
        out[r + 2] = tc;
        out[r + 3] = td;
    }
    for (; r < row_count; r++) out[r] = dot_avx512(rows + r * dim, query, dim);
}

__attribute__((target("avx512f"))) static void dot_rows_batch_avx512(
    const float *rows, size_t row_count, size_t dim, const float *queries, size_t query_count, float *out) {
    const size_t vec_end = dim & ~(size_t)15;
    size_t r = 0;
    for (; r + 4 <= row_count; r += 4) {
        const float *a = rows + r * dim, *b = a + dim, *c = b + dim, *d = c + dim;
        size_t q = 0;
        for (; q + 2 <= query_count; q += 2) {
            const float *x = queries + q * dim, *y = x + dim;
            __m512 ax = _mm512_setzero_ps(), bx = _mm512_setzero_ps(), cx = _mm512_setzero_ps(), dx = _mm512_setzero_ps();
            __m512 ay = _mm512_setzero_ps(), by = _mm512_setzero_ps(), cy = _mm512_setzero_ps(), dy = _mm512_setzero_ps();
            for (size_t i = 0; i < vec_end; i += 16) {
                __m512 vx = _mm512_loadu_ps(x + i), vy = _mm512_loadu_ps(y + i);
                __m512 va = _mm512_loadu_ps(a + i);
                ax = _mm512_fmadd_ps(va, vx, ax);
                ay = _mm512_fmadd_ps(va, vy, ay);
                __m512 vb = _mm512_loadu_ps(b + i);
                bx = _mm512_fmadd_ps(vb, vx, bx);
                by = _mm512_fmadd_ps(vb, vy, by);
                __m512 vc = _mm512_loadu_ps(c + i);
                cx = _mm512_fmadd_ps(vc, vx, cx);
                cy = _mm512_fmadd_ps(vc, vy, cy);
                __m512 vd = _mm512_loadu_ps(d + i);
                dx = _mm512_fmadd_ps(vd, vx, dx);
                dy = _mm512_fmadd_ps(vd, vy, dy);
            }
            float t[8] = {
                _mm512_reduce_add_ps(ax), _mm512_reduce_add_ps(bx), _mm512_reduce_add_ps(cx), _mm512_reduce_add_ps(dx),
                _mm512_reduce_add_ps(ay), _mm512_reduce_add_ps(by), _mm512_reduce_add_ps(cy), _mm512_reduce_add_ps(dy)};
            for (size_t i = vec_end; i < dim; i++) {
                t[0] += a[i] * x[i]; t[1] += b[i] * x[i]; t[2] += c[i] * x[i]; t[3] += d[i] * x[i];
                t[4] += a[i] * y[i]; t[5] += b[i] * y[i]; t[6] += c[i] * y[i]; t[7] += d[i] * y[i];
            }
            float *ox = out + q * row_count + r, *oy = ox + row_count;
            ox[0] = t[0]; ox[1] = t[1]; ox[2] = t[2]; ox[3] = t[3];
            oy[0] = t[4]; oy[1] = t[5]; oy[2] = t[6]; oy[3] = t[7];
        }
        for (; q < query_count; q++) {
            const float *x = queries + q * dim;
            float *o = out + q * row_count + r;
            o[0] = dot_avx512(a, x, dim); o[1] = dot_avx512(b, x, dim); o[2] = dot_avx512(c, x, dim); o[3] = dot_avx512(d, x, dim);
        }
    }
    for (; r < row_count; r++) {
        for (size_t q = 0; q < query_count; q++) out[q * row_count + r] = dot_avx512(rows + r * dim, queries + q * dim, dim);
    }
}

#endif // STACKKIT_X86

// MARK: - Dispatch

int stackkit_kernel_supports(stackkit_kernel_level level) {
    switch (level) {
    case STACKKIT_KERNEL_PORTABLE:
        return 1;
#ifdef STACKKIT_X86
    case STACKKIT_KERNEL_AVX2_FMA:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case STACKKIT_KERNEL_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f");
#endif
    default:
        return 0;
    }
}

stackkit_kernel_level stackkit_kernel_best_level(void) {
    // Racing first calls compute and store the same answer.
    static _Atomic int cached = -1;
    int level = atomic_load_explicit(&cached, memory_order_relaxed);
    if (level < 0) {
        level = STACKKIT_KERNEL_PORTABLE;
        if (stackkit_kernel_supports(STACKKIT_KERNEL_AVX512)) level = STACKKIT_KERNEL_AVX512;
        else if (stackkit_kernel_supports(STACKKIT_KERNEL_AVX2_FMA)) level = STACKKIT_KERNEL_AVX2_FMA;
        atomic_store_explicit(&cached, level, memory_order_relaxed);
    }
    return (stackkit_kernel_level)level;
}

int stackkit_dot_rows_at(
    stackkit_kernel_level level, const float *rows, size_t row_count, size_t dim, const float *query, float *out) {
    if (!stackkit_kernel_supports(level)) return 0;
    switch (level) {
#ifdef STACKKIT_X86
    case STACKKIT_KERNEL_AVX512: dot_rows_avx512(rows, row_count, dim, query, out); return 1;
    case STACKKIT_KERNEL_AVX2_FMA: dot_rows_avx2(rows, row_count, dim, query, out); return 1;
#endif
    default: dot_rows_portable(rows, row_count, dim, query, out); return 1;
    }
}

int stackkit_dot_rows_batch_at(
    stackkit_kernel_level level, const float *rows, size_t row_count, size_t dim,
    const float *queries, size_t query_count, float *out) {
    if (!stackkit_kernel_supports(level)) return 0;
    switch (level) {
#ifdef STACKKIT_X86
    case STACKKIT_KERNEL_AVX512: dot_rows_batch_avx512(rows, row_count, dim, queries, query_count, out); return 1;
    case STACKKIT_KERNEL_AVX2_FMA: dot_rows_batch_avx2(rows, row_count, dim, queries, query_count, out); return 1;
#endif
    default: dot_rows_batch_portable(rows, row_count, dim, queries, query_count, out); return 1;
    }
}

void stackkit_dot_rows(const float *rows, size_t row_count, size_t dim, const float *query, float *out) {
    stackkit_dot_rows_at(stackkit_kernel_best_level(), rows, row_count, dim, query, out);
}

void stackkit_dot_rows_batch(
    const float *rows, size_t row_count, size_t dim, const float *queries, size_t query_count, float *out) {
    stackkit_dot_rows_batch_at(stackkit_kernel_best_level(), rows, row_count, dim, queries, query_count, out);
}
