/* tcc-run's tensors: reading and writing .pb files, dummy inputs, comparison. This side sees
 * the compiler's tensors (struct tcc_tensor_data of ir/graph), never the runtime's. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/onnx/tensor_file.h"
#include "ir/graph/graph.h"
#include "tools/tcc-run/run.h"

size_t run_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!len)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf[0] = 0;
		return 0;
	}
	return (size_t)n < len ? (size_t)n : len - 1;
}

void run_tensor_clear(struct run_tensor *t)
{
	free(t->name);
	free(t->shape);
	free(t->data);
	memset(t, 0, sizeof(*t));
}

static const char *dtype_str(int dtype)
{
	const char *s = tcc_dtype_name(dtype);

	return s ? s : "?";
}

void run_sig_str(char *buf, size_t len, int dtype, int32_t rank, const int64_t *shape)
{
	size_t n = run_fmt(buf, len, "%s[", dtype_str(dtype));

	for (int32_t i = 0; i < rank && n < len; i++) {
		if (shape[i] < 0)
			n += run_fmt(buf + n, len - n, "%s?", i ? "," : "");
		else
			n += run_fmt(buf + n, len - n, "%s%lld", i ? "," : "",
					      (long long)shape[i]);
	}
	if (n < len)
		run_fmt(buf + n, len - n, "]");
}

int run_tensor_alloc(struct run_tensor *t, const char *name, int dtype, int32_t rank,
		     const int64_t *shape, char *err, size_t errlen)
{
	int bits = tcc_dtype_bits(dtype);
	int64_t numel = tcc_shape_numel(rank, shape);

	memset(t, 0, sizeof(*t));
	if (bits <= 0 || !tcc_dtype_is_valid(dtype)) {
		run_fmt(err, errlen, "tensors of type %s are not supported", dtype_str(dtype));
		return -1;
	}
	if (numel < 0 || rank < 0) {
		run_fmt(err, errlen, "invalid or dynamic shape");
		return -1;
	}
	t->dtype = dtype;
	t->rank = rank;
	t->numel = numel;
	t->nbytes = ((size_t)numel * (size_t)bits + 7) / 8; /* int4/int2/float4: packed */
	t->shape = malloc(sizeof(*t->shape) * (size_t)(rank ? rank : 1));
	t->data = calloc(1, t->nbytes ? t->nbytes : 1);
	t->name = name ? strdup(name) : NULL;
	if (!t->shape || !t->data || (name && !t->name)) {
		run_tensor_clear(t);
		run_fmt(err, errlen, "out of memory");
		return -1;
	}
	if (rank)
		memcpy(t->shape, shape, sizeof(*shape) * (size_t)rank);
	return 0;
}

int run_tensor_read(const char *path, struct run_tensor *t, char *err, size_t errlen)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_tensor_data *g = ctx ? tcc_onnx_read_tensor(ctx, path) : NULL;
	char msg[RUN_ERR_LEN];
	int r = -1;

	memset(t, 0, sizeof(*t));
	if (!ctx) {
		run_fmt(err, errlen, "%s: error: out of memory", path);
		return -1;
	}
	if (!g) {
		run_fmt(err, errlen, "%s", tcc_diag_first_error(ctx->diag));
	} else if (run_tensor_alloc(t, g->name, g->dtype, g->rank, g->dims, msg,
				    sizeof(msg)) < 0) {
		run_fmt(err, errlen, "%s: error: %s", path, msg);
	} else {
		memcpy(t->data, g->data, t->nbytes);
		r = 0;
	}
	tcc_ctx_free(ctx);
	return r;
}

/* A graph-IR view of t (no copy). */
static struct tcc_tensor_data view(const struct run_tensor *t)
{
	struct tcc_tensor_data g = {
		.name = t->name, .dtype = t->dtype, .rank = t->rank, .dims = t->shape,
		.numel = t->numel, .nbytes = t->nbytes, .data = t->data,
	};

	return g;
}

int run_tensor_write(const struct run_tensor *t, const char *path, char *err, size_t errlen)
{
	struct tcc_tensor_data g = view(t);

	if (tcc_onnx_write_tensor(&g, NULL, path) == 0)
		return 0;
	run_fmt(err, errlen, "%s: error: cannot write: %s", path, strerror(errno));
	return -1;
}

void run_tensor_fill_dummy(struct run_tensor *t)
{
	struct tcc_tensor_data g = view(t);

	if (!tcc_dtype_is_float(t->dtype) || t->dtype == TCC_DT_COMPLEX64 ||
	    t->dtype == TCC_DT_COMPLEX128)
		return; /* integers and bools stay 0 */
	for (int64_t i = 0; i < t->numel; i++)
		tcc_tensor_set_f64(&g, i, (double)((float)i / (float)t->numel));
}

