#include "ir/graph/graph.h"

#include <stdlib.h>
#include <string.h>

/* Name → value table of one graph: open addressing, power-of-two "cap". */
struct tcc_name_table {
	struct tcc_value **slots;
	size_t cap, count;
};

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static tcc_stat names_grow(struct tcc_graph *g)
{
	struct tcc_name_table *t = g->names;
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct tcc_value **slots = tcc_arena_calloc(g->ctx->arena, cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		struct tcc_value *v = t->slots[i];
		if (!v)
			continue;
		size_t j = hash_name(v->name) & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = v;
	}
	t->slots = slots;
	t->cap = cap;
	return 0;
}

static struct tcc_value **names_slot(const struct tcc_name_table *t, const char *name)
{
	size_t j;

	if (!t->cap)
		return NULL;
	j = hash_name(name) & (t->cap - 1);
	while (t->slots[j]) {
		if (strcmp(t->slots[j]->name, name) == 0)
			return &t->slots[j];
		j = (j + 1) & (t->cap - 1);
	}
	return &t->slots[j];
}

/* Insert v unless its name is already there (lookup keeps the first). */
static tcc_stat names_insert(struct tcc_graph *g, struct tcc_value *v)
{
	struct tcc_value **slot;

	if ((g->names->count + 1) * 2 > g->names->cap && names_grow(g) < 0)
		return -1;
	slot = names_slot(g->names, v->name);
	if (!*slot) {
		*slot = v;
		g->names->count++;
	}
	return 0;
}

/* Remove v's entry (rehashing the cluster after it). */
static void names_remove(struct tcc_graph *g, struct tcc_value *v)
{
	struct tcc_name_table *t = g->names;
	struct tcc_value **slot = names_slot(t, v->name);
	size_t j;

	if (!slot || *slot != v)
		return;
	*slot = NULL;
	t->count--;
	j = ((size_t)(slot - t->slots) + 1) & (t->cap - 1);
	while (t->slots[j]) {
		struct tcc_value *w = t->slots[j];
		t->slots[j] = NULL;
		*names_slot(t, w->name) = w;
		j = (j + 1) & (t->cap - 1);
	}
}

/* Append "item" to a growable arena array; the old storage stays in the arena. */
static tcc_stat push(struct tcc_ctx *ctx, void *arrayp, int *n, int *cap, void *item)
{
	void ***array = arrayp;

	if (*n == *cap) {
		int ncap = *cap ? *cap * 2 : 8;
		void **grown = tcc_arena_calloc(ctx->arena, (size_t)ncap, sizeof(void *));
		if (!grown)
			return -1;
		if (*n)
			memcpy(grown, *array, (size_t)*n * sizeof(void *));
		*array = grown;
		*cap = ncap;
	}
	(*array)[(*n)++] = item;
	return 0;
}

__tcc_keep struct tcc_model *tcc_model_new(__tcc_keep struct tcc_ctx *ctx, const char *path)
{
	struct tcc_model *m = tcc_arena_alloc(ctx->arena, sizeof(*m));

	if (!m)
		return NULL;
	m->ctx = ctx;
	m->path = tcc_arena_strdup(ctx->arena, path ? path : "<input>");
	m->graph = tcc_graph_new(ctx, NULL);
	if (!m->path || !m->graph)
		return NULL;
	m->graph->loc.file = m->path;
	return m;
}

static int is_onnx_domain(const char *d)
{
	return !d || !d[0] || strcmp(d, "ai.onnx") == 0;
}

int64_t tcc_model_opset(__tcc_keep const struct tcc_model *m, const char *domain)
{
	for (int i = 0; i < m->nopsets; i++) {
		const char *d = m->opsets[i].domain;
		if (is_onnx_domain(domain) ? is_onnx_domain(d) : strcmp(d, domain) == 0)
			return m->opsets[i].version;
	}
	return -1;
}

