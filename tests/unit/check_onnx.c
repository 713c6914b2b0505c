/* The ONNX binary frontend: ModelProtos built here with protobuf-c, packed, imported, checked
 * on the IR, written back and re-imported (the result must be structurally identical). */
#include <check.h>
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/onnx/onnx.h"
#include "onnx/onnx.pb-c.h"

/* Protobuf messages of the test at hand come from this arena. */
static struct tcc_arena *A;

static void setup(void)
{
	A = tcc_arena_new();
}

static void teardown(void)
{
	tcc_arena_free(A);
	A = NULL;
}

/* ---- building messages ---- */

static char *S(const char *s)
{
	return tcc_arena_strdup(A, s);
}

static void *arr(size_t n)
{
	return tcc_arena_calloc(A, n ? n : 1, sizeof(void *));
}

static char **names(int n, const char *const *v)
{
	char **out = arr((size_t)n);

	for (int i = 0; i < n; i++)
		out[i] = S(v[i]);
	return out;
}

static Onnx__TypeProto *tensor_type(int elem, int rank, const int64_t *dims, const char *param0)
{
	Onnx__TypeProto *tp = tcc_arena_alloc(A, sizeof(*tp));
	Onnx__TypeProto__Tensor *tt = tcc_arena_alloc(A, sizeof(*tt));

	onnx__type_proto__init(tp);
	onnx__type_proto__tensor__init(tt);
	tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	tp->tensor_type = tt;
	tt->has_elem_type = 1;
	tt->elem_type = elem;
	if (rank < 0)
		return tp;
	tt->shape = tcc_arena_alloc(A, sizeof(*tt->shape));
	onnx__tensor_shape_proto__init(tt->shape);
	tt->shape->n_dim = (size_t)rank;
	tt->shape->dim = arr((size_t)rank);
	for (int i = 0; i < rank; i++) {
		Onnx__TensorShapeProto__Dimension *d = tcc_arena_alloc(A, sizeof(*d));
		onnx__tensor_shape_proto__dimension__init(d);
		if (i == 0 && param0) {
			d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
			d->dim_param = S(param0);
		} else if (dims[i] >= 0) {
			d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
			d->dim_value = dims[i];
		}
		tt->shape->dim[i] = d;
	}
	return tp;
}

static Onnx__ValueInfoProto *vinfo(const char *name, Onnx__TypeProto *type)
{
	Onnx__ValueInfoProto *vi = tcc_arena_alloc(A, sizeof(*vi));

	onnx__value_info_proto__init(vi);
	vi->name = S(name);
	vi->type = type;
	return vi;
}

static Onnx__NodeProto *node(const char *op, const char *name, int nin, const char *const *ins,
			     int nout, const char *const *outs)
{
	Onnx__NodeProto *n = tcc_arena_alloc(A, sizeof(*n));

	onnx__node_proto__init(n);
	n->op_type = S(op);
	n->name = name ? S(name) : NULL;
	n->n_input = (size_t)nin;
	n->input = names(nin, ins);
	n->n_output = (size_t)nout;
	n->output = names(nout, outs);
	return n;
}

static Onnx__AttributeProto *attr(Onnx__NodeProto *n, const char *name, int type)
{
	Onnx__AttributeProto *a = tcc_arena_alloc(A, sizeof(*a));
	Onnx__AttributeProto **grown = arr(n->n_attribute + 1);

	onnx__attribute_proto__init(a);
	a->name = S(name);
	a->has_type = type != 0;
	a->type = (Onnx__AttributeProto__AttributeType)type;
	if (n->n_attribute)
		memcpy(grown, n->attribute, n->n_attribute * sizeof(*grown));
	grown[n->n_attribute++] = a;
	n->attribute = grown;
	return a;
}

static Onnx__TensorProto *tensor(const char *name, int dtype, int rank, const int64_t *dims)
{
	Onnx__TensorProto *t = tcc_arena_alloc(A, sizeof(*t));

	onnx__tensor_proto__init(t);
	t->name = name ? S(name) : NULL;
	t->has_data_type = 1;
	t->data_type = dtype;
	t->n_dims = (size_t)rank;
	t->dims = tcc_arena_memdup(A, dims, (size_t)rank * sizeof(int64_t));
	return t;
}

static void set_raw(Onnx__TensorProto *t, const void *data, size_t len)
{
	t->has_raw_data = 1;
	t->raw_data.len = len;
	t->raw_data.data = tcc_arena_memdup(A, data, len);
}

static Onnx__GraphProto *graph(const char *name)
{
	Onnx__GraphProto *g = tcc_arena_alloc(A, sizeof(*g));

	onnx__graph_proto__init(g);
	g->name = S(name);
	return g;
}

/* Append item to a protobuf repeated field (n, items). */
#define PUSH(n, items, item)                                                                   \
	do {                                                                                   \
		void **grown_ = arr((n) + 1);                                                  \
		if (n)                                                                         \
			memcpy(grown_, (items), (n) * sizeof(void *));                         \
		grown_[(n)++] = (item);                                                        \
		(items) = (void *)grown_;                                                      \
	} while (0)

static Onnx__ModelProto *model(int64_t ir, Onnx__GraphProto *g)
{
	Onnx__ModelProto *m = tcc_arena_alloc(A, sizeof(*m));
	Onnx__OperatorSetIdProto *o = tcc_arena_alloc(A, sizeof(*o));

	onnx__model_proto__init(m);
	onnx__operator_set_id_proto__init(o);
	m->has_ir_version = ir != 0;
	m->ir_version = ir;
	o->domain = S("");
	o->has_version = 1;
	o->version = 17;
	PUSH(m->n_opset_import, m->opset_import, o);
	m->graph = g;
	return m;
}

static void *pack(const Onnx__ModelProto *m, size_t *len)
{
	void *buf = malloc(onnx__model_proto__get_packed_size(m) + 1);

	*len = onnx__model_proto__pack(m, buf);
	return buf;
}

static struct tcc_model *import(struct tcc_ctx *ctx, const char *path, const Onnx__ModelProto *mp)
{
	size_t len;
	void *buf = pack(mp, &len);
	struct tcc_model *m = tcc_onnx_read(ctx, path, buf, len);

	free(buf);
	return m;
}

static const char *first_error(struct tcc_ctx *ctx)
{
	const char *e = tcc_diag_first_error(ctx->diag);

	return e ? e : "(none)";
}

/* ---- structural comparison of two models (NULL when equal, else what differs) ---- */

static char diff_buf[512];

