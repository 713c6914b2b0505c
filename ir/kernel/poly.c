/* Polyhedral form of a kernel: domains, accesses, initial schedule, bounds checks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isl/map.h>
#include <isl/options.h>
#include <isl/point.h>
#include <isl/val.h>

#include "ir/kernel/poly_private.h"

static struct tcc_loc kernel_loc(const struct tcc_kernel *k)
{
	return k->loc;
}

__isl_give isl_space *tcc_poly_stmt_space(isl_ctx *ctx, __tcc_keep const struct tcc_kstmt *s)
{
	isl_space *space = isl_space_set_alloc(ctx, 0, s->niters);

	space = isl_space_set_tuple_name(space, isl_dim_set, s->name);
	for (int i = 0; i < s->niters; i++)
		space = isl_space_set_dim_name(space, isl_dim_set, i, s->iters[i].name);
	return space;
}

static __isl_give isl_pw_aff *cst_pw_aff(__isl_keep isl_space *space, int64_t v)
{
	isl_local_space *ls = isl_local_space_from_space(isl_space_copy(space));
	isl_val *val = isl_val_int_from_si(isl_space_get_ctx(space), v);

	return isl_pw_aff_from_aff(isl_aff_val_on_domain(ls, val));
}

static __isl_give isl_pw_aff *binary_pw_aff(__isl_keep isl_space *space,
					    const struct tcc_kexpr *e)
{
	isl_pw_aff *a = tcc_poly_expr_pw_aff(space, e->args[0]);
	isl_ctx *ctx = isl_space_get_ctx(space);

	switch (e->op) {
	case TCC_KOP_ADD:
		return isl_pw_aff_add(a, tcc_poly_expr_pw_aff(space, e->args[1]));
	case TCC_KOP_SUB:
		return isl_pw_aff_sub(a, tcc_poly_expr_pw_aff(space, e->args[1]));
	case TCC_KOP_MUL:
		return isl_pw_aff_mul(a, tcc_poly_expr_pw_aff(space, e->args[1]));
	case TCC_KOP_DIV:
		return isl_pw_aff_floor(isl_pw_aff_div(a, cst_pw_aff(space, e->args[1]->u.i)));
	case TCC_KOP_REM:
		return isl_pw_aff_mod_val(a, isl_val_int_from_si(ctx, e->args[1]->u.i));
	default:
		return isl_pw_aff_free(a);
	}
}

__isl_give isl_pw_aff *tcc_poly_expr_pw_aff(__isl_keep isl_space *space,
					    __tcc_keep const struct tcc_kexpr *e)
{
	if (!space || !tcc_kexpr_is_affine(e))
		return NULL;
	switch (e->op) {
	case TCC_KOP_INT:
		return cst_pw_aff(space, e->u.i);
	case TCC_KOP_ITER:
		return isl_pw_aff_var_on_domain(isl_local_space_from_space(isl_space_copy(space)),
						isl_dim_set, e->u.iter);
	case TCC_KOP_NEG:
		return isl_pw_aff_neg(tcc_poly_expr_pw_aff(space, e->args[0]));
	default:
		return binary_pw_aff(space, e);
	}
}

static __isl_give isl_set *cmp_set(__isl_keep isl_space *space, const struct tcc_kexpr *c)
{
	isl_pw_aff *a = tcc_poly_expr_pw_aff(space, c->args[0]);
	isl_pw_aff *b = tcc_poly_expr_pw_aff(space, c->args[1]);

	switch (c->op) {
	case TCC_KOP_EQ: return isl_pw_aff_eq_set(a, b);
	case TCC_KOP_NE: return isl_pw_aff_ne_set(a, b);
	case TCC_KOP_LT: return isl_pw_aff_lt_set(a, b);
	case TCC_KOP_LE: return isl_pw_aff_le_set(a, b);
	case TCC_KOP_GT: return isl_pw_aff_gt_set(a, b);
	case TCC_KOP_GE: return isl_pw_aff_ge_set(a, b);
	default:
		isl_pw_aff_free(a);
		isl_pw_aff_free(b);
		return NULL;
	}
}

__isl_give isl_set *tcc_poly_stmt_domain(isl_ctx *ctx, __tcc_keep const struct tcc_kstmt *s)
{
	isl_space *space = tcc_poly_stmt_space(ctx, s);
	isl_set *dom = isl_set_universe(isl_space_copy(space));

	for (int i = 0; i < s->niters; i++) {
		dom = isl_set_lower_bound_val(dom, isl_dim_set, i,
					      isl_val_int_from_si(ctx, s->iters[i].lo));
		dom = isl_set_upper_bound_val(dom, isl_dim_set, i,
					      isl_val_int_from_si(ctx, s->iters[i].hi - 1));
	}
	for (int i = 0; i < s->ncons; i++)
		dom = isl_set_intersect(dom, cmp_set(space, s->cons[i]));
	isl_space_free(space);
	return dom;
}

/* The access of "load" (a LOAD expression of statement domain "dom"): exact in affine
 * subscripts, the whole extent of the dim for the others. */
