// Transformer kernels: portable variants and AVX2+FMA / AVX-512F variants chosen at run time.
// See include/CEmbeddingKernels.h for the contract.

#include "CEmbeddingKernels.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define SK_X86 1
#include <immintrin.h>
#endif

// Panels are 16 columns wide; micro-kernels compute MR rows × 16 columns.
#define NR 16
// Rows and depth handled per cache block: an A block of MC × KC floats stays in L2, a panel slice of KC × 16 in L1.
#define MC 96
#define KC 384

size_t sk_packed_weights_count(size_t n, size_t k) { return ((n + NR - 1) / NR) * NR * k; }

void sk_pack_weights(const float *w, size_t n, size_t k, float *packed) {
    const size_t panels = (n + NR - 1) / NR;
    for (size_t p = 0; p < panels; p++) {
        float *dst = packed + p * NR * k;
        for (size_t kk = 0; kk < k; kk++) {
            for (size_t j = 0; j < NR; j++) {
                const size_t col = p * NR + j;
                dst[kk * NR + j] = col < n ? w[col * k + kk] : 0.0f;
            }
        }
    }
}

// The driver shared by every level: cache blocking, A packed into MR-row micro-panels (zero rows past the end),
// edge columns through a scratch tile, bias and accumulation.
// `kernel` adds A[MR × kc] · B[kc × 16] onto the tile at `c` (row stride `ldc`); A is packed k-major, MR values per k.
typedef void (*tile_kernel)(size_t kc, const float *a, const float *b, float *c, size_t ldc);

static void gemm_driver(size_t mr, tile_kernel kernel, size_t m, size_t n, size_t k, const float *a, size_t lda,
                        const float *packed, const float *bias, float *c, size_t ldc, int accumulate, float *apack) {
    const size_t panels = (n + NR - 1) / NR;
    float tile[16 * NR];  // an edge tile: up to 16 rows × 16 columns
    for (size_t m0 = 0; m0 < m; m0 += MC) {
        const size_t mb = m - m0 < MC ? m - m0 : MC;
        const size_t micro = (mb + mr - 1) / mr;
        // Seed C with the bias (and its old value when accumulating); every k block then adds onto it.
        for (size_t r = 0; r < mb; r++) {
            float *cr = c + (m0 + r) * ldc;
            for (size_t j = 0; j < n; j++) cr[j] = (accumulate ? cr[j] : 0.0f) + (bias ? bias[j] : 0.0f);
        }
        for (size_t k0 = 0; k0 < k; k0 += KC) {
            const size_t kc = k - k0 < KC ? k - k0 : KC;
            for (size_t ip = 0; ip < micro; ip++) {
                float *dst = apack + ip * mr * kc;
                for (size_t r = 0; r < mr; r++) {
                    const size_t row = ip * mr + r;
                    if (row < mb) {
                        const float *src = a + (m0 + row) * lda + k0;
                        for (size_t kk = 0; kk < kc; kk++) dst[kk * mr + r] = src[kk];
                    } else {
                        for (size_t kk = 0; kk < kc; kk++) dst[kk * mr + r] = 0.0f;
                    }
                }
            }
            for (size_t p = 0; p < panels; p++) {
                const float *b = packed + p * NR * k + k0 * NR;
                const size_t col0 = p * NR;
                const size_t nc = n - col0 < NR ? n - col0 : NR;
                for (size_t ip = 0; ip < micro; ip++) {
                    const size_t rows = mb - ip * mr < mr ? mb - ip * mr : mr;
                    float *cblock = c + (m0 + ip * mr) * ldc + col0;
                    if (rows == mr && nc == NR) {
                        kernel(kc, apack + ip * mr * kc, b, cblock, ldc);
                    } else {
                        for (size_t r = 0; r < mr; r++)
                            for (size_t j = 0; j < NR; j++) tile[r * NR + j] = (r < rows && j < nc) ? cblock[r * ldc + j] : 0.0f;
                        kernel(kc, apack + ip * mr * kc, b, tile, NR);
                        for (size_t r = 0; r < rows; r++) memcpy(cblock + r * ldc, tile + r * NR, sizeof(float) * nc);
                    }
                }
            }
        }
    }
}