static const char *differ(const char *fmt, const char *what)
{
	snprintf(diff_buf, sizeof(diff_buf), fmt, what);
	return diff_buf;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int type_eq(const struct tcc_type *a, const struct tcc_type *b)
{
	if (!tcc_type_equal(a, b) || !str_eq(a->denotation, b->denotation))
		return 0;
	return !a->inner || type_eq(a->inner, b->inner);
}

static int sparse_eq(const struct tcc_sparse_tensor *a, const struct tcc_sparse_tensor *b)
{
	return a->rank == b->rank && !memcmp(a->dims, b->dims, (size_t)a->rank * 8) &&
	       tcc_tensor_equal(a->values, b->values) && tcc_tensor_equal(a->indices, b->indices);
}

static const char *cmp_graph(const struct tcc_graph *a, const struct tcc_graph *b);

static const char *cmp_attr(const struct tcc_attr *a, const struct tcc_attr *b)
{
	if (!str_eq(a->name, b->name) || a->kind != b->kind || a->n != b->n ||
	    !str_eq(a->ref_attr_name, b->ref_attr_name) || !str_eq(a->doc_string, b->doc_string))
		return differ("attribute %s header", a->name);
	if (a->ref_attr_name)
		return NULL;
	switch (a->kind) {
	case TCC_ATTR_FLOAT: return memcmp(&a->u.f, &b->u.f, 4) ? differ("attr %s", a->name) : NULL;
	case TCC_ATTR_INT: return a->u.i != b->u.i ? differ("attr %s", a->name) : NULL;
	case TCC_ATTR_STRING:
		return a->u.s.len != b->u.s.len || memcmp(a->u.s.data, b->u.s.data, a->u.s.len)
		       ? differ("attr %s", a->name) : NULL;
	case TCC_ATTR_TENSOR:
		return tcc_tensor_equal(a->u.t, b->u.t) && str_eq(a->u.t->name, b->u.t->name)
		       ? NULL : differ("attr %s tensor", a->name);
	case TCC_ATTR_GRAPH: return cmp_graph(a->u.g, b->u.g);
	case TCC_ATTR_SPARSE_TENSOR:
		return sparse_eq(a->u.sp, b->u.sp) ? NULL : differ("attr %s", a->name);
	case TCC_ATTR_TYPE_PROTO: return type_eq(a->u.tp, b->u.tp) ? NULL : differ("attr %s", a->name);
	case TCC_ATTR_FLOATS:
		return memcmp(a->u.floats, b->u.floats, (size_t)a->n * 4) ? differ("attr %s", a->name) : NULL;
	case TCC_ATTR_INTS:
		return memcmp(a->u.ints, b->u.ints, (size_t)a->n * 8) ? differ("attr %s", a->name) : NULL;
	default:
		break;
	}
	for (int64_t i = 0; i < a->n; i++) {
		const char *d = NULL;
		switch (a->kind) {
		case TCC_ATTR_STRINGS:
			if (a->u.strings[i].len != b->u.strings[i].len ||
			    memcmp(a->u.strings[i].data, b->u.strings[i].data, a->u.strings[i].len))
				d = differ("attr %s", a->name);
			break;
		case TCC_ATTR_TENSORS:
			if (!tcc_tensor_equal(a->u.tensors[i], b->u.tensors[i]))
				d = differ("attr %s", a->name);
			break;
		case TCC_ATTR_GRAPHS: d = cmp_graph(a->u.graphs[i], b->u.graphs[i]); break;
		case TCC_ATTR_SPARSE_TENSORS:
			if (!sparse_eq(a->u.sparse_tensors[i], b->u.sparse_tensors[i]))
				d = differ("attr %s", a->name);
			break;
		default:
			if (!type_eq(a->u.types[i], b->u.types[i]))
				d = differ("attr %s", a->name);
			break;
		}
		if (d)
			return d;
	}
	return NULL;
}

/* Same name, graph (by depth from the root), flags, type, constant, producer position. */
static int value_eq(const struct tcc_value *a, const struct tcc_value *b)
{
	if (!a || !b)
		return a == b;
	if (!str_eq(a->name, b->name) || !type_eq(&a->type, &b->type) ||
	    !str_eq(a->doc_string, b->doc_string) || a->is_input != b->is_input ||
	    a->is_output != b->is_output || a->has_info != b->has_info || !a->init != !b->init ||
	    a->producer_index != b->producer_index || !a->producer != !b->producer)
		return 0;
	if (a->init && (!tcc_tensor_equal(a->init, b->init) || !str_eq(a->init->name, b->init->name)))
		return 0;
	if (a->producer && !str_eq(a->producer->op_type, b->producer->op_type))
		return 0;
	return 1;
}

static const char *cmp_node(const struct tcc_node *a, const struct tcc_node *b)
{
	if (!str_eq(a->op_type, b->op_type) || !str_eq(a->domain, b->domain) ||
	    !str_eq(a->name, b->name) || !str_eq(a->doc_string, b->doc_string) ||
	    a->ninputs != b->ninputs || a->noutputs != b->noutputs || a->nattrs != b->nattrs ||
	    !str_eq(a->loc.node, b->loc.node))
		return differ("node %s header", a->name);
	for (int i = 0; i < a->ninputs; i++)
		if (!value_eq(a->inputs[i], b->inputs[i]))
			return differ("node %s input", a->name);
	for (int i = 0; i < a->noutputs; i++)
		if (!value_eq(a->outputs[i], b->outputs[i]))
			return differ("node %s output", a->name);
	for (int i = 0; i < a->nattrs; i++) {
		const char *d = cmp_attr(&a->attrs[i], &b->attrs[i]);
		if (d)
			return d;
	}
	return NULL;
}

static const char *cmp_graph(const struct tcc_graph *a, const struct tcc_graph *b)
{
	if (!str_eq(a->name, b->name) || !str_eq(a->doc_string, b->doc_string) ||
	    a->nnodes != b->nnodes || a->ninputs != b->ninputs || a->noutputs != b->noutputs ||
	    a->nvalues != b->nvalues || a->ninitializers != b->ninitializers ||
	    a->nsparse != b->nsparse || !a->parent != !b->parent)
		return differ("graph %s counts", a->name);
	for (int i = 0; i < a->nvalues; i++)
		if (!value_eq(a->values[i], b->values[i]))
			return differ("value %s", a->values[i]->name);
	for (int i = 0; i < a->ninputs; i++)
		if (!value_eq(a->inputs[i], b->inputs[i]))
			return differ("input %s", a->inputs[i]->name);
	for (int i = 0; i < a->noutputs; i++)
		if (!value_eq(a->outputs[i], b->outputs[i]))
			return differ("output %s", a->outputs[i]->name);
	for (int i = 0; i < a->ninitializers; i++)
		if (!value_eq(a->initializers[i], b->initializers[i]))
			return differ("initializer %s", a->initializers[i]->name);
	for (int i = 0; i < a->nsparse; i++)
		if (!str_eq(a->sparse_names[i], b->sparse_names[i]) ||
		    !sparse_eq(a->sparse_initializers[i], b->sparse_initializers[i]))
			return differ("sparse initializer %s", a->sparse_names[i]);
	for (int i = 0; i < a->nnodes; i++) {
		const char *d = cmp_node(a->nodes[i], b->nodes[i]);
		if (d)
			return d;
	}
	return NULL;
}

static const char *cmp_model(const struct tcc_model *a, const struct tcc_model *b)
{
	if (a->ir_version != b->ir_version || a->model_version != b->model_version ||
	    !str_eq(a->producer_name, b->producer_name) ||
	    !str_eq(a->producer_version, b->producer_version) || !str_eq(a->domain, b->domain) ||
	    !str_eq(a->doc_string, b->doc_string) || a->nopsets != b->nopsets ||
	    a->nmetadata != b->nmetadata || a->nfunctions != b->nfunctions)
		return "model header";
	for (int i = 0; i < a->nopsets; i++)
		if (!str_eq(a->opsets[i].domain, b->opsets[i].domain) ||
		    a->opsets[i].version != b->opsets[i].version)
			return "opsets";
	for (int i = 0; i < a->nmetadata; i++)
		if (!str_eq(a->metadata[i].key, b->metadata[i].key) ||
		    !str_eq(a->metadata[i].value, b->metadata[i].value))
			return "metadata";
	for (int i = 0; i < a->nfunctions; i++) {
		const struct tcc_function *f = a->functions[i], *h = b->functions[i];
		const char *d;
		if (!str_eq(f->name, h->name) || !str_eq(f->domain, h->domain) ||
		    !str_eq(f->doc_string, h->doc_string) || f->nattrs != h->nattrs ||
		    f->nopsets != h->nopsets)
			return differ("function %s header", f->name);
		for (int j = 0; j < f->nattrs; j++)
			if (!str_eq(f->attrs[j], h->attrs[j]))
				return differ("function %s attrs", f->name);
		if ((d = cmp_graph(f->body, h->body)))
			return d;
	}
	return cmp_graph(a->graph, b->graph);
}

/* Write m, read it back into a new context and compare; NULL when identical. */
static const char *roundtrip(const struct tcc_model *m)
{
	static char msg[600];
	struct tcc_ctx *ctx = tcc_ctx_new();
	size_t len;
	void *buf = tcc_onnx_write(m, &len);
	struct tcc_model *again;
	const char *d;

	if (!buf) {
		tcc_ctx_free(ctx);
		return "write failed";
	}
	again = tcc_onnx_read(ctx, m->path, buf, len);
	free(buf);
	d = again ? cmp_model(m, again) : "re-import failed: ";
	if (d) {
		snprintf(msg, sizeof(msg), "%s%s", d, again ? "" : first_error(ctx));
		d = msg;
	}
	tcc_ctx_free(ctx);
	return d;
}

/* ---- a small model: X[N,3] · W[3,2] → Relu → Y, with value_info for the product ---- */

static Onnx__ModelProto *small_model(void)
{
	static const int64_t xdims[] = { -1, 3 }, wdims[] = { 3, 2 }, ydims[] = { -1, 2 };
	static const float w[] = { 1, 2, 3, 4, 5, 6 };
	Onnx__GraphProto *g = graph("small");
	Onnx__ModelProto *m = model(8, g);
	Onnx__TensorProto *wt = tensor("W", TCC_DT_FLOAT, 2, wdims);
	Onnx__StringStringEntryProto *kv = tcc_arena_alloc(A, sizeof(*kv));
	Onnx__OperatorSetIdProto *o = tcc_arena_alloc(A, sizeof(*o));

	set_raw(wt, w, sizeof(w));
	PUSH(g->n_input, g->input, vinfo("X", tensor_type(TCC_DT_FLOAT, 2, xdims, "N")));
	PUSH(g->n_initializer, g->initializer, wt);
	PUSH(g->n_node, g->node, node("MatMul", "mm", 2, (const char *[]){ "X", "W" }, 1,
				     (const char *[]){ "P" }));
	PUSH(g->n_node, g->node, node("Relu", "", 1, (const char *[]){ "P" }, 1,
				     (const char *[]){ "Y" }));
	PUSH(g->n_output, g->output, vinfo("Y", tensor_type(TCC_DT_FLOAT, 2, ydims, "N")));
	PUSH(g->n_value_info, g->value_info, vinfo("P", tensor_type(TCC_DT_FLOAT, 2, ydims, NULL)));
	g->doc_string = S("a graph");
	m->producer_name = S("check_onnx");
	m->producer_version = S("1.0");
	m->domain = S("org.tcc");
	m->has_model_version = 1;
	m->model_version = 7;
	m->doc_string = S("doc");
	onnx__string_string_entry_proto__init(kv);
	kv->key = S("author");
	kv->value = S("me");
	PUSH(m->n_metadata_props, m->metadata_props, kv);
	onnx__operator_set_id_proto__init(o);
	o->domain = S("com.example");
	o->has_version = 1;
	o->version = 2;
	PUSH(m->n_opset_import, m->opset_import, o);
	return m;
}

START_TEST(test_small_model)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_model *m = import(ctx, "small.onnx", small_model());
	struct tcc_graph *g;
	struct tcc_value *x, *w, *p;

	ck_assert_msg(m, "%s", first_error(ctx));
	ck_assert_int_eq(m->ir_version, 8);
	ck_assert_int_eq(m->model_version, 7);
	ck_assert_str_eq(m->producer_name, "check_onnx");
	ck_assert_str_eq(m->producer_version, "1.0");
	ck_assert_str_eq(m->domain, "org.tcc");
	ck_assert_str_eq(m->doc_string, "doc");
	ck_assert_int_eq(m->nmetadata, 1);
	ck_assert_str_eq(m->metadata[0].value, "me");
	ck_assert_int_eq(tcc_model_opset(m, ""), 17);
	ck_assert_int_eq(tcc_model_opset(m, "com.example"), 2);
	g = m->graph;
	ck_assert_str_eq(g->name, "small");
	ck_assert_str_eq(g->doc_string, "a graph");
	ck_assert_int_eq(g->ninputs, 1);
	ck_assert_int_eq(g->ninitializers, 1);
	ck_assert_int_eq(g->nnodes, 2);
	ck_assert_int_eq(g->noutputs, 1);
	x = g->inputs[0];
	ck_assert(x->is_input && !x->init);
	ck_assert_int_eq(x->type.kind, TCC_TYPE_TENSOR);
	ck_assert_int_eq(x->type.rank, 2);
	ck_assert_str_eq(x->type.dims[0].param, "N");
	ck_assert_int_eq(x->type.dims[0].value, -1);
	ck_assert_int_eq(x->type.dims[1].value, 3);
	w = tcc_graph_lookup(g, "W");
	ck_assert(w && w->init && !w->is_input);
	ck_assert_int_eq(w->init->numel, 6);
	ck_assert(tcc_tensor_get_f64(w->init, 5) == 6.0);
	ck_assert_int_eq(w->type.rank, 2);
	ck_assert_str_eq(g->nodes[0]->op_type, "MatMul");
	ck_assert_str_eq(g->nodes[0]->loc.file, "small.onnx");
	ck_assert_str_eq(g->nodes[0]->loc.node, "mm");
	ck_assert_ptr_null(g->nodes[1]->loc.node);
	ck_assert_ptr_eq(g->nodes[0]->inputs[0], x);
	ck_assert_ptr_eq(g->nodes[0]->inputs[1], w);
	p = g->nodes[0]->outputs[0];
	ck_assert_ptr_eq(g->nodes[1]->inputs[0], p);
	ck_assert(p->has_info && p->type.rank == 2 && p->type.dims[1].value == 2);
	ck_assert_ptr_eq(p->producer, g->nodes[0]);
	ck_assert(g->outputs[0]->is_output && !g->outputs[0]->has_info);
	ck_assert_ptr_eq(g->outputs[0]->producer, g->nodes[1]);
	ck_assert_str_eq(g->outputs[0]->type.dims[0].param, "N");
	ck_assert_ptr_null(roundtrip(m));
	tcc_ctx_free(ctx);
}
END_TEST

