/* Kernel IR: text round trips, builder API, parse errors, verifier errors. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ir/kernel/kernel.h"

/* Kernels written in canonical form: print(parse(text)) == text. */
static const char *const kernels[] = {
	"kernel matmul(in A: float[4,8], in B: float[8,6], out C: float[4,6]) {\n"
	"  S0[i<4, j<6]: C[i,j] = 0.0\n"
	"  S1[i<4, j<6, k<8]: C[i,j] += A[i,k] * B[k,j]\n"
	"}\n",

	"kernel conv_relu(in X: float[1,3,10,10], in W: float[4,3,3,3], out Y: float[1,4,8,8]) {\n"
	"  S0[n<1, f<4, h<8, w<8]: Y[n,f,h,w] = 0.0\n"
	"  S1[n<1, f<4, h<8, w<8, c<3, r<3, s<3]: Y[n,f,h,w] += X[n,c,h+r,w+s] * W[f,c,r,s]\n"
	"  S2[n<1, f<4, h<8, w<8]: Y[n,f,h,w] = max(Y[n,f,h,w], 0.0)\n"
	"}\n",

	"kernel softmax(in X: float[2,5], out Y: float[2,5], temp M: float[2], temp Z: float[2]) {\n"
	"  S0[i<2]: M[i] = -inf\n"
	"  S1[i<2, j<5]: M[i] max= X[i,j]\n"
	"  S2[i<2, j<5]: Y[i,j] = exp(X[i,j] - M[i])\n"
	"  S3[i<2]: Z[i] = 0.0\n"
	"  S4[i<2, j<5]: Z[i] += Y[i,j]\n"
	"  S5[i<2, j<5]: Y[i,j] = Y[i,j] / Z[i]\n"
	"}\n",

	"kernel concat(in A: float[2,3], in B: float[2,4], out Y: float[2,7]) {\n"
	"  S0[i<2, j<3]: Y[i,j] = A[i,j]\n"
	"  S1[i<2, j<4]: Y[i,j+3] = B[i,j]\n"
	"}\n",

	"kernel pad(in X: float[4,4], out Y: float[6,6]) {\n"
	"  S0[i<6, j<6]: Y[i,j] = 0.0\n"
	"  S1[i<4, j<4]: Y[i+1,j+1] = X[i,j]\n"
	"}\n",

	"kernel gather(in X: float[10,4], in idx: int64[3], out Y: float[3,4]) {\n"
	"  S0[i<3, j<4]: Y[i,j] = X[idx[i],j]\n"
	"}\n",

	"kernel transpose(in X: float[3,4], out Y: float[4,3]) {\n"
	"  S0[i<3, j<4]: Y[j,i] = X[i,j]\n"
	"}\n",

	"kernel mean(in X: float[4,6], out Y: float[4]) {\n"
	"  S0[i<4]: Y[i] = 0.0\n"
	"  S1[i<4, j<6]: Y[i] += X[i,j]\n"
	"  S2[i<4]: Y[i] = Y[i] / 6.0\n"
	"}\n",

	"kernel misc(in X: float[8], in N: int32[8], out Y: float[8], out I: int32[8], temp t: double[]) {\n"
	"  S0[i<8]: Y[i] = cast<float>(i) * 0.5 + 1e-05\n"
	"  S1[i<8]: Y[i] = select(X[i] > 0.0, X[i], X[i] * 0.01)\n"
	"  S2[i<8]: Y[i] = Y[i] - (X[i] - 2.0) - neg(X[i]) * -1.5\n"
	"  S3[i in 1..8]: Y[i] = X[(i-1)/2] + X[i%3] + X[7-i] + X[2*i-i]\n"
	"  S4[i<8]: I[i] = N[i] % 3 + i / 2 * (N[i] + 1)\n"
	"  S5[]: t[] = 0.0\n"
	"  S6[i<8]: t[] += cast<double>(erf(sigmoid(X[i])) + pow(relu(X[i]), 2.0))\n"
	"  S7[i<8, j<8 : j <= i, i + j != 7]: I[i] min= xor(N[j], and(N[i], not(N[i])))\n"
	"  S8[i<8]: I[i] = cast<int32>(or(X[i] != 0.0, X[i] == nan))\n"
	"  S9[i<8]: Y[i] *= min(rsqrt(abs(X[i])), max(floor(X[i]), ceil(round(X[i]))))\n"
	"  S10[i<8]: Y[i] = tan(asin(X[i])) + acos(atan(X[i])) * sinh(cosh(X[i]))\n"
	"  S11[i<8]: Y[i] = asinh(X[i]) - acosh(X[i]) / atanh(X[i])\n"
	"  S12[i<8]: I[i] = shl(N[i], 2) + shr(N[i], N[i])\n"
	"}\n",
};

