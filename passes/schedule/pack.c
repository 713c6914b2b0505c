/* B-panel packing of GEMM statements (used by the "schedule" pass before planning; see
 * docs/schedule.md). A statement S[i, j, k]: C[i, j] += A[i, k] * B[k, j] (f32, no
 * constraints, N % nr == 0, and M large enough for the copy to pay when B is not a constant)
 * becomes
 *
 *   P[k, jb, jj]: Bp[jb, k, jj] = B[k, nr*jb + jj]          (a new temporary, run first)
 *   S[i, jb, k, jj]: C[i, nr*jb + jj] += A[i, k] * Bp[jb, k, jj]
 *
 * so the GEMM reads each nr-column panel of B contiguously (no 4 KiB-strided rows: no L1
 * set conflicts, one page per panel row group). C and A may have leading subscripts that are
 * constants or iterators of extent 1 (C[0, i, j] += A[0, i, k] * W[k, j]): those iterators
 * are dropped from the new S, their subscripts become 0. A constant B (weights) is packed at compile
 * time into a new constant buffer instead (no P; the old constant goes when unused). No ISL
 * here: kernel IR only. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "passes/schedule/auto.h"
#include "support/arena.h"
#include "support/ctx.h"
#include "support/diag.h"

/* The shape matched: row, col, red iterators of S; "bl" the operand index of the B load. */
struct pack_match {
	int row, col, red, bl;
	int64_t m, n, k;
};

static int plain_iter(const struct tcc_kexpr *e, int *it)
{
	if (e->op != TCC_KOP_ITER)
		return 0;
	*it = e->u.iter;
	return 1;
}

/* Iterator "it" of "s" runs once, at 0 (a batch dimension of 1). */
static int unit_iter(const struct tcc_kstmt *s, int it)
{
	return s->iters[it].lo == 0 && s->iters[it].hi == 1;
}

/* Every subscript of load "l" is a plain iterator or a constant. */
static int plain_args(const struct tcc_kexpr *l)
{
	int it;

	for (int i = 0; i < l->nargs; i++)
		if (l->args[i]->op != TCC_KOP_INT && !plain_iter(l->args[i], &it))
			return 0;
	return 1;
}

/* The target is C[.., row, col], its leading subscripts constants or iterators of extent 1
 * (MatMul of a [1, M, K] activation by a [K, N] weight). */
static int target_ok(const struct tcc_kstmt *s, struct pack_match *pm)
{
	const struct tcc_kexpr *t = s->target;
	int it;

	if (t->nargs < 2 || !plain_iter(t->args[t->nargs - 2], &pm->row) ||
	    !plain_iter(t->args[t->nargs - 1], &pm->col) || pm->row == pm->col)
		return 0;
	for (int i = 0; i + 2 < t->nargs; i++)
		if (t->args[i]->op != TCC_KOP_INT &&
		    (!plain_iter(t->args[i], &it) || !unit_iter(s, it)))
			return 0;
	return 1;
}

static int pack_match(const struct tcc_kstmt *s, struct pack_match *pm)
{
	const struct tcc_kexpr *t = s->target, *r = s->rhs, *b, *a;
	int kk = -1, jj;

	if (s->update != TCC_KUPD_ADD || t->dtype != TCC_DT_FLOAT || s->niters < 3 ||
	    s->ncons != 0 || r->op != TCC_KOP_MUL || r->args[0]->op != TCC_KOP_LOAD ||
	    r->args[1]->op != TCC_KOP_LOAD || !target_ok(s, pm))
		return 0;
	for (pm->bl = 0; pm->bl < 2; pm->bl++) {
		b = r->args[pm->bl];
		a = r->args[!pm->bl];
		if (b->nargs == 2 && plain_iter(b->args[0], &kk) && plain_iter(b->args[1], &jj) &&
		    jj == pm->col && !auto_in_target(s, kk) && plain_args(a) &&
		    auto_access_kind(a, pm->col) == AUTO_ACC_INVARIANT)
			break;
	}
	if (pm->bl == 2 || b->u.buf->dtype != TCC_DT_FLOAT)
		return 0;
	pm->red = kk;
	for (int it = 0; it < s->niters; it++) /* the other iterators are fixed at 0 */
		if (it != pm->row && it != pm->col && it != pm->red && !unit_iter(s, it))
			return 0;
	pm->m = s->iters[pm->row].hi - s->iters[pm->row].lo;
	pm->n = s->iters[pm->col].hi - s->iters[pm->col].lo;
	pm->k = s->iters[pm->red].hi - s->iters[pm->red].lo;
	return s->iters[pm->row].lo == 0 && s->iters[pm->col].lo == 0 &&
	       s->iters[pm->red].lo == 0;
}

