/* ModelProto → graph IR.
 *
 * A graph is read in four steps so that names resolve whatever the order of the file: its
 * inputs and initializers, then every node with its outputs (inputs left empty), then the node
 * inputs and attributes (sub-graphs are read here, so they see every value of the enclosing
 * graphs), and last its outputs and value_info. Nodes keep file order. */
#include <limits.h>
#include <string.h>

#include "frontend/onnx/onnx.h"
#include "frontend/onnx/onnx_private.h"

/* State of one import: "file" names the model in diagnostics; "dir" is the directory external
 * data is read from (NULL: the current directory). */
struct importer {
	struct tcc_ctx *ctx;
	struct tcc_model *m;
	const char *file;
	const char *dir;
};

static tcc_stat import_graph(struct importer *im, struct tcc_graph *g,
			     const Onnx__GraphProto *gp);

static struct tcc_loc file_loc(const struct importer *im)
{
	struct tcc_loc loc = { .file = im->file };

	return loc;
}

static tcc_stat oom(const struct importer *im, struct tcc_loc loc)
{
	return tcc_ctx_oom(im->ctx, loc);
}

/* Arena copy of an optional string; *dst stays NULL when s is NULL or empty. */
static tcc_stat copy_opt(struct importer *im, const char **dst, const char *s)
{
	*dst = NULL;
	if (!s || !s[0])
		return 0;
	*dst = tcc_arena_strdup(im->ctx->arena, s);
	return *dst ? 0 : oom(im, file_loc(im));
}

/* Arena copy of a string that must exist ("" when s is NULL). */
static tcc_stat copy_str(struct importer *im, const char **dst, const char *s)
{
	*dst = tcc_arena_strdup(im->ctx->arena, tcc_onnx_str(s));
	return *dst ? 0 : oom(im, file_loc(im));
}

static tcc_stat import_opsets(struct importer *im, struct tcc_opset **out, int *n,
			      Onnx__OperatorSetIdProto *const *ops, size_t nops)
{
	*out = tcc_arena_calloc(im->ctx->arena, nops, sizeof(**out));
	if (!*out)
		return oom(im, file_loc(im));
	*n = (int)nops;
	for (size_t i = 0; i < nops; i++) {
		(*out)[i].version = ops[i]->has_version ? ops[i]->version : 0;
		if (copy_str(im, &(*out)[i].domain, ops[i]->domain) < 0)
			return -1;
	}
	return 0;
}

/* ---- attributes ---- */

/* The attribute's kind: its type field, or for old models the field that is set. */
static int attr_kind(const Onnx__AttributeProto *ap)
{
	if (ap->has_type && ap->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED)
		return (int)ap->type;
	if (ap->has_f) return TCC_ATTR_FLOAT;
	if (ap->has_i) return TCC_ATTR_INT;
	if (ap->has_s) return TCC_ATTR_STRING;
	if (ap->t) return TCC_ATTR_TENSOR;
	if (ap->g) return TCC_ATTR_GRAPH;
	if (ap->sparse_tensor) return TCC_ATTR_SPARSE_TENSOR;
	if (ap->tp) return TCC_ATTR_TYPE_PROTO;
	if (ap->n_floats) return TCC_ATTR_FLOATS;
	if (ap->n_ints) return TCC_ATTR_INTS;
	if (ap->n_strings) return TCC_ATTR_STRINGS;
	if (ap->n_tensors) return TCC_ATTR_TENSORS;
	if (ap->n_graphs) return TCC_ATTR_GRAPHS;
	if (ap->n_sparse_tensors) return TCC_ATTR_SPARSE_TENSORS;
	if (ap->n_type_protos) return TCC_ATTR_TYPE_PROTOS;
	return TCC_ATTR_UNDEFINED;
}

static struct tcc_graph *import_subgraph(struct importer *im, struct tcc_graph *parent,
					 const Onnx__GraphProto *gp)
{
	struct tcc_graph *g = tcc_graph_new(im->ctx, parent);

	if (!g) {
		oom(im, parent->loc);
		return NULL;
	}
	return import_graph(im, g, gp) < 0 ? NULL : g;
}

