/* Unit tests of the lowering (graph → program of kernels) and of program memory planning.
 *
 * A tiny reference interpreter of kernel IR (test code only, never linked into a compiled
 * model) runs lowered programs over doubles so the tests compare numbers: hand-written graphs
 * in ONNX text form, and every ONNX backend node test under $TCC_SHARED/onnx-tests/node that
 * the lowering accepts. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/load.h"
#include "frontend/onnx/tensor_file.h"
#include "frontend/text/text.h"
#include "passes/lower/lower.h"
#include "passes/pipeline.h"

/* ---- the reference interpreter ---- */

/* A scalar: integers and bools in "i", floats in "f". */
struct val {
	int isf;
	double f;
	int64_t i;
};

struct interp {
	const struct tcc_program *prog;
	double **mem;      /* per program buffer */
	double **kb;       /* per kernel buffer of the current kernel */
	int64_t *it;       /* iterator values of the current statement */
};

static double as_f(struct val v)
{
	return v.isf ? v.f : (double)v.i;
}

static int64_t as_i(struct val v)
{
	return v.isf ? (int64_t)v.f : v.i;
}

static struct val mk(int dtype, double f, int64_t i, int isf)
{
	struct val v = { .isf = tcc_dtype_is_float(dtype) };

	if (v.isf)
		v.f = isf ? f : (double)i;
	else
		v.i = isf ? (int64_t)f : i;
	if (dtype == TCC_DT_FLOAT) /* float arithmetic rounds each result, as compiled */
		v.f = (double)(float)v.f;
	if (dtype == TCC_DT_BOOL)
		v.i = v.i != 0;
	return v;
}

static int64_t wrap(int dtype, int64_t x)
{
	switch (dtype) {
	case TCC_DT_INT8: return (int8_t)x;
	case TCC_DT_UINT8: return (uint8_t)x;
	case TCC_DT_INT16: return (int16_t)x;
	case TCC_DT_UINT16: return (uint16_t)x;
	case TCC_DT_INT32: return (int32_t)x;
	case TCC_DT_UINT32: return (uint32_t)x;
	case TCC_DT_BOOL: return x != 0;
	default: return x;
	}
}

static struct val eval(struct interp *in, const struct tcc_kexpr *e);

static int64_t offset_of(struct interp *in, const struct tcc_kexpr *e)
{
	const struct tcc_kbuf *b = e->u.buf;
	int64_t off = 0;

	for (int d = 0; d < b->rank; d++) {
		int64_t x = as_i(eval(in, e->args[d]));

		ck_assert_msg(x >= 0 && x < b->dims[d], "subscript %d of %s out of bounds: %lld",
			      d, b->name, (long long)x);
		off = off * b->dims[d] + x;
	}
	return off;
}

/* The value of float8 code "c" of "dtype". */
static double f8_value(int dtype, unsigned c)
{
	unsigned char b = (unsigned char)c;
	struct tcc_tensor_data t = { .dtype = dtype, .numel = 1, .nbytes = 1, .data = &b };

	return tcc_tensor_get_f64(&t, 0);
}

/* x rounded to float8 "dtype" the way the kernel cast does (docs/ir-kernel.md): the nearest
 * finite value, ties to the even code, overflow (past half a step above the largest) to inf
 * or NaN; float8e8m0 rounds the float's exponent up and saturates. */
static double f8_round(int dtype, double x)
{
	float xf = (float)x;
	uint32_t u;
	unsigned best = 0;

	memcpy(&u, &xf, 4);
	if (isnan(x) || (dtype == TCC_DT_FLOAT8E8M0 && isinf(x)))
		return NAN;
	if (dtype == TCC_DT_FLOAT8E8M0)
		return f8_value(dtype, ((u >> 23) & 0xff) + ((u & 0x7fffff) && ((u >> 23) & 0xff) < 0xfe));
	for (unsigned c = 1; c < 0x80; c++) {
		double v = f8_value(dtype, c), bv = f8_value(dtype, best);

		if (isnan(v) || isinf(v))
			break;
		if (fabs(v - fabs(x)) < fabs(bv - fabs(x)) ||
		    (fabs(v - fabs(x)) == fabs(bv - fabs(x)) && !(c & 1)))
			best = c;
	}
	double top = f8_value(dtype, best), step = top - f8_value(dtype, best - 1);

	if (fabs(x) > top + step / 2 || (fabs(x) == top + step / 2 && (best & 1)))
		return dtype == TCC_DT_FLOAT8E5M2 ? copysign(INFINITY, x) : NAN;
	return copysign(f8_value(dtype, best), x);
}

