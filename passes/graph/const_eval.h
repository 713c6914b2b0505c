/* Compile-time evaluation of ONNX ops on constant tensors, used by fold-constants.
 *
 * Numeric rule: floating-point ops compute in double and round once to the output dtype;
 * integer ops compute in 64-bit integers and wrap to the output dtype as a C cast would.
 * Data-movement ops (Gather, Concat, Transpose, ...) copy elements bit for bit, so they
 * work for every dtype, strings and sub-byte types included.
 */
#ifndef TCC_PASSES_GRAPH_CONST_EVAL_H
#define TCC_PASSES_GRAPH_CONST_EVAL_H

#include "ir/graph/graph.h"

/* Highest rank the evaluator handles (deeper tensors are simply not folded). */
#define TCC_CEVAL_MAX_RANK 16

/* Evaluate node "n" (ONNX domain, "opset" of the model) on the constant inputs "ins"
 * (n->ninputs entries, NULL for omitted ones). Shape and Size may get a NULL input whose
 * value has a static type: they read the shape from n->inputs[0]->type.
 * On success stores n->noutputs new arena tensors in "outs" (NULL for omitted outputs)
 * and returns 1. Returns 0 when the node cannot be folded (an op or dtype the evaluator
 * does not know, integer division by zero, an index out of range, a result of more than
 * "max_elements" elements for ops other than Constant and ConstantOfShape), and -1 after
 * reporting an error (out of memory). */
tcc_bool tcc_const_eval(__tcc_keep struct tcc_ctx *ctx, __tcc_keep const struct tcc_node *n,
			int64_t opset, __tcc_keep struct tcc_tensor_data *const *ins,
			__tcc_keep struct tcc_tensor_data **outs, int64_t max_elements);

/* Whether tcc_const_eval knows op "n" at all (cheap check before gathering inputs). */
int tcc_const_eval_known(__tcc_keep const struct tcc_node *n);

/* ---- shared with const_eval_shape.c (internal) ---- */

/* The evaluation state of one node: "ins"/"outs" as for tcc_const_eval. */
struct tcc_ceval {
	struct tcc_ctx *ctx;
	const struct tcc_node *n;
	int64_t opset;
	struct tcc_tensor_data *const *ins;
	struct tcc_tensor_data **outs;
	int64_t max_elements;
};

/* New output tensor; returns NULL after reporting out of memory (*err = 1) or when the
 * tensor would exceed the element limit (*err stays 0). */
struct tcc_tensor_data *tcc_ceval_new(struct tcc_ceval *e, int dtype, int32_t rank,
				 const int64_t *dims, int *err);
/* Copy element "si" of "src" into element "di" of "dst" (same dtype), bit for bit. */
void tcc_ceval_copy_elem(struct tcc_tensor_data *dst, int64_t di, const struct tcc_tensor_data *src,
			 int64_t si);
/* Read an int64 list from a 0-D/1-D integer tensor into arena memory; NULL if "t" is not
 * an integer tensor. "*count" gets the length. */
int64_t *tcc_ceval_ints(struct tcc_ceval *e, const struct tcc_tensor_data *t, int64_t *count);
/* The list from attribute "attr" (opset < "input_since") or input "input"; *count -1 when
 * absent. Returns 0 when present-but-unusable (then do not fold), 1 otherwise. */
int tcc_ceval_list(struct tcc_ceval *e, const char *attr, int input, int64_t input_since,
		   const int64_t **list, int64_t *count);

/* Shape and data-movement ops (const_eval_shape.c) and reductions (const_eval_reduce.c);
 * same return convention as tcc_const_eval. */
tcc_bool tcc_ceval_shape_op(struct tcc_ceval *e);
int tcc_ceval_shape_known(const char *op);
tcc_bool tcc_ceval_reduce(struct tcc_ceval *e);
int tcc_ceval_reduce_known(const char *op);

#endif
