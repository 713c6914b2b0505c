/* Pooling: MaxPool (with Indices), AveragePool (count_include_pad), LpPool, GlobalAveragePool,
 * GlobalMaxPool, GlobalLpPool. Windows as in Conv: tap r of output o reads position
 * o*s + r*d - pad.
 *
 * Windowed pools are split by output position. The interior (every tap inside X, per spatial
 * dim an output range [lo, hi)) is one statement without window constraints whose right-hand
 * side combines all the taps as a balanced tree (max(max(X[t0], X[t1]), max(X[t2], X[t3]))
 * ..., or a sum divided by the window size):
 *     Y[n, c, h, w] = max(X[n, c, 2h-1, 2w-1], X[n, c, 2h-1, 2w], ...)   (h, w >= 1)
 * so no output is read back and written per tap, and the innermost loop, over w, is a plain
 * loop that LLVM vectorizes (a stride-2 read becomes two vector loads and a permute). The
 * border is cut into slabs (spatial dim i below or above its interior, the dims before it
 * inside theirs: disjoint, and together the rest of the output), each an init statement and a
 * reduction over the taps kept inside X by constraints, with the taps before the last output
 * dim so that w stays innermost. A window of more than POOL_MAX_TAPS taps is a reduction in
 * the interior too (without constraints).
 *
 * The tcc scheduler does not vectorize these statements itself (a stride-s read is not
 * contiguous for s > 1, and the range constraints make partial vectors); the alternative that
 * it does vectorize, Conv's copy of X into a padded temp split into stride phases and a
 * window statement in whole vectors cropped at the end, measured 0.70 ms against 0.37 ms for
 * ResNet-50's MaxPool (3x3 s2 p1, 64x112x112, 1 thread; the scalar window nest took 3.4 ms):
 * the copy alone moves more data than the whole split form, and needs a 4.7 MB temp. MaxPool's
 * Indices are found afterwards from Y, by a scan of the windows under constraints.
 *
 * AveragePool's divisor counts the taps that count_include_pad admits; it is a product over
 * the spatial dims of per-dim counts (the window size k, or a small temp cnt<i>[o] counted from
 * the window's constraints where windows leave the counted range), so only border slabs load
 * it. Global pools reduce in two stages: per (n, c) a row of partial results over the last
 * spatial dim (16 lanes when it is a multiple of 16), which vectorizes, then that row. */
#include <string.h>

#include "passes/lower/lower_private.h"

/* Most taps combined in one expression (5x5 windows; 7x7 ones become reductions). */
#define POOL_MAX_TAPS 32

/* The lanes of a global pool's partial row when the last dim is a multiple of it. */
#define POOL_LANES 16

/* Add the window iterators to s and fill sx with the input subscripts (n, c, positions). */
static void window_subs(struct lk *lk, struct tcc_kstmt *s, const struct lower_win *w, int ns,
			const int64_t *dx, const int64_t *dy, int first, int64_t *lo, int64_t *hi,
			kexpr **sx)
{
	int rit[LK_MAXR];

	for (int i = 0; i < ns; i++) {
		char nm[8] = { 'r', (char)('0' + i % 10), 0 };

		rit[i] = lk_iter(lk, s, nm, w->k[i]);
	}
	for (int i = 0; i < ns; i++)
		sx[i] = lower_window_pos(lk, s, w, i, first + i, rit[i], dy[i], lo ? lo[i] : 0,
					 hi ? hi[i] : dx[i]);
}

/* MaxPool Indices: the smallest row-major flat index into X holding the window's maximum
 * (the first in scan order; numel(X) before any is seen), made column-major over H, W
 * when storage_order is 1 (2-D). */