/* x cast to a packed sub-byte type as the kernel cast does (codegen/llvm_subbyte.c):
 * int4/uint4/int2/uint2 round to nearest even, then wrap to the bits; float4e2m1 rounds to
 * nearest even, saturating at 6, NaN to 0. */
static struct val subbyte_cast(int to, double x)
{
	static const double f4[] = { 0, 0.5, 1, 1.5, 2, 3, 4, 6 };
	int bits = tcc_dtype_bits(to);

	if (to == TCC_DT_FLOAT4E2M1) {
		double a = fabs(x);
		int k = 0;

		if (isnan(x))
			return mk(to, copysign(0, x), 0, 1);
		while (k < 7 && (a > (f4[k] + f4[k + 1]) / 2 ||
				 (a == (f4[k] + f4[k + 1]) / 2 && (k & 1))))
			k++;
		return mk(to, copysign(f4[k], x), 0, 1);
	}
	int64_t v = isnan(x) ? 0 : (int64_t)fmax(-0x1p62, fmin(0x1p62, nearbyint(x)));
	int64_t m = v & ((1 << bits) - 1);

	if ((to == TCC_DT_INT4 || to == TCC_DT_INT2) && (m >> (bits - 1)))
		m -= 1 << bits;
	return mk(to, 0, m, 0);
}

static struct val eval_cast(struct interp *in, const struct tcc_kexpr *e)
{
	struct val a = eval(in, e->args[0]);
	int to = e->u.cast_to;

	if (to == TCC_DT_BOOL)
		return mk(to, 0, a.isf ? a.f != 0 : a.i != 0, 0);
	if (tcc_dtype_bits(to) < 8)
		return subbyte_cast(to, as_f(a));
	if (tcc_dtype_is_float(to) && tcc_dtype_bits(to) == 8)
		return mk(to, f8_round(to, as_f(a)), 0, 1);
	if (tcc_dtype_is_float(to))
		return mk(to, to == TCC_DT_FLOAT ? (double)(float)as_f(a) : as_f(a), 0, 1);
	return mk(to, 0, wrap(to, a.isf ? (int64_t)a.f : a.i), 0);
}

static struct val eval_fn1(const struct tcc_kexpr *e, struct val a)
{
	double x = as_f(a);
	int t = e->dtype;

	switch (e->op) {
	case TCC_KOP_NEG: return a.isf ? mk(t, -x, 0, 1) : mk(t, 0, wrap(t, -a.i), 0);
	case TCC_KOP_ABS: return a.isf ? mk(t, fabs(x), 0, 1) : mk(t, 0, llabs(a.i), 0);
	case TCC_KOP_EXP: return mk(t, exp(x), 0, 1);
	case TCC_KOP_LOG: return mk(t, log(x), 0, 1);
	case TCC_KOP_SQRT: return mk(t, sqrt(x), 0, 1);
	case TCC_KOP_RSQRT: return mk(t, 1 / sqrt(x), 0, 1);
	case TCC_KOP_RECIP: return mk(t, 1 / x, 0, 1);
	case TCC_KOP_TANH: return mk(t, tanh(x), 0, 1);
	case TCC_KOP_SIGMOID: return mk(t, 1 / (1 + exp(-x)), 0, 1);
	case TCC_KOP_ERF: return mk(t, erf(x), 0, 1);
	case TCC_KOP_SIN: return mk(t, sin(x), 0, 1);
	case TCC_KOP_COS: return mk(t, cos(x), 0, 1);
	case TCC_KOP_TAN: return mk(t, tan(x), 0, 1);
	case TCC_KOP_ASIN: return mk(t, asin(x), 0, 1);
	case TCC_KOP_ACOS: return mk(t, acos(x), 0, 1);
	case TCC_KOP_ATAN: return mk(t, atan(x), 0, 1);
	case TCC_KOP_SINH: return mk(t, sinh(x), 0, 1);
	case TCC_KOP_COSH: return mk(t, cosh(x), 0, 1);
	case TCC_KOP_ASINH: return mk(t, asinh(x), 0, 1);
	case TCC_KOP_ACOSH: return mk(t, acosh(x), 0, 1);
	case TCC_KOP_ATANH: return mk(t, atanh(x), 0, 1);
	case TCC_KOP_FLOOR: return a.isf ? mk(t, floor(x), 0, 1) : a;
	case TCC_KOP_CEIL: return a.isf ? mk(t, ceil(x), 0, 1) : a;
	case TCC_KOP_ROUND: return a.isf ? mk(t, nearbyint(x), 0, 1) : a;
	case TCC_KOP_SIGN: return a.isf ? mk(t, (x > 0) - (x < 0), 0, 1) :
				 mk(t, 0, (a.i > 0) - (a.i < 0), 0);
	case TCC_KOP_RELU: return a.isf ? mk(t, x > 0 ? x : 0, 0, 1) : mk(t, 0, a.i > 0 ? a.i : 0, 0);
	case TCC_KOP_NOT: return t == TCC_DT_BOOL ? mk(t, 0, !a.i, 0) : mk(t, 0, wrap(t, ~a.i), 0);
	default: break;
	}
	ck_abort_msg("bad unary op %d", e->op);
	return a;
}