static __isl_give isl_map *access_map(__isl_keep isl_set *dom, const struct tcc_kexpr *load)
{
	const struct tcc_kbuf *b = load->u.buf;
	isl_space *space = isl_set_get_space(dom);
	isl_map *map = isl_map_from_domain(isl_set_copy(dom));

	for (int d = 0; d < load->nargs; d++) {
		isl_pw_aff *pa = tcc_poly_expr_pw_aff(space, load->args[d]);
		isl_map *m;

		if (pa) {
			m = isl_map_intersect_domain(isl_map_from_pw_aff(pa), isl_set_copy(dom));
		} else {
			isl_set *ext = isl_set_universe(isl_space_set_alloc(isl_set_get_ctx(dom), 0, 1));

			ext = isl_set_lower_bound_si(ext, isl_dim_set, 0, 0);
			ext = isl_set_upper_bound_val(ext, isl_dim_set, 0,
				isl_val_int_from_si(isl_set_get_ctx(dom), b->dims[d] - 1));
			m = isl_map_from_domain_and_range(isl_set_copy(dom), ext);
		}
		map = isl_map_flat_range_product(map, m);
	}
	isl_space_free(space);
	return isl_map_set_tuple_name(map, isl_dim_out, b->name);
}

/* Add the accesses of every load in "e" (including those inside subscripts) to "reads". */
static __isl_give isl_union_map *add_reads(__isl_take isl_union_map *reads,
					   __isl_keep isl_set *dom, const struct tcc_kexpr *e)
{
	if (e->op == TCC_KOP_LOAD)
		reads = isl_union_map_add_map(reads, access_map(dom, e));
	for (int i = 0; i < e->nargs; i++)
		reads = add_reads(reads, dom, e->args[i]);
	return reads;
}

static int expr_reads_buf(const struct tcc_kexpr *e, const struct tcc_kbuf *b)
{
	if (e->op == TCC_KOP_LOAD && e->u.buf == b)
		return 1;
	for (int i = 0; i < e->nargs; i++)
		if (expr_reads_buf(e->args[i], b))
			return 1;
	return 0;
}

int tcc_poly_stmt_is_pure_reduction(__tcc_keep const struct tcc_kstmt *s)
{
	return s->update != TCC_KUPD_ASSIGN && !expr_reads_buf(s->rhs, s->target->u.buf);
}

__tcc_keep __tcc_null const struct tcc_kstmt *tcc_poly_find_stmt(
	__tcc_keep const struct tcc_kernel *k, const char *name)
{
	for (int i = 0; name && i < k->nstmts; i++)
		if (!strcmp(k->stmts[i]->name, name))
			return k->stmts[i];
	return NULL;
}