static void gemm_run(size_t mr, tile_kernel kernel, size_t m, size_t n, size_t k, const float *a, size_t lda,
                     const float *packed, const float *bias, float *c, size_t ldc, int accumulate) {
    // The packed A block: up to MC rows rounded up to MR, × KC (a multiple of 16 floats, so 64-byte sizes).
    const size_t rows = ((m < MC ? m : MC) + mr - 1) / mr * mr;
    float stack_block[12 * KC];
    float *apack = rows <= 12 ? stack_block : aligned_alloc(64, sizeof(float) * rows * KC);
    if (!apack) {
        // Out of memory: fall back to blocks of at most MR rows, which fit the stack block.
        for (size_t m0 = 0; m0 < m; m0 += mr) {
            const size_t count = m - m0 < mr ? m - m0 : mr;
            gemm_run(mr, kernel, count, n, k, a + m0 * lda, lda, packed, bias, c + m0 * ldc, ldc, accumulate);
        }
        return;
    }
    gemm_driver(mr, kernel, m, n, k, a, lda, packed, bias, c, ldc, accumulate, apack);
    if (apack != stack_block) free(apack);
}

// MARK: - Portable

static void tile_4x16_portable(size_t kc, const float *a, const float *b, float *c, size_t ldc) {
    float acc[4][NR];
    for (size_t r = 0; r < 4; r++)
        for (size_t j = 0; j < NR; j++) acc[r][j] = c[r * ldc + j];
    for (size_t kk = 0; kk < kc; kk++) {
        const float *bk = b + kk * NR;
        for (size_t r = 0; r < 4; r++) {
            const float ar = a[kk * 4 + r];
            for (size_t j = 0; j < NR; j++) acc[r][j] += ar * bk[j];
        }
    }
    for (size_t r = 0; r < 4; r++)
        for (size_t j = 0; j < NR; j++) c[r * ldc + j] = acc[r][j];
}

static void attention_portable(const float *q, const float *k, const float *v, size_t ld, size_t len, size_t hd,
                               float scale, float *out, size_t ldo, float *scores) {
    for (size_t i = 0; i < len; i++) {
        const float *qi = q + i * ld;
        float max = -INFINITY;
        for (size_t j = 0; j < len; j++) {
            const float *kj = k + j * ld;
            float s = 0.0f;
            for (size_t d = 0; d < hd; d++) s += qi[d] * kj[d];
            s *= scale;
            scores[j] = s;
            if (s > max) max = s;
        }
        float sum = 0.0f;
        for (size_t j = 0; j < len; j++) {
            scores[j] = expf(scores[j] - max);
            sum += scores[j];
        }
        const float inv = 1.0f / sum;
        float *oi = out + i * ldo;
        for (size_t d = 0; d < hd; d++) oi[d] = 0.0f;
        for (size_t j = 0; j < len; j++) {
            const float p = scores[j] * inv;
            const float *vj = v + j * ld;
            for (size_t d = 0; d < hd; d++) oi[d] += p * vj[d];
        }
    }
}

static void gelu_portable(float *x, size_t count) {
    for (size_t i = 0; i < count; i++) x[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678118654752f));
}

#ifdef SK_X86

// MARK: - AVX2 + FMA

