/* STREAM triad, the bandwidth yardstick of bench/run.sh's memory-bound rows:
 *
 *     a[i] = b[i] + s * c[i]    (float, three arrays of MIB MiB each)
 *
 *   triad MIB ITERS THREADS BUDGET_S
 *
 * Arrays are allocated 2 MiB-aligned and first touched by the threads that use them (static
 * OpenMP schedule, as the timed loop). After two warm-up runs (at least 0.2 s), up to ITERS
 * timed runs within about BUDGET_S seconds (at least 3). Prints
 *
 *     median_gbs: G      (3 arrays x 4 bytes x N / median time, in 1e9 bytes/s)
 *     best_gbs: G        (the same with the fastest run: STREAM's convention)
 *     median_ms: T
 *     iters: N
 *
 * Bytes count what the loop reads and writes (12 per element), as STREAM does: the write
 * allocation of a[] (one more read per line without non-temporal stores) is not counted.
 * Build: cc -O3 -march=native -fopenmp -o triad triad.c */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void triad(float *restrict a, const float *restrict b, const float *restrict c,
		  float s, long n, int threads)
{
#pragma omp parallel for num_threads(threads) schedule(static)
	for (long i = 0; i < n; i++)
		a[i] = b[i] + s * c[i];
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 64;
	int iters = argc > 2 ? atoi(argv[2]) : 30;
	int threads = argc > 3 ? atoi(argv[3]) : 1;
	double budget = argc > 4 ? atof(argv[4]) : 5.0;
	long n = mib * 1024 * 1024 / (long)sizeof(float);
	size_t bytes = (size_t)n * sizeof(float);
	float *a, *b, *c, s = 3.0f;
	double *t, t0, start, sum = 0;
	int k = 0;

	if (mib <= 0 || iters <= 0 || threads <= 0) {
		fprintf(stderr, "usage: triad MIB ITERS THREADS BUDGET_S\n");
		return 2;
	}
	if (iters < 3)
		iters = 3;
	if (posix_memalign((void **)&a, 2 << 20, bytes) || posix_memalign((void **)&b, 2 << 20, bytes) ||
	    posix_memalign((void **)&c, 2 << 20, bytes) || !(t = malloc(sizeof(double) * (size_t)iters))) {
		fprintf(stderr, "triad: out of memory (3 x %ld MiB)\n", mib);
		return 1;
	}
#pragma omp parallel for num_threads(threads) schedule(static)
	for (long i = 0; i < n; i++) {
		a[i] = 0.0f;
		b[i] = 1.0f + (float)(i & 7);
		c[i] = 0.5f;
	}
	start = now();
	for (int w = 0; w < 2 || now() - start < 0.2; w++)
		triad(a, b, c, s, n, threads);
	start = now();
	while (k < iters && (k < 3 || now() - start < budget)) {
		t0 = now();
		triad(a, b, c, s, n, threads);
		t[k++] = now() - t0;
	}
	for (long i = 0; i < n; i += 4096)
		sum += a[i];
	qsort(t, (size_t)k, sizeof(double), cmp);
	printf("median_gbs: %.2f\n", 3.0 * (double)bytes / t[k / 2] / 1e9);
	printf("best_gbs: %.2f\n", 3.0 * (double)bytes / t[0] / 1e9);
	printf("median_ms: %.3f\n", 1e3 * t[k / 2]);
	printf("iters: %d\n", k);
	printf("checksum: %g\n", sum);
	free(a);
	free(b);
	free(c);
	free(t);
	return 0;
}
