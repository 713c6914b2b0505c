/* Resize / Upsample with constant or run-time scales or sizes.
 *
 * Nearest and N-linear map each output index of a resized axis to a source coordinate, an
 * affine function of the iterator computed in double, as the ONNX reference does; nearest
 * rounds it and clamps into [0, in-1] (a data-dependent subscript); linear sums the 2^k
 * neighbours, each subscript clamped, weighted by the products of the fractions.
 *
 * Cubic, antialias, exclude_outside and tf_crop_and_resize go through per-axis tap tables
 * that the kernel fills first (they depend on the output index only, and the scales or the
 * roi may be read at run time): see "tap tables" below. */
#include <math.h>
#include <string.h>

#include "passes/lower/lower_private.h"

#include "passes/lower/lower_private.h"

enum { CT_HALF, CT_ASYM, CT_ALIGN, CT_PYTORCH, CT_TFNEAREST, CT_SYMM, CT_CROP };
enum { NM_RPF, NM_RPC, NM_FLOOR, NM_CEIL };

#define RSZ_MAXLIN 5
#define RSZ_MAXTAP 1024

/* One Resize: "lin", "cubic" (else nearest), coordinate mode "ct", nearest mode "nm", shapes
 * and the scale of each axis; "on" marks the axes that are not the identity. "tab": lowered
 * through tap tables, with antialias "aa", exclude_outside "excl", cubic_coeff_a "a" and the
 * extrapolation value "ev". */
struct rsz {
	int lin, cubic, ct, nm, v10;
	int tab, aa, excl;
	double a, ev;
	int32_t rank;
	const int64_t *in, *out;
	double scale[LK_MAXR];
	int on[LK_MAXR];
	/* tf_crop_and_resize: the roi of each axis, constant ("roi0", "roi1") or read from the
	 * value "roi" (2 * "rna" long) at positions "rj" (-1: an axis not listed, [0, 1]) */
	struct tcc_value *roi;
	int rna;
	int rj[LK_MAXR];
	double roi0[LK_MAXR], roi1[LK_MAXR];
	/* scales or sizes only known at run time: "rt" (that value), "rt_sizes", the
	 * keep_aspect_ratio_policy "pol" (0 stretch, 1 not_larger, 2 not_smaller), the axes
	 * "ax" (na of them) and each axis' position "jof" in them (-1 when not listed) */
	struct tcc_value *rt;
	int rt_sizes, pol, na, exact;
	int ax[LK_MAXR], jof[LK_MAXR];
};

static int str_pick(const char *s, const char *const *tab, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, tab[i]))
			return i;
	return -1;
}

static const char *rsz_modes(const struct tcc_node *n, struct rsz *p)
{
	static const char *const cts[] = { "half_pixel", "asymmetric", "align_corners",
					   "pytorch_half_pixel", "tf_half_pixel_for_nearest",
					   "half_pixel_symmetric", "tf_crop_and_resize" };
	static const char *const nms[] = { "round_prefer_floor", "round_prefer_ceil", "floor",
					   "ceil" };
	const char *mode = tcc_node_attr_string(n, "mode", "nearest");

	if (!strcmp(mode, "linear") || !strcmp(mode, "bilinear"))
		p->lin = 1;
	else if (!strcmp(mode, "cubic") && !p->v10)
		p->cubic = 1;
	else if (strcmp(mode, "nearest"))
		return "Resize mode other than nearest, linear or cubic";
	if (p->v10) {
		p->ct = CT_ASYM;
		p->nm = NM_FLOOR;
		return NULL;
	}
	p->ct = str_pick(tcc_node_attr_string(n, "coordinate_transformation_mode", "half_pixel"),
			 cts, 7);
	if (p->ct < 0)
		return "Resize with an unknown coordinate_transformation_mode";
	p->nm = str_pick(tcc_node_attr_string(n, "nearest_mode", "round_prefer_floor"), nms, 4);
	if (p->nm < 0)
		return "Resize with an unknown nearest_mode";
	/* antialias applies to linear and cubic only (the spec); nearest ignores it */
	p->aa = (p->lin || p->cubic) && tcc_node_attr_int(n, "antialias", 0);
	p->excl = tcc_node_attr_int(n, "exclude_outside", 0) != 0;
	p->a = tcc_node_attr_float(n, "cubic_coeff_a", -0.75f);
	p->ev = tcc_node_attr_float(n, "extrapolation_value", 0.0f);
	p->tab = p->cubic || p->aa || p->excl || p->ct == CT_CROP;
	return NULL;
}

/* tf_crop_and_resize: the roi (input 1: the starts, then the ends, over the axes ax[0..na)),
 * constant or read by the kernel; every axis has [0, 1] otherwise. */
