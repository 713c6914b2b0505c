/* LLVM code generation of kernels: each kernel is parsed, verified, compiled (O3 for the
 * host) into an object file, linked with `cc -shared` into a temporary .so, loaded with
 * dlopen and run on test buffers; results are compared with values computed here in C. */
#include <check.h>
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <isl/schedule.h>
#include <isl/schedule_node.h>
#include <isl/val.h>

#include "codegen/codegen.h"
#include "ir/kernel/kernel.h"
#include "ir/kernel/poly.h"

/* A compiled kernel: "ctx" it was built in, temporary "dir" holding k.o and k.so, the
 * loaded "so" and the kernel function "fn" with "nbufs" buffer arguments. */
struct built {
	struct tcc_ctx *ctx;
	char dir[64];
	void *so;
	void *fn;
	int nbufs;
};

static void path_in(char *buf, size_t n, const struct built *b, const char *name)
{
	snprintf(buf, n, "%s/%s", b->dir, name);
}

/* A schedule change applied to the kernel's polyhedral form before codegen. */
typedef void (*transform_fn)(struct tcc_poly *poly);

static struct tcc_llvm *codegen_tf(struct built *b, const char *text, int opt, transform_fn tf)
{
	struct tcc_target_opts t = { .opt_level = opt };
	struct tcc_kernel *k;
	struct tcc_llvm *cg;

	b->ctx = tcc_ctx_new();
	ck_assert_ptr_nonnull(b->ctx);
	tcc_diag_set_echo(b->ctx->diag, stderr);
	k = tcc_kernel_parse(b->ctx, "t.k", text, strlen(text));
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(tcc_kernel_verify(k), 0);
	b->nbufs = k->nbufs;
	cg = tcc_llvm_new(b->ctx, k->name, &t);
	ck_assert_ptr_nonnull(cg);
	if (tf) {
		struct tcc_poly *poly = tcc_poly_build(k);

		ck_assert_ptr_nonnull(poly);
		tf(poly);
		ck_assert_int_eq(tcc_llvm_add_kernel_poly(cg, poly, "kern"), 0);
		tcc_poly_free(poly);
	} else {
		ck_assert_int_eq(tcc_llvm_add_kernel(cg, k, "kern"), 0);
	}
	ck_assert_int_eq(tcc_llvm_optimize(cg), 0);
	return cg;
}

static struct tcc_llvm *codegen(struct built *b, const char *text, int opt)
{
	return codegen_tf(b, text, opt, NULL);
}

