/* Graph IR → ModelProto.
 *
 * The protobuf-c messages are built in a scratch arena that points into the IR wherever it can
 * (names, tensor bytes), packed into one malloc'ed buffer, and the arena is then freed whole.
 * Writing mirrors importing, so that reading the result gives back the same IR: initializers
 * that are also inputs appear in both lists, value_info is written for exactly the values
 * marked has_info, and tensor data goes out as raw_data (strings as string_data). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/onnx/onnx.h"
#include "frontend/onnx/onnx_private.h"

/* State of one export: messages come from the scratch arena "a". */
struct exporter {
	struct tcc_arena *a;
	const struct tcc_model *m;
};

static Onnx__GraphProto *export_graph(struct exporter *ex, const struct tcc_graph *g);

/* protobuf-c messages take non-const strings; packing never writes through them. */
static char *mut(const char *s)
{
	return (char *)s;
}

/* A zeroed array of n pointers (never NULL for n == 0 unless out of memory). */
static void *ptr_array(struct exporter *ex, size_t n)
{
	return tcc_arena_calloc(ex->a, n, sizeof(void *));
}

static Onnx__OperatorSetIdProto **export_opsets(struct exporter *ex, const struct tcc_opset *ops,
					       int n)
{
	Onnx__OperatorSetIdProto **out = ptr_array(ex, (size_t)n);

	for (int i = 0; out && i < n; i++) {
		Onnx__OperatorSetIdProto *o = tcc_arena_alloc(ex->a, sizeof(*o));
		if (!o)
			return NULL;
		onnx__operator_set_id_proto__init(o);
		o->domain = mut(ops[i].domain);
		o->has_version = 1;
		o->version = ops[i].version;
		out[i] = o;
	}
	return out;
}

static Onnx__ValueInfoProto *export_value_info(struct exporter *ex, const struct tcc_value *v)
{
	Onnx__ValueInfoProto *vi = tcc_arena_alloc(ex->a, sizeof(*vi));
	int err = 0;

	if (!vi)
		return NULL;
	onnx__value_info_proto__init(vi);
	vi->name = mut(v->name);
	vi->doc_string = mut(v->doc_string);
	vi->type = tcc_onnx_type_export(ex->a, &v->type, &err);
	return err ? NULL : vi;
}

/* A TypeProto even for an unknown type (an attribute's type_proto must be present). */
static Onnx__TypeProto *export_type(struct exporter *ex, const struct tcc_type *t)
{
	int err = 0;
	Onnx__TypeProto *tp = tcc_onnx_type_export(ex->a, t, &err);

	if (err || tp)
		return tp;
	tp = tcc_arena_alloc(ex->a, sizeof(*tp));
	if (tp)
		onnx__type_proto__init(tp);
	return tp;
}

/* ---- attributes ---- */

/* Entries of a list attribute of a message kind; 0 or -1 (out of memory). */
static tcc_stat export_attr_list(struct exporter *ex, Onnx__AttributeProto *ap,
				 const struct tcc_attr *a)
{
	size_t n = (size_t)a->n;
	void **items = ptr_array(ex, n);

	if (!items)
		return -1;
	for (size_t i = 0; i < n; i++) {
		switch (a->kind) {
		case TCC_ATTR_TENSORS:
			items[i] = tcc_onnx_tensor_export(ex->a, a->u.tensors[i], NULL);
			break;
		case TCC_ATTR_GRAPHS:
			items[i] = export_graph(ex, a->u.graphs[i]);
			break;
		case TCC_ATTR_SPARSE_TENSORS:
			items[i] = tcc_onnx_sparse_export(ex->a, a->u.sparse_tensors[i], NULL);
			break;
		default:
			items[i] = export_type(ex, a->u.types[i]);
			break;
		}
		if (!items[i])
			return -1;
	}
	switch (a->kind) {
	case TCC_ATTR_TENSORS: ap->n_tensors = n, ap->tensors = (void *)items; break;
	case TCC_ATTR_GRAPHS: ap->n_graphs = n, ap->graphs = (void *)items; break;
	case TCC_ATTR_SPARSE_TENSORS:
		ap->n_sparse_tensors = n, ap->sparse_tensors = (void *)items;
		break;
	default: ap->n_type_protos = n, ap->type_protos = (void *)items; break;
	}
	return 0;
}

