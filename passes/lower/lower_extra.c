/* Lowering of further ops (Trilu, CumSum, OneHot, normalizations ...). */
#include "passes/lower/lower_private.h"

const struct lower_op lower_ops_extra[] = {
	{ NULL, NULL, NULL },
};
