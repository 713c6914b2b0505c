/* Private to the shape-inference files (infer.c, infer_*.c): the per-node state handed to each
 * inference function, and the helpers they share. */
#ifndef TCC_IR_GRAPH_INFER_PRIVATE_H
#define TCC_IR_GRAPH_INFER_PRIVATE_H

#include <stdint.h>

#include "ir/graph/infer.h"

/* Largest dim any inferred shape may have (2^40). */
#define TCC_MAX_DIM ((int64_t)1 << 40)

/* The state for inferring one node "n": its "ctx", the model's "opset", and one inferred type
 * per output in "out" ("nout" of them; kind TCC_TYPE_UNKNOWN means nothing was inferred).
 * Inference functions write only into "out"; the driver merges "out" into the output values.
 * "scratch" receives writes to outputs the node does not have. */
struct tcc_infer {
	struct tcc_node *n;
	struct tcc_ctx *ctx;
	int64_t opset;
	int nout;
	struct tcc_type *out;
	struct tcc_type scratch;
};

/* An inference function: fills inf->out; 0, or -1 after reporting an error. */
typedef tcc_stat tcc_infer_fn(struct tcc_infer *inf);

#define OP(name, fn, doc) tcc_infer_fn fn;
#include "ir/graph/ops.def"
#undef OP

/* Report an error at the node (message prefixed with the op type) and return -1. */
tcc_stat tcc_infer_error(struct tcc_infer *inf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Input i's tensor type, or NULL when the input is absent or not a tensor. */
const struct tcc_type *tcc_infer_in(struct tcc_infer *inf, int i);
/* Input i's rank (-1 when unknown or absent) and element type (0 when unknown). */
int32_t tcc_infer_in_rank(struct tcc_infer *inf, int i);
int tcc_infer_in_elem(struct tcc_infer *inf, int i);
/* Input i's name for messages ("" when absent). */
const char *tcc_infer_in_name(struct tcc_infer *inf, int i);

/* Make output i a tensor of "elem" and "rank" (-1: unknown rank) with every dim unknown and
 * return it; NULL (reported) when out of memory. */
struct tcc_type *tcc_infer_out(struct tcc_infer *inf, int i, int elem, int32_t rank);
/* Output o gets input i's shape and element type "elem" (0: input i's element type). Does
 * nothing when input i has no type. */
tcc_stat tcc_infer_out_like(struct tcc_infer *inf, int o, int i, int elem);

/* The constant behind input i: an initializer or the "value" of a Constant node; NULL when
 * not constant. */
const struct tcc_tensor_data *tcc_infer_const(struct tcc_infer *inf, int i);
/* Input i as a list of integers: 1 with *vals (arena) and *count set when it is a constant of
 * an integer type of rank <= 1 (also Constant nodes' value_int(s)); 0 when not constant; -1
 * (reported) when it is a constant of another kind or memory runs out. */
tcc_bool tcc_infer_const_ints(struct tcc_infer *inf, int i, int64_t **vals, int64_t *count);
/* Input i as a scalar (rank 0 or one element) double: 1 when constant, else 0. */
tcc_bool tcc_infer_const_scalar(struct tcc_infer *inf, int i, double *v);

/* Normalize axis "axis" against rank ("what" names it in the message): *out in [0, rank). */
tcc_stat tcc_infer_axis(struct tcc_infer *inf, int64_t axis, int32_t rank, int64_t *out,
			const char *what);
/* Normalize a list of axes in place; duplicates are an error. */
tcc_stat tcc_infer_axes(struct tcc_infer *inf, int64_t *axes, int64_t count, int32_t rank);

/* A dtype's name for messages (never NULL). */
static inline const char *tcc_infer_dtname(int elem)
{
	const char *s = tcc_dtype_name(elem);

	return s ? s : "?";
}

/* Dims. */
static inline struct tcc_dim tcc_dim_known(int64_t v)
{
	struct tcc_dim d = { v, NULL };
	return d;
}

static inline struct tcc_dim tcc_dim_unknown(void)
{
	struct tcc_dim d = { -1, NULL };
	return d;
}

/* Both dims are the same number, or the same symbol. */
int tcc_dim_same(struct tcc_dim a, struct tcc_dim b);
/* Saturating arithmetic on dims (never beyond INT64_MAX / INT64_MIN). */
int64_t tcc_sat_add(int64_t a, int64_t b);
int64_t tcc_sat_mul(int64_t a, int64_t b);

/* Broadcast dim b into *a (multidirectional); "ia"/"ib" name the inputs and "axis" the output
 * axis for the message. */
tcc_stat tcc_infer_bcast_dim(struct tcc_infer *inf, struct tcc_dim *a, struct tcc_dim b,
			     int32_t axis, int ia, int ib);
/* Multidirectional broadcast of inputs first..first+count-1 (absent ones skipped) into output
 * o with element type "elem". Leaves o unknown-rank when an input's rank is unknown. */
tcc_stat tcc_infer_bcast(struct tcc_infer *inf, int o, int first, int count, int elem);

/* Check that an attribute list of ints, if present, has "want" entries. */
tcc_stat tcc_infer_attr_len(struct tcc_infer *inf, const char *name, int64_t count,
			    int64_t want);

#endif