/* The initial schedule of "s" alone: its domain with one band over its iterators. */
static __isl_give isl_schedule *stmt_schedule(__isl_take isl_set *dom)
{
	isl_space *space = isl_set_get_space(dom);
	isl_size n = isl_set_dim(dom, isl_dim_set);
	isl_schedule *sched = isl_schedule_from_domain(isl_union_set_from_set(dom));
	isl_multi_aff *ma;
	isl_multi_union_pw_aff *band;

	if (n <= 0) {
		isl_space_free(space);
		return sched;
	}
	ma = isl_multi_aff_identity(isl_space_map_from_set(space));
	ma = isl_multi_aff_reset_tuple_id(ma, isl_dim_out);
	band = isl_multi_union_pw_aff_from_union_pw_multi_aff(
		isl_union_pw_multi_aff_from_multi_aff(ma));
	return isl_schedule_insert_partial_schedule(sched, band);
}

static tcc_stat build_stmt(struct tcc_poly *poly, const struct tcc_kstmt *s)
{
	isl_set *dom = tcc_poly_stmt_domain(poly->ctx, s);
	isl_map *write = access_map(dom, s->target);
	isl_schedule *sched;

	poly->domain = isl_union_set_add_set(poly->domain, isl_set_copy(dom));
	if (tcc_poly_stmt_is_pure_reduction(s))
		poly->red_writes = isl_union_map_add_map(poly->red_writes, isl_map_copy(write));
	if (s->update != TCC_KUPD_ASSIGN)
		poly->reads = isl_union_map_add_map(poly->reads, isl_map_copy(write));
	poly->writes = isl_union_map_add_map(poly->writes, write);
	poly->reads = add_reads(poly->reads, dom, s->rhs);
	sched = stmt_schedule(dom);
	if (!poly->schedule)
		poly->schedule = sched;
	else
		poly->schedule = isl_schedule_sequence(poly->schedule, sched);
	return poly->domain && poly->reads && poly->writes && poly->schedule ? 0 : -1;
}

__tcc_give struct tcc_poly *tcc_poly_build(__tcc_keep const struct tcc_kernel *k)
{
	struct tcc_poly *poly = calloc(1, sizeof(*poly));
	isl_space *params;

	if (!poly || !(poly->ctx = isl_ctx_alloc()))
		goto error;
	poly->k = k;
	isl_options_set_on_error(poly->ctx, ISL_ON_ERROR_CONTINUE);
	params = isl_space_params_alloc(poly->ctx, 0);
	poly->domain = isl_union_set_empty(isl_space_copy(params));
	poly->reads = isl_union_map_empty(isl_space_copy(params));
	poly->writes = isl_union_map_empty(isl_space_copy(params));
	poly->red_writes = isl_union_map_empty(params);
	if (!k->nstmts)
		poly->schedule = isl_schedule_from_domain(isl_union_set_copy(poly->domain));
	for (int i = 0; i < k->nstmts; i++)
		if (build_stmt(poly, k->stmts[i]) < 0)
			goto error;
	/* dependences are computed from it when first asked for */
	poly->initial = isl_schedule_copy(poly->schedule);
	if (!poly->initial)
		goto error;
	return poly;
error:
	tcc_diag_error(k->ctx->diag, kernel_loc(k), "kernel '%s': cannot build its polyhedral form",
		       k->name);
	tcc_poly_free(poly);
	return NULL;
}

void tcc_poly_free(__tcc_take __tcc_null struct tcc_poly *poly)
{
	if (!poly)
		return;
	isl_union_set_free(poly->domain);
	isl_union_map_free(poly->reads);
	isl_union_map_free(poly->writes);
	isl_union_map_free(poly->red_writes);
	isl_schedule_free(poly->schedule);
	isl_schedule_free(poly->initial);
	tcc_poly_free_time_cache(poly);
	isl_union_map_free(poly->dep_flow);
	isl_union_map_free(poly->dep_false);
	isl_union_map_free(poly->dep_relaxed);
	if (poly->ctx) {
		/* A leaked ISL object is a bug: let isl_ctx_free say so. */
		isl_options_set_on_error(poly->ctx, ISL_ON_ERROR_WARN);
		isl_ctx_free(poly->ctx);
	}
	free(poly);
}

