/* Einsum (explicit or implicit output, an ellipsis, repeated letters in one operand for
 * diagonals, size-1 dims broadcast) and the table of the ops of this file; Resize and
 * Upsample are in lower_resize.c. */
#include <string.h>

#include "passes/lower/lower_private.h"


/* ---- Einsum ---- */

#define EIN_MAXOPS 8

/* A parsed equation, "..." expanded into "nell" letters "ell" the equation does not use
 * (right-aligned across the operands, as numpy broadcasts): the letters of each operand
 * and of the output, the dim of each letter (the largest, size-1 dims broadcast; 0 when
 * unused), how often each letter occurs, and the reduction letters. */
struct ein {
	int nops, nout, nred, nell;
	int rank[EIN_MAXOPS];
	char ops[EIN_MAXOPS][LK_MAXR];
	char out[LK_MAXR], red[2 * 26], ell[LK_MAXR];
	int64_t dim[128];
	int count[128];
};

static int ein_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The number of letters of term [s, e) and whether it holds "..." (*dots); -1 with *why. */
static int ein_scan(const char *s, const char *e, int *dots, const char **why)
{
	int r = 0;

	*dots = 0;
	for (; s < e; s++) {
		if (*s == ' ')
			continue;
		if (*s == '.') {
			if (*dots || e - s < 3 || s[1] != '.' || s[2] != '.')
				return *why = "Einsum equation with a misplaced '.'", -1;
			*dots = 1;
			s += 2;
		} else if (!ein_letter(*s)) {
			return *why = "Einsum equation with an unexpected character", -1;
		} else {
			r++;
		}
	}
	return r;
}

/* The letters of term [s, e) into t, "..." as the last of e->ell, as many as the operand
 * rank "want" leaves (want < 0, the output: all of them); the count, or -1 with *why. A
 * letter may repeat in an operand (a diagonal), not in the output. */
static int ein_term(const struct ein *E, const char *s, const char *e, int want, char *t,
		    const char **why)
{
	int dots, nl = ein_scan(s, e, &dots, why), ne, r = 0;

	if (nl < 0)
		return -1;
	ne = !dots ? 0 : want < 0 ? E->nell : want - nl;
	if (ne < 0)
		return *why = "Einsum operand rank below the letters of its term", -1;
	if (nl + ne > LK_MAXR)
		return *why = "Einsum operand of too high rank", -1;
	for (; s < e; s++) {
		if (*s == '.') {
			memcpy(t + r, E->ell + E->nell - ne, (size_t)ne);
			r += ne;
			s += 2;
		} else if (*s != ' ') {
			if (want < 0 && memchr(t, *s, (size_t)r))
				return *why = "Einsum output with a repeated letter", -1;
			t[r++] = *s;
		}
	}
	return r;
}

/* The rank of the ellipsis (the largest over the operands) and as many unused letters. */
static const char *ein_ellipsis(const struct tcc_node *n, const char *eq, const char *end,
				struct ein *e)
{
	const char *why = NULL, *s = eq;
	int used[128] = { 0 }, j = 0;

	for (const char *c = eq; *c; c++)
		if (ein_letter(*c))
			used[(int)*c] = 1;
	for (int k = 0;; k++) {
		const char *c = strchr(s, ',');
		int dots, nl;
		int32_t rank;
		const int64_t *dims;

		if (!c || c > end)
			c = end;
		if ((nl = ein_scan(s, c, &dots, &why)) < 0)
			return why;
		if (dots && k < n->ninputs && n->inputs[k] &&
		    lower_shape(n->inputs[k], &rank, &dims) == 0 && rank - nl > e->nell)
			e->nell = rank - nl;
		if (c == end)
			break;
		s = c + 1;
	}
	if (e->nell > LK_MAXR)
		return "Einsum operand of too high rank";
	for (int l = 'A'; l <= 'z' && j < e->nell; l++)
		if (ein_letter((char)l) && !used[l])
			e->ell[j++] = (char)l;
	return j == e->nell ? NULL : "Einsum ellipsis: no free letters left";
}

static const char *ein_operands(const struct tcc_node *n, const char *eq, const char *arrow,
				struct ein *e)
{
	const char *why = NULL, *s = eq;

	for (;;) {
		const char *c = strchr(s, ',');
		const int64_t *dims;
		int32_t rank;
		int k = e->nops;

		if (!c || c > arrow)
			c = arrow;
		if (k == EIN_MAXOPS || k >= n->ninputs)
			return "Einsum: operand count does not match the inputs";
		if (!n->inputs[k] || lower_shape(n->inputs[k], &rank, &dims) < 0)
			return "Einsum needs static shapes";
		if ((e->rank[k] = ein_term(e, s, c, rank, e->ops[k], &why)) < 0)
			return why;
		if (rank != e->rank[k])
			return "Einsum operand rank does not match its term";
		for (int i = 0; i < rank; i++) {
			int l = e->ops[k][i];

			if (e->count[l] && e->dim[l] != dims[i] && e->dim[l] != 1 && dims[i] != 1)
				return "Einsum with mismatched dims";
			if (!e->count[l] || e->dim[l] == 1)
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

/* The implicit output: the ellipsis, then the letters used once, in ASCII order. */
static void ein_implicit(struct ein *e)
{
	memcpy(e->out, e->ell, (size_t)e->nell);
	e->nout = e->nell;
	for (int l = 'A'; l <= 'z'; l++)
		if (e->count[l] == 1 && !memchr(e->ell, l, (size_t)e->nell) && e->nout < LK_MAXR)
			e->out[e->nout++] = (char)l;
}

static const char *ein_parse(const struct tcc_node *n, struct ein *e)
{
	const char *eq = tcc_node_attr_string(n, "equation", NULL), *arrow, *end, *why = NULL;

	memset(e, 0, sizeof(*e));
	if (!eq)
		return "Einsum without an equation";
	arrow = strstr(eq, "->");
	end = arrow ? arrow : eq + strlen(eq);
	if ((why = ein_ellipsis(n, eq, end, e)) || (why = ein_operands(n, eq, end, e)))
		return why;
	if (arrow) {
		if ((e->nout = ein_term(e, arrow + 2, arrow + strlen(arrow), -1, e->out, &why)) < 0)
			return why;
		for (int i = 0; i < e->nout; i++)
			if (!e->count[(int)e->out[i]])
				return "Einsum output letter absent from the inputs";
	} else {
		ein_implicit(e);
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

		for (int i = 0; i < e.rank[k]; i++) {
			int l = e.ops[k][i];

			/* a size-1 dim broadcast against a larger one reads index 0 */
			sx[i] = X && X->dims[i] == 1 && e.dim[l] != 1 ? ke_int(&lk, 0) :
				ke_it(&lk, it[l]);
		}
		t = ke_load(&lk, X, sx);
		if (X && X->dtype != dt)
			t = ke_cast(&lk, dt, t);
		rhs = rhs ? ke2(&lk, TCC_KOP_MUL, rhs, t) : t;
	}
	lk_body(&lk, s, Y, sy, TCC_KUPD_ADD, rhs);
	return lk_end(&lk);
}

const struct lower_op lower_ops_misc[] = {
	{ "Resize", lower_resize, lower_resize_check },
	{ "Upsample", lower_resize, lower_resize_check },
	{ "Einsum", lower_einsum, check_einsum },
	{ NULL, NULL, NULL },
};
