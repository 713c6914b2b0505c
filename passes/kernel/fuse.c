/* fuse: merge the kernels of a lowered program so fused values need no buffer.
 *
 * Two rewrites, applied to a fixed point:
 *
 * - inline-elementwise: a kernel that is one `T[i0,..] = f(...)` statement over the whole
 *   of temporary T (no constraints) is substituted into every later kernel that reads T:
 *   each load T[e0,..] becomes f with i0 := e0, ... (its other inputs join the reader), and
 *   the producer and T go. When that would compute an element more than once (two readers,
 *   two loads, a broadcast or windowed read), f must be cheap (a few arithmetic ops, no
 *   transcendental, one input buffer besides small ones) and is never pushed into a reduction, unless f is a plain load (a
 *   Reshape, Transpose, Slice...: only the addressing moves).
 * - epilogues: when the only reader of temporary T (of any kernel K1: a Conv, a MatMul, a
 *   reduction, another fused kernel) is a one-statement elementwise kernel
 *   `O[i..] = g(T[i..], ...)` with O of T's shape and dtype, K1 writes O instead of T and
 *   gets `O[i..] = g(O[i..], ...)` as its last statement; K2 and T go.
 *
 * Both keep the order of every write and read of the other buffers: nothing between the
 * two kernels may write what the moved computation reads, a written buffer must have no
 * other writer, and a model output (which the signature needs) is never a fused value. The
 * fused kernel is named "K1+K2", built fresh and verified before it replaces the old ones;
 * afterwards unused buffers leave the program and memory is planned again.
 */
#include <stddef.h>
#include <stdlib.h>

#include "passes/kernel/fuse_private.h"
#include "passes/pass.h"

struct fuse_options {
	int64_t inline_elementwise;
	int64_t epilogues;
};

static const struct tcc_pass_option fuse_opts[] = {
	{ "inline-elementwise", TCC_OPT_BOOL, offsetof(struct fuse_options, inline_elementwise),
	  "1", "substitute one-statement elementwise kernels into the kernels that read them" },
	{ "epilogues", TCC_OPT_BOOL, offsetof(struct fuse_options, epilogues), "1",
	  "append an elementwise kernel to the kernel (Conv, MatMul, reduction) it reads" },
};

/* Most expression nodes an inlined value may have when it gets computed more than once. */
#define CHEAP_NODES 8

/* ---- shapes of statements and loads ---- */

/* `T[i0,..,in-1] = e` over the whole of T, without constraints. */
static int is_whole_assign(const struct tcc_kstmt *s)
{
	const struct tcc_kbuf *t = s->target->u.buf;

	if (s->update != TCC_KUPD_ASSIGN || s->ncons || s->niters != t->rank)
		return 0;
	for (int j = 0; j < t->rank; j++) {
		const struct tcc_kexpr *a = s->target->args[j];

		if (a->op != TCC_KOP_ITER || a->u.iter != j || s->iters[j].lo ||
		    s->iters[j].hi != t->dims[j])
			return 0;
	}
	return 1;
}

/* A load of T[i0,..] in a statement of is_whole_assign shape (a size-1 dim may read 0). */
static int is_identity_load(const struct tcc_kexpr *e)
{
	for (int j = 0; j < e->nargs; j++) {
		const struct tcc_kexpr *a = e->args[j];

		if (!(a->op == TCC_KOP_ITER && a->u.iter == j) &&
		    !(a->op == TCC_KOP_INT && !a->u.i && e->u.buf->dims[j] == 1))
			return 0;
	}
	return 1;
}

/* 1 when the load "e" in "s" reads each element of its buffer at most once over s's
 * domain: every subscript is a distinct iterator (or 0 in a size-1 dim) and every iterator
 * of s is used. */
