/* Code generation from schedule trees with "parallel" and "vector" marks and unrolled band
 * members (codegen/llvm_parallel.c, codegen/llvm_vector.c): schedules are written here by
 * hand with the isl API, printed to isl's text form and read back (the path schedule passes
 * use), compiled at O3, linked with the runtime (tcc_link_shared) and run, directly (NULL
 * execution context: serial) and inside a model instance with 2 threads; results are
 * compared with the same kernel compiled from its initial schedule, or with a naive GEMM.
 * TCC_BENCH=1 also measures GEMM GFLOP/s for 512^3 and 1024^3 (printed, not asserted). */
#include <check.h>
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <isl/aff.h>
#include <isl/id.h>
#include <isl/schedule.h>
#include <isl/schedule_node.h>
#include <isl/union_set.h>
#include <isl/val.h>

#include "codegen/codegen.h"
#include "ir/kernel/kernel.h"
#include "ir/kernel/poly.h"
#include "tcc_rt.h"

/* ---- building ---- */

struct built {
	struct tcc_ctx *ctx;
	char dir[64];
	void *so;
	void *fn;
	int nbufs;
};

typedef void (*transform_fn)(struct tcc_poly *poly, const void *arg);

static void path_in(char *buf, size_t n, const struct built *b, const char *name)
{
	snprintf(buf, n, "%s/%s", b->dir, name);
}

/* Apply "tf", then go through the text form as llvm_program.c does. */
static void reschedule(struct tcc_poly *poly, transform_fn tf, const void *arg)
{
	isl_schedule *sched;
	char *text;

	tf(poly, arg);
	sched = tcc_poly_get_schedule(poly);
	text = isl_schedule_to_str(sched);
	isl_schedule_free(sched);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(tcc_poly_set_schedule_str(poly, text), 0);
	free(text);
}

/* Compile "text" (scheduled by "tf" when not NULL), write k.o (and k.s when "asm_out"),
 * link k.so with the runtime and load "kern". */