static const char *rsz_roi(const struct tcc_node *n, struct rsz *p, const int *ax, int na)
{
	struct tcc_value *v = tcc_node_input(n, 1);
	const struct tcc_tensor_data *t = lower_const(v);
	int32_t r;
	const int64_t *dims;

	for (int d = 0; d < p->rank; d++) {
		p->rj[d] = -1;
		p->roi0[d] = 0;
		p->roi1[d] = 1;
	}
	if (p->ct != CT_CROP)
		return NULL;
	if (!v || lower_shape(v, &r, &dims) < 0 || r != 1 || dims[0] != 2 * na ||
	    !tcc_dtype_is_float(lower_dtype(v)))
		return "tf_crop_and_resize Resize with a roi of the wrong shape or type";
	p->rna = na;
	for (int j = 0; j < na; j++) {
		if (t) {
			p->roi0[ax[j]] = tcc_tensor_get_f64(t, j);
			p->roi1[ax[j]] = tcc_tensor_get_f64(t, na + j);
		} else {
			p->rj[ax[j]] = j;
		}
	}
	p->roi = t ? NULL : v;
	return NULL;
}

/* Scales from constant sizes (with keep_aspect_ratio_policy) over the axes ax[0..na). */
static const char *rsz_sizes(const struct tcc_node *n, struct rsz *p, const struct tcc_tensor_data *t,
			     const int *ax, int na)
{
	const char *pol = tcc_node_attr_string(n, "keep_aspect_ratio_policy", "stretch");
	int k = !strcmp(pol, "stretch") ? 0 : !strcmp(pol, "not_larger") ? 1 :
		!strcmp(pol, "not_smaller") ? 2 : -1;
	double s = 0;

	if (k < 0)
		return "Resize with an unknown keep_aspect_ratio_policy";
	p->pol = k;
	p->exact = !k;
	if (!t)
		return NULL;
	if (t->numel != na || !tcc_dtype_is_int(t->dtype))
		return "Resize sizes of the wrong length or type";
	for (int j = 0; j < na; j++) {
		double r = (double)tcc_tensor_get_i64(t, j) / (double)p->in[ax[j]];

		if (!p->in[ax[j]])
			return "Resize of an empty axis";
		p->scale[ax[j]] = r;
		if (j == 0 || (k == 1 && r < s) || (k == 2 && r > s))
			s = r;
	}
	for (int j = 0; k && j < na; j++)
		p->scale[ax[j]] = s;
	return NULL;
}

/* Scales or sizes given by a graph input: read by the kernel (scales) or taken from the
 * static output shape (sizes with the stretch policy). */
static const char *rsz_runtime(const struct tcc_node *n, struct rsz *p, struct tcc_value *v,
			       int sizes, const int *ax, int na)
{
	int32_t r;
	const int64_t *dims;
	const char *why;

	if (lower_shape(v, &r, &dims) < 0 || r != 1 || dims[0] != na)
		return "Resize scales or sizes of the wrong shape";
	if (sizes ? !tcc_dtype_is_int(lower_dtype(v)) : !tcc_dtype_is_float(lower_dtype(v)))
		return "Resize scales or sizes of the wrong type";
	if (sizes && (why = rsz_sizes(n, p, NULL, ax, na)))
		return why;
	p->rt = v;
	p->rt_sizes = sizes;
	p->na = na;
	for (int j = 0; j < na; j++) {
		p->ax[j] = ax[j];
		p->jof[ax[j]] = j;
	}
	for (int d = 0; d < p->rank; d++)
		if (p->jof[d] >= 0 && sizes && !p->pol)
			p->scale[d] = (double)p->out[d] / (double)p->in[d];
	return NULL;
}

static const char *rsz_scales(struct lower *L, const struct tcc_node *n, struct rsz *p)
{
	struct tcc_value *vs = tcc_node_input(n, p->v10 ? 1 : 2);
	struct tcc_value *vz = p->v10 ? NULL : tcc_node_input(n, 3);
	const struct tcc_tensor_data *ts = lower_const(vs), *tz = lower_const(vz);
	int64_t na = -1, fa = -1;
	const int64_t *axes = tcc_node_attr_ints(n, "axes", &na);
	const float *fs = tcc_node_attr_floats(n, "scales", &fa);
	const char *why;
	int ax[LK_MAXR];

	(void)L;
	if (na > p->rank)
		return "Resize with too many axes";
	for (int j = 0; j < (na < 0 ? p->rank : na); j++)
		if ((ax[j] = axes ? lower_axis(axes[j], p->rank) : j) < 0)
			return "Resize axes out of range";
	na = na < 0 ? p->rank : na;
	for (int d = 0; d < p->rank; d++)
		p->scale[d] = 1.0;
	if ((why = rsz_roi(n, p, ax, (int)na)))
		return why;
	if (ts && ts->numel > 0) {
		if (ts->numel != na || !tcc_dtype_is_float(ts->dtype))
			return "Resize scales of the wrong length or type";
		for (int j = 0; j < na; j++)
			p->scale[ax[j]] = tcc_tensor_get_f64(ts, j);
	} else if (tz && tz->numel > 0) {
		return rsz_sizes(n, p, tz, ax, (int)na);
	} else if (fs && fa == na) {
		for (int j = 0; j < na; j++)
			p->scale[ax[j]] = fs[j];
	} else if ((vs && !ts) || (vz && !tz)) {
		return rsz_runtime(n, p, vs && !ts ? vs : vz, !(vs && !ts), ax, (int)na);
	} else {
		return "Resize without scales or sizes";
	}
	return NULL;
}

/* 1 when the scale of axis d is known now (not read by the kernel). */
static int rsz_known(const struct rsz *p, int d)
{
	return !p->rt || p->jof[d] < 0 || (p->rt_sizes && !p->pol);
}

