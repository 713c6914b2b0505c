/* Inference for linear algebra (MatMul, Gemm, Einsum), convolution, pooling and normalization. */
#include <string.h>

#include "ir/graph/infer_private.h"

/* ---- MatMul ---- */

static tcc_stat matmul_inner(struct tcc_infer *inf, const struct tcc_type *a,
			     const struct tcc_type *b, int ia, int ib)
{
	struct tcc_dim ka = a->dims[a->rank - 1];
	struct tcc_dim kb = b->dims[b->rank == 1 ? 0 : b->rank - 2];

	if (ka.value >= 0 && kb.value >= 0 && ka.value != kb.value)
		return tcc_infer_error(inf, "inner dims differ: %lld vs %lld (inputs '%s' and '%s')",
				       (long long)ka.value, (long long)kb.value,
				       tcc_infer_in_name(inf, ia), tcc_infer_in_name(inf, ib));
	return 0;
}

/* numpy matmul of inputs ia and ib into output 0 of type elem. */
static tcc_stat matmul_shape(struct tcc_infer *inf, int ia, int ib, int elem)
{
	const struct tcc_type *a = tcc_infer_in(inf, ia), *b = tcc_infer_in(inf, ib);
	int32_t ba, bb, nb, rank;
	struct tcc_type *t;

	if (!a || !b || a->rank < 0 || b->rank < 0)
		return tcc_infer_out(inf, 0, elem, -1) ? 0 : -1;
	if (a->rank == 0 || b->rank == 0)
		return tcc_infer_error(inf, "inputs must not be scalars");
	if (matmul_inner(inf, a, b, ia, ib) < 0)
		return -1;
	ba = a->rank > 2 ? a->rank - 2 : 0;
	bb = b->rank > 2 ? b->rank - 2 : 0;
	nb = ba > bb ? ba : bb;
	rank = nb + (a->rank > 1) + (b->rank > 1);
	if (!(t = tcc_infer_out(inf, 0, elem, rank)))
		return -1;
	for (int32_t k = 0; k < nb; k++) {
		t->dims[k] = tcc_dim_known(1);
		if (k >= nb - ba && tcc_infer_bcast_dim(inf, &t->dims[k], a->dims[k - (nb - ba)],
							k, ia, ib) < 0)
			return -1;
		if (k >= nb - bb && tcc_infer_bcast_dim(inf, &t->dims[k], b->dims[k - (nb - bb)],
							k, ia, ib) < 0)
			return -1;
	}
	if (a->rank > 1)
		t->dims[nb] = a->dims[a->rank - 2];
	if (b->rank > 1)
		t->dims[rank - 1] = b->dims[b->rank - 1];
	return 0;
}

tcc_stat tcc_infer_matmul(struct tcc_infer *inf)
{
	if (tcc_node_is(inf->n, "MatMulInteger"))
		return matmul_shape(inf, 0, 1, TCC_DT_INT32);
	if (tcc_node_is(inf->n, "QLinearMatMul"))
		return matmul_shape(inf, 0, 3, tcc_infer_in_elem(inf, 7));
	return matmul_shape(inf, 0, 1, tcc_infer_in_elem(inf, 0));
}

/* ---- Gemm ---- */

static tcc_stat gemm_bias(struct tcc_infer *inf, const struct tcc_type *t)
{
	const struct tcc_type *c = tcc_infer_in(inf, 2);

	if (!c || c->rank < 0)
		return 0;
	if (c->rank > 2)
		return tcc_infer_error(inf, "C must have rank <= 2, got %d", (int)c->rank);
	for (int32_t k = 0; k < c->rank; k++) {
		struct tcc_dim d = c->dims[k], o = t->dims[2 - c->rank + k];

		if (d.value >= 0 && d.value != 1 && o.value >= 0 && d.value != o.value)
			return tcc_infer_error(inf, "cannot broadcast C dim %d (%lld) to %lld",
					       (int)k, (long long)d.value, (long long)o.value);
	}
	return 0;
}