tcc_stat tcc_model_add_opset(__tcc_keep struct tcc_model *m, const char *domain, int64_t version)
{
	struct tcc_opset *o = tcc_arena_calloc(m->ctx->arena, (size_t)m->nopsets + 1, sizeof(*o));

	if (!o)
		return -1;
	if (m->nopsets)
		memcpy(o, m->opsets, (size_t)m->nopsets * sizeof(*o));
	o[m->nopsets].domain = tcc_arena_strdup(m->ctx->arena, domain ? domain : "");
	o[m->nopsets].version = version;
	if (!o[m->nopsets].domain)
		return -1;
	m->opsets = o;
	m->nopsets++;
	return 0;
}

__tcc_keep struct tcc_graph *tcc_graph_new(__tcc_keep struct tcc_ctx *ctx,
					   __tcc_keep __tcc_null struct tcc_graph *parent)
{
	struct tcc_graph *g = tcc_arena_alloc(ctx->arena, sizeof(*g));

	if (!g)
		return NULL;
	g->ctx = ctx;
	g->parent = parent;
	g->name = "";
	g->names = tcc_arena_alloc(ctx->arena, sizeof(*g->names));
	if (!g->names)
		return NULL;
	if (parent)
		g->loc = parent->loc;
	return g;
}

__tcc_keep struct tcc_value *tcc_graph_new_value(__tcc_keep struct tcc_graph *g, const char *name)
{
	struct tcc_value *v = tcc_arena_alloc(g->ctx->arena, sizeof(*v));

	if (!v)
		return NULL;
	v->name = tcc_arena_strdup(g->ctx->arena, name ? name : "");
	v->graph = g;
	v->type.rank = -1;
	v->producer_index = -1;
	if (!v->name || push(g->ctx, &g->values, &g->nvalues, &g->cap_values, v) < 0)
		return NULL;
	if (names_insert(g, v) < 0)
		return NULL;
	return v;
}

__tcc_keep struct tcc_value *tcc_graph_lookup_local(__tcc_keep const struct tcc_graph *g,
						     const char *name)
{
	struct tcc_value **slot = names_slot(g->names, name);

	return slot ? *slot : NULL;
}

__tcc_keep struct tcc_value *tcc_graph_lookup(__tcc_keep const struct tcc_graph *g, const char *name)
{
	for (; g; g = g->parent) {
		struct tcc_value *v = tcc_graph_lookup_local(g, name);
		if (v)
			return v;
	}
	return NULL;
}

__tcc_keep const char *tcc_graph_fresh_name(__tcc_keep struct tcc_graph *g, const char *prefix)
{
	const char *name = tcc_arena_strdup(g->ctx->arena, prefix);

	for (unsigned i = 1; name && tcc_graph_lookup(g, name); i++)
		name = tcc_arena_printf(g->ctx->arena, "%s_%u", prefix, i);
	return name;
}

tcc_stat tcc_value_rename(__tcc_keep struct tcc_value *v, const char *name)
{
	const char *copy = tcc_arena_strdup(v->graph->ctx->arena, name);

	if (!copy)
		return -1;
	names_remove(v->graph, v);
	v->name = copy;
	return names_insert(v->graph, v);
}

tcc_stat tcc_graph_add_input(__tcc_keep struct tcc_graph *g, __tcc_keep struct tcc_value *v)
{
	v->is_input = 1;
	return push(g->ctx, &g->inputs, &g->ninputs, &g->cap_inputs, v);
}

tcc_stat tcc_graph_add_output(__tcc_keep struct tcc_graph *g, __tcc_keep struct tcc_value *v)
{
	v->is_output = 1;
	return push(g->ctx, &g->outputs, &g->noutputs, &g->cap_outputs, v);
}

tcc_stat tcc_graph_add_initializer(__tcc_keep struct tcc_graph *g, __tcc_keep struct tcc_value *v,
				   __tcc_keep struct tcc_tensor_data *t)
{
	v->init = t;
	return push(g->ctx, &g->initializers, &g->ninitializers, &g->cap_initializers, v);
}

tcc_stat tcc_graph_add_sparse_initializer(__tcc_keep struct tcc_graph *g, const char *name,
					  __tcc_keep struct tcc_sparse_tensor *sp)
{
	int n = g->nsparse, cap = g->cap_sparse;
	const char *copy = tcc_arena_strdup(g->ctx->arena, name ? name : "");

	if (!copy || push(g->ctx, &g->sparse_initializers, &g->nsparse, &g->cap_sparse, sp) < 0)
		return -1;
	return push(g->ctx, &g->sparse_names, &n, &cap, (void *)copy);
}

