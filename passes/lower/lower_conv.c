/* Conv and ConvTranspose over any number of spatial dims, with strides, dilations, pads
 * (explicit or auto_pad) and groups. ConvTranspose and narrow Convs do not materialise the
 * padding: the input position o*stride + r*dilation - pad is a subscript, and domain
 * constraints keep it inside the input (Conv) or the output (ConvTranspose, whose target is
 * that position). A strided, padded or ragged Conv worth vectorizing first copies
 * X into a zero-padded temp Xq split into stride phases (zeroing only what the copy leaves
 * when Xq is flat), so the conv statement has no constraints and reads unit stride along the
 * last dim; its output is computed in whole vectors (rows a multiple of CONV_VEC wide, or the
 * last two dims merged into one plane of the padded row pitch) into a temp Yw and then
 * cropped into Y: the automatic scheduler (docs/schedule.md) runs all of the conv statement
 * on full vectors, lanes along the output pixels. A small plane (<= CONV_CL_MAX_PIX pixels)
 * with constant weights puts the output channels in the lanes instead (lower_conv_cl). */
#include <string.h>

#include "passes/lower/lower_private.h"

/* Spatial parameters of a windowed op over "ns" spatial dims. */
void lower_window(const struct tcc_node *n, int ns, const int64_t *in, const int64_t *out,
		  const int64_t *k, struct lower_win *w)
{
	const char *ap = tcc_node_attr_string(n, "auto_pad", "NOTSET");
	int64_t cnt;
	const int64_t *s, *d, *p;

	s = tcc_node_attr_ints(n, "strides", &cnt);
	s = cnt == ns ? s : NULL;
	d = tcc_node_attr_ints(n, "dilations", &cnt);
	d = cnt == ns ? d : NULL;
	p = tcc_node_attr_ints(n, "pads", &cnt);
	p = cnt == 2 * ns ? p : NULL;
	for (int i = 0; i < ns; i++) {
		w->k[i] = k[i];
		w->s[i] = s ? s[i] : 1;
		w->d[i] = d ? d[i] : 1;
		w->pb[i] = p ? p[i] : 0;
		w->pe[i] = p ? p[ns + i] : 0;
		if (!strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER")) {
			int64_t tot = (out[i] - 1) * w->s[i] + (k[i] - 1) * w->d[i] + 1 - in[i];

			tot = tot < 0 ? 0 : tot;
			w->pb[i] = !strcmp(ap, "SAME_UPPER") ? tot / 2 : tot - tot / 2;
			w->pe[i] = tot - w->pb[i];
		} else if (!strcmp(ap, "VALID")) {
			w->pb[i] = w->pe[i] = 0;
		}
	}
}

const char *lower_window_check(const struct tcc_node *n, int ns)
{
	const char *ap = tcc_node_attr_string(n, "auto_pad", "NOTSET");
	int64_t cnt;
	const int64_t *v;

	if (strcmp(ap, "NOTSET") && strcmp(ap, "SAME_UPPER") && strcmp(ap, "SAME_LOWER") &&
	    strcmp(ap, "VALID"))
		return "unknown auto_pad";
	if ((v = tcc_node_attr_ints(n, "strides", &cnt)) && cnt != ns)
		return "strides of the wrong length";
	for (int i = 0; v && i < cnt; i++)
		if (v[i] < 1)
			return "strides must be positive";
	if ((v = tcc_node_attr_ints(n, "dilations", &cnt)) && cnt != ns)
		return "dilations of the wrong length";
	for (int i = 0; v && i < cnt; i++)
		if (v[i] < 1)
			return "dilations must be positive";
	if ((v = tcc_node_attr_ints(n, "pads", &cnt)) && cnt != 2 * ns)
		return "pads of the wrong length";
	for (int i = 0; v && i < cnt; i++)
		if (v[i] < 0)
			return "negative pads";
	return NULL;
}

/* x = o*s + r*d - pb for spatial dim i (iterators o and r); constrained to [lo, hi) when
 * it can leave that range. */
kexpr *lower_window_pos(struct lk *lk, struct tcc_kstmt *s, const struct lower_win *w, int i,
			int o, int r, int64_t omax, int64_t lo, int64_t hi)
{
	kexpr *x = ke2(lk, TCC_KOP_SUB, ke2(lk, TCC_KOP_ADD,
		       ke2(lk, TCC_KOP_MUL, ke_int(lk, w->s[i]), ke_it(lk, o)),
		       ke2(lk, TCC_KOP_MUL, ke_int(lk, w->d[i]), ke_it(lk, r))), ke_int(lk, w->pb[i]));
	int64_t max = (omax - 1) * w->s[i] + (w->k[i] - 1) * w->d[i] - w->pb[i];

	if (-w->pb[i] < lo)
		lk_cons(lk, s, TCC_KOP_GE, x, ke_int(lk, lo));
	if (max >= hi)
		lk_cons(lk, s, TCC_KOP_LT, x, ke_int(lk, hi));
	return x;
}

/* (m / mg) * cg + c: the input channel of group member c for output channel m (c < 0: the
 * only member, 0). */