tcc_stat tcc_infer_gemm(struct tcc_infer *inf)
{
	const struct tcc_type *a = tcc_infer_in(inf, 0), *b = tcc_infer_in(inf, 1);
	int ta = tcc_node_attr_int(inf->n, "transA", 0) != 0;
	int tb = tcc_node_attr_int(inf->n, "transB", 0) != 0;
	struct tcc_dim ka, kb;
	struct tcc_type *t;

	if (!(t = tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 0), 2)))
		return -1;
	if ((a && a->rank >= 0 && a->rank != 2) || (b && b->rank >= 0 && b->rank != 2))
		return tcc_infer_error(inf, "A and B must be 2-D, got ranks %d and %d",
				       (int)tcc_infer_in_rank(inf, 0), (int)tcc_infer_in_rank(inf, 1));
	if (a && a->rank == 2)
		t->dims[0] = a->dims[ta];
	if (b && b->rank == 2)
		t->dims[1] = b->dims[!tb];
	if (a && b && a->rank == 2 && b->rank == 2) {
		ka = a->dims[!ta];
		kb = b->dims[tb];
		if (ka.value >= 0 && kb.value >= 0 && ka.value != kb.value)
			return tcc_infer_error(inf, "inner dims differ: %lld vs %lld (inputs '%s' and '%s')",
					       (long long)ka.value, (long long)kb.value,
					       tcc_infer_in_name(inf, 0), tcc_infer_in_name(inf, 1));
	}
	return gemm_bias(inf, t);
}

/* ---- Einsum (explicit or implicit output; "..." broadcasts right-aligned across the
 * operands and leads an implicit output) ---- */

#define EINSUM_MAXELL 64

static int letter(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return 26 + c - 'A';
	return -1;
}

/* The letters of [p, end) up to a ','. */
static int32_t einsum_letters(const char *p, const char *end)
{
	int32_t n = 0;

	for (; p < end && *p != ','; p++)
		n += letter(*p) >= 0;
	return n;
}

/* At "...", p: the ellipsis dims of input "in" (type t) into edims, numbered from the right;
 * *nell is their largest count, -1 once some input's rank is unknown. Advances *k past them. */
static tcc_stat einsum_dots(struct tcc_infer *inf, const char *p, const char *end, int in,
			    const struct tcc_type *t, int32_t nl, struct tcc_dim *edims,
			    int *nell, int32_t *k)
{
	int32_t ne;

	if (end - p < 3 || p[1] != '.' || p[2] != '.')
		return tcc_infer_error(inf, "misplaced '.' in the equation");
	if (!t || t->rank < 0) {
		*nell = -1;
		return 0;
	}
	ne = t->rank - nl;
	if (ne < 0 || ne > EINSUM_MAXELL)
		return tcc_infer_error(inf, "term %d has %d letters but input rank %d", in,
				       (int)nl, (int)t->rank);
	for (int32_t j = 0; j < ne; j++)
		if (tcc_infer_bcast_dim(inf, &edims[ne - 1 - j], t->dims[*k + j], *k + j, in, in) < 0)
			return -1;
	if (*nell >= 0 && ne > *nell)
		*nell = ne;
	*k += ne;
	return 0;
}

/* Record the dims of the terms; count[l] counts uses of letter l; the ellipsis into
 * edims / *nell (see einsum_dots). */
static tcc_stat einsum_terms(struct tcc_infer *inf, const char *eq, const char *end,
			     struct tcc_dim *dims, int *count, struct tcc_dim *edims, int *nell)
{
	int in = 0;

