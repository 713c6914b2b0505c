/* Kernel IR: op tables, builders and small queries. */
#include "ir/kernel/kernel.h"

#include <string.h>

static const struct {
	const char *text;
	enum tcc_kop_class cls;
	int prec;
} kop_info[] = {
#define X(name, text, cls, prec) { text, TCC_KCLS_##cls, prec },
	TCC_KOP_LIST(X)
#undef X
};

_Static_assert(sizeof(kop_info) / sizeof(kop_info[0]) == TCC_KOP_COUNT, "kop table");
_Static_assert(TCC_KOP_COUNT == 52, "update docs/ir-kernel.md when adding ops");

const char *tcc_kop_name(enum tcc_kop op)
{
	return (unsigned)op < TCC_KOP_COUNT ? kop_info[op].text : "?";
}

enum tcc_kop_class tcc_kop_class(enum tcc_kop op)
{
	return (unsigned)op < TCC_KOP_COUNT ? kop_info[op].cls : TCC_KCLS_LEAF;
}

int tcc_kop_prec(enum tcc_kop op)
{
	return (unsigned)op < TCC_KOP_COUNT ? kop_info[op].prec : 0;
}

int tcc_kop_is_cmp(enum tcc_kop op)
{
	return op >= TCC_KOP_EQ && op <= TCC_KOP_GE;
}

const char *tcc_kbuf_role_name(enum tcc_kbuf_role role)
{
	switch (role) {
	case TCC_KBUF_IN: return "in";
	case TCC_KBUF_OUT: return "out";
	case TCC_KBUF_TEMP: return "temp";
	}
	return "?";
}

const char *tcc_kupdate_name(enum tcc_kupdate upd)
{
	switch (upd) {
	case TCC_KUPD_ASSIGN: return "=";
	case TCC_KUPD_ADD: return "+=";
	case TCC_KUPD_MUL: return "*=";
	case TCC_KUPD_MAX: return "max=";
	case TCC_KUPD_MIN: return "min=";
	}
	return "?";
}

static struct tcc_loc no_loc(void)
{
	return (struct tcc_loc){ .file = "<kernel>" };
}

/* Arena array growth, with the out-of-memory report. */
static tcc_stat grow(struct tcc_ctx *ctx, void **arr, int n, int *cap, size_t size)
{
	if (tcc_arena_grow(ctx->arena, arr, n, cap, size) < 0)
		return tcc_ctx_oom(ctx, no_loc());
	return 0;
}

__tcc_keep struct tcc_kernel *tcc_kernel_new(__tcc_keep struct tcc_ctx *ctx, const char *name)
{
	struct tcc_kernel *k = tcc_arena_alloc(ctx->arena, sizeof(*k));

	if (!k || !(k->name = tcc_arena_strdup(ctx->arena, name))) {
		tcc_ctx_oom(ctx, no_loc());
		return NULL;
	}
	k->ctx = ctx;
	k->loc = no_loc();
	return k;
}

__tcc_keep struct tcc_kbuf *tcc_kernel_add_buf(__tcc_keep struct tcc_kernel *k, const char *name,
					       enum tcc_kbuf_role role, int dtype, int32_t rank,
					       const int64_t *dims)
{
	struct tcc_ctx *ctx = k->ctx;
	struct tcc_kbuf *b;

	if (grow(ctx, (void **)&k->bufs, k->nbufs, &k->cap_bufs, sizeof(*k->bufs)) < 0)
		return NULL;
	b = tcc_arena_alloc(ctx->arena, sizeof(*b));
	if (!b || !(b->name = tcc_arena_strdup(ctx->arena, name)))
		goto oom;
	if (rank > 0 && !(b->dims = tcc_arena_memdup(ctx->arena, dims, rank * sizeof(*dims))))
		goto oom;
	b->role = role;
	b->dtype = dtype;
	b->rank = rank;
	b->index = k->nbufs;
	b->loc = no_loc();
	k->bufs[k->nbufs++] = b;
	return b;
oom:
	tcc_ctx_oom(ctx, no_loc());
	return NULL;
}