/* ---- attributes of every kind ---- */

static Onnx__ModelProto *attr_model(void)
{
	static const int64_t d2[] = { 2 };
	static const float fl[] = { 0.5f, -1.0f };
	static const int64_t in[] = { 3, -4, 5 };
	Onnx__GraphProto *g = graph("attrs"), *body = graph("body");
	Onnx__ModelProto *m = model(9, g);
	Onnx__NodeProto *n = node("Custom", "c", 1, (const char *[]){ "X" }, 1,
				  (const char *[]){ "Y" });
	Onnx__AttributeProto *a;
	Onnx__TensorProto *t = tensor("tv", TCC_DT_INT64, 1, d2);
	Onnx__SparseTensorProto *sp = tcc_arena_alloc(A, sizeof(*sp));

	n->domain = S("com.example");
	n->doc_string = S("node doc");
	set_raw(t, (int64_t[]){ 7, 8 }, 16);
	a = attr(n, "f", TCC_ATTR_FLOAT), a->has_f = 1, a->f = 1.5f, a->doc_string = S("adoc");
	a = attr(n, "i", TCC_ATTR_INT), a->has_i = 1, a->i = -42;
	a = attr(n, "s", TCC_ATTR_STRING), a->has_s = 1;
	a->s.data = tcc_arena_memdup(A, "a\0b", 3), a->s.len = 3;
	a = attr(n, "t", TCC_ATTR_TENSOR), a->t = t;
	PUSH(body->n_input, body->input, vinfo("bx", NULL));
	PUSH(body->n_node, body->node, node("Neg", NULL, 1, (const char *[]){ "X" }, 1,
					    (const char *[]){ "by" }));
	PUSH(body->n_output, body->output, vinfo("by", NULL));
	a = attr(n, "g", TCC_ATTR_GRAPH), a->g = body;
	a = attr(n, "fs", TCC_ATTR_FLOATS), a->n_floats = 2, a->floats = (float *)fl;
	a = attr(n, "is", TCC_ATTR_INTS), a->n_ints = 3, a->ints = (int64_t *)in;
	a = attr(n, "ss", TCC_ATTR_STRINGS), a->n_strings = 2;
	a->strings = tcc_arena_calloc(A, 2, sizeof(*a->strings));
	a->strings[0].data = (uint8_t *)S("x"), a->strings[0].len = 1;
	a->strings[1].data = (uint8_t *)S(""), a->strings[1].len = 0;
	a = attr(n, "ts", TCC_ATTR_TENSORS);
	PUSH(a->n_tensors, a->tensors, t);
	PUSH(a->n_tensors, a->tensors, t);
	a = attr(n, "gs", TCC_ATTR_GRAPHS);
	PUSH(a->n_graphs, a->graphs, body);
	onnx__sparse_tensor_proto__init(sp);
	sp->values = tensor("sv", TCC_DT_FLOAT, 1, d2);
	set_raw(sp->values, fl, 8);
	sp->indices = tensor(NULL, TCC_DT_INT64, 1, d2);
	set_raw(sp->indices, (int64_t[]){ 1, 3 }, 16);
	sp->n_dims = 1, sp->dims = tcc_arena_memdup(A, (int64_t[]){ 5 }, 8);
	a = attr(n, "sp", TCC_ATTR_SPARSE_TENSOR), a->sparse_tensor = sp;
	a = attr(n, "sps", TCC_ATTR_SPARSE_TENSORS);
	PUSH(a->n_sparse_tensors, a->sparse_tensors, sp);
	a = attr(n, "tp", TCC_ATTR_TYPE_PROTO), a->tp = tensor_type(TCC_DT_BOOL, 1, d2, NULL);
	a = attr(n, "tps", TCC_ATTR_TYPE_PROTOS);
	PUSH(a->n_type_protos, a->type_protos, tensor_type(TCC_DT_INT8, -1, NULL, NULL));
	/* An old-style attribute without a type field. */
	a = attr(n, "old", 0), a->n_ints = 2, a->ints = (int64_t *)in;
	a = attr(n, "oldf", 0), a->has_f = 1, a->f = 2.0f;
	a = attr(n, "ref", TCC_ATTR_INT), a->ref_attr_name = S("outer");
	PUSH(g->n_input, g->input, vinfo("X", tensor_type(TCC_DT_FLOAT, 1, d2, NULL)));
	PUSH(g->n_node, g->node, n);
	PUSH(g->n_output, g->output, vinfo("Y", NULL));
	return m;
}