static kexpr *group_chan(struct lk *lk, int m, int64_t mg, int64_t cg, int c, int64_t group)
{
	kexpr *base;

	if (group == 1)
		return c < 0 ? ke_int(lk, 0) : ke_it(lk, c);
	base = mg == 1 ? ke_it(lk, m) : ke2(lk, TCC_KOP_DIV, ke_it(lk, m), ke_int(lk, mg));
	if (cg != 1)
		base = ke2(lk, TCC_KOP_MUL, ke_int(lk, cg), base);
	return c < 0 ? base : ke2(lk, TCC_KOP_ADD, base, ke_it(lk, c));
}

static void init_bias(struct lk *lk, struct tcc_node *n, struct tcc_kbuf *Y)
{
	struct tcc_kstmt *s = lk_stmt(lk, Y->rank, Y->dims);
	kexpr *sy[LK_MAXR], *sb[1];

	ke_iters(lk, 0, Y->rank, sy);
	sb[0] = ke_it(lk, 1);
	lk_body(lk, s, Y, sy, TCC_KUPD_ASSIGN, tcc_node_input(n, 2) ?
		ke_load(lk, lk_in(lk, n->inputs[2]), sb) : ke_lit(lk, Y->dtype, 0));
}

/* The scheduler's widest vector (f32 lanes, docs/schedule.md): output rows are computed a
 * multiple of it wide, so no row ends in scalar code, when that wastes at most a quarter,
 * or at most 150% when the reduction ("red" = C/group * taps) is long enough for the GEMM
 * plan to win anyway (16 columns for 7: ResNet-50's last stage runs ~10x faster so). */
#define CONV_VEC 16
#define CONV_LONG_RED 64

static int64_t conv_round_w(int64_t ow, int64_t red)
{
	int64_t wr = (ow + CONV_VEC - 1) / CONV_VEC * CONV_VEC;

	return 4 * wr <= 5 * ow || (red >= CONV_LONG_RED && 2 * wr <= 5 * ow) ? wr : ow;
}

/* The copied input Xq[n, c, p.., j..] of a Conv: per spatial dim i, "ph[i]" stride phases
 * (1: no phase subscript) of "e[i]" positions; Xq[.., p, .., j, ..] is the zero-padded input
 * at s*j + p, so tap r of output o reads phase (d*r) % s at o + (d*r) / s. Output rows are
 * computed "wr" wide; or, "flat", the last two spatial dims are merged: Xq's last dim holds
 * rows of "pitch" = e[last] (len in all) and the output is computed as a plane of "pf"
 * positions h*pitch + w (the columns w >= OW are computed and dropped). */
struct conv_in {
	int64_t ph[LK_MAXR], e[LK_MAXR], wr, pitch, len, pf;
	int nph, flat;
};

/* (d*(k-1)) / s: the largest tap offset along spatial dim i. */
static int64_t conv_span(const struct lower_win *w, int i)
{
	return w->d[i] * (w->k[i] - 1) / w->s[i];
}

/* Merge the last two spatial dims when the plane computes fewer columns than rows widened
 * to wr (ResNet-50: 56x56 3x3 wastes 4% instead of 14%, 7x7 31% instead of 129%). */
static void conv_flat_plan(const struct lower_win *w, int ns, const int64_t *out, int64_t red,
			   struct conv_in *q)
{
	int hi = ns - 2, wi = ns - 1;
	int64_t pitch = out[wi] + conv_span(w, wi);
	int64_t pf = (out[hi] * pitch + CONV_VEC - 1) / CONV_VEC * CONV_VEC;

	if (pf > out[hi] * q->wr || (4 * pf > 5 * out[hi] * out[wi] && red < CONV_LONG_RED))
		return;
	q->flat = 1;
	q->pf = pf;
	q->pitch = q->e[wi] = pitch;
	q->len = pf + conv_span(w, hi) * pitch + conv_span(w, wi);
}

/* Whether the Conv copies X (spatial dims "in", output spatial dims "out", "red" input
 * channels per group), and how: when strided, padded or widened, and computed in whole
 * vectors (narrower Convs keep the constraints: nothing to vectorize). */
static int conv_in_plan(const struct lower_win *w, int ns, const int64_t *in,
			const int64_t *out, int64_t red, struct conv_in *q)
{
	int strided = 0, padded = 0;

	q->nph = q->flat = 0;
	q->pitch = q->len = q->pf = 0;
	for (int i = 0; i < ns; i++)
		red *= w->k[i];
	q->wr = conv_round_w(out[ns - 1], red);
	for (int i = 0; i < ns; i++) {
		int64_t s = w->s[i], k = w->k[i], o = i == ns - 1 ? q->wr : out[i];

		q->ph[i] = s == 1 || k == 1 ? 1 : w->d[i] == 1 && k < s ? k : s;
		q->e[i] = o + conv_span(w, i);
		q->nph += q->ph[i] > 1;
		strided |= s > 1;
		padded |= w->pb[i] > 0 || w->pe[i] > 0 || (out[i] - 1) * s + (k - 1) * w->d[i] >= in[i];
	}
	if (2 + q->nph + ns > LK_MAXR)
		return 0;
	if (ns >= 2)
		conv_flat_plan(w, ns, out, red, q);
	return (strided || padded || q->wr != out[ns - 1] || q->flat) &&
	       (q->flat || q->wr >= CONV_VEC);
}