/* "nr*jb + jj" over the new iterators "jb", "jj". */
static struct tcc_kexpr *split_col(struct tcc_ctx *ctx, int64_t nr, int jb, int jj)
{
	struct tcc_kexpr *m = tcc_kexpr_op(ctx, TCC_KOP_MUL, tcc_kexpr_int(ctx, nr),
					   tcc_kexpr_iter(ctx, jb), NULL);

	return m ? tcc_kexpr_op(ctx, TCC_KOP_ADD, m, tcc_kexpr_iter(ctx, jj), NULL) : NULL;
}

/* Subscript "e" of a load of S over the new iterators [row, jb, red, jj]: col becomes
 * nr*jb + jj, an iterator of extent 1 its value 0, a constant stays. */
static struct tcc_kexpr *remap_sub(struct tcc_ctx *ctx, const struct pack_match *pm,
				   const struct tcc_kexpr *e, int64_t nr)
{
	int it;

	if (!plain_iter(e, &it))
		return tcc_kexpr_int(ctx, e->u.i);
	if (it == pm->col)
		return split_col(ctx, nr, 1, 3);
	if (it == pm->row || it == pm->red)
		return tcc_kexpr_iter(ctx, it == pm->row ? 0 : 2);
	return tcc_kexpr_int(ctx, 0);
}

/* A load of S's rhs or target over the new iterators (subscripts plain iterators or
 * constants, see pack_match). */
static struct tcc_kexpr *remap_load(struct tcc_ctx *ctx, const struct pack_match *pm,
				    const struct tcc_kexpr *l, int64_t nr)
{
	struct tcc_kexpr *subs[16];

	if (l->nargs > 16)
		return NULL;
	for (int i = 0; i < l->nargs; i++)
		if (!(subs[i] = remap_sub(ctx, pm, l->args[i], nr)))
			return NULL;
	return tcc_kexpr_load(ctx, l->u.buf, l->nargs, subs);
}

/* Iterators of the new S: [row, jb, red, jj]. */
static tcc_stat add_iters(struct tcc_kernel *k, struct tcc_kstmt *t, const struct tcc_kstmt *s,
			  const struct pack_match *pm, int64_t nr)
{
	const char *c = s->iters[pm->col].name;
	struct tcc_arena *ar = k->ctx->arena;

	if (tcc_kstmt_add_iter(k, t, s->iters[pm->row].name, 0, pm->m) < 0 ||
	    tcc_kstmt_add_iter(k, t, tcc_arena_printf(ar, "%s_b", c), 0, pm->n / nr) < 0 ||
	    tcc_kstmt_add_iter(k, t, s->iters[pm->red].name, 0, pm->k) < 0 ||
	    tcc_kstmt_add_iter(k, t, tcc_arena_printf(ar, "%s_v", c), 0, nr) < 0)
		return -1;
	return 0;
}

/* P[k, jb, jj]: bp[jb, k, jj] = B[k, nr*jb + jj] (appended to k). The row k is outermost so
 * that P reads B row by row, contiguously (a prefetcher follows that; a panel's column strip,
 * one short run per row at a stride of N floats, it does not), and writes nr/W streams. */