static struct tcc_type *import_type_alloc(struct importer *im, struct tcc_loc loc,
					  const Onnx__TypeProto *tp)
{
	struct tcc_type *t = tcc_arena_alloc(im->ctx->arena, sizeof(*t));

	if (!t) {
		oom(im, loc);
		return NULL;
	}
	return tcc_onnx_type_import(im->ctx, loc, t, tp) < 0 ? NULL : t;
}

/* Read entry i of a list attribute into a->u; -1 on error (reported). */
static tcc_stat import_list_item(struct importer *im, struct tcc_graph *g, struct tcc_loc loc,
				 struct tcc_attr *a, const Onnx__AttributeProto *ap, size_t i)
{
	struct tcc_ctx *ctx = im->ctx;

	switch (a->kind) {
	case TCC_ATTR_STRINGS:
		a->u.strings[i].len = ap->strings[i].len;
		a->u.strings[i].data = tcc_arena_strndup(ctx->arena,
							 (const char *)ap->strings[i].data,
							 ap->strings[i].len);
		return a->u.strings[i].data ? 0 : oom(im, loc);
	case TCC_ATTR_TENSORS:
		a->u.tensors[i] = tcc_onnx_tensor_import(ctx, loc, im->dir, ap->tensors[i]);
		return a->u.tensors[i] ? 0 : -1;
	case TCC_ATTR_GRAPHS:
		a->u.graphs[i] = import_subgraph(im, g, ap->graphs[i]);
		return a->u.graphs[i] ? 0 : -1;
	case TCC_ATTR_SPARSE_TENSORS:
		a->u.sparse_tensors[i] = tcc_onnx_sparse_import(ctx, loc, im->dir,
								ap->sparse_tensors[i]);
		return a->u.sparse_tensors[i] ? 0 : -1;
	default:
		a->u.types[i] = import_type_alloc(im, loc, ap->type_protos[i]);
		return a->u.types[i] ? 0 : -1;
	}
}

/* List kinds: the entry count and an array for the entries. */
static tcc_stat import_list(struct importer *im, struct tcc_graph *g, struct tcc_loc loc,
			    struct tcc_attr *a, const Onnx__AttributeProto *ap)
{
	struct tcc_arena *arena = im->ctx->arena;
	size_t n, size;
	void *items;

	switch (a->kind) {
	case TCC_ATTR_FLOATS:
		a->n = (int64_t)ap->n_floats;
		a->u.floats = tcc_arena_memdup(arena, ap->floats, ap->n_floats * sizeof(float));
		return a->u.floats ? 0 : oom(im, loc);
	case TCC_ATTR_INTS:
		a->n = (int64_t)ap->n_ints;
		a->u.ints = tcc_arena_memdup(arena, ap->ints, ap->n_ints * sizeof(int64_t));
		return a->u.ints ? 0 : oom(im, loc);
	case TCC_ATTR_STRINGS: n = ap->n_strings, size = sizeof(struct tcc_bytes); break;
	case TCC_ATTR_TENSORS: n = ap->n_tensors, size = sizeof(void *); break;
	case TCC_ATTR_GRAPHS: n = ap->n_graphs, size = sizeof(void *); break;
	case TCC_ATTR_SPARSE_TENSORS: n = ap->n_sparse_tensors, size = sizeof(void *); break;
	default: n = ap->n_type_protos, size = sizeof(void *); break;
	}
	items = tcc_arena_calloc(arena, n, size);
	if (!items)
		return oom(im, loc);
	a->n = (int64_t)n;
	a->u.strings = items; /* every list member of the union is a pointer */
	if (a->kind != TCC_ATTR_STRINGS)
		a->u.tensors = items;
	for (size_t i = 0; i < n; i++)
		if (import_list_item(im, g, loc, a, ap, i) < 0)
			return -1;
	return 0;
}

/* The payload of a single-valued attribute whose kind is known. */
static tcc_stat import_single(struct importer *im, struct tcc_graph *g, struct tcc_loc loc,
			      struct tcc_attr *a, const Onnx__AttributeProto *ap)
{
	struct tcc_ctx *ctx = im->ctx;
	int missing = 0;