static struct val eval_int2(const struct tcc_kexpr *e, int64_t x, int64_t y)
{
	int t = e->dtype;
	int64_t r = 0;

	switch (e->op) {
	case TCC_KOP_ADD: r = x + y; break;
	case TCC_KOP_SUB: r = x - y; break;
	case TCC_KOP_MUL: r = x * y; break;
	case TCC_KOP_DIV: r = y ? x / y : 0; break;
	case TCC_KOP_REM: r = y ? x % y : 0; break;
	case TCC_KOP_MIN: r = x < y ? x : y; break;
	case TCC_KOP_MAX: r = x > y ? x : y; break;
	case TCC_KOP_AND: r = x & y; break;
	case TCC_KOP_OR: r = x | y; break;
	case TCC_KOP_XOR: r = x ^ y; break;
	case TCC_KOP_SHL:
	case TCC_KOP_SHR: {
		int bits = t == TCC_DT_INT8 || t == TCC_DT_UINT8 ? 8 :
			   t == TCC_DT_INT16 || t == TCC_DT_UINT16 ? 16 :
			   t == TCC_DT_INT32 || t == TCC_DT_UINT32 ? 32 : 64;
		int sg = tcc_dtype_is_signed(t);

		if (y < 0 || y >= bits)
			r = e->op == TCC_KOP_SHR && sg && x < 0 ? -1 : 0;
		else if (e->op == TCC_KOP_SHL)
			r = (int64_t)((uint64_t)x << y);
		else
			r = sg ? x >> y : (int64_t)((uint64_t)x >> y);
		break;
	}
	case TCC_KOP_POW: r = (int64_t)pow((double)x, (double)y); break;
	default: ck_abort_msg("bad int op %d", e->op);
	}
	return mk(t, 0, wrap(t, r), 0);
}

static struct val eval_fn2(const struct tcc_kexpr *e, struct val a, struct val b)
{
	double x = as_f(a), y = as_f(b);
	int t = e->dtype;

	if (tcc_kop_is_cmp(e->op)) {
		int r = 0;

		if (a.isf || b.isf) {
			switch (e->op) {
			case TCC_KOP_EQ: r = x == y; break;
			case TCC_KOP_NE: r = x != y; break;
			case TCC_KOP_LT: r = x < y; break;
			case TCC_KOP_LE: r = x <= y; break;
			case TCC_KOP_GT: r = x > y; break;
			default: r = x >= y; break;
			}
		} else {
			switch (e->op) {
			case TCC_KOP_EQ: r = a.i == b.i; break;
			case TCC_KOP_NE: r = a.i != b.i; break;
			case TCC_KOP_LT: r = a.i < b.i; break;
			case TCC_KOP_LE: r = a.i <= b.i; break;
			case TCC_KOP_GT: r = a.i > b.i; break;
			default: r = a.i >= b.i; break;
			}
		}
		return mk(TCC_DT_BOOL, 0, r, 0);
	}
	if (!tcc_dtype_is_float(t))
		return eval_int2(e, a.i, b.isf ? (int64_t)b.f : b.i);
	switch (e->op) {
	case TCC_KOP_ADD: return mk(t, x + y, 0, 1);
	case TCC_KOP_SUB: return mk(t, x - y, 0, 1);
	case TCC_KOP_MUL: return mk(t, x * y, 0, 1);
	case TCC_KOP_DIV: return mk(t, x / y, 0, 1);
	case TCC_KOP_REM: return mk(t, fmod(x, y), 0, 1);
	case TCC_KOP_POW: return mk(t, pow(x, y), 0, 1);
	case TCC_KOP_MIN: return mk(t, isnan(x) || isnan(y) ? NAN : fmin(x, y), 0, 1);
	case TCC_KOP_MAX: return mk(t, isnan(x) || isnan(y) ? NAN : fmax(x, y), 0, 1);
	default: break;
	}
	ck_abort_msg("bad float op %d", e->op);
	return a;
}