/* The taps per output index on axis d: 2 (nearest, linear), 4 (cubic), or, antialiasing a
 * downsampled axis, the reference's filter widened by 1/scale (2 - 2 * (floor(-k/s) + 1),
 * k the support). A scale read at run time is at least out/in (out = floor(scale * in)):
 * that bound plus a margin of 2; the taps past the filter get weight 0. */
static int64_t rsz_ntaps(const struct rsz *p, int d)
{
	int known = rsz_known(p, d);
	double s = known ? p->scale[d] : (double)p->out[d] / (double)p->in[d], f;

	if (!p->aa)
		return p->cubic ? 4 : 2;
	s = s < 1 ? s : 1;
	f = floor((p->cubic ? -2.0 : -1.0) / s) + 1;
	if (!(f > -RSZ_MAXTAP))
		return RSZ_MAXTAP + 1;
	return 2 - 2 * (int64_t)f + (known ? 0 : 2);
}

static const char *rsz_params(struct lower *L, const struct tcc_node *n, struct rsz *p)
{
	int32_t r2;
	const char *why;
	int nlin = 0;

	memset(p, 0, sizeof(*p));
	for (int d = 0; d < LK_MAXR; d++)
		p->jof[d] = -1;
	p->v10 = !strcmp(n->op_type, "Upsample") || lower_node_opset(L) < 11;
	if (n->ninputs < 1 || !n->inputs[0] || n->noutputs < 1 ||
	    lower_shape(n->inputs[0], &p->rank, &p->in) < 0 ||
	    lower_shape(n->outputs[0], &r2, &p->out) < 0 || r2 != p->rank || p->rank > LK_MAXR)
		return "Resize needs static shapes";
	if ((why = rsz_modes(n, p)) || (why = rsz_scales(L, n, p)))
		return why;
	for (int d = 0; d < p->rank; d++) {
		if (p->scale[d] <= 0)
			return "Resize with a non-positive scale";
		p->on[d] = p->scale[d] != 1.0 || p->in[d] != p->out[d] || p->ct == CT_TFNEAREST ||
			   (p->jof[d] >= 0 && (!p->rt_sizes || p->pol)) || p->rj[d] >= 0 ||
			   p->roi0[d] != 0 || p->roi1[d] != 1;
		nlin += p->on[d];
		if (p->on[d] && p->v10 && !p->lin && (p->scale[d] < 1.0 || p->out[d] < p->in[d]))
			return "Resize-10/Upsample nearest downsampling (rounding unspecified)";
	}
	if (p->lin && !p->tab && nlin > RSZ_MAXLIN)
		return "linear Resize over more than 5 axes";
	if ((p->lin || p->tab) && !tcc_dtype_is_float(lower_dtype(n->inputs[0])))
		return "linear, cubic or tap-table Resize of a non-float tensor";
	for (int d = 0; p->tab && d < p->rank; d++) {
		if (p->on[d] && rsz_ntaps(p, d) > RSZ_MAXTAP)
			return "antialias Resize with a filter wider than 1024 taps";
		if (p->on[d] && p->ct == CT_CROP && !rsz_known(p, d))
			return "tf_crop_and_resize Resize with scales read at run time";
	}
	return NULL;
}

static kexpr *dlit(struct lk *lk, double v)
{
	return ke_lit(lk, TCC_DT_DOUBLE, v);
}

/* The scale of axis d (double): a literal, or read from the run-time scales or sizes. */
static kexpr *rsz_scale(struct lk *lk, const struct rsz *p, int d)
{
	struct tcc_kbuf *b;
	kexpr *e = NULL, *t, *sub;

	if (!p->rt || p->jof[d] < 0 || (p->rt_sizes && !p->pol))
		return dlit(lk, p->scale[d]);
	b = lk_in(lk, p->rt);
	if (!p->rt_sizes) {
		sub = ke_int(lk, p->jof[d]);
		return ke_cast(lk, TCC_DT_DOUBLE, ke_load(lk, b, &sub));
	}
	for (int j = 0; j < p->na; j++) {
		sub = ke_int(lk, j);
		t = ke2(lk, TCC_KOP_DIV, ke_cast(lk, TCC_DT_DOUBLE, ke_load(lk, b, &sub)),
			dlit(lk, (double)p->in[p->ax[j]]));
		e = !e ? t : ke2(lk, p->pol == 1 ? TCC_KOP_MIN : TCC_KOP_MAX, e, t);
	}
	return e;
}

/* The resized length of axis d as the reference takes it: scale * in (unrounded), or the
 * output size when the scale came from sizes with the stretch policy. A literal when
 * known: literal-only subexpressions would be typed float, so they are folded here. */
static double rsz_klen(const struct rsz *p, int d)
{
	return p->exact ? (double)p->out[d] : p->scale[d] * (double)p->in[d];
}

static kexpr *rsz_len(struct lk *lk, const struct rsz *p, int d)
{
	return ke2(lk, TCC_KOP_MUL, rsz_scale(lk, p, d), dlit(lk, (double)p->in[d]));
}

