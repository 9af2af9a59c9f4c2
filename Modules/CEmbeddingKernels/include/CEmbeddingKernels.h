// Transformer kernels for StackKit's local embedding model (LocalEmbeddings).
//
// Every entry point has a portable C variant and, on x86-64, variants compiled for AVX2+FMA and
// AVX-512F with per-function target attributes; the fastest one the CPU supports is chosen at run
// time (`__builtin_cpu_supports`), so the package needs no `-target-cpu` flag (DESIGN §8).
// The `_at` forms run an explicit level (tests compare the levels); they return 0 and write nothing
// when the CPU lacks the level.
//
// Matrices are row-major Float32. Functions never allocate and never keep pointers after returning;
// calls on disjoint output rows may run on different threads at once.

#ifndef STACKKIT_CEMBEDDINGKERNELS_H
#define STACKKIT_CEMBEDDINGKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The instruction-set levels a kernel can run at.
typedef enum {
    SK_EMBED_PORTABLE = 0,
    SK_EMBED_AVX2_FMA = 1,
    SK_EMBED_AVX512 = 2,
} sk_embed_level;

/// The best level this CPU supports (computed once).
sk_embed_level sk_embed_best_level(void);

/// Whether this CPU can run `level`.
int sk_embed_supports(sk_embed_level level);

/// The number of floats ``sk_pack_weights`` writes for an `n` × `k` weight (columns padded to 16).
size_t sk_packed_weights_count(size_t n, size_t k);

/// Packs a PyTorch `Linear` weight `w` (`n` rows of `k` floats, `out × in`) into 16-column panels,
/// the layout ``sk_gemm_packed`` reads. The same layout serves every level.
void sk_pack_weights(const float *w, size_t n, size_t k, float *packed);

/// `C[m × n] = A[m × k] · Wᵀ + bias (+ C when accumulate)` with W packed by ``sk_pack_weights``.
/// `lda` and `ldc` are the row strides of A and C in floats; `bias` may be NULL.
void sk_gemm_packed(size_t m, size_t n, size_t k, const float *a, size_t lda, const float *packed,
                    const float *bias, float *c, size_t ldc, int accumulate);
int sk_gemm_packed_at(sk_embed_level level, size_t m, size_t n, size_t k, const float *a, size_t lda,
                      const float *packed, const float *bias, float *c, size_t ldc, int accumulate);

/// Scaled dot-product attention of one head over one sequence of `len` tokens, no mask:
/// `out[i] = Σ_j softmax_j(q_i · k_j · scale) v_j`. Rows of q, k and v are `ld` floats apart
/// (a fused QKV matrix), rows of `out` are `ldo` apart; `scratch` holds `len` floats.
void sk_attention_head(const float *q, const float *k, const float *v, size_t ld, size_t len, size_t head_dim,
                       float scale, float *out, size_t ldo, float *scratch);
int sk_attention_head_at(sk_embed_level level, const float *q, const float *k, const float *v, size_t ld,
                         size_t len, size_t head_dim, float scale, float *out, size_t ldo, float *scratch);

/// In place `x = x · ½ · (1 + erf(x / √2))` (exact GELU, as PyTorch's default) over `count` floats.
void sk_gelu(float *x, size_t count);
int sk_gelu_at(sk_embed_level level, float *x, size_t count);

/// In place layer normalisation of `rows` rows of `dim` floats, `ld` apart:
/// `(x − mean) / √(var + eps) · gamma + beta`, with the biased variance as PyTorch computes it.
void sk_layer_norm(float *x, size_t rows, size_t dim, size_t ld, const float *gamma, const float *beta, float eps);

#ifdef __cplusplus
}
#endif

#endif
