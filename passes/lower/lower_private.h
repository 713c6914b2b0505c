/* Shared by the lowering files: the lowering state, a kernel builder for one node, and small
 * expression helpers. Every builder tolerates NULL operands (out of memory) and passes NULL
 * on, so an op lowering can build a whole statement and check once, in lk_end. */
#ifndef TCC_PASSES_LOWER_LOWER_PRIVATE_H
#define TCC_PASSES_LOWER_LOWER_PRIVATE_H

#include "passes/lower/lower.h"

typedef struct tcc_kexpr kexpr;

/* The lowering of one model: "prog" being built from graph "g"; "opset" of the ONNX domain;
 * "map" is an open-addressing table from value to program buffer index ("mapcap" slots). */
struct lower {
	struct tcc_ctx *ctx;
	struct tcc_model *m;
	struct tcc_graph *g;
	struct tcc_program *prog;
	int64_t opset;
	int mapcap, mapn;
	struct tcc_value **mapv;
	int *mapb;
};

/* One kernel being built for node "n": "bind" and "vals" run parallel to k->bufs (the
 * program buffer and the graph value, NULL for temporaries, of each kernel buffer); "err"
 * is sticky; "nst" numbers statements. */
struct lk {
	struct lower *L;
	struct tcc_node *n;
	struct tcc_kernel *k;
	int *bind;
	struct tcc_value **vals;
	int cap;
	int nst;
	int err;
};

/* ---- values ---- */
/* The static shape of tensor value v (rank into *rank, dims as an arena-owned array); -1 when
 * not a static tensor. */
tcc_stat lower_shape(const struct tcc_value *v, int32_t *rank, const int64_t **dims);
int lower_dtype(const struct tcc_value *v);
/* float8e4m3fn/e4m3fnuz/e5m2/e5m2fnuz/e8m0: lowered only through Cast/CastLike. */
int lower_dtype_is_f8(int dt);
/* int4/uint4/int2/uint2/float4e2m1 (packed): lowered only through Cast/CastLike. */
int lower_dtype_is_subbyte(int dt);
/* The constant data behind v (initializer) or NULL. */
const struct tcc_tensor_data *lower_const(const struct tcc_value *v);
/* Read an int64 list from constant input i of n: count into *cnt, NULL when absent or not
 * constant (then *cnt is -1 when the input is present but not constant, -2 when absent). */
const int64_t *lower_const_ints(struct lower *L, const struct tcc_node *n, int i, int64_t *cnt);
/* Normalize a possibly negative axis against rank; -1 when out of range. */
int lower_axis(int64_t axis, int32_t rank);
/* Report "unsupported op" for node n and return -1. */
tcc_stat lower_unsupported(struct lower *L, const struct tcc_node *n, const char *why);

/* ---- kernel builder ---- */
tcc_stat lk_begin(struct lk *lk, struct lower *L, struct tcc_node *n, const char *suffix);
/* Kernel buffers for graph values (bound to the value's program buffer; a value used twice
 * gets one kernel buffer). */
struct tcc_kbuf *lk_in(struct lk *lk, struct tcc_value *v);
struct tcc_kbuf *lk_out(struct lk *lk, struct tcc_value *v);
/* A temporary of this kernel only (its own program temp, live during this kernel). */
struct tcc_kbuf *lk_temp(struct lk *lk, const char *name, int dtype, int32_t rank,
			 const int64_t *dims);
/* A new statement with iterators i0..i<rank-1> over dims (none when dims is NULL). */
struct tcc_kstmt *lk_stmt(struct lk *lk, int32_t rank, const int64_t *dims);
/* Add one more iterator "name" in [0, hi); returns its index (or -1, err set). */
int lk_iter(struct lk *lk, struct tcc_kstmt *s, const char *name, int64_t hi);
/* Add domain constraint "a op b" (op a comparison). */
void lk_cons(struct lk *lk, struct tcc_kstmt *s, enum tcc_kop op, kexpr *a, kexpr *b);
/* Set the statement's body: buf[subs] upd rhs. */
void lk_body(struct lk *lk, struct tcc_kstmt *s, struct tcc_kbuf *buf, kexpr **subs,
	     enum tcc_kupdate upd, kexpr *rhs);
/* Verify the kernel and add it to the program; reports an internal error naming the node
 * when the kernel does not verify. */
tcc_stat lk_end(struct lk *lk);

