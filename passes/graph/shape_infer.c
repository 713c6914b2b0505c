/* shape-infer: shape and type inference over the model.
 *
 * Sorts the top graph topologically (a cycle is an error), then infers every node in order
 * with tcc_infer_node at the model's ONNX opset: each output's type is merged with what the
 * model already says (value_info), and a conflict is an error. Graph input types come from
 * the model. Sub-graphs (If/Loop/Scan bodies) are sorted and inferred the same way, for their
 * own nodes only; the outputs of the node holding them are left as they are. With "strict",
 * an ONNX op tcc has no inference for is an error.
 *
 * Like ONNX's own shape inference, every node output that ends up with a type is recorded as
 * value_info (has_info), so the printed text and a written .onnx carry the inferred shapes.
 */
#include <stddef.h>

#include "ir/graph/infer.h"
#include "passes/pass.h"

struct shape_infer_options {
	int64_t strict;
};

static const struct tcc_pass_option shape_infer_opts[] = {
	{ "strict", TCC_OPT_BOOL, offsetof(struct shape_infer_options, strict), "0",
	  "report an error for an op without shape inference" },
};

static tcc_stat infer_graph(struct tcc_graph *g, int64_t opset, int strict, int depth);

static tcc_stat infer_subgraphs(struct tcc_node *n, int64_t opset, int strict, int depth)
{
	for (int a = 0; a < n->nattrs; a++) {
		struct tcc_attr *at = &n->attrs[a];

		if (at->ref_attr_name)
			continue;
		if (at->kind == TCC_ATTR_GRAPH && at->u.g &&
		    infer_graph(at->u.g, opset, strict, depth + 1) < 0)
			return -1;
		for (int64_t i = 0; at->kind == TCC_ATTR_GRAPHS && i < at->n; i++)
			if (at->u.graphs[i] && infer_graph(at->u.graphs[i], opset, strict, depth + 1) < 0)
				return -1;
	}
	return 0;
}

/* Mark typed outputs of n as value_info (graph outputs carry their type in the signature). */
static void record_value_info(struct tcc_node *n)
{
	for (int i = 0; i < n->noutputs; i++) {
		struct tcc_value *v = n->outputs[i];

		if (v && v->type.kind != TCC_TYPE_UNKNOWN && !v->is_output)
			v->has_info = 1;
	}
}

static tcc_stat infer_graph(struct tcc_graph *g, int64_t opset, int strict, int depth)
{
	if (depth > 64) {
		tcc_diag_error(g->ctx->diag, g->loc, "sub-graphs nested too deeply");
		return -1;
	}
	if (tcc_graph_toposort(g) < 0)
		return -1;
	for (int i = 0; i < g->nnodes; i++) {
		struct tcc_node *n = g->nodes[i];

		if (n->dead)
			continue;
		if (infer_subgraphs(n, opset, strict, depth) < 0)
			return -1;
		if (strict && !tcc_infer_known(n)) {
			tcc_diag_error(g->ctx->diag, tcc_node_loc(n),
				       "no shape inference for op '%s%s%s'",
				       n->domain && n->domain[0] ? n->domain : "",
				       n->domain && n->domain[0] ? "." : "", n->op_type);
			return -1;
		}
		if (tcc_infer_node(n, opset) < 0)
			return -1;
		record_value_info(n);
	}
	return 0;
}

static tcc_stat run(struct tcc_model *m, const void *options)
{
	const struct shape_infer_options *o = options;
	static const struct shape_infer_options dflt = { 0 };

	if (!o)
		o = &dflt;
	if (!m->graph)
		return 0;
	return infer_graph(m->graph, tcc_model_opset(m, ""), o->strict != 0, 0);
}

const struct tcc_pass tcc_pass_shape_infer = {
	.name = "shape-infer",
	.summary = "infer the type and shape of every value from the ops (merging with value_info)",
	.options = shape_infer_opts,
	.noptions = sizeof(shape_infer_opts) / sizeof(shape_infer_opts[0]),
	.options_size = sizeof(struct shape_infer_options),
	.run = run,
};