static void build(struct built *b, const char *text, transform_fn tf, const void *arg,
		  int asm_out)
{
	char obj[128], so[128], s[128];
	struct tcc_kernel *k;
	struct tcc_poly *poly;
	struct tcc_llvm *cg;

	memset(b, 0, sizeof(*b));
	strcpy(b->dir, "/tmp/tcc_cs_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(b->dir));
	b->ctx = tcc_ctx_new();
	tcc_diag_set_echo(b->ctx->diag, stderr);
	k = tcc_kernel_parse(b->ctx, "t.k", text, strlen(text));
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(tcc_kernel_verify(k), 0);
	b->nbufs = k->nbufs;
	cg = tcc_llvm_new(b->ctx, k->name, NULL);
	poly = tcc_poly_build(k);
	ck_assert_ptr_nonnull(cg);
	ck_assert_ptr_nonnull(poly);
	if (tf)
		reschedule(poly, tf, arg);
	ck_assert_int_eq(tcc_llvm_add_kernel_poly(cg, poly, "kern"), 0);
	tcc_poly_free(poly);
	ck_assert_int_eq(tcc_llvm_optimize(cg), 0);
	path_in(obj, sizeof(obj), b, "k.o");
	path_in(so, sizeof(so), b, "k.so");
	path_in(s, sizeof(s), b, "k.s");
	ck_assert_int_eq(tcc_llvm_write_object(cg, obj), 0);
	if (asm_out)
		ck_assert_int_eq(tcc_llvm_write_asm(cg, s), 0);
	tcc_llvm_free(cg);
	ck_assert_int_eq(tcc_link_shared(b->ctx, obj, so), 0);
	b->so = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(b->so != NULL, "dlopen: %s", dlerror());
	b->fn = dlsym(b->so, "kern");
	ck_assert_ptr_nonnull(b->fn);
}

static void built_free(struct built *b)
{
	static const char *const files[] = { "k.o", "k.so", "k.s" };
	char p[128];

	if (b->so)
		dlclose(b->so);
	for (int i = 0; i < 3; i++) {
		path_in(p, sizeof(p), b, files[i]);
		unlink(p);
	}
	rmdir(b->dir);
	tcc_ctx_free(b->ctx);
}

/* The assembly of the last build (malloc'ed). */
static char *read_asm(const struct built *b)
{
	char p[128];
	FILE *f;
	long n;
	char *s;

	path_in(p, sizeof(p), b, "k.s");
	f = fopen(p, "r");
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

/* ---- running: directly (ex = NULL) or in a model instance with a thread pool ---- */

typedef void (*k3_fn)(void *, void *, void *, void *);
typedef void (*k4_fn)(void *, void *, void *, void *, void *);
typedef void (*k5_fn)(void *, void *, void *, void *, void *, void *);

static void call(struct built *b, struct tcc_rt_exec *ex, void **a)
{
	switch (b->nbufs) {
	case 3: ((k3_fn)b->fn)(ex, a[0], a[1], a[2]); break;
	case 4: ((k4_fn)b->fn)(ex, a[0], a[1], a[2], a[3]); break;
	case 5: ((k5_fn)b->fn)(ex, a[0], a[1], a[2], a[3], a[4]); break;
	default: ck_abort_msg("unexpected buffer count");
	}
}

static struct built *run_b;
static void **run_args;
static int run_reps;

static int model_run(struct tcc_rt_exec *ex, void *const *in, void *const *out)
{
	for (int r = 0; r < run_reps; r++)
		call(run_b, ex, run_args);
	return 0;
}

static const struct tcc_rt_model_desc model_desc = {
	.magic = TCC_RT_ABI_MAGIC,
	.abi_version = TCC_RT_ABI_VERSION,
	.name = "sched",
	.default_threads = 1,
	.run = model_run,
};

/* Call the kernel "reps" times inside one run of a model with "threads" threads. */
static void run_threads(struct built *b, void **a, int threads, int reps)
{
	char err[256];
	tcc_model *m = tcc_model_from_desc(&model_desc, err, sizeof(err));

	ck_assert_msg(m != NULL, "%s", err);
	run_b = b;
	run_args = a;
	run_reps = reps;
	ck_assert_int_eq(tcc_model_set_threads(m, threads), TCC_RT_OK);
	ck_assert_int_eq(tcc_model_run(m, NULL, 0, NULL, 0), TCC_RT_OK);
	tcc_model_free(m);
}

static void fill(float *x, long n, unsigned seed)
{
	for (long i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		x[i] = (float)((seed >> 8) & 0xffff) / 32768.0f - 1.0f;
	}
}

/* ---- schedules ---- */

/* The band of statement "stmt" (a child of the root sequence, when there is one). */
static __isl_give isl_schedule_node *stmt_band(struct tcc_poly *poly, int stmt)
{
	isl_schedule *sched = tcc_poly_get_schedule(poly);
	isl_schedule_node *node = isl_schedule_node_child(isl_schedule_get_root(sched), 0);

	isl_schedule_free(sched);
	if (isl_schedule_node_get_type(node) == isl_schedule_node_sequence)
		node = isl_schedule_node_child(isl_schedule_node_child(node, stmt), 0);
	ck_assert_int_eq(isl_schedule_node_get_type(node), isl_schedule_node_band);
	return node;
}

static void set_schedule_at(struct tcc_poly *poly, __isl_take isl_schedule_node *node)
{
	isl_schedule *sched = isl_schedule_node_get_schedule(node);

	isl_schedule_node_free(node);
	ck_assert_int_eq(tcc_poly_set_schedule(poly, sched), 0);
}

static __isl_give isl_schedule_node *mark(__isl_take isl_schedule_node *node, const char *name)
{
	isl_ctx *ictx = isl_schedule_node_get_ctx(node);

	return isl_schedule_node_insert_mark(node, isl_id_alloc(ictx, name, NULL));
}

/* Statement "s": the last member of its band under a "vector" mark. */
static void vectorize_stmt(struct tcc_poly *poly, int s)
{
	isl_schedule_node *node = stmt_band(poly, s);
	isl_size n = isl_schedule_node_band_n_member(node);

	if (n > 1)
		node = isl_schedule_node_child(isl_schedule_node_band_split(node, n - 1), 0);
	set_schedule_at(poly, mark(node, "vector"));
}

static void vectorize_all(struct tcc_poly *poly, const void *arg)
{
	for (int s = 0; s < tcc_poly_get_kernel(poly)->nstmts; s++)
		vectorize_stmt(poly, s);
}

/* One level of a hand-written schedule, outermost first: a band of the affine expressions
 * "affs" (';'-separated, over S1[i,j,k]), optionally unrolled, under an optional mark. */
struct level {
	const char *mark;
	const char *affs;
	int unroll; /* 1: unroll, 2: separate (full tiles apart from partial ones) */
};

static __isl_give isl_schedule_node *insert_level(__isl_take isl_schedule_node *node,
						  const struct level *l)
{
	char buf[1024], *p = buf, expr[256];
	const char *a = l->affs;
	isl_multi_union_pw_aff *mupa;

	p += sprintf(p, "[");
	while (*a) {
		size_t n = strcspn(a, ";");

		snprintf(expr, sizeof(expr), "%.*s", (int)n, a);
		p += sprintf(p, "%s{ S1[i,j,k] -> [(%s)] }", p == buf + 1 ? "" : ", ", expr);
		a += n + (a[n] == ';');
	}
	sprintf(p, "]");
	mupa = isl_multi_union_pw_aff_read_from_str(isl_schedule_node_get_ctx(node), buf);
	ck_assert_msg(mupa != NULL, "bad schedule level %s", buf);
	node = isl_schedule_node_insert_partial_schedule(node, mupa);
	for (int m = 0; l->unroll && m < isl_schedule_node_band_n_member(node); m++)
		node = isl_schedule_node_band_member_set_ast_loop_type(node, m, l->unroll == 1 ?
			isl_ast_loop_unroll : isl_ast_loop_separate);
	return l->mark ? mark(node, l->mark) : node;
}

/* Replace S1's band by "levels" (NULL-terminated by affs == NULL) and vectorize S0's j. */
static void gemm_schedule(struct tcc_poly *poly, const void *arg)
{
	const struct level *lv = arg;
	isl_schedule_node *node = isl_schedule_node_delete(stmt_band(poly, 1));
	int n = 0;

	while (lv[n].affs)
		n++;
	for (int i = n - 1; i >= 0; i--)
		node = insert_level(node, &lv[i]);
	set_schedule_at(poly, node);
	vectorize_stmt(poly, 0);
}

/* ---- tests ---- */

/* Run "text" plain and with "tf" on the same inputs (buffers of "sizes" floats, the first
 * "nin" inputs filled), serially and with 2 threads; outputs agree within "tol". */
static void compare(const char *text, transform_fn tf, const void *arg, const long *sizes,
		    int nbufs, int nin, double tol)
{
	struct built plain, sched;
	float *ref[8], *got[8];

	build(&plain, text, NULL, NULL, 0);
	build(&sched, text, tf, arg, 0);
	for (int i = 0; i < nbufs; i++) {
		ref[i] = calloc((size_t)sizes[i], sizeof(float));
		got[i] = calloc((size_t)sizes[i], sizeof(float));
		if (i < nin) {
			fill(ref[i], sizes[i], 7u + (unsigned)i);
			memcpy(got[i], ref[i], (size_t)sizes[i] * sizeof(float));
		}
	}
	call(&plain, NULL, (void **)ref);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = nin; i < nbufs; i++)
			memset(got[i], 0, (size_t)sizes[i] * sizeof(float));
		if (pass == 0)
			call(&sched, NULL, (void **)got);
		else
			run_threads(&sched, (void **)got, 2, 1);
		for (int i = nin; i < nbufs; i++)
			for (long e = 0; e < sizes[i]; e++)
				ck_assert_msg(fabs(ref[i][e] - got[i][e]) <= tol * (1 + fabs(ref[i][e])),
					      "buffer %d element %ld: %g vs %g (pass %d)", i, e,
					      ref[i][e], got[i][e], pass);
	}
	for (int i = 0; i < nbufs; i++) {
		free(ref[i]);
		free(got[i]);
	}
	built_free(&plain);
	built_free(&sched);
}

