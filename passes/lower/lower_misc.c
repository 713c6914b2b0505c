#include "passes/lower/lower_private.h"

const struct lower_op lower_ops_misc[] = {
	{ NULL, NULL, NULL },
};