/* Complex tensors compare as their real and imaginary parts. */
static struct tcc_tensor_data scalar_view(const struct run_tensor *t)
{
	struct tcc_tensor_data g = view(t);

	if (t->dtype == TCC_DT_COMPLEX64 || t->dtype == TCC_DT_COMPLEX128) {
		g.dtype = t->dtype == TCC_DT_COMPLEX64 ? TCC_DT_FLOAT : TCC_DT_DOUBLE;
		g.numel = 2 * t->numel;
	}
	return g;
}

static int float_close(double g, double e, struct run_tol tol)
{
	if (isnan(e) || isnan(g))
		return isnan(e) && isnan(g);
	if (isinf(e) || isinf(g))
		return g == e;
	return fabs(g - e) <= tol.atol + tol.rtol * fabs(e);
}

/* "[i,j,k]" of flat element i of t (complex: the element, then ".re"/".im"). */
static void index_str(char *buf, size_t len, const struct run_tensor *t, int64_t i)
{
	int cplx = t->dtype == TCC_DT_COMPLEX64 || t->dtype == TCC_DT_COMPLEX128;
	int64_t idx[64], e = cplx ? i / 2 : i;
	size_t n;

	for (int32_t d = t->rank - 1; d >= 0 && d < 64; d--) {
		idx[d] = t->shape[d] ? e % t->shape[d] : 0;
		e = t->shape[d] ? e / t->shape[d] : 0;
	}
	n = (size_t)run_fmt(buf, len, "[");
	for (int32_t d = 0; d < t->rank && d < 64 && n < len; d++)
		n += run_fmt(buf + n, len - n, "%s%lld", d ? "," : "",
				      (long long)idx[d]);
	if (n < len)
		run_fmt(buf + n, len - n, "]%s", cplx ? (i % 2 ? ".im" : ".re") : "");
}

static int compare_sig(const struct run_tensor *got, const struct run_tensor *exp, char *msg,
		       size_t len)
{
	char a[256], b[256];

	if (got->dtype == exp->dtype && got->rank == exp->rank &&
	    !memcmp(got->shape, exp->shape, sizeof(*got->shape) * (size_t)got->rank))
		return 0;
	run_sig_str(a, sizeof(a), got->dtype, got->rank, got->shape);
	run_sig_str(b, sizeof(b), exp->dtype, exp->rank, exp->shape);
	run_fmt(msg, len, "got %s, expected %s", a, b);
	return 1;
}

int run_tensor_compare(const struct run_tensor *got, const struct run_tensor *exp,
		       struct run_tol tol, char *msg, size_t len)
{
	struct tcc_tensor_data g = scalar_view(got), e = scalar_view(exp);
	int is_float = tcc_dtype_is_float(g.dtype);
	char at[512], gs[64], es[64];

	if (compare_sig(got, exp, msg, len))
		return 1;
	for (int64_t i = 0; i < g.numel; i++) {
		if (is_float) {
			double gv = tcc_tensor_get_f64(&g, i), ev = tcc_tensor_get_f64(&e, i);
			if (float_close(gv, ev, tol))
				continue;
			run_fmt(gs, sizeof(gs), "%.9g", gv);
			run_fmt(es, sizeof(es), "%.9g", ev);
		} else {
			int64_t gv = tcc_tensor_get_i64(&g, i), ev = tcc_tensor_get_i64(&e, i);
			if (gv == ev)
				continue;
			if (g.dtype == TCC_DT_UINT64) {
				run_fmt(gs, sizeof(gs), "%llu", (unsigned long long)gv);
				run_fmt(es, sizeof(es), "%llu", (unsigned long long)ev);
			} else {
				run_fmt(gs, sizeof(gs), "%lld", (long long)gv);
				run_fmt(es, sizeof(es), "%lld", (long long)ev);
			}
		}
		index_str(at, sizeof(at), got, i);
		run_fmt(msg, len, "%s: got %s, expected %s", at, gs, es);
		return 1;
	}
	return 0;
}

void run_tensor_print_values(const struct run_tensor *t, int64_t max)
{
	struct tcc_tensor_data g = scalar_view(t);

	if (g.numel > max)
		return;
	printf("  [");
	for (int64_t i = 0; i < g.numel; i++)
		printf("%s%.6g", i ? ", " : "", tcc_tensor_get_f64(&g, i));
	printf("]\n");
}

void run_tensor_stats(const struct run_tensor *t, double *min, double *max, double *mean)
{
	struct tcc_tensor_data g = scalar_view(t);
	double sum = 0;
	int64_t n = 0;

	*min = INFINITY;
	*max = -INFINITY;
	for (int64_t i = 0; i < g.numel; i++) {
		double v = tcc_tensor_get_f64(&g, i);
		if (isnan(v))
			continue;
		*min = v < *min ? v : *min;
		*max = v > *max ? v : *max;
		sum += v;
		n++;
	}
	*mean = n ? sum / (double)n : NAN;
}