isl_ctx *tcc_poly_get_isl_ctx(__tcc_keep struct tcc_poly *poly)
{
	return poly->ctx;
}

__tcc_keep const struct tcc_kernel *tcc_poly_get_kernel(__tcc_keep struct tcc_poly *poly)
{
	return poly->k;
}

__isl_give isl_union_set *tcc_poly_get_domain(__tcc_keep struct tcc_poly *poly)
{
	return isl_union_set_copy(poly->domain);
}

__isl_give isl_union_map *tcc_poly_get_reads(__tcc_keep struct tcc_poly *poly)
{
	return isl_union_map_copy(poly->reads);
}

__isl_give isl_union_map *tcc_poly_get_writes(__tcc_keep struct tcc_poly *poly)
{
	return isl_union_map_copy(poly->writes);
}

__isl_give isl_schedule *tcc_poly_get_schedule(__tcc_keep struct tcc_poly *poly)
{
	return isl_schedule_copy(poly->schedule);
}

tcc_stat tcc_poly_set_schedule(__tcc_keep struct tcc_poly *poly, __isl_take isl_schedule *sched)
{
	if (!sched)
		return -1;
	isl_schedule_free(poly->schedule);
	poly->schedule = sched;
	return 0;
}

/* Report "what" about the schedule text of poly's kernel; returns -1. */
static tcc_stat schedule_error(struct tcc_poly *poly, const char *what)
{
	const struct tcc_kernel *k = poly->k;

	tcc_diag_error(k->ctx->diag, k->loc, "kernel '%s': schedule %s", k->name, what);
	return -1;
}

tcc_stat tcc_poly_set_schedule_str(__tcc_keep struct tcc_poly *poly, const char *text)
{
	isl_schedule *sched = isl_schedule_read_from_str(poly->ctx, text);
	isl_union_set *dom;
	isl_union_map *map;
	isl_bool same;
	tcc_bool legal;

	if (!sched)
		return schedule_error(poly, "cannot be read");
	dom = isl_schedule_get_domain(sched);
	same = isl_union_set_is_equal(dom, poly->domain);
	isl_union_set_free(dom);
	if (same != isl_bool_true) {
		isl_schedule_free(sched);
		return schedule_error(poly, "does not cover exactly the kernel's statement instances");
	}
	map = isl_schedule_get_map(sched);
	legal = tcc_poly_schedule_is_legal(poly, map, TCC_POLY_DEP_RELAXED);
	isl_union_map_free(map);
	if (legal != 1) {
		isl_schedule_free(sched);
		return schedule_error(poly, legal < 0 ? "cannot be checked"
						      : "violates a dependence of the kernel");
	}
	return tcc_poly_set_schedule(poly, sched);
}

/* ---- kernel keys ---- */

char *tcc_kernel_key(__tcc_keep struct tcc_kernel *k, __tcc_null const char *schedule)
{
	const char **names = calloc((size_t)k->nbufs + 1, sizeof(*names));
	char *tmp = calloc((size_t)k->nbufs + 1, 16), *key = NULL;
	const char *kname = k->name;
	struct tcc_printer *p = tcc_printer_to_str();

	if (names && tmp && p) {
		k->name = "k";
		for (int i = 0; i < k->nbufs; i++) {
			names[i] = k->bufs[i]->name;
			snprintf(tmp + 16 * i, 16, "b%d", i);
			k->bufs[i]->name = tmp + 16 * i;
		}
		tcc_kernel_print(p, k);
		tcc_printer_str(p, "schedule ");
		tcc_printer_str(p, schedule ? schedule : "-");
		k->name = kname;
		for (int i = 0; i < k->nbufs; i++)
			k->bufs[i]->name = names[i];
		key = tcc_printer_failed(p) ? NULL : tcc_printer_take_str(p);
		p = NULL;
	}
	tcc_printer_free(p);
	free(names);
	free(tmp);
	return key;
}

