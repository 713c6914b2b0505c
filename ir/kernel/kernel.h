/* The kernel IR: a kernel is a list of buffers and a sequence of statements in index
 * notation, e.g.
 *
 *     S1[i<4, j<6, k<8]: C[i,j] += A[i,k] * B[k,j]
 *
 * Every object comes from the tcc_ctx arena and is freed with it (all pointers here are
 * __tcc_keep). The text form is described in docs/ir-kernel.md; tcc_kernel_print and
 * tcc_kernel_parse round-trip. The polyhedral view of a kernel is in ir/kernel/poly.h.
 */
#ifndef TCC_IR_KERNEL_KERNEL_H
#define TCC_IR_KERNEL_KERNEL_H

#include <stdint.h>

#include "ir/graph/graph.h"
#include "support/ctx.h"
#include "support/own.h"
#include "support/printer.h"

/* ---- scalar operations: the single source of truth ----
 *
 * X(NAME, text, class, prec): "class" says how the op is written in the text form
 * (LEAF: literal/iterator/load; FN1/FN2: `name(a)` / `name(a, b)`; INFIX: `a text b` at
 * precedence "prec", higher binds tighter, all left-associative; SELECT; CAST).
 * Semantics: integer `/` truncates and `%` takes the sign of the dividend (C), except in
 * affine subscripts and domain constraints, where `/` and `%` by a positive constant are
 * floor division and the non-negative modulo (ISL's floord / mod). Comparisons give bool.
 * `and`/`or`/`xor`/`not` are logical on bool and bitwise on integers. `shl(a, b)` and
 * `shr(a, b)` shift integer a by b bits (shr is logical on unsigned, arithmetic on signed
 * types; a shift by b < 0 or b >= the bit width gives 0, or -1 for shr of a negative
 * signed a). `relu(a)` is
 * max(a, 0); `rsqrt(a)` is 1/sqrt(a); `recip(a)` is 1/a; `sign(a)` is -1, 0 or 1. */
#define TCC_KOP_LIST(X)                                                                      \
	X(INT, "int", LEAF, 0)                                                                 \
	X(FLOAT, "float", LEAF, 0)                                                             \
	X(ITER, "iter", LEAF, 0)                                                               \
	X(LOAD, "load", LEAF, 0)                                                               \
	X(NEG, "neg", FN1, 0)                                                                  \
	X(ABS, "abs", FN1, 0)                                                                  \
	X(EXP, "exp", FN1, 0)                                                                  \
	X(LOG, "log", FN1, 0)                                                                  \
	X(SQRT, "sqrt", FN1, 0)                                                                \
	X(RSQRT, "rsqrt", FN1, 0)                                                              \
	X(RECIP, "recip", FN1, 0)                                                              \
	X(TANH, "tanh", FN1, 0)                                                                \
	X(SIGMOID, "sigmoid", FN1, 0)                                                          \
	X(ERF, "erf", FN1, 0)                                                                  \
	X(SIN, "sin", FN1, 0)                                                                  \
	X(COS, "cos", FN1, 0)                                                                  \
	X(TAN, "tan", FN1, 0)                                                                  \
	X(ASIN, "asin", FN1, 0)                                                                \
	X(ACOS, "acos", FN1, 0)                                                                \
	X(ATAN, "atan", FN1, 0)                                                                \
	X(SINH, "sinh", FN1, 0)                                                                \
	X(COSH, "cosh", FN1, 0)                                                                \
	X(ASINH, "asinh", FN1, 0)                                                              \
	X(ACOSH, "acosh", FN1, 0)                                                              \
	X(ATANH, "atanh", FN1, 0)                                                              \
	X(FLOOR, "floor", FN1, 0)                                                              \
	X(CEIL, "ceil", FN1, 0)                                                                \
	X(ROUND, "round", FN1, 0)                                                              \
	X(SIGN, "sign", FN1, 0)                                                                \
	X(RELU, "relu", FN1, 0)                                                                \
	X(NOT, "not", FN1, 0)                                                                  \
	X(ADD, "+", INFIX, 4)                                                                  \
	X(SUB, "-", INFIX, 4)                                                                  \
	X(MUL, "*", INFIX, 5)                                                                  \
	X(DIV, "/", INFIX, 5)                                                                  \
	X(REM, "%", INFIX, 5)                                                                  \
	X(EQ, "==", INFIX, 2)                                                                  \
	X(NE, "!=", INFIX, 2)                                                                  \
	X(LT, "<", INFIX, 3)                                                                   \
	X(LE, "<=", INFIX, 3)                                                                  \
	X(GT, ">", INFIX, 3)                                                                   \
	X(GE, ">=", INFIX, 3)                                                                  \
	X(POW, "pow", FN2, 0)                                                                  \
	X(MIN, "min", FN2, 0)                                                                  \
	X(MAX, "max", FN2, 0)                                                                  \
	X(AND, "and", FN2, 0)                                                                  \
	X(OR, "or", FN2, 0)                                                                    \
	X(XOR, "xor", FN2, 0)                                                                  \
	X(SHL, "shl", FN2, 0)                                                                  \
	X(SHR, "shr", FN2, 0)                                                                  \
	X(SELECT, "select", SELECT, 0)                                                         \
	X(CAST, "cast", CAST, 0)