	/* every term counts, empty ones too ("->" over one scalar) */
	for (const char *p = eq;; in++) {
		const struct tcc_type *t = tcc_infer_in(inf, in);
		int32_t k = 0, nl = einsum_letters(p, end);
		int dots = 0;

		for (; p < end && *p != ','; p++) {
			int l = letter(*p);

			if (*p == ' ')
				continue;
			if (*p == '.') {
				if (dots++ || einsum_dots(inf, p, end, in, t, nl, edims, nell, &k) < 0)
					return dots > 1 ? tcc_infer_error(inf, "two '...' in a term") : -1;
				p += 2;
				continue;
			}
			if (l < 0)
				return tcc_infer_error(inf, "bad equation character '%c'", *p);
			count[l]++;
			if (t && t->rank >= 0 && k < t->rank &&
			    tcc_infer_bcast_dim(inf, &dims[l], t->dims[k], k, in, in) < 0)
				return -1;
			k++;
		}
		if (t && t->rank >= 0 && k != t->rank)
			return tcc_infer_error(inf, "term %d has %d letters but input rank %d", in,
					       (int)k, (int)t->rank);
		if (p >= end) {
			in++;
			break;
		}
		p++;
	}
	if (in != inf->n->ninputs)
		return tcc_infer_error(inf, "equation has %d terms for %d inputs", in,
				       inf->n->ninputs);
	return 0;
}

/* The explicit output "out": its dims into t (NULL: only count them); the rank or -1. */
static int32_t einsum_out(struct tcc_infer *inf, const char *out, const struct tcc_dim *dims,
			  const int *count, const struct tcc_dim *edims, int nell,
			  struct tcc_type *t)
{
	int32_t r = 0;

	for (const char *p = out; *p; p++) {
		int l = letter(*p);

		if (*p == ' ')
			continue;
		if (!strncmp(p, "...", 3)) {
			for (int j = nell - 1; j >= 0; j--, r++)
				if (t)
					t->dims[r] = edims[j];
			p += 2;
			continue;
		}
		if (l < 0 || !count[l])
			return tcc_infer_error(inf, "output letter '%c' is not in an input", *p);
		if (t)
			t->dims[r] = dims[l];
		r++;
	}
	return r;
}

/* The implicit output: the ellipsis, then the letters used once in ASCII order (as numpy:
 * upper case first). */
static int32_t einsum_implicit(const struct tcc_dim *dims, const int *count,
			       const struct tcc_dim *edims, int nell, struct tcc_type *t)
{
	int32_t r = 0;

	for (int j = nell - 1; j >= 0; j--, r++)
		if (t)
			t->dims[r] = edims[j];
	for (int i = 0; i < 52; i++) {
		int l = (i + 26) % 52;

		if (count[l] == 1) {
			if (t)
				t->dims[r] = dims[l];
			r++;
		}
	}
	return r;
}

tcc_stat tcc_infer_einsum(struct tcc_infer *inf)
{
	const char *eq = tcc_node_attr_string(inf->n, "equation", NULL);
	const char *arrow, *out;
	struct tcc_dim dims[52], edims[EINSUM_MAXELL];
	int count[52] = { 0 }, elem = tcc_infer_in_elem(inf, 0), nell = 0;
	int32_t rank;
	struct tcc_type *t;

	if (!eq)
		return tcc_infer_error(inf, "missing attribute 'equation'");
	for (int l = 0; l < 52; l++)
		dims[l] = tcc_dim_known(1);
	for (int j = 0; j < EINSUM_MAXELL; j++)
		edims[j] = tcc_dim_known(1);
	arrow = strstr(eq, "->");
	if (einsum_terms(inf, eq, arrow ? arrow : eq + strlen(eq), dims, count, edims, &nell) < 0)
		return -1;
	if (nell < 0)
		return tcc_infer_out(inf, 0, elem, -1) ? 0 : -1;
	out = arrow ? arrow + 2 : NULL;
	rank = out ? einsum_out(inf, out, dims, count, edims, nell, NULL) :
		     einsum_implicit(dims, count, edims, nell, NULL);
	if (rank < 0 || !(t = tcc_infer_out(inf, 0, elem, rank)))
		return -1;
	if (out)
		return einsum_out(inf, out, dims, count, edims, nell, t) < 0 ? -1 : 0;
	einsum_implicit(dims, count, edims, nell, t);
	return 0;
}

/* ---- windows: Conv, ConvTranspose, pools ---- */