static struct tcc_node *make_node(struct tcc_graph *g, const char *op_type, const char *domain,
				  const char *name, int ninputs, struct tcc_value *const *inputs,
				  int noutputs, struct tcc_value *const *outputs,
				  struct tcc_loc loc)
{
	struct tcc_arena *a = g->ctx->arena;
	struct tcc_node *n = tcc_arena_alloc(a, sizeof(*n));

	if (!n || ninputs < 0 || noutputs < 0)
		return NULL;
	n->op_type = tcc_arena_strdup(a, op_type);
	n->domain = tcc_arena_strdup(a, domain ? domain : "");
	n->name = tcc_arena_strdup(a, name ? name : "");
	n->ninputs = ninputs;
	n->noutputs = noutputs;
	n->inputs = tcc_arena_calloc(a, (size_t)ninputs, sizeof(*n->inputs));
	n->outputs = tcc_arena_calloc(a, (size_t)noutputs, sizeof(*n->outputs));
	if (!n->op_type || !n->domain || !n->name || !n->inputs || !n->outputs)
		return NULL;
	if (ninputs)
		memcpy(n->inputs, inputs, (size_t)ninputs * sizeof(*inputs));
	if (noutputs)
		memcpy(n->outputs, outputs, (size_t)noutputs * sizeof(*outputs));
	for (int i = 0; i < noutputs; i++) {
		if (!outputs[i])
			continue;
		outputs[i]->producer = n;
		outputs[i]->producer_index = i;
	}
	n->graph = g;
	n->loc = loc;
	if (!n->loc.file)
		n->loc.file = g->loc.file;
	if (!n->loc.node)
		n->loc.node = n->name;
	return n;
}

__tcc_keep struct tcc_node *tcc_graph_add_node(__tcc_keep struct tcc_graph *g, const char *op_type,
					       const char *domain, const char *name,
					       int ninputs, struct tcc_value *const *inputs,
					       int noutputs, struct tcc_value *const *outputs,
					       struct tcc_loc loc)
{
	struct tcc_node *n = make_node(g, op_type, domain, name, ninputs, inputs, noutputs,
				       outputs, loc);

	if (!n || push(g->ctx, &g->nodes, &g->nnodes, &g->cap_nodes, n) < 0)
		return NULL;
	return n;
}

__tcc_keep struct tcc_node *tcc_graph_insert_node_before(__tcc_keep struct tcc_graph *g,
							 __tcc_keep struct tcc_node *before,
							 const char *op_type, const char *domain,
							 const char *name, int ninputs,
							 struct tcc_value *const *inputs, int noutputs,
							 struct tcc_value *const *outputs,
							 struct tcc_loc loc)
{
	struct tcc_node *n = tcc_graph_add_node(g, op_type, domain, name, ninputs, inputs,
						noutputs, outputs, loc);
	int pos;

	if (!n)
		return NULL;
	for (pos = 0; pos < g->nnodes - 1 && g->nodes[pos] != before; pos++)
		;
	memmove(g->nodes + pos + 1, g->nodes + pos,
		(size_t)(g->nnodes - 1 - pos) * sizeof(*g->nodes));
	g->nodes[pos] = n;
	return n;
}

void tcc_graph_remove_node(__tcc_keep struct tcc_graph *g, __tcc_keep struct tcc_node *n)
{
	(void)g;
	n->dead = 1;
	for (int i = 0; i < n->noutputs; i++) {
		if (n->outputs[i] && n->outputs[i]->producer == n) {
			n->outputs[i]->producer = NULL;
			n->outputs[i]->producer_index = -1;
		}
	}
}

