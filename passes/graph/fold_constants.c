/* fold-constants: evaluate constant sub-graphs at compile time.
 *
 * A node of the ONNX domain whose every present input is a constant (an initializer that
 * is not also a graph input), and every Constant node, is evaluated by const_eval.c and
 * replaced by initializers holding its outputs: the output values keep their names and
 * become constants. Shape and Size also fold when their input merely has a static type,
 * which lets Shape→Gather→Concat→Reshape chains collapse. Nodes with sub-graphs, nodes in
 * other domains and ops the evaluator does not know are left alone; so are results above
 * "max-elements" (except Constant and ConstantOfShape, which always fold). Sub-graphs are
 * folded too, seeing the constants of the graphs around them.
 */
#include <stddef.h>
#include <string.h>

#include "passes/graph/const_eval.h"
#include "passes/pass.h"

struct fold_options {
	int64_t max_elements;
	int64_t fold_shape;
};

static const struct tcc_pass_option fold_opts[] = {
	{ "max-elements", TCC_OPT_INT, offsetof(struct fold_options, max_elements), "100000000",
	  "do not fold a node whose result has more elements (Constant and ConstantOfShape "
	  "always fold)" },
	{ "fold-shape", TCC_OPT_BOOL, offsetof(struct fold_options, fold_shape), "1",
	  "fold Shape and Size of values whose type has a static shape" },
};

/* One run: the options, the model's ONNX "opset", and "fixed_inputs": whether initializers
 * listed among the graph inputs are constants, as below IR version 4, where every
 * initializer had to be listed as an input (onnxruntime treats them so too). */
struct fold {
	const struct fold_options *o;
	int64_t opset;
	int fixed_inputs;
};

/* A value whose content is known at compile time: an initializer that the caller cannot
 * override (from IR version 4, an initializer listed as a graph input can be fed at run
 * time). */
static int is_const(const struct fold *f, const struct tcc_value *v)
{
	return v && v->init && (!v->is_input || f->fixed_inputs);
}

static int has_subgraph(const struct tcc_node *n)
{
	for (int i = 0; i < n->nattrs; i++)
		if (n->attrs[i].kind == TCC_ATTR_GRAPH || n->attrs[i].kind == TCC_ATTR_GRAPHS)
			return 1;
	return 0;
}

/* Whether n may be evaluated: ONNX domain, known op, constant inputs (or, for Shape and
 * Size with fold-shape, a static input type). */
static int foldable(const struct tcc_node *n, const struct fold *f)
{
	const struct fold_options *o = f->o;
	int shape_op = tcc_node_is(n, "Shape") || tcc_node_is(n, "Size");

	if (n->dead || !tcc_node_is(n, n->op_type) || has_subgraph(n) || !tcc_const_eval_known(n))
		return 0;
	if (shape_op && n->ninputs == 1 && n->inputs[0])
		return is_const(f, n->inputs[0]) ||
		       (o->fold_shape && tcc_type_is_static(&n->inputs[0]->type));
	for (int i = 0; i < n->ninputs; i++)
		if (n->inputs[i] && !is_const(f, n->inputs[i]))
			return 0;
	return 1;
}

/* A static output type larger than the limit: skip without evaluating. */
static int too_big(const struct tcc_node *n, const struct fold_options *o)
{
	if (o->max_elements < 0 || tcc_node_is(n, "Constant") || tcc_node_is(n, "ConstantOfShape"))
		return 0;
	for (int i = 0; i < n->noutputs; i++) {
		const struct tcc_value *v = n->outputs[i];
		if (v && tcc_type_numel(&v->type) > o->max_elements)
			return 1;
	}
	return 0;
}

/* Give v the type of its new constant t when v's own type is not already exact. */
static tcc_stat type_from_tensor(struct tcc_ctx *ctx, struct tcc_value *v,
				 const struct tcc_tensor_data *t)
{
	const char *den = v->type.denotation;

	if (tcc_type_is_static(&v->type) && v->type.elem == t->dtype && v->type.rank == t->rank)
		return 0;
	tcc_type_set_tensor(ctx, &v->type, t->dtype, t->rank, t->dims);
	v->type.denotation = den;
	return t->rank > 0 && !v->type.dims ? -1 : 0;
}

/* Evaluate n and, when it folds, replace it by initializers. Returns 1 if folded. */
static tcc_bool fold_node(struct tcc_graph *g, struct tcc_node *n, const struct fold *f)
{
	const struct fold_options *o = f->o;
	struct tcc_ctx *ctx = g->ctx;
	struct tcc_tensor_data *ins[64], *outs[64];
	tcc_bool r;

	if (n->ninputs > 64 || n->noutputs > 64 || too_big(n, o))
		return 0;
	for (int i = 0; i < n->ninputs; i++)
		ins[i] = n->inputs[i] && is_const(f, n->inputs[i]) ? n->inputs[i]->init : NULL;
	r = tcc_const_eval(ctx, n, f->opset, ins, outs, o->max_elements);
	if (r <= 0)
		return r;
	tcc_graph_remove_node(g, n);
	for (int i = 0; i < n->noutputs; i++) {
		struct tcc_value *v = n->outputs[i];
		if (!v)
			continue;
		outs[i]->name = v->name;
		if (type_from_tensor(ctx, v, outs[i]) < 0 ||
		    tcc_graph_add_initializer(g, v, outs[i]) < 0)
			return tcc_ctx_oom(ctx, tcc_node_loc(n));
	}
	return 1;
}

static tcc_stat fold_graph(struct tcc_graph *g, const struct fold *f);

static tcc_stat fold_subgraphs(struct tcc_node *n, const struct fold *f)
{
	for (int a = 0; a < n->nattrs; a++) {
		struct tcc_attr *at = &n->attrs[a];
		if (at->kind == TCC_ATTR_GRAPH && at->u.g && fold_graph(at->u.g, f) < 0)
			return -1;
		for (int64_t k = 0; at->kind == TCC_ATTR_GRAPHS && k < at->n; k++)
			if (fold_graph(at->u.graphs[k], f) < 0)
				return -1;
	}
	return 0;
}

/* Nodes are in topological order, so one sweep folds whole constant chains. */
static tcc_stat fold_graph(struct tcc_graph *g, const struct fold *f)
{
	int changed = 0;

	for (int i = 0; i < g->nnodes; i++) {
		struct tcc_node *n = g->nodes[i];
		tcc_bool r = 0;
		if (n->dead)
			continue;
		if (has_subgraph(n) && fold_subgraphs(n, f) < 0)
			return -1;
		if (foldable(n, f))
			r = fold_node(g, n, f);
		if (r < 0)
			return -1;
		changed |= r;
	}
	if (changed)
		tcc_graph_compact(g);
	return 0;
}

static tcc_stat fold_run(__tcc_keep struct tcc_model *m, const void *options)
{
	struct fold f = { options, tcc_model_opset(m, ""), m->ir_version > 0 && m->ir_version < 4 };

	if (f.opset < 0)
		f.opset = 1;
	return fold_graph(m->graph, &f);
}

const struct tcc_pass tcc_pass_fold_constants = {
	.name = "fold-constants",
	.summary = "evaluate nodes whose inputs are constants (and Shape of static shapes) "
		   "into initializers",
	.options = fold_opts,
	.noptions = sizeof(fold_opts) / sizeof(fold_opts[0]),
	.options_size = sizeof(struct fold_options),
	.run = fold_run,
};
