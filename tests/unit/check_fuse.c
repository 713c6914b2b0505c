/* Unit tests of the fuse pass: each graph is lowered twice, once fused; both programs run on
 * the same inputs in the reference interpreter of check_lower.c (included, its own main
 * renamed away), and their outputs must be identical; the fused program must also have the
 * expected kernels and no buffer for a fused value. */
#define main check_lower_main
#include "check_lower.c"
#undef main

#include "passes/pass.h"

/* Lower "text" and run fuse (both options on) on it. */
static struct tcc_program *lower_fused(const char *text)
{
	struct tcc_model *m = parse(text);
	const struct tcc_pass *fuse = tcc_pass_find("fuse");
	int64_t opts[2] = { 1, 1 };

	ck_assert_ptr_nonnull(fuse);
	ck_assert_int_eq(fuse->options_size, sizeof(opts));
	m->program = tcc_lower_model(m);
	ck_assert_msg(m->program != NULL, "%s", tcc_diag_first_error(ctx->diag));
	ck_assert_msg(fuse->run(m, opts) == 0, "%s", tcc_diag_first_error(ctx->diag));
	return m->program;
}

static int count_role(const struct tcc_program *p, enum tcc_pbuf_role role)
{
	int n = 0;

	for (int b = 0; b < p->nbufs; b++)
		n += p->bufs[b]->role == role;
	return n;
}

/* Run both programs on the same pseudo-random inputs; every output must be equal. Checks
 * that the fused one has "nkernels" kernels and "ntemps" temporaries. */
static void expect_same(const char *text, int nkernels, int ntemps)
{
	struct tcc_program *a = lower(text), *b = lower_fused(text);
	double *ins[8] = { 0 };
	double **ma, **mb;
	char *s = prog_text(b);
	uint32_t seed = 12345;

	ck_assert_msg(b->nkernels == nkernels, "%d kernels, want %d\n%s", b->nkernels, nkernels, s);
	ck_assert_msg(count_role(b, TCC_PBUF_TEMP) == ntemps, "want %d temps\n%s", ntemps, s);
	for (int i = 0; i < a->nbufs; i++) {
		const struct tcc_pbuf *p = a->bufs[i];
		int64_t n = tcc_shape_numel(p->rank, p->dims);

		if (p->role != TCC_PBUF_INPUT)
			continue;
		ck_assert_int_lt(p->io_index, 8);
		ins[p->io_index] = calloc((size_t)n + 1, sizeof(double));
		for (int64_t j = 0; j < n; j++) {
			seed = seed * 1103515245u + 12345u;
			ins[p->io_index][j] = (double)(seed >> 16 & 0xff) / 32.0 - 4.0;
		}
	}
	ma = run_program(a, ins);
	mb = run_program(b, ins);
	for (int i = 0; i < a->nbufs; i++) {
		const struct tcc_pbuf *pa = a->bufs[i];
		int64_t n = tcc_shape_numel(pa->rank, pa->dims);

		for (int j = 0; pa->role == TCC_PBUF_OUTPUT && j < b->nbufs; j++)
			if (b->bufs[j]->role == TCC_PBUF_OUTPUT && b->bufs[j]->io_index == pa->io_index)
				for (int64_t e = 0; e < n; e++)
					ck_assert_msg(ma[i][e] == mb[j][e] ||
						      (isnan(ma[i][e]) && isnan(mb[j][e])),
						      "output %d element %lld: %g vs %g\n%s",
						      pa->io_index, (long long)e, ma[i][e], mb[j][e], s);
	}
	free_mem(a, ma);
	free_mem(b, mb);
	for (int i = 0; i < 8; i++)
		free(ins[i]);
	free(s);
}

#define HDR "<ir_version: 8, opset_import: [\"\" : 17]>\n"

START_TEST(test_conv_add_relu)
{
	expect_same(HDR "g (float[1,2,5,5] x, float[3,2,3,3] w, float[3] b, float[1,3,1,1] s)"
		    " => (float[1,3,3,3] y) {\n"
		    "  c = Conv <strides = [2,2], pads = [1,1,1,1]> (x, w, b)\n"
		    "  d = Add (c, s)\n  y = Relu (d)\n}\n", 1, 0);
}
END_TEST