/* Xq's subscripts for the positions j (iterators from "j0"), merged when flat. */
static void conv_in_pos(struct lk *lk, const struct conv_in *q, int ns, int j0, kexpr **sub)
{
	ke_iters(lk, j0, ns, sub);
	if (q->flat)
		sub[ns - 2] = ke2(lk, TCC_KOP_ADD, ke2(lk, TCC_KOP_MUL, ke_int(lk, q->pitch),
			      ke_it(lk, j0 + ns - 2)), ke_it(lk, j0 + ns - 1));
}

/* Xq[n, c, ph.., base + row*pitch + i] = 0 for row < nrows, i < len ("nph" phase subscripts
 * "ph"; nothing when empty). */
static void conv_zero_run(struct lk *lk, struct tcc_kbuf *Q, int nph, const int64_t *ph,
			  int64_t base, int64_t nrows, int64_t pitch, int64_t len)
{
	int64_t dims[4] = { Q->dims[0], Q->dims[1], nrows, len };
	kexpr *sq[LK_MAXR], *f;

	if (nrows <= 0 || len <= 0)
		return;
	ke_iters(lk, 0, 2, sq);
	for (int i = 0; i < nph; i++)
		sq[2 + i] = ke_int(lk, ph[i]);
	f = nrows == 1 ? ke_it(lk, 3) : ke2(lk, TCC_KOP_ADD, ke2(lk, TCC_KOP_MUL,
					   ke_int(lk, pitch), ke_it(lk, 2)), ke_it(lk, 3));
	sq[2 + nph] = base ? ke2(lk, TCC_KOP_ADD, f, ke_int(lk, base)) : f;
	lk_body(lk, lk_stmt(lk, 4, dims), Q, sq, TCC_KUPD_ASSIGN, ke_lit(lk, Q->dtype, 0));
}

/* The positions j in [*lo, *hi) of spatial dim i, phase p, that the copy fills
 * (0 <= s*j + p - pb < xd). */
static void conv_copied(const struct lower_win *w, const struct conv_in *q, int i, int64_t p,
			int64_t xd, int64_t *lo, int64_t *hi)
{
	int64_t s = w->s[i], a = w->pb[i] - p;

	*lo = a <= 0 ? 0 : (a + s - 1) / s;
	*hi = xd - 1 + a < 0 ? 0 : (xd - 1 + a) / s + 1;
	*hi = *hi < q->e[i] ? *hi : q->e[i];
}

/* A flat 2-D Xq: zero only what the copy leaves in each phase plane (the rows above, the
 * gaps between the copied rows, the rows below and the tail), not the whole of Xq first
 * (MobileNetV2: a memset of every padded input, ~4% of the model). 0 when it does not
 * apply. */
static int conv_zero_gaps(struct lk *lk, struct tcc_kbuf *Q, const struct tcc_kbuf *X,
			  const struct lower_win *w, int ns, const struct conv_in *q)
{
	int64_t p = q->pitch;

	if (!q->flat || ns != 2)
		return 0;
	for (int64_t p0 = 0; p0 < q->ph[0]; p0++)
		for (int64_t p1 = 0; p1 < q->ph[1]; p1++) {
			int64_t lo[2], hi[2], ph[2], n = 0;

			if (q->ph[0] > 1)
				ph[n++] = p0;
			if (q->ph[1] > 1)
				ph[n++] = p1;
			conv_copied(w, q, 0, p0, X->dims[2], &lo[0], &hi[0]);
			conv_copied(w, q, 1, p1, X->dims[3], &lo[1], &hi[1]);
			if (hi[0] <= lo[0] || hi[1] <= lo[1]) {
				conv_zero_run(lk, Q, (int)n, ph, 0, 1, 0, q->len);
				continue;
			}
			conv_zero_run(lk, Q, (int)n, ph, 0, 1, 0, p * lo[0] + lo[1]);
			conv_zero_run(lk, Q, (int)n, ph, p * lo[0] + hi[1], hi[0] - 1 - lo[0], p,
				      p - (hi[1] - lo[1]));
			conv_zero_run(lk, Q, (int)n, ph, p * (hi[0] - 1) + hi[1], 1, 0,
				      q->len - p * (hi[0] - 1) - hi[1]);
		}
	return 1;
}

/* Xq = 0 where the copy leaves gaps, then Xq[n, c, p.., j..] = X[n, c, s*j + p - pb, ..]
 * over the positions inside X. */
