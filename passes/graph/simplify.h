/* Internal interface between simplify.c (driver and local rewrites) and simplify_fold.c
 * (folding BatchNormalization and constant Mul/Add into Conv, Gemm and MatMul). */
#ifndef TCC_PASSES_GRAPH_SIMPLIFY_H
#define TCC_PASSES_GRAPH_SIMPLIFY_H

#include "passes/pass.h"

/* The state of one simplify run over graph "g": value->uses is kept current by the
 * helpers below between recounts. "fold_bn" and "fold_affine" mirror the options.
 * "fixed_inputs": the model's IR version is below 4, where initializers are listed among
 * the graph inputs yet are constants (as onnxruntime treats them). */
struct tcc_simp {
	struct tcc_graph *g;
	int64_t opset;
	int fold_bn, fold_affine, fixed_inputs;
};

/* A constant no caller can override. */
int tcc_simp_is_const(const struct tcc_simp *s, __tcc_null const struct tcc_value *v);
/* A floating-point dtype the folds compute with (float, double, float16, bfloat16). */
int tcc_simp_is_float(int dtype);
/* Whether node n, producing "out" from "in", can be removed with uses of "out" reading "in"
 * (graph outputs keep their names). */
int tcc_simp_can_bypass(struct tcc_simp *s, const struct tcc_value *out,
			const struct tcc_value *in);
/* Do it (after tcc_simp_can_bypass said yes); n is removed. -1 on out of memory. */
tcc_stat tcc_simp_bypass(struct tcc_simp *s, struct tcc_node *n, struct tcc_value *out,
			 struct tcc_value *in);
/* Remove n, updating the use counts of its inputs. */
void tcc_simp_kill(struct tcc_simp *s, struct tcc_node *n);
/* Set input i of n to v (growing the input list when needed), updating use counts. */
tcc_stat tcc_simp_set_input(struct tcc_simp *s, struct tcc_node *n, int i,
			    __tcc_null struct tcc_value *v);
/* A new initializer value holding t, named fresh from "prefix", typed from t. */
__tcc_null struct tcc_value *tcc_simp_const(struct tcc_simp *s, const char *prefix,
					    struct tcc_tensor_data *t);

/* simplify_fold.c: each returns 1 when it rewrote the graph, 0 when not, -1 on error. */
tcc_bool tcc_simp_batchnorm(struct tcc_simp *s, struct tcc_node *n);
tcc_bool tcc_simp_affine(struct tcc_simp *s, struct tcc_node *n);

#endif