START_TEST(test_attributes)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_model *m = import(ctx, "attrs.onnx", attr_model());
	struct tcc_node *n;
	struct tcc_attr *a;

	ck_assert_msg(m, "%s", first_error(ctx));
	n = m->graph->nodes[0];
	ck_assert_str_eq(n->domain, "com.example");
	ck_assert_str_eq(n->doc_string, "node doc");
	ck_assert_int_eq(n->nattrs, 17);
	ck_assert(tcc_node_attr_float(n, "f", 0) == 1.5f);
	ck_assert_str_eq(tcc_node_find_attr(n, "f")->doc_string, "adoc");
	ck_assert_int_eq(tcc_node_attr_int(n, "i", 0), -42);
	a = tcc_node_find_attr(n, "s");
	ck_assert(a->kind == TCC_ATTR_STRING && a->u.s.len == 3 && !memcmp(a->u.s.data, "a\0b", 3));
	a = tcc_node_find_attr(n, "t");
	ck_assert(a->kind == TCC_ATTR_TENSOR && a->u.t->dtype == TCC_DT_INT64);
	ck_assert_int_eq(tcc_tensor_get_i64(a->u.t, 1), 8);
	ck_assert_str_eq(a->u.t->name, "tv");
	a = tcc_node_find_attr(n, "g");
	ck_assert(a->kind == TCC_ATTR_GRAPH && a->u.g->parent == m->graph);
	/* The body reads X of the enclosing graph: the very same value. */
	ck_assert_ptr_eq(a->u.g->nodes[0]->inputs[0], m->graph->inputs[0]);
	ck_assert_str_eq(a->u.g->name, "body");
	a = tcc_node_find_attr(n, "fs");
	ck_assert(a->kind == TCC_ATTR_FLOATS && a->n == 2 && a->u.floats[1] == -1.0f);
	a = tcc_node_find_attr(n, "is");
	ck_assert(a->kind == TCC_ATTR_INTS && a->n == 3 && a->u.ints[1] == -4);
	a = tcc_node_find_attr(n, "ss");
	ck_assert(a->kind == TCC_ATTR_STRINGS && a->n == 2 && a->u.strings[1].len == 0);
	a = tcc_node_find_attr(n, "ts");
	ck_assert(a->kind == TCC_ATTR_TENSORS && a->n == 2);
	a = tcc_node_find_attr(n, "gs");
	ck_assert(a->kind == TCC_ATTR_GRAPHS && a->n == 1 && a->u.graphs[0]->nnodes == 1);
	a = tcc_node_find_attr(n, "sp");
	ck_assert(a->kind == TCC_ATTR_SPARSE_TENSOR && a->u.sp->rank == 1 && a->u.sp->dims[0] == 5);
	ck_assert_int_eq(tcc_tensor_get_i64(a->u.sp->indices, 1), 3);
	a = tcc_node_find_attr(n, "sps");
	ck_assert(a->kind == TCC_ATTR_SPARSE_TENSORS && a->n == 1);
	a = tcc_node_find_attr(n, "tp");
	ck_assert(a->kind == TCC_ATTR_TYPE_PROTO && a->u.tp->elem == TCC_DT_BOOL);
	a = tcc_node_find_attr(n, "tps");
	ck_assert(a->kind == TCC_ATTR_TYPE_PROTOS && a->u.types[0]->rank == -1);
	a = tcc_node_find_attr(n, "old");
	ck_assert(a->kind == TCC_ATTR_INTS && a->n == 2);
	ck_assert(tcc_node_find_attr(n, "oldf")->kind == TCC_ATTR_FLOAT);
	a = tcc_node_find_attr(n, "ref");
	ck_assert(a->kind == TCC_ATTR_INT && a->ref_attr_name && !strcmp(a->ref_attr_name, "outer"));
	ck_assert_int_eq(tcc_node_attr_int(n, "ref", 99), 99);
	ck_assert_ptr_null(roundtrip(m));
	tcc_ctx_free(ctx);
}
END_TEST

/* ---- scopes, forward references, omitted optional values ---- */

START_TEST(test_scopes)
{
	static const int64_t d1[] = { 1 };
	Onnx__GraphProto *g = graph("main"), *then_g = graph("then"), *else_g = graph("else");
	Onnx__NodeProto *iff = node("If", "if", 1, (const char *[]){ "c" }, 1,
				    (const char *[]){ "r" });
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_model *m;
	struct tcc_graph *tg, *eg;
	struct tcc_value *late;

	/* "late" is defined by a node after the If (and after its user "Add"). */
	PUSH(then_g->n_node, then_g->node, node("Identity", NULL, 1, (const char *[]){ "late" }, 1,
						(const char *[]){ "t" }));
	PUSH(then_g->n_output, then_g->output, vinfo("t", NULL));
	PUSH(else_g->n_output, else_g->output, vinfo("late", NULL));
	attr(iff, "then_branch", TCC_ATTR_GRAPH)->g = then_g;
	attr(iff, "else_branch", TCC_ATTR_GRAPH)->g = else_g;
	PUSH(g->n_input, g->input, vinfo("c", tensor_type(TCC_DT_BOOL, 1, d1, NULL)));
	PUSH(g->n_input, g->input, vinfo("x", tensor_type(TCC_DT_FLOAT, 1, d1, NULL)));
	PUSH(g->n_node, g->node, iff);
	PUSH(g->n_node, g->node, node("Add", "add", 2, (const char *[]){ "r", "late" }, 1,
				     (const char *[]){ "y" }));
	PUSH(g->n_node, g->node, node("Dropout", "drop", 3, (const char *[]){ "x", "", "" }, 2,
				     (const char *[]){ "late", "" }));
	PUSH(g->n_output, g->output, vinfo("y", NULL));
	m = import(ctx, "scopes.onnx", model(7, g));
	ck_assert_msg(m, "%s", first_error(ctx));
	ck_assert_int_eq(m->graph->nnodes, 3);
	ck_assert_str_eq(m->graph->nodes[0]->op_type, "If"); /* file order, not sorted */
	late = m->graph->nodes[2]->outputs[0];
	ck_assert_ptr_null(m->graph->nodes[2]->outputs[1]);
	ck_assert_ptr_null(m->graph->nodes[2]->inputs[1]);
	ck_assert_int_eq(m->graph->nodes[2]->ninputs, 3);
	ck_assert_ptr_eq(m->graph->nodes[1]->inputs[1], late);
	tg = tcc_node_find_attr(m->graph->nodes[0], "then_branch")->u.g;
	eg = tcc_node_find_attr(m->graph->nodes[0], "else_branch")->u.g;
	ck_assert_ptr_eq(tg->parent, m->graph);
	ck_assert_ptr_eq(tg->nodes[0]->inputs[0], late);
	/* A sub-graph output that is an outer value: listed, but not marked as a main output. */
	ck_assert_ptr_eq(eg->outputs[0], late);
	ck_assert(!late->is_output);
	ck_assert_ptr_null(roundtrip(m));
	tcc_ctx_free(ctx);
}
END_TEST

START_TEST(test_undefined_input)
{
	Onnx__GraphProto *g = graph("g"), *body = graph("body");
	Onnx__NodeProto *loop = node("Loop", "loop", 0, NULL, 0, NULL);
	struct tcc_ctx *ctx = tcc_ctx_new();

	PUSH(g->n_node, g->node, node("Relu", "n1", 1, (const char *[]){ "zz" }, 1,
				     (const char *[]){ "y" }));
	ck_assert_ptr_null(import(ctx, "bad.onnx", model(8, g)));
	ck_assert_str_eq(first_error(ctx), "bad.onnx: node n1: error: input 'zz' is not defined");
	tcc_ctx_free(ctx);

	/* Inside a sub-graph too, naming the inner node. */
	ctx = tcc_ctx_new();
	g = graph("g");
	PUSH(body->n_node, body->node, node("Relu", "inner", 1, (const char *[]){ "nowhere" }, 1,
					    (const char *[]){ "b" }));
	attr(loop, "body", TCC_ATTR_GRAPH)->g = body;
	PUSH(g->n_node, g->node, loop);
	ck_assert_ptr_null(import(ctx, "bad.onnx", model(8, g)));
	ck_assert_str_eq(first_error(ctx),
			 "bad.onnx: node inner: error: input 'nowhere' is not defined");
	tcc_ctx_free(ctx);

	/* An unnamed node is named by its first output. */
	ctx = tcc_ctx_new();
	g = graph("g");
	PUSH(g->n_node, g->node, node("Relu", NULL, 1, (const char *[]){ "zz" }, 1,
				     (const char *[]){ "yy" }));
	ck_assert_ptr_null(import(ctx, "bad.onnx", model(8, g)));
	ck_assert_str_eq(first_error(ctx), "bad.onnx: node yy: error: input 'zz' is not defined");
	tcc_ctx_free(ctx);

	/* An undefined graph output. */
	ctx = tcc_ctx_new();
	g = graph("g");
	PUSH(g->n_output, g->output, vinfo("ghost", NULL));
	ck_assert_ptr_null(import(ctx, "bad.onnx", model(8, g)));
	ck_assert_str_eq(first_error(ctx), "bad.onnx: error: graph output 'ghost' is not defined");
	tcc_ctx_free(ctx);
}
END_TEST

/* ---- tensors: typed fields and raw_data decode to the same bytes ---- */

/* One case: dtype, element count, the typed field's content, and the expected packed bytes. */
struct tensor_case {
	int dtype;
	int numel;
	const char *field;
	double values[8];
	unsigned char raw[64];
	size_t nraw;
};