/* align_corners: x * (in-1) / (len-1), 0 when len == 1 */
static kexpr *rsz_align(struct lk *lk, const struct rsz *p, int d, kexpr *x, kexpr *zero)
{
	double in = (double)p->in[d], len = rsz_klen(p, d);
	kexpr *h = ke2(lk, TCC_KOP_MUL, x, dlit(lk, in - 1));

	if (rsz_known(p, d))
		return len == 1 ? zero : ke2(lk, TCC_KOP_DIV, h, dlit(lk, len - 1));
	h = ke2(lk, TCC_KOP_DIV, h, ke2(lk, TCC_KOP_SUB, rsz_len(lk, p, d), dlit(lk, 1)));
	return ke_sel(lk, ke2(lk, TCC_KOP_EQ, rsz_len(lk, p, d), dlit(lk, 1)), zero, h);
}

/* half_pixel_symmetric: h + in/2 * (1 - out / (scale * in)) */
static kexpr *rsz_symm(struct lk *lk, const struct rsz *p, int d, kexpr *h)
{
	double in = (double)p->in[d], out = (double)p->out[d];
	kexpr *adj;

	if (rsz_known(p, d))
		return ke2(lk, TCC_KOP_ADD, dlit(lk, in / 2 * (1 - out / (p->scale[d] * in))), h);
	adj = ke2(lk, TCC_KOP_DIV, dlit(lk, out), rsz_len(lk, p, d));
	return ke2(lk, TCC_KOP_ADD, ke2(lk, TCC_KOP_MUL, dlit(lk, in / 2),
					ke2(lk, TCC_KOP_SUB, dlit(lk, 1), adj)), h);
}

/* The roi start (e = 0) or end (e = 1) of axis d (double), a literal or read by the kernel. */
static kexpr *rsz_roi_at(struct lk *lk, const struct rsz *p, int d, int e)
{
	kexpr *sub;

	if (p->rj[d] < 0)
		return dlit(lk, e ? p->roi1[d] : p->roi0[d]);
	sub = ke_int(lk, p->rj[d] + e * p->rna);
	return ke_cast(lk, TCC_DT_DOUBLE, ke_load(lk, lk_in(lk, p->roi), &sub));
}

/* tf_crop_and_resize: x * (end - start) * (in-1) / (len-1) + start * (in-1), or
 * (end - start) * (in-1) / 2 + start * (in-1) when len == 1 (scale known). Literal-only
 * subexpressions are folded (they would be typed float). */
static kexpr *rsz_crop(struct lk *lk, const struct rsz *p, int d, kexpr *x)
{
	double in1 = (double)p->in[d] - 1, len = rsz_klen(p, d);
	kexpr *lo, *w;

	if (p->rj[d] < 0) {
		lo = dlit(lk, p->roi0[d] * in1);
		w = dlit(lk, (p->roi1[d] - p->roi0[d]) * in1);
		if (len == 1)
			return dlit(lk, (p->roi1[d] - p->roi0[d]) * in1 / 2 + p->roi0[d] * in1);
	} else {
		lo = ke2(lk, TCC_KOP_MUL, rsz_roi_at(lk, p, d, 0), dlit(lk, in1));
		w = ke2(lk, TCC_KOP_MUL, ke2(lk, TCC_KOP_SUB, rsz_roi_at(lk, p, d, 1),
					     rsz_roi_at(lk, p, d, 0)), dlit(lk, in1));
		if (len == 1)
			return ke2(lk, TCC_KOP_ADD, ke2(lk, TCC_KOP_DIV, w, dlit(lk, 2)), lo);
	}
	return ke2(lk, TCC_KOP_ADD, ke2(lk, TCC_KOP_DIV, ke2(lk, TCC_KOP_MUL, x, w),
					dlit(lk, len - 1)), lo);
}

/* The source coordinate (double) of output index i<it> on axis d. */
static kexpr *rsz_coord(struct lk *lk, const struct rsz *p, int d, int it)
{
	kexpr *x = ke_cast(lk, TCC_DT_DOUBLE, ke_it(lk, it));
	kexpr *h, *zero = ke_cast(lk, TCC_DT_DOUBLE, dlit(lk, 0));

	if (p->ct == CT_ASYM)
		return ke2(lk, TCC_KOP_DIV, x, rsz_scale(lk, p, d));
	if (p->ct == CT_ALIGN)
		return rsz_align(lk, p, d, x, zero);
	if (p->ct == CT_CROP)
		return rsz_crop(lk, p, d, x);
	h = ke2(lk, TCC_KOP_DIV, ke2(lk, TCC_KOP_ADD, x, dlit(lk, 0.5)), rsz_scale(lk, p, d));
	if (p->ct == CT_TFNEAREST)
		return h;
	h = ke2(lk, TCC_KOP_SUB, h, dlit(lk, 0.5));
	if (p->ct == CT_PYTORCH && rsz_known(p, d))
		return rsz_klen(p, d) > 1 ? h : zero;
	if (p->ct == CT_PYTORCH)
		return ke_sel(lk, ke2(lk, TCC_KOP_GT, rsz_len(lk, p, d), dlit(lk, 1)), h, zero);
	return p->ct == CT_SYMM ? rsz_symm(lk, p, d, h) : h;
}

