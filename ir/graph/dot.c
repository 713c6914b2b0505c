/* Graphviz drawings of the top-level graph. The DOT text comes from our own printer (so it is
 * deterministic and testable); .svg and .png files are rendered from that text through gvc.
 *
 * Drawing: graph inputs are "invhouse" boxes (id inN), graph outputs "house" boxes (outN),
 * nodes rounded boxes (nN, N = position in node order) labelled with op type, node name and
 * "OUTPUT: TYPE" lines. Edges carry the type of the value they stand for. Constants
 * (initializers and outputs of Constant nodes) are not drawn: the consumer's label lists them
 * as "NAME: TYPE". Sub-graphs are summarised in their node's label. */
#include "ir/graph/dot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef TCC_WITH_GRAPHVIZ
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#endif

/* Constants listed in a node label before "(+N more constants)". */
#define DOT_MAX_CONSTS 6

/* Pointer → index table, sorted by pointer for bsearch: node positions and graph input
 * positions. */
struct ptr_index {
	const void *key;
	int idx;
};

static int cmp_ptr(const void *a, const void *b)
{
	const struct ptr_index *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static int lookup(const struct ptr_index *tab, int n, const void *key)
{
	struct ptr_index k = { .key = key };
	const struct ptr_index *hit = n ? bsearch(&k, tab, (size_t)n, sizeof(*tab), cmp_ptr) : NULL;

	return hit ? hit->idx : -1;
}

/* Drawing state for one graph: "nodes" maps live node → position, "inputs" input value →
 * position. */
struct dot {
	struct tcc_printer *p;
	const struct tcc_graph *g;
	struct ptr_index *nodes, *inputs;
	int nnodes, ninputs;
};

/* Write s as the inside of a DOT double-quoted string: '"' and '\\' escaped, newlines as the
 * "\n" label escape, other control characters as blanks. */
static void put_escaped(struct tcc_printer *p, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			tcc_printer_char(p, '\\');
			tcc_printer_char(p, (char)c);
		} else if (c == '\n') {
			tcc_printer_str(p, "\\n");
		} else if (c < 0x20 || c == 0x7f) {
			tcc_printer_char(p, ' ');
		} else {
			tcc_printer_char(p, (char)c);
		}
	}
}

/* Compact type text: float[1,3,N], float[...] (unknown rank), seq(float[2]), "?" unknown. */
static void put_type(struct tcc_printer *p, const struct tcc_type *t, int depth)
{
	const char *dn = tcc_dtype_name(t->elem);

	if (depth > 16) {
		tcc_printer_str(p, "...");
		return;
	}
	switch (t->kind) {
	case TCC_TYPE_TENSOR:
	case TCC_TYPE_SPARSE_TENSOR:
		if (t->kind == TCC_TYPE_SPARSE_TENSOR)
			tcc_printer_str(p, "sparse ");
		tcc_printer_str(p, dn && t->elem ? dn : "?");
		if (t->rank < 0) {
			tcc_printer_str(p, "[...]");
			return;
		}
		tcc_printer_char(p, '[');
		for (int32_t i = 0; i < t->rank; i++) {
			if (i)
				tcc_printer_char(p, ',');
			if (t->dims[i].value >= 0)
				tcc_printer_int(p, t->dims[i].value);
			else if (t->dims[i].param && t->dims[i].param[0])
				tcc_printer_str(p, t->dims[i].param);
			else
				tcc_printer_char(p, '?');
		}
		tcc_printer_char(p, ']');
		return;
	case TCC_TYPE_SEQUENCE:
	case TCC_TYPE_OPTIONAL:
	case TCC_TYPE_MAP:
		tcc_printer_str(p, t->kind == TCC_TYPE_SEQUENCE ? "seq(" :
				   t->kind == TCC_TYPE_OPTIONAL ? "optional(" : "map(");
		if (t->kind == TCC_TYPE_MAP) {
			tcc_printer_str(p, dn ? dn : "?");
			tcc_printer_char(p, ',');
		}
		if (t->inner)
			put_type(p, t->inner, depth + 1);
		else
			tcc_printer_char(p, '?');
		tcc_printer_char(p, ')');
		return;
	case TCC_TYPE_UNKNOWN:
		break;
	}
	tcc_printer_char(p, '?');
}