static struct val eval(struct interp *in, const struct tcc_kexpr *e)
{
	switch (e->op) {
	case TCC_KOP_INT: return mk(e->dtype, 0, e->u.i, 0);
	case TCC_KOP_FLOAT: return mk(e->dtype, e->u.f, 0, 1);
	case TCC_KOP_ITER: return mk(e->dtype, 0, in->it[e->u.iter], 0);
	case TCC_KOP_LOAD: {
		double v = in->kb[e->u.buf->index][offset_of(in, e)];

		return mk(e->dtype, v, (int64_t)v, 1);
	}
	case TCC_KOP_CAST: return eval_cast(in, e);
	case TCC_KOP_SELECT:
		return as_i(eval(in, e->args[0])) ? eval(in, e->args[1]) : eval(in, e->args[2]);
	default: break;
	}
	if (tcc_kop_class(e->op) == TCC_KCLS_FN1)
		return eval_fn1(e, eval(in, e->args[0]));
	return eval_fn2(e, eval(in, e->args[0]), eval(in, e->args[1]));
}

static double store_val(int dtype, struct val v)
{
	if (dtype == TCC_DT_FLOAT)
		return (float)as_f(v);
	if (dtype == TCC_DT_FLOAT16)
		return tcc_f16_to_f32(tcc_f32_to_f16((float)as_f(v)));
	if (dtype == TCC_DT_BFLOAT16)
		return tcc_bf16_to_f32(tcc_f32_to_bf16((float)as_f(v)));
	if (tcc_dtype_is_float(dtype))
		return as_f(v);
	return (double)wrap(dtype, as_i(v));
}

static void run_point(struct interp *in, const struct tcc_kstmt *s)
{
	const struct tcc_kexpr *t = s->target;
	double *p;
	struct val r, old;
	int dt = t->u.buf->dtype;

	for (int c = 0; c < s->ncons; c++)
		if (!as_i(eval(in, s->cons[c])))
			return;
	r = eval(in, s->rhs);
	p = &in->kb[t->u.buf->index][offset_of(in, t)];
	old = mk(dt, *p, (int64_t)*p, 1);
	switch (s->update) {
	case TCC_KUPD_ASSIGN: break;
	case TCC_KUPD_ADD: r = r.isf ? mk(dt, old.f + r.f, 0, 1) : mk(dt, 0, old.i + r.i, 0); break;
	case TCC_KUPD_MUL: r = r.isf ? mk(dt, old.f * r.f, 0, 1) : mk(dt, 0, old.i * r.i, 0); break;
	case TCC_KUPD_MAX: r = as_f(r) > as_f(old) || isnan(as_f(r)) ? r : old; break;
	case TCC_KUPD_MIN: r = as_f(r) < as_f(old) || isnan(as_f(r)) ? r : old; break;
	}
	*p = store_val(dt, r);
}

static void run_stmt(struct interp *in, const struct tcc_kstmt *s, int depth)
{
	if (depth == s->niters) {
		run_point(in, s);
		return;
	}
	for (int64_t v = s->iters[depth].lo; v < s->iters[depth].hi; v++) {
		in->it[depth] = v;
		run_stmt(in, s, depth + 1);
	}
}

