/* MatMul (numpy semantics: 1-D operands promoted and their dim removed, batch dims
 * broadcast) and Gemm (transA/transB, alpha, beta, C broadcast to [M, N]). Both are a zero
 * initialisation and a `+=` reduction over k; Gemm adds a scaling statement. */
#include <string.h>

#include "passes/lower/lower_private.h"

/* Y[b..., m, n] += A[b'..., m, k] * B[b''..., k, n] with iterators: the output's, then k. */
static tcc_stat lower_matmul(struct lower *L, struct tcc_node *n)
{
	struct tcc_value *va = n->inputs[0], *vb = n->inputs[1], *vy = n->outputs[0];
	struct tcc_kbuf *A, *B, *Y;
	struct tcc_kstmt *s0, *s1;
	kexpr *sa[LK_MAXR], *sb[LK_MAXR], *sy[LK_MAXR];
	int32_t ry, ra, rb;
	const int64_t *dy, *da, *db;
	int k, mi, ni, nbatch;
	struct lk lk;

	if (lower_shape(vy, &ry, &dy) < 0 || lower_shape(va, &ra, &da) < 0 ||
	    lower_shape(vb, &rb, &db) < 0)
		return -1;
	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	A = lk_in(&lk, va);
	B = lk_in(&lk, vb);
	Y = lk_out(&lk, vy);
	/* output dims: batch..., [m if ra > 1], [n if rb > 1] */
	ni = rb > 1 ? ry - 1 : -1;
	mi = ra > 1 ? (rb > 1 ? ry - 2 : ry - 1) : -1;
	nbatch = ry - (ra > 1) - (rb > 1);
	s0 = lk_stmt(&lk, ry, dy);
	ke_iters(&lk, 0, ry, sy);
	lk_body(&lk, s0, Y, sy, TCC_KUPD_ASSIGN, ke_lit(&lk, Y ? Y->dtype : 1, 0));
	s1 = lk_stmt(&lk, ry, dy);
	k = lk_iter(&lk, s1, "k", da[ra - 1]);
	if (ra > 1) {
		ke_bcast(&lk, 0, nbatch, ra - 2, da, sa);
		sa[ra - 2] = ke_it(&lk, mi);
	}
	sa[ra - 1] = ke_it(&lk, k);
	if (rb > 1) {
		ke_bcast(&lk, 0, nbatch, rb - 2, db, sb);
		sb[rb - 2] = ke_it(&lk, k);
		sb[rb - 1] = ke_it(&lk, ni);
	} else {
		sb[0] = ke_it(&lk, k);
	}
	lk_body(&lk, s1, Y, sy, TCC_KUPD_ADD,
		ke2(&lk, TCC_KOP_MUL, ke_load(&lk, A, sa), ke_load(&lk, B, sb)));
	return lk_end(&lk);
}

static const char *check_matmul(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	if (n->ninputs != 2 || !n->inputs[0] || !n->inputs[1] || n->inputs[0]->type.rank < 1 ||
	    n->inputs[1]->type.rank < 1)
		return "MatMul needs two inputs of rank >= 1";
	if (!tcc_dtype_is_float(n->inputs[0]->type.elem) && !tcc_dtype_is_int(n->inputs[0]->type.elem))
		return "MatMul of this dtype";
	return NULL;
}

/* Y = alpha * A' B' + beta * C */
static tcc_stat lower_gemm(struct lower *L, struct tcc_node *n)
{
	int ta = (int)tcc_node_attr_int(n, "transA", 0), tb = (int)tcc_node_attr_int(n, "transB", 0);
	float alpha = tcc_node_attr_float(n, "alpha", 1.0f), beta = tcc_node_attr_float(n, "beta", 1.0f);
	struct tcc_value *vc = tcc_node_input(n, 2), *vy = n->outputs[0];
	struct tcc_kbuf *A, *B, *Y;
	struct tcc_kstmt *s;
	kexpr *sa[2], *sb[2], *sy[2], *acc;
	int32_t ry, rk;
	const int64_t *dy, *da;
	int k, t = lower_dtype(vy);
	struct lk lk;

	if (lower_shape(vy, &ry, &dy) < 0 || lower_shape(n->inputs[0], &rk, &da) < 0)
		return -1;
	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	A = lk_in(&lk, n->inputs[0]);
	B = lk_in(&lk, n->inputs[1]);
	Y = lk_out(&lk, vy);
	s = lk_stmt(&lk, 2, dy);
	ke_iters(&lk, 0, 2, sy);
	lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, ke_lit(&lk, t, 0));
	s = lk_stmt(&lk, 2, dy);
	k = lk_iter(&lk, s, "k", da[ta ? 0 : 1]);
	sa[ta ? 1 : 0] = ke_it(&lk, 0);
	sa[ta ? 0 : 1] = ke_it(&lk, k);
	sb[tb ? 1 : 0] = ke_it(&lk, k);
	sb[tb ? 0 : 1] = ke_it(&lk, 1);
	lk_body(&lk, s, Y, sy, TCC_KUPD_ADD,
		ke2(&lk, TCC_KOP_MUL, ke_load(&lk, A, sa), ke_load(&lk, B, sb)));
	if (alpha != 1.0f || (vc && beta != 0.0f)) {
		s = lk_stmt(&lk, 2, dy);
		acc = ke_load(&lk, Y, sy);
		if (alpha != 1.0f)
			acc = ke2(&lk, TCC_KOP_MUL, ke_lit(&lk, t, alpha), acc);
		if (vc && beta != 0.0f) {
			kexpr *c = ke_bload(&lk, vc, 0, 2);

			acc = ke2(&lk, TCC_KOP_ADD, acc, beta == 1.0f ? c :
				  ke2(&lk, TCC_KOP_MUL, ke_lit(&lk, t, beta), c));
		}
		lk_body(&lk, s, Y, sy, TCC_KUPD_ASSIGN, acc);
	}
	return lk_end(&lk);
}

static const char *check_gemm(struct lower *L, const struct tcc_node *n)
{
	(void)L;
	if (n->ninputs < 2 || !n->inputs[0] || !n->inputs[1] || n->inputs[0]->type.rank != 2 ||
	    n->inputs[1]->type.rank != 2)
		return "Gemm needs 2-D A and B";
	if (!tcc_dtype_is_float(n->inputs[0]->type.elem) && !tcc_dtype_is_int(n->inputs[0]->type.elem))
		return "Gemm of this dtype";
	if (!tcc_dtype_is_float(n->inputs[0]->type.elem) &&
	    (tcc_node_attr_float(n, "alpha", 1.0f) != 1.0f ||
	     tcc_node_attr_float(n, "beta", 1.0f) != 1.0f))
		return "integer Gemm with alpha or beta other than 1";
	if (tcc_node_input(n, 2) && n->inputs[2]->type.rank > 2)
		return "Gemm C of rank > 2";
	return NULL;
}

const struct lower_op lower_ops_matmul[] = {
	{ "MatMul", lower_matmul, check_matmul },
	{ "Gemm", lower_gemm, check_gemm },
	{ NULL, NULL, NULL },
};