	switch (a->kind) {
	case TCC_ATTR_FLOAT: a->u.f = ap->f; return 0;
	case TCC_ATTR_INT: a->u.i = ap->i; return 0;
	case TCC_ATTR_STRING:
		a->u.s.len = ap->s.len;
		a->u.s.data = tcc_arena_strndup(ctx->arena, (const char *)ap->s.data, ap->s.len);
		return a->u.s.data ? 0 : oom(im, loc);
	case TCC_ATTR_TENSOR:
		if (!(missing = !ap->t))
			return (a->u.t = tcc_onnx_tensor_import(ctx, loc, im->dir, ap->t)) ? 0 : -1;
		break;
	case TCC_ATTR_GRAPH:
		if (!(missing = !ap->g))
			return (a->u.g = import_subgraph(im, g, ap->g)) ? 0 : -1;
		break;
	case TCC_ATTR_SPARSE_TENSOR:
		if (!(missing = !ap->sparse_tensor))
			return (a->u.sp = tcc_onnx_sparse_import(ctx, loc, im->dir,
								  ap->sparse_tensor)) ? 0 : -1;
		break;
	default:
		if (!(missing = !ap->tp))
			return (a->u.tp = import_type_alloc(im, loc, ap->tp)) ? 0 : -1;
		break;
	}
	tcc_diag_error(ctx->diag, loc, "attribute '%s' of kind %s has no value", a->name,
		       tcc_attr_kind_name(a->kind));
	return -1;
}

static tcc_stat import_attr(struct importer *im, struct tcc_graph *g, struct tcc_loc loc,
			    struct tcc_attr *a, const Onnx__AttributeProto *ap)
{
	int kind = attr_kind(ap);

	if (copy_str(im, &a->name, ap->name) < 0 ||
	    copy_opt(im, &a->doc_string, ap->doc_string) < 0 ||
	    copy_opt(im, &a->ref_attr_name, ap->ref_attr_name) < 0)
		return -1;
	if (kind < 0 || kind > TCC_ATTR_TYPE_PROTOS) {
		tcc_diag_error(im->ctx->diag, loc, "attribute '%s' has unknown type %d", a->name,
			       kind);
		return -1;
	}
	a->kind = (enum tcc_attr_kind)kind;
	if (a->ref_attr_name)
		return 0;
	switch (a->kind) {
	case TCC_ATTR_UNDEFINED:
		tcc_diag_error(im->ctx->diag, loc, "attribute '%s' has no type and no value",
			       a->name);
		return -1;
	case TCC_ATTR_FLOATS: case TCC_ATTR_INTS: case TCC_ATTR_STRINGS: case TCC_ATTR_TENSORS:
	case TCC_ATTR_GRAPHS: case TCC_ATTR_SPARSE_TENSORS: case TCC_ATTR_TYPE_PROTOS:
		return import_list(im, g, loc, a, ap);
	default:
		return import_single(im, g, loc, a, ap);
	}
}

/* ---- nodes ---- */

/* Step 2: the node with its outputs; inputs are filled in by resolve_node. */
static struct tcc_node *create_node(struct importer *im, struct tcc_graph *g,
				    const Onnx__NodeProto *np)
{
	struct tcc_arena *a = im->ctx->arena;
	struct tcc_loc loc = { .file = im->file };
	struct tcc_value **ins, **outs;
	struct tcc_node *n;

	if (np->name && np->name[0])
		loc.node = np->name;
	if (np->n_input > INT_MAX || np->n_output > INT_MAX || np->n_attribute > INT_MAX) {
		tcc_diag_error(im->ctx->diag, loc, "node has too many inputs or outputs");
		return NULL;
	}
	if (!np->op_type || !np->op_type[0]) {
		tcc_diag_error(im->ctx->diag, loc, "node has no op_type");
		return NULL;
	}
	ins = tcc_arena_calloc(a, np->n_input, sizeof(*ins));
	outs = tcc_arena_calloc(a, np->n_output, sizeof(*outs));
	if (!ins || !outs)
		goto oom;
	for (size_t i = 0; i < np->n_output; i++) {
		if (!tcc_onnx_str(np->output[i])[0])
			continue;
		outs[i] = tcc_graph_new_value(g, np->output[i]);
		if (!outs[i])
			goto oom;
	}
	n = tcc_graph_add_node(g, np->op_type, tcc_onnx_str(np->domain), tcc_onnx_str(np->name),
			       (int)np->n_input, ins, (int)np->n_output, outs, loc);
	if (!n)
		goto oom;
	n->loc.node = loc.node ? n->name : NULL;
	if (copy_opt(im, &n->doc_string, np->doc_string) < 0)
		return NULL;
	return n;
oom:
	oom(im, loc);
	return NULL;
}