static int is_injective_load(const struct tcc_kstmt *s, const struct tcc_kexpr *e)
{
	uint64_t seen = 0;
	int n = 0;

	if (s->niters > 64)
		return 0;
	for (int j = 0; j < e->nargs; j++) {
		const struct tcc_kexpr *a = e->args[j];

		if (a->op == TCC_KOP_INT && !a->u.i && e->u.buf->dims[j] == 1)
			continue;
		if (a->op != TCC_KOP_ITER || (seen >> a->u.iter & 1))
			return 0;
		seen |= 1ull << a->u.iter;
	}
	for (int i = 0; i < s->niters; i++)
		n += (seen >> i & 1) || s->iters[i].hi - s->iters[i].lo <= 1;
	return n == s->niters;
}

/* Loads of kernel buffer "kb" in "e": counted into *n; *dup set when one of them reads an
 * element more than once, *bad when one of them is not an identity load. */
static void scan_loads(const struct tcc_kstmt *s, const struct tcc_kexpr *e, int kb, int *n,
		       int *dup, int *bad)
{
	if (e->op == TCC_KOP_LOAD && e->u.buf->index == kb) {
		(*n)++;
		*dup |= !is_injective_load(s, e);
		*bad |= !is_identity_load(e);
	}
	for (int i = 0; i < e->nargs; i++)
		scan_loads(s, e->args[i], kb, n, dup, bad);
}

static int has_reduction(const struct tcc_kstmt *s)
{
	for (int i = 0; i < s->niters; i++)
		if (tcc_kstmt_is_reduction_iter(s, i))
			return 1;
	return 0;
}

/* Few nodes (a load counts as one), all cheap arithmetic: worth recomputing rather than
 * storing. */
static int is_cheap(const struct tcc_kexpr *e, int *budget)
{
	if (--*budget < 0)
		return 0;
	if (e->op == TCC_KOP_LOAD)
		return 1;
	switch (e->op) {
	case TCC_KOP_INT: case TCC_KOP_FLOAT: case TCC_KOP_ITER: case TCC_KOP_NEG: case TCC_KOP_ABS: case TCC_KOP_RELU: case TCC_KOP_NOT:
	case TCC_KOP_ADD: case TCC_KOP_SUB: case TCC_KOP_MUL: case TCC_KOP_MIN:
	case TCC_KOP_MAX: case TCC_KOP_AND: case TCC_KOP_OR: case TCC_KOP_XOR:
	case TCC_KOP_SELECT: case TCC_KOP_CAST:
		break;
	default:
		if (!tcc_kop_is_cmp(e->op))
			return 0;
	}
	for (int i = 0; i < e->nargs; i++)
		if (!is_cheap(e->args[i], budget))
			return 0;
	return 1;
}

static int uses_iter(const struct tcc_kexpr *e, int it)
{
	if (e->op == TCC_KOP_ITER)
		return e->u.iter == it;
	for (int i = 0; i < e->nargs; i++)
		if (uses_iter(e->args[i], it))
			return 1;
	return 0;
}

/* 1 when "e" is iterator "it" plus terms without it (coefficient 1: stride 1 along it). */
static int unit_in(const struct tcc_kexpr *e, int it)
{
	if (e->op == TCC_KOP_ITER)
		return e->u.iter == it;
	if (e->op == TCC_KOP_ADD)
		return (unit_in(e->args[0], it) && !uses_iter(e->args[1], it)) ||
		       (unit_in(e->args[1], it) && !uses_iter(e->args[0], it));
	return 0;
}

/* A plain-load producer T[.., i] = X[..] that reads X across its rows along T's last dim i
 * (a Transpose of the innermost dim): inlined into a reduction, it turns a contiguous
 * GEMM operand into a strided one that the GEMM plan cannot vector-load, so T is kept. */
static int transposes_last(struct tcc_ctx *ctx, const struct tcc_kstmt *ps)
{
	const struct tcc_kexpr *l = ps->rhs;

	if (l->op != TCC_KOP_LOAD || l->nargs == 0 || ps->niters == 0)
		return 0;
	return !unit_in(tcc_kexpr_simplify_subscript(ctx, ps, l->args[l->nargs - 1]),
			ps->niters - 1);
}

