/* The "fuse" pass (placeholder, being written). */
#include <stddef.h>

#include "ir/kernel/program.h"
#include "passes/pass.h"

static tcc_stat fuse_run(__tcc_keep struct tcc_model *m, const void *options)
{
	(void)m;
	(void)options;
	return 0;
}

const struct tcc_pass tcc_pass_fuse = {
	.name = "fuse",
	.summary = "merge kernels: elementwise chains and epilogues into their producer",
	.level = TCC_LEVEL_KERNEL,
	.run = fuse_run,
};