/* Compile "text" at "opt" (after "tf", if any) and load it. */
static void build_tf(struct built *b, const char *text, int opt, transform_fn tf)
{
	char obj[128], so[128], cmd[512];
	struct tcc_llvm *cg;

	memset(b, 0, sizeof(*b));
	strcpy(b->dir, "/tmp/tcc_cg_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(b->dir));
	cg = codegen_tf(b, text, opt, tf);
	path_in(obj, sizeof(obj), b, "k.o");
	path_in(so, sizeof(so), b, "k.so");
	ck_assert_int_eq(tcc_llvm_write_object(cg, obj), 0);
	tcc_llvm_free(cg);
	snprintf(cmd, sizeof(cmd), "cc -shared -o %s %s -lm", so, obj);
	ck_assert_int_eq(system(cmd), 0);
	b->so = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(b->so != NULL, "dlopen: %s", dlerror());
	b->fn = dlsym(b->so, "kern");
	ck_assert_ptr_nonnull(b->fn);
}

static void build_opt(struct built *b, const char *text, int opt)
{
	build_tf(b, text, opt, NULL);
}

static void build(struct built *b, const char *text)
{
	build_opt(b, text, 3);
}

static void built_free(struct built *b)
{
	char p[128];

	if (b->so)
		dlclose(b->so);
	path_in(p, sizeof(p), b, "k.o");
	unlink(p);
	path_in(p, sizeof(p), b, "k.so");
	unlink(p);
	path_in(p, sizeof(p), b, "k.s");
	unlink(p);
	path_in(p, sizeof(p), b, "k.ll");
	unlink(p);
	rmdir(b->dir);
	tcc_ctx_free(b->ctx);
}

typedef void (*k1_fn)(void *, void *);
typedef void (*k2_fn)(void *, void *, void *);
typedef void (*k3_fn)(void *, void *, void *, void *);
typedef void (*k4_fn)(void *, void *, void *, void *, void *);
typedef void (*k5_fn)(void *, void *, void *, void *, void *, void *);
typedef void (*k6_fn)(void *, void *, void *, void *, void *, void *, void *);

/* Call the kernel with buffers "a" (b->nbufs of them) and a NULL execution context. */
static void run(struct built *b, void **a)
{
	switch (b->nbufs) {
	case 1: ((k1_fn)b->fn)(NULL, a[0]); break;
	case 2: ((k2_fn)b->fn)(NULL, a[0], a[1]); break;
	case 3: ((k3_fn)b->fn)(NULL, a[0], a[1], a[2]); break;
	case 4: ((k4_fn)b->fn)(NULL, a[0], a[1], a[2], a[3]); break;
	case 5: ((k5_fn)b->fn)(NULL, a[0], a[1], a[2], a[3], a[4]); break;
	case 6: ((k6_fn)b->fn)(NULL, a[0], a[1], a[2], a[3], a[4], a[5]); break;
	default: ck_abort_msg("too many buffers");
	}
}

static float frand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (float)((*seed >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static void fill(float *x, int n, unsigned seed)
{
	for (int i = 0; i < n; i++)
		x[i] = frand(&seed);
}

static void assert_close(const float *got, const float *want, int n, float tol)
{
	for (int i = 0; i < n; i++)
		ck_assert_msg(fabsf(got[i] - want[i]) <= tol * (1.0f + fabsf(want[i])),
			      "element %d: got %g, want %g", i, (double)got[i], (double)want[i]);
}

/* ---- float kernels ---- */

START_TEST(add_broadcast)
{
	struct built b;
	float a[37 * 19], v[19], c[37 * 19], want[37 * 19];

	build(&b, "kernel add(in A: float[37,19], in B: float[19], out C: float[37,19]) {\n"
		  "  S0[i<37, j<19]: C[i,j] = A[i,j] + B[j]\n}\n");
	fill(a, 37 * 19, 1);
	fill(v, 19, 2);
	for (int i = 0; i < 37; i++)
		for (int j = 0; j < 19; j++)
			want[i * 19 + j] = a[i * 19 + j] + v[j];
	run(&b, (void *[]){ a, v, c });
	assert_close(c, want, 37 * 19, 0);
	built_free(&b);
}
END_TEST

static const char mm_text[] =
	"kernel mm(in A: float[17,23], in B: float[23,29], out C: float[17,29]) {\n"
	"  S0[i<17, j<29]: C[i,j] = 0.0\n"
	"  S1[i<17, j<29, k<23]: C[i,j] += A[i,k] * B[k,j]\n}\n";

/* Tile the band of S1 (the second child of the sequence) by 4x8x5: partial tiles give
 * min() bounds and the tile loops strides. */
static void tile_s1(struct tcc_poly *poly)
{
	isl_schedule *sched = tcc_poly_get_schedule(poly);
	isl_ctx *ictx = tcc_poly_get_isl_ctx(poly);
	isl_schedule_node *node = isl_schedule_get_root(sched);
	isl_multi_val *sizes;
	char *ast;

	isl_schedule_free(sched);
	node = isl_schedule_node_child(isl_schedule_node_child(node, 0), 1);
	node = isl_schedule_node_child(node, 0);
	ck_assert_int_eq(isl_schedule_node_get_type(node), isl_schedule_node_band);
	sizes = isl_multi_val_zero(isl_schedule_node_band_get_space(node));
	sizes = isl_multi_val_set_val(sizes, 0, isl_val_int_from_si(ictx, 4));
	sizes = isl_multi_val_set_val(sizes, 1, isl_val_int_from_si(ictx, 8));
	sizes = isl_multi_val_set_val(sizes, 2, isl_val_int_from_si(ictx, 5));
	node = isl_schedule_node_band_tile(node, sizes);
	sched = isl_schedule_node_get_schedule(node);
	isl_schedule_node_free(node);
	ck_assert_int_eq(tcc_poly_set_schedule(poly, sched), 0);
	ast = tcc_poly_ast_to_str(poly, NULL);
	ck_assert_msg(strstr(ast, "min(") && strstr(ast, "+= 4"), "not tiled:\n%s", ast);
	free(ast);
}

static void check_matmul(transform_fn tf)
{
	enum { M = 17, K = 23, N = 29 };
	struct built b;
	static float A[M * K], B[K * N], C[M * N], want[M * N];

	build_tf(&b, mm_text, 3, tf);
	fill(A, M * K, 3);
	fill(B, K * N, 4);
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++) {
			double s = 0;

			for (int k = 0; k < K; k++)
				s += (double)A[i * K + k] * B[k * N + j];
			want[i * N + j] = (float)s;
		}
	run(&b, (void *[]){ A, B, C });
	assert_close(C, want, M * N, 1e-5f);
	built_free(&b);
}

START_TEST(matmul)
{
	check_matmul(NULL);
}
END_TEST

START_TEST(matmul_tiled)
{
	check_matmul(tile_s1);
}
END_TEST

START_TEST(conv_relu)
{
	struct built b;
	static float X[3 * 10 * 10], W[4 * 3 * 3 * 3], Y[4 * 8 * 8], want[4 * 8 * 8];

	build(&b, "kernel conv_relu(in X: float[1,3,10,10], in W: float[4,3,3,3], "
		  "out Y: float[1,4,8,8]) {\n"
		  "  S0[n<1, f<4, h<8, w<8]: Y[n,f,h,w] = 0.0\n"
		  "  S1[n<1, f<4, h<8, w<8, c<3, r<3, s<3]: "
		  "Y[n,f,h,w] += X[n,c,h+r,w+s] * W[f,c,r,s]\n"
		  "  S2[n<1, f<4, h<8, w<8]: Y[n,f,h,w] = max(Y[n,f,h,w], 0.0)\n}\n");
	fill(X, 300, 5);
	fill(W, 108, 6);
	for (int f = 0; f < 4; f++)
		for (int h = 0; h < 8; h++)
			for (int w = 0; w < 8; w++) {
				double s = 0;

				for (int c = 0; c < 3; c++)
					for (int r = 0; r < 3; r++)
						for (int q = 0; q < 3; q++)
							s += (double)X[c * 100 + (h + r) * 10 + w + q] *
							     W[f * 27 + c * 9 + r * 3 + q];
				want[f * 64 + h * 8 + w] = s > 0 ? (float)s : 0.0f;
			}
	run(&b, (void *[]){ X, W, Y });
	assert_close(Y, want, 256, 1e-5f);
	built_free(&b);
}
END_TEST

START_TEST(softmax)
{
	struct built b;
	float X[3 * 70], Y[3 * 70], M[3], Z[3], want[3 * 70];

	build(&b, "kernel softmax(in X: float[3,70], out Y: float[3,70], temp M: float[3], "
		  "temp Z: float[3]) {\n"
		  "  S0[i<3]: M[i] = -inf\n"
		  "  S1[i<3, j<70]: M[i] max= X[i,j]\n"
		  "  S2[i<3, j<70]: Y[i,j] = exp(X[i,j] - M[i])\n"
		  "  S3[i<3]: Z[i] = 0.0\n"
		  "  S4[i<3, j<70]: Z[i] += Y[i,j]\n"
		  "  S5[i<3, j<70]: Y[i,j] = Y[i,j] / Z[i]\n}\n");
	fill(X, 210, 7);
	for (int i = 0; i < 3; i++) {
		double m = -INFINITY, z = 0;

		for (int j = 0; j < 70; j++)
			m = fmax(m, X[i * 70 + j]);
		for (int j = 0; j < 70; j++)
			z += exp(X[i * 70 + j] - m);
		for (int j = 0; j < 70; j++)
			want[i * 70 + j] = (float)(exp(X[i * 70 + j] - m) / z);
	}
	run(&b, (void *[]){ X, Y, M, Z });
	assert_close(Y, want, 210, 1e-5f);
	built_free(&b);
}
END_TEST

START_TEST(gather_and_mean)
{
	struct built b;
	float X[10 * 4], Y[3 * 4], mean[10];
	int64_t idx[3] = { 7, 0, 9 };

	build(&b, "kernel gather(in X: float[10,4], in idx: int64[3], out Y: float[3,4]) {\n"
		  "  S0[i<3, j<4]: Y[i,j] = X[idx[i],j]\n}\n");
	fill(X, 40, 8);
	run(&b, (void *[]){ X, idx, Y });
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 4; j++)
			ck_assert(Y[i * 4 + j] == X[idx[i] * 4 + j]);
	built_free(&b);

	build(&b, "kernel mean(in X: float[10,4], out Y: float[10]) {\n"
		  "  S0[i<10]: Y[i] = 0.0\n"
		  "  S1[i<10, j<4]: Y[i] += X[i,j]\n"
		  "  S2[i<10]: Y[i] = Y[i] / 4.0\n}\n");
	run(&b, (void *[]){ X, mean });
	for (int i = 0; i < 10; i++) {
		float s = X[i * 4] + X[i * 4 + 1] + X[i * 4 + 2] + X[i * 4 + 3];

		ck_assert_float_eq_tol(mean[i], s / 4.0f, 1e-6f);
	}
	built_free(&b);
}
END_TEST

/* Domain constraints (if nodes, lower bounds) and iterator values. */
START_TEST(triangular)
{
	struct built b;
	float A[64], L[64], R[8];

	build(&b, "kernel tri(in A: float[8,8], out L: float[8,8], out R: float[8]) {\n"
		  "  S0[i<8, j<8]: L[i,j] = 0.0\n"
		  "  S1[i<8, j<8 : j <= i]: L[i,j] = A[i,j]\n"
		  "  S2[i<8]: R[i] = -1.0\n"
		  "  S3[i in 2..8]: R[i] max= L[i,i-2] + cast<float>(i)\n}\n");
	fill(A, 64, 9);
	run(&b, (void *[]){ A, L, R });
	for (int i = 0; i < 8; i++) {
		for (int j = 0; j < 8; j++)
			ck_assert(L[i * 8 + j] == (j <= i ? A[i * 8 + j] : 0.0f));
		ck_assert(R[i] == (i < 2 ? -1.0f : fmaxf(-1.0f, A[i * 8 + i - 2] + (float)i)));
	}
	built_free(&b);
}
END_TEST

/* Affine `/` and `%` in subscripts are floor division and non-negative modulo. */
START_TEST(affine_div_mod)
{
	struct built b;
	float X[4 * 3], Y[12], Z[6];

	build(&b, "kernel dm(in X: float[4,3], out Y: float[12], out Z: float[6]) {\n"
		  "  S0[i<12]: Y[i] = X[i/3, i%3]\n"
		  "  S1[i<6]: Z[i] = X[(i+1)/2, 2 - i%3]\n}\n");
	fill(X, 12, 10);
	run(&b, (void *[]){ X, Y, Z });
	for (int i = 0; i < 12; i++)
		ck_assert(Y[i] == X[i]);
	for (int i = 0; i < 6; i++)
		ck_assert(Z[i] == X[(i + 1) / 2 * 3 + 2 - i % 3]);
	built_free(&b);
}
END_TEST

START_TEST(transcendental)
{
	struct built b;
	float X[9] = { -3.5f, -2.5f, -0.5f, 0.0f, 0.5f, 1.5f, 2.5f, 0.3f, 7.0f };
	float E[9], T[9], R[9], S[9], F[9];

	build(&b, "kernel tr(in X: float[9], out E: float[9], out T: float[9], out R: float[9], "
		  "out S: float[9], out F: float[9]) {\n"
		  "  S0[i<9]: E[i] = exp(X[i]) + log(abs(X[i]) + 1.0) + sqrt(abs(X[i]))\n"
		  "  S1[i<9]: T[i] = tanh(X[i]) + erf(X[i])\n"
		  "  S2[i<9]: R[i] = round(X[i])\n"
		  "  S3[i<9]: S[i] = sigmoid(X[i]) + sign(X[i]) + sin(X[i]) * cos(X[i])\n"
		  "  S4[i<9]: F[i] = floor(X[i]) * 10.0 + ceil(X[i]) + rsqrt(abs(X[i]) + 1.0) + "
		  "pow(abs(X[i]), 1.5)\n}\n");
	run(&b, (void *[]){ X, E, T, R, S, F });
	for (int i = 0; i < 9; i++) {
		float x = X[i], sg = (float)((x > 0) - (x < 0));

		ck_assert_float_eq_tol(E[i], expf(x) + logf(fabsf(x) + 1) + sqrtf(fabsf(x)), 1e-5);
		ck_assert_float_eq_tol(T[i], tanhf(x) + erff(x), 1e-6);
		ck_assert(R[i] == nearbyintf(x));
		ck_assert_float_eq_tol(S[i], 1 / (1 + expf(-x)) + sg + sinf(x) * cosf(x), 1e-6);
		ck_assert_float_eq_tol(F[i], floorf(x) * 10 + ceilf(x) + 1 / sqrtf(fabsf(x) + 1) +
				       powf(fabsf(x), 1.5f), 1e-5);
	}
	built_free(&b);
}
END_TEST

/* ONNX Max/Min propagate NaN: max=, max(), relu keep it; plain comparisons are false. */
START_TEST(nan_propagation)
{
	struct built b;
	float X[2 * 5] = { 1, NAN, 3, 2, 0, -1, -2, -3, -4, -5 };
	float M[2], Q[10], N[10];

	build(&b, "kernel nanmax(in X: float[2,5], out M: float[2], out Q: float[10], "
		  "out N: float[10]) {\n"
		  "  S0[i<2]: M[i] = -inf\n"
		  "  S1[i<2, j<5]: M[i] max= X[i,j]\n"
		  "  S2[i<2, j<5]: Q[i*5+j] = max(X[i,j], 0.5) + min(X[i,j], 10.0) + relu(X[i,j])\n"
		  "  S3[i<2, j<5]: N[i*5+j] = select(X[i,j] != X[i,j], 1.0, 0.0)\n}\n");
	run(&b, (void *[]){ X, M, Q, N });
	ck_assert(isnan(M[0]));
	ck_assert_float_eq(M[1], -1.0f);
	ck_assert(isnan(Q[1]));
	ck_assert_float_eq(Q[0], 1 + 1 + 1);
	ck_assert_float_eq(Q[5], 0.5f - 1 + 0);
	for (int i = 0; i < 10; i++)
		ck_assert_float_eq(N[i], i == 1 ? 1.0f : 0.0f);
	built_free(&b);
}
END_TEST

/* ---- integer and mixed kernels ---- */

START_TEST(casts)
{
	struct built b;
	int64_t X[6] = { -3, 0, 7, 300, -129, 1LL << 40 };
	float F[6] = { -2.7f, -0.5f, 0.0f, 0.9f, 3.99f, 1e6f };
	float Y[6];
	int64_t Z[6];
	int32_t W[6];
	uint8_t U[6];

	build(&b, "kernel casts(in X: int64[6], in F: float[6], out Y: float[6], out Z: int64[6], "
		  "out W: int32[6], out U: uint8[6]) {\n"
		  "  S0[i<6]: Y[i] = cast<float>(X[i])\n"
		  "  S1[i<6]: Z[i] = cast<int64>(F[i])\n"
		  "  S2[i<6]: W[i] = cast<int32>(X[i]) + cast<int32>(cast<uint8>(X[i]))\n"
		  "  S3[i<6]: U[i] = cast<uint8>(cast<bool>(F[i])) + cast<uint8>(i)\n}\n");
	run(&b, (void *[]){ X, F, Y, Z, W, U });
	for (int i = 0; i < 6; i++) {
		ck_assert(Y[i] == (float)X[i]);
		ck_assert_int_eq(Z[i], (int64_t)F[i]);
		ck_assert_int_eq(W[i], (int32_t)X[i] + (int32_t)(uint8_t)X[i]);
		ck_assert_int_eq(U[i], (uint8_t)((F[i] != 0) + i));
	}
	built_free(&b);
}
END_TEST

START_TEST(compare_select)
{
	struct built b;
	float X[5] = { 1, NAN, -2, 4, 0 }, Y[5] = { 1, 1, 3, -4, -0.0f }, S[5];
	uint8_t L[5], E[5], N[5];

	build(&b, "kernel cmp(in X: float[5], in Y: float[5], out L: bool[5], out E: bool[5], "
		  "out N: bool[5], out S: float[5]) {\n"
		  "  S0[i<5]: L[i] = X[i] < Y[i]\n"
		  "  S1[i<5]: E[i] = X[i] == Y[i]\n"
		  "  S2[i<5]: N[i] = xor(not(X[i] != Y[i]), X[i] >= Y[i])\n"
		  "  S3[i<5]: S[i] = select(or(L[i], E[i]), X[i], 2.0 * Y[i])\n}\n");
	run(&b, (void *[]){ X, Y, L, E, N, S });
	for (int i = 0; i < 5; i++) {
		float x = X[i], y = Y[i];

		ck_assert_int_eq(L[i], x < y);
		ck_assert_int_eq(E[i], x == y);
		ck_assert_int_eq(N[i], (!(x != y)) ^ (x >= y));
		ck_assert(S[i] == ((x < y || x == y) ? x : 2 * y));
	}
	built_free(&b);
}
END_TEST

START_TEST(integer_ops)
{
	struct built b;
	int32_t A[6] = { 7, -7, 7, -7, 100, -2147483 }, B[6] = { 2, 2, -2, -2, 7, 3 };
	int32_t Q[6], R[6];
	uint32_t P[6], UA[6] = { 7, 4000000000u, 1, 0, 9, 5 }, UB[6] = { 2, 3, 5, 1, 7, 9 };

	build(&b, "kernel iops(in A: int32[6], in B: int32[6], in UA: uint32[6], in UB: uint32[6], "
		  "out Q: int32[6], out R: int32[6]) {\n"
		  "  S0[i<6]: Q[i] = A[i] / B[i] + (max(A[i], B[i]) * 1000)\n"
		  "  S1[i<6]: R[i] = A[i] % B[i] + abs(min(A[i], B[i])) * 10 + "
		  "and(A[i], B[i]) - xor(A[i], 1) + sign(A[i]) + neg(or(A[i], B[i]))\n"
		  "}\n");
	run(&b, (void *[]){ A, B, UA, UB, Q, R });
	for (int i = 0; i < 6; i++) {
		int32_t a = A[i], bb = B[i], mn = a < bb ? a : bb;

		ck_assert_int_eq(Q[i], a / bb + (a > bb ? a : bb) * 1000);
		ck_assert_int_eq(R[i], a % bb + (mn < 0 ? -mn : mn) * 10 + (a & bb) - (a ^ 1) +
				 ((a > 0) - (a < 0)) - (a | bb));
	}
	built_free(&b);

	build(&b, "kernel uops(in A: uint32[6], in B: uint32[6], out P: uint32[6]) {\n"
		  "  S0[i<6]: P[i] = A[i] / B[i] + A[i] % B[i] + max(A[i], B[i])\n}\n");
	run(&b, (void *[]){ UA, UB, P });
	for (int i = 0; i < 6; i++) {
		uint32_t a = UA[i], bb = UB[i];

		ck_assert_uint_eq(P[i], a / bb + a % bb + (a > bb ? a : bb));
	}
	built_free(&b);
}
END_TEST

START_TEST(double_and_int8)
{
	struct built b;
	double X[4] = { 1.5, -2.25, 1e300, 0.1 }, Y[4];
	int8_t I[4] = { 127, -128, 5, -5 }, J[4];

	build(&b, "kernel dbl(in X: double[4], in I: int8[4], out Y: double[4], "
		  "out J: int8[4]) {\n"
		  "  S0[i<4]: Y[i] = X[i] * X[i] + cast<double>(I[i])\n"
		  "  S1[i<4]: J[i] = I[i] + 1\n}\n");
	run(&b, (void *[]){ X, I, Y, J });
	for (int i = 0; i < 4; i++) {
		ck_assert(Y[i] == X[i] * X[i] + I[i]);
		ck_assert_int_eq(J[i], (int8_t)(I[i] + 1));
	}
	built_free(&b);
}
END_TEST

/* Half values are computed in float and rounded to half when stored. */
START_TEST(float16)
{
	struct built b;
	_Float16 A[9] = { 1, 2.5, -3, 0.125, 1000, 65504, -0.5, 3, 7 }, B[9], Y[9];
	float F[9];

	for (int i = 0; i < 9; i++)
		B[i] = (_Float16)(i * 0.25);
	build(&b, "kernel h(in A: float16[9], in B: float16[9], out Y: float16[9], "
		  "out F: float[9]) {\n"
		  "  S0[i<9]: Y[i] = A[i] * B[i] + A[i]\n"
		  "  S1[i<9]: F[i] = cast<float>(Y[i])\n}\n");
	run(&b, (void *[]){ A, B, Y, F });
	for (int i = 0; i < 9; i++) {
		_Float16 want = (_Float16)((float)A[i] * (float)B[i] + (float)A[i]);

		ck_assert_msg(Y[i] == want || (isinf((float)want) && isinf((float)Y[i])),
			      "element %d: got %g want %g", i, (double)Y[i], (double)want);
		ck_assert(F[i] == (float)Y[i]);
	}
	built_free(&b);
}
END_TEST

/* The same kernel at O0 gives the same results (no reliance on the optimizer). */
START_TEST(opt_level_zero)
{
	struct built b;
	float a[100], c[100];

	build_opt(&b, "kernel add(in A: float[100], out C: float[100]) {\n"
		      "  S0[i<100]: C[i] = A[i] * 2.0 + 1.0\n}\n", 0);
	fill(a, 100, 11);
	run(&b, (void *[]){ a, c });
	for (int i = 0; i < 100; i++)
		ck_assert(c[i] == a[i] * 2.0f + 1.0f);
	built_free(&b);
}
END_TEST

/* ---- outputs ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *s;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(fread(s, 1, (size_t)n, f), n);
	fclose(f);
	return s;
}

START_TEST(emit_asm_vectorized)
{
	struct built b;
	char s_path[128], o_path[128], ll_path[128];
	struct tcc_llvm *cg;
	char *s, *ll;

	memset(&b, 0, sizeof(b));
	strcpy(b.dir, "/tmp/tcc_cg_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(b.dir));
	cg = codegen(&b, "kernel vadd(in A: float[4096], in B: float[4096], out C: float[4096]) {\n"
		     "  S0[i<4096]: C[i] = A[i] + B[i]\n}\n", 3);
	path_in(s_path, sizeof(s_path), &b, "k.s");
	path_in(o_path, sizeof(o_path), &b, "k.o");
	path_in(ll_path, sizeof(ll_path), &b, "k.ll");
	ck_assert_int_eq(tcc_llvm_write_asm(cg, s_path), 0);
	ck_assert_int_eq(tcc_llvm_write_object(cg, o_path), 0);
	ck_assert_int_eq(tcc_llvm_write_ir(cg, ll_path), 0);
	tcc_llvm_free(cg);
	s = slurp(s_path);
	ll = slurp(ll_path);
	ck_assert_msg(strstr(s, "kern:") != NULL, "no kernel symbol in the asm");
	if (__builtin_cpu_supports("avx2"))
		ck_assert_msg(strstr(s, "%ymm") || strstr(s, "%zmm"), "not vectorized:\n%s", s);
	ck_assert_ptr_nonnull(strstr(ll, "noalias"));
	ck_assert_ptr_nonnull(strstr(ll, "target-cpu"));
	free(s);
	free(ll);
	s = slurp(o_path);
	ck_assert(s[0] == 0x7f && s[1] == 'E');
	free(s);
	built_free(&b);
}
END_TEST

START_TEST(bad_target_and_path)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_target_opts t = { .triple = "nonsense-unknown-nowhere", .opt_level = 2 };
	struct tcc_llvm *cg;

	ck_assert_ptr_null(tcc_llvm_new(ctx, "m", &t));
	ck_assert_int_ge(tcc_diag_error_count(ctx->diag), 1);
	ck_assert_ptr_nonnull(strstr(tcc_diag_first_error(ctx->diag), "triple"));
	tcc_diag_clear(ctx->diag);
	cg = tcc_llvm_new(ctx, "m", NULL);
	ck_assert_ptr_nonnull(cg);
	ck_assert_int_eq(tcc_llvm_write_object(cg, "/nonexistent-dir/x.o"), -1);
	ck_assert_int_eq(tcc_diag_error_count(ctx->diag), 1);
	tcc_llvm_free(cg);
	tcc_ctx_free(ctx);
}
END_TEST

static Suite *codegen_suite(void)
{
	Suite *s = suite_create("codegen");
	TCase *tc = tcase_create("kernels");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, add_broadcast);
	tcase_add_test(tc, matmul);
	tcase_add_test(tc, matmul_tiled);
	tcase_add_test(tc, conv_relu);
	tcase_add_test(tc, softmax);
	tcase_add_test(tc, gather_and_mean);
	tcase_add_test(tc, triangular);
	tcase_add_test(tc, affine_div_mod);
	tcase_add_test(tc, transcendental);
	tcase_add_test(tc, nan_propagation);
	tcase_add_test(tc, casts);
	tcase_add_test(tc, compare_select);
	tcase_add_test(tc, integer_ops);
	tcase_add_test(tc, double_and_int8);
	tcase_add_test(tc, float16);
	tcase_add_test(tc, opt_level_zero);
	tcase_add_test(tc, emit_asm_vectorized);
	tcase_add_test(tc, bad_target_and_path);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(codegen_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
