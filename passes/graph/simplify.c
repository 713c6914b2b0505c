/* simplify: local rewrites that make inference graphs smaller without changing results.
 *
 *   Identity(x)                      → x
 *   Dropout(x) in inference mode     → x; a used mask becomes a constant all-true tensor
 *                                      (opset ≥ 12: training_mode absent or constant false;
 *                                      the mask needs a static shape)
 *   Cast(x, to = dtype of x)         → x
 *   Reshape(x, s) with x static and s resolving to x's shape → x
 *   Reshape(Reshape(x, s1), s2)      → Reshape(x, s2)  (s2 constant without 0, or allowzero)
 *   Transpose(x) with identity perm  → x
 *   Transpose(Transpose(x, p1), p2)  → Transpose(x, p1∘p2), or x when that is the identity
 *   Squeeze(Unsqueeze(x, a), a)      → x  (same constant non-negative axes)
 *   BatchNormalization (inference, constant parameters) → folded into a preceding Conv,
 *                                      Gemm or 2-D MatMul with constant weights, else Mul+Add
 *   Mul/Add by a per-channel constant after Conv (or along the last axis after Gemm/MatMul)
 *                                    → folded into the weights and bias
 *
 * The first producer of a chain must feed only the node being rewritten. Removing a node
 * whose output is a graph output keeps the output's name: the replacement value is renamed,
 * or, when that is impossible (it is a graph input or output itself), the node stays.
 * Rewrites repeat until nothing changes; tcc_graph_compact drops what became unused.
 */
#include <stddef.h>
#include <string.h>

#include "passes/graph/simplify.h"

struct simplify_options {
	int64_t fold_batchnorm;
	int64_t fold_affine;
	int64_t max_iterations;
};

static const struct tcc_pass_option simplify_opts[] = {
	{ "fold-batchnorm", TCC_OPT_BOOL, offsetof(struct simplify_options, fold_batchnorm), "1",
	  "fold inference BatchNormalization into Conv/Gemm/MatMul weights, else into Mul+Add" },
	{ "fold-affine", TCC_OPT_BOOL, offsetof(struct simplify_options, fold_affine), "1",
	  "fold constant per-channel Mul/Add after Conv/Gemm/MatMul into the weights" },
	{ "max-iterations", TCC_OPT_INT, offsetof(struct simplify_options, max_iterations), "16",
	  "rounds of rewriting before giving up on reaching a fixed point" },
};

/* ---- helpers (see simplify.h) ---- */

int tcc_simp_is_const(const struct tcc_simp *s, __tcc_null const struct tcc_value *v)
{
	return v && v->init && (!v->is_input || s->fixed_inputs);
}

int tcc_simp_is_float(int dtype)
{
	return dtype == TCC_DT_FLOAT || dtype == TCC_DT_DOUBLE || dtype == TCC_DT_FLOAT16 ||
	       dtype == TCC_DT_BFLOAT16;
}

int tcc_simp_can_bypass(struct tcc_simp *s, const struct tcc_value *out,
			const struct tcc_value *in)
{
	if (!in || !out || in->graph != s->g)
		return in && out && !out->is_output;
	return !out->is_output || (!in->is_input && !in->is_output);
}

tcc_stat tcc_simp_bypass(struct tcc_simp *s, struct tcc_node *n, struct tcc_value *out,
			 struct tcc_value *in)
{
	struct tcc_graph *g = s->g;

	if (out->is_output) {
		const char *name = out->name, *tmp = tcc_graph_fresh_name(g, name);
		if (!tmp || tcc_value_rename(out, tmp) < 0 || tcc_value_rename(in, name) < 0)
			return tcc_ctx_oom(g->ctx, tcc_node_loc(n));
		if (in->init)
			in->init->name = in->name;
	}
	if (!tcc_type_is_static(&in->type) && tcc_type_is_static(&out->type) &&
	    tcc_type_copy(g->ctx, &in->type, &out->type) < 0)
		return tcc_ctx_oom(g->ctx, tcc_node_loc(n));
	tcc_graph_replace_uses(g, out, in);
	in->uses += out->uses;
	out->uses = 0;
	tcc_simp_kill(s, n);
	return 0;
}

void tcc_simp_kill(struct tcc_simp *s, struct tcc_node *n)
{
	for (int i = 0; i < n->ninputs; i++)
		if (n->inputs[i])
			n->inputs[i]->uses--;
	tcc_graph_remove_node(s->g, n);
}