static tcc_stat add_pack_stmt(struct tcc_kernel *k, const struct tcc_kstmt *s,
			      const struct pack_match *pm, struct tcc_kbuf *bp, int64_t nr)
{
	struct tcc_ctx *ctx = k->ctx;
	const struct tcc_kexpr *bl = s->rhs->args[pm->bl];
	struct tcc_kstmt *p = tcc_kernel_add_stmt(k, tcc_arena_printf(ctx->arena, "P%s", s->name));
	const char *c = s->iters[pm->col].name;
	struct tcc_kexpr *ts[3], *bs[2], *t, *r;

	if (!p || tcc_kstmt_add_iter(k, p, s->iters[pm->red].name, 0, pm->k) < 0 ||
	    tcc_kstmt_add_iter(k, p, tcc_arena_printf(ctx->arena, "%s_b", c), 0, pm->n / nr) < 0 ||
	    tcc_kstmt_add_iter(k, p, tcc_arena_printf(ctx->arena, "%s_v", c), 0, nr) < 0)
		return -1;
	ts[0] = tcc_kexpr_iter(ctx, 1);
	ts[1] = tcc_kexpr_iter(ctx, 0);
	ts[2] = tcc_kexpr_iter(ctx, 2);
	bs[0] = tcc_kexpr_iter(ctx, 0);
	bs[1] = split_col(ctx, nr, 1, 2);
	if (!ts[0] || !ts[1] || !ts[2] || !bs[0] || !bs[1])
		return -1;
	t = tcc_kexpr_load(ctx, bp, 3, ts);
	r = tcc_kexpr_load(ctx, bl->u.buf, 2, bs);
	if (!t || !r)
		return -1;
	tcc_kstmt_set_body(p, t, TCC_KUPD_ASSIGN, r);
	return 0;
}

/* The new S: C[i, nr*jb + jj] += A[i, k] * bp[jb, k, jj] (appended to k). */
static tcc_stat add_gemm_stmt(struct tcc_kernel *k, const struct tcc_kstmt *s,
			      const struct pack_match *pm, struct tcc_kbuf *bp, int64_t nr)
{
	struct tcc_ctx *ctx = k->ctx;
	struct tcc_kstmt *g = tcc_kernel_add_stmt(k, s->name);
	struct tcc_kexpr *ps[3], *ops[2], *t, *r;

	if (!g || add_iters(k, g, s, pm, nr) < 0)
		return -1;
	ps[0] = tcc_kexpr_iter(ctx, 1);
	ps[1] = tcc_kexpr_iter(ctx, 2);
	ps[2] = tcc_kexpr_iter(ctx, 3);
	if (!ps[0] || !ps[1] || !ps[2])
		return -1;
	ops[pm->bl] = tcc_kexpr_load(ctx, bp, 3, ps);
	ops[!pm->bl] = remap_load(ctx, pm, s->rhs->args[!pm->bl], nr);
	t = remap_load(ctx, pm, s->target, nr);
	if (!ops[0] || !ops[1] || !t)
		return -1;
	r = tcc_kexpr_op(ctx, TCC_KOP_MUL, ops[0], ops[1], NULL);
	if (!r)
		return -1;
	tcc_kstmt_set_body(g, t, TCC_KUPD_ADD, r);
	return 0;
}

/* The constant data of kernel buffer "kb" (f32, with data), or NULL. */
static const struct tcc_tensor_data *const_data(const struct tcc_program *prog, int ki, int kb)
{
	const struct tcc_pbuf *pb = prog->bufs[prog->kernels[ki].bind[kb]];

	if (pb->role != TCC_PBUF_CONST || !pb->data || pb->data->dtype != TCC_DT_FLOAT ||
	    !pb->data->data)
		return NULL;
	return pb->data;
}