void tcc_graph_compact(__tcc_keep struct tcc_graph *g)
{
	int k = 0;

	for (int i = 0; i < g->nnodes; i++)
		if (!g->nodes[i]->dead)
			g->nodes[k++] = g->nodes[i];
	g->nnodes = k;
	tcc_graph_count_uses(g);
	k = 0;
	for (int i = 0; i < g->ninitializers; i++) {
		struct tcc_value *v = g->initializers[i];
		if (v->init && (v->uses || v->is_input || v->is_output))
			g->initializers[k++] = v;
	}
	g->ninitializers = k;
	k = 0;
	for (int i = 0; i < g->nvalues; i++) {
		struct tcc_value *v = g->values[i];
		int live = v->producer || v->init || v->is_input || v->is_output || v->uses;
		if (live)
			g->values[k++] = v;
		else
			names_remove(g, v);
	}
	g->nvalues = k;
}

static void replace_in_graph(struct tcc_graph *g, struct tcc_value *from, struct tcc_value *to);

static void replace_in_attrs(struct tcc_node *n, struct tcc_value *from, struct tcc_value *to)
{
	for (int a = 0; a < n->nattrs; a++) {
		struct tcc_attr *at = &n->attrs[a];
		if (at->kind == TCC_ATTR_GRAPH && at->u.g)
			replace_in_graph(at->u.g, from, to);
		if (at->kind == TCC_ATTR_GRAPHS)
			for (int64_t j = 0; j < at->n; j++)
				replace_in_graph(at->u.graphs[j], from, to);
	}
}

static void replace_in_graph(struct tcc_graph *g, struct tcc_value *from, struct tcc_value *to)
{
	for (int i = 0; i < g->nnodes; i++) {
		struct tcc_node *n = g->nodes[i];
		for (int j = 0; j < n->ninputs; j++)
			if (n->inputs[j] == from)
				n->inputs[j] = to;
		replace_in_attrs(n, from, to);
	}
}

void tcc_graph_replace_uses(__tcc_keep struct tcc_graph *g, __tcc_keep struct tcc_value *from,
			    __tcc_keep struct tcc_value *to)
{
	replace_in_graph(g, from, to);
	for (int i = 0; i < g->noutputs; i++)
		if (g->outputs[i] == from)
			g->outputs[i] = to;
	if (from->is_output) {
		from->is_output = 0;
		to->is_output = 1;
	}
}

static void count_in_graph(struct tcc_graph *g)
{
	for (int i = 0; i < g->nnodes; i++) {
		struct tcc_node *n = g->nodes[i];
		if (n->dead)
			continue;
		for (int j = 0; j < n->ninputs; j++)
			if (n->inputs[j])
				n->inputs[j]->uses++;
		for (int a = 0; a < n->nattrs; a++) {
			struct tcc_attr *at = &n->attrs[a];
			if (at->kind == TCC_ATTR_GRAPH && at->u.g)
				count_in_graph(at->u.g);
			if (at->kind == TCC_ATTR_GRAPHS)
				for (int64_t k = 0; k < at->n; k++)
					count_in_graph(at->u.graphs[k]);
		}
	}
	for (int i = 0; i < g->noutputs; i++)
		g->outputs[i]->uses++;
}

static void zero_uses(struct tcc_graph *g)
{
	for (int i = 0; i < g->nvalues; i++)
		g->values[i]->uses = 0;
	for (int i = 0; i < g->nnodes; i++) {
		struct tcc_node *n = g->nodes[i];
		for (int a = 0; a < n->nattrs; a++) {
			struct tcc_attr *at = &n->attrs[a];
			if (at->kind == TCC_ATTR_GRAPH && at->u.g)
				zero_uses(at->u.g);
			if (at->kind == TCC_ATTR_GRAPHS)
				for (int64_t k = 0; k < at->n; k++)
					zero_uses(at->u.graphs[k]);
		}
	}
}

void tcc_graph_count_uses(__tcc_keep struct tcc_graph *g)
{
	zero_uses(g);
	count_in_graph(g);
}

/* Values from the enclosing scope a sub-graph reads (recursively): those make the node
 * holding the sub-graph depend on their producers. */
static int visit_deps(struct tcc_graph *g, struct tcc_graph *scope, struct tcc_node *n,
		      int *state, struct tcc_node **order, int *norder);

static int visit_value(struct tcc_graph *g, struct tcc_value *v, int *state,
		       struct tcc_node **order, int *norder)
{
	struct tcc_node *p;
	int idx;