tcc_stat tcc_simp_set_input(struct tcc_simp *s, struct tcc_node *n, int i,
			    __tcc_null struct tcc_value *v)
{
	if (i >= n->ninputs) {
		struct tcc_value **in = tcc_arena_calloc(s->g->ctx->arena, (size_t)i + 1,
							 sizeof(*in));
		if (!in)
			return tcc_ctx_oom(s->g->ctx, tcc_node_loc(n));
		if (n->ninputs)
			memcpy(in, n->inputs, (size_t)n->ninputs * sizeof(*in));
		n->inputs = in;
		n->ninputs = i + 1;
	}
	if (n->inputs[i])
		n->inputs[i]->uses--;
	n->inputs[i] = v;
	if (v)
		v->uses++;
	return 0;
}

__tcc_null struct tcc_value *tcc_simp_const(struct tcc_simp *s, const char *prefix,
					    struct tcc_tensor_data *t)
{
	const char *name = tcc_graph_fresh_name(s->g, prefix);
	struct tcc_value *v = name ? tcc_graph_new_value(s->g, name) : NULL;

	if (!v || tcc_graph_add_initializer(s->g, v, t) < 0) {
		tcc_ctx_oom(s->g->ctx, s->g->loc);
		return NULL;
	}
	t->name = v->name;
	tcc_type_set_tensor(s->g->ctx, &v->type, t->dtype, t->rank, t->dims);
	return v;
}

/* ---- local rewrites ---- */

static struct tcc_value *in0(const struct tcc_node *n)
{
	return tcc_node_input(n, 0);
}

static struct tcc_value *out0(const struct tcc_node *n)
{
	return n->noutputs > 0 ? n->outputs[0] : NULL;
}

/* Replace n by its first input when that is allowed. */
static tcc_bool drop(struct tcc_simp *s, struct tcc_node *n)
{
	if (!in0(n) || !out0(n) || !tcc_simp_can_bypass(s, out0(n), in0(n)))
		return 0;
	return tcc_simp_bypass(s, n, out0(n), in0(n)) < 0 ? -1 : 1;
}

/* The all-true mask of an inference Dropout, or NULL when its shape is not static. */
static struct tcc_tensor_data *dropout_mask(struct tcc_simp *s, struct tcc_node *n,
				       struct tcc_value *mask)
{
	const struct tcc_type *ty = &mask->type;
	int64_t dims[64];
	int dtype = mask->type.elem;
	struct tcc_tensor_data *t;

	if (!tcc_type_is_static(ty))
		ty = &in0(n)->type;
	if (!tcc_type_is_static(ty) || ty->rank > 64)
		return NULL;
	if (!dtype)
		dtype = s->opset >= 10 ? TCC_DT_BOOL : in0(n)->type.elem;
	if (!tcc_dtype_is_valid(dtype) || dtype == TCC_DT_STRING)
		return NULL;
	for (int32_t i = 0; i < ty->rank; i++)
		dims[i] = ty->dims[i].value;
	t = tcc_tensor_new(s->g->ctx, tcc_node_loc(n), dtype, ty->rank, dims);
	for (int64_t i = 0; t && i < t->numel; i++)
		tcc_tensor_set_i64(t, i, 1);
	return t;
}

static tcc_bool simp_dropout(struct tcc_simp *s, struct tcc_node *n)
{
	struct tcc_value *y = out0(n), *mask = n->noutputs > 1 ? n->outputs[1] : NULL;
	struct tcc_value *tm = s->opset >= 12 ? tcc_node_input(n, 2) : NULL;
	struct tcc_tensor_data *t = NULL;

	if (!in0(n) || (tm && (!tcc_simp_is_const(s, tm) || tm->init->numel != 1 ||
			       tcc_tensor_get_i64(tm->init, 0) != 0)))
		return 0;
	if (y && (y->uses || y->is_output) && !tcc_simp_can_bypass(s, y, in0(n)))
		return 0;
	if (mask && (mask->uses || mask->is_output) && !(t = dropout_mask(s, n, mask)))
		return 0;
	if (y && (y->uses || y->is_output)) {
		if (tcc_simp_bypass(s, n, y, in0(n)) < 0)
			return -1;
	} else {
		tcc_simp_kill(s, n);
	}
	if (t) {
		t->name = mask->name;
		tcc_type_set_tensor(s->g->ctx, &mask->type, t->dtype, t->rank, t->dims);
		if (tcc_graph_add_initializer(s->g, mask, t) < 0)
			return tcc_ctx_oom(s->g->ctx, tcc_node_loc(n));
	}
	return 1;
}

static tcc_bool simp_cast(struct tcc_simp *s, struct tcc_node *n)
{
	struct tcc_value *x = in0(n);

	if (!x || x->type.kind != TCC_TYPE_TENSOR || !x->type.elem ||
	    x->type.elem != tcc_node_attr_int(n, "to", -1))
		return 0;
	return drop(s, n);
}

