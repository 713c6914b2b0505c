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
		return rsz_runtime(n, p, vs && !ts ? vs : vz, !(vs && !ts), ax, (int)na);
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
			   (p->jof[d] >= 0 && (!p->rt_sizes || p->pol));
		nlin += p->on[d];
		if (p->on[d] && p->v10 && !p->lin && (p->scale[d] < 1.0 || p->out[d] < p->in[d]))
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

/* 1 when the scale of axis d is known now (not read by the kernel). */
static int rsz_known(const struct rsz *p, int d)
{
	return !p->rt || p->jof[d] < 0 || (p->rt_sizes && !p->pol);
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

/* The source coordinate (double) of output index i<d> on axis d. */
static kexpr *rsz_coord(struct lk *lk, const struct rsz *p, int d)
{
	kexpr *x = ke_cast(lk, TCC_DT_DOUBLE, ke_it(lk, d));
	kexpr *h, *zero = ke_cast(lk, TCC_DT_DOUBLE, dlit(lk, 0));

	if (p->ct == CT_ASYM)
		return ke2(lk, TCC_KOP_DIV, x, rsz_scale(lk, p, d));
	if (p->ct == CT_ALIGN)
		return rsz_align(lk, p, d, x, zero);
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

/* ---- Einsum ---- */

#define EIN_MAXOPS 8

/* A parsed equation: the letters of each operand and of the output, the dim of each
 * letter (0 when unused), and the reduction letters. */
struct ein {
	int nops, nout, nred;
	int rank[EIN_MAXOPS];
	char ops[EIN_MAXOPS][LK_MAXR];
	char out[LK_MAXR], red[2 * 26];
	int64_t dim[128];
	int count[128];
};

static int ein_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The letters of one term [s, e) into t (at most LK_MAXR, each once); -1 with *why. */
static int ein_term(const char *s, const char *e, char *t, const char **why)
{
	int r = 0;

	for (; s < e; s++) {
		if (*s == ' ')
			continue;
		if (*s == '.')
			return *why = "Einsum with an ellipsis", -1;
		if (!ein_letter(*s))
			return *why = "Einsum equation with an unexpected character", -1;
		if (r == LK_MAXR)
			return *why = "Einsum operand of too high rank", -1;
		if (memchr(t, *s, (size_t)r))
			return *why = "Einsum with a repeated index in one operand (diagonal)", -1;
		t[r++] = *s;
	}
	return r;
}

static const char *ein_operands(const struct tcc_node *n, const char *eq, const char *arrow,
				struct ein *e)
{
	const char *why = NULL, *s = eq;

	for (;;) {
		const char *c = strchr(s, ',');
		const int64_t *dims;
		int32_t rank;

		if (!c || c > arrow)
			c = arrow;
		if (e->nops == EIN_MAXOPS || e->nops >= n->ninputs)
			return "Einsum: operand count does not match the inputs";
		if ((e->rank[e->nops] = ein_term(s, c, e->ops[e->nops], &why)) < 0)
			return why;
		if (!n->inputs[e->nops] || lower_shape(n->inputs[e->nops], &rank, &dims) < 0 ||
		    rank != e->rank[e->nops])
			return "Einsum operand rank does not match its term";
		for (int i = 0; i < rank; i++) {
			int l = e->ops[e->nops][i];

			if (e->count[l] && e->dim[l] != dims[i])
				return "Einsum with broadcast or mismatched dims";
			e->dim[l] = dims[i];
			e->count[l]++;
		}
		e->nops++;
		if (c == arrow)
			break;
		s = c + 1;
	}
	return e->nops == n->ninputs ? NULL : "Einsum: operand count does not match the inputs";
}

static const char *ein_parse(const struct tcc_node *n, struct ein *e)
{
	const char *eq = tcc_node_attr_string(n, "equation", NULL), *arrow, *why = NULL;

	memset(e, 0, sizeof(*e));
	if (!eq)
		return "Einsum without an equation";
	arrow = strstr(eq, "->");
	if ((why = ein_operands(n, eq, arrow ? arrow : eq + strlen(eq), e)))
		return why;
	if (arrow) {
		if ((e->nout = ein_term(arrow + 2, arrow + strlen(arrow), e->out, &why)) < 0)
			return why;
		for (int i = 0; i < e->nout; i++)
			if (!e->count[(int)e->out[i]])
				return "Einsum output letter absent from the inputs";
	} else {
		for (int l = 'A'; l <= 'z'; l++)
			if (e->count[l] == 1 && e->nout < LK_MAXR)
				e->out[e->nout++] = (char)l;
	}
	for (int l = 'A'; l <= 'z'; l++)
		if (e->count[l] && !memchr(e->out, l, (size_t)e->nout))
			e->red[e->nred++] = (char)l;
	return NULL;
}

static const char *check_einsum(struct lower *L, const struct tcc_node *n)
{
	struct ein e;
	const char *why;
	int32_t ry;
	const int64_t *dy;
	int dt;

	(void)L;
	if ((why = ein_parse(n, &e)))
		return why;
	if (n->noutputs < 1 || lower_shape(n->outputs[0], &ry, &dy) < 0 || ry != e.nout)
		return "Einsum output shape does not match the equation";
	for (int i = 0; i < ry; i++)
		if (dy[i] != e.dim[(int)e.out[i]])
			return "Einsum output shape does not match the equation";
	dt = lower_dtype(n->outputs[0]);
	if (!tcc_dtype_is_float(dt) && !tcc_dtype_is_int(dt))
		return "Einsum of this dtype";
	return NULL;
}

/* Y[out] = 0; Y[out] += prod_k X_k[letters of k] over the reduction iterators. */
static tcc_stat lower_einsum(struct lower *L, struct tcc_node *n)
{
	struct tcc_value *vy = n->outputs[0];
	struct tcc_kstmt *s;
	kexpr *sy[LK_MAXR], *sx[LK_MAXR], *rhs = NULL;
	int it[128];
	const char *why;
	struct ein e;
	struct tcc_kbuf *Y;
	struct lk lk;
	int dt = lower_dtype(vy);

	if ((why = check_einsum(L, n)))
		return lower_unsupported(L, n, why);
	ein_parse(n, &e);
	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	Y = lk_out(&lk, vy);
	for (int i = 0; i < e.nout; i++)
		it[(int)e.out[i]] = i;
	s = lk_stmt(&lk, e.nout, Y ? Y->dims : NULL);
	ke_iters(&lk, 0, e.nout, sy);
	lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_lit(&lk, dt, 0));
	s = lk_stmt(&lk, e.nout, Y ? Y->dims : NULL);
	for (int i = 0; i < e.nred; i++) {
		char name[3] = { 'r', e.red[i], 0 };

		it[(int)e.red[i]] = lk_iter(&lk, s, name, e.dim[(int)e.red[i]]);
	}
	for (int k = 0; k < e.nops; k++) {
		struct tcc_kbuf *X = lk_in(&lk, n->inputs[k]);
		kexpr *t;

		for (int i = 0; i < e.rank[k]; i++)
			sx[i] = ke_it(&lk, it[(int)e.ops[k][i]]);
		t = ke_load(&lk, X, sx);
		if (X && X->dtype != dt)
			t = ke_cast(&lk, dt, t);
		rhs = rhs ? ke2(&lk, TCC_KOP_MUL, rhs, t) : t;
	}
	lk_body(&lk, s, Y, sy, TCC_KUPD_ADD, rhs);
	return lk_end(&lk);
}

const struct lower_op lower_ops_misc[] = {
	{ "Resize", lower_resize, check_resize },
	{ "Upsample", lower_resize, check_resize },
	{ "Einsum", lower_einsum, check_einsum },
	{ NULL, NULL, NULL },
};
