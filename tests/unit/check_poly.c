/* Polyhedral form of kernels: domains, accesses, dependences, legality, printed ASTs. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <isl/map.h>
#include <isl/schedule.h>
#include <isl/schedule_node.h>
#include <isl/union_map.h>
#include <isl/union_set.h>
#include <isl/val.h>

#include "ir/kernel/kernel.h"
#include "ir/kernel/poly.h"

static const char matmul[] =
	"kernel matmul(in A: float[4,8], in B: float[8,6], out C: float[4,6]) {\n"
	"  S0[i<4, j<6]: C[i,j] = 0.0\n"
	"  S1[i<4, j<6, k<8]: C[i,j] += A[i,k] * B[k,j]\n"
	"}\n";

static const char conv_relu[] =
	"kernel conv_relu(in X: float[1,3,10,10], in W: float[4,3,3,3], out Y: float[1,4,8,8]) {\n"
	"  S0[n<1, f<4, h<8, w<8]: Y[n,f,h,w] = 0.0\n"
	"  S1[n<1, f<4, h<8, w<8, c<3, r<3, s<3]: Y[n,f,h,w] += X[n,c,h+r,w+s] * W[f,c,r,s]\n"
	"  S2[n<1, f<4, h<8, w<8]: Y[n,f,h,w] = max(Y[n,f,h,w], 0.0)\n"
	"}\n";

/* An in-place recurrence along k: not a reduction. */
static const char scan[] =
	"kernel scan(out A: float[8,16]) {\n"
	"  S0[i<8, k in 1..16]: A[i,k] = A[i,k-1] + A[i,k]\n"
	"}\n";

static const char gather[] =
	"kernel gather(in X: float[10,4], in idx: int64[3], out Y: float[3,4]) {\n"
	"  S0[i<3, j<4]: Y[i,j] = X[idx[i],j]\n"
	"}\n";

static const char tri[] =
	"kernel tri(in A: float[8,8], out L: float[8,8], out R: float[8]) {\n"
	"  S0[i<8, j<8 : j <= i]: L[i,j] = A[i,j]\n"
	"  S1[i in 2..8]: R[i] max= L[i,i-2] + cast<float>(i)\n"
	"}\n";

static struct tcc_ctx *ctx;

static void setup(void)
{
	ctx = tcc_ctx_new();
	ck_assert_ptr_nonnull(ctx);
}

static void teardown(void)
{
	tcc_ctx_free(ctx);
	ctx = NULL;
}

static struct tcc_poly *build(const char *text)
{
	struct tcc_kernel *k = tcc_kernel_parse(ctx, "t.k", text, strlen(text));
	struct tcc_poly *poly;

	ck_assert_msg(k, "%s", tcc_diag_all(ctx->diag));
	ck_assert_msg(tcc_kernel_verify(k) == 0, "%s", tcc_diag_all(ctx->diag));
	poly = tcc_poly_build(k);
	ck_assert_msg(poly, "%s", tcc_diag_all(ctx->diag));
	return poly;
}

/* Compare a union map (taken) with ISL text. */
static void umap_eq(struct tcc_poly *poly, __isl_take isl_union_map *got, const char *want)
{
	isl_union_map *w = isl_union_map_read_from_str(tcc_poly_get_isl_ctx(poly), want);
	char *s = isl_union_map_to_str(got);
	isl_bool eq = isl_union_map_is_equal(got, w);

	ck_assert_msg(eq == isl_bool_true, "got %s\nwant %s", s, want);
	free(s);
	isl_union_map_free(got);
	isl_union_map_free(w);
}

static isl_union_map *umap(struct tcc_poly *poly, const char *s)
{
	return isl_union_map_read_from_str(tcc_poly_get_isl_ctx(poly), s);
}

START_TEST(matmul_domain_and_accesses)
{
	struct tcc_poly *poly = build(matmul);
	isl_union_set *dom = tcc_poly_get_domain(poly);
	isl_union_set *want = isl_union_set_read_from_str(tcc_poly_get_isl_ctx(poly),
		"{ S0[i,j] : 0<=i<4 and 0<=j<6; S1[i,j,k] : 0<=i<4 and 0<=j<6 and 0<=k<8 }");

	ck_assert_int_eq(isl_union_set_is_equal(dom, want), isl_bool_true);
	isl_union_set_free(dom);
	isl_union_set_free(want);
	umap_eq(poly, tcc_poly_get_writes(poly),
		"{ S0[i,j] -> C[i,j] : 0<=i<4 and 0<=j<6; "
		"  S1[i,j,k] -> C[i,j] : 0<=i<4 and 0<=j<6 and 0<=k<8 }");
	umap_eq(poly, tcc_poly_get_reads(poly),
		"{ S1[i,j,k] -> C[i,j] : 0<=i<4 and 0<=j<6 and 0<=k<8; "
		"  S1[i,j,k] -> A[i,k] : 0<=i<4 and 0<=j<6 and 0<=k<8; "
		"  S1[i,j,k] -> B[k,j] : 0<=i<4 and 0<=j<6 and 0<=k<8 }");
	tcc_poly_free(poly);
}
END_TEST