/* The target shape of Reshape n for a static input, resolved (0 and -1); 0 if unknown. */
static int reshape_target(struct tcc_simp *s, const struct tcc_node *n,
			  const struct tcc_type *xt, int64_t *dims, int32_t *rank)
{
	const struct tcc_value *sv = tcc_node_input(n, 1);
	int64_t numel = tcc_type_numel(xt), known = 1;
	int infer = -1, allowzero = (int)tcc_node_attr_int(n, "allowzero", 0);

	if (!tcc_simp_is_const(s, sv) || numel < 0 || sv->init->rank != 1 || sv->init->numel > 64)
		return 0;
	*rank = (int32_t)sv->init->numel;
	for (int32_t i = 0; i < *rank; i++) {
		dims[i] = tcc_tensor_get_i64(sv->init, i);
		if (dims[i] == 0 && !allowzero) {
			if (i >= xt->rank)
				return 0;
			dims[i] = xt->dims[i].value;
		}
		if (dims[i] == -1 && infer < 0)
			infer = (int)i;
		else if (dims[i] < 0)
			return 0;
		else
			known *= dims[i];
	}
	if (infer >= 0) {
		if (!known || numel % known)
			return 0;
		dims[infer] = numel / known;
	}
	return 1;
}

static tcc_bool simp_reshape(struct tcc_simp *s, struct tcc_node *n)
{
	struct tcc_value *x = in0(n), *sv = tcc_node_input(n, 1);
	struct tcc_node *p = x ? x->producer : NULL;
	int64_t dims[64];
	int32_t rank;

	if (!x || s->opset < 5)
		return 0;
	if (tcc_type_is_static(&x->type) && reshape_target(s, n, &x->type, dims, &rank) &&
	    rank == x->type.rank) {
		int same = 1;
		for (int32_t i = 0; i < rank; i++)
			same &= dims[i] == x->type.dims[i].value;
		if (same)
			return drop(s, n);
	}
	/* Reshape(Reshape(x0, s1), s2): a 0 in s2 would copy a dim of the middle shape. */
	if (!p || p->dead || !tcc_node_is(p, "Reshape") || x->uses != 1 || x->is_output ||
	    !tcc_simp_is_const(s, sv) || !in0(p))
		return 0;
	if (!tcc_node_attr_int(n, "allowzero", 0))
		for (int64_t i = 0; i < sv->init->numel; i++)
			if (tcc_tensor_get_i64(sv->init, i) == 0)
				return 0;
	if (tcc_simp_set_input(s, n, 0, in0(p)) < 0)
		return -1;
	tcc_simp_kill(s, p);
	return 1;
}

/* Transpose n's permutation (default: reversed), or 0 when the rank is unknown. */
static int perm_of(const struct tcc_node *n, int64_t *perm, int32_t *rank)
{
	int64_t count;
	const int64_t *p = tcc_node_attr_ints(n, "perm", &count);
	const struct tcc_value *x = in0(n);

	if (p) {
		if (count > 64)
			return 0;
		*rank = (int32_t)count;
		memcpy(perm, p, (size_t)count * sizeof(*p));
		return 1;
	}
	if (!x || x->type.kind != TCC_TYPE_TENSOR || x->type.rank < 0 || x->type.rank > 64)
		return 0;
	*rank = x->type.rank;
	for (int32_t i = 0; i < *rank; i++)
		perm[i] = *rank - 1 - i;
	return 1;
}

static tcc_bool simp_transpose(struct tcc_simp *s, struct tcc_node *n)
{
	int64_t p1[64], p2[64], p[64];
	int32_t r1, r2;
	int ident = 1;
	struct tcc_value *x = in0(n);
	struct tcc_node *t1 = x ? x->producer : NULL;
	struct tcc_attr *a;

	if (!x || !perm_of(n, p2, &r2))
		return 0;
	for (int32_t i = 0; i < r2; i++)
		ident &= p2[i] == i;
	if (ident)
		return drop(s, n);
	if (!t1 || t1->dead || !tcc_node_is(t1, "Transpose") || x->uses != 1 || x->is_output ||
	    !in0(t1) || !perm_of(t1, p1, &r1) || r1 != r2)
		return 0;
	ident = 1;
	for (int32_t i = 0; i < r2; i++) {
		if (p2[i] < 0 || p2[i] >= r1)
			return 0;
		p[i] = p1[p2[i]];
		ident &= p[i] == i;
	}
	if (ident) {
		if (!tcc_simp_can_bypass(s, out0(n), in0(t1)))
			return 0;
		if (tcc_simp_bypass(s, n, out0(n), in0(t1)) < 0)
			return -1;
		tcc_simp_kill(s, t1);
		return 1;
	}
	tcc_node_remove_attr(n, "perm");
	a = tcc_node_add_attr(n, "perm", TCC_ATTR_INTS);
	if (!a || !(a->u.ints = tcc_arena_memdup(s->g->ctx->arena, p, (size_t)r2 * sizeof(*p))))
		return tcc_ctx_oom(s->g->ctx, tcc_node_loc(n));
	a->n = r2;
	if (tcc_simp_set_input(s, n, 0, in0(t1)) < 0)
		return -1;
	tcc_simp_kill(s, t1);
	return 1;
}

