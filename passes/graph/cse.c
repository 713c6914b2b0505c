/* PLACEHOLDER: being written; replaced by the real pass. */
#include "passes/pass.h"

static tcc_stat run(struct tcc_model *m, const void *options)
{
	(void)m;
	(void)options;
	return 0;
}

const struct tcc_pass tcc_pass_cse = {
	.name = "cse",
	.summary = "(not written yet)",
	.run = run,
};