/* Buffers this small (Clip's bounds, a bias row) stay in L1: re-reading them is free. */
#define SMALL_BUF_ELEMS 4096

/* 1 when "e" loads two large buffers: another one than "kb" (kb -1: the first large one
 * seen; it is set). */
static int loads_two_bufs(const struct tcc_kexpr *e, int *kb)
{
	if (e->op == TCC_KOP_LOAD &&
	    tcc_shape_numel(e->u.buf->rank, e->u.buf->dims) > SMALL_BUF_ELEMS) {
		if (*kb >= 0 && e->u.buf->index != *kb)
			return 1;
		*kb = e->u.buf->index;
	}
	for (int i = 0; i < e->nargs; i++)
		if (loads_two_bufs(e->args[i], kb))
			return 1;
	return 0;
}

/* A `+=` of the product of two loads: a GEMM-class reduction (its operands want contiguous
 * rows). */
static int is_product_reduction(const struct tcc_kstmt *s)
{
	return s->update == TCC_KUPD_ADD && s->rhs->op == TCC_KOP_MUL &&
	       s->rhs->args[0]->op == TCC_KOP_LOAD && s->rhs->args[1]->op == TCC_KOP_LOAD &&
	       has_reduction(s);
}

/* The index of the kernel buffer of "pk" bound to program buffer "pb" (-1: none, -2: more
 * than one). */
static int kbuf_of(const struct tcc_pkernel *pk, int pb)
{
	int r = -1;

	for (int i = 0; i < pk->kernel->nbufs; i++)
		if (pk->bind[i] == pb)
			r = r == -1 ? i : -2;
	return r;
}

/* 1 when no kernel in [from, to] other than "except" does "acc" (TCC_PACC_*) on "pb". */
static int untouched(const struct tcc_program *prog, int pb, int from, int to, int except,
		     int acc)
{
	for (int k = from < 0 ? 0 : from; k <= to && k < prog->nkernels; k++)
		if (k != except && (tcc_pkernel_access(&prog->kernels[k], pb) & acc))
			return 0;
	return 1;
}

/* 1 when program buffers read by kernel "k" (except "skip") are written by no kernel in
 * [from, to] other than "except". */
static int inputs_stable(const struct tcc_program *prog, int k, int skip, int from, int to,
			 int except)
{
	const struct tcc_pkernel *pk = &prog->kernels[k];

	for (int i = 0; i < pk->kernel->nbufs; i++) {
		int pb = pk->bind[i];

		if (pb != skip && (tcc_pkernel_access(pk, pb) & TCC_PACC_READ) &&
		    !untouched(prog, pb, from, to, except, TCC_PACC_WRITE))
			return 0;
	}
	return 1;
}

static const char *fused_name(struct tcc_ctx *ctx, const struct tcc_kernel *a,
			      const struct tcc_kernel *b)
{
	return tcc_arena_printf(ctx->arena, "%s__%s", a->name, b->name);
}

/* ---- inlining ---- */

static int refs_kbuf(const struct tcc_kexpr *e, int kb)
{
	if (e->op == TCC_KOP_LOAD && e->u.buf->index == kb)
		return 1;
	for (int i = 0; i < e->nargs; i++)
		if (refs_kbuf(e->args[i], kb))
			return 1;
	return 0;
}