static void maxpool_indices(struct lk *lk, const struct tcc_node *n, const struct lower_win *w,
			    struct tcc_kbuf *X, struct tcc_kbuf *Y)
{
	struct tcc_kbuf *I = lk_out(lk, n->outputs[1]);
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR], *lin = NULL, *hit, *f, *e;
	int64_t h, wd, none;

	if (!I || !X || !Y)
		return;
	none = tcc_shape_numel(X->rank, X->dims);
	ke_iters(lk, 0, Y->rank, sy);
	s = lk_stmt(lk, Y->rank, Y->dims);
	lk_body(lk, s, I, sy, TCC_KUPD_ASSIGN, ke_int(lk, none));
	s = lk_stmt(lk, Y->rank, Y->dims);
	sx[0] = ke_it(lk, 0);
	sx[1] = ke_it(lk, 1);
	window_subs(lk, s, w, Y->rank - 2, X->dims + 2, Y->dims + 2, 2, NULL, NULL, sx + 2);
	for (int i = 0; i < X->rank; i++)
		lin = lin ? ke2(lk, TCC_KOP_ADD, ke2(lk, TCC_KOP_MUL, lin, ke_int(lk, X->dims[i])),
				sx[i]) : sx[i];
	hit = ke2(lk, TCC_KOP_EQ, ke_load(lk, X, sx), ke_load(lk, Y, sy));
	lk_body(lk, s, I, sy, TCC_KUPD_MIN, ke_sel(lk, hit, lin, ke_int(lk, none)));
	if (!tcc_node_attr_int(n, "storage_order", 0))
		return;
	h = X->dims[2];
	wd = X->dims[3];
	s = lk_stmt(lk, Y->rank, Y->dims);
	f = ke_load(lk, I, sy);
	e = ke2(lk, TCC_KOP_SUB, f, ke2(lk, TCC_KOP_REM, f, ke_int(lk, h * wd)));
	e = ke2(lk, TCC_KOP_ADD, e, ke2(lk, TCC_KOP_MUL, ke2(lk, TCC_KOP_REM, f, ke_int(lk, wd)),
					ke_int(lk, h)));
	e = ke2(lk, TCC_KOP_ADD, e, ke2(lk, TCC_KOP_REM, ke2(lk, TCC_KOP_DIV, f, ke_int(lk, wd)),
					ke_int(lk, h)));
	lk_body(lk, s, I, sy, TCC_KUPD_ASSIGN, e);
}

/* The interior [lo, hi) of spatial dim i: the outputs whose every tap lies inside X. */
static void pool_interior(const struct lower_win *w, int i, int64_t in, int64_t out,
			  int64_t *lo, int64_t *hi)
{
	int64_t s = w->s[i], top = in - 1 - (w->k[i] - 1) * w->d[i] + w->pb[i];

	*lo = (w->pb[i] + s - 1) / s;
	*hi = top < 0 ? 0 : top / s + 1;
	*lo = *lo < out ? *lo : out;
	*hi = *hi < out ? *hi : out;
	*hi = *hi > *lo ? *hi : *lo;
}

/* Keep iterator "it" (extent "ext") in [lo, hi). */
static void pool_range(struct lk *lk, struct tcc_kstmt *s, int it, int64_t lo, int64_t hi,
		       int64_t ext)
{
	if (lo > 0)
		lk_cons(lk, s, TCC_KOP_GE, ke_it(lk, it), ke_int(lk, lo));
	if (hi < ext)
		lk_cons(lk, s, TCC_KOP_LT, ke_it(lk, it), ke_int(lk, hi));
}

/* e + c (e - |c| for c < 0; e for 0). */
static kexpr *pool_offset(struct lk *lk, kexpr *e, int64_t c)
{
	if (c == 0)
		return e;
	return ke2(lk, c < 0 ? TCC_KOP_SUB : TCC_KOP_ADD, e, ke_int(lk, c < 0 ? -c : c));
}

/* X's position s*o + d*r - pb along spatial dim i for output iterator "o" and tap iterator
 * "r" (r < 0: the constant tap "rc"); an iterated tap is kept inside X by constraints where
 * the outputs [olo, ohi) let it leave X. */
static kexpr *pool_pos(struct lk *lk, struct tcc_kstmt *s, const struct lower_win *w, int i,
		       int o, int r, int64_t rc, int64_t olo, int64_t ohi, int64_t in)
{
	kexpr *x = ke_it(lk, o);

	if (w->s[i] != 1)
		x = ke2(lk, TCC_KOP_MUL, ke_int(lk, w->s[i]), x);
	if (r >= 0)
		x = ke2(lk, TCC_KOP_ADD, x, w->d[i] == 1 ? ke_it(lk, r) :
			ke2(lk, TCC_KOP_MUL, ke_int(lk, w->d[i]), ke_it(lk, r)));
	x = pool_offset(lk, x, rc * w->d[i] - w->pb[i]);
	if (r >= 0 && w->s[i] * olo - w->pb[i] < 0)
		lk_cons(lk, s, TCC_KOP_GE, x, ke_int(lk, 0));
	if (r >= 0 && w->s[i] * (ohi - 1) + (w->k[i] - 1) * w->d[i] - w->pb[i] >= in)
		lk_cons(lk, s, TCC_KOP_LT, x, ke_int(lk, in));
	return x;
}