/* Spatial geometry read from the attributes, "nsp" spatial dims. */
struct window {
	int32_t nsp;
	const int64_t *kernel, *strides, *dil, *pads;
	const char *auto_pad;
	int ceil_mode;
};

static tcc_stat window_read(struct tcc_infer *inf, struct window *w, int32_t nsp)
{
	int64_t nk, ns, nd, np;

	w->nsp = nsp;
	w->kernel = tcc_node_attr_ints(inf->n, "kernel_shape", &nk);
	w->strides = tcc_node_attr_ints(inf->n, "strides", &ns);
	w->dil = tcc_node_attr_ints(inf->n, "dilations", &nd);
	w->pads = tcc_node_attr_ints(inf->n, "pads", &np);
	w->auto_pad = tcc_node_attr_string(inf->n, "auto_pad", "NOTSET");
	w->ceil_mode = tcc_node_attr_int(inf->n, "ceil_mode", 0) != 0;
	if (tcc_infer_attr_len(inf, "kernel_shape", nk, nsp) < 0 ||
	    tcc_infer_attr_len(inf, "strides", ns, nsp) < 0 ||
	    tcc_infer_attr_len(inf, "dilations", nd, nsp) < 0 ||
	    tcc_infer_attr_len(inf, "pads", np, 2 * (int64_t)nsp) < 0)
		return -1;
	for (int32_t i = 0; i < nsp; i++) {
		if ((w->strides && w->strides[i] < 1) || (w->dil && w->dil[i] < 1) ||
		    (w->kernel && w->kernel[i] < 1))
			return tcc_infer_error(inf, "kernel_shape, strides and dilations must be >= 1");
		if (w->pads && (w->pads[i] < 0 || w->pads[i + nsp] < 0 ||
				w->pads[i] > TCC_MAX_DIM || w->pads[i + nsp] > TCC_MAX_DIM))
			return tcc_infer_error(inf, "pads must be in [0, 2^40]");
		if ((w->strides && w->strides[i] > TCC_MAX_DIM) ||
		    (w->dil && w->dil[i] > TCC_MAX_DIM) || (w->kernel && w->kernel[i] > TCC_MAX_DIM))
			return tcc_infer_error(inf, "kernel_shape, strides or dilations too large");
	}
	if (strcmp(w->auto_pad, "NOTSET") && strcmp(w->auto_pad, "VALID") &&
	    strcmp(w->auto_pad, "SAME_UPPER") && strcmp(w->auto_pad, "SAME_LOWER"))
		return tcc_infer_error(inf, "unknown auto_pad '%s'", w->auto_pad);
	return 0;
}

/* Output extent of spatial dim i for input extent "in" and kernel "k" (-1: unknown). */
static tcc_stat window_dim(struct tcc_infer *inf, const struct window *w, int32_t i,
			   struct tcc_dim in, int64_t k, struct tcc_dim *out)
{
	int64_t s = w->strides ? w->strides[i] : 1, d = w->dil ? w->dil[i] : 1;
	int64_t pb = w->pads ? w->pads[i] : 0, pe = w->pads ? w->pads[i + w->nsp] : 0;
	int64_t eff, total, o;

	*out = tcc_dim_unknown();
	if (in.value < 0)
		return 0;
	if (!strncmp(w->auto_pad, "SAME", 4)) {
		*out = tcc_dim_known((in.value + s - 1) / s);
		return 0;
	}
	if (k < 0)
		return 0;
	if (!strcmp(w->auto_pad, "VALID"))
		pb = pe = 0;
	eff = tcc_sat_add(tcc_sat_mul(k - 1, d), 1);
	total = in.value + pb + pe;
	if (total < eff)
		return tcc_infer_error(inf, "kernel extent %lld exceeds padded input %lld in spatial dim %d",
				       (long long)eff, (long long)total, (int)i);
	o = (total - eff) / s + 1;
	if (w->ceil_mode && (total - eff) % s) {
		o++;
		if ((o - 1) * s >= in.value + pb)
			o--;
	}
	*out = tcc_dim_known(o);
	return 0;
}