__tcc_keep __tcc_null struct tcc_kbuf *tcc_kernel_find_buf(__tcc_keep const struct tcc_kernel *k,
							   const char *name, size_t len)
{
	for (int i = 0; i < k->nbufs; i++)
		if (strlen(k->bufs[i]->name) == len && !memcmp(k->bufs[i]->name, name, len))
			return k->bufs[i];
	return NULL;
}

__tcc_keep struct tcc_kstmt *tcc_kernel_add_stmt(__tcc_keep struct tcc_kernel *k, const char *name)
{
	struct tcc_ctx *ctx = k->ctx;
	struct tcc_kstmt *s;

	if (grow(ctx, (void **)&k->stmts, k->nstmts, &k->cap_stmts, sizeof(*k->stmts)) < 0)
		return NULL;
	s = tcc_arena_alloc(ctx->arena, sizeof(*s));
	if (!s || !(s->name = tcc_arena_strdup(ctx->arena, name))) {
		tcc_ctx_oom(ctx, no_loc());
		return NULL;
	}
	s->loc = no_loc();
	k->stmts[k->nstmts++] = s;
	return s;
}

int tcc_kstmt_add_iter(__tcc_keep struct tcc_kernel *k, __tcc_keep struct tcc_kstmt *s,
		       const char *name, int64_t lo, int64_t hi)
{
	struct tcc_kiter *it;

	if (grow(k->ctx, (void **)&s->iters, s->niters, &s->cap_iters, sizeof(*s->iters)) < 0)
		return -1;
	it = &s->iters[s->niters];
	it->name = tcc_arena_strdup(k->ctx->arena, name);
	if (!it->name)
		return tcc_ctx_oom(k->ctx, no_loc());
	it->lo = lo;
	it->hi = hi;
	return s->niters++;
}

int tcc_kstmt_find_iter(__tcc_keep const struct tcc_kstmt *s, const char *name, size_t len)
{
	for (int i = 0; i < s->niters; i++)
		if (strlen(s->iters[i].name) == len && !memcmp(s->iters[i].name, name, len))
			return i;
	return -1;
}

tcc_stat tcc_kstmt_add_cons(__tcc_keep struct tcc_kernel *k, __tcc_keep struct tcc_kstmt *s,
			    __tcc_keep struct tcc_kexpr *cmp)
{
	if (grow(k->ctx, (void **)&s->cons, s->ncons, &s->cap_cons, sizeof(*s->cons)) < 0)
		return -1;
	s->cons[s->ncons++] = cmp;
	return 0;
}

void tcc_kstmt_set_body(__tcc_keep struct tcc_kstmt *s, __tcc_keep struct tcc_kexpr *target,
			enum tcc_kupdate update, __tcc_keep struct tcc_kexpr *rhs)
{
	s->target = target;
	s->update = update;
	s->rhs = rhs;
}

static int expr_uses_iter(const struct tcc_kexpr *e, int iter)
{
	if (e->op == TCC_KOP_ITER)
		return e->u.iter == iter;
	for (int i = 0; i < e->nargs; i++)
		if (expr_uses_iter(e->args[i], iter))
			return 1;
	return 0;
}

int tcc_kstmt_is_reduction_iter(__tcc_keep const struct tcc_kstmt *s, int iter)
{
	return !s->target || !expr_uses_iter(s->target, iter);
}

__tcc_keep struct tcc_kexpr *tcc_kexpr_alloc(__tcc_keep struct tcc_ctx *ctx, enum tcc_kop op,
					     int nargs)
{
	struct tcc_kexpr *e = tcc_arena_alloc(ctx->arena, sizeof(*e));

	if (e && nargs > 0)
		e->args = tcc_arena_calloc(ctx->arena, (size_t)nargs, sizeof(*e->args));
	if (!e || (nargs > 0 && !e->args)) {
		tcc_ctx_oom(ctx, no_loc());
		return NULL;
	}
	e->op = op;
	e->nargs = nargs;
	e->loc = no_loc();
	return e;
}

