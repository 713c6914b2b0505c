/* The OpenBLAS peer for the GEMM rows: C[M,N] = A[M,K] * B[K,N], row-major float32, timed with
 * cblas_sgemm. Prints the median and minimum of ITERS timed runs after WARMUP runs.
 *
 *   gemm_openblas M N K [ITERS] [THREADS] [BUDGET_S]
 *     -> median_ms: X / min_ms: X / gflops: X / iters: N
 *
 * Built by bench/run.sh: cc -O2 gemm_openblas.c -lopenblas. Run it with OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE unset (they make OpenBLAS pick slower kernels on this machine). */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern void openblas_set_num_threads(int);

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static float *rand_matrix(size_t n, unsigned *seed)
{
	float *p = aligned_alloc(64, ((n * sizeof(float)) + 63) / 64 * 64);
	if (!p) {
		fprintf(stderr, "gemm_openblas: error: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		*seed = *seed * 1664525u + 1013904223u;
		p[i] = (float)((*seed >> 8) * (1.0 / 16777216.0) * 2.0 - 1.0);
	}
	return p;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: gemm_openblas M N K [ITERS] [THREADS] [BUDGET_S]\n");
		return 1;
	}
	long m = atol(argv[1]), n = atol(argv[2]), k = atol(argv[3]);
	int iters = argc > 4 ? atoi(argv[4]) : 20;
	int threads = argc > 5 ? atoi(argv[5]) : 1;
	double budget = argc > 6 ? atof(argv[6]) : 10.0;
	if (m <= 0 || n <= 0 || k <= 0 || iters <= 0 || threads <= 0) {
		fprintf(stderr, "gemm_openblas: error: bad arguments\n");
		return 1;
	}
	openblas_set_num_threads(threads);
	unsigned seed = 42;
	float *a = rand_matrix((size_t)m * k, &seed), *b = rand_matrix((size_t)k * n, &seed);
	float *c = rand_matrix((size_t)m * n, &seed);

	/* Warm-up: at least 2 runs and at least ~0.2 s (thread start-up, page faults, clocks). */
	double t0 = now_s();
	for (int i = 0; i < 2 || (now_s() - t0 < 0.2 && i < 1000); i++)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)k, 1.0f,
			    a, (int)k, b, (int)n, 0.0f, c, (int)n);

	double *ms = malloc(sizeof(double) * (size_t)iters);
	int done = 0;
	double start = now_s();
	while (done < iters && (done < 3 || now_s() - start < budget)) {
		double t = now_s();
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)k, 1.0f,
			    a, (int)k, b, (int)n, 0.0f, c, (int)n);
		ms[done++] = (now_s() - t) * 1e3;
	}
	qsort(ms, (size_t)done, sizeof(double), cmp_double);
	double med = done % 2 ? ms[done / 2] : 0.5 * (ms[done / 2 - 1] + ms[done / 2]);
	printf("median_ms: %.4f\nmin_ms: %.4f\ngflops: %.2f\niters: %d\n", med, ms[0],
	       2.0 * (double)m * (double)n * (double)k / (med * 1e6), done);
	free(ms);
	free(a);
	free(b);
	free(c);
	return 0;
}