static void put_tensor_type(struct tcc_printer *p, const struct tcc_tensor_data *t)
{
	const char *dn = tcc_dtype_name(t->dtype);

	tcc_printer_str(p, dn ? dn : "?");
	tcc_printer_char(p, '[');
	for (int32_t i = 0; i < t->rank; i++) {
		if (i)
			tcc_printer_char(p, ',');
		tcc_printer_int(p, t->dims[i]);
	}
	tcc_printer_char(p, ']');
}

static int is_constant_node(const struct tcc_node *n)
{
	return n && tcc_node_is(n, "Constant");
}

static int is_constant(const struct tcc_value *v)
{
	return v->init || (v->producer && !v->producer->dead && is_constant_node(v->producer));
}

/* "NAME: TYPE" of a constant; the tensor's own shape for initializers and Constant value=. */
static void put_constant(struct tcc_printer *p, const struct tcc_value *v)
{
	const struct tcc_attr *a = v->producer ? tcc_node_find_attr(v->producer, "value") : NULL;

	tcc_printer_str(p, v->name);
	tcc_printer_str(p, ": ");
	if (v->init)
		put_tensor_type(p, v->init);
	else if (a && a->kind == TCC_ATTR_TENSOR && a->u.t)
		put_tensor_type(p, a->u.t);
	else
		put_type(p, &v->type, 0);
}

static void put_subgraphs(struct tcc_printer *p, const struct tcc_node *n)
{
	for (int i = 0; i < n->nattrs; i++) {
		const struct tcc_attr *a = &n->attrs[i];
		if (a->kind == TCC_ATTR_GRAPH && a->u.g)
			tcc_printer_fmt(p, "\n%s: sub-graph of %d nodes", a->name, a->u.g->nnodes);
		else if (a->kind == TCC_ATTR_GRAPHS)
			tcc_printer_fmt(p, "\n%s: %lld sub-graphs", a->name, (long long)a->n);
	}
}

/* The label of node n, as plain text with '\n' between lines (escaped when written). */
static void node_label(struct tcc_printer *p, const struct tcc_node *n)
{
	int nconst = 0;

	if (n->domain[0] && strcmp(n->domain, "ai.onnx") != 0)
		tcc_printer_fmt(p, "%s.", n->domain);
	tcc_printer_str(p, n->op_type);
	if (n->name[0])
		tcc_printer_fmt(p, "\n%s", n->name);
	for (int j = 0; j < n->noutputs; j++) {
		if (!n->outputs[j])
			continue;
		tcc_printer_fmt(p, "\n%s: ", n->outputs[j]->name);
		put_type(p, &n->outputs[j]->type, 0);
	}
	put_subgraphs(p, n);
	for (int j = 0; j < n->ninputs; j++) {
		const struct tcc_value *v = n->inputs[j];
		if (!v || !is_constant(v))
			continue;
		if (nconst++ < DOT_MAX_CONSTS) {
			tcc_printer_char(p, '\n');
			put_constant(p, v);
		}
	}
	if (nconst > DOT_MAX_CONSTS)
		tcc_printer_fmt(p, "\n(+%d more constants)", nconst - DOT_MAX_CONSTS);
}

/* Emit `ID [ATTRS label="LABEL"];` where the label is the text of printer lp. */
static tcc_stat put_vertex(struct dot *d, const char *id, int idx, const char *attrs,
			   struct tcc_printer *lp)
{
	if (tcc_printer_failed(lp))
		return -1;
	tcc_printer_fmt(d->p, "  %s%d [%slabel=\"", id, idx, attrs);
	put_escaped(d->p, tcc_printer_get_str(lp));
	tcc_printer_str(d->p, "\"];\n");
	return 0;
}

/* The vertex id of the drawn source of v into id and idx; 0 when v is not drawn. */
static int source_of(const struct dot *d, const struct tcc_value *v, const char **id, int *idx)
{
	if (is_constant(v) || v->graph != d->g)
		return 0;
	if (v->producer && !v->producer->dead) {
		*id = "n";
		*idx = lookup(d->nodes, d->nnodes, v->producer);
		return *idx >= 0;
	}
	*id = "in";
	*idx = lookup(d->inputs, d->ninputs, v);
	return *idx >= 0;
}

