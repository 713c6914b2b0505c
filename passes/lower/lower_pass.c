/* The "lower" pass: graph → program of kernels (tcc_lower_model). From here on the pipeline
 * runs kernel-level passes on m->program (fuse, the schedule passes). */
#include <stddef.h>

#include "passes/lower/lower.h"
#include "passes/pass.h"

static tcc_stat lower_run(__tcc_keep struct tcc_model *m, const void *options)
{
	(void)options;
	m->program = tcc_lower_model(m);
	return m->program ? 0 : -1;
}

const struct tcc_pass tcc_pass_lower = {
	.name = "lower",
	.summary = "lower the graph (static shapes) to a program of kernels in index notation, "
		   "one or more per node",
	.level = TCC_LEVEL_GRAPH,
	.run = lower_run,
};
