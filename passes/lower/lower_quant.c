/* Lowering of the quant ops. */
#include "passes/lower/lower_private.h"

const struct lower_op lower_ops_quant[] = {
	{ NULL, NULL, NULL },
};