/* Stride-1 loads and stores, broadcasts (d = 0), a transposed load (gather) and store
 * (scatter), floor-division and data-dependent subscripts (lane by lane), an iterator
 * value, libm calls, int32 and bool through float buffers' bits, remainders (37 % 16). */
START_TEST(vector_elementwise)
{
	static const char text[] =
		"kernel ve(in X: float[5,37], in Y: float[37,5], out Z: float[5,37], "
		"out T: float[37,5]) {\n"
		"  S0[i<5, j<37]: Z[i,j] = X[i,j] * 2.0 + Y[j,i] - X[i,0] + cast<float>(j)\n"
		"  S1[i<5, j<37]: T[j,i] = tanh(X[i,j]) + X[i,j/2] + "
		"X[i, cast<int64>(abs(Y[j,1]) * 30.0)]\n"
		"  S2[i<5, j<37]: Z[i,j] += select(X[i,j] > 0.0, cast<float>(cast<int32>(X[i,j] * "
		"8.0) * 3), -1.5)\n}\n";
	static const long sizes[] = { 5 * 37, 37 * 5, 5 * 37, 37 * 5 };

	compare(text, vectorize_all, NULL, sizes, 4, 2, 1e-6);
}
END_TEST

/* The target does not move with the vector iterator: horizontal reductions. */
START_TEST(vector_reduce)
{
	static const char text[] =
		"kernel vr(in X: float[7,70], out R: float[7], out M: float[7], out P: float[7]) {\n"
		"  S0[i<7]: R[i] = 1.0\n"
		"  S1[i<7, j<70]: R[i] += X[i,j] * X[i,j]\n"
		"  S2[i<7, j<70]: M[i] max= X[i,j]\n"
		"  S3[i<7, j<3]: P[i] = X[i,j+5]\n}\n";
	static const long sizes[] = { 7 * 70, 7, 7, 7 };

	compare(text, vectorize_all, NULL, sizes, 4, 1, 1e-5);
}
END_TEST