/* cast<int64>(e) + add, clamped into [0, hi-1]. */
static kexpr *rsz_clamp(struct lk *lk, kexpr *e, int add, int64_t hi)
{
	e = ke_cast(lk, TCC_DT_INT64, e);
	if (add)
		e = ke2(lk, TCC_KOP_ADD, e, ke_int(lk, add));
	e = ke2(lk, TCC_KOP_MIN, e, ke_int(lk, hi - 1));
	return ke2(lk, TCC_KOP_MAX, e, ke_int(lk, 0));
}

static kexpr *rsz_nearest(struct lk *lk, const struct rsz *p, int d)
{
	kexpr *x = rsz_coord(lk, p, d, d), *r;

	switch (p->nm) {
	case NM_RPC:
		r = ke1(lk, TCC_KOP_FLOOR, ke2(lk, TCC_KOP_ADD, x, dlit(lk, 0.5)));
		break;
	case NM_FLOOR:
		r = ke1(lk, TCC_KOP_FLOOR, x);
		break;
	case NM_CEIL:
		r = ke1(lk, TCC_KOP_CEIL, x);
		break;
	default:
		r = ke1(lk, TCC_KOP_CEIL, ke2(lk, TCC_KOP_SUB, x, dlit(lk, 0.5)));
		break;
	}
	return rsz_clamp(lk, r, 0, p->in[d]);
}

/* The weight of the low (hi = 0) or high neighbour on axis d: 1 - frac or frac. */
static kexpr *rsz_weight(struct lk *lk, const struct rsz *p, int d, int hi)
{
	kexpr *x = rsz_coord(lk, p, d, d);
	kexpr *f = ke2(lk, TCC_KOP_SUB, x, ke1(lk, TCC_KOP_FLOOR, rsz_coord(lk, p, d, d)));

	return hi ? f : ke2(lk, TCC_KOP_SUB, dlit(lk, 1), f);
}

/* sum over the corners c of prod_d w_d(c) * X[corner c] */
static kexpr *rsz_linear(struct lk *lk, const struct rsz *p, struct tcc_kbuf *X)
{
	kexpr *subs[LK_MAXR], *sum = NULL, *t;
	int ax[LK_MAXR], k = 0;

	for (int d = 0; d < p->rank; d++)
		if (p->on[d])
			ax[k++] = d;
	for (int c = 0; c < (1 << k); c++) {
		ke_iters(lk, 0, p->rank, subs);
		t = NULL;
		for (int j = 0; j < k; j++) {
			int hi = (c >> j) & 1, d = ax[j];
			kexpr *w = rsz_weight(lk, p, d, hi);

			subs[d] = rsz_clamp(lk, ke1(lk, TCC_KOP_FLOOR, rsz_coord(lk, p, d, d)), hi,
					    p->in[d]);
			t = t ? ke2(lk, TCC_KOP_MUL, t, w) : w;
		}
		t = t ? ke2(lk, TCC_KOP_MUL, t, ke_cast(lk, TCC_DT_DOUBLE, ke_load(lk, X, subs))) :
			ke_cast(lk, TCC_DT_DOUBLE, ke_load(lk, X, subs));
		sum = sum ? ke2(lk, TCC_KOP_ADD, sum, t) : t;
	}
	return sum;
}

/* ---- tap tables: cubic, antialias, exclude_outside, tf_crop_and_resize ----
 *
 * For each resized axis d with n taps the kernel first fills, per output index o and tap t:
 * P[o] the source coordinate x; S[o,t] the source index clamp(lo + t, 0, in-1), where
 * lo = ceil(x) - n/2 (held in [-n/2, in - n/2]) starts the reference's n nearest indices
 * of the edge-padded input (ties to the lower); W[o,t] the weight of tap offset
 * j = t + 1 - n/2 at the fraction r = x - ceil(x) + 1 in (0, 1]: F(s * (j - r)), F the cubic
 * (Keys, parameter a) or triangle kernel, s = min(scale, 1) when antialiasing and 1
 * otherwise; 0 for a tap outside the input under exclude_outside; divided by the sum over
 * t when antialiasing or excluding; V[o] = 0 where tf_crop_and_resize extrapolates (x
 * outside [0, in-1]). The output sums, over the taps of every resized axis, the product of
 * the weights times the input at the source indices, in double. */

/* The temporaries of one axis ("V" only for tf_crop_and_resize), "n" taps. */
struct rsz_tab {
	int64_t n;
	struct tcc_kbuf *P, *S, *W, *V;
};

static kexpr *ld1(struct lk *lk, struct tcc_kbuf *b, int it)
{
	kexpr *sub = ke_it(lk, it);

	return ke_load(lk, b, &sub);
}

static kexpr *ld2(struct lk *lk, struct tcc_kbuf *b, int i0, int i1)
{
	kexpr *sub[2] = { ke_it(lk, i0), ke_it(lk, i1) };

	return ke_load(lk, b, sub);
}