/* Step 3: look the node's inputs up (here and in enclosing graphs) and read its attributes.
 * Diagnostics name the node, or for an unnamed one its first output. */
static tcc_stat resolve_node(struct importer *im, struct tcc_graph *g, struct tcc_node *n,
			     const Onnx__NodeProto *np)
{
	struct tcc_loc loc = tcc_node_loc(n);

	for (size_t i = 0; i < np->n_input; i++) {
		if (!tcc_onnx_str(np->input[i])[0])
			continue;
		n->inputs[i] = tcc_graph_lookup(g, np->input[i]);
		if (!n->inputs[i]) {
			tcc_diag_error(im->ctx->diag, loc, "input '%s' is not defined",
				       np->input[i]);
			return -1;
		}
	}
	n->attrs = tcc_arena_calloc(im->ctx->arena, np->n_attribute, sizeof(*n->attrs));
	if (!n->attrs)
		return oom(im, loc);
	n->nattrs = (int)np->n_attribute;
	for (size_t i = 0; i < np->n_attribute; i++)
		if (import_attr(im, g, loc, &n->attrs[i], np->attribute[i]) < 0)
			return -1;
	return 0;
}

/* Steps 2 and 3 for a node list (a graph's or a function body's). */
static tcc_stat import_nodes(struct importer *im, struct tcc_graph *g,
			     Onnx__NodeProto *const *nodes, size_t nnodes)
{
	int first = g->nnodes;

	for (size_t i = 0; i < nnodes; i++)
		if (!create_node(im, g, nodes[i]))
			return -1;
	for (size_t i = 0; i < nnodes; i++)
		if (resolve_node(im, g, g->nodes[first + (int)i], nodes[i]) < 0)
			return -1;
	return 0;
}

/* ---- graphs ---- */

static tcc_stat import_inputs(struct importer *im, struct tcc_graph *g,
			      const Onnx__GraphProto *gp)
{
	for (size_t i = 0; i < gp->n_input; i++) {
		const Onnx__ValueInfoProto *vi = gp->input[i];
		struct tcc_value *v = tcc_graph_new_value(g, tcc_onnx_str(vi->name));

		if (!v || tcc_graph_add_input(g, v) < 0)
			return oom(im, g->loc);
		if (copy_opt(im, &v->doc_string, vi->doc_string) < 0 ||
		    tcc_onnx_type_import(im->ctx, g->loc, &v->type, vi->type) < 0)
			return -1;
	}
	return 0;
}

/* Initializers; one named like a graph input (IR < 4) gives that input its constant. */
static tcc_stat import_initializers(struct importer *im, struct tcc_graph *g,
				    const Onnx__GraphProto *gp)
{
	for (size_t i = 0; i < gp->n_initializer; i++) {
		const Onnx__TensorProto *tp = gp->initializer[i];
		struct tcc_tensor_data *t;
		struct tcc_value *v;

		if (!tp->name || !tp->name[0]) {
			tcc_diag_error(im->ctx->diag, g->loc, "initializer %zu has no name", i);
			return -1;
		}
		t = tcc_onnx_tensor_import(im->ctx, g->loc, im->dir, tp);
		if (!t)
			return -1;
		v = tcc_graph_lookup_local(g, tp->name);
		if (!v || !v->is_input || v->init) {
			v = tcc_graph_new_value(g, tp->name);
			if (!v)
				return oom(im, g->loc);
			tcc_type_set_tensor(im->ctx, &v->type, t->dtype, t->rank, t->dims);
		}
		if (tcc_graph_add_initializer(g, v, t) < 0)
			return oom(im, g->loc);
	}
	return 0;
}

/* Sparse initializers are kept as data; each also names a value (its dense form) so that
 * nodes may use it. */