static tcc_stat export_strings(struct exporter *ex, Onnx__AttributeProto *ap,
			       const struct tcc_attr *a)
{
	ap->n_strings = (size_t)a->n;
	ap->strings = tcc_arena_calloc(ex->a, ap->n_strings, sizeof(*ap->strings));
	if (!ap->strings)
		return -1;
	for (size_t i = 0; i < ap->n_strings; i++) {
		ap->strings[i].len = a->u.strings[i].len;
		ap->strings[i].data = (uint8_t *)mut(a->u.strings[i].data);
	}
	return 0;
}

/* The payload of a; 0 or -1 (out of memory). */
static tcc_stat export_attr_value(struct exporter *ex, Onnx__AttributeProto *ap,
				  const struct tcc_attr *a)
{
	switch (a->kind) {
	case TCC_ATTR_FLOAT: ap->has_f = 1, ap->f = a->u.f; return 0;
	case TCC_ATTR_INT: ap->has_i = 1, ap->i = a->u.i; return 0;
	case TCC_ATTR_STRING:
		ap->has_s = 1;
		ap->s.len = a->u.s.len;
		ap->s.data = (uint8_t *)mut(a->u.s.data);
		return 0;
	case TCC_ATTR_TENSOR:
		return (ap->t = tcc_onnx_tensor_export(ex->a, a->u.t, NULL)) ? 0 : -1;
	case TCC_ATTR_GRAPH:
		return (ap->g = export_graph(ex, a->u.g)) ? 0 : -1;
	case TCC_ATTR_SPARSE_TENSOR:
		return (ap->sparse_tensor = tcc_onnx_sparse_export(ex->a, a->u.sp, NULL)) ? 0 : -1;
	case TCC_ATTR_TYPE_PROTO:
		return (ap->tp = export_type(ex, a->u.tp)) ? 0 : -1;
	case TCC_ATTR_FLOATS:
		ap->n_floats = (size_t)a->n, ap->floats = a->u.floats;
		return 0;
	case TCC_ATTR_INTS:
		ap->n_ints = (size_t)a->n, ap->ints = a->u.ints;
		return 0;
	case TCC_ATTR_STRINGS:
		return export_strings(ex, ap, a);
	case TCC_ATTR_TENSORS: case TCC_ATTR_GRAPHS: case TCC_ATTR_SPARSE_TENSORS:
	case TCC_ATTR_TYPE_PROTOS:
		return export_attr_list(ex, ap, a);
	default:
		return 0;
	}
}

static Onnx__AttributeProto *export_attr(struct exporter *ex, const struct tcc_attr *a)
{
	Onnx__AttributeProto *ap = tcc_arena_alloc(ex->a, sizeof(*ap));

	if (!ap)
		return NULL;
	onnx__attribute_proto__init(ap);
	ap->name = mut(a->name);
	ap->has_type = 1;
	ap->type = (Onnx__AttributeProto__AttributeType)a->kind;
	ap->ref_attr_name = mut(a->ref_attr_name);
	ap->doc_string = mut(a->doc_string);
	if (a->ref_attr_name)
		return ap;
	return export_attr_value(ex, ap, a) < 0 ? NULL : ap;
}

/* ---- nodes and graphs ---- */

/* Names of values; "" for omitted (NULL) entries. */
static char **value_names(struct exporter *ex, struct tcc_value *const *vs, int n)
{
	char **names = ptr_array(ex, (size_t)n);

	for (int i = 0; names && i < n; i++)
		names[i] = mut(vs[i] ? vs[i]->name : "");
	return names;
}

static Onnx__NodeProto *export_node(struct exporter *ex, const struct tcc_node *n)
{
	Onnx__NodeProto *np = tcc_arena_alloc(ex->a, sizeof(*np));

	if (!np)
		return NULL;
	onnx__node_proto__init(np);
	np->op_type = mut(n->op_type);
	np->domain = n->domain && n->domain[0] ? mut(n->domain) : NULL;
	np->name = n->name && n->name[0] ? mut(n->name) : NULL;
	np->doc_string = mut(n->doc_string);
	np->n_input = (size_t)n->ninputs;
	np->input = value_names(ex, n->inputs, n->ninputs);
	np->n_output = (size_t)n->noutputs;
	np->output = value_names(ex, n->outputs, n->noutputs);
	np->n_attribute = (size_t)n->nattrs;
	np->attribute = ptr_array(ex, (size_t)n->nattrs);
	if (!np->input || !np->output || !np->attribute)
		return NULL;
	for (int i = 0; i < n->nattrs; i++)
		if (!(np->attribute[i] = export_attr(ex, &n->attrs[i])))
			return NULL;
	return np;
}

