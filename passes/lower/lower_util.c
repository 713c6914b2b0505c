/* Lowering helpers: value shapes and constants, the per-node kernel builder, expressions. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "passes/lower/lower_private.h"

tcc_stat lower_shape(const struct tcc_value *v, int32_t *rank, const int64_t **dims)
{
	static const int64_t none[1];
	int64_t *d;

	if (!v || v->type.kind != TCC_TYPE_TENSOR || !tcc_type_is_static(&v->type))
		return -1;
	*rank = v->type.rank;
	if (v->type.rank > LK_MAXR)
		return -1;
	if (!v->type.rank) {
		*dims = none;
		return 0;
	}
	d = tcc_arena_calloc(v->graph->ctx->arena, (size_t)v->type.rank, sizeof(*d));
	if (!d)
		return -1;
	for (int i = 0; i < v->type.rank; i++)
		d[i] = v->type.dims[i].value;
	*dims = d;
	return 0;
}

int lower_dtype(const struct tcc_value *v)
{
	return v && v->type.kind == TCC_TYPE_TENSOR ? v->type.elem : TCC_DT_UNDEFINED;
}

int lower_dtype_is_f8(int dt)
{
	return dt == TCC_DT_FLOAT8E4M3FN || dt == TCC_DT_FLOAT8E4M3FNUZ ||
	       dt == TCC_DT_FLOAT8E5M2 || dt == TCC_DT_FLOAT8E5M2FNUZ || dt == TCC_DT_FLOAT8E8M0;
}

int lower_dtype_is_subbyte(int dt)
{
	return dt == TCC_DT_INT4 || dt == TCC_DT_UINT4 || dt == TCC_DT_INT2 ||
	       dt == TCC_DT_UINT2 || dt == TCC_DT_FLOAT4E2M1;
}

const struct tcc_tensor_data *lower_const(const struct tcc_value *v)
{
	if (!v || (v->is_input && !v->init))
		return NULL;
	return tcc_value_const(v);
}

const int64_t *lower_const_ints(struct lower *L, const struct tcc_node *n, int i, int64_t *cnt)
{
	struct tcc_value *v = tcc_node_input(n, i);
	const struct tcc_tensor_data *t = lower_const(v);
	int64_t *out;

	*cnt = v ? -1 : -2;
	if (!t || !tcc_dtype_is_int(t->dtype) || t->rank > 1)
		return NULL;
	out = tcc_arena_calloc(n->graph->ctx->arena, (size_t)t->numel + 1, sizeof(*out));
	if (!out)
		return NULL;
	for (int64_t j = 0; j < t->numel; j++)
		out[j] = tcc_tensor_get_i64(t, j);
	*cnt = t->numel;
	(void)L;
	return out;
}

int lower_axis(int64_t axis, int32_t rank)
{
	if (axis < 0)
		axis += rank;
	return axis < 0 || axis >= (rank ? rank : 1) ? -1 : (int)axis;
}

tcc_stat lower_unsupported(struct lower *L, const struct tcc_node *n, const char *why)
{
	tcc_diag_error(L->ctx->diag, tcc_node_loc(n), "unsupported op '%s': %s", n->op_type, why);
	return -1;
}

/* ---- kernel builder ---- */

static void sanitize(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			*s = '_';
}

tcc_stat lk_begin(struct lk *lk, struct lower *L, struct tcc_node *n, const char *suffix)
{
	const char *base = n->name && n->name[0] ? n->name :
			   n->noutputs && n->outputs[0] ? n->outputs[0]->name : "node";
	char *name = tcc_arena_printf(L->ctx->arena, "%s_%s%s%s", base, n->op_type,
				      suffix ? "_" : "", suffix ? suffix : "");

	memset(lk, 0, sizeof(*lk));
	lk->L = L;
	lk->n = n;
	if (!name)
		return tcc_ctx_oom(L->ctx, tcc_node_loc(n));
	sanitize(name);
	if (name[0] >= '0' && name[0] <= '9')
		name[0] = '_';
	lk->k = tcc_kernel_new(L->ctx, name);
	if (!lk->k)
		return -1;
	lk->k->loc = tcc_node_loc(n);
	return 0;
}

static struct tcc_kbuf *add_kbuf(struct lk *lk, struct tcc_value *v, const char *name,
				 enum tcc_kbuf_role role, int pb)
{
	struct tcc_pbuf *p = lk->L->prog->bufs[pb];
	struct tcc_kbuf *b;
	char *nm;