static tcc_stat import_sparse(struct importer *im, struct tcc_graph *g,
			      const Onnx__GraphProto *gp)
{
	for (size_t i = 0; i < gp->n_sparse_initializer; i++) {
		const Onnx__SparseTensorProto *sp = gp->sparse_initializer[i];
		struct tcc_sparse_tensor *s = tcc_onnx_sparse_import(im->ctx, g->loc, im->dir, sp);
		const char *name;
		struct tcc_value *v;

		if (!s)
			return -1;
		name = tcc_onnx_str(sp->values->name);
		if (tcc_graph_add_sparse_initializer(g, name, s) < 0)
			return oom(im, g->loc);
		if (!name[0] || tcc_graph_lookup_local(g, name))
			continue;
		v = tcc_graph_new_value(g, name);
		if (!v)
			return oom(im, g->loc);
		tcc_type_set_tensor(im->ctx, &v->type, s->values->dtype, s->rank, s->dims);
	}
	return 0;
}

/* A graph output: a value of g or, in a sub-graph, of an enclosing graph (then it stays that
 * graph's value: its own is_output flag is left alone). */
static tcc_stat import_output(struct importer *im, struct tcc_graph *g,
			      const Onnx__ValueInfoProto *vi)
{
	const char *name = tcc_onnx_str(vi->name);
	struct tcc_value *v = tcc_graph_lookup(g, name);
	unsigned was_output;
	struct tcc_type t;

	if (!v) {
		tcc_diag_error(im->ctx->diag, g->loc, "graph output '%s' is not defined", name);
		return -1;
	}
	was_output = v->is_output;
	if (tcc_graph_add_output(g, v) < 0)
		return oom(im, g->loc);
	if (v->graph != g) {
		v->is_output = was_output;
		return 0;
	}
	if (tcc_onnx_type_import(im->ctx, g->loc, &t, vi->type) < 0)
		return -1;
	if (v->type.kind == TCC_TYPE_UNKNOWN && (t.kind != TCC_TYPE_UNKNOWN || t.denotation))
		v->type = t;
	if (!v->doc_string && copy_opt(im, &v->doc_string, vi->doc_string) < 0)
		return -1;
	return 0;
}

/* value_info: the type of an intermediate value of g (has_info records that the file gave
 * it). Entries about inputs and outputs only fill in a missing type; entries naming no value
 * of g are dropped. */
static tcc_stat import_value_info(struct importer *im, struct tcc_graph *g,
				  const Onnx__ValueInfoProto *vi)
{
	struct tcc_value *v = tcc_graph_lookup_local(g, tcc_onnx_str(vi->name));
	struct tcc_type t;

	if (!v)
		return 0;
	if (tcc_onnx_type_import(im->ctx, g->loc, &t, vi->type) < 0)
		return -1;
	if (v->is_input || v->is_output) {
		if (v->type.kind == TCC_TYPE_UNKNOWN && t.kind != TCC_TYPE_UNKNOWN)
			v->type = t;
		return 0;
	}
	v->type = t;
	v->has_info = 1;
	if (!v->doc_string && copy_opt(im, &v->doc_string, vi->doc_string) < 0)
		return -1;
	return 0;
}

static tcc_stat import_graph(struct importer *im, struct tcc_graph *g,
			     const Onnx__GraphProto *gp)
{
	g->loc.file = im->file;
	if (copy_str(im, &g->name, gp->name) < 0 ||
	    copy_opt(im, &g->doc_string, gp->doc_string) < 0)
		return -1;
	if (import_inputs(im, g, gp) < 0 || import_initializers(im, g, gp) < 0 ||
	    import_sparse(im, g, gp) < 0)
		return -1;
	if (import_nodes(im, g, gp->node, gp->n_node) < 0)
		return -1;
	for (size_t i = 0; i < gp->n_output; i++)
		if (import_output(im, g, gp->output[i]) < 0)
			return -1;
	for (size_t i = 0; i < gp->n_value_info; i++)
		if (import_value_info(im, g, gp->value_info[i]) < 0)
			return -1;
	return 0;
}

/* ---- functions ---- */