static struct tcc_kbuf *conv_in_copy(struct lk *lk, struct tcc_kbuf *X,
				     const struct lower_win *w, int ns, const struct conv_in *q)
{
	int64_t dims[LK_MAXR];
	int32_t rank = 2 + q->nph + ns;
	struct tcc_kbuf *Q;
	struct tcc_kstmt *s;
	kexpr *sq[LK_MAXR], *sx[LK_MAXR];
	int gap = q->flat && q->len > q->e[ns - 2] * q->pitch;

	dims[0] = X->dims[0];
	dims[1] = X->dims[1];
	for (int i = 0, k = 2; i < ns; i++) {
		if (q->ph[i] > 1)
			dims[k++] = q->ph[i];
		dims[2 + q->nph + i] = q->e[i];
		gap |= w->pb[i] > 0 ||
		       w->s[i] * (q->e[i] - 1) + q->ph[i] - 1 - w->pb[i] >= X->dims[2 + i];
	}
	if (q->flat)
		dims[rank - 2] = q->len;
	Q = lk_temp(lk, "xq", X->dtype, rank - q->flat, dims);
	if (!Q)
		return NULL;
	ke_iters(lk, 0, rank - q->flat, sq);
	if (gap && !conv_zero_gaps(lk, Q, X, w, ns, q))
		lk_body(lk, lk_stmt(lk, rank - q->flat, dims), Q, sq, TCC_KUPD_ASSIGN,
			ke_lit(lk, X->dtype, 0));
	if (q->flat)
		dims[rank - 2] = q->e[ns - 2];
	s = lk_stmt(lk, rank, dims);
	ke_iters(lk, 0, 2 + q->nph, sq);
	conv_in_pos(lk, q, ns, 2 + q->nph, sq + 2 + q->nph);
	ke_iters(lk, 0, 2, sx);
	for (int i = 0, k = 2; i < ns; i++) {
		int j = 2 + q->nph + i;
		kexpr *x = w->s[i] == 1 ? ke_it(lk, j) :
			   ke2(lk, TCC_KOP_MUL, ke_int(lk, w->s[i]), ke_it(lk, j));
		int64_t max = w->s[i] * (q->e[i] - 1) + q->ph[i] - 1 - w->pb[i];

		if (q->ph[i] > 1)
			x = ke2(lk, TCC_KOP_ADD, x, ke_it(lk, k++));
		if (w->pb[i] > 0) {
			x = ke2(lk, TCC_KOP_SUB, x, ke_int(lk, w->pb[i]));
			lk_cons(lk, s, TCC_KOP_GE, x, ke_int(lk, 0));
		}
		if (max >= X->dims[2 + i])
			lk_cons(lk, s, TCC_KOP_LT, x, ke_int(lk, X->dims[2 + i]));
		sx[2 + i] = x;
	}
	lk_body(lk, s, Q, sq, TCC_KUPD_ASSIGN, ke_load(lk, X, sx));
	return Q;
}

/* d*r, or r when d is 1. */
static kexpr *conv_tap(struct lk *lk, const struct lower_win *w, int i, int r)
{
	if (w->d[i] == 1)
		return ke_it(lk, r);
	return ke2(lk, TCC_KOP_MUL, ke_int(lk, w->d[i]), ke_it(lk, r));
}

/* "o" plus the offset (d*r) / s of tap r along spatial dim i, times "scale" (o NULL: 0). */
static kexpr *conv_tap_pos(struct lk *lk, const struct lower_win *w, int i, int r, kexpr *o,
			   int64_t scale)
{
	kexpr *t;

	if (w->k[i] == 1)
		return o ? o : ke_int(lk, 0);
	t = w->s[i] == 1 ? conv_tap(lk, w, i, r) :
	    ke2(lk, TCC_KOP_DIV, conv_tap(lk, w, i, r), ke_int(lk, w->s[i]));
	if (scale != 1)
		t = ke2(lk, TCC_KOP_MUL, ke_int(lk, scale), t);
	return o ? ke2(lk, TCC_KOP_ADD, o, t) : t;
}

/* The conv statement's subscripts of Xq from sx[2] on (tap iterators rit, output position
 * iterators from 2): phases (d*r) % s, then positions o + (d*r) / s, merged when flat. */
static void conv_in_subs(struct lk *lk, const struct lower_win *w, const struct conv_in *q,
			 int ns, const int *rit, kexpr **sx)
{
	int np = ns - q->flat;

	for (int i = 0, k = 0; i < ns; i++)
		if (q->ph[i] > 1)
			sx[k++] = ke2(lk, TCC_KOP_REM, conv_tap(lk, w, i, rit[i]),
				      ke_int(lk, w->s[i]));
	for (int i = 0; i < np - q->flat; i++)
		sx[q->nph + i] = conv_tap_pos(lk, w, i, rit[i], ke_it(lk, 2 + i), 1);
	if (q->flat)
		sx[q->nph + np - 1] = conv_tap_pos(lk, w, ns - 1, rit[ns - 1],
			conv_tap_pos(lk, w, ns - 2, rit[ns - 2], ke_it(lk, 2 + np - 1), q->pitch), 1);
}

/* The accumulator of a Conv computed wider or flat: a temp Yw, cropped into Y at the end. */
static struct tcc_kbuf *conv_wide_out(struct lk *lk, struct tcc_kbuf *Y, const struct conv_in *q)
{
	int64_t dims[LK_MAXR];

	memcpy(dims, Y->dims, (size_t)Y->rank * sizeof(*dims));
	dims[Y->rank - 1 - q->flat] = q->flat ? q->pf : q->wr;
	return lk_temp(lk, "yw", Y->dtype, Y->rank - q->flat, dims);
}

/* Y = Yw over Y's extent (Yw[.., h*pitch + w] when flat). */
static void conv_crop(struct lk *lk, struct tcc_kbuf *Y, struct tcc_kbuf *A,
		      const struct conv_in *q)
{
	struct tcc_kstmt *s = lk_stmt(lk, Y->rank, Y->dims);
	kexpr *sy[LK_MAXR], *sa[LK_MAXR];

	ke_iters(lk, 0, Y->rank, sy);
	ke_iters(lk, 0, Y->rank, sa);
	if (q->flat)
		sa[Y->rank - 2] = ke2(lk, TCC_KOP_ADD, ke2(lk, TCC_KOP_MUL, ke_int(lk, q->pitch),
				      ke_it(lk, Y->rank - 2)), ke_it(lk, Y->rank - 1));
	lk_body(lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_load(lk, A, sa));
}

