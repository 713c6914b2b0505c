/* The automatic scheduler ("schedule" pass): statement analysis and plans. */
#ifndef TCC_PASSES_SCHEDULE_AUTO_H
#define TCC_PASSES_SCHEDULE_AUTO_H

#include "passes/schedule/sched.h"

enum { AUTO_ACC_BAD, AUTO_ACC_INVARIANT, AUTO_ACC_CONTIG };

/* How load (or target) "load" varies with iterator "it": not at all, contiguously (only in
 * the last subscript, coefficient 1), or otherwise (strided, gathered: BAD). */
int auto_access_kind(const struct tcc_kexpr *load, int it);
/* Every load of "e" is contiguous or invariant in "it"; non-load uses of "it" are fine. */
int auto_loads_along(const struct tcc_kexpr *e, int it);
/* The iterator that is the target's last subscript, if stride-1 there and every load is
 * contiguous or invariant in it; -1 otherwise. */
int auto_stride1_iter(const struct tcc_kstmt *s);
int auto_in_target(const struct tcc_kstmt *s, int it);
/* The target iterator other than "col" that also appears in the target's last subscript
 * (the panel index jb of a packed GEMM, nr*jb + jj), -1 when none. */
int auto_panel_iter(const struct tcc_kstmt *s, int col);

/* A GEMM-class statement T[.., row, .., col] += A * B: "col" the stride-1 target iterator
 * (vector lanes), "row" the target iterator of the broadcast operand (register rows), "red"
 * the outermost reduction iterator of extent > 1 (the cache tile). */
struct auto_gemm {
	int row, col, red;
};
/* On a 0 return, row == -1 with col, red >= 0 means a GEMV-like statement (no row). */
int auto_match_gemm(const struct tcc_kstmt *s, struct auto_gemm *g);

/* The options of the pass, with the host facts resolved. */
struct auto_options {
	int64_t vector_width, l1, l2, min_work, max_unroll;
	const char *kernel;
	int64_t gemm, gemm_kc, gemm_nc, pack;
};

/* Insert the band "{ S[x0,...] -> [exprs] }" (exprs over x0.. = the iterators of "s") above
 * "node"; returns the band. */
__isl_give isl_schedule_node *auto_insert_band(__isl_take isl_schedule_node *node,
					       const struct tcc_kstmt *s, const char *exprs);

/* Plans: each replaces the initial one-statement band "band" of "s" and returns the node at
 * its position; *done is 0 when the plan does not apply (band returned unchanged). */
__isl_give isl_schedule_node *auto_plan_gemm(struct sched_env *env, const struct tcc_kstmt *s,
					     __isl_take isl_schedule_node *band, int *done);
__isl_give isl_schedule_node *auto_plan_memory(struct sched_env *env, const struct tcc_kstmt *s,
					       __isl_take isl_schedule_node *band);
/* Whether the memory-bound plan puts the last iterator of "s" in vector lanes (stride 1 in
 * the target, or a row reduction; f32, extent a multiple of the width). */
int auto_vector_last_ok(const struct auto_options *o, const struct tcc_kstmt *s);
/* Row fusion (auto_rows.c): the kernel's statements row by row under one parallel row band
 * when they share leading rows, one is a reduction and no dependence crosses rows; *done 0
 * (sched returned) otherwise. */
__isl_give isl_schedule *auto_fuse_rows(struct sched_env *env, __isl_take isl_schedule *sched,
					int *done);
/* Mark "band" parallel at its first member of extent >= 2 when that member carries no
 * dependence (splitting the extent-1 members before it off). */
__isl_give isl_schedule_node *auto_add_parallel(struct sched_env *env,
						__isl_take isl_schedule_node *band);

/* Pack the B operand of every 2-D MatMul-like statement of the kernels still on their initial
 * schedule ("only": that kernel) into nr-column panels (pack.c); statements with N % nr != 0,
 * fewer than "min_rows" rows or K < 16 are left as they are, with a warning; a B that is not
 * a constant (copied on every run) only with at least "min_rows_copy" rows (silently). */
tcc_stat auto_pack_program(struct tcc_program *prog, int64_t nr, int64_t min_rows,
			   int64_t min_rows_copy, const char *only);
/* The schedule pass's "min_rows_copy": copying a B that is not a constant on every run (K*N
 * floats: a strided read, a write, the panels read back) costs about what 25-30 rows of the
 * GEMM do; below 384 rows the unpacked plan wins (measured on AVX-512 Xeon, docs/schedule.md). */
#define AUTO_PACK_MIN_ROWS_COPY 384

#endif