/* The body of a function: its inputs are untyped values, its outputs values it defines. */
static tcc_stat import_function_body(struct importer *im, struct tcc_function *f,
				     const Onnx__FunctionProto *fp)
{
	struct tcc_graph *g = f->body;

	for (size_t i = 0; i < fp->n_input; i++) {
		struct tcc_value *v = tcc_graph_new_value(g, fp->input[i]);
		if (!v || tcc_graph_add_input(g, v) < 0)
			return oom(im, f->loc);
	}
	if (import_nodes(im, g, fp->node, fp->n_node) < 0)
		return -1;
	for (size_t i = 0; i < fp->n_output; i++) {
		struct tcc_value *v = tcc_graph_lookup_local(g, fp->output[i]);
		if (!v) {
			tcc_diag_error(im->ctx->diag, f->loc, "function '%s': output '%s' is not "
				       "defined", f->name, fp->output[i]);
			return -1;
		}
		if (tcc_graph_add_output(g, v) < 0)
			return oom(im, f->loc);
	}
	return 0;
}

static struct tcc_function *import_function(struct importer *im, const Onnx__FunctionProto *fp)
{
	struct tcc_arena *a = im->ctx->arena;
	struct tcc_function *f = tcc_arena_alloc(a, sizeof(*f));

	if (!f || fp->n_attribute > INT_MAX)
		goto oom;
	f->loc = file_loc(im);
	if (copy_str(im, &f->name, fp->name) < 0 || copy_str(im, &f->domain, fp->domain) < 0 ||
	    copy_opt(im, &f->doc_string, fp->doc_string) < 0)
		return NULL;
	if (import_opsets(im, &f->opsets, &f->nopsets, fp->opset_import, fp->n_opset_import) < 0)
		return NULL;
	f->nattrs = (int)fp->n_attribute;
	f->attrs = tcc_arena_calloc(a, fp->n_attribute, sizeof(*f->attrs));
	if (!f->attrs)
		goto oom;
	for (size_t i = 0; i < fp->n_attribute; i++)
		if (copy_str(im, &f->attrs[i], fp->attribute[i]) < 0)
			return NULL;
	f->body = tcc_graph_new(im->ctx, NULL);
	if (!f->body)
		goto oom;
	f->body->loc = f->loc;
	f->body->name = f->name;
	return import_function_body(im, f, fp) < 0 ? NULL : f;
oom:
	oom(im, file_loc(im));
	return NULL;
}

/* ---- model ---- */

static tcc_stat import_header(struct importer *im, const Onnx__ModelProto *mp)
{
	struct tcc_model *m = im->m;

	m->ir_version = mp->ir_version;
	m->model_version = mp->has_model_version ? mp->model_version : 0;
	if (copy_opt(im, &m->producer_name, mp->producer_name) < 0 ||
	    copy_opt(im, &m->producer_version, mp->producer_version) < 0 ||
	    copy_opt(im, &m->domain, mp->domain) < 0 ||
	    copy_opt(im, &m->doc_string, mp->doc_string) < 0)
		return -1;
	if (import_opsets(im, &m->opsets, &m->nopsets, mp->opset_import, mp->n_opset_import) < 0)
		return -1;
	m->metadata = tcc_arena_calloc(im->ctx->arena, mp->n_metadata_props, sizeof(*m->metadata));
	if (!m->metadata)
		return oom(im, file_loc(im));
	m->nmetadata = (int)mp->n_metadata_props;
	for (size_t i = 0; i < mp->n_metadata_props; i++) {
		struct tcc_string_pair *p = &m->metadata[i];
		if (copy_str(im, &p->key, mp->metadata_props[i]->key) < 0 ||
		    copy_str(im, &p->value, mp->metadata_props[i]->value) < 0)
			return -1;
	}
	return 0;
}

/* The directory of "path" (external data lives there); NULL for the current directory. */
static const char *model_dir(struct tcc_ctx *ctx, const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	if (!slash)
		return NULL;
	if (slash == path)
		return "/";
	return tcc_arena_strndup(ctx->arena, path, (size_t)(slash - path));
}

static struct tcc_model *import_model(struct importer *im, const Onnx__ModelProto *mp)
{
	struct tcc_loc loc = file_loc(im);
	struct tcc_model *m = im->m;

