/* Lowering driver: graph values → program buffers, each node → kernels through the op family
 * tables, graph outputs that no node writes → copy kernels, then memory planning. */
#include <stdint.h>
#include <string.h>

#include "passes/lower/lower_private.h"

static const struct lower_op *const families[] = {
	lower_ops_elementwise, lower_ops_matmul, lower_ops_conv, lower_ops_pool,
	lower_ops_norm, lower_ops_reduce, lower_ops_shape, lower_ops_fill, lower_ops_misc,
	lower_ops_extra, lower_ops_loss, lower_ops_quant,
};

static const struct lower_op *find_op(const struct tcc_node *n)
{
	if (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx"))
		return NULL;
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (const struct lower_op *o = families[f]; o->op; o++)
			if (!strcmp(o->op, n->op_type))
				return o;
	return NULL;
}

/* ---- value → buffer map (open addressing on the pointer) ---- */

static unsigned hash_ptr(const void *p, int cap)
{
	uintptr_t x = (uintptr_t)p;

	x ^= x >> 17;
	x *= 0x9E3779B97F4A7C15ull;
	return (unsigned)((x >> 24) & (uintptr_t)(cap - 1));
}

static tcc_stat map_put(struct lower *L, struct tcc_value *v, int pb)
{
	if (2 * (L->mapn + 1) > L->mapcap) {
		int ocap = L->mapcap, ncap = ocap ? 2 * ocap : 64;
		struct tcc_value **ov = L->mapv;
		int *ob = L->mapb;

		L->mapv = tcc_arena_calloc(L->ctx->arena, (size_t)ncap, sizeof(*L->mapv));
		L->mapb = tcc_arena_calloc(L->ctx->arena, (size_t)ncap, sizeof(*L->mapb));
		if (!L->mapv || !L->mapb)
			return tcc_ctx_oom(L->ctx, L->g->loc);
		L->mapcap = ncap;
		L->mapn = 0;
		for (int i = 0; i < ocap; i++)
			if (ov[i] && map_put(L, ov[i], ob[i]) < 0)
				return -1;
	}
	for (unsigned h = hash_ptr(v, L->mapcap);; h = (h + 1) & (unsigned)(L->mapcap - 1)) {
		if (!L->mapv[h]) {
			L->mapv[h] = v;
			L->mapb[h] = pb;
			L->mapn++;
			return 0;
		}
		if (L->mapv[h] == v) {
			L->mapb[h] = pb;
			return 0;
		}
	}
}

int lower_buf_of(struct lower *L, struct tcc_value *v)
{
	if (!L->mapcap)
		return -1;
	for (unsigned h = hash_ptr(v, L->mapcap); L->mapv[h];
	     h = (h + 1) & (unsigned)(L->mapcap - 1))
		if (L->mapv[h] == v)
			return L->mapb[h];
	return -1;
}

static int new_buf(struct lower *L, struct tcc_value *v, enum tcc_pbuf_role role)
{
	int32_t rank;
	const int64_t *dims;
	struct tcc_pbuf *p;

	if (lower_shape(v, &rank, &dims) < 0) {
		tcc_diag_error(L->ctx->diag, L->g->loc,
			       "unsupported value '%s': not a tensor with a static shape", v->name);
		return -1;
	}
	p = tcc_program_add_buf(L->prog, v->name, role, lower_dtype(v), rank, dims);
	if (!p)
		return -1;
	if (role != TCC_PBUF_OUTPUT && map_put(L, v, L->prog->nbufs - 1) < 0)
		return -1;
	return L->prog->nbufs - 1;
}

int lower_new_temp(struct lower *L, struct tcc_value *v)
{
	return new_buf(L, v, TCC_PBUF_TEMP);
}

/* A constant buffer holding tensor t for value v (Constant nodes, initializers). */
int lower_new_const(struct lower *L, struct tcc_value *v, const struct tcc_tensor_data *t)
{
	int pb = new_buf(L, v, TCC_PBUF_CONST);

	if (pb >= 0)
		L->prog->bufs[pb]->data = t;
	return pb;
}

int lower_add_kernel(struct lower *L, struct tcc_kernel *k, const int *bind, struct tcc_node *n)
{
	return tcc_program_add_kernel(L->prog, k, bind, tcc_node_loc(n));
}

/* ---- the signature ---- */

static int output_needs_copy(struct lower *L, int i)
{
	struct tcc_value *v = L->g->outputs[i];

	if (v->is_input || v->init || !v->producer)
		return 1;
	for (int j = 0; j < i; j++)
		if (L->g->outputs[j] == v)
			return 1;
	return 0;
}

static tcc_stat setup_bufs(struct lower *L)
{
	struct tcc_graph *g = L->g;
	int pb;

	/* An input with an initializer (IR < 4 lists every initializer among the inputs) is a
	 * constant, for every IR version: the program's inputs are the others, in order. */
	for (int i = 0; i < g->ninputs; i++) {
		if (g->inputs[i]->init)
			continue;
		if ((pb = new_buf(L, g->inputs[i], TCC_PBUF_INPUT)) < 0)
			return -1;
		L->prog->bufs[pb]->io_index = L->prog->ninputs++;
	}
	for (int i = 0; i < g->ninitializers; i++)
		if (lower_new_const(L, g->initializers[i], g->initializers[i]->init) < 0)
			return -1;
	for (int i = 0; i < g->noutputs; i++) {
		struct tcc_value *v = g->outputs[i];

		pb = new_buf(L, v, TCC_PBUF_OUTPUT);
		if (pb < 0)
			return -1;
		L->prog->bufs[pb]->io_index = i;
		L->prog->noutputs++;
		if (!output_needs_copy(L, i) && map_put(L, v, pb) < 0)
			return -1;
	}
	return 0;
}

/* Graph output i is an input, a constant or a repeated value: copy it into its buffer. */
static tcc_stat copy_output(struct lower *L, int i)
{
	struct tcc_value *v = L->g->outputs[i];
	struct tcc_node fake = { .op_type = "Copy", .name = v->name, .loc = L->g->loc };
	struct tcc_kbuf *src, *dst;
	struct tcc_kstmt *s;
	struct lk lk;
	kexpr *subs[LK_MAXR];
	int pb = -1;

	fake.loc.node = v->name;
	for (int b = 0; b < L->prog->nbufs; b++)
		if (L->prog->bufs[b]->role == TCC_PBUF_OUTPUT && L->prog->bufs[b]->io_index == i)
			pb = b;
	if (lk_begin(&lk, L, &fake, NULL) < 0)
		return -1;
	src = lk_in(&lk, v);
	if (!src)
		return lk_end(&lk);
	lk.vals[src->index] = NULL;
	if (map_put(L, v, pb) < 0)
		return -1;
	dst = lk_out(&lk, v);
	if (!dst)
		return lk_end(&lk);
	s = lk_stmt(&lk, dst->rank, dst->dims);
	ke_iters(&lk, 0, dst->rank, subs);
	lk_body(&lk, s, dst, subs, TCC_KUPD_ASSIGN, ke_load(&lk, src, subs));
	return lk_end(&lk);
}

/* ---- support checks ---- */

static int dtype_ok(int dt)
{
	switch (dt) {
	case TCC_DT_FLOAT: case TCC_DT_DOUBLE: case TCC_DT_FLOAT16: case TCC_DT_BFLOAT16:
	case TCC_DT_UINT8: case TCC_DT_INT8: case TCC_DT_UINT16: case TCC_DT_INT16:
	case TCC_DT_INT32: case TCC_DT_INT64: case TCC_DT_UINT32: case TCC_DT_UINT64:
	case TCC_DT_BOOL:
		return 1;
	default:
		return 0;
	}
}

/* The 8-bit float types are lowered only as the source or result of a Cast/CastLike
 * (lower_elementwise.c checks the other side is a wider float). */
static int dtype_ok_for(const struct tcc_node *n, int dt)
{
	if (dtype_ok(dt))
		return 1;
	return (lower_dtype_is_f8(dt) || lower_dtype_is_subbyte(dt)) &&
	       (tcc_node_is(n, "Cast") || tcc_node_is(n, "CastLike"));
}

static const char *check_values(const struct tcc_node *n)
{
	for (int i = 0; i < n->ninputs + n->noutputs; i++) {
		struct tcc_value *v = i < n->ninputs ? n->inputs[i] : n->outputs[i - n->ninputs];

		if (!v)
			continue;
		if (v->type.kind != TCC_TYPE_TENSOR)
			return "a value is not a tensor (sequences, maps and optionals are not "
			       "lowered)";
		if (!dtype_ok_for(n, v->type.elem))
			return "dtype not supported by the lowering";
		if (!tcc_type_is_static(&v->type))
			return "shapes must be static (run shape-infer; symbolic or unknown dims "
			       "are not lowered)";
		if (v->type.rank > LK_MAXR)
			return "rank above 16";
	}
	return NULL;
}

static int node_supported(struct lower *L, const struct tcc_node *n, const char **why)
{
	const struct lower_op *o = find_op(n);
	const char *w;

	if (!o) {
		*why = n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx") ?
		       "operator domain not supported" : "no lowering for this operator";
		return 0;
	}
	w = check_values(n);
	if (!w && o->check)
		w = o->check(L, n);
	*why = w;
	return !w;
}

int tcc_lower_supported(__tcc_keep const struct tcc_node *n, const char **why)
{
	const char *w = NULL;
	int r = node_supported(NULL, n, &w);

	if (why)
		*why = w;
	return r;
}

int64_t lower_node_opset(const struct lower *L)
{
	return L ? L->opset : 22;
}

/* ---- the driver ---- */

static tcc_stat lower_nodes(struct lower *L)
{
	for (int i = 0; i < L->g->nnodes; i++) {
		struct tcc_node *n = L->g->nodes[i];
		const char *why = NULL;

		if (n->dead)
			continue;
		if (!node_supported(L, n, &why))
			return lower_unsupported(L, n, why);
		if (find_op(n)->fn(L, n) < 0)
			return -1;
	}
	return 0;
}

__tcc_keep struct tcc_program *tcc_lower_model(__tcc_keep struct tcc_model *m)
{
	struct lower L = { .ctx = m->ctx, .m = m, .g = m->graph };

	L.opset = tcc_model_opset(m, "");
	if (L.opset < 0)
		L.opset = tcc_model_opset(m, "ai.onnx");
	if (L.opset < 0)
		L.opset = 22;
	L.prog = tcc_program_new(m->ctx, m->graph->name ? m->graph->name : "model");
	if (!L.prog || setup_bufs(&L) < 0 || lower_nodes(&L) < 0)
		return NULL;
	for (int i = 0; i < L.g->noutputs; i++)
		if (output_needs_copy(&L, i) && copy_output(&L, i) < 0)
			return NULL;
	if (tcc_program_plan_memory(L.prog) < 0)
		return NULL;
	return L.prog;
}