#define N_KERNELS (int)(sizeof(kernels) / sizeof(kernels[0]))

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

static struct tcc_kernel *parse(const char *text)
{
	return tcc_kernel_parse(ctx, "t.k", text, strlen(text));
}

START_TEST(roundtrip)
{
	struct tcc_kernel *k = parse(kernels[_i]), *k2;
	char *s, *s2;

	ck_assert_msg(k, "%s", tcc_diag_all(ctx->diag));
	ck_assert_msg(tcc_kernel_verify(k) == 0, "%s", tcc_diag_all(ctx->diag));
	s = tcc_kernel_to_str(k);
	ck_assert_str_eq(s, kernels[_i]);
	k2 = parse(s);
	ck_assert_ptr_nonnull(k2);
	s2 = tcc_kernel_to_str(k2);
	ck_assert_str_eq(s2, s);
	free(s);
	free(s2);
}
END_TEST

/* Inputs in free form print canonically, and the canonical text is a fixed point. */
static const char *const loose[][2] = {
	{ "kernel k ( out Y : float [ 4 ] ) { # comment\n S0 [ i < 4 ] : Y [ i ] = ((1)) }",
	  "kernel k(out Y: float[4]) {\n  S0[i<4]: Y[i] = 1\n}\n" },
	{ "kernel k(in X: float[4], out Y: float[4]) { A[i in 0..4]: Y[i] = -X[ i ] + 2.5e0 * (X[i] * X[i]) }",
	  "kernel k(in X: float[4], out Y: float[4]) {\n  A[i<4]: Y[i] = neg(X[i]) + 2.5 * (X[i] * X[i])\n}\n" },
	{ "kernel k(out Y: float[4]) { S0[i<2, j<2]: Y[i + 2 * j] = -(3.0) S1[i<4]: Y[i] += 1 }",
	  "kernel k(out Y: float[4]) {\n  S0[i<2, j<2]: Y[i+2*j] = neg(3.0)\n  S1[i<4]: Y[i] += 1\n}\n" },
	{ "kernel k(out Y: int64[4]) { S0[i in -2..2]: Y[i+2] = i - -9223372036854775808 }",
	  "kernel k(out Y: int64[4]) {\n  S0[i in -2..2]: Y[i+2] = i - -9223372036854775808\n}\n" },
};

START_TEST(loose_forms)
{
	struct tcc_kernel *k = parse(loose[_i][0]);
	char *s;

	ck_assert_msg(k, "%s", tcc_diag_all(ctx->diag));
	ck_assert_msg(tcc_kernel_verify(k) == 0, "%s", tcc_diag_all(ctx->diag));
	s = tcc_kernel_to_str(k);
	ck_assert_str_eq(s, loose[_i][1]);
	free(s);
}
END_TEST