/* The live nodes of g, in order. */
static tcc_stat export_nodes(struct exporter *ex, const struct tcc_graph *g,
			     Onnx__NodeProto ***out, size_t *nout)
{
	*out = ptr_array(ex, (size_t)g->nnodes);
	*nout = 0;
	if (!*out)
		return -1;
	for (int i = 0; i < g->nnodes; i++) {
		if (g->nodes[i]->dead)
			continue;
		if (!((*out)[(*nout)++] = export_node(ex, g->nodes[i])))
			return -1;
	}
	return 0;
}

/* ValueInfoProtos for a list of values. */
static Onnx__ValueInfoProto **export_value_infos(struct exporter *ex,
						 struct tcc_value *const *vs, int n)
{
	Onnx__ValueInfoProto **out = ptr_array(ex, (size_t)n);

	for (int i = 0; out && i < n; i++)
		if (!(out[i] = export_value_info(ex, vs[i])))
			return NULL;
	return out;
}

/* value_info: the values the file listed there (has_info), unless they are in the signature
 * or belong to a removed node. */
static tcc_stat export_value_info_list(struct exporter *ex, Onnx__GraphProto *gp,
				       const struct tcc_graph *g)
{
	gp->value_info = ptr_array(ex, (size_t)g->nvalues);
	if (!gp->value_info)
		return -1;
	for (int i = 0; i < g->nvalues; i++) {
		const struct tcc_value *v = g->values[i];
		if (!v->has_info || v->is_input || v->is_output ||
		    (v->producer && v->producer->dead))
			continue;
		if (!(gp->value_info[gp->n_value_info++] = export_value_info(ex, v)))
			return -1;
	}
	return 0;
}

static tcc_stat export_initializers(struct exporter *ex, Onnx__GraphProto *gp,
				    const struct tcc_graph *g)
{
	gp->initializer = ptr_array(ex, (size_t)g->ninitializers);
	gp->sparse_initializer = ptr_array(ex, (size_t)g->nsparse);
	if (!gp->initializer || !gp->sparse_initializer)
		return -1;
	for (int i = 0; i < g->ninitializers; i++) {
		const struct tcc_value *v = g->initializers[i];
		if (!v->init)
			continue;
		Onnx__TensorProto *tp = tcc_onnx_tensor_export(ex->a, v->init, v->name);

		if (!tp)
			return -1;
		gp->initializer[gp->n_initializer++] = tp;
	}
	gp->n_sparse_initializer = (size_t)g->nsparse;
	for (int i = 0; i < g->nsparse; i++) {
		gp->sparse_initializer[i] = tcc_onnx_sparse_export(ex->a, g->sparse_initializers[i],
								   g->sparse_names[i]);
		if (!gp->sparse_initializer[i])
			return -1;
	}
	return 0;
}

static Onnx__GraphProto *export_graph(struct exporter *ex, const struct tcc_graph *g)
{
	Onnx__GraphProto *gp = tcc_arena_alloc(ex->a, sizeof(*gp));

	if (!gp)
		return NULL;
	onnx__graph_proto__init(gp);
	gp->name = mut(g->name);
	gp->doc_string = mut(g->doc_string);
	gp->n_input = (size_t)g->ninputs;
	gp->input = export_value_infos(ex, g->inputs, g->ninputs);
	gp->n_output = (size_t)g->noutputs;
	gp->output = export_value_infos(ex, g->outputs, g->noutputs);
	if (!gp->input || !gp->output)
		return NULL;
	if (export_initializers(ex, gp, g) < 0 || export_nodes(ex, g, &gp->node, &gp->n_node) < 0 ||
	    export_value_info_list(ex, gp, g) < 0)
		return NULL;
	return gp;
}

/* ---- functions and the model ---- */