/* ---- small planes: output channels in the vector lanes ----
 *
 * A plane of P = OH*OW <= CONV_CL_MAX_PIX outputs fills few whole vectors (7x7: 49 of 64
 * lanes, 14x14 3x3: 196 of 224), so such a Conv (2-D, one group, constant f32 weights, M a
 * multiple of CONV_VEC) is computed with the lanes along the output channels instead, as a
 * GEMM of P' rows (pixels, P rounded up to CONV_CL_MR: no short row tile) by M columns:
 *
 *   Yc[n, jb, p, jj] = B[nr*jb + jj]
 *   Yc[n, jb, p, jj] += X'[n, c, s*(q/OW) + d*r0, s*(q%OW) + d*r1] * Wc[jb, c, r0, r1, jj]
 *   Y[n, nr*jb + jj, h, w] = Yc[n, jb, OW*h + w, jj]            (q = p % P: rows >= P are
 *                                                                 junk, never read back)
 *
 * The broadcast operand X' (X, or a zero-padded copy when the Conv pads) may be addressed
 * any way; Wc is W transposed into panels of nr = 64 (32, 16) channels at compile time, and
 * Yc is kept in the same panels so the crop reads it contiguously (a [p][m] layout made the
 * transposing crop a TLB-bound gather). Measured on ResNet-50's layers (1 thread, AVX-512)
 * it wins where M <= C (the crop, M*P, is small beside the reduction and the weight panels
 * are not wider than the input) and, for windows, on 14x14 planes; on 7x7 3x3 the pixel
 * lanes keep their 9x tap reuse of Xq in L1 and win. */
#define CONV_CL_MAX_PIX 256
#define CONV_CL_MR 6
#define CONV_CL_MIN_PIX_WINDOW 64

static int conv_cl_ok(const struct tcc_node *n, int ns, int64_t group, const int64_t *dw,
		      const int64_t *dy)
{
	const struct tcc_value *wv = n->inputs[1];
	const struct tcc_tensor_data *t = lower_const(wv);
	int64_t numel = dw[0] * dw[1] * dw[2] * (ns == 2 ? dw[3] : 0);

	if (ns != 2 || group != 1 || !t || wv->is_input || t->dtype != TCC_DT_FLOAT ||
	    !t->data || t->numel != numel || t->nbytes < (size_t)numel * sizeof(float) ||
	    n->inputs[0]->type.elem != TCC_DT_FLOAT)
		return 0;
	return dy[1] % CONV_VEC == 0 && dy[2] * dy[3] <= CONV_CL_MAX_PIX &&
	       dw[1] * dw[2] * dw[3] >= CONV_LONG_RED && dy[1] <= dw[1] &&
	       (dw[2] * dw[3] == 1 || dy[2] * dy[3] > CONV_CL_MIN_PIX_WINDOW);
}

/* Wc[jb, c, r0, r1, jj] = W[nr*jb + jj, c, r0, r1]: a new constant buffer, W transposed
 * and cut into panels of "nr" output channels once, at compile time, so the micro-kernel
 * reads nr contiguous floats per reduction step (as pack.c's B panels; the original
 * constant is left to no kernel, and so out of the weights). */
static struct tcc_kbuf *conv_cl_weights(struct lk *lk, const struct tcc_node *n,
					const int64_t *dw, int64_t nr)
{
	struct tcc_arena *a = lk->L->ctx->arena;
	const struct tcc_value *wv = n->inputs[1];
	const float *src = lower_const(wv)->data;
	int64_t m = dw[0], k = dw[1] * dw[2] * dw[3];
	struct tcc_value *v = tcc_arena_calloc(a, 1, sizeof(*v));
	struct tcc_tensor_data *t = tcc_arena_calloc(a, 1, sizeof(*t));
	struct tcc_dim *vd = tcc_arena_calloc(a, 5, sizeof(*vd));
	int64_t *td = tcc_arena_calloc(a, 5, sizeof(*td));
	float *dst = tcc_arena_alloc(a, (size_t)(m * k) * sizeof(float));

	if (!v || !t || !vd || !td || !dst || !(v->name = tcc_arena_printf(a, "%s_cl", wv->name))) {
		lk->err = 1;
		tcc_ctx_oom(lk->L->ctx, tcc_node_loc(n));
		return NULL;
	}
	for (int i = 0; i < 5; i++)
		vd[i].value = td[i] = i == 0 ? m / nr : i == 4 ? nr : dw[i];
	for (int64_t i = 0; i < m; i++)
		for (int64_t j = 0; j < k; j++)
			dst[(i / nr * k + j) * nr + i % nr] = src[i * k + j];
	t->name = v->name;
	t->dtype = TCC_DT_FLOAT;
	t->rank = 5;
	t->dims = td;
	t->numel = m * k;
	t->nbytes = (size_t)(m * k) * sizeof(float);
	t->data = dst;
	v->type.kind = TCC_TYPE_TENSOR;
	v->type.elem = TCC_DT_FLOAT;
	v->type.rank = 5;
	v->type.dims = vd;
	v->graph = wv->graph;
	v->init = t;
	if (lower_new_const(lk->L, v, t) < 0) {
		lk->err = 1;
		return NULL;
	}
	return lk_in(lk, v);
}