START_TEST(builder)
{
	struct tcc_kernel *k = tcc_kernel_new(ctx, "matmul");
	int64_t da[] = { 4, 8 }, db[] = { 8, 6 }, dc[] = { 4, 6 };
	struct tcc_kbuf *a = tcc_kernel_add_buf(k, "A", TCC_KBUF_IN, TCC_DT_FLOAT, 2, da);
	struct tcc_kbuf *b = tcc_kernel_add_buf(k, "B", TCC_KBUF_IN, TCC_DT_FLOAT, 2, db);
	struct tcc_kbuf *c = tcc_kernel_add_buf(k, "C", TCC_KBUF_OUT, TCC_DT_FLOAT, 2, dc);
	struct tcc_kstmt *s0 = tcc_kernel_add_stmt(k, "S0"), *s1 = tcc_kernel_add_stmt(k, "S1");
	struct tcc_kexpr *ij[2], *ik[2], *kj[2];
	char *s;

	ck_assert_int_eq(tcc_kstmt_add_iter(k, s0, "i", 0, 4), 0);
	ck_assert_int_eq(tcc_kstmt_add_iter(k, s0, "j", 0, 6), 1);
	ij[0] = tcc_kexpr_iter(ctx, 0);
	ij[1] = tcc_kexpr_iter(ctx, 1);
	tcc_kstmt_set_body(s0, tcc_kexpr_load(ctx, c, 2, ij), TCC_KUPD_ASSIGN,
			   tcc_kexpr_float(ctx, 0.0));
	tcc_kstmt_add_iter(k, s1, "i", 0, 4);
	tcc_kstmt_add_iter(k, s1, "j", 0, 6);
	tcc_kstmt_add_iter(k, s1, "k", 0, 8);
	ik[0] = ij[0];
	ik[1] = kj[0] = tcc_kexpr_iter(ctx, 2);
	kj[1] = ij[1];
	tcc_kstmt_set_body(s1, tcc_kexpr_load(ctx, c, 2, ij), TCC_KUPD_ADD,
			   tcc_kexpr_op(ctx, TCC_KOP_MUL, tcc_kexpr_load(ctx, a, 2, ik),
					tcc_kexpr_load(ctx, b, 2, kj), NULL));
	ck_assert_int_eq(tcc_kernel_verify(k), 0);
	s = tcc_kernel_to_str(k);
	ck_assert_str_eq(s, kernels[0]);
	free(s);
	ck_assert(tcc_kstmt_is_reduction_iter(s1, 2));
	ck_assert(!tcc_kstmt_is_reduction_iter(s1, 0));
	ck_assert_int_eq(s1->rhs->dtype, TCC_DT_FLOAT);
	ck_assert_int_eq(s1->target->args[0]->dtype, TCC_DT_INT64);
}
END_TEST

#define HDR "kernel k(in X: float[4], in N: int64[4], out Y: float[4], out M: float[4,4], out K: int64[4]) {\n"