/* ---- expressions ---- */
kexpr *ke_it(struct lk *lk, int iter);
kexpr *ke_int(struct lk *lk, int64_t v);
/* A literal of "dtype" (float or integer literal accordingly; bool as int 0/1). */
kexpr *ke_lit(struct lk *lk, int dtype, double v);
kexpr *ke_load(struct lk *lk, struct tcc_kbuf *b, kexpr **subs);
kexpr *ke1(struct lk *lk, enum tcc_kop op, kexpr *a);
kexpr *ke2(struct lk *lk, enum tcc_kop op, kexpr *a, kexpr *b);
kexpr *ke_sel(struct lk *lk, kexpr *c, kexpr *a, kexpr *b);
kexpr *ke_cast(struct lk *lk, int dtype, kexpr *a);
/* Iterators first..first+rank-1 as subscripts, into subs. */
void ke_iters(struct lk *lk, int first, int32_t rank, kexpr **subs);
/* Subscripts of an input of shape (rank, dims) broadcast (numpy rules) against an output of
 * rank "orank" whose iterators start at "first": leading dims dropped, size-1 dims read 0. */
void ke_bcast(struct lk *lk, int first, int32_t orank, int32_t rank, const int64_t *dims,
	      kexpr **subs);
/* Load of v broadcast to the output iterators (v gets an input buffer). */
kexpr *ke_bload(struct lk *lk, struct tcc_value *v, int first, int32_t orank);
/* The smallest / largest value of a dtype as a literal (±inf for floats). */
kexpr *ke_lowest(struct lk *lk, int dtype);
kexpr *ke_highest(struct lk *lk, int dtype);

#define LK_MAXR 16

/* ---- op families: each returns 1 and sets *why when it does not handle node n ---- */
typedef tcc_stat (*lower_fn)(struct lower *L, struct tcc_node *n);
struct lower_op {
	const char *op;
	lower_fn fn;
	/* NULL: supported whenever shapes are static; else says why not (NULL when ok) */
	const char *(*check)(struct lower *L, const struct tcc_node *n);
};

extern const struct lower_op lower_ops_elementwise[];
extern const struct lower_op lower_ops_matmul[];
extern const struct lower_op lower_ops_conv[];
extern const struct lower_op lower_ops_pool[];
extern const struct lower_op lower_ops_norm[];
extern const struct lower_op lower_ops_reduce[];
extern const struct lower_op lower_ops_shape[];
extern const struct lower_op lower_ops_misc[];
extern const struct lower_op lower_ops_fill[];
extern const struct lower_op lower_ops_extra[];
extern const struct lower_op lower_ops_loss[];
extern const struct lower_op lower_ops_quant[];

/* Program buffers of graph values (lower.c): the buffer of v or -1; a new temp / constant
 * buffer for v. */
int lower_buf_of(struct lower *L, struct tcc_value *v);
int lower_new_temp(struct lower *L, struct tcc_value *v);
int lower_new_const(struct lower *L, struct tcc_value *v, const struct tcc_tensor_data *t);

/* The elementwise expression of node n over its already loaded operands "a" (one per
 * input, NULL for an omitted optional one); "dt" is the output dtype. For fusion. */
kexpr *lower_ew_expr(struct lk *lk, const struct tcc_node *n, kexpr **a, int dt);
int lower_is_elementwise(const struct tcc_node *n);

/* Windows of Conv/ConvTranspose/pools per spatial dim: kernel size, stride, dilation, pads
 * at the beginning and end (auto_pad resolved against the static output size). */
struct lower_win {
	int64_t k[LK_MAXR], s[LK_MAXR], d[LK_MAXR], pb[LK_MAXR], pe[LK_MAXR];
};

void lower_window(const struct tcc_node *n, int ns, const int64_t *in, const int64_t *out,
		  const int64_t *k, struct lower_win *w);
const char *lower_window_check(const struct tcc_node *n, int ns);
kexpr *lower_window_pos(struct lk *lk, struct tcc_kstmt *s, const struct lower_win *w, int i,
			int o, int r, int64_t omax, int64_t lo, int64_t hi);

/* The current lowering (for tcc_lower_supported called outside tcc_lower_model, NULL). */
int64_t lower_node_opset(const struct lower *L);

/* Resize and Upsample (lower_resize.c), listed in lower_misc.c's family table. */
tcc_stat lower_resize(struct lower *L, struct tcc_node *n);
const char *lower_resize_check(struct lower *L, const struct tcc_node *n);

#endif