// e^x for x ≤ 88.3 (Cephes' single-precision polynomial, ~1 ulp); inputs below −87.3 give 0.
__attribute__((target("avx2,fma"))) static inline __m256 exp256(__m256 x) {
    const __m256 too_small = _mm256_cmp_ps(x, _mm256_set1_ps(-87.3f), _CMP_LT_OQ);
    x = _mm256_min_ps(x, _mm256_set1_ps(88.3762626647949f));
    x = _mm256_max_ps(x, _mm256_set1_ps(-88.3762626647949f));
    __m256 fx = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f));
    fx = _mm256_floor_ps(fx);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
    const __m256 x2 = _mm256_mul_ps(x, x);
    y = _mm256_fmadd_ps(y, x2, _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_cvttps_epi32(fx);
    e = _mm256_slli_epi32(_mm256_add_epi32(e, _mm256_set1_epi32(127)), 23);
    y = _mm256_mul_ps(y, _mm256_castsi256_ps(e));
    return _mm256_andnot_ps(too_small, y);
}

// erf(x) as 1 − poly(t)·e^(−x²) with t = 1/(1 + p|x|) (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7), sign restored.
__attribute__((target("avx2,fma"))) static inline __m256 erf256(__m256 x) {
    const __m256 sign = _mm256_and_ps(x, _mm256_set1_ps(-0.0f));
    const __m256 ax = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
    const __m256 t = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_fmadd_ps(ax, _mm256_set1_ps(0.3275911f), _mm256_set1_ps(1.0f)));
    __m256 poly = _mm256_set1_ps(1.061405429f);
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(-1.453152027f));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(1.421413741f));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(-0.284496736f));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(0.254829592f));
    poly = _mm256_mul_ps(poly, t);
    const __m256 e = exp256(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(ax, ax)));
    const __m256 y = _mm256_fnmadd_ps(poly, e, _mm256_set1_ps(1.0f));
    return _mm256_or_ps(y, sign);
}

__attribute__((target("avx2,fma"))) static void gelu_avx2(float *x, size_t count) {
    size_t i = 0;
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f), rsqrt2 = _mm256_set1_ps(0.70710678118654752f);
    for (; i + 8 <= count; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 e = erf256(_mm256_mul_ps(v, rsqrt2));
        _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_add_ps(one, e)));
    }
    for (; i < count; i++) x[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678118654752f));
}

__attribute__((target("avx2,fma"))) static void tile_6x16_avx2(size_t kc, const float *a, const float *b, float *c, size_t ldc) {
    __m256 c00 = _mm256_loadu_ps(c + 0 * ldc), c01 = _mm256_loadu_ps(c + 0 * ldc + 8);
    __m256 c10 = _mm256_loadu_ps(c + 1 * ldc), c11 = _mm256_loadu_ps(c + 1 * ldc + 8);
    __m256 c20 = _mm256_loadu_ps(c + 2 * ldc), c21 = _mm256_loadu_ps(c + 2 * ldc + 8);
    __m256 c30 = _mm256_loadu_ps(c + 3 * ldc), c31 = _mm256_loadu_ps(c + 3 * ldc + 8);
    __m256 c40 = _mm256_loadu_ps(c + 4 * ldc), c41 = _mm256_loadu_ps(c + 4 * ldc + 8);
    __m256 c50 = _mm256_loadu_ps(c + 5 * ldc), c51 = _mm256_loadu_ps(c + 5 * ldc + 8);
#pragma clang loop unroll_count(4)
    for (size_t kk = 0; kk < kc; kk++) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        __m256 x;
        x = _mm256_broadcast_ss(a + 0); c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(a + 1); c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(a + 2); c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(a + 3); c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
        x = _mm256_broadcast_ss(a + 4); c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);
        x = _mm256_broadcast_ss(a + 5); c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51);
        a += 6;
        b += NR;
    }
    _mm256_storeu_ps(c + 0 * ldc, c00); _mm256_storeu_ps(c + 0 * ldc + 8, c01);
    _mm256_storeu_ps(c + 1 * ldc, c10); _mm256_storeu_ps(c + 1 * ldc + 8, c11);
    _mm256_storeu_ps(c + 2 * ldc, c20); _mm256_storeu_ps(c + 2 * ldc + 8, c21);
    _mm256_storeu_ps(c + 3 * ldc, c30); _mm256_storeu_ps(c + 3 * ldc + 8, c31);
    _mm256_storeu_ps(c + 4 * ldc, c40); _mm256_storeu_ps(c + 4 * ldc + 8, c41);
    _mm256_storeu_ps(c + 5 * ldc, c50); _mm256_storeu_ps(c + 5 * ldc + 8, c51);
}