/* Parse errors: input and the exact first diagnostic. */
static const char *const parse_errors[][2] = {
	{ "", "t.k:1:1: error: expected 'kernel', found end of input" },
	{ "kernel", "t.k:1:7: error: expected a kernel name, found end of input" },
	{ "kernel k(in X: float[4]", "t.k:1:24: error: expected ',' or ')', found end of input" },
	{ "kernel k(io X: float[4]) {}", "t.k:1:10: error: expected 'in', 'out' or 'temp', found 'io'" },
	{ "kernel k(in X: floaty[4]) {}", "t.k:1:16: error: expected a dtype, found 'floaty'" },
	{ "kernel k(in X: float[4], in X: float[2]) {}", "t.k:1:29: error: buffer 'X' defined twice" },
	{ HDR "  S0[i<4]: Y[i] = Z[i]\n}", "t.k:2:19: error: unknown buffer 'Z'" },
	{ HDR "  S0[i<4]: Y[j] = 1.0\n}", "t.k:2:14: error: unknown iterator 'j'" },
	{ HDR "  S0[i<4, i<2]: Y[i] = 1.0\n}", "t.k:2:11: error: iterator 'i' defined twice" },
	{ HDR "  S0[i<4]: Y[i] = X[i] @ 2\n}", "t.k:2:24: error: unexpected character '@'" },
	{ HDR "  S0[i<4]: Y[i] = X[i\n}", "t.k:3:1: error: expected ',' or ']', found '}'" },
	{ HDR "  S0[i<4]: Y[i] = foo(X[i])\n}", "t.k:2:19: error: unknown function 'foo'" },
	{ HDR "  S0[i<4]: Y[i] = exp(X[i], 1.0)\n}", "t.k:2:29: error: 'exp' takes 1 operand" },
	{ HDR "  S0[i<4]: Y[i] = max(X[i])\n}", "t.k:2:27: error: 'max' takes 2 operands" },
	{ HDR "  S0[i<4]: Y[i] max X[i]\n}", "t.k:2:21: error: expected '=' after max/min, found 'X'" },
	{ HDR "  S0[i<4]: Y[i] -= X[i]\n}",
	  "t.k:2:17: error: expected '=', '+=', '*=', 'max=' or 'min=', found '-'" },
	{ HDR "  S0[i<4]: Y[i] = 99999999999999999999\n}", "t.k:2:19: error: integer literal out of range" },
	{ HDR "  S0[i in 3..1]: Y[i] = 1.0\n}", "t.k:2:6: error: empty range for iterator 'i'" },
	{ HDR "  S0[i<4]: 3 = 1.0\n}", "t.k:2:12: error: expected a target buffer, found '3'" },
	{ HDR "  S0[i<4 : i + 1]: Y[i] = 1.0\n}", "t.k:2:12: error: a domain constraint must be a comparison" },
	{ HDR "  S0[i<4]: Y[i] = cast<text>(X[i])\n}", "t.k:2:24: error: expected a dtype, found 'text'" },
	{ HDR "  S0[i<4]: Y[i] = 1.0\n} x", "t.k:3:3: error: unexpected 'x' after the kernel" },
	{ HDR "  S0[inf<4]: Y[0] = 1.0\n}", "t.k:2:6: error: 'inf' cannot name an iterator" },
	{ "kernel k(in X: float[4]) {\x01}", "t.k:1:27: error: unexpected byte 0x01" },
};

START_TEST(parse_error)
{
	const char *text = parse_errors[_i][0];

	ck_assert_ptr_null(parse(text));
	ck_assert_int_eq(tcc_diag_error_count(ctx->diag), 1);
	ck_assert_str_eq(tcc_diag_first_error(ctx->diag), parse_errors[_i][1]);
}
END_TEST

/* Verifier errors: the first diagnostic contains the text given. */
static const char *const verify_errors[][2] = {
	{ HDR "  S0[i<4]: Y[i,i] = 1.0\n}", "t.k:2:12: error: 'Y' has rank 1 but 2 subscripts" },
	{ HDR "  S0[i<4]: Y[i+1] = 1.0\n}", "t.k:2:15: error: S0: subscript 0 of 'Y' leaves [0, 4) (at i=3)" },
	{ HDR "  S0[i<4, j<4]: Y[i] = X[i+j-3]\n}", "subscript 0 of 'X' leaves [0, 4) (at i=0, j=0)" },
	{ HDR "  S0[i<4, j<4 : j < i]: M[i,j] = X[j+1]\n}", "" },
	{ HDR "  S0[i<4]: X[i] = 1.0\n}", "t.k:2:12: error: statement 'S0' writes input buffer 'X'" },
	{ HDR "  S0[i<4]: Y[i] = N[i]\n}", "t.k:2:19: error: value of int64 stored into float buffer 'Y'" },
	{ HDR "  S0[i<4]: K[i] = 1.5\n}", "float literal where int64 is expected" },
	{ HDR "  S0[i<4]: Y[N[i]] = 1.0\n}", "subscript 0 of target 'Y' is not affine" },
	{ HDR "  S0[i<4]: K[i] = exp(N[i])\n}", "'exp' needs a float operand, not int64" },
	{ HDR "  S0[i<4]: Y[i] = X[i] + N[i]\n}", "dtype mismatch: float and int64" },
	{ HDR "  S0[i<4]: Y[i] = X[X[i]]\n}", "subscript 0 of 'X' is float, not an integer" },
	{ HDR "  S0[i<4]: Y[i] = select(X[i], 1.0, 2.0)\n}", "select condition is float, not bool" },
	{ HDR "  S0[i<4]: Y[i] = and(X[i], X[i])\n}", "'and' does not apply to float" },
	{ HDR "  S0[i<4]: Y[i] = 1.0\n  S0[i<4]: Y[i] = 2.0\n}", "statement 'S0' defined twice" },
	{ HDR "  S0[i<4 : i * i < 3]: Y[i] = 1.0\n}", "a domain constraint must compare affine expressions" },
	{ HDR "  S0[i<4]: Y[i*i/4] = 1.0\n}", "subscript 0 of target 'Y' is not affine" },
};