static Onnx__FunctionProto *export_function(struct exporter *ex, const struct tcc_function *f)
{
	Onnx__FunctionProto *fp = tcc_arena_alloc(ex->a, sizeof(*fp));
	const struct tcc_graph *body = f->body;

	if (!fp)
		return NULL;
	onnx__function_proto__init(fp);
	fp->name = mut(f->name);
	fp->domain = mut(f->domain);
	fp->doc_string = mut(f->doc_string);
	fp->n_input = (size_t)body->ninputs;
	fp->input = value_names(ex, body->inputs, body->ninputs);
	fp->n_output = (size_t)body->noutputs;
	fp->output = value_names(ex, body->outputs, body->noutputs);
	fp->n_attribute = (size_t)f->nattrs;
	fp->attribute = (char **)f->attrs;
	fp->n_opset_import = (size_t)f->nopsets;
	fp->opset_import = export_opsets(ex, f->opsets, f->nopsets);
	if (!fp->input || !fp->output || !fp->opset_import)
		return NULL;
	if (export_nodes(ex, body, &fp->node, &fp->n_node) < 0)
		return NULL;
	return fp;
}

/* The IR version to write: the model's, or when it has none (a model built in memory) the
 * first version that knows its ONNX opset. */
static int64_t ir_version(const struct tcc_model *m)
{
	static const struct { int64_t opset, ir; } first_ir[] = {
		{ 8, 3 }, { 9, 4 }, { 10, 5 }, { 11, 6 },
		{ 14, 7 }, { 18, 8 }, { 20, 9 }, { 22, 10 },
	};
	int64_t opset = tcc_model_opset(m, "");

	if (m->ir_version > 0)
		return m->ir_version;
	for (size_t i = 0; i < sizeof(first_ir) / sizeof(first_ir[0]); i++)
		if (opset <= first_ir[i].opset)
			return first_ir[i].ir;
	return 11;
}

static tcc_stat export_header(struct exporter *ex, Onnx__ModelProto *mp)
{
	const struct tcc_model *m = ex->m;

	mp->has_ir_version = 1;
	mp->ir_version = ir_version(m);
	mp->has_model_version = m->model_version != 0;
	mp->model_version = m->model_version;
	mp->producer_name = mut(m->producer_name);
	mp->producer_version = mut(m->producer_version);
	mp->domain = mut(m->domain);
	mp->doc_string = mut(m->doc_string);
	mp->n_opset_import = (size_t)m->nopsets;
	mp->opset_import = export_opsets(ex, m->opsets, m->nopsets);
	mp->n_metadata_props = (size_t)m->nmetadata;
	mp->metadata_props = ptr_array(ex, (size_t)m->nmetadata);
	if (!mp->opset_import || !mp->metadata_props)
		return -1;
	for (int i = 0; i < m->nmetadata; i++) {
		Onnx__StringStringEntryProto *e = tcc_arena_alloc(ex->a, sizeof(*e));
		if (!e)
			return -1;
		onnx__string_string_entry_proto__init(e);
		e->key = mut(m->metadata[i].key);
		e->value = mut(m->metadata[i].value);
		mp->metadata_props[i] = e;
	}
	return 0;
}

static Onnx__ModelProto *export_model(struct exporter *ex)
{
	const struct tcc_model *m = ex->m;
	Onnx__ModelProto *mp = tcc_arena_alloc(ex->a, sizeof(*mp));

	if (!mp)
		return NULL;
	onnx__model_proto__init(mp);
	if (export_header(ex, mp) < 0)
		return NULL;
	mp->n_functions = (size_t)m->nfunctions;
	mp->functions = ptr_array(ex, (size_t)m->nfunctions);
	if (!mp->functions)
		return NULL;
	for (int i = 0; i < m->nfunctions; i++)
		if (!(mp->functions[i] = export_function(ex, m->functions[i])))
			return NULL;
	mp->graph = export_graph(ex, m->graph);
	return mp->graph ? mp : NULL;
}

__tcc_give void *tcc_onnx_write(__tcc_keep const struct tcc_model *m, size_t *len)
{
	struct exporter ex = { .a = tcc_arena_new(), .m = m };
	Onnx__ModelProto *mp = ex.a ? export_model(&ex) : NULL;
	uint8_t *buf = NULL;
	size_t size;

	*len = 0;
	if (!mp) {
		tcc_ctx_oom(m->ctx, m->graph->loc);
		goto out;
	}
	size = onnx__model_proto__get_packed_size(mp);
	if (size > INT32_MAX) {
		tcc_diag_error(m->ctx->diag, m->graph->loc,
			       "model is %zu bytes, over the 2 GiB limit of protobuf", size);
		goto out;
	}
	buf = malloc(size ? size : 1);
	if (!buf) {
		tcc_ctx_oom(m->ctx, m->graph->loc);
		goto out;
	}
	*len = onnx__model_proto__pack(mp, buf);
out:
	tcc_arena_free(ex.a);
	return buf;
}