/* Conv-like: x input xi, weight input wi, output 0 of type elem. */
static tcc_stat conv_shape(struct tcc_infer *inf, int xi, int wi, int elem)
{
	const struct tcc_type *x = tcc_infer_in(inf, xi), *w = tcc_infer_in(inf, wi);
	int32_t rank = x && x->rank >= 0 ? x->rank : w ? w->rank : -1;
	int64_t group = tcc_node_attr_int(inf->n, "group", 1);
	struct window win;
	struct tcc_type *t;

	if (rank < 0)
		return tcc_infer_out(inf, 0, elem, -1) ? 0 : -1;
	if (rank < 3 || (x && x->rank >= 0 && w && w->rank >= 0 && x->rank != w->rank))
		return tcc_infer_error(inf, "input and weight must have the same rank >= 3, got %d and %d",
				       (int)tcc_infer_in_rank(inf, xi), (int)tcc_infer_in_rank(inf, wi));
	if (group < 1 || group > TCC_MAX_DIM)
		return tcc_infer_error(inf, "group must be >= 1, got %lld", (long long)group);
	if (window_read(inf, &win, rank - 2) < 0 || !(t = tcc_infer_out(inf, 0, elem, rank)))
		return -1;
	if (x && x->rank >= 0)
		t->dims[0] = x->dims[0];
	if (w && w->rank >= 0) {
		t->dims[1] = w->dims[0];
		if (x && x->rank >= 0 && x->dims[1].value >= 0 && w->dims[1].value >= 0 &&
		    x->dims[1].value != w->dims[1].value * group)
			return tcc_infer_error(inf, "input has %lld channels but weight expects %lld (group %lld)",
					       (long long)x->dims[1].value,
					       (long long)(w->dims[1].value * group), (long long)group);
	}
	for (int32_t i = 0; x && x->rank >= 0 && i < rank - 2; i++) {
		int64_t k = win.kernel ? win.kernel[i] : w && w->rank >= 0 ? w->dims[i + 2].value : -1;

		if (window_dim(inf, &win, i, x->dims[i + 2], k, &t->dims[i + 2]) < 0)
			return -1;
	}
	return 0;
}

tcc_stat tcc_infer_conv(struct tcc_infer *inf)
{
	if (tcc_node_is(inf->n, "ConvInteger"))
		return conv_shape(inf, 0, 1, TCC_DT_INT32);
	if (tcc_node_is(inf->n, "QLinearConv"))
		return conv_shape(inf, 0, 3, tcc_infer_in_elem(inf, 7));
	return conv_shape(inf, 0, 1, tcc_infer_in_elem(inf, 0));
}

/* Spatial dim i of ConvTranspose: s*(in-1) + output_padding + eff - pads (SAME: in*s). */
static tcc_stat convt_dim(struct tcc_infer *inf, const struct window *w, int32_t i,
			  struct tcc_dim in, int64_t k, struct tcc_dim *out)
{
	int64_t np, *opad = (int64_t *)tcc_node_attr_ints(inf->n, "output_padding", &np);
	int64_t s = w->strides ? w->strides[i] : 1, d = w->dil ? w->dil[i] : 1, o;

	*out = tcc_dim_unknown();
	if (in.value < 0)
		return 0;
	if (!strncmp(w->auto_pad, "SAME", 4)) {
		*out = tcc_dim_known(tcc_sat_mul(in.value, s));
		return 0;
	}
	if (k < 0)
		return 0;
	o = tcc_sat_mul(s, in.value - 1);
	o = tcc_sat_add(o, opad && i < np ? opad[i] : 0);
	o = tcc_sat_add(o, tcc_sat_add(tcc_sat_mul(k - 1, d), 1));
	if (w->pads && strcmp(w->auto_pad, "VALID"))
		o -= w->pads[i] + w->pads[i + w->nsp];
	if (o < 1 || o > TCC_MAX_DIM)
		return tcc_infer_error(inf, "output spatial dim %d is out of range (%lld)", (int)i,
				       (long long)o);
	*out = tcc_dim_known(o);
	return 0;
}