/* One windowed pool being lowered: its kind, buffers, and AveragePool's per-dim counts
 * (C[i] NULL where every window counts k[i] taps along dim i). */
struct pool_ctx {
	struct lk *lk;
	const struct lower_win *w;
	struct tcc_kbuf *X, *Y, *C[LK_MAXR];
	int ns, r, t, is_max, is_lp;
	double p;
};

/* The term of one window element x: |x|^p for LpPool, else x. */
static kexpr *pool_term(struct pool_ctx *pc, kexpr *x)
{
	if (!pc->is_lp)
		return x;
	return ke2(pc->lk, TCC_KOP_POW, ke1(pc->lk, TCC_KOP_ABS, x), ke_lit(pc->lk, pc->t, pc->p));
}

/* The pool's value from the combined window "e" at output subscripts "sy": the p-th root
 * (LpPool), e / divisor (AveragePool: the window size, or with "count" the product of the
 * per-dim counts), else e. */
static kexpr *pool_finish(struct pool_ctx *pc, kexpr *e, kexpr **sy, int count)
{
	struct lk *lk = pc->lk;
	int64_t size = 1;
	kexpr *div = NULL;

	if (pc->is_lp)
		return ke2(lk, TCC_KOP_POW, e, ke_lit(lk, pc->t, 1.0 / pc->p));
	if (pc->is_max)
		return e;
	for (int i = 0; i < pc->ns; i++) {
		if (count && pc->C[i]) {
			kexpr *c = ke_load(lk, pc->C[i], &sy[2 + i]);

			div = div ? ke2(lk, TCC_KOP_MUL, div, c) : c;
		} else {
			size *= pc->w->k[i];
		}
	}
	if (size != 1 || !div)
		div = div ? ke2(lk, TCC_KOP_MUL, ke_lit(lk, pc->t, (double)size), div) :
		      ke_lit(lk, pc->t, (double)size);
	return ke2(lk, TCC_KOP_DIV, e, div);
}

/* AveragePool's per-dim counts: along spatial dim i, cnt<i>[o] = the taps of the window at o
 * inside the range count_include_pad "incl" admits, where some window leaves that range. */
static void pool_counts(struct pool_ctx *pc, int incl)
{
	struct lk *lk = pc->lk;
	const struct lower_win *w = pc->w;

	for (int i = 0; i < pc->ns; i++) {
		int64_t in = pc->X->dims[2 + i], out = pc->Y->dims[2 + i];
		int64_t lo = incl ? -w->pb[i] : 0, hi = incl ? in + w->pe[i] : in;
		char nm[8] = { 'c', 'n', 't', (char)('0' + i % 10), 0 };
		struct tcc_kstmt *s;
		kexpr *sc[1];
		int r;

		pc->C[i] = NULL;
		if (-w->pb[i] >= lo && (out - 1) * w->s[i] + (w->k[i] - 1) * w->d[i] - w->pb[i] < hi)
			continue;
		pc->C[i] = lk_temp(lk, nm, pc->t, 1, &pc->Y->dims[2 + i]);
		sc[0] = ke_it(lk, 0);
		s = lk_stmt(lk, 1, &pc->Y->dims[2 + i]);
		lk_body(lk, s, pc->C[i], sc, TCC_KUPD_ASSIGN, ke_lit(lk, pc->t, 0));
		s = lk_stmt(lk, 1, &pc->Y->dims[2 + i]);
		r = lk_iter(lk, s, "r", w->k[i]);
		lower_window_pos(lk, s, w, i, 0, r, out, lo, hi);
		lk_body(lk, s, pc->C[i], sc, TCC_KUPD_ADD, ke_lit(lk, pc->t, 1));
	}
}

/* A statement over the outputs [lo, hi) (iterators n, c, the spatial dims). */
static struct tcc_kstmt *pool_region_stmt(struct pool_ctx *pc, const int64_t *lo,
					  const int64_t *hi)
{
	struct tcc_kstmt *s = lk_stmt(pc->lk, pc->r, pc->Y->dims);

	for (int i = 0; i < pc->ns; i++)
		pool_range(pc->lk, s, 2 + i, lo[i], hi[i], pc->Y->dims[2 + i]);
	return s;
}