/* Run the program; inputs[i] holds the data of graph input i; returns the buffers. */
static double **run_program(const struct tcc_program *prog, double *const *inputs)
{
	struct interp in = { .prog = prog };
	int64_t its[64];

	in.mem = calloc((size_t)prog->nbufs, sizeof(*in.mem));
	in.it = its;
	for (int b = 0; b < prog->nbufs; b++) {
		const struct tcc_pbuf *p = prog->bufs[b];
		int64_t n = tcc_shape_numel(p->rank, p->dims);

		in.mem[b] = calloc((size_t)n + 1, sizeof(double));
		for (int64_t i = 0; i < n; i++)
			in.mem[b][i] = p->role == TCC_PBUF_INPUT ? inputs[p->io_index][i] :
				       p->role == TCC_PBUF_CONST ? tcc_tensor_get_f64(p->data, i) :
				       0.0 / 0.0;
	}
	for (int k = 0; k < prog->nkernels; k++) {
		const struct tcc_pkernel *pk = &prog->kernels[k];

		in.kb = calloc((size_t)pk->kernel->nbufs + 1, sizeof(*in.kb));
		for (int i = 0; i < pk->kernel->nbufs; i++)
			in.kb[i] = in.mem[pk->bind[i]];
		for (int s = 0; s < pk->kernel->nstmts; s++)
			run_stmt(&in, pk->kernel->stmts[s], 0);
		free(in.kb);
	}
	return in.mem;
}

static void free_mem(const struct tcc_program *prog, double **mem)
{
	for (int b = 0; b < prog->nbufs; b++)
		free(mem[b]);
	free(mem);
}

static int close_enough(double got, double want, int dtype)
{
	if (isnan(want))
		return isnan(got);
	if (!tcc_dtype_is_float(dtype))
		return got == want;
	if (isinf(want))
		return got == want;
	return fabs(got - want) <= 1e-4 + 1e-3 * fabs(want);
}

/* ---- helpers for text graphs ---- */

static struct tcc_ctx *ctx;

static void setup(void)
{
	ctx = tcc_ctx_new();
}

static void teardown(void)
{
	tcc_ctx_free(ctx);
}

static struct tcc_model *parse(const char *text)
{
	struct tcc_model *m = tcc_text_parse(ctx, "t", text, strlen(text));
	struct tcc_pipeline *pl;

	ck_assert_msg(m != NULL, "%s", tcc_diag_first_error(ctx->diag));
	pl = tcc_pipeline_parse(ctx, "t", "shape-infer,fold-constants");
	ck_assert_ptr_nonnull(pl);
	ck_assert_msg(tcc_pipeline_run(pl, m, 1, NULL, NULL) == 0, "%s",
		      tcc_diag_first_error(ctx->diag));
	tcc_pipeline_free(pl);
	return m;
}

static struct tcc_program *lower(const char *text)
{
	struct tcc_model *m = parse(text);
	struct tcc_program *p = tcc_lower_model(m);

	ck_assert_msg(p != NULL, "%s", tcc_diag_first_error(ctx->diag));
	return p;
}

static char *prog_text(const struct tcc_program *prog)
{
	struct tcc_printer *p = tcc_printer_to_str();

	tcc_program_print(p, prog);
	return tcc_printer_take_str(p);
}

/* Lower "text", run it on in0/in1 (NULL when absent), compare output 0 with "want". */
static void expect(const char *text, const double *in0, const double *in1, const double *want,
		   int64_t nwant)
{
	struct tcc_program *prog = lower(text);
	double *ins[2] = { (double *)in0, (double *)in1 };
	double **mem = run_program(prog, ins);
	int ob = -1;

	for (int b = 0; b < prog->nbufs; b++)
		if (prog->bufs[b]->role == TCC_PBUF_OUTPUT && prog->bufs[b]->io_index == 0)
			ob = b;
	ck_assert_int_ge(ob, 0);
	ck_assert_int_eq(tcc_shape_numel(prog->bufs[ob]->rank, prog->bufs[ob]->dims), nwant);
	for (int64_t i = 0; i < nwant; i++) {
		if (!close_enough(mem[ob][i], want[i], prog->bufs[ob]->dtype)) {
			char *s = prog_text(prog);

			ck_abort_msg("element %lld: got %g want %g\n%s", (long long)i, mem[ob][i],
				     want[i], s);
		}
	}
	free_mem(prog, mem);
}

#define N(a) ((int64_t)(sizeof(a) / sizeof((a)[0])))


/* ---- hand-written cases ---- */

START_TEST(test_add_broadcast)
{
	static const double a[] = { 1, 2, 3, 4, 5, 6 }, b[] = { 10, 20, 30 };
	static const double want[] = { 11, 22, 33, 14, 25, 36 };

	expect("<ir_version: 8, opset_import: [\"\" : 17]>\n"
	       "g (float[2,3] a, float[3] b) => (float[2,3] y) { y = Add(a, b) }\n",
	       a, b, want, N(want));
}
END_TEST