/* X, or (the Conv pads) Xp[n, c, y, x] = X[n, c, y - pb0, x - pb1], zero outside X, over
 * the "ext" rows and columns the windows reach. */
static struct tcc_kbuf *conv_cl_input(struct lk *lk, struct tcc_kbuf *X,
				      const struct lower_win *w, const int64_t *ext)
{
	int64_t dims[4] = { X->dims[0], X->dims[1], ext[0], ext[1] };
	struct tcc_kbuf *P;
	struct tcc_kstmt *s;
	kexpr *sp[4], *sx[4];

	if (!w->pb[0] && !w->pb[1] && ext[0] <= X->dims[2] && ext[1] <= X->dims[3])
		return X;
	if (!(P = lk_temp(lk, "xp", X->dtype, 4, dims)))
		return NULL;
	ke_iters(lk, 0, 4, sp);
	lk_body(lk, lk_stmt(lk, 4, dims), P, sp, TCC_KUPD_ASSIGN, ke_lit(lk, X->dtype, 0));
	s = lk_stmt(lk, 4, dims);
	ke_iters(lk, 0, 4, sp);
	ke_iters(lk, 0, 2, sx);
	for (int i = 0; i < 2; i++) {
		sx[2 + i] = ke2(lk, TCC_KOP_SUB, ke_it(lk, 2 + i), ke_int(lk, w->pb[i]));
		if (w->pb[i])
			lk_cons(lk, s, TCC_KOP_GE, sx[2 + i], ke_int(lk, 0));
		if (ext[i] - w->pb[i] > X->dims[2 + i])
			lk_cons(lk, s, TCC_KOP_LT, sx[2 + i], ke_int(lk, X->dims[2 + i]));
	}
	lk_body(lk, s, P, sp, TCC_KUPD_ASSIGN, ke_load(lk, X, sx));
	return P;
}

static tcc_stat lower_conv_cl(struct lk *lk, struct tcc_node *n, const struct lower_win *w,
			      const int64_t *dw, const int64_t *dy)
{
	int64_t ow = dy[3], np = dy[2] * dy[3], ext[2];
	int64_t nr = dy[1] % (4 * CONV_VEC) ? dy[1] % (2 * CONV_VEC) ? CONV_VEC : 2 * CONV_VEC :
		     4 * CONV_VEC;
	int64_t dims[4] = { dy[0], dy[1] / nr, (np + CONV_CL_MR - 1) / CONV_CL_MR * CONV_CL_MR,
			    nr };
	struct tcc_kbuf *X = lk_in(lk, n->inputs[0]), *Wc = conv_cl_weights(lk, n, dw, nr);
	struct tcc_kbuf *Y = lk_out(lk, n->outputs[0]), *A;
	struct tcc_kstmt *s;
	kexpr *sx[4], *sw[5], *sa[4], *pos[2], *pix;
	int c, jj, rit[2];

	for (int i = 0; i < 2; i++)
		ext[i] = (dy[2 + i] - 1) * w->s[i] + (dw[2 + i] - 1) * w->d[i] + 1;
	if (X && Wc && Y)
		X = conv_cl_input(lk, X, w, ext);
	A = X && Wc && Y ? lk_temp(lk, "yc", Y->dtype, 4, dims) : NULL;
	if (!A)
		return lk_end(lk);
	ke_iters(lk, 0, 4, sa);
	sw[0] = ke2(lk, TCC_KOP_ADD, ke2(lk, TCC_KOP_MUL, ke_int(lk, nr), ke_it(lk, 1)),
		    ke_it(lk, 3));
	lk_body(lk, lk_stmt(lk, 4, dims), A, sa, TCC_KUPD_ASSIGN, tcc_node_input(n, 2) ?
		ke_load(lk, lk_in(lk, n->inputs[2]), sw) : ke_lit(lk, Y->dtype, 0));
	s = lk_stmt(lk, 4, dims);
	c = lk_iter(lk, s, "c", dw[1]);
	rit[0] = lk_iter(lk, s, "r0", dw[2]);
	rit[1] = lk_iter(lk, s, "r1", dw[3]);
	pix = dims[2] > np ? ke2(lk, TCC_KOP_REM, ke_it(lk, 2), ke_int(lk, np)) : ke_it(lk, 2);
	pos[0] = ke2(lk, TCC_KOP_DIV, pix, ke_int(lk, ow));
	pos[1] = ke2(lk, TCC_KOP_REM, pix, ke_int(lk, ow));
	sx[0] = ke_it(lk, 0);
	sx[1] = ke_it(lk, c);
	for (int i = 0; i < 2; i++) {
		kexpr *o = w->s[i] == 1 ? pos[i] : ke2(lk, TCC_KOP_MUL, ke_int(lk, w->s[i]), pos[i]);

		sx[2 + i] = ke2(lk, TCC_KOP_ADD, o, conv_tap(lk, w, i, rit[i]));
	}
	sw[0] = ke_it(lk, 1);
	sw[1] = ke_it(lk, c);
	sw[2] = ke_it(lk, rit[0]);
	sw[3] = ke_it(lk, rit[1]);
	sw[4] = ke_it(lk, 3);
	ke_iters(lk, 0, 4, sa);
	lk_body(lk, s, A, sa, TCC_KUPD_ADD,
		ke2(lk, TCC_KOP_MUL, ke_load(lk, X, sx), ke_load(lk, Wc, sw)));
	/* Y[n, nr*jb + jj, h, w] = Yc[n, jb, OW*h + w, jj] over (n, jb, h, w, jj): Yc is read
	 * contiguously, Y in nr lines that stay in L1 from one pixel to the next */
	dims[2] = dy[2];
	dims[3] = dy[3];
	s = lk_stmt(lk, 4, dims);
	jj = lk_iter(lk, s, "jj", nr);
	sx[0] = ke_it(lk, 0);
	sx[1] = ke2(lk, TCC_KOP_ADD, ke2(lk, TCC_KOP_MUL, ke_int(lk, nr), ke_it(lk, 1)),
		    ke_it(lk, jj));
	sx[2] = ke_it(lk, 2);
	sx[3] = ke_it(lk, 3);
	sa[0] = ke_it(lk, 0);
	sa[1] = ke_it(lk, 1);
	sa[2] = ke2(lk, TCC_KOP_ADD, ke2(lk, TCC_KOP_MUL, ke_int(lk, ow), ke_it(lk, 2)),
		    ke_it(lk, 3));
	sa[3] = ke_it(lk, jj);
	lk_body(lk, s, Y, sx, TCC_KUPD_ASSIGN, ke_load(lk, A, sa));
	return lk_end(lk);
}