static const struct tensor_case tensor_cases[] = {
	{ TCC_DT_FLOAT, 2, "float_data", { 1.0, -2.5 }, { 0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0 }, 8 },
	{ TCC_DT_DOUBLE, 1, "double_data", { 1.0 }, { 0, 0, 0, 0, 0, 0, 0xf0, 0x3f }, 8 },
	{ TCC_DT_INT64, 1, "int64_data", { -2 }, { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 8 },
	{ TCC_DT_INT32, 2, "int32_data", { -1, 258 }, { 0xff, 0xff, 0xff, 0xff, 2, 1, 0, 0 }, 8 },
	{ TCC_DT_INT16, 2, "int32_data", { -2, 3 }, { 0xfe, 0xff, 3, 0 }, 4 },
	{ TCC_DT_UINT16, 1, "int32_data", { 65535 }, { 0xff, 0xff }, 2 },
	{ TCC_DT_INT8, 3, "int32_data", { -128, 127, -1 }, { 0x80, 0x7f, 0xff }, 3 },
	{ TCC_DT_UINT8, 2, "int32_data", { 255, 1 }, { 0xff, 1 }, 2 },
	{ TCC_DT_BOOL, 3, "int32_data", { 1, 0, 1 }, { 1, 0, 1 }, 3 },
	{ TCC_DT_FLOAT16, 2, "int32_data", { 0x3c00, 0xc000 }, { 0, 0x3c, 0, 0xc0 }, 4 },
	{ TCC_DT_BFLOAT16, 1, "int32_data", { 0x3f80 }, { 0x80, 0x3f }, 2 },
	{ TCC_DT_FLOAT8E4M3FN, 2, "int32_data", { 0x38, 0xb8 }, { 0x38, 0xb8 }, 2 },
	{ TCC_DT_FLOAT8E5M2, 1, "int32_data", { 0x3c }, { 0x3c }, 1 },
	/* Sub-byte types: int32_data holds the packed bytes, low nibble first. */
	{ TCC_DT_INT4, 3, "int32_data", { 0xf1, 0x07 }, { 0xf1, 0x07 }, 2 },
	{ TCC_DT_UINT4, 2, "int32_data", { 0x21 }, { 0x21 }, 1 },
	{ TCC_DT_FLOAT4E2M1, 2, "int32_data", { 0x72 }, { 0x72 }, 1 },
	{ TCC_DT_INT2, 5, "int32_data", { 0xe4, 0x03 }, { 0xe4, 0x03 }, 2 },
	{ TCC_DT_UINT32, 2, "uint64_data", { 4294967295.0, 1 }, { 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0 }, 8 },
	{ TCC_DT_UINT64, 1, "uint64_data", { 1 }, { 1, 0, 0, 0, 0, 0, 0, 0 }, 8 },
	{ TCC_DT_COMPLEX64, 1, "float_data", { 1.0, 2.0 }, { 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40 }, 8 },
};

/* Number of entries a typed field holds for a case (packed bytes, complex pairs). */
static size_t typed_len(const struct tensor_case *c)
{
	int bits = tcc_dtype_bits(c->dtype);

	if (c->dtype == TCC_DT_COMPLEX64 || c->dtype == TCC_DT_COMPLEX128)
		return 2 * (size_t)c->numel;
	return bits < 8 ? ((size_t)c->numel * (size_t)bits + 7) / 8 : (size_t)c->numel;
}

static void set_typed(Onnx__TensorProto *t, const struct tensor_case *c)
{
	size_t n = typed_len(c);

	if (!strcmp(c->field, "float_data")) {
		t->n_float_data = n, t->float_data = tcc_arena_calloc(A, n, 4);
		for (size_t i = 0; i < n; i++)
			t->float_data[i] = (float)c->values[i];
	} else if (!strcmp(c->field, "double_data")) {
		t->n_double_data = n, t->double_data = tcc_arena_calloc(A, n, 8);
		for (size_t i = 0; i < n; i++)
			t->double_data[i] = c->values[i];
	} else if (!strcmp(c->field, "int64_data")) {
		t->n_int64_data = n, t->int64_data = tcc_arena_calloc(A, n, 8);
		for (size_t i = 0; i < n; i++)
			t->int64_data[i] = (int64_t)c->values[i];
	} else if (!strcmp(c->field, "uint64_data")) {
		t->n_uint64_data = n, t->uint64_data = tcc_arena_calloc(A, n, 8);
		for (size_t i = 0; i < n; i++)
			t->uint64_data[i] = (uint64_t)c->values[i];
	} else {
		t->n_int32_data = n, t->int32_data = tcc_arena_calloc(A, n, 4);
		for (size_t i = 0; i < n; i++)
			t->int32_data[i] = (int32_t)c->values[i];
	}
}

START_TEST(test_typed_vs_raw)
{
	for (size_t k = 0; k < sizeof(tensor_cases) / sizeof(tensor_cases[0]); k++) {
		const struct tensor_case *c = &tensor_cases[k];
		int64_t dims[] = { c->numel };
		Onnx__GraphProto *g = graph("g");
		Onnx__TensorProto *typed = tensor("typed", c->dtype, 1, dims);
		Onnx__TensorProto *raw = tensor("raw", c->dtype, 1, dims);
		struct tcc_ctx *ctx = tcc_ctx_new();
		struct tcc_model *m;
		struct tcc_tensor_data *a, *b;

		set_typed(typed, c);
		set_raw(raw, c->raw, c->nraw);
		PUSH(g->n_initializer, g->initializer, typed);
		PUSH(g->n_initializer, g->initializer, raw);
		m = import(ctx, "t.onnx", model(8, g));
		ck_assert_msg(m, "%s: %s", tcc_dtype_name(c->dtype), first_error(ctx));
		a = m->graph->initializers[0]->init;
		b = m->graph->initializers[1]->init;
		ck_assert_msg(a->nbytes == c->nraw, "%s", tcc_dtype_name(c->dtype));
		ck_assert_msg(!memcmp(a->data, c->raw, c->nraw), "%s typed", tcc_dtype_name(c->dtype));
		ck_assert_msg(!memcmp(b->data, c->raw, c->nraw), "%s raw", tcc_dtype_name(c->dtype));
		ck_assert_msg(roundtrip(m) == NULL, "%s", tcc_dtype_name(c->dtype));
		tcc_ctx_free(ctx);
	}
}
END_TEST

START_TEST(test_tensor_values)
{
	static const int64_t d2[] = { 2 }, d3[] = { 3 };
	Onnx__GraphProto *g = graph("g");
	Onnx__TensorProto *h = tensor("h", TCC_DT_FLOAT16, 1, d2);
	Onnx__TensorProto *i4 = tensor("i4", TCC_DT_INT4, 1, d3);
	Onnx__TensorProto *s = tensor("s", TCC_DT_STRING, 1, d2);
	Onnx__TensorProto *e = tensor("e", TCC_DT_FLOAT, 2, (int64_t[]){ 0, 4 });
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_model *m;
	struct tcc_tensor_data *t;

	h->n_int32_data = 2, h->int32_data = tcc_arena_memdup(A, (int32_t[]){ 0x3c00, 0xc000 }, 8);
	i4->n_int32_data = 2, i4->int32_data = tcc_arena_memdup(A, (int32_t[]){ 0xf1, 0x07 }, 8);
	s->n_string_data = 2, s->string_data = tcc_arena_calloc(A, 2, sizeof(*s->string_data));
	s->string_data[0].data = (uint8_t *)S("hi"), s->string_data[0].len = 2;
	s->string_data[1].data = tcc_arena_memdup(A, "\0\xff", 2), s->string_data[1].len = 2;
	PUSH(g->n_initializer, g->initializer, h);
	PUSH(g->n_initializer, g->initializer, i4);
	PUSH(g->n_initializer, g->initializer, s);
	PUSH(g->n_initializer, g->initializer, e);
	m = import(ctx, "t.onnx", model(8, g));
	ck_assert_msg(m, "%s", first_error(ctx));
	t = m->graph->initializers[0]->init;
	ck_assert(tcc_tensor_get_f64(t, 0) == 1.0 && tcc_tensor_get_f64(t, 1) == -2.0);
	t = m->graph->initializers[1]->init;
	ck_assert_int_eq(tcc_tensor_get_i64(t, 0), 1);
	ck_assert_int_eq(tcc_tensor_get_i64(t, 1), -1);
	ck_assert_int_eq(tcc_tensor_get_i64(t, 2), 7);
	t = m->graph->initializers[2]->init;
	ck_assert(t->strings[0].len == 2 && !memcmp(t->strings[0].data, "hi", 2));
	ck_assert(t->strings[1].len == 2 && !memcmp(t->strings[1].data, "\0\xff", 2));
	t = m->graph->initializers[3]->init;
	ck_assert(t->numel == 0 && t->rank == 2);
	ck_assert_ptr_null(roundtrip(m));
	tcc_ctx_free(ctx);
}
END_TEST

/* Import a model whose only initializer is t; return the first error (copied). */
static char *tensor_error(Onnx__TensorProto *t)
{
	static char buf[512];
	Onnx__GraphProto *g = graph("g");
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_model *m;

	PUSH(g->n_initializer, g->initializer, t);
	m = import(ctx, "t.onnx", model(8, g));
	snprintf(buf, sizeof(buf), "%s", m ? "(imported)" : first_error(ctx));
	tcc_ctx_free(ctx);
	return buf;
}

START_TEST(test_bad_tensors)
{
	static const int64_t d2[] = { 2 };
	Onnx__TensorProto *t;

	t = tensor("w", TCC_DT_FLOAT, 1, d2);
	set_raw(t, "\0\0\0\0\0\0\0", 7);
	ck_assert_str_eq(tensor_error(t), "t.onnx: error: tensor 'w': raw_data holds 7 bytes, "
			 "expected 8");
	t = tensor("w", TCC_DT_FLOAT, 1, d2);
	t->n_float_data = 1, t->float_data = tcc_arena_calloc(A, 1, 4);
	ck_assert_str_eq(tensor_error(t), "t.onnx: error: tensor 'w': float_data holds 1 values, "
			 "expected 2");
	t = tensor("w", TCC_DT_FLOAT, 1, (int64_t[]){ -3 });
	ck_assert_ptr_nonnull(strstr(tensor_error(t), "negative dimension"));
	t = tensor("w", 99, 1, d2);
	ck_assert_str_eq(tensor_error(t), "t.onnx: error: tensor 'w': unknown element type 99");
	t = tensor("w", TCC_DT_FLOAT, 3, (int64_t[]){ 1 << 20, 1 << 20, 1 << 20 });
	ck_assert_ptr_nonnull(strstr(tensor_error(t), "2^40"));
	t = tensor("w", TCC_DT_STRING, 1, d2);
	set_raw(t, "ab", 2);
	ck_assert_ptr_nonnull(strstr(tensor_error(t), "cannot use raw_data"));
	/* A huge shape with little data fails on the data's size, before allocating. */
	t = tensor("w", TCC_DT_FLOAT, 1, (int64_t[]){ (int64_t)1 << 36 });
	set_raw(t, "\0\0\0\0", 4);
	ck_assert_str_eq(tensor_error(t), "t.onnx: error: tensor 'w': raw_data holds 4 bytes, "
			 "expected 274877906944");
	t = tensor(NULL, TCC_DT_FLOAT, 0, NULL);
	ck_assert_str_eq(tensor_error(t), "t.onnx: error: initializer 0 has no name");
}
END_TEST

/* ---- IR 3: initializers listed among the inputs ---- */

START_TEST(test_ir3_initializer_inputs)
{
	static const int64_t d2[] = { 2 };
	Onnx__GraphProto *g = graph("g");
	Onnx__TensorProto *b = tensor("B", TCC_DT_FLOAT, 1, d2);
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_model *m;
	struct tcc_value *v;
	size_t len;
	Onnx__ModelProto *back;
	void *buf;

	set_raw(b, (float[]){ 1, 2 }, 8);
	PUSH(g->n_input, g->input, vinfo("A", tensor_type(TCC_DT_FLOAT, 1, d2, NULL)));
	PUSH(g->n_input, g->input, vinfo("B", tensor_type(TCC_DT_FLOAT, 1, d2, NULL)));
	PUSH(g->n_initializer, g->initializer, b);
	PUSH(g->n_node, g->node, node("Add", "add", 2, (const char *[]){ "A", "B" }, 1,
				     (const char *[]){ "C" }));
	PUSH(g->n_output, g->output, vinfo("C", tensor_type(TCC_DT_FLOAT, 1, d2, NULL)));
	m = import(ctx, "ir3.onnx", model(3, g));
	ck_assert_msg(m, "%s", first_error(ctx));
	ck_assert_int_eq(m->graph->ninputs, 2);
	ck_assert_int_eq(m->graph->ninitializers, 1);
	ck_assert_int_eq(m->graph->nvalues, 3);
	v = m->graph->inputs[1];
	ck_assert_ptr_eq(m->graph->initializers[0], v);
	ck_assert(v->is_input && v->init && tcc_tensor_get_f64(v->init, 1) == 2.0);
	ck_assert_ptr_eq(m->graph->nodes[0]->inputs[1], v);
	/* Written back, B is again both an input and an initializer. */
	buf = tcc_onnx_write(m, &len);
	ck_assert_ptr_nonnull(buf);
	back = onnx__model_proto__unpack(NULL, len, buf);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(back->ir_version, 3);
	ck_assert_int_eq(back->graph->n_input, 2);
	ck_assert_int_eq(back->graph->n_initializer, 1);
	ck_assert_str_eq(back->graph->input[1]->name, "B");
	ck_assert_str_eq(back->graph->initializer[0]->name, "B");
	ck_assert(back->graph->initializer[0]->has_raw_data);
	onnx__model_proto__free_unpacked(back, NULL);
	free(buf);
	ck_assert_ptr_null(roundtrip(m));
	tcc_ctx_free(ctx);
}
END_TEST

/* ---- local functions ---- */

START_TEST(test_functions)
{
	Onnx__GraphProto *g = graph("g");
	Onnx__ModelProto *mp = model(8, g);
	Onnx__FunctionProto *f = tcc_arena_alloc(A, sizeof(*f));
	Onnx__NodeProto *inner = node("LeakyRelu", NULL, 1, (const char *[]){ "x" }, 1,
				      (const char *[]){ "y" });
	Onnx__OperatorSetIdProto *o = tcc_arena_alloc(A, sizeof(*o));
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_model *m;
	struct tcc_function *fn;
	Onnx__NodeProto *call = node("MyRelu", "call", 1, (const char *[]){ "in" }, 1,
				     (const char *[]){ "out" });

	onnx__function_proto__init(f);
	onnx__operator_set_id_proto__init(o);
	o->domain = S(""), o->has_version = 1, o->version = 18;
	f->name = S("MyRelu"), f->domain = S("local"), f->doc_string = S("fdoc");
	f->n_input = 1, f->input = names(1, (const char *[]){ "x" });
	f->n_output = 1, f->output = names(1, (const char *[]){ "y" });
	f->n_attribute = 1, f->attribute = names(1, (const char *[]){ "alpha" });
	attr(inner, "alpha", TCC_ATTR_FLOAT)->ref_attr_name = S("alpha");
	PUSH(f->n_node, f->node, inner);
	PUSH(f->n_opset_import, f->opset_import, o);
	PUSH(mp->n_functions, mp->functions, f);
	call->domain = S("local");
	attr(call, "alpha", TCC_ATTR_FLOAT)->f = 0.1f;
	PUSH(g->n_input, g->input, vinfo("in", tensor_type(TCC_DT_FLOAT, 0, NULL, NULL)));
	PUSH(g->n_node, g->node, call);
	PUSH(g->n_output, g->output, vinfo("out", NULL));
	m = import(ctx, "f.onnx", mp);
	ck_assert_msg(m, "%s", first_error(ctx));
	ck_assert_int_eq(m->nfunctions, 1);
	fn = m->functions[0];
	ck_assert_str_eq(fn->name, "MyRelu");
	ck_assert_str_eq(fn->domain, "local");
	ck_assert_str_eq(fn->doc_string, "fdoc");
	ck_assert_int_eq(fn->nattrs, 1);
	ck_assert_str_eq(fn->attrs[0], "alpha");
	ck_assert_int_eq(fn->nopsets, 1);
	ck_assert_int_eq(fn->opsets[0].version, 18);
	ck_assert_int_eq(fn->body->ninputs, 1);
	ck_assert_int_eq(fn->body->inputs[0]->type.kind, TCC_TYPE_UNKNOWN);
	ck_assert_ptr_eq(fn->body->nodes[0]->inputs[0], fn->body->inputs[0]);
	ck_assert_ptr_eq(fn->body->outputs[0], fn->body->nodes[0]->outputs[0]);
	ck_assert_str_eq(fn->body->nodes[0]->attrs[0].ref_attr_name, "alpha");
	ck_assert_int_eq(m->graph->inputs[0]->type.rank, 0);
	ck_assert_ptr_null(roundtrip(m));
	tcc_ctx_free(ctx);
}
END_TEST

/* ---- model-level errors and damaged buffers ---- */

START_TEST(test_bad_models)
{
	struct tcc_ctx *ctx = tcc_ctx_new();

	ck_assert_ptr_null(import(ctx, "m.onnx", model(0, graph("g"))));
	ck_assert_ptr_nonnull(strstr(first_error(ctx), "ir_version"));
	tcc_diag_clear(ctx->diag);
	ck_assert_ptr_null(import(ctx, "m.onnx", model(-1, graph("g"))));
	ck_assert_ptr_nonnull(strstr(first_error(ctx), "ir_version"));
	tcc_diag_clear(ctx->diag);
	ck_assert_ptr_null(import(ctx, "m.onnx", model(8, NULL)));
	ck_assert_str_eq(first_error(ctx), "m.onnx: error: model has no graph");
	tcc_diag_clear(ctx->diag);
	ck_assert_ptr_null(tcc_onnx_read(ctx, "m.onnx", "", 0));
	tcc_diag_clear(ctx->diag);
	ck_assert_ptr_null(tcc_onnx_read(ctx, "m.onnx", "\xff\xff\xff", 3));
	ck_assert_str_eq(first_error(ctx),
			 "m.onnx: error: not a valid ONNX model (protobuf decoding failed)");
	tcc_diag_clear(ctx->diag);
	ck_assert_ptr_null(tcc_onnx_read(ctx, NULL, "\x0a", 1));
	ck_assert_str_eq(first_error(ctx),
			 "<input>: error: not a valid ONNX model (protobuf decoding failed)");
	tcc_diag_clear(ctx->diag);
	/* Newer IR versions are read (with a warning). */
	ck_assert_ptr_nonnull(import(ctx, "m.onnx", model(12, graph("g"))));
	ck_assert_int_eq(tcc_diag_error_count(ctx->diag), 0);
	tcc_ctx_free(ctx);
}
END_TEST

START_TEST(test_damaged_buffers)
{
	size_t len;
	unsigned char *buf = pack(attr_model(), &len);
	unsigned char *copy = malloc(len);
	int failed = 0, protobuf_failed = 0;

	for (size_t cut = 0; cut < len; cut++) {
		struct tcc_ctx *ctx = tcc_ctx_new();
		memcpy(copy, buf, cut);
		if (!tcc_onnx_read(ctx, "cut.onnx", copy, cut)) {
			failed++;
			ck_assert_int_gt(tcc_diag_error_count(ctx->diag), 0);
			protobuf_failed += strstr(first_error(ctx), "protobuf decoding") != NULL;
		}
		tcc_ctx_free(ctx);
	}
	ck_assert_int_gt(failed, (int)len / 2);
	ck_assert_int_gt(protobuf_failed, 0);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			struct tcc_ctx *ctx = tcc_ctx_new();
			memcpy(copy, buf, len);
			copy[i] ^= (unsigned char)(1u << bit);
			if (!tcc_onnx_read(ctx, "flip.onnx", copy, len))
				ck_assert_int_gt(tcc_diag_error_count(ctx->diag), 0);
			tcc_ctx_free(ctx);
		}
	}
	free(copy);
	free(buf);
}
END_TEST