__attribute__((target("avx2,fma"))) static inline float hsum256(__m256 v) {
    __m128 lo = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}

__attribute__((target("avx2,fma"))) static void attention_avx2(const float *q, const float *k, const float *v, size_t ld,
                                                             size_t len, size_t hd, float scale, float *out, size_t ldo,
                                                             float *scores) {
    if (hd % 8 != 0 || hd > 64) {
        attention_portable(q, k, v, ld, len, hd, scale, out, ldo, scores);
        return;
    }
    const size_t vecs = hd / 8;
    for (size_t i = 0; i < len; i++) {
        const float *qi = q + i * ld;
        __m256 qv[8];
        for (size_t d = 0; d < vecs; d++) qv[d] = _mm256_loadu_ps(qi + 8 * d);
        float max = -INFINITY;
        for (size_t j = 0; j < len; j++) {
            const float *kj = k + j * ld;
            __m256 acc = _mm256_mul_ps(qv[0], _mm256_loadu_ps(kj));
            for (size_t d = 1; d < vecs; d++) acc = _mm256_fmadd_ps(qv[d], _mm256_loadu_ps(kj + 8 * d), acc);
            const float s = hsum256(acc) * scale;
            scores[j] = s;
            if (s > max) max = s;
        }
        const __m256 vmax = _mm256_set1_ps(max);
        __m256 vsum = _mm256_setzero_ps();
        size_t j = 0;
        for (; j + 8 <= len; j += 8) {
            const __m256 e = exp256(_mm256_sub_ps(_mm256_loadu_ps(scores + j), vmax));
            _mm256_storeu_ps(scores + j, e);
            vsum = _mm256_add_ps(vsum, e);
        }
        float sum = hsum256(vsum);
        for (; j < len; j++) {
            scores[j] = expf(scores[j] - max);
            sum += scores[j];
        }
        const float inv = 1.0f / sum;
        __m256 acc[8];
        for (size_t d = 0; d < vecs; d++) acc[d] = _mm256_setzero_ps();
        for (j = 0; j < len; j++) {
            const __m256 p = _mm256_set1_ps(scores[j] * inv);
            const float *vj = v + j * ld;
            for (size_t d = 0; d < vecs; d++) acc[d] = _mm256_fmadd_ps(p, _mm256_loadu_ps(vj + 8 * d), acc[d]);
        }
        float *oi = out + i * ldo;
        for (size_t d = 0; d < vecs; d++) _mm256_storeu_ps(oi + 8 * d, acc[d]);
    }
}

// MARK: - AVX-512F

__attribute__((target("avx512f"))) static void tile_12x16_avx512(size_t kc, const float *a, const float *b, float *c, size_t ldc) {
    __m512 acc[12];
    for (size_t r = 0; r < 12; r++) acc[r] = _mm512_loadu_ps(c + r * ldc);
    for (size_t kk = 0; kk < kc; kk++) {
        const __m512 bk = _mm512_loadu_ps(b);
        for (size_t r = 0; r < 12; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r]), bk, acc[r]);
        a += 12;
        b += NR;
    }
    for (size_t r = 0; r < 12; r++) _mm512_storeu_ps(c + r * ldc, acc[r]);
}

#endif // SK_X86

// MARK: - Dispatch

int sk_embed_supports(sk_embed_level level) {
    switch (level) {
    case SK_EMBED_PORTABLE:
        return 1;
#ifdef SK_X86
    case SK_EMBED_AVX2_FMA:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case SK_EMBED_AVX512:
        __builtin_cpu_init();
        // The AVX-512 level also runs the AVX2 attention and GELU kernels.
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    default:
        return 0;
    }
}