/* Y = bias; Y[n, m, o..] += X'[n, chan, ..] * W[m, c, r..] with X' the copied input Xq (no
 * constraints; Y then maybe computed wider or flat, in Yw) or X itself (padding as
 * constraints). */
static tcc_stat lower_conv(struct lower *L, struct tcc_node *n)
{
	int64_t group = tcc_node_attr_int(n, "group", 1);
	int32_t r, rw;
	const int64_t *dx, *dw, *dy;
	struct tcc_kbuf *X, *W, *Y, *A;
	struct tcc_kstmt *s;
	struct lower_win w;
	struct conv_in q;
	kexpr *sx[LK_MAXR], *sw[LK_MAXR], *sy[LK_MAXR];
	int c, rit[LK_MAXR], ns, copy;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lower_shape(n->inputs[1], &rw, &dw) < 0 ||
	    lower_shape(n->outputs[0], &r, &dy) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	ns = r - 2;
	lower_window(n, ns, dx + 2, dy + 2, dw + 2, &w);
	if (conv_cl_ok(n, ns, group, dw, dy))
		return lower_conv_cl(&lk, n, &w, dw, dy);
	X = lk_in(&lk, n->inputs[0]);
	W = lk_in(&lk, n->inputs[1]);
	A = Y = lk_out(&lk, n->outputs[0]);
	copy = conv_in_plan(&w, ns, dx + 2, dy + 2, dw[1], &q);
	if (copy && X && Y) {
		X = conv_in_copy(&lk, X, &w, ns, &q);
		A = q.flat || q.wr != dy[r - 1] ? conv_wide_out(&lk, Y, &q) : Y;
	}
	if (!A || !X)
		return lk_end(&lk);
	init_bias(&lk, n, A);
	s = lk_stmt(&lk, A->rank, A->dims);
	c = dw[1] > 1 ? lk_iter(&lk, s, "c", dw[1]) : -1;
	for (int i = 0; i < ns; i++) {
		char nm[8] = { 'r', (char)('0' + i % 10), 0 };

		rit[i] = lk_iter(&lk, s, nm, dw[2 + i]);
	}
	sx[0] = ke_it(&lk, 0);
	sx[1] = group_chan(&lk, 1, dy[1] / group, dw[1], c, group);
	sw[0] = ke_it(&lk, 1);
	sw[1] = c < 0 ? ke_int(&lk, 0) : ke_it(&lk, c);
	for (int i = 0; i < ns; i++) {
		if (!copy)
			sx[2 + i] = lower_window_pos(&lk, s, &w, i, 2 + i, rit[i], dy[2 + i], 0,
						     dx[2 + i]);
		sw[2 + i] = ke_it(&lk, rit[i]);
	}
	if (copy)
		conv_in_subs(&lk, &w, &q, ns, rit, sx + 2);
	ke_iters(&lk, 0, A->rank, sy);
	lk_body(&lk, s, A, sy, TCC_KUPD_ADD,
		ke2(&lk, TCC_KOP_MUL, ke_load(&lk, X, sx), ke_load(&lk, W, sw)));
	if (A != Y)
		conv_crop(&lk, Y, A, &q);
	return lk_end(&lk);
}

/* What Conv and ConvTranspose both need: X of rank "r" in 3..10, W, float data. */
static const char *check_conv_inputs(const struct tcc_node *n, int32_t r)
{
	if (n->ninputs < 2 || !n->inputs[0] || !n->inputs[1] || r < 3 || r > 10)
		return "needs X of rank 3 to 10 and W";
	if (!tcc_dtype_is_float(n->inputs[0]->type.elem))
		return "needs float inputs";
	return NULL;
}

