/* Resize / Upsample (nearest and N-linear with constant scales or sizes) and Einsum
 * (no ellipsis, no diagonals).
 *
 * Resize maps each output index of a resized axis to a source coordinate, an affine
 * function of the iterator computed in double, as the ONNX reference does; nearest rounds
 * it and clamps into [0, in-1] (a data-dependent subscript); linear sums the 2^k
 * neighbours, each subscript clamped, weighted by the products of the fractions. */
#include <string.h>

#include "passes/lower/lower_private.h"

enum { CT_HALF, CT_ASYM, CT_ALIGN, CT_PYTORCH, CT_TFNEAREST, CT_SYMM };
enum { NM_RPF, NM_RPC, NM_FLOOR, NM_CEIL };

#define RSZ_MAXLIN 5

/* One Resize: "lin" (else nearest), coordinate mode "ct", nearest mode "nm", shapes and the
 * scale of each axis; "on" marks the axes that are not the identity. */
struct rsz {
	int lin, ct, nm, v10;
	int32_t rank;
	const int64_t *in, *out;
	double scale[LK_MAXR];
	int on[LK_MAXR];
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
					   "half_pixel_symmetric" };
	static const char *const nms[] = { "round_prefer_floor", "round_prefer_ceil", "floor",
					   "ceil" };
	const char *mode = tcc_node_attr_string(n, "mode", "nearest");

	if (!strcmp(mode, "linear") || !strcmp(mode, "bilinear"))
		p->lin = 1;
	else if (strcmp(mode, "nearest"))
		return "Resize mode other than nearest or linear (cubic)";
	if (tcc_node_attr_int(n, "antialias", 0))
		return "Resize with antialias";
	if (tcc_node_attr_int(n, "exclude_outside", 0))
		return "Resize with exclude_outside";
	if (p->v10) {
		p->ct = CT_ASYM;
		p->nm = NM_FLOOR;
		return NULL;
	}
	p->ct = str_pick(tcc_node_attr_string(n, "coordinate_transformation_mode", "half_pixel"),
			 cts, 6);
	if (p->ct < 0)
		return "Resize coordinate_transformation_mode tf_crop_and_resize or unknown";
	p->nm = str_pick(tcc_node_attr_string(n, "nearest_mode", "round_prefer_floor"), nms, 4);
	if (p->nm < 0)
		return "Resize with an unknown nearest_mode";
	return NULL;
}

/* Scales from constant sizes (with keep_aspect_ratio_policy) over the axes ax[0..na). */
static const char *rsz_sizes(const struct tcc_node *n, struct rsz *p, const struct tcc_tensor *t,
			     const int *ax, int na)
{
	const char *pol = tcc_node_attr_string(n, "keep_aspect_ratio_policy", "stretch");
	int k = !strcmp(pol, "stretch") ? 0 : !strcmp(pol, "not_larger") ? 1 :
		!strcmp(pol, "not_smaller") ? 2 : -1;
	double s = 0;

	if (k < 0)
		return "Resize with an unknown keep_aspect_ratio_policy";
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

static const char *rsz_scales(struct lower *L, const struct tcc_node *n, struct rsz *p)
{
	struct tcc_value *vs = tcc_node_input(n, p->v10 ? 1 : 2);
	struct tcc_value *vz = p->v10 ? NULL : tcc_node_input(n, 3);
	const struct tcc_tensor *ts = lower_const(vs), *tz = lower_const(vz);
	int64_t na = -1, fa = -1;
	const int64_t *axes = tcc_node_attr_ints(n, "axes", &na);
	const float *fs = tcc_node_attr_floats(n, "scales", &fa);
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
		return "Resize with scales or sizes that are not constant";
	} else {
		return "Resize without scales or sizes";
	}
	return NULL;
}

static const char *rsz_params(struct lower *L, const struct tcc_node *n, struct rsz *p)
{
	int32_t r2;
	const char *why;
	int nlin = 0;

	memset(p, 0, sizeof(*p));
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
		p->on[d] = p->scale[d] != 1.0 || p->in[d] != p->out[d] || p->ct == CT_TFNEAREST;
		nlin += p->on[d];
		if (p->on[d] && p->v10 && !p->lin && p->scale[d] < 1.0)
			return "Resize-10/Upsample nearest downsampling (rounding unspecified)";
	}
	if (p->lin && nlin > RSZ_MAXLIN)
		return "linear Resize over more than 5 axes";
	if (p->lin && !tcc_dtype_is_float(lower_dtype(n->inputs[0])))
		return "linear Resize of a non-float tensor";
	return NULL;
}

static kexpr *dlit(struct lk *lk, double v)
{
	return ke_lit(lk, TCC_DT_DOUBLE, v);
}

/* The source coordinate (double) of output index i<d> on axis d. */
static kexpr *rsz_coord(struct lk *lk, const struct rsz *p, int d)
{
	double s = p->scale[d], in = (double)p->in[d], out = (double)p->out[d];
	kexpr *x = ke_cast(lk, TCC_DT_DOUBLE, ke_it(lk, d));
	kexpr *h;

	switch (p->ct) {
	case CT_ASYM:
		return ke2(lk, TCC_KOP_DIV, x, dlit(lk, s));
	case CT_ALIGN:
		if (out <= 1)
			return dlit(lk, 0);
		return ke2(lk, TCC_KOP_DIV, ke2(lk, TCC_KOP_MUL, x, dlit(lk, in - 1)),
			   dlit(lk, out - 1));
	default:
		break;
	}
	h = ke2(lk, TCC_KOP_DIV, ke2(lk, TCC_KOP_ADD, x, dlit(lk, 0.5)), dlit(lk, s));
	if (p->ct == CT_TFNEAREST)
		return h;
	if (p->ct == CT_PYTORCH && out <= 1)
		return dlit(lk, 0);
	h = ke2(lk, TCC_KOP_SUB, h, dlit(lk, 0.5));
	if (p->ct == CT_SYMM) {
		double adj = out / (s * in), off = in / 2 * (1 - adj);

		h = ke2(lk, TCC_KOP_ADD, dlit(lk, off), h);
	}
	return h;
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
	kexpr *x = rsz_coord(lk, p, d), *r;

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
	kexpr *x = rsz_coord(lk, p, d);
	kexpr *f = ke2(lk, TCC_KOP_SUB, x, ke1(lk, TCC_KOP_FLOOR, rsz_coord(lk, p, d)));

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

			subs[d] = rsz_clamp(lk, ke1(lk, TCC_KOP_FLOOR, rsz_coord(lk, p, d)), hi,
					    p->in[d]);
			t = t ? ke2(lk, TCC_KOP_MUL, t, w) : w;
		}
		w_load:
		t = t ? ke2(lk, TCC_KOP_MUL, t, ke_cast(lk, TCC_DT_DOUBLE, ke_load(lk, X, subs))) :
			ke_cast(lk, TCC_DT_DOUBLE, ke_load(lk, X, subs));
		sum = sum ? ke2(lk, TCC_KOP_ADD, sum, t) : t;
	}
	return sum;
}

static tcc_stat lower_resize(struct lower *L, struct tcc_node *n)
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

static const char *check_resize(struct lower *L, const struct tcc_node *n)
{
	struct rsz p;

	return rsz_params(L, n, &p);
}