/* In a table statement (i0 = o, i1 = t): the unclamped source index lo + t (int64). */
static kexpr *rsz_tap(struct lk *lk, const struct rsz *p, int d, const struct rsz_tab *t)
{
	int64_t h = t->n / 2;
	kexpr *lo = ke_cast(lk, TCC_DT_INT64, ke1(lk, TCC_KOP_CEIL, ld1(lk, t->P, 0)));

	lo = ke2(lk, TCC_KOP_MIN, ke2(lk, TCC_KOP_SUB, lo, ke_int(lk, h)), ke_int(lk, p->in[d] - h));
	lo = ke2(lk, TCC_KOP_MAX, lo, ke_int(lk, -h));
	return ke2(lk, TCC_KOP_ADD, lo, ke_it(lk, 1));
}

/* The fraction r = x - (ceil(x) - 1) in (0, 1] of output i0. */
static kexpr *rsz_frac(struct lk *lk, const struct rsz_tab *t)
{
	kexpr *c = ke2(lk, TCC_KOP_SUB, ke1(lk, TCC_KOP_CEIL, ld1(lk, t->P, 0)), dlit(lk, 1));

	return ke2(lk, TCC_KOP_SUB, ld1(lk, t->P, 0), c);
}

static kexpr *dzero(struct lk *lk)
{
	return ke_cast(lk, TCC_DT_DOUBLE, dlit(lk, 0));
}

/* Keys' cubic of w = W[o,t] >= 0: ((a+2)w - (a+3))w w + 1 for w <= 1,
 * ((a w - 5a)w + 8a)w - 4a for w < 2, else 0. */
static kexpr *rsz_keys(struct lk *lk, const struct rsz *p, const struct rsz_tab *t)
{
	double a = p->a;
	kexpr *nr, *fr;

	nr = ke2(lk, TCC_KOP_SUB, ke2(lk, TCC_KOP_MUL, dlit(lk, a + 2), ld2(lk, t->W, 0, 1)),
		 dlit(lk, a + 3));
	nr = ke2(lk, TCC_KOP_MUL, ke2(lk, TCC_KOP_MUL, nr, ld2(lk, t->W, 0, 1)),
		 ld2(lk, t->W, 0, 1));
	nr = ke2(lk, TCC_KOP_ADD, nr, dlit(lk, 1));
	fr = ke2(lk, TCC_KOP_SUB, ke2(lk, TCC_KOP_MUL, dlit(lk, a), ld2(lk, t->W, 0, 1)),
		 dlit(lk, 5 * a));
	fr = ke2(lk, TCC_KOP_ADD, ke2(lk, TCC_KOP_MUL, fr, ld2(lk, t->W, 0, 1)), dlit(lk, 8 * a));
	fr = ke2(lk, TCC_KOP_SUB, ke2(lk, TCC_KOP_MUL, fr, ld2(lk, t->W, 0, 1)), dlit(lk, 4 * a));
	fr = ke_sel(lk, ke2(lk, TCC_KOP_LT, ld2(lk, t->W, 0, 1), dlit(lk, 2)), fr, dzero(lk));
	return ke_sel(lk, ke2(lk, TCC_KOP_LE, ld2(lk, t->W, 0, 1), dlit(lk, 1)), nr, fr);
}

/* nearest: 1 on the tap the rounding of x picks (t = 1 when r rounds up), else 0. */
static kexpr *rsz_wnearest(struct lk *lk, const struct rsz *p, const struct rsz_tab *t)
{
	/* r rounds up: round_prefer_floor r > 0.5, round_prefer_ceil r >= 0.5, floor r == 1
	 * (x integral), ceil always */
	static const double th[] = { 0.5, 0.5, 1.0, 0.0 };
	enum tcc_kop op = p->nm == NM_RPC || p->nm == NM_FLOOR ? TCC_KOP_GE : TCC_KOP_GT;
	kexpr *up = ke_cast(lk, TCC_DT_DOUBLE, ke2(lk, op, rsz_frac(lk, t), dlit(lk, th[p->nm])));
	kexpr *dn = ke_cast(lk, TCC_DT_DOUBLE, ke2(lk, op, rsz_frac(lk, t), dlit(lk, th[p->nm])));

	return ke_sel(lk, ke2(lk, TCC_KOP_EQ, ke_it(lk, 1), ke_int(lk, 1)), up,
		      ke2(lk, TCC_KOP_SUB, dlit(lk, 1), dn));
}

/* W[o,t] = |s * (j - r)|, then F of it; nearest in one step. */
static void rsz_wfill(struct lk *lk, const struct rsz *p, int d, const struct rsz_tab *t)
{
	int64_t dims[2] = { p->out[d], t->n };
	struct tcc_kstmt *st = lk_stmt(lk, 2, dims);
	kexpr *sw[2], *a, *s;

	ke_iters(lk, 0, 2, sw);
	if (!p->lin && !p->cubic) {
		lk_body(lk, st, t->W, sw, TCC_KUPD_ASSIGN, rsz_wnearest(lk, p, t));
		return;
	}
	a = ke_cast(lk, TCC_DT_DOUBLE, ke2(lk, TCC_KOP_ADD, ke_it(lk, 1), ke_int(lk, 1 - t->n / 2)));
	a = ke2(lk, TCC_KOP_SUB, a, rsz_frac(lk, t));
	if (p->aa) {
		s = rsz_known(p, d) ? dlit(lk, p->scale[d] < 1 ? p->scale[d] : 1) :
		    ke2(lk, TCC_KOP_MIN, rsz_scale(lk, p, d), dlit(lk, 1));
		a = ke2(lk, TCC_KOP_MUL, s, a);
	}
	lk_body(lk, st, t->W, sw, TCC_KUPD_ASSIGN, ke1(lk, TCC_KOP_ABS, a));
	st = lk_stmt(lk, 2, dims);
	ke_iters(lk, 0, 2, sw);
	lk_body(lk, st, t->W, sw, TCC_KUPD_ASSIGN, p->cubic ? rsz_keys(lk, p, t) :
		ke2(lk, TCC_KOP_MAX, ke2(lk, TCC_KOP_SUB, dlit(lk, 1), ld2(lk, t->W, 0, 1)),
		    dlit(lk, 0)));
}