	if (lk->k->nbufs >= lk->cap) {
		int ncap = lk->cap ? 2 * lk->cap : 8;
		int *nb = tcc_arena_calloc(lk->L->ctx->arena, (size_t)ncap, sizeof(*nb));
		struct tcc_value **nv = tcc_arena_calloc(lk->L->ctx->arena, (size_t)ncap,
							 sizeof(*nv));

		if (!nb || !nv)
			goto oom;
		if (lk->cap) {
			memcpy(nb, lk->bind, (size_t)lk->cap * sizeof(*nb));
			memcpy(nv, lk->vals, (size_t)lk->cap * sizeof(*nv));
		}
		lk->bind = nb;
		lk->vals = nv;
		lk->cap = ncap;
	}
	nm = tcc_arena_printf(lk->L->ctx->arena, "%s%s", (name[0] >= '0' && name[0] <= '9') ||
			      !name[0] ? "v" : "", name);
	if (!nm)
		goto oom;
	sanitize(nm);
	while (tcc_kernel_find_buf(lk->k, nm, strlen(nm)))
		if (!(nm = tcc_arena_printf(lk->L->ctx->arena, "%s_", nm)))
			goto oom;
	b = tcc_kernel_add_buf(lk->k, nm, role, p->dtype, p->rank, p->dims);
	if (!b)
		goto oom;
	b->loc = tcc_node_loc(lk->n);
	lk->bind[b->index] = pb;
	lk->vals[b->index] = v;
	return b;
oom:
	lk->err = 1;
	tcc_ctx_oom(lk->L->ctx, tcc_node_loc(lk->n));
	return NULL;
}

struct tcc_kbuf *lk_in(struct lk *lk, struct tcc_value *v)
{
	int pb;

	if (!v || lk->err)
		return NULL;
	for (int i = 0; i < lk->k->nbufs; i++)
		if (lk->vals[i] == v)
			return lk->k->bufs[i];
	pb = lower_buf_of(lk->L, v);
	if (pb < 0) {
		lk->err = 1;
		tcc_diag_error(lk->L->ctx->diag, tcc_node_loc(lk->n),
			       "internal error: value '%s' has no buffer", v->name);
		return NULL;
	}
	return add_kbuf(lk, v, v->name, TCC_KBUF_IN, pb);
}

struct tcc_kbuf *lk_out(struct lk *lk, struct tcc_value *v)
{
	int pb;

	if (!v || lk->err)
		return NULL;
	pb = lower_buf_of(lk->L, v);
	if (pb < 0)
		pb = lower_new_temp(lk->L, v);
	if (pb < 0) {
		lk->err = 1;
		return NULL;
	}
	for (int i = 0; i < lk->k->nbufs; i++)
		if (lk->vals[i] == v) {
			lk->k->bufs[i]->role = TCC_KBUF_OUT;
			return lk->k->bufs[i];
		}
	return add_kbuf(lk, v, v->name, TCC_KBUF_OUT, pb);
}

struct tcc_kbuf *lk_temp(struct lk *lk, const char *name, int dtype, int32_t rank,
			 const int64_t *dims)
{
	struct tcc_pbuf *p;
	const char *pn;

	if (lk->err)
		return NULL;
	pn = tcc_arena_printf(lk->L->ctx->arena, "%s.%s", lk->k->name, name);
	p = pn ? tcc_program_add_buf(lk->L->prog, pn, TCC_PBUF_TEMP, dtype, rank, dims) : NULL;
	if (!p) {
		lk->err = 1;
		return NULL;
	}
	return add_kbuf(lk, NULL, name, TCC_KBUF_TEMP, lk->L->prog->nbufs - 1);
}

struct tcc_kstmt *lk_stmt(struct lk *lk, int32_t rank, const int64_t *dims)
{
	char name[16];
	struct tcc_kstmt *s;

	if (lk->err)
		return NULL;
	snprintf(name, sizeof(name), "S%d", lk->nst++);
	s = tcc_kernel_add_stmt(lk->k, name);
	if (!s) {
		lk->err = 1;
		return NULL;
	}
	s->loc = tcc_node_loc(lk->n);
	for (int i = 0; dims && i < rank; i++) {
		snprintf(name, sizeof(name), "i%d", i);
		if (lk_iter(lk, s, name, dims[i]) < 0)
			return NULL;
	}
	return s;
}

int lk_iter(struct lk *lk, struct tcc_kstmt *s, const char *name, int64_t hi)
{
	int r;

	if (!s || lk->err)
		return -1;
	r = tcc_kstmt_add_iter(lk->k, s, name, 0, hi);
	if (r < 0)
		lk->err = 1;
	return r;
}

void lk_cons(struct lk *lk, struct tcc_kstmt *s, enum tcc_kop op, kexpr *a, kexpr *b)
{
	kexpr *c = ke2(lk, op, a, b);

	if (!s || !c || tcc_kstmt_add_cons(lk->k, s, c) < 0)
		lk->err = 1;
}

void lk_body(struct lk *lk, struct tcc_kstmt *s, struct tcc_kbuf *buf, kexpr **subs,
	     enum tcc_kupdate upd, kexpr *rhs)
{
	kexpr *t = ke_load(lk, buf, subs);

	if (!s || !t || !rhs) {
		lk->err = 1;
		return;
	}
	tcc_kstmt_set_body(s, t, upd, rhs);
}

int lower_add_kernel(struct lower *L, struct tcc_kernel *k, const int *bind, struct tcc_node *n);