uint64_t tcc_key_hash(const char *key)
{
	uint64_t h = UINT64_C(1469598103934665603);

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * UINT64_C(1099511628211);
	return h;
}

/* ---- bounds checking for the verifier ---- */

/* Render one point of "bad" (a non-empty set in statement space) as "i=1, j=2". */
static void describe_point(char *buf, size_t size, __isl_take isl_set *bad,
			   const struct tcc_kstmt *s)
{
	isl_point *pt = isl_set_sample_point(bad);
	size_t used = 0;

	buf[0] = 0;
	for (int i = 0; pt && i < s->niters && used < size; i++) {
		isl_val *v = isl_point_get_coordinate_val(pt, isl_dim_set, i);

		used += (size_t)snprintf(buf + used, size - used, "%s%s=%ld", i ? ", " : "",
					 s->iters[i].name, v ? isl_val_get_num_si(v) : 0L);
		isl_val_free(v);
	}
	isl_point_free(pt);
}

/* Check subscript "d" of "load" over "dom"; returns 1 when out of bounds. */
static int check_subscript(__isl_keep isl_set *dom, const struct tcc_kstmt *s,
			   const struct tcc_kexpr *load, int d, struct tcc_diag *diag)
{
	isl_space *space = isl_set_get_space(dom);
	isl_pw_aff *pa = tcc_poly_expr_pw_aff(space, load->args[d]);
	int64_t ext = load->u.buf->dims[d];
	isl_set *ok, *bad;
	isl_bool empty;
	char where[256];

	ok = isl_pw_aff_nonneg_set(isl_pw_aff_copy(pa));
	ok = isl_set_intersect(ok, isl_pw_aff_lt_set(pa, cst_pw_aff(space, ext)));
	isl_space_free(space);
	bad = isl_set_subtract(isl_set_copy(dom), ok);
	empty = isl_set_is_empty(bad);
	if (empty == isl_bool_true) {
		isl_set_free(bad);
		return 0;
	}
	describe_point(where, sizeof(where), bad, s);
	tcc_diag_error(diag, load->args[d]->loc,
		       "%s: subscript %d of '%s' leaves [0, %lld) (at %s)", s->name, d,
		       load->u.buf->name, (long long)ext, empty < 0 ? "?" : where);
	return 1;
}

static int check_access(__isl_keep isl_set *dom, const struct tcc_kstmt *s,
			const struct tcc_kexpr *e, struct tcc_diag *diag)
{
	int bad = 0;

	for (int i = 0; i < e->nargs; i++) {
		if (e->op == TCC_KOP_LOAD && tcc_kexpr_is_affine(e->args[i]))
			bad += check_subscript(dom, s, e, i, diag);
		else
			bad += check_access(dom, s, e->args[i], diag);
	}
	return bad;
}

tcc_stat tcc_poly_check_bounds(__tcc_keep const struct tcc_kernel *k)
{
	isl_ctx *ctx = isl_ctx_alloc();
	int bad = 0;

	if (!ctx)
		return tcc_ctx_oom(k->ctx, kernel_loc(k));
	isl_options_set_on_error(ctx, ISL_ON_ERROR_CONTINUE);
	for (int i = 0; i < k->nstmts; i++) {
		const struct tcc_kstmt *s = k->stmts[i];
		isl_set *dom = tcc_poly_stmt_domain(ctx, s);

		bad += check_access(dom, s, s->target, k->ctx->diag);
		bad += check_access(dom, s, s->rhs, k->ctx->diag);
		isl_set_free(dom);
	}
	isl_options_set_on_error(ctx, ISL_ON_ERROR_WARN);
	isl_ctx_free(ctx);
	return bad ? -1 : 0;
}