START_TEST(matmul_deps)
{
	struct tcc_poly *poly = build(matmul);
	const char *chain = "{ S0[i,j] -> S1[i,j,0] : 0<=i<4 and 0<=j<6; "
			    "  S1[i,j,k] -> S1[i,j,k+1] : 0<=i<4 and 0<=j<6 and 0<=k<7 }";

	umap_eq(poly, tcc_poly_get_deps(poly, TCC_POLY_DEP_FLOW), chain);
	umap_eq(poly, tcc_poly_get_deps(poly, TCC_POLY_DEP_FALSE), chain);
	umap_eq(poly, tcc_poly_get_deps(poly, TCC_POLY_DEP_ALL), chain);
	umap_eq(poly, tcc_poly_get_deps(poly, TCC_POLY_DEP_RELAXED),
		"{ S0[i,j] -> S1[i,j,k] : 0<=i<4 and 0<=j<6 and 0<=k<8 }");
	tcc_poly_free(poly);
}
END_TEST

START_TEST(gather_overapproximates)
{
	struct tcc_poly *poly = build(gather);

	umap_eq(poly, tcc_poly_get_reads(poly),
		"{ S0[i,j] -> X[x,j] : 0<=i<3 and 0<=j<4 and 0<=x<10; "
		"  S0[i,j] -> idx[i] : 0<=i<3 and 0<=j<4 }");
	umap_eq(poly, tcc_poly_get_deps(poly, TCC_POLY_DEP_ALL), "{ }");
	tcc_poly_free(poly);
}
END_TEST

START_TEST(constrained_domain)
{
	struct tcc_poly *poly = build(tri);

	umap_eq(poly, tcc_poly_get_deps(poly, TCC_POLY_DEP_FLOW),
		"{ S0[i,i-2] -> S1[i] : 2<=i<8 }");
	tcc_poly_free(poly);
}
END_TEST

/* A legal schedule map: "want" 1, an illegal one 0, under dependence kind "kind". */
static void legal(struct tcc_poly *poly, const char *sched, enum tcc_poly_dep kind, int want)
{
	isl_union_map *m = umap(poly, sched);

	ck_assert_msg(tcc_poly_schedule_is_legal(poly, m, kind) == want, "%s", sched);
	isl_union_map_free(m);
}

static void permutable(struct tcc_poly *poly, const char *outer, const char *band,
		       enum tcc_poly_dep kind, int want)
{
	isl_union_map *o = outer ? umap(poly, outer) : NULL, *b = umap(poly, band);

	ck_assert_msg(tcc_poly_band_is_permutable(poly, o, b, kind) == want, "%s", band);
	isl_union_map_free(o);
	isl_union_map_free(b);
}

START_TEST(matmul_legality)
{
	struct tcc_poly *poly = build(matmul);
	isl_schedule *sched = tcc_poly_get_schedule(poly);
	isl_union_map *m = isl_schedule_get_map(sched);

	ck_assert_int_eq(tcc_poly_schedule_is_legal(poly, m, TCC_POLY_DEP_ALL), 1);
	isl_union_map_free(m);
	isl_schedule_free(sched);
	/* i,j form a permutable band over both statements: tiling and interchange are legal. */
	permutable(poly, NULL, "{ S0[i,j] -> [i,j]; S1[i,j,k] -> [i,j] }", TCC_POLY_DEP_ALL, 1);
	permutable(poly, NULL, "{ S0[i,j] -> [i,j,0]; S1[i,j,k] -> [i,j,k] }", TCC_POLY_DEP_ALL, 1);
	legal(poly, "{ S0[i,j] -> [0,j,i,0]; S1[i,j,k] -> [1,j,i,k] }", TCC_POLY_DEP_ALL, 1);
	legal(poly, "{ S0[i,j] -> [j,i,0,0]; S1[i,j,k] -> [j,i,1,k] }", TCC_POLY_DEP_ALL, 1);
	/* Initialising after accumulating is wrong whatever the relaxation. */
	legal(poly, "{ S0[i,j] -> [1,i,j,0]; S1[i,j,k] -> [0,i,j,k] }", TCC_POLY_DEP_ALL, 0);
	legal(poly, "{ S0[i,j] -> [1,i,j,0]; S1[i,j,k] -> [0,i,j,k] }", TCC_POLY_DEP_RELAXED, 0);
	/* Reversing k breaks the exact order of the sum, not the reduction. */
	legal(poly, "{ S0[i,j] -> [0,i,j,0]; S1[i,j,k] -> [1,i,j,-k] }", TCC_POLY_DEP_ALL, 0);
	legal(poly, "{ S0[i,j] -> [0,i,j,0]; S1[i,j,k] -> [1,i,j,-k] }", TCC_POLY_DEP_RELAXED, 1);
	permutable(poly, "{ S0[i,j] -> [0]; S1[i,j,k] -> [1] }", "{ S0[i,j] -> [i,j,0]; "
		   "S1[i,j,k] -> [i,j,-k] }", TCC_POLY_DEP_ALL, 0);
	permutable(poly, "{ S0[i,j] -> [0]; S1[i,j,k] -> [1] }", "{ S0[i,j] -> [i,j,0]; "
		   "S1[i,j,k] -> [i,j,-k] }", TCC_POLY_DEP_RELAXED, 1);
	tcc_poly_free(poly);
}
END_TEST