enum tcc_kop {
#define X(name, text, cls, prec) TCC_KOP_##name,
	TCC_KOP_LIST(X)
#undef X
	TCC_KOP_COUNT
};

enum tcc_kop_class { TCC_KCLS_LEAF, TCC_KCLS_FN1, TCC_KCLS_FN2, TCC_KCLS_INFIX,
		     TCC_KCLS_SELECT, TCC_KCLS_CAST };

const char *tcc_kop_name(enum tcc_kop op);
enum tcc_kop_class tcc_kop_class(enum tcc_kop op);
int tcc_kop_prec(enum tcc_kop op);
int tcc_kop_is_cmp(enum tcc_kop op);

/* ---- buffers ---- */
enum tcc_kbuf_role { TCC_KBUF_IN, TCC_KBUF_OUT, TCC_KBUF_TEMP };

const char *tcc_kbuf_role_name(enum tcc_kbuf_role role); /* "in", "out", "temp" */

/* A buffer: "name", "role", element "dtype" (enum tcc_dtype) and a static shape of "rank"
 * "dims" (each >= 0; rank 0 is a scalar). "index" is its position in the kernel. */
struct tcc_kbuf {
	const char *name;
	enum tcc_kbuf_role role;
	int dtype;
	int32_t rank;
	int64_t *dims;
	int index;
	struct tcc_loc loc;
};

/* ---- scalar expressions ----
 *
 * "op" selects the fields: INT "i"; FLOAT "f"; ITER "iter" (index into the statement's
 * iterators); LOAD "buf" with "nargs" subscripts in "args"; CAST "cast_to" with args[0];
 * others "nargs" operands in "args". "dtype" is filled by tcc_kernel_verify (literals take
 * the type their context asks for; iterators are int64 unless the context wants another
 * integer type). */
struct tcc_kexpr {
	enum tcc_kop op;
	int dtype;
	int nargs;
	struct tcc_kexpr **args;
	union {
		int64_t i;
		double f;
		int iter;
		struct tcc_kbuf *buf;
		int cast_to;
	} u;
	struct tcc_loc loc;
};

/* ---- statements ---- */
enum tcc_kupdate { TCC_KUPD_ASSIGN, TCC_KUPD_ADD, TCC_KUPD_MUL, TCC_KUPD_MAX, TCC_KUPD_MIN };

const char *tcc_kupdate_name(enum tcc_kupdate upd); /* "=", "+=", "*=", "max=", "min=" */

/* An iterator "name" ranging over [lo, hi). */
struct tcc_kiter {
	const char *name;
	int64_t lo, hi;
};

/* A statement "name" over the domain of "niters" "iters" (outermost first) restricted by
 * "ncons" comparisons "cons" (affine, conjoined). It updates "target" (a LOAD expression
 * whose subscripts are affine) with "rhs" according to "update". Iterators absent from the
 * target's subscripts are reduction iterators. */
struct tcc_kstmt {
	const char *name;
	int niters, cap_iters;
	struct tcc_kiter *iters;
	int ncons, cap_cons;
	struct tcc_kexpr **cons;
	struct tcc_kexpr *target;
	enum tcc_kupdate update;
	struct tcc_kexpr *rhs;
	struct tcc_loc loc;
};

/* A kernel "name" with "nbufs" "bufs" and "nstmts" "stmts" executed in order. "ctx" is the
 * context every part of it comes from. */
struct tcc_kernel {
	struct tcc_ctx *ctx;
	const char *name;
	int nbufs, cap_bufs;
	struct tcc_kbuf **bufs;
	int nstmts, cap_stmts;
	struct tcc_kstmt **stmts;
	struct tcc_loc loc;
};

/* ---- building (NULL on out of memory, reported through ctx->diag) ---- */
__tcc_keep struct tcc_kernel *tcc_kernel_new(__tcc_keep struct tcc_ctx *ctx, const char *name);
/* "dims" is copied. */
__tcc_keep struct tcc_kbuf *tcc_kernel_add_buf(__tcc_keep struct tcc_kernel *k, const char *name,
					       enum tcc_kbuf_role role, int dtype, int32_t rank,
					       const int64_t *dims);
__tcc_keep __tcc_null struct tcc_kbuf *tcc_kernel_find_buf(__tcc_keep const struct tcc_kernel *k,
							   const char *name, size_t len);
