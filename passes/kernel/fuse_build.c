/* Kernel assembly for the fuse pass: a new kernel is built from copies of the statements of
 * the kernels it replaces (the old ones stay untouched until the new one verifies), with
 * loads of a fused buffer replaced by its producer's expression (inlining) or redirected to
 * another buffer (epilogues). */
#include <stdio.h>
#include <string.h>

#include "passes/kernel/fuse_private.h"

tcc_stat fb_begin(struct fb *b, struct tcc_program *prog, const char *name, int cap)
{
	memset(b, 0, sizeof(*b));
	b->prog = prog;
	b->ctx = prog->ctx;
	b->k = tcc_kernel_new(b->ctx, name);
	b->bind = tcc_arena_calloc(b->ctx->arena, (size_t)(cap > 0 ? cap : 1), sizeof(int));
	b->cap = cap;
	if (!b->k || !b->bind)
		return tcc_ctx_oom(b->ctx, (struct tcc_loc){ .file = "<fuse>" });
	return 0;
}

/* The new kernel's buffer for program buffer "pb" (created as "name" with "role" when new; a
 * buffer that is written anywhere becomes an out). */
__tcc_keep __tcc_null struct tcc_kbuf *fb_buf(struct fb *b, int pb, const char *name,
					      enum tcc_kbuf_role role)
{
	const struct tcc_pbuf *p = b->prog->bufs[pb];
	struct tcc_kbuf *kb;
	const char *nm = name;

	for (int i = 0; i < b->k->nbufs; i++)
		if (b->bind[i] == pb) {
			if (role != TCC_KBUF_IN && b->k->bufs[i]->role == TCC_KBUF_IN)
				b->k->bufs[i]->role = role;
			return b->k->bufs[i];
		}
	if (b->k->nbufs >= b->cap) {
		b->err = 1;
		return NULL;
	}
	while (nm && tcc_kernel_find_buf(b->k, nm, strlen(nm)))
		nm = tcc_arena_printf(b->ctx->arena, "%s_", nm);
	kb = nm ? tcc_kernel_add_buf(b->k, nm, role, p->dtype, p->rank, p->dims) : NULL;
	if (!kb) {
		b->err = 1;
		return NULL;
	}
	b->bind[kb->index] = pb;
	return kb;
}

/* 1 when the dtype of "e" follows from its own operands (not from the context it sits in, as
 * for a bare literal or iterator value). */
static int self_typed(const struct tcc_kexpr *e)
{
	switch (e->op) {
	case TCC_KOP_LOAD: case TCC_KOP_CAST:
		return 1;
	case TCC_KOP_INT: case TCC_KOP_FLOAT: case TCC_KOP_ITER:
		return 0;
	case TCC_KOP_SELECT:
		return self_typed(e->args[1]) || self_typed(e->args[2]);
	case TCC_KOP_POW:
		return self_typed(e->args[0]);
	default:
		if (tcc_kop_is_cmp(e->op))
			return 1;
		for (int i = 0; i < e->nargs; i++)
			if (self_typed(e->args[i]))
				return 1;
		return 0;
	}
}

static struct tcc_kexpr *copy(struct fb *b, const struct fb_map *m, const struct tcc_kexpr *e);

/* The producer's value at the point "subs" (already copied): its rhs with its iterators
 * replaced by the subscripts, cast to "dtype" when its type came from its context. */
static struct tcc_kexpr *inline_load(struct fb *b, const struct fb_map *m,
				     struct tcc_kexpr **subs, int dtype)
{
	struct fb_map pm = { .map = m->inl_map, .iters = subs };
	struct tcc_kexpr *e = copy(b, &pm, m->inl_rhs);

	if (e && !self_typed(m->inl_rhs))
		e = tcc_kexpr_cast(b->ctx, dtype, e);
	return e;
}

static struct tcc_kexpr *copy_load(struct fb *b, const struct fb_map *m, const struct tcc_kexpr *e)
{
	struct tcc_kexpr *subs[16], **sp = subs, *r;
	struct tcc_kbuf *kb;

	if (e->nargs > 16 && !(sp = tcc_arena_calloc(b->ctx->arena, (size_t)e->nargs,
						     sizeof(*sp))))
		return NULL;
	for (int i = 0; i < e->nargs; i++) {
		if (!(sp[i] = copy(b, m, e->args[i])))
			return NULL;
		/* an inlined Reshape's flat index, reduced over the new statement's iterators */
		sp[i] = tcc_kexpr_simplify_subscript(b->ctx, b->k->stmts[b->k->nstmts - 1], sp[i]);
	}
	if (m->inl_rhs && e->u.buf->index == m->inl_buf)
		return inline_load(b, m, sp, e->dtype);
	kb = m->map ? m->map[e->u.buf->index] : e->u.buf;
	if (!kb)
		return NULL;
	r = tcc_kexpr_load(b->ctx, kb, e->nargs, sp);
	if (r)
		r->loc = e->loc;
	return r;
}

/* A deep copy of "e" under map "m" (NULL on out of memory or a buffer with no mapping). */
static struct tcc_kexpr *copy(struct fb *b, const struct fb_map *m, const struct tcc_kexpr *e)
{
	struct tcc_kexpr *r;

	if (e->op == TCC_KOP_LOAD)
		return copy_load(b, m, e);
	if (e->op == TCC_KOP_ITER && m->iters) {
		struct fb_map id = { 0 };

		return copy(b, &id, m->iters[e->u.iter]);
	}
	r = tcc_kexpr_alloc(b->ctx, e->op, e->nargs);
	if (!r)
		return NULL;
	r->u = e->u;
	r->dtype = e->dtype;
	r->loc = e->loc;
	for (int i = 0; i < e->nargs; i++)
		if (!(r->args[i] = copy(b, m, e->args[i])))
			return NULL;
	return r;
}

/* Append a copy of statement "s" (renamed S<n>) under map "m". */
tcc_stat fb_stmt(struct fb *b, const struct fb_map *m, const struct tcc_kstmt *s)
{
	char name[24];
	struct tcc_kstmt *n;
	struct tcc_kexpr *t, *rhs;

	snprintf(name, sizeof(name), "S%d", b->k->nstmts);
	if (b->err || !(n = tcc_kernel_add_stmt(b->k, name)))
		goto fail;
	n->loc = s->loc;
	for (int i = 0; i < s->niters; i++)
		if (tcc_kstmt_add_iter(b->k, n, s->iters[i].name, s->iters[i].lo,
				       s->iters[i].hi) < 0)
			goto fail;
	for (int i = 0; i < s->ncons; i++) {
		struct tcc_kexpr *c = copy(b, m, s->cons[i]);

		if (!c || tcc_kstmt_add_cons(b->k, n, c) < 0)
			goto fail;
	}
	t = copy(b, m, s->target);
	rhs = copy(b, m, s->rhs);
	if (!t || !rhs || t->op != TCC_KOP_LOAD)
		goto fail;
	tcc_kstmt_set_body(n, t, s->update, rhs);
	return 0;
fail:
	b->err = 1;
	return -1;
}

/* Verify the new kernel with diagnostics going to a scratch sink: a kernel that does not
 * verify is simply not used (the fusion is skipped). */
tcc_stat fb_end(struct fb *b)
{
	struct tcc_diag *saved = b->ctx->diag, *scratch;
	tcc_stat r;

	if (b->err)
		return -1;
	if (!(scratch = tcc_diag_new()))
		return -1;
	b->ctx->diag = scratch;
	r = tcc_kernel_verify(b->k);
	b->ctx->diag = saved;
	tcc_diag_free(scratch);
	return r;
}
