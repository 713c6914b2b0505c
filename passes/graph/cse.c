/* cse: common sub-expression elimination.
 *
 * Two nodes are the same computation when they have the same op_type and domain, the very
 * same input values in the same slots (omitted ones included), equal attributes (compared
 * deeply: floats bit for bit, tensors element for element) and the same number of outputs.
 * The later node's outputs are then replaced by the earlier's and it is removed. Nodes
 * holding sub-graphs and random ops are never merged, and neither is a node whose output
 * is a graph output (its name is part of the signature). Walking the topologically ordered
 * nodes once merges whole duplicated chains. With "initializers", identical constants
 * (same dtype, shape and bytes, neither a graph input nor output) are merged first.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "passes/pass.h"

struct cse_options {
	int64_t initializers;
};

static const struct tcc_pass_option cse_opts[] = {
	{ "initializers", TCC_OPT_BOOL, offsetof(struct cse_options, initializers), "1",
	  "also merge identical constant initializers" },
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

static uint64_t mix_str(uint64_t h, const char *s)
{
	return mix(h, s, strlen(s) + 1);
}

/* Hash of a tensor: dtype, shape, the first 4 KiB and 64 bytes sampled across the rest. */
static uint64_t hash_tensor(uint64_t h, const struct tcc_tensor_data *t)
{
	const unsigned char *d = t->data;
	size_t head = t->nbytes < 4096 ? t->nbytes : 4096;

	h = mix(h, &t->dtype, sizeof(t->dtype));
	h = mix(h, t->dims, (size_t)t->rank * sizeof(*t->dims));
	h = mix(h, &t->nbytes, sizeof(t->nbytes));
	if (d) {
		h = mix(h, d, head);
		for (size_t i = 0; t->nbytes > head && i < 64; i++)
			h = mix(h, d + head + (t->nbytes - head) / 64 * i, 1);
	}
	for (int64_t i = 0; t->strings && i < t->numel && i < 16; i++)
		h = mix(h, t->strings[i].data, t->strings[i].len);
	return h;
}

static uint64_t hash_attr(const struct tcc_attr *a)
{
	uint64_t h = mix_str(1469598103934665603ull, a->name);

	h = mix(h, &a->kind, sizeof(a->kind));
	switch (a->kind) {
	case TCC_ATTR_FLOAT: return mix(h, &a->u.f, sizeof(float));
	case TCC_ATTR_INT: return mix(h, &a->u.i, sizeof(int64_t));
	case TCC_ATTR_STRING: return mix(h, a->u.s.data, a->u.s.len);
	case TCC_ATTR_FLOATS: return mix(h, a->u.floats, (size_t)a->n * sizeof(float));
	case TCC_ATTR_INTS: return mix(h, a->u.ints, (size_t)a->n * sizeof(int64_t));
	case TCC_ATTR_TENSOR: return a->u.t ? hash_tensor(h, a->u.t) : h;
	default: return mix(h, &a->n, sizeof(a->n));
	}
}