/* A new constant program buffer "name" holding B [k][n] packed as [n/nr][k][nr]. */
static struct tcc_pbuf *packed_const(struct tcc_program *prog, const char *name,
				     const struct tcc_tensor_data *b, const int64_t *dims)
{
	struct tcc_tensor_data *t = tcc_tensor_new(prog->ctx, (struct tcc_loc){ .file = prog->name },
					      TCC_DT_FLOAT, 3, dims);
	struct tcc_pbuf *pb;
	const float *src = b->data;
	float *dst;

	if (!t || !name)
		return NULL;
	dst = t->data;
	for (int64_t jb = 0; jb < dims[0]; jb++)
		for (int64_t k = 0; k < dims[1]; k++)
			for (int64_t jj = 0; jj < dims[2]; jj++)
				dst[(jb * dims[1] + k) * dims[2] + jj] =
					src[k * dims[0] * dims[2] + jb * dims[2] + jj];
	pb = tcc_program_add_buf(prog, name, TCC_PBUF_CONST, TCC_DT_FLOAT, 3, dims);
	if (pb)
		pb->data = t;
	return pb;
}

static int loads_buf(const struct tcc_kexpr *e, const struct tcc_kbuf *b)
{
	if (e->op == TCC_KOP_LOAD && e->u.buf == b)
		return 1;
	for (int i = 0; i < e->nargs; i++)
		if (loads_buf(e->args[i], b))
			return 1;
	return 0;
}

/* Drop kernel buffer "b" of kernel "ki" when no statement uses it any more (the program
 * buffer goes too when no kernel binds it). */
static void drop_unused_kbuf(struct tcc_program *prog, int ki, struct tcc_kbuf *b)
{
	struct tcc_pkernel *pk = &prog->kernels[ki];
	struct tcc_kernel *k = pk->kernel;

	for (int i = 0; i < k->nstmts; i++)
		if (loads_buf(k->stmts[i]->rhs, b) || loads_buf(k->stmts[i]->target, b))
			return;
	for (int i = b->index; i + 1 < k->nbufs; i++) {
		k->bufs[i] = k->bufs[i + 1];
		k->bufs[i]->index = i;
		pk->bind[i] = pk->bind[i + 1];
	}
	k->nbufs--;
	tcc_program_remove_unused_bufs(prog);
}

/* Move the "nnew" statements appended last to position "si", replacing statement si. */
static void place_new(struct tcc_kernel *k, int si, int nnew)
{
	struct tcc_kstmt *t[2];
	int n = k->nstmts;

	for (int i = 0; i < nnew; i++)
		t[i] = k->stmts[n - nnew + i];
	memmove(k->stmts + si + nnew, k->stmts + si + 1,
		(size_t)(n - nnew - 1 - si) * sizeof(*k->stmts));
	for (int i = 0; i < nnew; i++)
		k->stmts[si + i] = t[i];
	k->nstmts = n - 1;
}

/* Give kernel "ki" a binding for its new last buffer (program buffer "pb"). */
static tcc_stat bind_last(struct tcc_program *prog, int ki, int pb)
{
	struct tcc_kernel *k = prog->kernels[ki].kernel;
	int *bind = malloc((size_t)k->nbufs * sizeof(*bind));
	tcc_stat st;

	if (!bind)
		return -1;
	memcpy(bind, prog->kernels[ki].bind, (size_t)(k->nbufs - 1) * sizeof(*bind));
	bind[k->nbufs - 1] = pb;
	st = tcc_program_set_kernel(prog, ki, k, bind);
	free(bind);
	return st;
}

/* Replace statement "si" of kernel "ki" by P and the new S; a constant B is packed now, at
 * compile time, into a new constant (no P). Returns the statements added before S. */
static int pack_stmt(struct tcc_program *prog, int ki, int si, const struct pack_match *pm,
		     int64_t nr)
{
	struct tcc_kernel *k = prog->kernels[ki].kernel;
	struct tcc_ctx *ctx = k->ctx;
	const struct tcc_kstmt *s = k->stmts[si];
	struct tcc_kbuf *b = s->rhs->args[pm->bl]->u.buf, *bp;
	const struct tcc_tensor_data *cd = const_data(prog, ki, b->index);
	int64_t dims[3] = { pm->n / nr, pm->k, nr };
	const char *bn = tcc_arena_printf(ctx->arena, "%s_pk%d", b->name, si);
	const char *pn = tcc_arena_printf(ctx->arena, "%s.%s", k->name, bn);

	if (!bn || !pn)
		return -1;
	if (cd ? !packed_const(prog, pn, cd, dims) :
		 !tcc_program_add_buf(prog, pn, TCC_PBUF_TEMP, TCC_DT_FLOAT, 3, dims))
		return -1;
	bp = tcc_kernel_add_buf(k, bn, cd ? TCC_KBUF_IN : TCC_KBUF_TEMP, TCC_DT_FLOAT, 3, dims);
	if (!bp || (!cd && add_pack_stmt(k, s, pm, bp, nr) < 0) ||
	    add_gemm_stmt(k, s, pm, bp, nr) < 0)
		return -1;
	place_new(k, si, cd ? 1 : 2);
	if (bind_last(prog, ki, prog->nbufs - 1) < 0)
		return -1;
	if (cd)
		drop_unused_kbuf(prog, ki, b);
	return tcc_kernel_verify(k) < 0 ? -1 : !cd;
}