	if (!mp->has_ir_version || mp->ir_version <= 0) {
		tcc_diag_error(im->ctx->diag, loc, "invalid or missing ir_version (%lld)",
			       (long long)mp->ir_version);
		return NULL;
	}
	if (!mp->graph) {
		tcc_diag_error(im->ctx->diag, loc, "model has no graph");
		return NULL;
	}
	if (mp->n_functions > INT_MAX || mp->n_opset_import > INT_MAX ||
	    mp->n_metadata_props > INT_MAX) {
		tcc_diag_error(im->ctx->diag, loc, "model has too many entries");
		return NULL;
	}
	if (import_header(im, mp) < 0)
		return NULL;
	m->functions = tcc_arena_calloc(im->ctx->arena, mp->n_functions, sizeof(*m->functions));
	if (!m->functions) {
		oom(im, loc);
		return NULL;
	}
	for (size_t i = 0; i < mp->n_functions; i++) {
		m->functions[i] = import_function(im, mp->functions[i]);
		if (!m->functions[i])
			return NULL;
		m->nfunctions++;
	}
	return import_graph(im, m->graph, mp->graph) < 0 ? NULL : m;
}

/* ---- nesting depth ---- */

/* protobuf-c unpacks nested messages recursively and without a limit, so a small file of
 * deeply nested graphs would overflow the stack. Before unpacking, the wire format is walked
 * with the message descriptors and nesting deeper than protobuf's usual limit is rejected. */
enum { MAX_NESTING = 100 };

/* Read a varint at *p (< end); -1 when truncated or too long. */
static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64 && *p < end; shift += 7) {
		uint8_t b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
	}
	return -1;
}

/* 0 when the message "desc" in [p, end) nests at most MAX_NESTING deep and is well formed as
 * far as this walk can tell; -2 when it nests deeper, -1 when it is malformed. */
static int check_nesting(const ProtobufCMessageDescriptor *desc, const uint8_t *p,
			 const uint8_t *end, int depth)
{
	uint64_t tag, n;
	int r;

	if (depth > MAX_NESTING)
		return -2;
	while (p < end) {
		const ProtobufCFieldDescriptor *f;

		if (read_varint(&p, end, &tag) < 0)
			return -1;
		switch (tag & 7) {
		case PROTOBUF_C_WIRE_TYPE_VARINT:
			if (read_varint(&p, end, &n) < 0)
				return -1;
			continue;
		case PROTOBUF_C_WIRE_TYPE_64BIT: n = 8; break;
		case PROTOBUF_C_WIRE_TYPE_32BIT: n = 4; break;
		case PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED:
			if (read_varint(&p, end, &n) < 0)
				return -1;
			break;
		default:
			return -1;
		}
		if (n > (uint64_t)(end - p))
			return -1;
		f = NULL;
		if (tag >> 3 <= UINT_MAX)
			f = protobuf_c_message_descriptor_get_field(desc, (unsigned)(tag >> 3));
		if ((tag & 7) == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED && f &&
		    f->type == PROTOBUF_C_TYPE_MESSAGE &&
		    (r = check_nesting(f->descriptor, p, p + n, depth + 1)) < 0)
			return r;
		p += n;
	}
	return 0;
}

__tcc_keep struct tcc_model *tcc_onnx_read(__tcc_keep struct tcc_ctx *ctx, const char *path,
					   const void *buf, size_t len)
{
	struct tcc_loc loc = { .file = path ? path : "<input>" };
	struct importer im = { .ctx = ctx };
	Onnx__ModelProto *mp;
	struct tcc_model *m;
	int nesting;

	nesting = !len ? 0 : !buf ? -1 : check_nesting(&onnx__model_proto__descriptor, buf,
						       (const uint8_t *)buf + len, 0);
	if (nesting == -2) {
		tcc_diag_error(ctx->diag, loc, "not a valid ONNX model (messages nested more than "
			       "%d deep)", MAX_NESTING);
		return NULL;
	}
	mp = nesting == 0 ? onnx__model_proto__unpack(NULL, len, buf) : NULL;
	if (!mp) {
		tcc_diag_error(ctx->diag, loc, "not a valid ONNX model (protobuf decoding failed)");
		return NULL;
	}
	im.m = tcc_model_new(ctx, path);
	im.dir = model_dir(ctx, path);
	if (!im.m || (path && strchr(path, '/') && !im.dir)) {
		onnx__model_proto__free_unpacked(mp, NULL);
		tcc_ctx_oom(ctx, loc);
		return NULL;
	}
	im.file = im.m->path;
	m = import_model(&im, mp);
	onnx__model_proto__free_unpacked(mp, NULL);
	return m;
}