/* The reader "r" with producer "p" (statement ps writing program buffer pt) substituted. */
static struct tcc_kernel *inline_into(struct tcc_program *prog, int p, int r, int pt,
				      int **bind)
{
	const struct tcc_pkernel *pp = &prog->kernels[p], *pr = &prog->kernels[r];
	const struct tcc_kstmt *ps = pp->kernel->stmts[0];
	int nb = pp->kernel->nbufs + pr->kernel->nbufs, tr = kbuf_of(pr, pt);
	struct tcc_kbuf **map = tcc_arena_calloc(prog->ctx->arena, (size_t)nb, sizeof(*map));
	struct fb_map m = { .map = map, .inl_buf = tr, .inl_rhs = ps->rhs, .inl_map = map +
			    pr->kernel->nbufs };
	struct fb b;

	if (tr < 0 || !map || fb_begin(&b, prog, fused_name(prog->ctx, pp->kernel, pr->kernel),
					nb) < 0)
		return NULL;
	b.k->loc = pr->kernel->loc;
	for (int i = 0; i < pr->kernel->nbufs; i++) {
		const struct tcc_kbuf *kb = pr->kernel->bufs[i];

		for (int j = 0; i == tr && j < pp->kernel->nbufs; j++)
			if (refs_kbuf(ps->rhs, j))
				m.inl_map[j] = fb_buf(&b, pp->bind[j], pp->kernel->bufs[j]->name,
						      TCC_KBUF_IN);
		if (i != tr)
			map[i] = fb_buf(&b, pr->bind[i], kb->name, kb->role);
	}
	for (int j = 0; j < pr->kernel->nstmts; j++)
		fb_stmt(&b, &m, pr->kernel->stmts[j]);
	if (fb_end(&b) < 0)
		return NULL;
	*bind = b.bind;
	return b.k;
}

/* Readers of pt (all after p) into rd; 0 when the inlining is not allowed. */
static int inline_readers(const struct tcc_program *prog, int p, int pt, int *rd, int *nrd)
{
	const struct tcc_kstmt *ps = prog->kernels[p].kernel->stmts[0];
	int sites = 0, dup = 0, red = 0, reads_in_gemm = 0, budget = CHEAP_NODES, first = -1;

	*nrd = 0;
	for (int k = 0; k < prog->nkernels; k++) {
		int acc = k == p ? 0 : tcc_pkernel_access(&prog->kernels[k], pt);
		const struct tcc_pkernel *pk = &prog->kernels[k];
		int kb = kbuf_of(pk, pt), bad = 0;

		if (!acc)
			continue;
		if ((acc & TCC_PACC_WRITE) || k < p || kb < 0 || pk->schedule)
			return 0;
		rd[(*nrd)++] = k;
		for (int j = 0; j < pk->kernel->nstmts; j++) {
			int n = 0, d = 0;

			scan_loads(pk->kernel->stmts[j], pk->kernel->stmts[j]->rhs, kb, &n, &d,
				   &bad);
			if (n && (d || n > 1))
				red |= has_reduction(pk->kernel->stmts[j]);
			if (n && is_product_reduction(pk->kernel->stmts[j]))
				reads_in_gemm = 1;
			sites += n;
			dup |= d;
		}
	}
	if (reads_in_gemm && transposes_last(prog->ctx, ps))
		return 0;
	/* recomputing f at several sites re-reads all its inputs there: only for f of one
	 * input (a chain of residual Adds would otherwise be recomputed block after block) */
	if (!*nrd || ((sites > 1 || dup) && ps->rhs->op != TCC_KOP_LOAD &&
		      (red || !is_cheap(ps->rhs, &budget) || loads_two_bufs(ps->rhs, &first))))
		return 0;
	return inputs_stable(prog, p, pt, p + 1, rd[*nrd - 1], -1);
}