/* Outputs [lo, hi) whose windows lie inside X: Y = f(X[tap 0], X[tap 1], ...), the "taps"
 * terms combined pairwise (a tree of depth log2(taps), which keeps max's dependence chains
 * short: 1.3x faster than a chain for 3x3). */
static void pool_unrolled(struct pool_ctx *pc, const int64_t *lo, const int64_t *hi,
			  int64_t taps)
{
	struct lk *lk = pc->lk;
	struct tcc_kstmt *s = pool_region_stmt(pc, lo, hi);
	kexpr *sy[LK_MAXR], *sx[LK_MAXR], *v[POOL_MAX_TAPS];
	enum tcc_kop op = pc->is_max ? TCC_KOP_MAX : TCC_KOP_ADD;
	int64_t m = taps;

	ke_iters(lk, 0, pc->r, sy);
	for (int64_t k = 0; k < taps; k++) {
		int64_t rest = k;

		ke_iters(lk, 0, 2, sx);
		for (int i = pc->ns - 1; i >= 0; i--) {
			sx[2 + i] = pool_pos(lk, s, pc->w, i, 2 + i, -1, rest % pc->w->k[i], lo[i],
					     hi[i], pc->X->dims[2 + i]);
			rest /= pc->w->k[i];
		}
		v[k] = pool_term(pc, ke_load(lk, pc->X, sx));
	}
	while (m > 1) {
		int64_t h = 0;

		for (int64_t k = 0; k + 1 < m; k += 2)
			v[h++] = ke2(lk, op, v[k], v[k + 1]);
		if (m % 2)
			v[h++] = v[m - 1];
		m = h;
	}
	lk_body(lk, s, pc->Y, sy, TCC_KUPD_ASSIGN, pool_finish(pc, v[0], sy, 0));
}

/* Outputs [lo, hi): Y = neutral; Y max= / += X[window] over the taps inside X (iterators n,
 * c, the spatial dims but the last, the taps, the last spatial dim: the output row stays
 * innermost); then the root or the divisor ("count": the per-dim counts). */
static void pool_reduced(struct pool_ctx *pc, const int64_t *lo, const int64_t *hi, int count)
{
	struct lk *lk = pc->lk;
	int ns = pc->ns, rit[LK_MAXR], oit[LK_MAXR];
	struct tcc_kstmt *s = pool_region_stmt(pc, lo, hi);
	kexpr *sy[LK_MAXR], *sx[LK_MAXR], *st[LK_MAXR];

	ke_iters(lk, 0, pc->r, sy);
	lk_body(lk, s, pc->Y, sy, TCC_KUPD_ASSIGN,
		pc->is_max ? ke_lowest(lk, pc->t) : ke_lit(lk, pc->t, 0));
	s = lk_stmt(lk, pc->r - 1, pc->Y->dims);
	for (int i = 0; i < ns; i++) {
		char nm[8] = { 'r', (char)('0' + i % 10), 0 };

		rit[i] = lk_iter(lk, s, nm, pc->w->k[i]);
	}
	for (int i = 0; i < ns - 1; i++)
		oit[i] = 2 + i;
	oit[ns - 1] = lk_iter(lk, s, "w", pc->Y->dims[pc->r - 1]);
	ke_iters(lk, 0, 2, sx);
	ke_iters(lk, 0, 2, st);
	for (int i = 0; i < ns; i++) {
		pool_range(lk, s, oit[i], lo[i], hi[i], pc->Y->dims[2 + i]);
		sx[2 + i] = pool_pos(lk, s, pc->w, i, oit[i], rit[i], 0, lo[i], hi[i],
				     pc->X->dims[2 + i]);
		st[2 + i] = ke_it(lk, oit[i]);
	}
	lk_body(lk, s, pc->Y, st, pc->is_max ? TCC_KUPD_MAX : TCC_KUPD_ADD,
		pool_term(pc, ke_load(lk, pc->X, sx)));
	if (pc->is_max)
		return;
	s = pool_region_stmt(pc, lo, hi);
	lk_body(lk, s, pc->Y, sy, TCC_KUPD_ASSIGN, pool_finish(pc, ke_load(lk, pc->Y, sy), sy,
							       count));
}