/* A parallel outer loop with a parallel loop and a vector loop inside (nested parallel
 * loops run serially inside a body), and a statement outside it. */
static void parallel_nested(struct tcc_poly *poly, const void *arg)
{
	isl_schedule_node *node = stmt_band(poly, 0);

	node = isl_schedule_node_child(isl_schedule_node_band_split(node, 1), 0);
	node = isl_schedule_node_child(isl_schedule_node_band_split(node, 1), 0);
	node = mark(node, "vector");
	node = mark(isl_schedule_node_parent(node), "parallel");
	node = mark(isl_schedule_node_parent(node), "parallel");
	set_schedule_at(poly, node);
}

START_TEST(parallel_loops)
{
	static const char text[] =
		"kernel pl(in X: float[9,13,40], out Y: float[9,13,40], out S: float[9]) {\n"
		"  S0[i<9, j<13, k<40]: Y[i,j,k] = X[i,j,k] * cast<float>(i + j)\n"
		"  S1[i<9, k<40]: S[i] += X[i,3,k]\n}\n";
	static const long sizes[] = { 9 * 13 * 40, 9 * 13 * 40, 9 };

	compare(text, parallel_nested, NULL, sizes, 3, 1, 1e-6);
}
END_TEST

/* GEMM micro-kernel schedule: (i/6, j/32) parallel, k tiled by 16, i%6 and the 2 halves of
 * j%32 unrolled, 16 lanes of j vectorized; sizes that leave partial tiles everywhere. */
static const struct level gemm_small[] = {
	{ "parallel", "floor(i/6);floor(j/32)", 0 },
	{ NULL, "floor(k/16)", 0 },
	{ NULL, "k mod 16", 0 },
	{ NULL, "i mod 6", 1 },
	{ NULL, "floor((j mod 32)/16)", 1 },
	{ "vector", "j mod 16", 0 },
	{ NULL, NULL, 0 },
};

static char *gemm_text(int m, int n, int k)
{
	char *t = malloc(512);

	ck_assert_ptr_nonnull(t);
	snprintf(t, 512, "kernel mm(in A: float[%d,%d], in B: float[%d,%d], out C: float[%d,%d]) {\n"
		 "  S0[i<%d, j<%d]: C[i,j] = 0.0\n"
		 "  S1[i<%d, j<%d, k<%d]: C[i,j] += A[i,k] * B[k,j]\n}\n",
		 m, k, k, n, m, n, m, n, m, n, k);
	return t;
}

