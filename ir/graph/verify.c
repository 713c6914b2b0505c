/* The graph verifier. It walks each graph in node order with a scope: a table from value name
 * to the value defined under that name so far. Graph inputs and initializers are defined first,
 * then each node's outputs once its inputs (and the sub-graphs in its attributes, which see the
 * enclosing scope as it stands at that node) have been checked. Every problem is reported through
 * the context's diagnostics; the walk goes on so one call reports them all, and returns -1 when
 * there was any.
 *
 * Checked: one definition per name and one producer per value, inputs defined before use,
 * graph outputs defined, top-level graph inputs typed, valid dtypes and dims in types and
 * tensors, initializers consistent with their declared type, attribute sanity (name, kind,
 * list counts, non-NULL payloads, no duplicate names), sub-graphs recursively. Dead nodes
 * (removed but not yet compacted) are skipped. */
#include "ir/graph/verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A scope: an open-addressing table of the values defined so far, keyed by name ("slots" of
 * "cap" entries, "n" used), and the enclosing "outer" scope of a sub-graph. "errors" counts the
 * problems found in the whole walk (shared by nested scopes through "root"). */
struct scope {
	const struct tcc_value **slots;
	size_t cap, n;
	const struct scope *outer;
	struct tcc_ctx *ctx;
	int *errors;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static const struct tcc_value **scope_slot(const struct scope *sc, const char *name)
{
	size_t i = hash_str(name) & (sc->cap - 1);

	while (sc->slots[i] && strcmp(sc->slots[i]->name, name) != 0)
		i = (i + 1) & (sc->cap - 1);
	return &sc->slots[i];
}

static tcc_stat scope_init(struct scope *sc, struct tcc_ctx *ctx, const struct scope *outer,
			   int *errors, size_t hint)
{
	sc->cap = 16;
	while (sc->cap < 2 * hint + 2)
		sc->cap *= 2;
	sc->n = 0;
	sc->outer = outer;
	sc->ctx = ctx;
	sc->errors = errors;
	sc->slots = calloc(sc->cap, sizeof(*sc->slots));
	return sc->slots ? 0 : -1;
}

static tcc_stat scope_grow(struct scope *sc)
{
	struct scope big = *sc;

	big.cap = sc->cap * 2;
	big.slots = calloc(big.cap, sizeof(*big.slots));
	if (!big.slots)
		return -1;
	for (size_t i = 0; i < sc->cap; i++)
		if (sc->slots[i])
			*scope_slot(&big, sc->slots[i]->name) = sc->slots[i];
	free(sc->slots);
	*sc = big;
	return 0;
}

/* The value defined as "name" in sc or an enclosing scope, NULL when none. */
static const struct tcc_value *scope_find(const struct scope *sc, const char *name)
{
	for (; sc; sc = sc->outer) {
		const struct tcc_value *v = *scope_slot(sc, name);
		if (v)
			return v;
	}
	return NULL;
}

static void fail(struct scope *sc, struct tcc_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct scope *sc, struct tcc_loc loc, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tcc_diag_error(sc->ctx->diag, loc, "%s", msg);
	(*sc->errors)++;
}

/* Define v in sc; a second definition of the name is reported at "loc" (the second definer).
 * Empty names (which no frontend produces) are not entered. */
static void define(struct scope *sc, struct tcc_loc loc, const struct tcc_value *v)
{
	const struct tcc_value **slot;

	if (!v->name || !v->name[0])
		return;
	slot = scope_slot(sc, v->name);
	if (*slot) {
		fail(sc, loc, "value '%s' is defined more than once", v->name);
		return;
	}
	if (4 * (sc->n + 1) > 3 * sc->cap) {
		if (scope_grow(sc) < 0) {
			fail(sc, loc, "out of memory");
			return;
		}
		slot = scope_slot(sc, v->name);
	}
	*slot = v;
	sc->n++;
}

static int defined(const struct scope *sc, const struct tcc_value *v)
{
	return v->name && scope_find(sc, v->name) == v;
}

static void check_graph(struct scope *outer_sc, struct tcc_ctx *ctx, const struct tcc_graph *g,
			int top, int *errors);

/* ---- types and tensors ---- */

static void check_type(struct scope *sc, struct tcc_loc loc, const char *name,
		       const struct tcc_type *t, int depth)
{
	if (!t || depth > 64)
		return;
	switch (t->kind) {
	case TCC_TYPE_UNKNOWN:
		return;
	case TCC_TYPE_TENSOR:
	case TCC_TYPE_SPARSE_TENSOR:
		if (t->elem != TCC_DT_UNDEFINED && !tcc_dtype_is_valid(t->elem))
			fail(sc, loc, "value '%s' has an invalid element type %d", name, t->elem);
		if (t->rank < -1 || (t->rank > 0 && !t->dims)) {
			fail(sc, loc, "value '%s' has an invalid rank %d", name, (int)t->rank);
			return;
		}
		for (int32_t i = 0; i < t->rank; i++)
			if (t->dims[i].value < -1)
				fail(sc, loc, "value '%s' has a negative dimension %lld", name,
				     (long long)t->dims[i].value);
		return;
	case TCC_TYPE_SEQUENCE:
	case TCC_TYPE_OPTIONAL:
	case TCC_TYPE_MAP:
		if (!t->inner)
			fail(sc, loc, "value '%s' has a container type without element type", name);
		if (t->kind == TCC_TYPE_MAP && !tcc_dtype_is_valid(t->elem))
			fail(sc, loc, "value '%s' has an invalid map key type %d", name, t->elem);
		check_type(sc, loc, name, t->inner, depth + 1);
		return;
	}
	fail(sc, loc, "value '%s' has an invalid type kind %d", name, (int)t->kind);
}

static void check_tensor(struct scope *sc, struct tcc_loc loc, const char *what,
			 const struct tcc_tensor_data *t)
{
	int64_t numel;

	if (!tcc_dtype_is_valid(t->dtype)) {
		fail(sc, loc, "%s has an invalid element type %d", what, t->dtype);
		return;
	}
	if (t->rank < 0 || (t->rank > 0 && !t->dims)) {
		fail(sc, loc, "%s has an invalid rank %d", what, (int)t->rank);
		return;
	}
	numel = tcc_shape_numel(t->rank, t->dims);
	if (numel < 0 || numel != t->numel) {
		fail(sc, loc, "%s has %lld elements, which does not match its shape", what,
		     (long long)t->numel);
		return;
	}
	if (t->dtype == TCC_DT_STRING) {
		if (numel > 0 && !t->strings)
			fail(sc, loc, "%s has no string data", what);
		return;
	}
	uint64_t need = ((uint64_t)numel * (uint64_t)tcc_dtype_bits(t->dtype) + 7) / 8;
	if (need > 0 && (!t->data || t->nbytes < need))
		fail(sc, loc, "%s holds %zu bytes of data, expected %llu", what, t->nbytes,
		     (unsigned long long)need);
}

static void print_type_short(char *buf, size_t size, int dtype, int32_t rank,
			     const int64_t *idims, const struct tcc_dim *tdims)
{
	const char *dn = tcc_dtype_name(dtype);
	size_t n = (size_t)snprintf(buf, size, "%s[", dn ? dn : "?");

	for (int32_t i = 0; i < rank && n < size; i++) {
		int64_t d = idims ? idims[i] : tdims[i].value;
		n += (size_t)snprintf(buf + n, size - n, "%s", i ? "," : "");
		if (n >= size)
			break;
		if (d >= 0)
			n += (size_t)snprintf(buf + n, size - n, "%lld", (long long)d);
		else
			n += (size_t)snprintf(buf + n, size - n, "?");
	}
	if (n < size)
		snprintf(buf + n, size - n, "]");
}

/* An initializer's tensor must agree with the value's declared type where that is known. */
static void check_initializer(struct scope *sc, struct tcc_loc loc, const struct tcc_value *v)
{
	const struct tcc_tensor_data *t = v->init;
	const struct tcc_type *ty = &v->type;
	char what[300], decl[200], got[200];
	int ok = 1;

	snprintf(what, sizeof(what), "initializer '%s'", v->name);
	check_tensor(sc, loc, what, t);
	if (ty->kind == TCC_TYPE_UNKNOWN)
		return;
	if (ty->kind != TCC_TYPE_TENSOR) {
		fail(sc, loc, "initializer '%s' is declared with a non-tensor type", v->name);
		return;
	}
	if (ty->elem != TCC_DT_UNDEFINED && ty->elem != t->dtype)
		ok = 0;
	if (ty->rank >= 0 && ty->rank != t->rank)
		ok = 0;
	for (int32_t i = 0; ok && ty->rank >= 0 && i < ty->rank; i++)
		if (ty->dims[i].value >= 0 && ty->dims[i].value != t->dims[i])
			ok = 0;
	if (ok)
		return;
	print_type_short(decl, sizeof(decl), ty->elem, ty->rank < 0 ? 0 : ty->rank, NULL,
			 ty->dims);
	print_type_short(got, sizeof(got), t->dtype, t->rank, t->dims, NULL);
	fail(sc, loc, "initializer '%s' is declared as %s but its data is %s", v->name, decl, got);
}

/* ---- attributes ---- */

static int attr_is_list(enum tcc_attr_kind k)
{
	return k == TCC_ATTR_FLOATS || k == TCC_ATTR_INTS || k == TCC_ATTR_STRINGS ||
	       k == TCC_ATTR_TENSORS || k == TCC_ATTR_GRAPHS || k == TCC_ATTR_SPARSE_TENSORS ||
	       k == TCC_ATTR_TYPE_PROTOS;
}

/* The payload pointer of an attribute (the list array for list kinds). */
static const void *attr_payload(const struct tcc_attr *a)
{
	switch (a->kind) {
	case TCC_ATTR_TENSOR: return a->u.t;
	case TCC_ATTR_GRAPH: return a->u.g;
	case TCC_ATTR_SPARSE_TENSOR: return a->u.sp;
	case TCC_ATTR_TYPE_PROTO: return a->u.tp;
	case TCC_ATTR_FLOATS: return a->u.floats;
	case TCC_ATTR_INTS: return a->u.ints;
	case TCC_ATTR_STRINGS: return a->u.strings;
	case TCC_ATTR_TENSORS: return a->u.tensors;
	case TCC_ATTR_GRAPHS: return a->u.graphs;
	case TCC_ATTR_SPARSE_TENSORS: return a->u.sparse_tensors;
	case TCC_ATTR_TYPE_PROTOS: return a->u.types;
	default: return "";
	}
}

static void check_attr_payload(struct scope *sc, const struct tcc_node *n,
			       const struct tcc_attr *a)
{
	struct tcc_loc loc = tcc_node_loc(n);
	char what[300];

	if (attr_is_list(a->kind) && a->n < 0) {
		fail(sc, loc, "attribute '%s' has a negative count", a->name);
		return;
	}
	if ((!attr_is_list(a->kind) || a->n > 0) && !attr_payload(a)) {
		fail(sc, loc, "attribute '%s' of kind %s has no value", a->name,
		     tcc_attr_kind_name(a->kind));
		return;
	}
	snprintf(what, sizeof(what), "tensor of attribute '%s'", a->name);
	if (a->kind == TCC_ATTR_TENSOR)
		check_tensor(sc, loc, what, a->u.t);
	for (int64_t k = 0; a->kind == TCC_ATTR_TENSORS && k < a->n; k++) {
		if (!a->u.tensors[k])
			fail(sc, loc, "attribute '%s' has a missing tensor", a->name);
		else
			check_tensor(sc, loc, what, a->u.tensors[k]);
	}
	if (a->kind == TCC_ATTR_GRAPH)
		check_graph(sc, sc->ctx, a->u.g, 0, sc->errors);
	for (int64_t k = 0; a->kind == TCC_ATTR_GRAPHS && k < a->n; k++) {
		if (!a->u.graphs[k])
			fail(sc, loc, "attribute '%s' has a missing graph", a->name);
		else
			check_graph(sc, sc->ctx, a->u.graphs[k], 0, sc->errors);
	}
}

/* Attributes whose kind is the same in every ONNX op that has them, so a node of the ONNX
 * domain giving one of another kind is malformed (e.g. Conv's kernel_shape as a string). */
static const struct {
	const char *name;
	enum tcc_attr_kind kind;
} onnx_attr_kinds[] = {
	{ "kernel_shape", TCC_ATTR_INTS }, { "strides", TCC_ATTR_INTS },
	{ "pads", TCC_ATTR_INTS }, { "dilations", TCC_ATTR_INTS },
	{ "perm", TCC_ATTR_INTS }, { "output_padding", TCC_ATTR_INTS },
	{ "output_shape", TCC_ATTR_INTS }, { "axes", TCC_ATTR_INTS },
	{ "axis", TCC_ATTR_INT }, { "keepdims", TCC_ATTR_INT }, { "group", TCC_ATTR_INT },
	{ "transA", TCC_ATTR_INT }, { "transB", TCC_ATTR_INT }, { "to", TCC_ATTR_INT },
	{ "ceil_mode", TCC_ATTR_INT }, { "count_include_pad", TCC_ATTR_INT },
	{ "blocksize", TCC_ATTR_INT }, { "allowzero", TCC_ATTR_INT },
	{ "noop_with_empty_axes", TCC_ATTR_INT },
	{ "alpha", TCC_ATTR_FLOAT }, { "beta", TCC_ATTR_FLOAT }, { "epsilon", TCC_ATTR_FLOAT },
	{ "momentum", TCC_ATTR_FLOAT },
	{ "auto_pad", TCC_ATTR_STRING }, { "mode", TCC_ATTR_STRING },
	{ "equation", TCC_ATTR_STRING }, { "approximate", TCC_ATTR_STRING },
	{ "coordinate_transformation_mode", TCC_ATTR_STRING },
};

static void check_onnx_attr_kind(struct scope *sc, const struct tcc_node *n,
				 const struct tcc_attr *a)
{
	if (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx") != 0)
		return;
	for (size_t i = 0; i < sizeof(onnx_attr_kinds) / sizeof(onnx_attr_kinds[0]); i++) {
		if (strcmp(onnx_attr_kinds[i].name, a->name) != 0 || a->kind == onnx_attr_kinds[i].kind)
			continue;
		fail(sc, tcc_node_loc(n), "attribute '%s' of %s must be %s, not %s", a->name,
		     n->op_type, tcc_attr_kind_name(onnx_attr_kinds[i].kind),
		     tcc_attr_kind_name(a->kind));
	}
}

static void check_attrs(struct scope *sc, const struct tcc_node *n)
{
	struct tcc_loc loc = tcc_node_loc(n);

	if (n->nattrs > 0 && !n->attrs) {
		fail(sc, loc, "node has %d attributes but no attribute array", n->nattrs);
		return;
	}
	for (int i = 0; i < n->nattrs; i++) {
		const struct tcc_attr *a = &n->attrs[i];
		if (!a->name || !a->name[0]) {
			fail(sc, loc, "attribute %d has no name", i);
			continue;
		}
		for (int j = 0; j < i; j++)
			if (n->attrs[j].name && strcmp(n->attrs[j].name, a->name) == 0)
				fail(sc, loc, "attribute '%s' is given more than once", a->name);
		if (a->kind <= TCC_ATTR_UNDEFINED || a->kind > TCC_ATTR_TYPE_PROTOS) {
			fail(sc, loc, "attribute '%s' has an invalid kind %d", a->name,
			     (int)a->kind);
			continue;
		}
		if (!a->ref_attr_name) {
			check_attr_payload(sc, n, a);
			check_onnx_attr_kind(sc, n, a);
		}
	}
}

/* ---- nodes and graphs ---- */

static int in_scope_chain(const struct tcc_graph *g, const struct tcc_graph *owner)
{
	for (; g; g = g->parent)
		if (g == owner)
			return 1;
	return 0;
}

static void check_node_inputs(struct scope *sc, const struct tcc_graph *g, const struct tcc_node *n)
{
	struct tcc_loc loc = tcc_node_loc(n);

	for (int j = 0; j < n->ninputs; j++) {
		const struct tcc_value *v = n->inputs[j];
		if (!v || defined(sc, v))
			continue;
		if (in_scope_chain(g, v->graph) && v->producer && !v->producer->dead)
			fail(sc, loc, "input '%s' is used before it is defined", v->name);
		else
			fail(sc, loc, "input '%s' is not defined", v->name);
	}
}

static void check_node(struct scope *sc, const struct tcc_graph *g, const struct tcc_node *n)
{
	struct tcc_loc loc = tcc_node_loc(n);

	if (!n->op_type || !n->op_type[0])
		fail(sc, loc, "node has no op type");
	if (n->ninputs < 0 || n->noutputs < 0 || (n->ninputs && !n->inputs) ||
	    (n->noutputs && !n->outputs)) {
		fail(sc, loc, "node has invalid input or output counts");
		return;
	}
	check_node_inputs(sc, g, n);
	check_attrs(sc, n);
	for (int j = 0; j < n->noutputs; j++) {
		const struct tcc_value *v = n->outputs[j];
		if (!v)
			continue;
		if (v->graph != g) {
			fail(sc, loc, "output '%s' belongs to another graph", v->name);
			continue;
		}
		/* A value listed as output of two nodes records the later one as producer;
		 * define() reports the clash at the second. */
		if (!v->producer || v->producer->dead || v->producer->graph != g)
			fail(sc, loc, "output '%s' does not record a producer", v->name);
		check_type(sc, loc, v->name, &v->type, 0);
		define(sc, loc, v);
	}
}

static void check_signature(struct scope *sc, const struct tcc_graph *g, int top)
{
	for (int i = 0; i < g->ninputs; i++) {
		const struct tcc_value *v = g->inputs[i];
		if (!v) {
			fail(sc, g->loc, "graph input %d is missing", i);
			continue;
		}
		if (top && v->type.kind == TCC_TYPE_UNKNOWN && !v->init)
			fail(sc, g->loc, "graph input '%s' has no type", v->name);
		if (v->graph != g)
			fail(sc, g->loc, "graph input '%s' belongs to another graph", v->name);
		check_type(sc, g->loc, v->name, &v->type, 0);
		define(sc, g->loc, v);
	}
	for (int i = 0; i < g->ninitializers; i++) {
		const struct tcc_value *v = g->initializers[i];
		if (!v || !v->init) {
			fail(sc, g->loc, "initializer %d has no data", i);
			continue;
		}
		check_initializer(sc, g->loc, v);
		if (!v->is_input)
			define(sc, g->loc, v);
	}
}

static void check_outputs(struct scope *sc, const struct tcc_graph *g)
{
	for (int i = 0; i < g->noutputs; i++) {
		const struct tcc_value *v = g->outputs[i];
		if (!v)
			fail(sc, g->loc, "graph output %d is missing", i);
		else if (!defined(sc, v))
			fail(sc, g->loc, "graph output '%s' is not defined", v->name);
	}
}

/* Verify g in a scope nested in "outer" (NULL for a top-level graph or function body). "top":
 * the model's main graph, whose inputs must be typed. */
static void check_graph(struct scope *outer, struct tcc_ctx *ctx, const struct tcc_graph *g,
			int top, int *errors)
{
	struct scope sc;

	if (scope_init(&sc, ctx, outer, errors, (size_t)g->nvalues) < 0) {
		tcc_ctx_oom(ctx, g->loc);
		(*errors)++;
		return;
	}
	check_signature(&sc, g, top);
	for (int i = 0; i < g->nnodes; i++)
		if (!g->nodes[i]->dead)
			check_node(&sc, g, g->nodes[i]);
	check_outputs(&sc, g);
	free(sc.slots);
}

static tcc_stat verify(const struct tcc_graph *g, int top)
{
	int errors = 0;

	check_graph(NULL, g->ctx, g, top, &errors);
	return errors ? -1 : 0;
}

/* A sub-graph verified on its own sees every value of its enclosing graphs. */
static tcc_stat verify_nested(const struct tcc_graph *g)
{
	struct scope outer;
	int errors = 0;
	size_t total = 0;

	for (const struct tcc_graph *p = g->parent; p; p = p->parent)
		total += (size_t)p->nvalues;
	if (scope_init(&outer, g->ctx, NULL, &errors, total) < 0)
		return tcc_ctx_oom(g->ctx, g->loc);
	for (const struct tcc_graph *p = g->parent; p; p = p->parent)
		for (int i = 0; i < p->nvalues; i++) {
			const struct tcc_value *v = p->values[i];
			if (v->name[0] && !*scope_slot(&outer, v->name))
				define(&outer, p->loc, v);
		}
	check_graph(&outer, g->ctx, g, 0, &errors);
	free(outer.slots);
	return errors ? -1 : 0;
}

tcc_stat tcc_graph_verify(__tcc_keep const struct tcc_graph *g)
{
	return g->parent ? verify_nested(g) : verify(g, 1);
}

tcc_stat tcc_model_verify(__tcc_keep const struct tcc_model *m)
{
	tcc_stat r = 0;

	if (!m->graph) {
		struct tcc_loc loc = { .file = m->path };
		tcc_diag_error(m->ctx->diag, loc, "model has no graph");
		return -1;
	}
	if (verify(m->graph, 1) < 0)
		r = -1;
	for (int i = 0; i < m->nfunctions; i++)
		if (m->functions[i]->body && verify(m->functions[i]->body, 0) < 0)
			r = -1;
	return r;
}