/* exclude_outside zeroes the taps outside [0, in); then W[o,t] /= sum_t W[o,t]. */
static void rsz_wnorm(struct lk *lk, const struct rsz *p, int d, const struct rsz_tab *t)
{
	int64_t dims[2] = { p->out[d], t->n };
	struct tcc_kbuf *Z;
	struct tcc_kstmt *s;
	kexpr *sw[2], *sz, *in;
	char nm[16];

	if (p->excl) {
		s = lk_stmt(lk, 2, dims);
		ke_iters(lk, 0, 2, sw);
		in = ke2(lk, TCC_KOP_AND, ke2(lk, TCC_KOP_GE, rsz_tap(lk, p, d, t), ke_int(lk, 0)),
			 ke2(lk, TCC_KOP_LT, rsz_tap(lk, p, d, t), ke_int(lk, p->in[d])));
		lk_body(lk, s, t->W, sw, TCC_KUPD_ASSIGN, ke_sel(lk, in, ld2(lk, t->W, 0, 1),
								   dzero(lk)));
	}
	snprintf(nm, sizeof(nm), "Z%d", d);
	Z = lk_temp(lk, nm, TCC_DT_DOUBLE, 1, dims);
	s = lk_stmt(lk, 1, dims);
	ke_iters(lk, 0, 1, &sz);
	lk_body(lk, s, Z, &sz, TCC_KUPD_ASSIGN, dlit(lk, 0));
	s = lk_stmt(lk, 2, dims);
	ke_iters(lk, 0, 1, &sz);
	lk_body(lk, s, Z, &sz, TCC_KUPD_ADD, ld2(lk, t->W, 0, 1));
	s = lk_stmt(lk, 2, dims);
	ke_iters(lk, 0, 2, sw);
	lk_body(lk, s, t->W, sw, TCC_KUPD_ASSIGN,
		ke2(lk, TCC_KOP_DIV, ld2(lk, t->W, 0, 1), ld1(lk, Z, 0)));
}

/* The temporaries of axis d and the statements that fill them. */
static void rsz_fill(struct lk *lk, const struct rsz *p, int d, struct rsz_tab *t)
{
	int64_t dims[2] = { p->out[d], t->n };
	struct tcc_kstmt *s;
	kexpr *sub[2], *e, *ok;
	char nm[3][16];

	snprintf(nm[0], sizeof(nm[0]), "P%d", d);
	snprintf(nm[1], sizeof(nm[1]), "S%d", d);
	snprintf(nm[2], sizeof(nm[2]), "W%d", d);
	t->P = lk_temp(lk, nm[0], TCC_DT_DOUBLE, 1, dims);
	t->S = lk_temp(lk, nm[1], TCC_DT_INT64, 2, dims);
	t->W = lk_temp(lk, nm[2], TCC_DT_DOUBLE, 2, dims);
	s = lk_stmt(lk, 1, dims);
	ke_iters(lk, 0, 1, sub);
	lk_body(lk, s, t->P, sub, TCC_KUPD_ASSIGN, rsz_coord(lk, p, d, 0));
	s = lk_stmt(lk, 2, dims);
	ke_iters(lk, 0, 2, sub);
	e = ke2(lk, TCC_KOP_MIN, rsz_tap(lk, p, d, t), ke_int(lk, p->in[d] - 1));
	lk_body(lk, s, t->S, sub, TCC_KUPD_ASSIGN, ke2(lk, TCC_KOP_MAX, e, ke_int(lk, 0)));
	rsz_wfill(lk, p, d, t);
	if (p->aa || p->excl)
		rsz_wnorm(lk, p, d, t);
	if (p->ct != CT_CROP)
		return;
	snprintf(nm[0], sizeof(nm[0]), "V%d", d);
	t->V = lk_temp(lk, nm[0], TCC_DT_DOUBLE, 1, dims);
	s = lk_stmt(lk, 1, dims);
	ke_iters(lk, 0, 1, sub);
	ok = ke2(lk, TCC_KOP_AND, ke2(lk, TCC_KOP_GE, ld1(lk, t->P, 0), dlit(lk, 0)),
		 ke2(lk, TCC_KOP_LE, ld1(lk, t->P, 0), dlit(lk, (double)p->in[d] - 1)));
	lk_body(lk, s, t->V, sub, TCC_KUPD_ASSIGN, ke_cast(lk, TCC_DT_DOUBLE, ok));
}