START_TEST(test_matmul_relu_chain)
{
	static const double a[] = { 1, -2, 3, 4 }, b[] = { 1, 0, 0, 1 };
	static const double want[] = { 1, 0, 3, 4 };

	expect("<ir_version: 8, opset_import: [\"\" : 17]>\n"
	       "g (float[2,2] a, float[2,2] b) => (float[2,2] y) {\n"
	       "  t = MatMul(a, b)\n  u = Relu(t)\n  y = Identity(u)\n}\n",
	       a, b, want, N(want));
}
END_TEST

/* Temps whose lifetimes do not overlap share space; overlapping ones never do. */
START_TEST(test_plan_memory)
{
	struct tcc_program *prog = lower(
		"<ir_version: 8, opset_import: [\"\" : 17]>\n"
		"g (float[16] a) => (float[16] y) {\n"
		"  t1 = Relu(a)\n  t2 = Neg(t1)\n  t3 = Exp(t2)\n  t4 = Abs(t3)\n"
		"  y = Add(t4, t2)\n}\n");
	int first[64], last[64];

	for (int b = 0; b < prog->nbufs; b++) {
		first[b] = last[b] = -1;
		for (int k = 0; k < prog->nkernels; k++)
			for (int i = 0; i < prog->kernels[k].kernel->nbufs; i++)
				if (prog->kernels[k].bind[i] == b) {
					if (first[b] < 0)
						first[b] = k;
					last[b] = k;
				}
	}
	for (int x = 0; x < prog->nbufs; x++) {
		const struct tcc_pbuf *p = prog->bufs[x];

		if (p->role != TCC_PBUF_TEMP)
			continue;
		ck_assert_int_eq(p->offset % 64, 0);
		ck_assert_int_le(p->offset + p->nbytes, prog->arena_size);
		for (int y = x + 1; y < prog->nbufs; y++) {
			const struct tcc_pbuf *q = prog->bufs[y];

			if (q->role != TCC_PBUF_TEMP || last[x] < first[y] || last[y] < first[x])
				continue;
			ck_assert(p->offset + p->nbytes <= q->offset ||
				  q->offset + q->nbytes <= p->offset);
		}
	}
	/* t1, t2, t3, t4 (64 bytes each): t1 and t3 can share, so less than 4 * 64 */
	ck_assert_int_lt(prog->arena_size, 4 * 64);
}
END_TEST

START_TEST(test_unsupported)
{
	struct tcc_model *m = parse("<ir_version: 8, opset_import: [\"\" : 17]>\n"
				    "g (float[4] a) => (float[4] y) { y = Hardmax2(a) }\n");
	const char *why = NULL;

	ck_assert_ptr_null(tcc_lower_model(m));
	ck_assert_ptr_nonnull(strstr(tcc_diag_first_error(ctx->diag),
				     "error: unsupported op 'Hardmax2'"));
	ck_assert_int_eq(tcc_lower_supported(m->graph->nodes[0], &why), 0);
	ck_assert_ptr_nonnull(why);
}
END_TEST

/* ---- the ONNX backend node tests ---- */

struct sweep {
	int lowered, passed, failed, unsupported, broken;
	FILE *report;
};

static double *read_data(struct tcc_ctx *c, const char *path, int64_t *n)
{
	struct tcc_tensor_data *t = tcc_onnx_read_tensor(c, path);
	double *d;

	if (!t || t->strings)
		return NULL;
	d = calloc((size_t)t->numel + 1, sizeof(double));
	for (int64_t i = 0; i < t->numel; i++)
		d[i] = tcc_tensor_get_f64(t, i);
	*n = t->numel;
	return d;
}