static int try_inline(struct tcc_program *prog, int p)
{
	const struct tcc_pkernel *pp = &prog->kernels[p];
	const struct tcc_kstmt *ps;
	int pt, nrd, ok = 1, *rd, **binds;
	struct tcc_kernel **ks;

	if (pp->kernel->nstmts != 1 || pp->schedule)
		return 0;
	ps = pp->kernel->stmts[0];
	if (!is_whole_assign(ps))
		return 0;
	pt = pp->bind[ps->target->u.buf->index];
	if (prog->bufs[pt]->role != TCC_PBUF_TEMP || refs_kbuf(ps->rhs, ps->target->u.buf->index))
		return 0;
	rd = calloc((size_t)prog->nkernels, sizeof(*rd));
	ks = calloc((size_t)prog->nkernels, sizeof(*ks));
	binds = calloc((size_t)prog->nkernels, sizeof(*binds));
	ok = rd && ks && binds && inline_readers(prog, p, pt, rd, &nrd);
	for (int i = 0; ok && i < nrd; i++)
		ok = (ks[i] = inline_into(prog, p, rd[i], pt, &binds[i])) != NULL;
	for (int i = 0; ok && i < nrd; i++)
		ok = tcc_program_set_kernel(prog, rd[i], ks[i], binds[i]) == 0;
	if (ok)
		tcc_program_remove_kernel(prog, p);
	free(rd), free(ks), free(binds);
	return ok;
}

/* ---- epilogues ---- */

/* Kernel "k1" with the elementwise kernel "k2" (reading t, which k1 writes) appended. */
static struct tcc_kernel *append_epilogue(struct tcc_program *prog, int k1, int k2, int pt,
					  int **bind)
{
	const struct tcc_pkernel *p1 = &prog->kernels[k1], *p2 = &prog->kernels[k2];
	const struct tcc_kstmt *s2 = p2->kernel->stmts[0];
	const struct tcc_kbuf *o = s2->target->u.buf;
	int n1 = p1->kernel->nbufs, nb = n1 + p2->kernel->nbufs, po = p2->bind[o->index];
	struct tcc_kbuf **map = tcc_arena_calloc(prog->ctx->arena, (size_t)nb, sizeof(*map));
	struct fb_map m1 = { .map = map, .inl_buf = -1 }, m2 = { .map = map + n1, .inl_buf = -1 };
	struct fb b;

	if (!map || fb_begin(&b, prog, fused_name(prog->ctx, p1->kernel, p2->kernel), nb) < 0)
		return NULL;
	b.k->loc = p1->kernel->loc;
	for (int i = 0; i < n1; i++)
		if (p1->kernel->bufs[i]->role == TCC_KBUF_IN)
			map[i] = fb_buf(&b, p1->bind[i], p1->kernel->bufs[i]->name, TCC_KBUF_IN);
	for (int i = 0; i < p2->kernel->nbufs; i++)
		if (p2->bind[i] != pt && i != o->index)
			m2.map[i] = fb_buf(&b, p2->bind[i], p2->kernel->bufs[i]->name,
					   p2->kernel->bufs[i]->role);
	for (int i = 0; i < n1; i++)
		if (p1->kernel->bufs[i]->role != TCC_KBUF_IN)
			map[i] = p1->bind[i] == pt ? fb_buf(&b, po, o->name, TCC_KBUF_OUT) :
				 fb_buf(&b, p1->bind[i], p1->kernel->bufs[i]->name,
					p1->kernel->bufs[i]->role);
	m2.map[o->index] = fb_buf(&b, po, o->name, TCC_KBUF_OUT);
	m2.map[kbuf_of(p2, pt)] = m2.map[o->index];
	for (int j = 0; j < p1->kernel->nstmts; j++)
		fb_stmt(&b, &m1, p1->kernel->stmts[j]);
	fb_stmt(&b, &m2, s2);
	if (fb_end(&b) < 0)
		return NULL;
	*bind = b.bind;
	return b.k;
}

/* The kernel that is the only reader of "pt" (written by k1 only), when it can become an
 * epilogue of k1; -1 otherwise. */
