/* Internals shared by poly.c, poly_dep.c and poly_ast.c. */
#ifndef TCC_IR_KERNEL_POLY_PRIVATE_H
#define TCC_IR_KERNEL_POLY_PRIVATE_H

#include <isl/aff.h>
#include <isl/set.h>
#include <isl/space.h>

#include "ir/kernel/poly.h"

/* "ctx" is owned; "k" borrowed. "domain" is the union of statement domains; "reads" the
 * may-reads, "writes" the must-writes, "red_writes" the writes of reduction statements
 * (a subset of "writes"); "schedule" the current schedule; "initial" the initial one;
 * "dep_flow", "dep_false" and "dep_relaxed" the dependences of the initial schedule (see
 * enum tcc_poly_dep), each computed when first asked for (NULL until then).
 * "time_cache" (poly_dep.c) holds the last dependences mapped into time: the key text of
 * each entry ("key", malloc'ed), the mapped map ("deps") and its padded dim ("n"). */
#define TCC_POLY_TIME_CACHE 4
struct tcc_poly_time {
	char *key;
	isl_union_map *deps;
	int n;
};
struct tcc_poly {
	isl_ctx *ctx;
	const struct tcc_kernel *k;
	isl_union_set *domain;
	isl_union_map *reads, *writes, *red_writes;
	isl_schedule *schedule, *initial;
	isl_union_map *dep_flow, *dep_false, *dep_relaxed;
	struct tcc_poly_time time_cache[TCC_POLY_TIME_CACHE];
	int time_next;
};

/* The set space of statement "s": tuple named after it, dims after its iterators. */
__isl_give isl_space *tcc_poly_stmt_space(isl_ctx *ctx, __tcc_keep const struct tcc_kstmt *s);
/* The iteration domain of "s" (ranges and extra constraints). */
__isl_give isl_set *tcc_poly_stmt_domain(isl_ctx *ctx, __tcc_keep const struct tcc_kstmt *s);
/* The affine expression "e" as a function on "space" (a statement's set space); NULL when
 * "e" is not affine. */
__isl_give isl_pw_aff *tcc_poly_expr_pw_aff(__isl_keep isl_space *space,
					    __tcc_keep const struct tcc_kexpr *e);
/* 1 when "s" is a reduction whose value does not read its target buffer. */
int tcc_poly_stmt_is_pure_reduction(__tcc_keep const struct tcc_kstmt *s);
__tcc_keep __tcc_null const struct tcc_kstmt *tcc_poly_find_stmt(
	__tcc_keep const struct tcc_kernel *k, const char *name);

/* poly_dep.c: fill dep_flow, dep_false and dep_relaxed from the accesses and the initial
 * schedule (otherwise done on first use); free the time cache. */
tcc_stat tcc_poly_compute_deps(__tcc_keep struct tcc_poly *poly);
void tcc_poly_free_time_cache(__tcc_keep struct tcc_poly *poly);

#endif