/* Y of MaxPool, AveragePool, LpPool: the interior, then the border slabs. */
static void pool_split(struct pool_ctx *pc)
{
	int64_t ilo[LK_MAXR] = { 0 }, ihi[LK_MAXR] = { 0 }, lo[LK_MAXR], hi[LK_MAXR], taps = 1;
	int ns = pc->ns, empty = 0;

	for (int i = 0; i < ns; i++) {
		pool_interior(pc->w, i, pc->X->dims[2 + i], pc->Y->dims[2 + i], &ilo[i], &ihi[i]);
		empty |= ilo[i] == ihi[i];
		taps *= pc->w->k[i];
	}
	if (!empty && taps <= POOL_MAX_TAPS)
		pool_unrolled(pc, ilo, ihi, taps);
	else if (!empty)
		pool_reduced(pc, ilo, ihi, 0);
	for (int i = 0; i < ns; i++) {
		for (int side = 0; side < 2; side++) {
			for (int j = 0; j < ns; j++) {
				lo[j] = j < i ? ilo[j] : 0;
				hi[j] = j < i ? ihi[j] : pc->Y->dims[2 + j];
			}
			if (side)
				lo[i] = ihi[i];
			else
				hi[i] = ilo[i];
			if (lo[i] < hi[i])
				pool_reduced(pc, lo, hi, 1);
		}
		if (ilo[i] == ihi[i])
			break; /* the slabs of dim i cover all of it */
	}
}

static tcc_stat lower_pool(struct lower *L, struct tcc_node *n)
{
	int64_t cnt;
	const int64_t *ks = tcc_node_attr_ints(n, "kernel_shape", &cnt);
	int32_t r;
	const int64_t *dx, *dy;
	struct lower_win w;
	struct pool_ctx pc;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lower_shape(n->outputs[0], &r, &dy) < 0 ||
	    lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	memset(&pc, 0, sizeof(pc));
	pc.lk = &lk;
	pc.w = &w;
	pc.r = r;
	pc.ns = r - 2;
	pc.t = lower_dtype(n->outputs[0]);
	pc.is_max = !strcmp(n->op_type, "MaxPool");
	pc.is_lp = !strcmp(n->op_type, "LpPool");
	pc.p = (double)tcc_node_attr_int(n, "p", 2);
	lower_window(n, pc.ns, dx + 2, dy + 2, ks, &w);
	pc.X = lk_in(&lk, n->inputs[0]);
	pc.Y = lk_out(&lk, n->outputs[0]);
	if (!pc.X || !pc.Y)
		return lk_end(&lk);
	if (!pc.is_max && !pc.is_lp)
		pool_counts(&pc, (int)tcc_node_attr_int(n, "count_include_pad", 0));
	pool_split(&pc);
	if (pc.is_max && n->noutputs > 1 && n->outputs[1])
		maxpool_indices(&lk, n, &w, pc.X, pc.Y);
	return lk_end(&lk);
}

static const char *check_pool(struct lower *L, const struct tcc_node *n)
{
	int32_t r = n->inputs[0] ? n->inputs[0]->type.rank : 0;
	int64_t cnt;
	const int64_t *ks = tcc_node_attr_ints(n, "kernel_shape", &cnt);

	(void)L;
	if (r < 3 || r > 10)
		return "needs X of rank 3 to 10";
	if (!ks || cnt != r - 2)
		return "kernel_shape missing or of the wrong length";
	for (int i = 0; i < cnt; i++)
		if (ks[i] < 1)
			return "kernel_shape must be positive";
	if (n->noutputs > 1 && n->outputs[1] && (strcmp(n->op_type, "MaxPool") ||
						 n->outputs[1]->type.elem != TCC_DT_INT64))
		return "a second output other than MaxPool's int64 Indices";
	if (!tcc_dtype_is_float(n->inputs[0]->type.elem) && strcmp(n->op_type, "MaxPool"))
		return "needs a float input";
	if (n->inputs[0]->type.elem == TCC_DT_BOOL)
		return "bool input";
	if (!strcmp(n->op_type, "MaxPool") && tcc_node_attr_int(n, "storage_order", 0) &&
	    n->noutputs > 1 && n->outputs[1] && r != 4)
		return "storage_order other than 2-D";
	return lower_window_check(n, r - 2);
}

/* Global pools: reduce over every spatial dim into Y[n, c, 0, ...]. With more than one row
 * to reduce, in two stages: P[n, c, l] (+= / max=) X[n, c, .., x] over a row of partial
 * results along the last spatial dim (x = 16q + l with 16 lanes when it is a multiple of 16,
 * else x = l), whose innermost loop is elementwise in l and vectorizes, then Y over P's row:
 * a single stage is one serial chain of scalar adds (floating-point sums are not reassociated),
 * 5x slower on 256x56x56. Rows narrower than 16 keep the single stage: their chains are short
 * and the cores overlap those of successive channels (2048x7x7: 19 us, 25 us in two stages). */