/* A model of "depth" If nodes, each one's then_branch holding the next. */
static Onnx__ModelProto *nested_model(int depth)
{
	Onnx__GraphProto *top = graph("g"), *g = top;

	for (int i = 0; i < depth; i++) {
		Onnx__NodeProto *n = node("If", NULL, 0, NULL, 0, NULL);
		Onnx__GraphProto *inner = graph("inner");

		attr(n, "then_branch", TCC_ATTR_GRAPH)->g = inner;
		PUSH(g->n_node, g->node, n);
		g = inner;
	}
	return model(8, top);
}

START_TEST(test_deep_nesting)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_model *m = import(ctx, "deep.onnx", nested_model(20));

	ck_assert_msg(m, "%s", first_error(ctx));
	ck_assert_ptr_null(roundtrip(m));
	/* protobuf-c would recurse without bound: deep nesting is refused before unpacking. */
	ck_assert_ptr_null(import(ctx, "deep.onnx", nested_model(500)));
	ck_assert_str_eq(first_error(ctx), "deep.onnx: error: not a valid ONNX model (messages "
			 "nested more than 100 deep)");
	tcc_ctx_free(ctx);
}
END_TEST

/* ---- external data ---- */

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;
	void *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	return buf;
}

static void add_external(Onnx__TensorProto *t, const char *key, const char *value)
{
	Onnx__StringStringEntryProto *e = tcc_arena_alloc(A, sizeof(*e));

	onnx__string_string_entry_proto__init(e);
	e->key = S(key);
	e->value = S(value);
	PUSH(t->n_external_data, t->external_data, e);
	t->has_data_location = 1;
	t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
}