static void put_edge(struct dot *d, const struct tcc_value *v, const char *to, int to_idx)
{
	const char *id;
	int idx;

	if (!source_of(d, v, &id, &idx))
		return;
	tcc_printer_fmt(d->p, "  %s%d -> %s%d [label=\"", id, idx, to, to_idx);
	struct tcc_printer *lp = tcc_printer_to_str();
	if (lp) {
		put_type(lp, &v->type, 0);
		put_escaped(d->p, tcc_printer_get_str(lp));
		tcc_printer_free(lp);
	}
	tcc_printer_str(d->p, "\"];\n");
}

static tcc_stat put_vertices(struct dot *d)
{
	const struct tcc_graph *g = d->g;
	tcc_stat r = 0;

	for (int i = 0; i < g->ninputs && r == 0; i++) {
		const struct tcc_value *v = g->inputs[i];
		struct tcc_printer *lp = tcc_printer_to_str();
		if (!lp || v->init) {
			tcc_printer_free(lp);
			r = lp ? 0 : -1;
			continue;
		}
		tcc_printer_fmt(lp, "%s\n", v->name);
		put_type(lp, &v->type, 0);
		r = put_vertex(d, "in", i, "shape=invhouse, style=filled, fillcolor=\"#dbe9f6\", ", lp);
		tcc_printer_free(lp);
	}
	for (int i = 0; i < g->nnodes && r == 0; i++) {
		const struct tcc_node *n = g->nodes[i];
		struct tcc_printer *lp;
		if (n->dead || is_constant_node(n))
			continue;
		lp = tcc_printer_to_str();
		if (!lp)
			return -1;
		node_label(lp, n);
		r = put_vertex(d, "n", i, "", lp);
		tcc_printer_free(lp);
	}
	for (int i = 0; i < g->noutputs && r == 0; i++) {
		const struct tcc_value *v = g->outputs[i];
		struct tcc_printer *lp = tcc_printer_to_str();
		if (!lp)
			return -1;
		tcc_printer_fmt(lp, "%s\n", v->name);
		if (is_constant(v))
			put_constant(lp, v);
		else
			put_type(lp, &v->type, 0);
		r = put_vertex(d, "out", i, "shape=house, style=filled, fillcolor=\"#dcf2dc\", ", lp);
		tcc_printer_free(lp);
	}
	return r;
}

static void put_edges(struct dot *d)
{
	const struct tcc_graph *g = d->g;

	for (int i = 0; i < g->nnodes; i++) {
		const struct tcc_node *n = g->nodes[i];
		if (n->dead || is_constant_node(n))
			continue;
		for (int j = 0; j < n->ninputs; j++)
			if (n->inputs[j])
				put_edge(d, n->inputs[j], "n", i);
	}
	for (int i = 0; i < g->noutputs; i++)
		put_edge(d, g->outputs[i], "out", i);
}

static tcc_stat build_index(struct dot *d)
{
	const struct tcc_graph *g = d->g;

	d->nodes = calloc((size_t)g->nnodes + 1, sizeof(*d->nodes));
	d->inputs = calloc((size_t)g->ninputs + 1, sizeof(*d->inputs));
	if (!d->nodes || !d->inputs)
		return -1;
	for (int i = 0; i < g->nnodes; i++)
		if (!g->nodes[i]->dead && !is_constant_node(g->nodes[i]))
			d->nodes[d->nnodes++] = (struct ptr_index){ g->nodes[i], i };
	for (int i = 0; i < g->ninputs; i++)
		if (!g->inputs[i]->init)
			d->inputs[d->ninputs++] = (struct ptr_index){ g->inputs[i], i };
	qsort(d->nodes, (size_t)d->nnodes, sizeof(*d->nodes), cmp_ptr);
	qsort(d->inputs, (size_t)d->ninputs, sizeof(*d->inputs), cmp_ptr);
	return 0;
}