static tcc_stat lower_global(struct lower *L, struct tcc_node *n)
{
	int is_max = !strcmp(n->op_type, "GlobalMaxPool"), t = lower_dtype(n->outputs[0]);
	int is_lp = !strcmp(n->op_type, "GlobalLpPool");
	int64_t cnt = 1, p = tcc_node_attr_int(n, "p", 2), last, lanes, pd[3];
	int32_t r;
	const int64_t *dx, *dy;
	struct tcc_kbuf *X, *Y, *P = NULL;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR], *sp[3], *e;
	enum tcc_kupdate upd = is_max ? TCC_KUPD_MAX : TCC_KUPD_ADD;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lower_shape(n->outputs[0], &r, &dy) < 0 ||
	    lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	ke_iters(&lk, 0, r, sx);
	ke_iters(&lk, 0, r, sy);
	for (int i = 2; i < r; i++) {
		sy[i] = ke_int(&lk, 0);
		cnt *= dx[i];
	}
	last = r > 2 ? dx[r - 1] : 1;
	lanes = last % POOL_LANES == 0 ? POOL_LANES : last;
	s = lk_stmt(&lk, r, dy);
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN, is_max ? ke_lowest(&lk, t) : ke_lit(&lk, t, 0));
	if (r > 2 && last >= POOL_LANES && cnt > lanes) {
		pd[0] = dx[0];
		pd[1] = dx[1];
		pd[2] = lanes;
		P = lk_temp(&lk, "p", t, 3, pd);
		ke_iters(&lk, 0, 3, sp);
		s = lk_stmt(&lk, 3, pd);
		lk_body(&lk, s, P, sp, TCC_KUPD_ASSIGN, is_max ? ke_lowest(&lk, t) : ke_lit(&lk, t, 0));
		s = lk_stmt(&lk, r - 1, dx);
		if (lanes != last) {
			int q = lk_iter(&lk, s, "q", last / lanes), l = lk_iter(&lk, s, "l", lanes);

			sx[r - 1] = ke2(&lk, TCC_KOP_ADD, ke2(&lk, TCC_KOP_MUL, ke_int(&lk, lanes),
					ke_it(&lk, q)), ke_it(&lk, l));
			sp[2] = ke_it(&lk, l);
		} else {
			sx[r - 1] = sp[2] = ke_it(&lk, lk_iter(&lk, s, "l", lanes));
		}
	} else {
		s = lk_stmt(&lk, r, dx);
	}
	e = ke_load(&lk, X, sx);
	if (is_lp)
		e = ke2(&lk, TCC_KOP_POW, ke1(&lk, TCC_KOP_ABS, e), ke_lit(&lk, t, (double)p));
	lk_body(&lk, s, P ? P : Y, P ? sp : sy, upd, e);
	if (P) {
		s = lk_stmt(&lk, 2, dy);
		sp[2] = ke_it(&lk, lk_iter(&lk, s, "l", lanes));
		lk_body(&lk, s, Y, sy, upd, ke_load(&lk, P, sp));
	}
	if (!is_max) {
		ke_iters(&lk, 0, r, sx);
		s = lk_stmt(&lk, r, dy);
		e = ke_load(&lk, Y, sx);
		e = is_lp ? ke2(&lk, TCC_KOP_POW, e, ke_lit(&lk, t, 1.0 / (double)p)) :
		     ke2(&lk, TCC_KOP_DIV, e, ke_lit(&lk, t, (double)cnt));
		lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN, e);
	}
	return lk_end(&lk);
}

static const char *check_global(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	if (!n->inputs[0] || n->inputs[0]->type.rank < 2)
		return "needs X of rank >= 2";
	if (!tcc_dtype_is_float(n->inputs[0]->type.elem))
		return "needs a float input";
	return NULL;
}

const struct lower_op lower_ops_pool[] = {
	{ "MaxPool", lower_pool, check_pool },
	{ "AveragePool", lower_pool, check_pool },
	{ "LpPool", lower_pool, check_pool },
	{ "GlobalAveragePool", lower_global, check_global },
	{ "GlobalMaxPool", lower_global, check_global },
	{ "GlobalLpPool", lower_global, check_global },
	{ NULL, NULL, NULL },
};
