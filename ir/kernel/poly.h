/* The polyhedral form of a kernel (ISL): statement domains, access relations, an initial
 * schedule tree, dependences, legality checks for proposed schedules, and C-like loop text
 * from the ISL AST.
 *
 * A tcc_poly owns its isl_ctx and every ISL object in it; tcc_poly_free releases them all.
 * Getters return copies (__isl_give) in that isl_ctx. Statement tuples are named after the
 * statements (S0, S1...), buffer tuples after the buffers, and set dims after the
 * iterators. The kernel itself is borrowed and must outlive the poly object.
 */
#ifndef TCC_IR_KERNEL_POLY_H
#define TCC_IR_KERNEL_POLY_H

#include <isl/ctx.h>
#include <isl/schedule.h>
#include <isl/union_map.h>
#include <isl/union_set.h>

#include "ir/kernel/kernel.h"
#include "support/own.h"
#include "support/printer.h"

struct tcc_poly;

/* Build the polyhedral form of a verified kernel. NULL (reported through k->ctx->diag)
 * when a statement cannot be represented. */
__tcc_give struct tcc_poly *tcc_poly_build(__tcc_keep const struct tcc_kernel *k);
void tcc_poly_free(__tcc_take __tcc_null struct tcc_poly *poly);

isl_ctx *tcc_poly_get_isl_ctx(__tcc_keep struct tcc_poly *poly);
__tcc_keep const struct tcc_kernel *tcc_poly_get_kernel(__tcc_keep struct tcc_poly *poly);

/* Union of the statement domains. */
__isl_give isl_union_set *tcc_poly_get_domain(__tcc_keep struct tcc_poly *poly);
/* May-reads (a data-dependent subscript covers the whole extent of its dim; the target of
 * an update other than `=` is read too) and must-writes (targets, always exact). */
__isl_give isl_union_map *tcc_poly_get_reads(__tcc_keep struct tcc_poly *poly);
__isl_give isl_union_map *tcc_poly_get_writes(__tcc_keep struct tcc_poly *poly);
/* The current schedule: initially a sequence over the statements, each with its own band
 * over its iterators in order. tcc_poly_set_schedule replaces it. */
__isl_give isl_schedule *tcc_poly_get_schedule(__tcc_keep struct tcc_poly *poly);
tcc_stat tcc_poly_set_schedule(__tcc_keep struct tcc_poly *poly, __isl_take isl_schedule *sched);

/* Replace the schedule by the one "text" describes (isl's schedule tree text form, e.g. from
 * isl_schedule_to_str) after checking that it covers exactly the statement instances and
 * respects every RELAXED dependence. -1 with a diagnostic at the kernel's location
 * otherwise. */
tcc_stat tcc_poly_set_schedule_str(__tcc_keep struct tcc_poly *poly, const char *text);

/* Dependences of the initial schedule (computed once, by tcc_poly_build):
 * FLOW     read-after-write, direct (the last write before each read);
 * FALSE    write-after-read and write-after-write;
 * ALL      FLOW + FALSE;
 * RELAXED  like ALL, but the updates of a reduction statement (`+=`, `*=`, `max=`, `min=`
 *          whose value does not read the target buffer) may be reordered among
 *          themselves: its target writes count as may-writes (so writes and reads around
 *          it depend on every instance) and its self-dependences on a same target element
 *          are dropped. */
enum tcc_poly_dep { TCC_POLY_DEP_FLOW, TCC_POLY_DEP_FALSE, TCC_POLY_DEP_ALL,
		    TCC_POLY_DEP_RELAXED };

__isl_give isl_union_map *tcc_poly_get_deps(__tcc_keep struct tcc_poly *poly,
					    enum tcc_poly_dep kind);

/* Is "sched" (statement instances → time, e.g. from isl_schedule_get_map) legal: does
 * every dependence of "kind" go forward in lexicographic time? Shorter time vectors are
 * padded with zeros. 1 legal, 0 not, -1 error. */
tcc_bool tcc_poly_schedule_is_legal(__tcc_keep struct tcc_poly *poly,
				    __isl_keep isl_union_map *sched, enum tcc_poly_dep kind);
/* Is "band" permutable (so it may be tiled or its members interchanged): for every
 * dependence of "kind" not carried by the "outer" schedule (NULL: none), is every band
 * member non-decreasing from source to sink? 1 yes, 0 no, -1 error. */
tcc_bool tcc_poly_band_is_permutable(__tcc_keep struct tcc_poly *poly,
				     __isl_keep __tcc_null isl_union_map *outer,
				     __isl_keep isl_union_map *band, enum tcc_poly_dep kind);

/* Is member "member" of "band" parallel: does it carry no dependence of "kind" (use
 * TCC_POLY_DEP_ALL: reduction updates of one element may not run concurrently) once the
 * "outer" schedule (NULL: none) and the band members before it are equal? So its loop may
 * run its iterations at the same time (threads, vector lanes). 1 yes, 0 no, -1 error. */
tcc_bool tcc_poly_band_member_is_parallel(__tcc_keep struct tcc_poly *poly,
					  __isl_keep __tcc_null isl_union_map *outer,
					  __isl_keep isl_union_map *band, int member,
					  enum tcc_poly_dep kind);

/* Generate the AST of "sched" (NULL: the current schedule) and print it as C-like text:
 * for/if/blocks, one line per statement instance with its subscripts in terms of the
 * loop iterators (c0, c1, ...). Returns -1 on error. */
tcc_stat tcc_poly_print_ast(__tcc_keep struct tcc_poly *poly, __tcc_keep struct tcc_printer *p,
			    __isl_keep __tcc_null isl_schedule *sched);
__tcc_give char *tcc_poly_ast_to_str(__tcc_keep struct tcc_poly *poly,
				     __isl_keep __tcc_null isl_schedule *sched);

/* For the verifier: report (through k->ctx->diag) every affine subscript that leaves its
 * buffer's extent somewhere in its statement's domain. Uses a private isl_ctx. */
tcc_stat tcc_poly_check_bounds(__tcc_keep const struct tcc_kernel *k);

/* The text two kernels are compared on to share work (one function, one schedule search):
 * "k" printed with itself and its buffers renamed by index ("k", "b0", "b1"...), then
 * "schedule" (NULL: "-"). Kernels with equal keys compute the same thing on their buffers.
 * The names are changed while printing and put back (not thread-safe for "k").
 * Malloc'ed; NULL on out of memory. tcc_key_hash: FNV-1a of a key. */
__tcc_give char *tcc_kernel_key(__tcc_keep struct tcc_kernel *k, __tcc_null const char *schedule);
uint64_t tcc_key_hash(const char *key);

#endif