/* A B operand that is not a constant is copied on every run; with fewer than "min_rows_copy"
 * rows the unpacked plan (B read in place, its block kept in L2) is faster. A constant is
 * packed at compile time: free. */
static int copy_pays(const struct tcc_program *prog, int ki, const struct tcc_kstmt *s,
		     const struct pack_match *pm, int64_t min_rows_copy)
{
	return pm->m >= min_rows_copy || const_data(prog, ki, s->rhs->args[pm->bl]->u.buf->index);
}

tcc_stat auto_pack_program(struct tcc_program *prog, int64_t nr, int64_t min_rows,
			   int64_t min_rows_copy, const char *only)
{
	for (int ki = 0; ki < prog->nkernels; ki++) {
		struct tcc_kernel *k = prog->kernels[ki].kernel;

		if (prog->kernels[ki].schedule || (only && *only && strcmp(only, k->name) != 0))
			continue; /* hand-scheduled kernels keep their statements */
		for (int si = 0; si < k->nstmts; si++) {
			struct pack_match pm;

			if (!pack_match(k->stmts[si], &pm) || pm.n == nr)
				continue; /* (one panel: B is already packed) */
			if (pm.n % nr || pm.m < min_rows || pm.k < 16) {
				tcc_diag_warning(k->ctx->diag, k->loc, "kernel '%s': schedule: %s not "
						 "packed (N %% %lld != 0, M < %lld or K < 16)",
						 k->name, k->stmts[si]->name, (long long)nr,
						 (long long)min_rows);
				continue;
			}
			if (!copy_pays(prog, ki, k->stmts[si], &pm, min_rows_copy))
				continue;
			int added = pack_stmt(prog, ki, si, &pm, nr);

			if (added < 0)
				return -1;
			si += added; /* past P */
		}
	}
	return 0;
}

/* ---- the "pack" pass (the same rewrite on its own, e.g. before hand schedules) ---- */

struct pack_options {
	int64_t nr, min_rows;
	const char *kernel;
};

static const struct tcc_pass_option pack_opts[] = {
	{ "nr", TCC_OPT_INT, offsetof(struct pack_options, nr), "0",
	  "panel width in floats (0: 4 host vectors, 64 with AVX-512)" },
	{ "min-rows", TCC_OPT_INT, offsetof(struct pack_options, min_rows), "16",
	  "fewest rows of A for which the copy pays" },
	{ "kernel", TCC_OPT_STRING, offsetof(struct pack_options, kernel), "",
	  "only this kernel (empty: all)" },
};

static tcc_stat pack_run(__tcc_keep struct tcc_model *m, const void *options)
{
	const struct pack_options *o = options;
	int64_t nr = o->nr > 0 ? o->nr : 4 * sched_vector_width(0);

	return auto_pack_program(m->program, nr, o->min_rows, o->min_rows, o->kernel);
}

const struct tcc_pass tcc_pass_pack = {
	.name = "pack",
	.summary = "copy B of 2-D MatMuls into contiguous column panels (constants at compile time)",
	.level = TCC_LEVEL_KERNEL,
	.options = pack_opts,
	.noptions = sizeof(pack_opts) / sizeof(pack_opts[0]),
	.options_size = sizeof(struct pack_options),
	.run = pack_run,
};