static const char *check_conv(struct lower *L, const struct tcc_node *n)
{
	int32_t r = n->inputs[0] ? n->inputs[0]->type.rank : 0;
	int64_t group = tcc_node_attr_int(n, "group", 1), cnt;
	const int64_t *ks = tcc_node_attr_ints(n, "kernel_shape", &cnt);
	const struct tcc_type *tw;
	const char *why;

	(void)L;
	if ((why = check_conv_inputs(n, r)))
		return why;
	tw = &n->inputs[1]->type;
	if (tw->rank != r || group < 1 || n->outputs[0]->type.dims[1].value % group ||
	    n->inputs[0]->type.dims[1].value % group)
		return "W shape or group does not match";
	for (int i = 0; ks && i < cnt && i + 2 < r; i++)
		if (ks[i] != tw->dims[2 + i].value)
			return "kernel_shape differs from W";
	if (tcc_node_input(n, 2) && n->inputs[2]->type.rank != 1)
		return "B must be 1-D";
	return lower_window_check(n, r - 2);
}

/* ConvTranspose: scatter form, Y[n, m, i*s + r*d - pad] += X[n, c', i] * W[c', m % mg, r]
 * with c' = (m / mg) * cg + c. */
static tcc_stat lower_convt(struct lower *L, struct tcc_node *n)
{
	int64_t group = tcc_node_attr_int(n, "group", 1), cnt;
	int32_t r, rw;
	const int64_t *dx, *dw, *dy, *os, *op;
	struct tcc_kbuf *X, *W, *Y;
	struct tcc_kstmt *s;
	struct lower_win w;
	kexpr *sx[LK_MAXR], *sw[LK_MAXR], *sy[LK_MAXR];
	int c, m, rit[LK_MAXR], ns;
	int64_t mg, cg;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lower_shape(n->inputs[1], &rw, &dw) < 0 ||
	    lower_shape(n->outputs[0], &r, &dy) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	ns = r - 2;
	mg = dw[1];
	cg = dx[1] / group;
	lower_window(n, ns, dy + 2, dx + 2, dw + 2, &w);
	os = tcc_node_attr_ints(n, "output_shape", &cnt);
	op = tcc_node_attr_ints(n, "output_padding", &cnt);
	op = cnt == ns ? op : NULL;
	if (os || strcmp(tcc_node_attr_string(n, "auto_pad", "NOTSET"), "NOTSET")) {
		for (int i = 0; i < ns; i++) {
			int64_t tot = w.s[i] * (dx[2 + i] - 1) + (op ? op[i] : 0) +
				      (w.k[i] - 1) * w.d[i] + 1 - dy[2 + i];
			int up = strcmp(tcc_node_attr_string(n, "auto_pad", "NOTSET"), "SAME_LOWER");

			tot = tot < 0 ? 0 : tot;
			w.pb[i] = up ? tot / 2 : tot - tot / 2;
		}
	}
	X = lk_in(&lk, n->inputs[0]);
	W = lk_in(&lk, n->inputs[1]);
	Y = lk_out(&lk, n->outputs[0]);
	if (!Y)
		return lk_end(&lk);
	init_bias(&lk, n, Y);
	s = lk_stmt(&lk, 2, dy);
	m = 1;
	for (int i = 0; i < ns; i++) {
		char nm[8] = { 'x', (char)('0' + i % 10), 0 };

		lk_iter(&lk, s, nm, dx[2 + i]);
	}
	c = lk_iter(&lk, s, "c", cg);
	for (int i = 0; i < ns; i++) {
		char nm[8] = { 'r', (char)('0' + i % 10), 0 };

		rit[i] = lk_iter(&lk, s, nm, dw[2 + i]);
	}
	sy[0] = sx[0] = ke_it(&lk, 0);
	sy[1] = ke_it(&lk, m);
	sx[1] = sw[0] = group_chan(&lk, m, mg, cg, c, group);
	sw[1] = group == 1 ? ke_it(&lk, m) : ke2(&lk, TCC_KOP_REM, ke_it(&lk, m), ke_int(&lk, mg));
	for (int i = 0; i < ns; i++) {
		sx[2 + i] = ke_it(&lk, 2 + i);
		sy[2 + i] = lower_window_pos(&lk, s, &w, i, 2 + i, rit[i], dx[2 + i], 0, dy[2 + i]);
		sw[2 + i] = ke_it(&lk, rit[i]);
	}
	lk_body(&lk, s, Y, sy, TCC_KUPD_ADD,
		ke2(&lk, TCC_KOP_MUL, ke_load(&lk, X, sx), ke_load(&lk, W, sw)));
	return lk_end(&lk);
}

static const char *check_convt(struct lower *L, const struct tcc_node *n)
{
	int32_t r = n->inputs[0] ? n->inputs[0]->type.rank : 0;
	int64_t group = tcc_node_attr_int(n, "group", 1);
	const struct tcc_type *tw;
	const char *why;

	(void)L;
	if ((why = check_conv_inputs(n, r)))
		return why;
	tw = &n->inputs[1]->type;
	if (tw->rank != r || group < 1 || n->inputs[0]->type.dims[1].value % group ||
	    tw->dims[1].value * group != n->outputs[0]->type.dims[1].value)
		return "W shape or group does not match";
	if (tcc_node_input(n, 2) && n->inputs[2]->type.rank != 1)
		return "B must be 1-D";
	return lower_window_check(n, r - 2);
}

const struct lower_op lower_ops_conv[] = {
	{ "Conv", lower_conv, check_conv },
	{ "ConvTranspose", lower_convt, check_convt },
	{ NULL, NULL, NULL },
};