tcc_stat lk_end(struct lk *lk)
{
	struct lower *L = lk->L;

	if (lk->err) {
		if (!tcc_diag_error_count(L->ctx->diag))
			tcc_ctx_oom(L->ctx, tcc_node_loc(lk->n));
		return -1;
	}
	if (tcc_kernel_verify(lk->k) < 0) {
		tcc_diag_error(L->ctx->diag, tcc_node_loc(lk->n),
			       "internal error: the kernel lowered from %s does not verify",
			       lk->n->op_type);
		return -1;
	}
	return lower_add_kernel(L, lk->k, lk->bind, lk->n);
}

/* ---- expressions ---- */

static kexpr *located(struct lk *lk, kexpr *e)
{
	if (!e)
		lk->err = 1;
	else
		e->loc = tcc_node_loc(lk->n);
	return e;
}

kexpr *ke_it(struct lk *lk, int iter)
{
	return iter < 0 ? (lk->err = 1, NULL) : located(lk, tcc_kexpr_iter(lk->L->ctx, iter));
}

kexpr *ke_int(struct lk *lk, int64_t v)
{
	return located(lk, tcc_kexpr_int(lk->L->ctx, v));
}

kexpr *ke_lit(struct lk *lk, int dtype, double v)
{
	if (tcc_dtype_is_float(dtype))
		return located(lk, tcc_kexpr_float(lk->L->ctx, v));
	if (dtype == TCC_DT_BOOL)
		return ke_int(lk, v != 0);
	return ke_int(lk, (int64_t)v);
}

kexpr *ke_load(struct lk *lk, struct tcc_kbuf *b, kexpr **subs)
{
	if (!b)
		return lk->err = 1, NULL;
	for (int i = 0; i < b->rank; i++)
		if (!subs[i])
			return lk->err = 1, NULL;
	return located(lk, tcc_kexpr_load(lk->L->ctx, b, b->rank, subs));
}

kexpr *ke1(struct lk *lk, enum tcc_kop op, kexpr *a)
{
	return a ? located(lk, tcc_kexpr_op(lk->L->ctx, op, a, NULL, NULL)) : NULL;
}

kexpr *ke2(struct lk *lk, enum tcc_kop op, kexpr *a, kexpr *b)
{
	return a && b ? located(lk, tcc_kexpr_op(lk->L->ctx, op, a, b, NULL)) : NULL;
}

kexpr *ke_sel(struct lk *lk, kexpr *c, kexpr *a, kexpr *b)
{
	return a && b && c ? located(lk, tcc_kexpr_op(lk->L->ctx, TCC_KOP_SELECT, c, a, b)) : NULL;
}

kexpr *ke_cast(struct lk *lk, int dtype, kexpr *a)
{
	return a ? located(lk, tcc_kexpr_cast(lk->L->ctx, dtype, a)) : NULL;
}

void ke_iters(struct lk *lk, int first, int32_t rank, kexpr **subs)
{
	for (int i = 0; i < rank; i++)
		subs[i] = ke_it(lk, first + i);
}

void ke_bcast(struct lk *lk, int first, int32_t orank, int32_t rank, const int64_t *dims,
	      kexpr **subs)
{
	for (int i = 0; i < rank; i++)
		subs[i] = dims[i] == 1 ? ke_int(lk, 0) : ke_it(lk, first + orank - rank + i);
}

kexpr *ke_bload(struct lk *lk, struct tcc_value *v, int first, int32_t orank)
{
	struct tcc_kbuf *b = lk_in(lk, v);
	kexpr *subs[LK_MAXR];

	if (!b)
		return NULL;
	ke_bcast(lk, first, orank, b->rank, b->dims, subs);
	return ke_load(lk, b, subs);
}

static double int_limit(int dtype, int high)
{
	int bits = tcc_dtype_bits(dtype);

	if (dtype == TCC_DT_BOOL)
		return high;
	if (!tcc_dtype_is_signed(dtype))
		return high ? ldexp(1.0, bits) - 1 : 0;
	return high ? ldexp(1.0, bits - 1) - 1 : -ldexp(1.0, bits - 1);
}

kexpr *ke_lowest(struct lk *lk, int dtype)
{
	if (tcc_dtype_is_float(dtype))
		return ke_lit(lk, dtype, -INFINITY);
	if (tcc_dtype_bits(dtype) == 64)
		return ke_int(lk, dtype == TCC_DT_INT64 ? INT64_MIN : 0);
	return ke_int(lk, (int64_t)int_limit(dtype, 0));
}

kexpr *ke_highest(struct lk *lk, int dtype)
{
	if (tcc_dtype_is_float(dtype))
		return ke_lit(lk, dtype, INFINITY);
	if (tcc_dtype_bits(dtype) == 64)
		return ke_int(lk, dtype == TCC_DT_INT64 ? INT64_MAX : -1);
	return ke_int(lk, (int64_t)int_limit(dtype, 1));
}