/* Gelu as primitives: the MatMul+bias result is read twice by the chain; once the chain is
 * one kernel it becomes the MatMul's epilogue. */
START_TEST(test_matmul_gelu)
{
	expect_same(HDR "g (float[2,3] a, float[3,4] b, float[4] c) => (float[2,4] y) <\n"
		    "  float k = {1.4142135}, float one = {1}, float half = {0.5}\n> {\n"
		    "  m = MatMul (a, b)\n  x = Add (m, c)\n  d = Div (x, k)\n  e = Erf (d)\n"
		    "  f = Add (e, one)\n  g1 = Mul (x, f)\n  y = Mul (g1, half)\n}\n", 1, 0);
}
END_TEST

START_TEST(test_chain_broadcast_cast)
{
	expect_same(HDR "g (float[2,3] x, float[3] m, float[2,1] s, int32[1] z) => (float[2,3] y) {\n"
		    "  a = Sub (x, m)\n  b = Mul (a, s)\n  c = Cast <to = 1> (z)\n"
		    "  y = Add (b, c)\n}\n", 1, 0);
}
END_TEST

/* A model output read later stays; an expensive value read twice by one kernel is not
 * inlined (that kernel becomes its epilogue instead); a transpose is inlined into a
 * reduction; a reduction that is a model output gets no epilogue. */
START_TEST(test_no_fuse)
{
	expect_same(HDR "g (float[4] x, float[4,3] w) => (float[4] o, float[4] p, float[4] q,"
		    " float[3] r, float[3] s) <int64[1] one = {1}> {\n"
		    "  o = Neg (x)\n  p = Abs (o)\n  e = Exp (x)\n  q = Mul (e, e)\n"
		    "  wt = Transpose (w)\n  r = ReduceSum <keepdims = 0> (wt, one)\n"
		    "  s = Mul (r, r)\n}\n", 5, 0);
}
END_TEST

/* Softmax (a multi-statement kernel with two kernel-local temps) after an elementwise op,
 * then more elementwise. */
START_TEST(test_softmax_epilogue)
{
	expect_same(HDR "g (float[2,5] x) => (float[2,5] y) {\n"
		    "  a = Mul (x, x)\n  b = Softmax (a)\n  y = Sqrt (b)\n}\n", 1, 2);
}
END_TEST

/* Attention's Reshape/Transpose: flat indices reduced to plain subscripts when inlined, K's
 * innermost transpose kept as a kernel; residual chains not recomputed. */
START_TEST(test_attention_layout)
{
	expect_same(HDR "g (float[1,2,8] q, float[1,2,8] k, float[1,2,8] v) => (float[1,2,2,4] o)"
		    " <int64[4] heads = {1, 2, 2, 4}> {\n"
		    "  qr = Reshape (q, heads)\n  qt = Transpose <perm = [0, 2, 1, 3]> (qr)\n"
		    "  kr = Reshape (k, heads)\n  kt = Transpose <perm = [0, 2, 3, 1]> (kr)\n"
		    "  s = MatMul (qt, kt)\n  vr = Reshape (v, heads)\n"
		    "  vt = Transpose <perm = [0, 2, 1, 3]> (vr)\n  o = MatMul (s, vt)\n}\n", 3, 2);
}
END_TEST

START_TEST(test_residual_chain)
{
	expect_same(HDR "g (float[4,16] x, float[16,16] w1, float[16,16] w2) => (float[4,16] y) {\n"
		    "  c1 = MatMul (x, w1)\n  s1 = Add (c1, x)\n  r1 = Relu (s1)\n"
		    "  c2 = MatMul (r1, w2)\n  s2 = Add (c2, r1)\n  r2 = Relu (s2)\n"
		    "  c3 = MatMul (r2, w1)\n  s3 = Add (c3, r2)\n  y = Relu (s3)\n}\n", 3, 2);
}
END_TEST

static Suite *fuse_suite(void)
{
	Suite *s = suite_create("fuse");
	TCase *tc = tcase_create("fuse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_conv_add_relu);
	tcase_add_test(tc, test_matmul_gelu);
	tcase_add_test(tc, test_chain_broadcast_cast);
	tcase_add_test(tc, test_no_fuse);
	tcase_add_test(tc, test_softmax_epilogue);
	tcase_add_test(tc, test_attention_layout);
	tcase_add_test(tc, test_residual_chain);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fuse_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