static int epilogue_reader(const struct tcc_program *prog, int k1, int pt)
{
	const struct tcc_pbuf *t = prog->bufs[pt], *o;
	const struct tcc_kstmt *s;
	int k2 = -1, kt, po, n = 0, dup = 0, bad = 0;

	for (int k = 0; k < prog->nkernels; k++) {
		int acc = k == k1 ? 0 : tcc_pkernel_access(&prog->kernels[k], pt);

		if ((acc & TCC_PACC_WRITE) || (acc && k2 >= 0))
			return -1;
		if (acc)
			k2 = k;
	}
	if (k2 < k1 || prog->kernels[k2].schedule || prog->kernels[k2].kernel->nstmts != 1 ||
	    (kt = kbuf_of(&prog->kernels[k2], pt)) < 0)
		return -1;
	s = prog->kernels[k2].kernel->stmts[0];
	po = prog->kernels[k2].bind[s->target->u.buf->index];
	o = prog->bufs[po];
	if (!is_whole_assign(s) || po == pt || o->dtype != t->dtype || o->rank != t->rank ||
	    refs_kbuf(s->rhs, s->target->u.buf->index) || kbuf_of(&prog->kernels[k2], po) < 0)
		return -1;
	for (int d = 0; d < t->rank; d++)
		if (o->dims[d] != t->dims[d])
			return -1;
	scan_loads(s, s->rhs, kt, &n, &dup, &bad);
	if (bad || !untouched(prog, po, k1, k2 - 1, -1, TCC_PACC_READ | TCC_PACC_WRITE) ||
	    !inputs_stable(prog, k2, pt, k1 + 1, k2 - 1, -1))
		return -1;
	return k2;
}

static int try_epilogue(struct tcc_program *prog, int k1)
{
	const struct tcc_pkernel *p1 = &prog->kernels[k1];
	struct tcc_kernel *k;
	int *bind;

	if (p1->schedule)
		return 0;
	for (int i = 0; i < p1->kernel->nbufs; i++) {
		int pt = p1->bind[i], k2;

		if (prog->bufs[pt]->role != TCC_PBUF_TEMP ||
		    !(tcc_pkernel_access(p1, pt) & TCC_PACC_WRITE) ||
		    (k2 = epilogue_reader(prog, k1, pt)) < 0)
			continue;
		if (!(k = append_epilogue(prog, k1, k2, pt, &bind)) ||
		    tcc_program_set_kernel(prog, k1, k, bind) < 0)
			continue;
		tcc_program_remove_kernel(prog, k2);
		return 1;
	}
	return 0;
}

/* ---- the pass ---- */

/* One sweep of "rewrite" over the kernels; 1 when anything changed. A rewrite that fused
 * kernel k leaves the result (or the next kernel) at k, which is tried again. */
static int sweep(struct tcc_program *prog, int (*rewrite)(struct tcc_program *, int))
{
	int changed = 0;

	for (int k = 0; k < prog->nkernels;) {
		if (rewrite(prog, k)) {
			changed = 1;
			continue;
		}
		k++;
	}
	return changed;
}

/* Inlining first, so an elementwise chain becomes one statement before it is appended to
 * its producer as one epilogue; epilogues can leave a value with a single reader, so both
 * repeat to a fixed point. */
static tcc_stat fuse_run(__tcc_keep struct tcc_model *m, const void *options)
{
	const struct fuse_options *o = options;
	struct tcc_program *prog = m->program;
	int changed = 1;

	while (changed) {
		changed = 0;
		if (o->inline_elementwise)
			changed |= sweep(prog, try_inline);
		if (o->epilogues)
			changed |= sweep(prog, try_epilogue);
	}
	if (tcc_program_remove_unused_bufs(prog) < 0)
		return -1;
	return tcc_program_plan_memory(prog);
}

const struct tcc_pass tcc_pass_fuse = {
	.name = "fuse",
	.summary = "merge kernels: elementwise chains and epilogues into their producer",
	.level = TCC_LEVEL_KERNEL,
	.options = fuse_opts,
	.noptions = sizeof(fuse_opts) / sizeof(fuse_opts[0]),
	.options_size = sizeof(struct fuse_options),
	.run = fuse_run,
};