/* A statement with no iterators yet; its target and rhs are set with tcc_kstmt_set_body. */
__tcc_keep struct tcc_kstmt *tcc_kernel_add_stmt(__tcc_keep struct tcc_kernel *k, const char *name);
/* Append iterator "name" in [lo, hi); returns its index or -1. */
int tcc_kstmt_add_iter(__tcc_keep struct tcc_kernel *k, __tcc_keep struct tcc_kstmt *s,
		       const char *name, int64_t lo, int64_t hi);
int tcc_kstmt_find_iter(__tcc_keep const struct tcc_kstmt *s, const char *name, size_t len);
tcc_stat tcc_kstmt_add_cons(__tcc_keep struct tcc_kernel *k, __tcc_keep struct tcc_kstmt *s,
			    __tcc_keep struct tcc_kexpr *cmp);
void tcc_kstmt_set_body(__tcc_keep struct tcc_kstmt *s, __tcc_keep struct tcc_kexpr *target,
			enum tcc_kupdate update, __tcc_keep struct tcc_kexpr *rhs);
/* 1 when iterator "iter" appears in no target subscript (a reduction iterator). */
int tcc_kstmt_is_reduction_iter(__tcc_keep const struct tcc_kstmt *s, int iter);

__tcc_keep struct tcc_kexpr *tcc_kexpr_int(__tcc_keep struct tcc_ctx *ctx, int64_t v);
__tcc_keep struct tcc_kexpr *tcc_kexpr_float(__tcc_keep struct tcc_ctx *ctx, double v);
__tcc_keep struct tcc_kexpr *tcc_kexpr_iter(__tcc_keep struct tcc_ctx *ctx, int iter);
/* "subs" (nsubs entries) is copied. */
__tcc_keep struct tcc_kexpr *tcc_kexpr_load(__tcc_keep struct tcc_ctx *ctx,
					    __tcc_keep struct tcc_kbuf *buf, int nsubs,
					    __tcc_keep struct tcc_kexpr *const *subs);
/* Unary, binary or select ops by arity of "op"'s class. */
__tcc_keep struct tcc_kexpr *tcc_kexpr_op(__tcc_keep struct tcc_ctx *ctx, enum tcc_kop op,
					  __tcc_keep struct tcc_kexpr *a,
					  __tcc_keep __tcc_null struct tcc_kexpr *b,
					  __tcc_keep __tcc_null struct tcc_kexpr *c);
__tcc_keep struct tcc_kexpr *tcc_kexpr_cast(__tcc_keep struct tcc_ctx *ctx, int dtype,
					    __tcc_keep struct tcc_kexpr *a);

/* 1 when "e" is (quasi-)affine in the iterators: integer literals, iterators, + - neg, `*`
 * with a literal operand, `/` and `%` by a positive literal. */
int tcc_kexpr_is_affine(__tcc_keep const struct tcc_kexpr *e);

/* "e", a subscript of statement "s", with its floor divisions and remainders by constants
 * reduced to plain affine terms where the iterators' bounds allow (a flat index that a
 * Reshape composed: (768*s + 64*h + d) / 768 % 128 -> s); "e" itself when nothing reduces
 * or it is not affine. The result may share nothing with "e" (new nodes in ctx's arena). */
__tcc_keep struct tcc_kexpr *tcc_kexpr_simplify_subscript(__tcc_keep struct tcc_ctx *ctx,
							  __tcc_keep const struct tcc_kstmt *s,
							  __tcc_keep struct tcc_kexpr *e);

/* ---- checking, text ---- */

/* Structure, names, subscript counts, dtypes (fills every expr's "dtype") and, with ISL,
 * that every affine access stays inside its buffer over the statement's domain. Reports
 * each problem through ctx->diag; returns -1 if any. */
tcc_stat tcc_kernel_verify(__tcc_keep struct tcc_kernel *k);

void tcc_kernel_print(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_kernel *k);
void tcc_kstmt_print(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_kstmt *s);
/* "s" names the iterators. "compact" drops the spaces around infix operators. */
void tcc_kexpr_print(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_kstmt *s,
		     __tcc_keep const struct tcc_kexpr *e, int compact);
/* The whole kernel as a malloc'ed string (NULL on out of memory). */
__tcc_give char *tcc_kernel_to_str(__tcc_keep const struct tcc_kernel *k);

/* Parse one kernel from "text" ("len" bytes; "file" names it in diagnostics). Errors are
 * reported as `FILE:LINE:COL: error: ...` through ctx->diag and give NULL. The result is
 * not verified. */
__tcc_keep struct tcc_kernel *tcc_kernel_parse(__tcc_keep struct tcc_ctx *ctx, const char *file,
					       const char *text, size_t len);

/* Helpers shared by the kernel IR files. */
__tcc_keep struct tcc_kexpr *tcc_kexpr_alloc(__tcc_keep struct tcc_ctx *ctx, enum tcc_kop op,
					     int nargs);

#endif