sk_embed_level sk_embed_best_level(void) {
    // Racing first calls compute and store the same answer.
    static _Atomic int cached = -1;
    int level = atomic_load_explicit(&cached, memory_order_relaxed);
    if (level < 0) {
        level = SK_EMBED_PORTABLE;
        if (sk_embed_supports(SK_EMBED_AVX512)) level = SK_EMBED_AVX512;
        else if (sk_embed_supports(SK_EMBED_AVX2_FMA)) level = SK_EMBED_AVX2_FMA;
        atomic_store_explicit(&cached, level, memory_order_relaxed);
    }
    return (sk_embed_level)level;
}

int sk_gemm_packed_at(sk_embed_level level, size_t m, size_t n, size_t k, const float *a, size_t lda,
                      const float *packed, const float *bias, float *c, size_t ldc, int accumulate) {
    if (!sk_embed_supports(level)) return 0;
    switch (level) {
#ifdef SK_X86
    case SK_EMBED_AVX512: gemm_run(12, tile_12x16_avx512, m, n, k, a, lda, packed, bias, c, ldc, accumulate); return 1;
    case SK_EMBED_AVX2_FMA: gemm_run(6, tile_6x16_avx2, m, n, k, a, lda, packed, bias, c, ldc, accumulate); return 1;
#endif
    default: gemm_run(4, tile_4x16_portable, m, n, k, a, lda, packed, bias, c, ldc, accumulate); return 1;
    }
}

void sk_gemm_packed(size_t m, size_t n, size_t k, const float *a, size_t lda, const float *packed,
                    const float *bias, float *c, size_t ldc, int accumulate) {
    sk_gemm_packed_at(sk_embed_best_level(), m, n, k, a, lda, packed, bias, c, ldc, accumulate);
}

int sk_attention_head_at(sk_embed_level level, const float *q, const float *k, const float *v, size_t ld,
                         size_t len, size_t head_dim, float scale, float *out, size_t ldo, float *scratch) {
    if (!sk_embed_supports(level)) return 0;
    switch (level) {
#ifdef SK_X86
    case SK_EMBED_AVX512:
    case SK_EMBED_AVX2_FMA: attention_avx2(q, k, v, ld, len, head_dim, scale, out, ldo, scratch); return 1;
#endif
    default: attention_portable(q, k, v, ld, len, head_dim, scale, out, ldo, scratch); return 1;
    }
}

void sk_attention_head(const float *q, const float *k, const float *v, size_t ld, size_t len, size_t head_dim,
                       float scale, float *out, size_t ldo, float *scratch) {
    sk_attention_head_at(sk_embed_best_level(), q, k, v, ld, len, head_dim, scale, out, ldo, scratch);
}

int sk_gelu_at(sk_embed_level level, float *x, size_t count) {
    if (!sk_embed_supports(level)) return 0;
    switch (level) {
#ifdef SK_X86
    case SK_EMBED_AVX512:
    case SK_EMBED_AVX2_FMA: gelu_avx2(x, count); return 1;
#endif
    default: gelu_portable(x, count); return 1;
    }
}

void sk_gelu(float *x, size_t count) { sk_gelu_at(sk_embed_best_level(), x, count); }

void sk_layer_norm(float *x, size_t rows, size_t dim, size_t ld, const float *gamma, const float *beta, float eps) {
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * ld;
        float mean = 0.0f;
        for (size_t i = 0; i < dim; i++) mean += row[i];
        mean /= (float)dim;
        float var = 0.0f;
        for (size_t i = 0; i < dim; i++) {
            const float d = row[i] - mean;
            var += d * d;
        }
        var /= (float)dim;
        const float inv = 1.0f / sqrtf(var + eps);
        for (size_t i = 0; i < dim; i++) row[i] = (row[i] - mean) * inv * gamma[i] + beta[i];
    }
}
