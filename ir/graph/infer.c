/* PLACEHOLDER: being written. */
#include "ir/graph/infer.h"

tcc_stat tcc_infer_node(__tcc_keep struct tcc_node *n, int64_t opset)
{
	(void)n;
	(void)opset;
	return 0;
}

int tcc_infer_known(__tcc_keep const struct tcc_node *n)
{
	(void)n;
	return 0;
}
