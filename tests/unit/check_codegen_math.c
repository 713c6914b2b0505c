/* The inline float math of codegen/llvm_math.c (exp, log, tanh, erf, sigmoid): each function
 * is generated as `void NAME_wW(const float *in, float *out, i64 chunks)` over chunks of W
 * lanes (W = 1: scalar code; 4, 16: vectors), compiled at O3 for the host, linked without
 * libm, loaded, and compared over a dense sweep of every float (one bit pattern in STEP, plus
 * edge cases) with the double-precision libm value (the reference; the generated code calls
 * nothing, which the test checks in its IR). Errors are in ulps of the float result. */
#include <check.h>
#include <dlfcn.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codegen/llvm_private.h"

typedef LLVMValueRef (*gen_fn)(struct tcc_llvm *cg, LLVMValueRef x);
typedef void (*run_fn)(const float *in, float *out, int64_t chunks);

static double ref_exp(double x)
{
	return exp(x);
}

static double ref_log(double x)
{
	return log(x);
}

static double ref_tanh(double x)
{
	return tanh(x);
}

static double ref_erf(double x)
{
	return erf(x);
}

static double ref_sigmoid(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

/* "max_ulp": what the sweep must stay within (measured over all floats: exp 1.0, log 0.8,
 * tanh 1.3, erf 1.3, sigmoid 2.4). */
static const struct mathfn {
	const char *name;
	gen_fn gen;
	double (*ref)(double);
	double max_ulp;
} fns[] = {
	{ "exp", tcc_llvm_math_exp, ref_exp, 1.5 },
	{ "log", tcc_llvm_math_log, ref_log, 1.5 },
	{ "tanh", tcc_llvm_math_tanh, ref_tanh, 2.0 },
	{ "erf", tcc_llvm_math_erf, ref_erf, 2.0 },
	{ "sigmoid", tcc_llvm_math_sigmoid, ref_sigmoid, 3.0 },
};
#define NFNS ((int)(sizeof(fns) / sizeof(fns[0])))
static const int widths[] = { 1, 4, 16 };
#define NWIDTHS 3

/* The loop `for (i = 0; i < chunks; i++) out[i] = f(in[i])` over <w x float> (float: w 1). */
static void add_loop(struct tcc_llvm *cg, const char *name, int w, gen_fn gen)
{
	LLVMTypeRef params[3] = { cg->t_ptr, cg->t_ptr, cg->t_i64 };
	LLVMTypeRef f32 = LLVMFloatTypeInContext(cg->lctx);
	LLVMTypeRef t = w > 1 ? LLVMVectorType(f32, (unsigned)w) : f32;
	LLVMValueRef fn = LLVMAddFunction(cg->mod, name, LLVMFunctionType(cg->t_void, params, 3, 0));
	LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(cg->lctx, fn, "entry");
	LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(cg->lctx, fn, "head");
	LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(cg->lctx, fn, "body");
	LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(cg->lctx, fn, "done");
	LLVMValueRef i, next, zero = LLVMConstInt(cg->t_i64, 0, 0), v, p;

	tcc_llvm_set_fn_attrs(cg, fn);
	LLVMPositionBuilderAtEnd(cg->b, entry);
	LLVMBuildBr(cg->b, head);
	LLVMPositionBuilderAtEnd(cg->b, head);
	i = LLVMBuildPhi(cg->b, cg->t_i64, "i");
	LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntSLT, i, LLVMGetParam(fn, 2), ""),
			body, done);
	LLVMPositionBuilderAtEnd(cg->b, body);
	p = LLVMBuildInBoundsGEP2(cg->b, t, LLVMGetParam(fn, 0), &i, 1, "");
	v = LLVMBuildLoad2(cg->b, t, p, "");
	LLVMSetAlignment(v, 4);
	v = gen(cg, v);
	p = LLVMBuildInBoundsGEP2(cg->b, t, LLVMGetParam(fn, 1), &i, 1, "");
	LLVMSetAlignment(LLVMBuildStore(cg->b, v, p), 4);
	next = LLVMBuildAdd(cg->b, i, LLVMConstInt(cg->t_i64, 1, 0), "");
	LLVMBuildBr(cg->b, head);
	LLVMAddIncoming(i, (LLVMValueRef[]){ zero, next },
			(LLVMBasicBlockRef[]){ entry, body }, 2);
	LLVMPositionBuilderAtEnd(cg->b, done);
	LLVMBuildRetVoid(cg->b);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *s;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(fread(s, 1, (size_t)n, f), n);
	s[n] = 0;
	fclose(f);
	return s;
}