tcc_stat tcc_infer_conv_transpose(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0), *w = tcc_infer_in(inf, 1);
	int32_t rank = tcc_infer_in_rank(inf, 0);
	int64_t group = tcc_node_attr_int(inf->n, "group", 1), nos;
	const int64_t *os = tcc_node_attr_ints(inf->n, "output_shape", &nos);
	struct window win;
	struct tcc_type *t;

	if (rank < 0)
		return tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 0), -1) ? 0 : -1;
	if (rank < 3 || (w && w->rank >= 0 && w->rank != rank))
		return tcc_infer_error(inf, "input and weight must have the same rank >= 3");
	if (group < 1 || group > TCC_MAX_DIM)
		return tcc_infer_error(inf, "group must be >= 1, got %lld", (long long)group);
	if (window_read(inf, &win, rank - 2) < 0 || !(t = tcc_infer_out(inf, 0, x->elem, rank)))
		return -1;
	t->dims[0] = x->dims[0];
	if (w && w->rank >= 0) {
		if (w->dims[1].value >= 0)
			t->dims[1] = tcc_dim_known(tcc_sat_mul(w->dims[1].value, group));
		if (x->dims[1].value >= 0 && w->dims[0].value >= 0 &&
		    x->dims[1].value != w->dims[0].value)
			return tcc_infer_error(inf, "input has %lld channels but weight has %lld",
					       (long long)x->dims[1].value,
					       (long long)w->dims[0].value);
	}
	for (int32_t i = 0; i < rank - 2; i++) {
		int64_t k = win.kernel ? win.kernel[i] : w && w->rank >= 0 ? w->dims[i + 2].value : -1;

		if (os && nos >= rank - 2 && (os[nos - (rank - 2) + i] < 1 ||
					      os[nos - (rank - 2) + i] > TCC_MAX_DIM))
			return tcc_infer_error(inf, "invalid output_shape entry");
		if (os && nos >= rank - 2)
			t->dims[i + 2] = tcc_dim_known(os[nos - (rank - 2) + i]);
		else if (convt_dim(inf, &win, i, x->dims[i + 2], k, &t->dims[i + 2]) < 0)
			return -1;
	}
	return 0;
}

tcc_stat tcc_infer_pool(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	struct window win;
	struct tcc_type *t;

	if (!x || x->rank < 0)
		return tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 0), -1) ? 0 : -1;
	if (x->rank < 3)
		return tcc_infer_error(inf, "input must have rank >= 3, got %d", (int)x->rank);
	if (window_read(inf, &win, x->rank - 2) < 0)
		return -1;
	if (!win.kernel)
		return tcc_infer_error(inf, "missing attribute 'kernel_shape'");
	if (!(t = tcc_infer_out(inf, 0, x->elem, x->rank)))
		return -1;
	t->dims[0] = x->dims[0];
	t->dims[1] = x->dims[1];
	for (int32_t i = 0; i < x->rank - 2; i++)
		if (window_dim(inf, &win, i, x->dims[i + 2], win.kernel[i], &t->dims[i + 2]) < 0)
			return -1;
	if (inf->nout > 1 && tcc_node_is(inf->n, "MaxPool")) {
		struct tcc_type *ix = tcc_infer_out(inf, 1, TCC_DT_INT64, x->rank);

		if (!ix)
			return -1;
		memcpy(ix->dims, t->dims, (size_t)x->rank * sizeof(*t->dims));
	}
	return 0;
}

tcc_stat tcc_infer_global_pool(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	struct tcc_type *t;

	if (!x || x->rank < 0)
		return tcc_infer_out(inf, 0, tcc_infer_in_elem(inf, 0), -1) ? 0 : -1;
	if (x->rank < 2)
		return tcc_infer_error(inf, "input must have rank >= 2, got %d", (int)x->rank);
	if (!(t = tcc_infer_out(inf, 0, x->elem, x->rank)))
		return -1;
	t->dims[0] = x->dims[0];
	t->dims[1] = x->dims[1];
	for (int32_t i = 2; i < x->rank; i++)
		t->dims[i] = tcc_dim_known(1);
	return 0;
}