/* 1 passed, 0 failed, -1 could not run. */
static int run_case(struct tcc_ctx *c, const char *dir, const struct tcc_program *prog,
		    char *msg, size_t msglen)
{
	double *ins[64] = { 0 };
	double **mem;
	char path[8400];
	int ok = 1, nin = 0;
	int64_t n;

	for (; nin < 64; nin++) {
		snprintf(path, sizeof(path), "%s/test_data_set_0/input_%d.pb", dir, nin);
		if (access(path, R_OK))
			break;
		if (!(ins[nin] = read_data(c, path, &n)))
			return -1;
	}
	if (nin < prog->ninputs)
		return -1;
	mem = run_program(prog, ins);
	for (int b = 0; b < prog->nbufs && ok; b++) {
		const struct tcc_pbuf *p = prog->bufs[b];
		double *want;

		if (p->role != TCC_PBUF_OUTPUT)
			continue;
		snprintf(path, sizeof(path), "%s/test_data_set_0/output_%d.pb", dir, p->io_index);
		want = read_data(c, path, &n);
		if (!want || n != tcc_shape_numel(p->rank, p->dims)) {
			snprintf(msg, msglen, "output %d: missing or wrong size", p->io_index);
			ok = 0;
		}
		for (int64_t i = 0; ok && i < n; i++)
			if (!close_enough(mem[b][i], want[i], p->dtype)) {
				snprintf(msg, msglen, "output %d element %lld: got %.9g want %.9g",
					 p->io_index, (long long)i, mem[b][i], want[i]);
				ok = 0;
			}
		free(want);
	}
	free_mem(prog, mem);
	for (int i = 0; i < nin; i++)
		free(ins[i]);
	return ok;
}

static void sweep_one(struct sweep *sw, const char *dir, const char *name)
{
	struct tcc_ctx *c = tcc_ctx_new();
	char path[8400], msg[512] = "";
	struct tcc_model *m;
	struct tcc_pipeline *pl;
	struct tcc_program *prog = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/model.onnx", dir);
	m = tcc_load_model(c, path);
	pl = m ? tcc_pipeline_parse(c, "t", "shape-infer,fold-constants") : NULL;
	if (!m || !pl || tcc_pipeline_run(pl, m, 0, NULL, NULL) < 0) {
		sw->broken++;
		if (sw->report)
			fprintf(sw->report, "BROKEN %s: %s\n", name, tcc_diag_first_error(c->diag));
		goto out;
	}
	prog = tcc_lower_model(m);
	if (!prog) {
		sw->unsupported++;
		if (sw->report)
			fprintf(sw->report, "UNSUPPORTED %s: %s\n", name,
				tcc_diag_first_error(c->diag));
		goto out;
	}
	sw->lowered++;
	r = run_case(c, dir, prog, msg, sizeof(msg));
	if (r > 0)
		sw->passed++;
	if (r == 0) {
		sw->failed++;
		fprintf(stderr, "FAIL %s: %s\n", name, msg);
	}
	if (sw->report)
		fprintf(sw->report, "%s %s %s\n", r > 0 ? "PASS" : r == 0 ? "FAIL" : "NORUN",
			name, msg);
out:
	tcc_pipeline_free(pl);
	tcc_ctx_free(c);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_onnx_node_sweep)
{
	const char *shared = getenv("TCC_SHARED"), *filter = getenv("TCC_LOWER_FILTER");
	const char *rep = getenv("TCC_LOWER_REPORT");
	struct sweep sw = { 0 };
	char dir[4096], *names[4096];
	int nnames = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/onnx-tests/node", shared ? shared : "../shared");
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) && nnames < 4096)
		if (!strncmp(de->d_name, "test_", 5) && (!filter || strstr(de->d_name, filter)))
			names[nnames++] = strdup(de->d_name);
	closedir(d);
	qsort(names, (size_t)nnames, sizeof(*names), cmp_str);
	sw.report = rep ? fopen(rep, "w") : NULL;
	for (int i = 0; i < nnames; i++) {
		char sub[8192];

		snprintf(sub, sizeof(sub), "%s/%s", dir, names[i]);
		sweep_one(&sw, sub, names[i]);
		free(names[i]);
	}
	if (sw.report)
		fclose(sw.report);
	fprintf(stderr, "onnx node tests: %d lowered (%d passed, %d failed), %d unsupported, "
		"%d not loadable\n", sw.lowered, sw.passed, sw.failed, sw.unsupported, sw.broken);
	ck_assert_int_eq(sw.failed, 0);
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower");
	TCase *tc = tcase_create("ops");
	TCase *onnx = tcase_create("onnx");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_add_broadcast);
	tcase_add_test(tc, test_matmul_relu_chain);
	tcase_add_test(tc, test_plan_memory);
	tcase_add_test(tc, test_unsupported);
	suite_add_tcase(s, tc);
	tcase_set_timeout(onnx, 600);
	tcase_add_test(onnx, test_onnx_node_sweep);
	suite_add_tcase(s, onnx);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lower_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