static uint64_t hash_node(const struct tcc_node *n)
{
	uint64_t h = mix_str(mix_str(1469598103934665603ull, n->op_type), n->domain), ah = 0;

	h = mix(h, &n->noutputs, sizeof(n->noutputs));
	h = mix(h, &n->ninputs, sizeof(n->ninputs));
	h = mix(h, n->inputs, (size_t)n->ninputs * sizeof(*n->inputs));
	for (int i = 0; i < n->nattrs; i++)
		ah += hash_attr(&n->attrs[i]); /* order-independent */
	return mix(h, &ah, sizeof(ah));
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int bytes_eq(struct tcc_bytes a, struct tcc_bytes b)
{
	return a.len == b.len && (!a.len || memcmp(a.data, b.data, a.len) == 0);
}

static int tensor_eq(const struct tcc_tensor_data *a, const struct tcc_tensor_data *b)
{
	return a == b || (a && b && tcc_tensor_equal(a, b));
}

static int list_eq(const struct tcc_attr *a, const struct tcc_attr *b)
{
	for (int64_t i = 0; i < a->n; i++) {
		if (a->kind == TCC_ATTR_STRINGS && !bytes_eq(a->u.strings[i], b->u.strings[i]))
			return 0;
		if (a->kind == TCC_ATTR_TENSORS && !tensor_eq(a->u.tensors[i], b->u.tensors[i]))
			return 0;
		if (a->kind == TCC_ATTR_TYPE_PROTOS && !tcc_type_equal(a->u.types[i], b->u.types[i]))
			return 0;
	}
	return 1;
}

static int attr_eq(const struct tcc_attr *a, const struct tcc_attr *b)
{
	if (strcmp(a->name, b->name) != 0 || a->kind != b->kind || a->n != b->n ||
	    !str_eq(a->ref_attr_name, b->ref_attr_name))
		return 0;
	switch (a->kind) {
	case TCC_ATTR_FLOAT: return memcmp(&a->u.f, &b->u.f, sizeof(float)) == 0;
	case TCC_ATTR_INT: return a->u.i == b->u.i;
	case TCC_ATTR_STRING: return bytes_eq(a->u.s, b->u.s);
	case TCC_ATTR_TENSOR: return tensor_eq(a->u.t, b->u.t);
	case TCC_ATTR_FLOATS:
		return !a->n || memcmp(a->u.floats, b->u.floats, (size_t)a->n * sizeof(float)) == 0;
	case TCC_ATTR_INTS:
		return !a->n || memcmp(a->u.ints, b->u.ints, (size_t)a->n * sizeof(int64_t)) == 0;
	case TCC_ATTR_STRINGS: case TCC_ATTR_TENSORS: case TCC_ATTR_TYPE_PROTOS:
		return list_eq(a, b);
	case TCC_ATTR_TYPE_PROTO:
		return a->u.tp == b->u.tp || (a->u.tp && b->u.tp && tcc_type_equal(a->u.tp, b->u.tp));
	default:
		return a->u.t == b->u.t; /* sparse tensors: only the very same object */
	}
}

static int nodes_eq(const struct tcc_node *a, const struct tcc_node *b)
{
	if (!str_eq(a->op_type, b->op_type) || !str_eq(a->domain, b->domain) ||
	    a->ninputs != b->ninputs || a->noutputs != b->noutputs || a->nattrs != b->nattrs)
		return 0;
	for (int i = 0; i < a->ninputs; i++)
		if (a->inputs[i] != b->inputs[i])
			return 0;
	for (int i = 0; i < a->nattrs; i++) {
		const struct tcc_attr *o = tcc_node_find_attr(b, a->attrs[i].name);
		if (!o || !attr_eq(&a->attrs[i], o))
			return 0;
	}
	return 1;
}

static int mergeable(const struct tcc_node *n)
{
	static const char *const random_ops[] = {
		"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
		"Multinomial", "Bernoulli", NULL,
	};

	if (n->dead || n->noutputs < 1)
		return 0;
	for (int i = 0; i < n->nattrs; i++)
		if (n->attrs[i].kind == TCC_ATTR_GRAPH || n->attrs[i].kind == TCC_ATTR_GRAPHS)
			return 0;
	for (int i = 0; random_ops[i]; i++)
		if (tcc_node_is(n, random_ops[i]))
			return 0;
	return 1;
}

/* Open-addressing table of "cap" (a power of two) entries keyed by hash. */
struct table {
	void **items;
	uint64_t *hashes;
	size_t cap;
};

static tcc_stat table_init(struct table *t, size_t n)
{
	t->cap = 16;
	while (t->cap < 2 * n + 2)
		t->cap *= 2;
	t->items = calloc(t->cap, sizeof(*t->items));
	t->hashes = calloc(t->cap, sizeof(*t->hashes));
	return t->items && t->hashes ? 0 : -1;
}

static void table_free(struct table *t)
{
	free(t->items);
	free(t->hashes);
}

/* The first entry equal to "item" (by "eq"), or NULL after inserting "item". */
static void *table_find_or_add(struct table *t, uint64_t h, void *item,
			       int (*eq)(const void *, const void *))
{
	size_t j = h & (t->cap - 1);

	for (; t->items[j]; j = (j + 1) & (t->cap - 1))
		if (t->hashes[j] == h && eq(t->items[j], item))
			return t->items[j];
	t->items[j] = item;
	t->hashes[j] = h;
	return NULL;
}

static int node_item_eq(const void *a, const void *b)
{
	return nodes_eq(a, b);
}

static int value_item_eq(const void *a, const void *b)
{
	return tcc_tensor_equal(((const struct tcc_value *)a)->init,
				((const struct tcc_value *)b)->init);
}

/* Replace "later" by "earlier" when every used output has a counterpart. */
static int merge_nodes(struct tcc_graph *g, struct tcc_node *earlier, struct tcc_node *later)
{
	for (int i = 0; i < later->noutputs; i++) {
		struct tcc_value *lo = later->outputs[i];
		if (lo && (lo->is_output || !earlier->outputs[i]))
			return 0;
	}
	for (int i = 0; i < later->noutputs; i++) {
		struct tcc_value *lo = later->outputs[i], *eo = earlier->outputs[i];
		if (!lo)
			continue;
		if (eo->type.kind == TCC_TYPE_UNKNOWN && lo->type.kind != TCC_TYPE_UNKNOWN)
			eo->type = lo->type;
		tcc_graph_replace_uses(g, lo, eo);
	}
	tcc_graph_remove_node(g, later);
	return 1;
}

static tcc_stat cse_initializers(struct tcc_graph *g, int *changed)
{
	struct table t;

	if (table_init(&t, (size_t)g->ninitializers) < 0) {
		table_free(&t);
		return tcc_ctx_oom(g->ctx, g->loc);
	}
	for (int i = 0; i < g->ninitializers; i++) {
		struct tcc_value *v = g->initializers[i], *e;
		if (!v->init || v->is_input || v->is_output)
			continue;
		e = table_find_or_add(&t, hash_tensor(0, v->init), v, value_item_eq);
		if (e) {
			tcc_graph_replace_uses(g, v, e);
			*changed = 1;
		}
	}
	table_free(&t);
	return 0;
}

static tcc_stat cse_graph(struct tcc_graph *g, const struct cse_options *o);

static tcc_stat cse_subgraphs(struct tcc_node *n, const struct cse_options *o)
{
	for (int a = 0; a < n->nattrs; a++) {
		struct tcc_attr *at = &n->attrs[a];
		if (at->kind == TCC_ATTR_GRAPH && at->u.g && cse_graph(at->u.g, o) < 0)
			return -1;
		for (int64_t k = 0; at->kind == TCC_ATTR_GRAPHS && k < at->n; k++)
			if (cse_graph(at->u.graphs[k], o) < 0)
				return -1;
	}
	return 0;
}

static tcc_stat cse_graph(struct tcc_graph *g, const struct cse_options *o)
{
	struct table t;
	int changed = 0;

	if (o->initializers && cse_initializers(g, &changed) < 0)
		return -1;
	if (table_init(&t, (size_t)g->nnodes) < 0) {
		table_free(&t);
		return tcc_ctx_oom(g->ctx, g->loc);
	}
	for (int i = 0; i < g->nnodes; i++) {
		struct tcc_node *n = g->nodes[i], *e;
		if (!n->dead && cse_subgraphs(n, o) < 0) {
			table_free(&t);
			return -1;
		}
		if (!mergeable(n))
			continue;
		e = table_find_or_add(&t, hash_node(n), n, node_item_eq);
		if (e)
			changed |= merge_nodes(g, e, n);
	}
	table_free(&t);
	if (changed)
		tcc_graph_compact(g);
	return 0;
}

static tcc_stat cse_run(__tcc_keep struct tcc_model *m, const void *options)
{
	return cse_graph(m->graph, options);
}

const struct tcc_pass tcc_pass_cse = {
	.name = "cse",
	.summary = "merge identical nodes and identical constant initializers",
	.options = cse_opts,
	.noptions = sizeof(cse_opts) / sizeof(cse_opts[0]),
	.options_size = sizeof(struct cse_options),
	.run = cse_run,
};