/* ---- normalization ---- */

/* Inputs first.. must be [C] where C is x's dim 1 (when both are known). */
static tcc_stat check_per_channel(struct tcc_infer *inf, int first, int last)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);

	if (!x || x->rank < 2)
		return 0;
	for (int i = first; i <= last; i++) {
		const struct tcc_type *p = tcc_infer_in(inf, i);

		if (!p || p->rank < 0)
			continue;
		if (p->rank != 1)
			return tcc_infer_error(inf, "input '%s' must be 1-D, got rank %d",
					       tcc_infer_in_name(inf, i), (int)p->rank);
		if (p->dims[0].value >= 0 && x->dims[1].value >= 0 &&
		    p->dims[0].value != x->dims[1].value)
			return tcc_infer_error(inf, "input '%s' has %lld entries but %lld channels",
					       tcc_infer_in_name(inf, i), (long long)p->dims[0].value,
					       (long long)x->dims[1].value);
	}
	return 0;
}

tcc_stat tcc_infer_batchnorm(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);

	if (inf->opset >= 9 && check_per_channel(inf, 1, 4) < 0)
		return -1;
	if (tcc_infer_out_like(inf, 0, 0, 0) < 0)
		return -1;
	for (int o = 1; o < inf->nout && o < 5; o++) {
		struct tcc_type *t = tcc_infer_out(inf, o, tcc_infer_in_elem(inf, 3), 1);

		if (!t)
			return -1;
		if (x && x->rank >= 2)
			t->dims[0] = x->dims[1];
	}
	return 0;
}

tcc_stat tcc_infer_norm(struct tcc_infer *inf)
{
	if (tcc_node_is(inf->n, "InstanceNormalization") && check_per_channel(inf, 1, 2) < 0)
		return -1;
	return tcc_infer_out_like(inf, 0, 0, 0);
}

tcc_stat tcc_infer_layernorm(struct tcc_infer *inf)
{
	const struct tcc_type *x = tcc_infer_in(inf, 0);
	int64_t axis = tcc_node_attr_int(inf->n, "axis", -1);
	int elem = (int)tcc_node_attr_int(inf->n, "stash_type", TCC_DT_FLOAT);

	if (tcc_infer_out_like(inf, 0, 0, 0) < 0)
		return -1;
	if (!x || x->rank < 0)
		return 0;
	if (tcc_infer_axis(inf, axis, x->rank, &axis, "axis") < 0)
		return -1;
	if (elem <= 0 || elem >= TCC_DT_COUNT)
		elem = TCC_DT_FLOAT;
	for (int o = 1; o < inf->nout && o < 3; o++) {
		struct tcc_type *t = tcc_infer_out(inf, o, elem, x->rank);

		if (!t)
			return -1;
		for (int32_t k = 0; k < x->rank; k++)
			t->dims[k] = k < axis ? x->dims[k] : tcc_dim_known(1);
	}
	return 0;
}

tcc_stat tcc_infer_quantize(struct tcc_infer *inf)
{
	int elem;

	if (tcc_node_is(inf->n, "DequantizeLinear")) {
		elem = tcc_infer_in_elem(inf, 1);
		return tcc_infer_out_like(inf, 0, 0, elem ? elem : TCC_DT_FLOAT);
	}
	elem = tcc_infer_in_elem(inf, 2);
	if (!elem)
		elem = (int)tcc_node_attr_int(inf->n, "output_dtype", TCC_DT_UINT8);
	if (elem <= 0 || elem >= TCC_DT_COUNT)
		return tcc_infer_error(inf, "invalid output type %d", elem);
	return tcc_infer_out_like(inf, 0, 0, elem);
}