START_TEST(gemm_partial_tiles)
{
	char *text = gemm_text(50, 70, 33);
	const long sizes[] = { 50 * 33, 33 * 70, 50 * 70 };

	compare(text, gemm_schedule, gemm_small, sizes, 3, 2, 1e-5);
	free(text);
}
END_TEST

/* 6x64 micro-kernel (24 accumulators): the k loop keeps C in zmm registers (LICM promotes
 * the noalias C loads/stores) and runs register FMAs on broadcast A and loaded B. */
static const struct level gemm_6x64[] = {
	{ "parallel", "floor(i/6);floor(j/64)", 0 },
	{ NULL, "k", 0 },
	{ NULL, "i mod 6", 1 },
	{ NULL, "floor((j mod 64)/16)", 1 },
	{ "vector", "j mod 16", 0 },
	{ NULL, NULL, 0 },
};

START_TEST(gemm_asm)
{
	char *text = gemm_text(96, 128, 64), *s;
	struct built b;

	build(&b, text, gemm_schedule, gemm_6x64, 1);
	s = read_asm(&b);
	if (getenv("TCC_DUMP_ASM")) { /* for reading the micro-kernel */
		FILE *f = fopen(getenv("TCC_DUMP_ASM"), "w");

		if (f) {
			fputs(s, f);
			fclose(f);
		}
	}
	if (strstr(s, "zmm")) { /* register-only FMAs: C stays in registers over k */
		int fmas = 0;

		for (const char *p = s; (p = strstr(p, "vfmadd231ps\t%zmm")); p++)
			fmas++;
		ck_assert_msg(fmas >= 24, "%d register FMAs in the GEMM kernel", fmas);
	}
	free(s);
	built_free(&b);
	free(text);
}
END_TEST

/* ---- GEMM GFLOP/s (TCC_BENCH=1) ---- */