START_TEST(scan_legality)
{
	struct tcc_poly *poly = build(scan);

	umap_eq(poly, tcc_poly_get_deps(poly, TCC_POLY_DEP_FLOW),
		"{ S0[i,k] -> S0[i,k+1] : 0<=i<8 and 1<=k<15 }");
	legal(poly, "{ S0[i,k] -> [k,i] }", TCC_POLY_DEP_ALL, 1);
	legal(poly, "{ S0[i,k] -> [i,-k] }", TCC_POLY_DEP_ALL, 0);
	legal(poly, "{ S0[i,k] -> [i,-k] }", TCC_POLY_DEP_RELAXED, 0);
	legal(poly, "{ S0[i,k] -> [-i,k] }", TCC_POLY_DEP_ALL, 1);
	permutable(poly, NULL, "{ S0[i,k] -> [i,k] }", TCC_POLY_DEP_ALL, 1);
	permutable(poly, NULL, "{ S0[i,k] -> [i,-k] }", TCC_POLY_DEP_RELAXED, 0);
	/* Carried by an outer k loop, the inner band over i may do anything. */
	permutable(poly, "{ S0[i,k] -> [k] }", "{ S0[i,k] -> [-i] }", TCC_POLY_DEP_ALL, 1);
	tcc_poly_free(poly);
}
END_TEST

static void ast_eq(struct tcc_poly *poly, isl_schedule *sched, const char *want)
{
	char *s = tcc_poly_ast_to_str(poly, sched);

	ck_assert_msg(s, "%s", tcc_diag_all(ctx->diag));
	ck_assert_str_eq(s, want);
	free(s);
}

START_TEST(matmul_ast)
{
	struct tcc_poly *poly = build(matmul);

	ast_eq(poly, NULL,
	       "for (int c0 = 0; c0 <= 3; c0 += 1)\n"
	       "  for (int c1 = 0; c1 <= 5; c1 += 1)\n"
	       "    C[c0][c1] = 0.0;\n"
	       "for (int c0 = 0; c0 <= 3; c0 += 1)\n"
	       "  for (int c1 = 0; c1 <= 5; c1 += 1)\n"
	       "    for (int c2 = 0; c2 <= 7; c2 += 1)\n"
	       "      C[c0][c1] += A[c0][c2] * B[c2][c1];\n");
	tcc_poly_free(poly);
}
END_TEST

START_TEST(conv_relu_ast)
{
	/* n has one value: ISL drops its loop, so the loops start at c1. */
	struct tcc_poly *poly = build(conv_relu);

	ast_eq(poly, NULL,
	       "for (int c1 = 0; c1 <= 3; c1 += 1)\n"
	       "  for (int c2 = 0; c2 <= 7; c2 += 1)\n"
	       "    for (int c3 = 0; c3 <= 7; c3 += 1)\n"
	       "      Y[0][c1][c2][c3] = 0.0;\n"
	       "for (int c1 = 0; c1 <= 3; c1 += 1)\n"
	       "  for (int c2 = 0; c2 <= 7; c2 += 1)\n"
	       "    for (int c3 = 0; c3 <= 7; c3 += 1)\n"
	       "      for (int c4 = 0; c4 <= 2; c4 += 1)\n"
	       "        for (int c5 = 0; c5 <= 2; c5 += 1)\n"
	       "          for (int c6 = 0; c6 <= 2; c6 += 1)\n"
	       "            Y[0][c1][c2][c3] += X[0][c4][c2 + c5][c3 + c6] * W[c1][c4][c5][c6];\n"
	       "for (int c1 = 0; c1 <= 3; c1 += 1)\n"
	       "  for (int c2 = 0; c2 <= 7; c2 += 1)\n"
	       "    for (int c3 = 0; c3 <= 7; c3 += 1)\n"
	       "      Y[0][c1][c2][c3] = max(Y[0][c1][c2][c3], 0.0);\n");
	tcc_poly_free(poly);
}
END_TEST