tcc_stat tcc_dot_print(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_model *m)
{
	struct dot d = { .p = p, .g = m->graph };
	tcc_stat r = -1;

	if (build_index(&d) < 0)
		goto out;
	tcc_printer_str(p, "digraph \"");
	put_escaped(p, m->graph->name && m->graph->name[0] ? m->graph->name : "graph");
	tcc_printer_str(p, "\" {\n");
	tcc_printer_str(p, "  node [shape=box, style=rounded, fontname=\"Helvetica\", "
			   "fontsize=10];\n");
	tcc_printer_str(p, "  edge [fontname=\"Helvetica\", fontsize=9];\n");
	if (put_vertices(&d) < 0)
		goto out;
	put_edges(&d);
	tcc_printer_str(p, "}\n");
	r = tcc_printer_failed(p) ? -1 : 0;
out:
	free(d.nodes);
	free(d.inputs);
	if (r < 0)
		tcc_diag_error(m->ctx->diag, m->graph->loc, "cannot print the drawing: out of memory");
	return r;
}

/* The part of path after its last '.', "" when none. */
static const char *extension(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');

	return dot && (!slash || dot > slash) ? dot + 1 : "";
}

#ifdef TCC_WITH_GRAPHVIZ
/* Lay out the DOT text and render it as "format" into f. */
static tcc_stat render(const char *text, const char *format, FILE *f)
{
	GVC_t *gvc = gvContext();
	Agraph_t *g;
	tcc_stat r = -1;

	if (!gvc)
		return -1;
	g = agmemread(text);
	if (g) {
		if (gvLayout(gvc, g, "dot") == 0) {
			r = gvRender(gvc, g, format, f) == 0 ? 0 : -1;
			gvFreeLayout(gvc, g);
		}
		agclose(g);
	}
	gvFreeContext(gvc);
	return r;
}
#endif

static tcc_stat write_drawing(const struct tcc_model *m, const char *path, const char *format,
			      FILE *f)
{
	struct tcc_loc loc = { .file = path };
	struct tcc_printer *p = tcc_printer_to_str();
	tcc_stat r = -1;

	if (!p)
		return tcc_ctx_oom(m->ctx, loc);
	if (tcc_dot_print(p, m) < 0)
		goto out;
	if (!format) {
		size_t len = tcc_printer_len(p);
		r = fwrite(tcc_printer_get_str(p), 1, len, f) == len ? 0 : -1;
		if (r < 0)
			tcc_diag_error(m->ctx->diag, loc, "cannot write: %s", strerror(errno));
		goto out;
	}
#ifdef TCC_WITH_GRAPHVIZ
	r = render(tcc_printer_get_str(p), format, f);
	if (r < 0)
		tcc_diag_error(m->ctx->diag, loc, "Graphviz could not render the drawing as %s",
			       format);
#endif
out:
	tcc_printer_free(p);
	return r;
}

tcc_stat tcc_dot_write_file(__tcc_keep const struct tcc_model *m, const char *path)
{
	struct tcc_loc loc = { .file = path };
	const char *ext = extension(path), *format = NULL;
	FILE *f;
	tcc_stat r;

	if (strcasecmp(ext, "svg") == 0)
		format = "svg";
	else if (strcasecmp(ext, "png") == 0)
		format = "png";
	else if (strcasecmp(ext, "dot") != 0 && strcasecmp(ext, "gv") != 0) {
		tcc_diag_error(m->ctx->diag, loc,
			       "unknown drawing format '.%s' (use .dot, .gv, .svg or .png)", ext);
		return -1;
	}
#ifndef TCC_WITH_GRAPHVIZ
	if (format) {
		tcc_diag_error(m->ctx->diag, loc, "cannot render .%s: tcc was built without Graphviz",
			       ext);
		return -1;
	}
#endif
	f = fopen(path, format ? "wb" : "w");
	if (!f) {
		tcc_diag_error(m->ctx->diag, loc, "cannot open: %s", strerror(errno));
		return -1;
	}
	r = write_drawing(m, path, format, f);
	if (fclose(f) != 0 && r == 0) {
		tcc_diag_error(m->ctx->diag, loc, "cannot write: %s", strerror(errno));
		r = -1;
	}
	return r;
}
