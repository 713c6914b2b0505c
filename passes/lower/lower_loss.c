/* Lowering of the loss ops. */
#include "passes/lower/lower_private.h"

const struct lower_op lower_ops_loss[] = {
	{ NULL, NULL, NULL },
};