/* The axes of Squeeze/Unsqueeze n as a constant list (attribute or input). */
static const int64_t *axes_of(struct tcc_simp *s, const struct tcc_node *n, int64_t *count)
{
	const struct tcc_value *v = tcc_node_input(n, 1);

	if (s->opset < 13)
		return tcc_node_attr_ints(n, "axes", count);
	if (!tcc_simp_is_const(s, v) || v->init->dtype != TCC_DT_INT64 || v->init->rank != 1)
		return NULL;
	*count = v->init->numel;
	return v->init->data;
}

static tcc_bool simp_squeeze(struct tcc_simp *s, struct tcc_node *n)
{
	struct tcc_value *x = in0(n);
	struct tcc_node *u = x ? x->producer : NULL;
	const int64_t *a1, *a2;
	int64_t c1, c2;

	if (!u || u->dead || !tcc_node_is(u, "Unsqueeze") || x->uses != 1 || x->is_output ||
	    !in0(u))
		return 0;
	a1 = axes_of(s, u, &c1);
	a2 = axes_of(s, n, &c2);
	if (!a1 || !a2 || c1 != c2 || c1 <= 0)
		return 0;
	for (int64_t i = 0; i < c1; i++)
		if (a1[i] < 0 || a1[i] != a2[i])
			return 0;
	if (!tcc_simp_can_bypass(s, out0(n), in0(u)))
		return 0;
	if (tcc_simp_bypass(s, n, out0(n), in0(u)) < 0)
		return -1;
	tcc_simp_kill(s, u);
	return 1;
}

static tcc_bool simp_node(struct tcc_simp *s, struct tcc_node *n)
{
	if (n->dead || !tcc_node_is(n, n->op_type))
		return 0;
	if (tcc_node_is(n, "Identity"))
		return drop(s, n);
	if (tcc_node_is(n, "Dropout"))
		return simp_dropout(s, n);
	if (tcc_node_is(n, "Cast"))
		return simp_cast(s, n);
	if (tcc_node_is(n, "Reshape"))
		return simp_reshape(s, n);
	if (tcc_node_is(n, "Transpose"))
		return simp_transpose(s, n);
	if (tcc_node_is(n, "Squeeze"))
		return simp_squeeze(s, n);
	if (tcc_node_is(n, "BatchNormalization") && s->fold_bn)
		return tcc_simp_batchnorm(s, n);
	if ((tcc_node_is(n, "Mul") || tcc_node_is(n, "Add")) && s->fold_affine)
		return tcc_simp_affine(s, n);
	return 0;
}

static tcc_stat simplify_run(__tcc_keep struct tcc_model *m, const void *options)
{
	const struct simplify_options *o = options;
	struct tcc_simp s = { m->graph, tcc_model_opset(m, ""), o->fold_batchnorm != 0,
			      o->fold_affine != 0, m->ir_version > 0 && m->ir_version < 4 };

	if (s.opset < 0)
		s.opset = 1;
	for (int64_t iter = 0; iter < o->max_iterations; iter++) {
		int changed = 0;
		tcc_graph_count_uses(s.g);
		/* Rewrites may insert nodes before the current one: index, not pointer. */
		for (int i = 0; i < s.g->nnodes; i++) {
			tcc_bool r = simp_node(&s, s.g->nodes[i]);
			if (r < 0)
				return -1;
			changed |= r;
		}
		if (!changed)
			break;
		tcc_graph_compact(s.g);
	}
	return 0;
}

const struct tcc_pass tcc_pass_simplify = {
	.name = "simplify",
	.summary = "drop Identity/inference Dropout/no-op Cast, Reshape and Transpose, merge "
		   "reshape and transpose chains, fold BatchNormalization and affine constants",
	.options = simplify_opts,
	.noptions = sizeof(simplify_opts) / sizeof(simplify_opts[0]),
	.options_size = sizeof(struct simplify_options),
	.run = simplify_run,
};