__tcc_keep struct tcc_kexpr *tcc_kexpr_int(__tcc_keep struct tcc_ctx *ctx, int64_t v)
{
	struct tcc_kexpr *e = tcc_kexpr_alloc(ctx, TCC_KOP_INT, 0);

	if (e)
		e->u.i = v;
	return e;
}

__tcc_keep struct tcc_kexpr *tcc_kexpr_float(__tcc_keep struct tcc_ctx *ctx, double v)
{
	struct tcc_kexpr *e = tcc_kexpr_alloc(ctx, TCC_KOP_FLOAT, 0);

	if (e)
		e->u.f = v;
	return e;
}

__tcc_keep struct tcc_kexpr *tcc_kexpr_iter(__tcc_keep struct tcc_ctx *ctx, int iter)
{
	struct tcc_kexpr *e = tcc_kexpr_alloc(ctx, TCC_KOP_ITER, 0);

	if (e)
		e->u.iter = iter;
	return e;
}

__tcc_keep struct tcc_kexpr *tcc_kexpr_load(__tcc_keep struct tcc_ctx *ctx,
					    __tcc_keep struct tcc_kbuf *buf, int nsubs,
					    __tcc_keep struct tcc_kexpr *const *subs)
{
	struct tcc_kexpr *e = tcc_kexpr_alloc(ctx, TCC_KOP_LOAD, nsubs);

	if (!e)
		return NULL;
	e->u.buf = buf;
	for (int i = 0; i < nsubs; i++)
		e->args[i] = subs[i];
	return e;
}

__tcc_keep struct tcc_kexpr *tcc_kexpr_op(__tcc_keep struct tcc_ctx *ctx, enum tcc_kop op,
					  __tcc_keep struct tcc_kexpr *a,
					  __tcc_keep __tcc_null struct tcc_kexpr *b,
					  __tcc_keep __tcc_null struct tcc_kexpr *c)
{
	int n = c ? 3 : b ? 2 : 1;
	struct tcc_kexpr *e;

	if (!a)
		return NULL;
	e = tcc_kexpr_alloc(ctx, op, n);
	if (!e)
		return NULL;
	e->args[0] = a;
	if (n > 1)
		e->args[1] = b;
	if (n > 2)
		e->args[2] = c;
	return e;
}

__tcc_keep struct tcc_kexpr *tcc_kexpr_cast(__tcc_keep struct tcc_ctx *ctx, int dtype,
					    __tcc_keep struct tcc_kexpr *a)
{
	struct tcc_kexpr *e = tcc_kexpr_op(ctx, TCC_KOP_CAST, a, NULL, NULL);

	if (e)
		e->u.cast_to = dtype;
	return e;
}

static int is_pos_int(const struct tcc_kexpr *e)
{
	return e->op == TCC_KOP_INT && e->u.i > 0;
}

int tcc_kexpr_is_affine(__tcc_keep const struct tcc_kexpr *e)
{
	switch (e->op) {
	case TCC_KOP_INT:
	case TCC_KOP_ITER:
		return 1;
	case TCC_KOP_NEG:
		return tcc_kexpr_is_affine(e->args[0]);
	case TCC_KOP_ADD:
	case TCC_KOP_SUB:
		return tcc_kexpr_is_affine(e->args[0]) && tcc_kexpr_is_affine(e->args[1]);
	case TCC_KOP_MUL:
		if (e->args[0]->op == TCC_KOP_INT)
			return tcc_kexpr_is_affine(e->args[1]);
		return e->args[1]->op == TCC_KOP_INT && tcc_kexpr_is_affine(e->args[0]);
	case TCC_KOP_DIV:
	case TCC_KOP_REM:
		return is_pos_int(e->args[1]) && tcc_kexpr_is_affine(e->args[0]);
	default:
		return 0;
	}
}
