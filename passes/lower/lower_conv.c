/* Conv and ConvTranspose over any number of spatial dims, with strides, dilations, pads
 * (explicit or auto_pad) and groups. Padding is not materialised: the input position
 * o*stride + r*dilation - pad is a subscript, and domain constraints keep it inside the
 * input (Conv) or the output (ConvTranspose, whose target is that position). */
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

/* (m / mg) * cg + c: the input channel of group member c for output channel m. */
static kexpr *group_chan(struct lk *lk, int m, int64_t mg, int64_t cg, int c, int64_t group)
{
	if (group == 1)
		return ke_it(lk, c);
	return ke2(lk, TCC_KOP_ADD, ke2(lk, TCC_KOP_MUL, ke_int(lk, cg),
		   ke2(lk, TCC_KOP_DIV, ke_it(lk, m), ke_int(lk, mg))), ke_it(lk, c));
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

static tcc_stat lower_conv(struct lower *L, struct tcc_node *n)
{
	int64_t group = tcc_node_attr_int(n, "group", 1);
	int32_t r, rw;
	const int64_t *dx, *dw, *dy;
	struct tcc_kbuf *X, *W, *Y;
	struct tcc_kstmt *s;
	struct lower_win w;
	kexpr *sx[LK_MAXR], *sw[LK_MAXR], *sy[LK_MAXR];
	int c, rit[LK_MAXR], ns;
	struct lk lk;

	if (lower_shape(n->inputs[0], &r, &dx) < 0 || lower_shape(n->inputs[1], &rw, &dw) < 0 ||
	    lower_shape(n->outputs[0], &r, &dy) < 0 || lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	ns = r - 2;
	lower_window(n, ns, dx + 2, dy + 2, dw + 2, &w);
	X = lk_in(&lk, n->inputs[0]);
	W = lk_in(&lk, n->inputs[1]);
	Y = lk_out(&lk, n->outputs[0]);
	if (!Y)
		return lk_end(&lk);
	init_bias(&lk, n, Y);
	s = lk_stmt(&lk, r, dy);
	c = lk_iter(&lk, s, "c", dw[1]);
	for (int i = 0; i < ns; i++) {
		char nm[8] = { 'r', (char)('0' + i % 10), 0 };

		rit[i] = lk_iter(&lk, s, nm, dw[2 + i]);
	}
	sx[0] = ke_it(&lk, 0);
	sx[1] = group_chan(&lk, 1, dy[1] / group, dw[1], c, group);
	sw[0] = ke_it(&lk, 1);
	sw[1] = ke_it(&lk, c);
	for (int i = 0; i < ns; i++) {
		sx[2 + i] = lower_window_pos(&lk, s, &w, i, 2 + i, rit[i], dy[2 + i], 0, dx[2 + i]);
		sw[2 + i] = ke_it(&lk, rit[i]);
	}
	ke_iters(&lk, 0, r, sy);
	lk_body(&lk, s, Y, sy, TCC_KUPD_ADD,
		ke2(&lk, TCC_KOP_MUL, ke_load(&lk, X, sx), ke_load(&lk, W, sw)));
	return lk_end(&lk);
}

static const char *check_conv(struct lower *L, const struct tcc_node *n)
{
	int32_t r = n->inputs[0] ? n->inputs[0]->type.rank : 0;
	int64_t group = tcc_node_attr_int(n, "group", 1), cnt;
	const int64_t *ks = tcc_node_attr_ints(n, "kernel_shape", &cnt);
	const struct tcc_type *tw;

	(void)L;
	if (n->ninputs < 2 || !n->inputs[0] || !n->inputs[1] || r < 3 || r > 10)
		return "needs X of rank 3 to 10 and W";
	tw = &n->inputs[1]->type;
	if (!tcc_dtype_is_float(n->inputs[0]->type.elem))
		return "needs float inputs";
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

	(void)L;
	if (n->ninputs < 2 || !n->inputs[0] || !n->inputs[1] || r < 3 || r > 10)
		return "needs X of rank 3 to 10 and W";
	tw = &n->inputs[1]->type;
	if (!tcc_dtype_is_float(n->inputs[0]->type.elem))
		return "needs float inputs";
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