START_TEST(other_asts)
{
	struct tcc_poly *poly = build(tri);

	ast_eq(poly, NULL,
	       "for (int c0 = 0; c0 <= 7; c0 += 1)\n"
	       "  for (int c1 = 0; c1 <= c0; c1 += 1)\n"
	       "    L[c0][c1] = A[c0][c1];\n"
	       "for (int c0 = 2; c0 <= 7; c0 += 1)\n"
	       "  R[c0] = max(R[c0], L[c0][c0 - 2] + (float)(c0));\n");
	tcc_poly_free(poly);
	poly = build(gather);
	ast_eq(poly, NULL,
	       "for (int c0 = 0; c0 <= 2; c0 += 1)\n"
	       "  for (int c1 = 0; c1 <= 3; c1 += 1)\n"
	       "    Y[c0][c1] = X[idx[c0]][c1];\n");
	tcc_poly_free(poly);
}
END_TEST

/* Tile the S1 band of matmul by 2x2x4 through the schedule tree: still legal, and the
 * generated loops step by the tile sizes. */
START_TEST(matmul_tiled_ast)
{
	struct tcc_poly *poly = build(matmul);
	isl_ctx *ictx = tcc_poly_get_isl_ctx(poly);
	isl_schedule *sched = tcc_poly_get_schedule(poly);
	isl_schedule_node *node = isl_schedule_get_root(sched);
	isl_multi_val *sizes;
	isl_union_map *m;

	isl_schedule_free(sched);
	node = isl_schedule_node_child(node, 0);  /* sequence */
	node = isl_schedule_node_child(node, 1);  /* filter S1 */
	node = isl_schedule_node_child(node, 0);  /* band */
	ck_assert_int_eq(isl_schedule_node_get_type(node), isl_schedule_node_band);
	sizes = isl_multi_val_read_from_str(ictx, "{ [2, 2, 4] }");
	node = isl_schedule_node_band_tile(node, sizes);
	sched = isl_schedule_node_get_schedule(node);
	isl_schedule_node_free(node);
	m = isl_schedule_get_map(sched);
	ck_assert_int_eq(tcc_poly_schedule_is_legal(poly, m, TCC_POLY_DEP_ALL), 1);
	isl_union_map_free(m);
	ast_eq(poly, sched,
	       "for (int c0 = 0; c0 <= 3; c0 += 1)\n"
	       "  for (int c1 = 0; c1 <= 5; c1 += 1)\n"
	       "    C[c0][c1] = 0.0;\n"
	       "for (int c0 = 0; c0 <= 3; c0 += 2)\n"
	       "  for (int c1 = 0; c1 <= 5; c1 += 2)\n"
	       "    for (int c2 = 0; c2 <= 7; c2 += 4)\n"
	       "      for (int c3 = 0; c3 <= 1; c3 += 1)\n"
	       "        for (int c4 = 0; c4 <= 1; c4 += 1)\n"
	       "          for (int c5 = 0; c5 <= 3; c5 += 1)\n"
	       "            C[c0 + c3][c1 + c4] += A[c0 + c3][c2 + c5] * B[c2 + c5][c1 + c4];\n");
	ck_assert_int_eq(tcc_poly_set_schedule(poly, sched), 0);
	tcc_poly_free(poly);
}
END_TEST

static Suite *poly_suite(void)
{
	Suite *s = suite_create("poly");
	TCase *tc = tcase_create("poly");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, matmul_domain_and_accesses);
	tcase_add_test(tc, matmul_deps);
	tcase_add_test(tc, gather_overapproximates);
	tcase_add_test(tc, constrained_domain);
	tcase_add_test(tc, matmul_legality);
	tcase_add_test(tc, scan_legality);
	tcase_add_test(tc, matmul_ast);
	tcase_add_test(tc, conv_relu_ast);
	tcase_add_test(tc, other_asts);
	tcase_add_test(tc, matmul_tiled_ast);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(poly_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