START_TEST(verify_error)
{
	struct tcc_kernel *k = parse(verify_errors[_i][0]);
	const char *want = verify_errors[_i][1];

	ck_assert_msg(k, "%s", tcc_diag_all(ctx->diag));
	if (!want[0]) {
		ck_assert_msg(tcc_kernel_verify(k) == 0, "%s", tcc_diag_all(ctx->diag));
		return;
	}
	ck_assert_int_eq(tcc_kernel_verify(k), -1);
	ck_assert_msg(strstr(tcc_diag_first_error(ctx->diag), want), "got %s",
		      tcc_diag_first_error(ctx->diag));
}
END_TEST

/* Every prefix of every kernel, and every kernel with one byte replaced, parses or fails
 * cleanly (run under ASan to make this meaningful). */
START_TEST(no_crash_on_garbage)
{
	static const char subst[] = "\0[](){}<>=+-*/%:,.#0aZ \n\xff";
	const char *t = kernels[_i];
	size_t n = strlen(t);
	char *buf = malloc(n + 1);

	for (size_t len = 0; len <= n; len++) {
		struct tcc_kernel *k = tcc_kernel_parse(ctx, "t.k", t, len);

		if (k)
			tcc_kernel_verify(k);
		tcc_diag_clear(ctx->diag);
	}
	for (size_t pos = 0; pos < n; pos++) {
		for (size_t c = 0; c < sizeof(subst) - 1; c++) {
			struct tcc_kernel *k;

			memcpy(buf, t, n);
			buf[pos] = subst[c];
			k = tcc_kernel_parse(ctx, "t.k", buf, n);
			if (k && tcc_kernel_verify(k) == 0) {
				char *s = tcc_kernel_to_str(k);

				ck_assert_ptr_nonnull(tcc_kernel_parse(ctx, "t.k", s, strlen(s)));
				free(s);
			}
			tcc_diag_clear(ctx->diag);
		}
	}
	free(buf);
}
END_TEST

START_TEST(deep_nesting)
{
	size_t n = 20000;
	char *t = malloc(n * 2 + 200);

	strcpy(t, HDR "  S0[i<4]: Y[i] = ");
	size_t at = strlen(t);
	memset(t + at, '(', n);
	strcpy(t + at + n, "1.0");
	memset(t + at + n + 3, ')', n);
	strcpy(t + at + 2 * n + 3, "\n}");
	ck_assert_ptr_null(parse(t));
	ck_assert_ptr_nonnull(strstr(tcc_diag_first_error(ctx->diag), "nested too deeply"));
	free(t);
}
END_TEST

static Suite *kernel_suite(void)
{
	Suite *s = suite_create("kernel");
	TCase *tc = tcase_create("text");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, roundtrip, 0, N_KERNELS);
	tcase_add_loop_test(tc, loose_forms, 0, (int)(sizeof(loose) / sizeof(loose[0])));
	tcase_add_test(tc, builder);
	tcase_add_loop_test(tc, parse_error, 0,
			    (int)(sizeof(parse_errors) / sizeof(parse_errors[0])));
	tcase_add_loop_test(tc, verify_error, 0,
			    (int)(sizeof(verify_errors) / sizeof(verify_errors[0])));
	tcase_add_loop_test(tc, no_crash_on_garbage, 0, N_KERNELS);
	tcase_add_test(tc, deep_nesting);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(kernel_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