	if (!v || v->graph != g || !(p = v->producer) || p->dead)
		return 0;
	idx = p->mark;
	if (idx < 0 || idx >= g->nnodes || g->nodes[idx] != p)
		return 0;
	if (state[idx] == 2)
		return 0;
	if (state[idx] == 1)
		return -1 - idx;
	state[idx] = 1;
	int r = visit_deps(g, g, p, state, order, norder);
	if (r < 0)
		return r;
	state[idx] = 2;
	order[(*norder)++] = p;
	return 0;
}

static int visit_deps(struct tcc_graph *g, struct tcc_graph *scope, struct tcc_node *n,
		      int *state, struct tcc_node **order, int *norder)
{
	for (int j = 0; j < n->ninputs; j++) {
		int r = visit_value(g, n->inputs[j], state, order, norder);
		if (r < 0)
			return r;
	}
	for (int a = 0; a < n->nattrs; a++) {
		struct tcc_attr *at = &n->attrs[a];
		struct tcc_graph **subs = at->kind == TCC_ATTR_GRAPH ? &at->u.g : at->u.graphs;
		int64_t nsub = at->kind == TCC_ATTR_GRAPH ? 1 : at->kind == TCC_ATTR_GRAPHS ? at->n : 0;
		for (int64_t k = 0; k < nsub; k++) {
			struct tcc_graph *sub = subs[k];
			for (int i = 0; sub && i < sub->nnodes; i++) {
				int r = visit_deps(g, scope, sub->nodes[i], state, order, norder);
				if (r < 0)
					return r;
			}
			for (int i = 0; sub && i < sub->noutputs; i++) {
				int r = visit_value(g, sub->outputs[i], state, order, norder);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

tcc_stat tcc_graph_toposort(__tcc_keep struct tcc_graph *g)
{
	int n = g->nnodes, norder = 0, r = 0;
	int *state = calloc((size_t)n + 1, sizeof(int));
	struct tcc_node **order = calloc((size_t)n + 1, sizeof(*order));

	if (!state || !order) {
		free(state);
		free(order);
		return tcc_ctx_oom(g->ctx, g->loc);
	}
	for (int i = 0; i < n; i++)
		g->nodes[i]->mark = i;
	for (int i = 0; i < n && r == 0; i++) {
		if (state[i] || g->nodes[i]->dead)
			continue;
		state[i] = 1;
		r = visit_deps(g, g, g->nodes[i], state, order, &norder);
		state[i] = 2;
		order[norder++] = g->nodes[i];
	}
	if (r < 0) {
		struct tcc_node *bad = g->nodes[-1 - r];
		tcc_diag_error(g->ctx->diag, tcc_node_loc(bad),
			       "graph has a cycle through this node (%s)", bad->op_type);
	} else {
		for (int i = 0; i < n; i++)
			if (g->nodes[i]->dead)
				order[norder++] = g->nodes[i];
		if (n)
			memcpy(g->nodes, order, (size_t)n * sizeof(*order));
	}
	free(state);
	free(order);
	return r < 0 ? -1 : 0;
}

__tcc_keep struct tcc_attr *tcc_node_add_attr(__tcc_keep struct tcc_node *n, const char *name,
					      enum tcc_attr_kind kind)
{
	struct tcc_arena *a = n->graph->ctx->arena;
	struct tcc_attr *attrs = tcc_arena_calloc(a, (size_t)n->nattrs + 1, sizeof(*attrs));

	if (!attrs)
		return NULL;
	if (n->nattrs)
		memcpy(attrs, n->attrs, (size_t)n->nattrs * sizeof(*attrs));
	attrs[n->nattrs].name = tcc_arena_strdup(a, name);
	attrs[n->nattrs].kind = kind;
	if (!attrs[n->nattrs].name)
		return NULL;
	n->attrs = attrs;
	return &n->attrs[n->nattrs++];
}

__tcc_keep struct tcc_attr *tcc_node_find_attr(__tcc_keep const struct tcc_node *n, const char *name)
{
	for (int i = 0; i < n->nattrs; i++)
		if (strcmp(n->attrs[i].name, name) == 0)
			return &n->attrs[i];
	return NULL;
}

void tcc_node_remove_attr(__tcc_keep struct tcc_node *n, const char *name)
{
	struct tcc_attr *a = tcc_node_find_attr(n, name);

	if (!a)
		return;
	memmove(a, a + 1, (size_t)(n->attrs + n->nattrs - a - 1) * sizeof(*a));
	n->nattrs--;
}

int64_t tcc_node_attr_int(__tcc_keep const struct tcc_node *n, const char *name, int64_t dflt)
{
	struct tcc_attr *a = tcc_node_find_attr(n, name);

	return a && a->kind == TCC_ATTR_INT && !a->ref_attr_name ? a->u.i : dflt;
}

float tcc_node_attr_float(__tcc_keep const struct tcc_node *n, const char *name, float dflt)
{
	struct tcc_attr *a = tcc_node_find_attr(n, name);

	return a && a->kind == TCC_ATTR_FLOAT && !a->ref_attr_name ? a->u.f : dflt;
}

const char *tcc_node_attr_string(__tcc_keep const struct tcc_node *n, const char *name,
				 const char *dflt)
{
	struct tcc_attr *a = tcc_node_find_attr(n, name);

	if (!a || a->kind != TCC_ATTR_STRING || a->ref_attr_name)
		return dflt;
	return tcc_arena_strndup(n->graph->ctx->arena, a->u.s.data, a->u.s.len);
}

const int64_t *tcc_node_attr_ints(__tcc_keep const struct tcc_node *n, const char *name,
				  int64_t *count)
{
	struct tcc_attr *a = tcc_node_find_attr(n, name);

	if (!a || a->kind != TCC_ATTR_INTS || a->ref_attr_name) {
		*count = -1;
		return NULL;
	}
	*count = a->n;
	return a->u.ints;
}

const float *tcc_node_attr_floats(__tcc_keep const struct tcc_node *n, const char *name,
				  int64_t *count)
{
	struct tcc_attr *a = tcc_node_find_attr(n, name);

	if (!a || a->kind != TCC_ATTR_FLOATS || a->ref_attr_name) {
		*count = -1;
		return NULL;
	}
	*count = a->n;
	return a->u.floats;
}

tcc_stat tcc_node_copy_attr(__tcc_keep struct tcc_node *n, __tcc_keep const struct tcc_attr *a)
{
	struct tcc_ctx *ctx = n->graph->ctx;
	struct tcc_attr *c = tcc_node_add_attr(n, a->name, a->kind);

	if (!c)
		return -1;
	c->ref_attr_name = a->ref_attr_name;
	c->doc_string = a->doc_string;
	c->n = a->n;
	c->u = a->u;
	if (a->kind == TCC_ATTR_TENSOR && a->u.t) {
		c->u.t = tcc_tensor_copy(ctx, a->u.t);
		if (!c->u.t)
			return -1;
	}
	if (a->kind == TCC_ATTR_TYPE_PROTO && a->u.tp) {
		c->u.tp = tcc_arena_alloc(ctx->arena, sizeof(*c->u.tp));
		if (!c->u.tp || tcc_type_copy(ctx, c->u.tp, a->u.tp) < 0)
			return -1;
	}
	return 0;
}

__tcc_keep struct tcc_tensor_data *tcc_value_const(__tcc_keep const struct tcc_value *v)
{
	return v ? v->init : NULL;
}

__tcc_keep struct tcc_value *tcc_node_input(__tcc_keep const struct tcc_node *n, int i)
{
	return i >= 0 && i < n->ninputs ? n->inputs[i] : NULL;
}

int tcc_node_is(__tcc_keep const struct tcc_node *n, const char *op_type)
{
	return is_onnx_domain(n->domain) && strcmp(n->op_type, op_type) == 0;
}

struct tcc_loc tcc_node_loc(__tcc_keep const struct tcc_node *n)
{
	struct tcc_loc loc = n->loc;

	if (!loc.node || !loc.node[0])
		loc.node = n->name && n->name[0] ? n->name : NULL;
	if (!loc.node && !loc.line)
		loc.node = n->noutputs && n->outputs[0] ? n->outputs[0]->name : n->op_type;
	return loc;
}
