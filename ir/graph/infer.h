/* Shape and type inference, one function per ONNX op, listed in ops.def. */
#ifndef TCC_IR_GRAPH_INFER_H
#define TCC_IR_GRAPH_INFER_H

#include "ir/graph/graph.h"

/* Infer the output types of n from its inputs and attributes, merging with what its outputs
 * already say (a conflict is an error naming the node). Ops without an inference function are
 * left as they are (returns 0). "opset" is the model's ONNX opset. */
tcc_stat tcc_infer_node(__tcc_keep struct tcc_node *n, int64_t opset);
/* Whether tcc has shape inference for this op. */
int tcc_infer_known(__tcc_keep const struct tcc_node *n);

#endif
