/* dce: dead code elimination.
 *
 * Removes every node none of whose outputs is used (graph outputs count as uses; ONNX
 * inference ops have no side effects), repeatedly, walking the topologically ordered
 * nodes backwards so whole dead chains go in one sweep. tcc_graph_compact then drops the
 * initializers and values nothing uses (graph inputs and outputs stay: they are the
 * signature). With "subgraphs", the bodies of If/Loop/Scan are cleaned the same way.
 *
 * In a model of IR version < 4 every initializer is also listed as a graph input only
 * because that IR required it; tcc treats those as constants (as fold-constants does), so
 * the ones nothing uses any more leave the signature too.
 */
#include <stddef.h>

#include "passes/pass.h"

struct dce_options {
	int64_t subgraphs;
};

static const struct tcc_pass_option dce_opts[] = {
	{ "subgraphs", TCC_OPT_BOOL, offsetof(struct dce_options, subgraphs), "1",
	  "also remove dead nodes inside sub-graphs (If/Loop/Scan bodies)" },
};

static int has_subgraph(const struct tcc_node *n)
{
	for (int a = 0; a < n->nattrs; a++)
		if (n->attrs[a].kind == TCC_ATTR_GRAPH || n->attrs[a].kind == TCC_ATTR_GRAPHS)
			return 1;
	return 0;
}

static int is_dead(const struct tcc_node *n)
{
	for (int i = 0; i < n->noutputs; i++)
		if (n->outputs[i] && n->outputs[i]->uses > 0)
			return 0;
	return 1;
}

/* One backward sweep over g (uses must be current). Returns 1 when a removed node held a
 * sub-graph: its reads of outer values were not subtracted, so the caller recounts. */
static int sweep(struct tcc_graph *g, int *removed)
{
	int recount = 0;

	for (int i = g->nnodes - 1; i >= 0; i--) {
		struct tcc_node *n = g->nodes[i];
		if (n->dead || !is_dead(n))
			continue;
		for (int j = 0; j < n->ninputs; j++)
			if (n->inputs[j])
				n->inputs[j]->uses--;
		recount |= has_subgraph(n);
		tcc_graph_remove_node(g, n);
		(*removed)++;
	}
	return recount;
}

static void dce_graph(struct tcc_graph *g, int subgraphs);

static void dce_subgraphs(struct tcc_graph *g)
{
	for (int i = 0; i < g->nnodes; i++) {
		struct tcc_node *n = g->nodes[i];
		for (int a = 0; !n->dead && a < n->nattrs; a++) {
			struct tcc_attr *at = &n->attrs[a];
			if (at->kind == TCC_ATTR_GRAPH && at->u.g)
				dce_graph(at->u.g, 1);
			for (int64_t k = 0; at->kind == TCC_ATTR_GRAPHS && k < at->n; k++)
				dce_graph(at->u.graphs[k], 1);
		}
	}
}

static void dce_graph(struct tcc_graph *g, int subgraphs)
{
	int removed = 0;

	/* Counting from a sub-graph is exact for its own values (only it and its nested
	 * graphs can read them); outer values may be over-counted, which only keeps nodes. */
	tcc_graph_count_uses(g);
	while (sweep(g, &removed))
		tcc_graph_count_uses(g);
	if (subgraphs)
		dce_subgraphs(g);
	if (removed || subgraphs)
		tcc_graph_compact(g);
}

/* Drop unused initializer-inputs of an IR < 4 graph from its inputs (uses are current). */
static void drop_unused_constant_inputs(struct tcc_graph *g)
{
	int k = 0;

	for (int i = 0; i < g->ninputs; i++) {
		struct tcc_value *v = g->inputs[i];

		if (v->init && !v->uses && !v->is_output)
			v->is_input = 0;
		else
			g->inputs[k++] = v;
	}
	g->ninputs = k;
}

static tcc_stat dce_run(__tcc_keep struct tcc_model *m, const void *options)
{
	const struct dce_options *o = options;

	dce_graph(m->graph, o->subgraphs != 0);
	/* Removing nodes in sub-graphs may leave outer values unused. */
	if (o->subgraphs)
		dce_graph(m->graph, 0);
	if (m->ir_version > 0 && m->ir_version < 4) {
		drop_unused_constant_inputs(m->graph);
		tcc_graph_compact(m->graph);
	}
	return 0;
}

const struct tcc_pass tcc_pass_dce = {
	.name = "dce",
	.summary = "remove nodes whose outputs are unused, and unused initializers",
	.options = dce_opts,
	.noptions = sizeof(dce_opts) / sizeof(dce_opts[0]),
	.options_size = sizeof(struct dce_options),
	.run = dce_run,
};
