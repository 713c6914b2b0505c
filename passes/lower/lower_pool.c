/* Pooling: MaxPool (with Indices), AveragePool (count_include_pad), LpPool, GlobalAveragePool,
 * GlobalMaxPool, GlobalLpPool. Windows as in Conv: positions o*s + r*d - pad, kept inside
 * the input by domain constraints; the divisor of AveragePool is counted in a temp. */
#include <string.h>

#include "passes/lower/lower_private.h"

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

static tcc_stat lower_pool(struct lower *L, struct tcc_node *n)
{
	int is_max = !strcmp(n->op_type, "MaxPool"), is_lp = !strcmp(n->op_type, "LpPool");
	int incl = (int)tcc_node_attr_int(n, "count_include_pad", 0), t = lower_dtype(n->outputs[0]);
	int64_t cnt, p = tcc_node_attr_int(n, "p", 2), lo[LK_MAXR], hi[LK_MAXR];
	const int64_t *ks = tcc_node_attr_ints(n, "kernel_shape", &cnt);
	int32_t r;
	const int64_t *dx, *dy;
	struct tcc_kbuf *X, *Y, *C = NULL;
	struct tcc_kstmt *s;
	struct lower_win w;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR], *e;
	int ns;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lower_shape(n->outputs[0], &r, &dy) < 0 ||
	    lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	ns = r - 2;
	lower_window(n, ns, dx + 2, dy + 2, ks, &w);
	X = lk_in(&lk, n->inputs[0]);
	Y = lk_out(&lk, n->outputs[0]);
	ke_iters(&lk, 0, r, sy);
	s = lk_stmt(&lk, r, dy);
	lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, is_max ? ke_lowest(&lk, t) : ke_lit(&lk, t, 0));
	s = lk_stmt(&lk, r, dy);
	sx[0] = ke_it(&lk, 0);
	sx[1] = ke_it(&lk, 1);
	window_subs(&lk, s, &w, ns, dx + 2, dy + 2, 2, NULL, NULL, sx + 2);
	e = ke_load(&lk, X, sx);
	if (is_lp)
		e = ke2(&lk, TCC_KOP_POW, ke1(&lk, TCC_KOP_ABS, e), ke_lit(&lk, t, (double)p));
	lk_body(&lk, s, Y, sy, is_max ? TCC_KUPD_MAX : TCC_KUPD_ADD, e);
	if (is_lp) {
		s = lk_stmt(&lk, r, dy);
		lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke2(&lk, TCC_KOP_POW, ke_load(&lk, Y, sy),
			ke_lit(&lk, t, 1.0 / (double)p)));
	}
	if (is_max && n->noutputs > 1 && n->outputs[1])
		maxpool_indices(&lk, n, &w, X, Y);
	if (is_max || is_lp)
		return lk_end(&lk);
	for (int i = 0; i < ns; i++) {
		lo[i] = incl ? -w.pb[i] : 0;
		hi[i] = incl ? dx[2 + i] + w.pe[i] : dx[2 + i];
	}
	C = lk_temp(&lk, "C", t, ns, dy + 2);
	s = lk_stmt(&lk, ns, dy + 2);
	lk_body(&lk, s, C, sy, TCC_KUPD_ASSIGN, ke_lit(&lk, t, 0));
	s = lk_stmt(&lk, ns, dy + 2);
	window_subs(&lk, s, &w, ns, dx + 2, dy + 2, 0, lo, hi, sx);
	lk_body(&lk, s, C, sy, TCC_KUPD_ADD, ke_lit(&lk, t, 1));
	s = lk_stmt(&lk, r, dy);
	lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN,
		ke2(&lk, TCC_KOP_DIV, ke_load(&lk, Y, sy), ke_load(&lk, C, sy + 2)));
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

/* Global pools: reduce over every spatial dim into Y[n, c, 0, ...]. */
static tcc_stat lower_global(struct lower *L, struct tcc_node *n)
{
	int is_max = !strcmp(n->op_type, "GlobalMaxPool"), t = lower_dtype(n->outputs[0]);
	int is_lp = !strcmp(n->op_type, "GlobalLpPool");
	int64_t cnt = 1, p = tcc_node_attr_int(n, "p", 2);
	int32_t r;
	const int64_t *dx, *dy;
	struct tcc_kbuf *X, *Y;
	struct tcc_kstmt *s;
	kexpr *sx[LK_MAXR], *sy[LK_MAXR], *e;
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
	s = lk_stmt(&lk, r, dy);
	lk_body(&lk, s, Y, sx, TCC_KUPD_ASSIGN, is_max ? ke_lowest(&lk, t) : ke_lit(&lk, t, 0));
	s = lk_stmt(&lk, r, dx);
	e = ke_load(&lk, X, sx);
	if (is_lp)
		e = ke2(&lk, TCC_KOP_POW, ke1(&lk, TCC_KOP_ABS, e), ke_lit(&lk, t, (double)p));
	lk_body(&lk, s, Y, sy, is_max ? TCC_KUPD_MAX : TCC_KUPD_ADD, e);
	if (!is_max) {
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