/* Seconds of wall time, or of this thread's CPU time (robust on a loaded machine). */
static double now(int cpu)
{
	struct timespec t;

	clock_gettime(cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Best GFLOP/s of "reps" runs of "b" with "threads" (0: direct call, no pool, timed by
 * thread CPU time). */
static double gemm_gflops(struct built *b, void **a, int n, int threads, int reps)
{
	double best = 1e30;

	for (int r = 0; r < reps; r++) {
		double t = now(!threads);

		if (threads)
			run_threads(b, a, threads, 1);
		else
			call(b, NULL, a);
		t = now(!threads) - t;
		best = t < best ? t : best;
	}
	return 2.0 * n * n * (double)n / best * 1e-9;
}

/* Spot-check C = A B at a few elements. */
static void gemm_check(const float *A, const float *B, const float *C, int n)
{
	for (int t = 0; t < 64; t++) {
		int i = (t * 7919) % n, j = (t * 104729 + 13) % n;
		double s = 0;

		for (int k = 0; k < n; k++)
			s += (double)A[(long)i * n + k] * B[(long)k * n + j];
		ck_assert_msg(fabs(s - C[(long)i * n + j]) <= 1e-3 * (1 + fabs(s)),
			      "C[%d,%d] = %g, want %g", i, j, C[(long)i * n + j], s);
	}
}

struct bench_sched {
	const char *name;
	const struct level *lv;
};

static const struct level gemm_12x32[] = {
	{ "parallel", "floor(i/12);floor(j/32)", 0 },
	{ NULL, "k", 0 },
	{ NULL, "i mod 12", 1 },
	{ NULL, "floor((j mod 32)/16)", 1 },
	{ "vector", "j mod 16", 0 },
	{ NULL, NULL, 0 },
};

static const struct level gemm_8x32[] = {
	{ "parallel", "floor(i/8);floor(j/32)", 0 },
	{ NULL, "k", 0 },
	{ NULL, "i mod 8", 1 },
	{ NULL, "floor((j mod 32)/16)", 1 },
	{ "vector", "j mod 16", 0 },
	{ NULL, NULL, 0 },
};

/* Cache blocking: j by 256, k by 256, then 8x32 micro tiles over i (parallel) and j. */
static const struct level gemm_blocked[] = {
	{ NULL, "floor(j/256)", 0 },
	{ NULL, "floor(k/256)", 0 },
	{ "parallel", "floor(i/8)", 0 },
	{ NULL, "floor((j mod 256)/32)", 0 },
	{ NULL, "k mod 256", 0 },
	{ NULL, "i mod 8", 1 },
	{ NULL, "floor((j mod 32)/16)", 1 },
	{ "vector", "j mod 16", 0 },
	{ NULL, NULL, 0 },
};

static const struct level gemm_blocked6[] = {
	{ NULL, "floor(j/512)", 0 },
	{ NULL, "floor(k/128)", 0 },
	{ "parallel", "floor(i/6)", 2 },
	{ NULL, "floor((j mod 512)/64)", 0 },
	{ NULL, "k mod 128", 0 },
	{ NULL, "i mod 6", 1 },
	{ NULL, "floor((j mod 64)/16)", 1 },
	{ "vector", "j mod 16", 0 },
	{ NULL, NULL, 0 },
};

/* 6x64 with full i tiles separated from the partial one (512 % 6 != 0). */
static const struct level gemm_6x64_sep[] = {
	{ "parallel", "floor(i/6)", 2 },
	{ NULL, "floor(j/64)", 0 },
	{ NULL, "k", 0 },
	{ NULL, "i mod 6", 1 },
	{ NULL, "floor((j mod 64)/16)", 1 },
	{ "vector", "j mod 16", 0 },
	{ NULL, NULL, 0 },
};

static const struct bench_sched bench_scheds[] = {
	{ "6x64", gemm_6x64 },
	{ "6x64 separate", gemm_6x64_sep },
	{ "8x32", gemm_8x32 },
	{ "12x32", gemm_12x32 },
	{ "blocked 8x32 (j256,k256)", gemm_blocked },
	{ "blocked 6x64 (j512,k128)", gemm_blocked6 },
	{ "initial schedule", NULL },
};

static void bench_one(int n, const struct bench_sched *bs)
{
	char *text = gemm_text(n, n, n);
	long nn = (long)n * n;
	float *A = malloc((size_t)nn * 4), *B = malloc((size_t)nn * 4), *C = malloc((size_t)nn * 4);
	void *args[3] = { A, B, C };
	struct built b;
	double g1, g2;

	fill(A, nn, 1);
	fill(B, nn, 2);
	build(&b, text, bs->lv ? gemm_schedule : NULL, bs->lv, 0);
	g1 = gemm_gflops(&b, args, n, 0, n > 600 ? 5 : 20);
	gemm_check(A, B, C, n);
	g2 = gemm_gflops(&b, args, n, 2, n > 600 ? 5 : 20);
	gemm_check(A, B, C, n);
	printf("GEMM %d^3 %-26s 1 thread (CPU time) %6.1f GFLOP/s, 2 threads (wall) %6.1f GFLOP/s\n",
	       n, bs->name,
	       g1, g2);
	fflush(stdout);
	built_free(&b);
	free(A);
	free(B);
	free(C);
	free(text);
}

START_TEST(gemm_bench)
{
	const char *only = getenv("TCC_BENCH_SCHED");

	if (!getenv("TCC_BENCH"))
		return;
	for (int n = 512; n <= 1024; n *= 2)
		for (size_t s = 0; s < sizeof(bench_scheds) / sizeof(bench_scheds[0]); s++)
			if (!only || strstr(bench_scheds[s].name, only))
				bench_one(n, &bench_scheds[s]);
}
END_TEST

static Suite *sched_suite(void)
{
	Suite *s = suite_create("codegen_sched");
	TCase *tc = tcase_create("marks");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, vector_elementwise);
	tcase_add_test(tc, vector_reduce);
	tcase_add_test(tc, parallel_loops);
	tcase_add_test(tc, gemm_partial_tiles);
	tcase_add_test(tc, gemm_asm);
	tcase_add_test(tc, gemm_bench);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sched_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