/* A model with initializer "w" (float[2]) stored at "location", offset 8; returns the error or
 * NULL, and checks the values on success. */
static const char *read_external(const char *dir, const char *location, const char *length)
{
	static char err[512];
	Onnx__GraphProto *g = graph("g");
	Onnx__TensorProto *w = tensor("w", TCC_DT_FLOAT, 1, (int64_t[]){ 2 });
	struct tcc_ctx *ctx = tcc_ctx_new();
	char *path = tcc_arena_printf(A, "%s/model.onnx", dir);
	struct tcc_model *m;
	size_t len;
	void *buf;

	add_external(w, "location", location);
	add_external(w, "offset", "8");
	if (length)
		add_external(w, "length", length);
	PUSH(g->n_initializer, g->initializer, w);
	buf = pack(model(8, g), &len);
	write_file(path, buf, len);
	free(buf);
	buf = read_file(path, &len);
	m = tcc_onnx_read(ctx, path, buf, len);
	free(buf);
	if (m) {
		struct tcc_tensor_data *t = m->graph->initializers[0]->init;
		ck_assert(tcc_tensor_get_f64(t, 0) == 1.5 && tcc_tensor_get_f64(t, 1) == -3.0);
		ck_assert_ptr_null(roundtrip(m));
	}
	snprintf(err, sizeof(err), "%s", first_error(ctx));
	tcc_ctx_free(ctx);
	return m ? NULL : err;
}