/* Every function at every width, built once for all tests. */
static struct {
	char dir[64];
	void *so;
	struct tcc_ctx *ctx;
} lib;

static void lib_build(void)
{
	struct tcc_target_opts t = { .opt_level = 3 };
	char obj[128], so[128], ll[128], cmd[512], name[64], *ir, *line;
	struct tcc_llvm *cg;

	strcpy(lib.dir, "/tmp/tcc_math_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(lib.dir));
	lib.ctx = tcc_ctx_new();
	tcc_diag_set_echo(lib.ctx->diag, stderr);
	cg = tcc_llvm_new(lib.ctx, "math", &t);
	ck_assert_ptr_nonnull(cg);
	for (int f = 0; f < NFNS; f++)
		for (int w = 0; w < NWIDTHS; w++) {
			snprintf(name, sizeof(name), "%s_w%d", fns[f].name, widths[w]);
			add_loop(cg, name, widths[w], fns[f].gen);
		}
	ck_assert_int_eq(tcc_llvm_optimize(cg), 0);
	snprintf(obj, sizeof(obj), "%s/m.o", lib.dir);
	snprintf(so, sizeof(so), "%s/m.so", lib.dir);
	snprintf(ll, sizeof(ll), "%s/m.ll", lib.dir);
	ck_assert_int_eq(tcc_llvm_write_ir(cg, ll), 0);
	ck_assert_int_eq(tcc_llvm_write_object(cg, obj), 0);
	tcc_llvm_free(cg);
	/* no calls but intrinsics: every declaration is an llvm.* one */
	ir = slurp(ll);
	for (line = strstr(ir, "\ndeclare "); line; line = strstr(line + 1, "\ndeclare ")) {
		char *eol = strchr(line + 1, '\n');

		if (eol)
			*eol = 0;
		ck_assert_msg(strstr(line, "@llvm.") != NULL, "a call in the math code: %s", line + 1);
		if (eol)
			*eol = '\n';
	}
	free(ir);
	snprintf(cmd, sizeof(cmd), "cc -shared -o %s %s", so, obj);
	ck_assert_int_eq(system(cmd), 0);
	lib.so = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(lib.so != NULL, "dlopen: %s", dlerror());
	unlink(obj);
	unlink(so);
	unlink(ll);
	rmdir(lib.dir);
}

static void lib_free(void)
{
	if (lib.so)
		dlclose(lib.so);
	tcc_ctx_free(lib.ctx);
	memset(&lib, 0, sizeof(lib));
}

static run_fn lookup(const char *fname, int w)
{
	char name[64];
	void *p;
	run_fn fn;

	snprintf(name, sizeof(name), "%s_w%d", fname, w);
	p = dlsym(lib.so, name);
	ck_assert_msg(p != NULL, "no %s", name);
	memcpy(&fn, &p, sizeof(fn));
	return fn;
}

static float from_bits(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

/* |y - ref| in ulps of the float nearest "ref" (subnormal ulp below 2^-126); an infinite or
 * NaN reference must be matched exactly (a result past FLT_MAX must be +-inf). */
static double ulp_err(float y, double ref)
{
	double a = fabs(ref), u;
	int e;

	if (isnan(ref))
		return isnan(y) ? 0 : INFINITY;
	if (isinf(ref) || a > (double)FLT_MAX * (1 + 0x1p-25))
		return y == (float)ref ? 0 : INFINITY;
	if (isinf(y) || isnan(y))
		return INFINITY;
	frexp(a, &e);
	u = ldexp(1.0, e - 24);
	if (u < 0x1p-149)
		u = 0x1p-149;
	return fabs((double)y - ref) / u;
}

#define STEP 331u /* one float in STEP: about 13 million per function */
#define CHUNK 65536

static const float edges[] = {
	0.0f, -0.0f, INFINITY, -INFINITY, NAN, -NAN, 1.0f, -1.0f, 0x1p-149f, -0x1p-149f,
	0x1p-126f, -0x1p-126f, 0x1.fffffep-127f, FLT_MAX, -FLT_MAX, 88.72283f, 88.72284f,
	88.7229f, 89.0f, -87.33654f, -87.34f, -103.97f, -103.98f, -104.0f, -150.0f, 0.625f,
	-0.625f, 0.62499994f, 0.921875f, 0.92187494f, -0.921875f, 3.95f, 3.9499998f, 4.0f,
	-4.0f, 9.0f, -9.0f, 20.0f, 1e-20f, -1e-20f, 0.5f, 2.0f, 0.69314718f, 1.4142135f,
	0.70710677f,
};
#define NEDGES ((int)(sizeof(edges) / sizeof(edges[0])))

/* Sweep function "f" at width index "wi"; fail above its bound. */
static void sweep(int f, int wi)
{
	const struct mathfn *m = &fns[f];
	int w = widths[wi];
	run_fn fn = lookup(m->name, w);
	float *in = malloc(CHUNK * sizeof(float)), *out = malloc(CHUNK * sizeof(float));
	double worst = 0;
	float wx = 0, wy = 0;
	uint64_t u = 0;
	int first = 1;

	ck_assert(in && out);
	while (u < (1ull << 32)) {
		int n = 0;

		if (first) {
			for (; n < NEDGES; n++)
				in[n] = edges[n];
			first = 0;
		}
		for (; n < CHUNK && u < (1ull << 32); u += STEP)
			in[n++] = from_bits((uint32_t)u);
		while (n % w) /* pad to full chunks */
			in[n++] = 0.0f;
		fn(in, out, n / w);
		for (int i = 0; i < n; i++) {
			double ref = m->ref((double)in[i]), e = ulp_err(out[i], ref);

			/* zeros, infinities: the sign must match too */
			if (e == 0 && out[i] == 0 && ref == 0 && signbit(out[i]) != signbit((float)ref))
				e = INFINITY;
			if (e > worst) {
				worst = e;
				wx = in[i];
				wy = out[i];
			}
		}
	}
	free(in);
	free(out);
	ck_assert_msg(worst <= m->max_ulp, "%s (width %d): %.3f ulp at x = %a (got %a, want %a)",
		      m->name, w, worst, wx, wy, m->ref((double)wx));
}

START_TEST(accuracy)
{
	for (int wi = 0; wi < NWIDTHS; wi++)
		sweep(_i, wi);
}
END_TEST

/* Special values exactly as C's (and the same at every width). */
START_TEST(special_values)
{
	static const float x[16] = { NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 89.0f, -104.0f,
				     -87.5f, 0x1p-149f, -1.0f, 1e30f, -1e30f, 5.0f, -5.0f,
				     0x1p-140f, 1.0f };
	float y[16];

	for (int wi = 0; wi < NWIDTHS; wi++) {
		lookup("exp", widths[wi])(x, y, 16 / widths[wi]);
		ck_assert(isnan(y[0]));
		ck_assert(y[1] == INFINITY && y[2] == 0.0f && y[3] == 1.0f && y[4] == 1.0f);
		ck_assert(y[5] == INFINITY && y[6] == 0.0f && y[10] == INFINITY && y[11] == 0.0f);
		ck_assert(y[7] > 0 && y[7] < 0x1p-126f); /* subnormal */
		lookup("log", widths[wi])(x, y, 16 / widths[wi]);
		ck_assert(isnan(y[0]) && y[1] == INFINITY && isnan(y[2]));
		ck_assert(y[3] == -INFINITY && y[4] == -INFINITY && isnan(y[9]) && y[15] == 0.0f);
		ck_assert_float_eq(y[8], logf(0x1p-149f));
		ck_assert_float_eq(y[14], logf(0x1p-140f));
		lookup("tanh", widths[wi])(x, y, 16 / widths[wi]);
		ck_assert(isnan(y[0]) && y[1] == 1.0f && y[2] == -1.0f && y[10] == 1.0f);
		ck_assert(y[3] == 0.0f && !signbit(y[3]) && y[4] == 0.0f && signbit(y[4]));
		ck_assert(y[8] == 0x1p-149f);
		lookup("erf", widths[wi])(x, y, 16 / widths[wi]);
		ck_assert(isnan(y[0]) && y[1] == 1.0f && y[2] == -1.0f && y[12] == 1.0f);
		ck_assert(y[13] == -1.0f && y[4] == 0.0f && signbit(y[4]));
		lookup("sigmoid", widths[wi])(x, y, 16 / widths[wi]);
		ck_assert(isnan(y[0]) && y[1] == 1.0f && y[2] == 0.0f && y[3] == 0.5f);
		ck_assert(y[10] == 1.0f && y[11] == 0.0f && y[7] > 0);
	}
}
END_TEST

/* Through the kernel codegen (llvm_expr.c): exp, log, tanh, erf and sigmoid of float call
 * nothing (no libm function, no llvm.exp / llvm.log, which LLVM would scalarize into calls). */
START_TEST(kernel_no_libm)
{
	static const char *text =
		"kernel k(in X: float[256], out Y: float[256]) {\n"
		"  S0[i<256]: Y[i] = exp(X[i]) + log(abs(X[i]) + 1.0) + tanh(X[i]) + erf(X[i]) + "
		"sigmoid(X[i])\n}\n";
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_target_opts t = { .opt_level = 3 };
	struct tcc_kernel *k;
	struct tcc_llvm *cg;
	char dir[64] = "/tmp/tcc_math_XXXXXX", ll[128], *ir;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	tcc_diag_set_echo(ctx->diag, stderr);
	k = tcc_kernel_parse(ctx, "t.k", text, strlen(text));
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(tcc_kernel_verify(k), 0);
	cg = tcc_llvm_new(ctx, "k", &t);
	ck_assert_ptr_nonnull(cg);
	ck_assert_int_eq(tcc_llvm_add_kernel(cg, k, "kern"), 0);
	ck_assert_int_eq(tcc_llvm_optimize(cg), 0);
	snprintf(ll, sizeof(ll), "%s/k.ll", dir);
	ck_assert_int_eq(tcc_llvm_write_ir(cg, ll), 0);
	tcc_llvm_free(cg);
	ir = slurp(ll);
	ck_assert_msg(!strstr(ir, "@expf") && !strstr(ir, "@logf") && !strstr(ir, "@tanhf") &&
		      !strstr(ir, "@erff") && !strstr(ir, "@llvm.exp.") && !strstr(ir, "@llvm.log."),
		      "libm in the kernel:\n%s", ir);
	free(ir);
	unlink(ll);
	rmdir(dir);
	tcc_ctx_free(ctx);
}
END_TEST

static Suite *math_suite(void)
{
	Suite *s = suite_create("codegen_math");
	TCase *tc = tcase_create("math");

	tcase_set_timeout(tc, 600);
	tcase_add_unchecked_fixture(tc, lib_build, lib_free);
	tcase_add_loop_test(tc, accuracy, 0, NFNS);
	tcase_add_test(tc, special_values);
	tcase_add_test(tc, kernel_no_libm);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(math_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