/* acc[o] += prod_d W_d[o_d,t_d] * X[.., S_d[o_d,t_d], ..] over the taps t_d of the
 * resized axes. */
static void rsz_tab_sum(struct lk *lk, const struct rsz *p, const struct rsz_tab *tab,
			struct tcc_kbuf *X, struct tcc_kbuf *acc)
{
	struct tcc_kstmt *s = lk_stmt(lk, p->rank, p->out);
	kexpr *so[LK_MAXR], *sx[LK_MAXR], *w = NULL, *rhs;
	char nm[16];

	ke_iters(lk, 0, p->rank, so);
	for (int d = 0; d < p->rank; d++) {
		int it;

		if (!p->on[d]) {
			sx[d] = ke_it(lk, d);
			continue;
		}
		snprintf(nm, sizeof(nm), "t%d", d);
		if ((it = lk_iter(lk, s, nm, tab[d].n)) < 0)
			return;
		sx[d] = ld2(lk, tab[d].S, d, it);
		w = w ? ke2(lk, TCC_KOP_MUL, w, ld2(lk, tab[d].W, d, it)) : ld2(lk, tab[d].W, d, it);
	}
	rhs = ke_cast(lk, TCC_DT_DOUBLE, ke_load(lk, X, sx));
	lk_body(lk, s, acc, so, TCC_KUPD_ADD, w ? ke2(lk, TCC_KOP_MUL, w, rhs) : rhs);
}

/* Y[o] = acc[o], or the extrapolation value where an axis leaves the roi. */
static void rsz_tab_out(struct lk *lk, const struct rsz *p, const struct rsz_tab *tab,
			struct tcc_kbuf *acc, struct tcc_kbuf *Y)
{
	struct tcc_kstmt *s = lk_stmt(lk, p->rank, p->out);
	kexpr *so[LK_MAXR], *sa[LK_MAXR], *ok = NULL, *v;

	ke_iters(lk, 0, p->rank, so);
	ke_iters(lk, 0, p->rank, sa);
	for (int d = 0; d < p->rank; d++)
		if (tab[d].V)
			ok = ok ? ke2(lk, TCC_KOP_MUL, ok, ld1(lk, tab[d].V, d)) : ld1(lk, tab[d].V, d);
	v = ke_load(lk, acc, sa);
	if (ok)
		v = ke_sel(lk, ke2(lk, TCC_KOP_NE, ok, dlit(lk, 0)), v,
			   ke_cast(lk, TCC_DT_DOUBLE, dlit(lk, p->ev)));
	if (Y && Y->dtype != TCC_DT_DOUBLE)
		v = ke_cast(lk, Y->dtype, v);
	lk_body(lk, s, Y, so, TCC_KUPD_ASSIGN, v);
}

static tcc_stat rsz_lower_tab(struct lower *L, struct tcc_node *n, const struct rsz *p)
{
	struct tcc_value *vy = n->outputs[0];
	struct rsz_tab tab[LK_MAXR];
	struct tcc_kbuf *X, *Y, *acc;
	struct tcc_kstmt *s;
	kexpr *so[LK_MAXR];
	struct lk lk;
	int extra = 0;

	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, vy);
	memset(tab, 0, sizeof(tab));
	for (int d = 0; d < p->rank; d++) {
		if (!p->on[d])
			continue;
		tab[d].n = rsz_ntaps(p, d);
		rsz_fill(&lk, p, d, &tab[d]);
		extra |= tab[d].V != NULL;
	}
	acc = lower_dtype(vy) == TCC_DT_DOUBLE ? Y :
	      lk_temp(&lk, "acc", TCC_DT_DOUBLE, p->rank, p->out);
	s = lk_stmt(&lk, p->rank, p->out);
	ke_iters(&lk, 0, p->rank, so);
	lk_body(&lk, s, acc, so, TCC_KUPD_ASSIGN, dlit(&lk, 0));
	rsz_tab_sum(&lk, p, tab, X, acc);
	if (acc != Y || extra)
		rsz_tab_out(&lk, p, tab, acc, Y);
	return lk_end(&lk);
}

tcc_stat lower_resize(struct lower *L, struct tcc_node *n)
{
	struct tcc_value *vy = n->outputs[0];
	struct tcc_kbuf *X, *Y;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR], *rhs;
	const char *why;
	struct rsz p;
	struct lk lk;

	if ((why = rsz_params(L, n, &p)))
		return lower_unsupported(L, n, why);
	if (p.tab)
		return rsz_lower_tab(L, n, &p);
	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, vy);
	s = lk_stmt(&lk, p.rank, p.out);
	ke_iters(&lk, 0, p.rank, sy);
	if (p.lin) {
		rhs = ke_cast(&lk, lower_dtype(vy), rsz_linear(&lk, &p, X));
	} else {
		for (int d = 0; d < p.rank; d++)
			sx[d] = p.on[d] ? rsz_nearest(&lk, &p, d) : ke_it(&lk, d);
		rhs = ke_load(&lk, X, sx);
	}
	lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, rhs);
	return lk_end(&lk);
}

const char *lower_resize_check(struct lower *L, const struct tcc_node *n)
{
	struct rsz p;

	return rsz_params(L, n, &p);
}