START_TEST(test_external_data)
{
	char dir[] = "/tmp/check_onnx_XXXXXX";
	char *bin, *sub, *subbin, *expect;
	const float data[] = { 0, 0, 1.5f, -3.0f };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	bin = tcc_arena_printf(A, "%s/weights.bin", dir);
	sub = tcc_arena_printf(A, "%s/sub", dir);
	subbin = tcc_arena_printf(A, "%s/sub/w.bin", dir);
	write_file(bin, data, sizeof(data));
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	write_file(subbin, data, sizeof(data));
	ck_assert_ptr_null(read_external(dir, "weights.bin", NULL));
	ck_assert_ptr_null(read_external(dir, "weights.bin", "8"));
	ck_assert_ptr_null(read_external(dir, "sub/w.bin", NULL));
	ck_assert_ptr_nonnull(strstr(read_external(dir, "weights.bin", "12"), "length 12"));
	ck_assert_ptr_nonnull(strstr(read_external(dir, "/etc/passwd", NULL), "relative"));
	ck_assert_ptr_nonnull(strstr(read_external(dir, "../x.bin", NULL), "relative"));
	write_file(bin, data, 12);
	ck_assert_ptr_nonnull(strstr(read_external(dir, "weights.bin", NULL), "too short"));
	ck_assert_int_eq(unlink(bin), 0);
	expect = tcc_arena_printf(A, "%s/model.onnx: error: tensor 'w': cannot open external data "
				  "'weights.bin': No such file or directory", dir);
	ck_assert_str_eq(read_external(dir, "weights.bin", NULL), expect);
	unlink(subbin);
	rmdir(sub);
	unlink(tcc_arena_printf(A, "%s/model.onnx", dir));
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* ---- non-tensor types, sparse initializers, value_info corner cases ---- */

static Onnx__TypeProto *wrap(int value_case, Onnx__TypeProto *inner)
{
	Onnx__TypeProto *tp = tcc_arena_alloc(A, sizeof(*tp));

	onnx__type_proto__init(tp);
	tp->value_case = value_case;
	if (value_case == ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE) {
		tp->sequence_type = tcc_arena_alloc(A, sizeof(*tp->sequence_type));
		onnx__type_proto__sequence__init(tp->sequence_type);
		tp->sequence_type->elem_type = inner;
	} else if (value_case == ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE) {
		tp->optional_type = tcc_arena_alloc(A, sizeof(*tp->optional_type));
		onnx__type_proto__optional__init(tp->optional_type);
		tp->optional_type->elem_type = inner;
	} else {
		tp->map_type = tcc_arena_alloc(A, sizeof(*tp->map_type));
		onnx__type_proto__map__init(tp->map_type);
		tp->map_type->has_key_type = 1;
		tp->map_type->key_type = TCC_DT_INT64;
		tp->map_type->value_type = inner;
	}
	return tp;
}

START_TEST(test_types_and_sparse)
{
	static const int64_t d3[] = { 3 }, d2[] = { 2 };
	Onnx__GraphProto *g = graph("g");
	Onnx__TypeProto *sparse = tcc_arena_alloc(A, sizeof(*sparse)), *den;
	Onnx__SparseTensorProto *sp = tcc_arena_alloc(A, sizeof(*sp));
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_model *m;
	struct tcc_graph *mg;
	struct tcc_value *v;

	onnx__type_proto__init(sparse);
	sparse->value_case = ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE;
	sparse->sparse_tensor_type = tcc_arena_alloc(A, sizeof(*sparse->sparse_tensor_type));
	onnx__type_proto__sparse_tensor__init(sparse->sparse_tensor_type);
	sparse->sparse_tensor_type->has_elem_type = 1;
	sparse->sparse_tensor_type->elem_type = TCC_DT_FLOAT;
	den = tensor_type(TCC_DT_UINT8, 0, NULL, NULL);
	den->denotation = S("IMAGE");
	PUSH(g->n_input, g->input, vinfo("seq", wrap(ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE,
					 tensor_type(TCC_DT_FLOAT, 1, (int64_t[]){ -1 }, NULL))));
	PUSH(g->n_input, g->input, vinfo("map", wrap(ONNX__TYPE_PROTO__VALUE_MAP_TYPE,
					 tensor_type(TCC_DT_FLOAT, -1, NULL, NULL))));
	PUSH(g->n_input, g->input, vinfo("opt", wrap(ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE,
					 wrap(ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE, NULL))));
	PUSH(g->n_input, g->input, vinfo("sp", sparse));
	PUSH(g->n_input, g->input, vinfo("img", den));
	onnx__sparse_tensor_proto__init(sp);
	sp->values = tensor("S", TCC_DT_FLOAT, 1, d2);
	set_raw(sp->values, (float[]){ 1, 2 }, 8);
	sp->indices = tensor(NULL, TCC_DT_INT64, 1, d2);
	set_raw(sp->indices, (int64_t[]){ 0, 2 }, 16);
	sp->n_dims = 1, sp->dims = tcc_arena_memdup(A, d3, 8);
	PUSH(g->n_sparse_initializer, g->sparse_initializer, sp);
	PUSH(g->n_node, g->node, node("Identity", "id", 1, (const char *[]){ "S" }, 1,
				     (const char *[]){ "out" }));
	PUSH(g->n_output, g->output, vinfo("out", NULL));
	/* value_info: for an output (fills its missing type), for a name that is nowhere. */
	PUSH(g->n_value_info, g->value_info, vinfo("out", tensor_type(TCC_DT_FLOAT, 1, d3, NULL)));
	PUSH(g->n_value_info, g->value_info, vinfo("nowhere", tensor_type(TCC_DT_FLOAT, 0, NULL, NULL)));
	m = import(ctx, "types.onnx", model(8, g));
	ck_assert_msg(m, "%s", first_error(ctx));
	mg = m->graph;
	v = mg->inputs[0];
	ck_assert(v->type.kind == TCC_TYPE_SEQUENCE && v->type.inner->kind == TCC_TYPE_TENSOR);
	ck_assert(v->type.inner->rank == 1 && v->type.inner->dims[0].value == -1);
	v = mg->inputs[1];
	ck_assert(v->type.kind == TCC_TYPE_MAP && v->type.elem == TCC_DT_INT64);
	ck_assert(v->type.inner->kind == TCC_TYPE_TENSOR && v->type.inner->rank == -1);
	v = mg->inputs[2];
	ck_assert(v->type.kind == TCC_TYPE_OPTIONAL && v->type.inner->kind == TCC_TYPE_SEQUENCE);
	ck_assert_ptr_null(v->type.inner->inner);
	ck_assert(mg->inputs[3]->type.kind == TCC_TYPE_SPARSE_TENSOR);
	ck_assert_int_eq(mg->inputs[3]->type.rank, -1);
	v = mg->inputs[4];
	ck_assert(v->type.rank == 0 && !strcmp(v->type.denotation, "IMAGE"));
	ck_assert_int_eq(mg->nsparse, 1);
	ck_assert_str_eq(mg->sparse_names[0], "S");
	ck_assert_ptr_eq(mg->nodes[0]->inputs[0], tcc_graph_lookup(mg, "S"));
	v = mg->outputs[0];
	ck_assert(v->type.kind == TCC_TYPE_TENSOR && v->type.rank == 1 && !v->has_info);
	ck_assert_ptr_null(tcc_graph_lookup(mg, "nowhere"));
	ck_assert_ptr_null(roundtrip(m));
	tcc_ctx_free(ctx);
}
END_TEST

/* ---- a model built in memory (no ir_version) is written with one that fits its opset ---- */

START_TEST(test_write_built_model)
{
	static const int64_t d2[] = { 2 };
	struct tcc_ctx *ctx = tcc_ctx_new(), *ctx2 = tcc_ctx_new();
	struct tcc_model *m = tcc_model_new(ctx, "built.onnx"), *back;
	struct tcc_graph *g = m->graph;
	struct tcc_value *x = tcc_graph_new_value(g, "x"), *c = tcc_graph_new_value(g, "c");
	struct tcc_value *y = tcc_graph_new_value(g, "y");
	struct tcc_tensor_data *t = tcc_tensor_new(ctx, g->loc, TCC_DT_FLOAT, 1, d2);
	struct tcc_loc loc = { 0 };
	struct tcc_node *n;
	size_t len;
	void *buf;

	ck_assert_int_eq(tcc_model_add_opset(m, "", 17), 0);
	tcc_type_set_tensor(ctx, &x->type, TCC_DT_FLOAT, 1, d2);
	tcc_type_set_tensor(ctx, &c->type, TCC_DT_FLOAT, 1, d2);
	tcc_tensor_set_f64(t, 1, 4.0);
	tcc_graph_add_input(g, x);
	tcc_graph_add_initializer(g, c, t);
	n = tcc_graph_add_node(g, "Add", "", "add", 2, (struct tcc_value *[]){ x, c }, 1, &y, loc);
	ck_assert_ptr_nonnull(tcc_node_add_attr(n, "note", TCC_ATTR_STRING));
	tcc_graph_add_output(g, y);
	buf = tcc_onnx_write(m, &len);
	ck_assert_ptr_nonnull(buf);
	back = tcc_onnx_read(ctx2, "built.onnx", buf, len);
	free(buf);
	ck_assert_msg(back, "%s", first_error(ctx2));
	ck_assert_int_eq(back->ir_version, 8);
	ck_assert_int_eq(back->graph->nnodes, 1);
	ck_assert(tcc_tensor_get_f64(back->graph->initializers[0]->init, 1) == 4.0);
	ck_assert_ptr_eq(back->graph->nodes[0]->inputs[1], back->graph->initializers[0]);
	ck_assert_int_eq(tcc_node_find_attr(back->graph->nodes[0], "note")->u.s.len, 0);
	tcc_ctx_free(ctx2);
	tcc_ctx_free(ctx);
}
END_TEST

/* ---- allocation failures anywhere give an error, never a crash or a leak ---- */

START_TEST(test_alloc_failures)
{
	size_t len;
	void *buf = pack(attr_model(), &len);
	int done = 0;

	for (size_t n = 1; !done && n < 100000; n++) {
		struct tcc_ctx *ctx = tcc_ctx_new();
		struct tcc_model *m;

		tcc_arena_fail_after(n);
		m = tcc_onnx_read(ctx, "oom.onnx", buf, len);
		if (!m) {
			ck_assert_msg(strstr(first_error(ctx), "out of memory"), "%zu: %s", n,
				      first_error(ctx));
		} else {
			size_t wlen;
			void *w = tcc_onnx_write(m, &wlen);
			done = w != NULL;
			free(w);
		}
		tcc_arena_fail_after(0);
		tcc_ctx_free(ctx);
	}
	ck_assert(done);
	free(buf);
}
END_TEST

/* ---- shared models (skipped without $TCC_SHARED) ---- */

static struct tcc_model *read_model_file(struct tcc_ctx *ctx, const char *path)
{
	size_t len;
	void *buf = read_file(path, &len);
	struct tcc_model *m;

	if (!buf)
		return NULL;
	m = tcc_onnx_read(ctx, path, buf, len);
	free(buf);
	return m;
}

START_TEST(test_shared_resnet)
{
	const char *shared = getenv("TCC_SHARED");
	char path[4096];
	struct tcc_ctx *ctx;
	struct tcc_model *m;
	int both = 0;

	if (!shared)
		return;
	snprintf(path, sizeof(path), "%s/models/light/light_resnet50.onnx", shared);
	if (access(path, R_OK) != 0)
		return;
	ctx = tcc_ctx_new();
	m = read_model_file(ctx, path);
	ck_assert_msg(m, "%s", first_error(ctx));
	ck_assert_int_gt(m->graph->nnodes, 100);
	for (int i = 0; i < m->graph->ninitializers; i++)
		both += m->graph->initializers[i]->is_input;
	ck_assert_int_gt(both, 0);
	ck_assert_ptr_null(roundtrip(m));
	tcc_ctx_free(ctx);
}
END_TEST

START_TEST(test_shared_onnx_tests)
{
	const char *shared = getenv("TCC_SHARED");
	char pattern[4096];
	glob_t gl;

	if (!shared)
		return;
	snprintf(pattern, sizeof(pattern), "%s/onnx-tests/*/*/model.onnx", shared);
	if (glob(pattern, 0, NULL, &gl) != 0)
		return;
	for (size_t i = 0; i < gl.gl_pathc; i++) {
		struct tcc_ctx *ctx = tcc_ctx_new();
		struct tcc_model *m = read_model_file(ctx, gl.gl_pathv[i]);
		const char *d;

		ck_assert_msg(m, "%s", first_error(ctx));
		d = roundtrip(m);
		ck_assert_msg(d == NULL, "%s: round trip: %s", gl.gl_pathv[i], d);
		tcc_ctx_free(ctx);
	}
	globfree(&gl);
}
END_TEST

static Suite *onnx_suite(void)
{
	Suite *s = suite_create("onnx");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_small_model);
	tcase_add_test(tc, test_attributes);
	tcase_add_test(tc, test_scopes);
	tcase_add_test(tc, test_undefined_input);
	tcase_add_test(tc, test_typed_vs_raw);
	tcase_add_test(tc, test_tensor_values);
	tcase_add_test(tc, test_bad_tensors);
	tcase_add_test(tc, test_ir3_initializer_inputs);
	tcase_add_test(tc, test_functions);
	tcase_add_test(tc, test_bad_models);
	tcase_add_test(tc, test_damaged_buffers);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_external_data);
	tcase_add_test(tc, test_types_and_sparse);
	tcase_add_test(tc, test_write_built_model);
	tcase_add_test(tc, test_alloc_failures);
	tcase_add_test(tc, test_shared_resnet);
	tcase_add_test(tc, test_shared_onnx_tests);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(onnx_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
