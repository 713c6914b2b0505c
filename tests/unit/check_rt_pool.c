/* Runtime thread pool: tcc_rt_parallel_for through a model instance, as generated code uses it.
 * Coverage of every index exactly once, chunking, nesting, sleep/wake paths, many calls,
 * concurrent instances, and the per-call overhead (printed, not asserted). Every test that
 * could hang arms alarm(), since ctest runs Check without fork (no Check timeouts). */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tcc_rt.h"

#define WATCHDOG_S 120

/* The "model": no tensors; its run calls the test's function with the execution context. */
static void (*test_fn)(struct tcc_rt_exec *ex, void *arg);
static void *test_arg;

static int pool_run(struct tcc_rt_exec *ex, void *const *in, void *const *out)
{
	test_fn(ex, test_arg);
	return 0;
}

static const struct tcc_rt_model_desc pool_desc = {
	.magic = TCC_RT_ABI_MAGIC,
	.abi_version = TCC_RT_ABI_VERSION,
	.name = "pool",
	.arena_size = 64,
	.default_threads = 1,
	.run = pool_run,
};

/* Run fn(ex, arg) inside a run of m with t threads. */
static void run_with(tcc_model *m, int t, void (*fn)(struct tcc_rt_exec *, void *), void *arg)
{
	test_fn = fn;
	test_arg = arg;
	ck_assert_int_eq(tcc_model_set_threads(m, t), TCC_RT_OK);
	ck_assert_int_eq(tcc_model_run(m, NULL, 0, NULL, 0), TCC_RT_OK);
}

static tcc_model *new_model(void)
{
	char err[256];
	tcc_model *m = tcc_model_from_desc(&pool_desc, err, sizeof(err));

	ck_assert_msg(m != NULL, "%s", err);
	return m;
}

/* ---- Coverage: every index once, at most T balanced contiguous chunks ------------------- */

#define MAX_N 20000

struct cover {
	int64_t n;
	atomic_int hits[MAX_N];
	atomic_int chunks, bad;
	atomic_llong min_len, max_len;
};

static void cover_body(void *ctx, int64_t begin, int64_t end)
{
	struct cover *c = ctx;
	long long len = end - begin, v;

	if (begin < 0 || begin >= end || end > c->n) {
		atomic_fetch_add(&c->bad, 1); /* no ck_assert off the test's thread */
		return;
	}
	for (int64_t i = begin; i < end; i++)
		atomic_fetch_add(&c->hits[i], 1);
	atomic_fetch_add(&c->chunks, 1);
	v = atomic_load(&c->min_len);
	while (len < v && !atomic_compare_exchange_weak(&c->min_len, &v, len))
		;
	v = atomic_load(&c->max_len);
	while (len > v && !atomic_compare_exchange_weak(&c->max_len, &v, len))
		;
}

static void cover_fn(struct tcc_rt_exec *ex, void *arg)
{
	struct cover *c = arg;

	tcc_rt_parallel_for(ex, c->n, cover_body, c);
}

static struct cover the_cover;

START_TEST(test_cover)
{
	static const int64_t ns[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 100, 1000, 4097, MAX_N };
	int t = _i;
	tcc_model *m = new_model();

	alarm(WATCHDOG_S);
	for (size_t k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		struct cover *c = &the_cover;
		int64_t n = ns[k];

		memset(c, 0, sizeof(*c));
		c->n = n;
		atomic_store(&c->min_len, n + 1);
		run_with(m, t, cover_fn, c);
		for (int64_t i = 0; i < n; i++)
			ck_assert_msg(atomic_load(&c->hits[i]) == 1, "T=%d n=%lld: index %lld hit %d",
				      t, (long long)n, (long long)i, atomic_load(&c->hits[i]));
		ck_assert_int_eq(atomic_load(&c->bad), 0);
		ck_assert_int_le(atomic_load(&c->chunks), t);
		ck_assert_int_eq(atomic_load(&c->chunks), n < t ? n : t);
		if (n > 0)
			ck_assert_int_le(atomic_load(&c->max_len) - atomic_load(&c->min_len), 1);
	}
	tcc_model_free(m);
	alarm(0);
}
END_TEST

/* ---- Nested calls run serially, on the thread of the outer chunk ------------------------ */

struct nest {
	struct tcc_rt_exec *ex;
	atomic_int outer_chunks, inner_calls, wrong_thread, inner_items;
};

struct inner_ctx {
	struct nest *nest;
	pthread_t self;
};

static void inner_body(void *ctx, int64_t begin, int64_t end)
{
	struct inner_ctx *ic = ctx;

	atomic_fetch_add(&ic->nest->inner_calls, 1);
	atomic_fetch_add(&ic->nest->inner_items, (int)(end - begin));
	if (!pthread_equal(ic->self, pthread_self()) || begin != 0 || end != 50)
		atomic_fetch_add(&ic->nest->wrong_thread, 1);
}

static void outer_body(void *ctx, int64_t begin, int64_t end)
{
	struct nest *nest = ctx;
	struct inner_ctx ic = { nest, pthread_self() };

	atomic_fetch_add(&nest->outer_chunks, 1);
	for (int64_t i = begin; i < end; i++)
		tcc_rt_parallel_for(nest->ex, 50, inner_body, &ic);
}

static void nest_fn(struct tcc_rt_exec *ex, void *arg)
{
	struct nest *nest = arg;

	nest->ex = ex;
	tcc_rt_parallel_for(ex, 8, outer_body, nest);
	/* After the nested region, the caller is parallel again. */
	tcc_rt_parallel_for(ex, 8, outer_body, nest);
}

START_TEST(test_nested)
{
	tcc_model *m = new_model();

	alarm(WATCHDOG_S);
	for (int t = 1; t <= 4; t++) {
		struct nest nest;

		memset(&nest, 0, sizeof(nest));
		run_with(m, t, nest_fn, &nest);
		ck_assert_int_eq(atomic_load(&nest.outer_chunks), 2 * t);
		ck_assert_int_eq(atomic_load(&nest.inner_calls), 16);
		ck_assert_int_eq(atomic_load(&nest.inner_items), 16 * 50);
		ck_assert_int_eq(atomic_load(&nest.wrong_thread), 0);
	}
	tcc_model_free(m);
	alarm(0);
}
END_TEST

/* ---- Many calls: spin path (back to back), sleep path (gaps), slow chunks ---------------- */

struct sum {
	atomic_llong total;
	int calls;
	int gap_us;	/* sleep between calls: workers go to sleep */
	int slow_us;	/* sleep in the last chunk: the caller goes to sleep */
};

static void sum_body(void *ctx, int64_t begin, int64_t end)
{
	struct sum *s = ctx;
	long long acc = 0;

	for (int64_t i = begin; i < end; i++)
		acc += i;
	if (s->slow_us && end == 64)
		usleep(s->slow_us);
	atomic_fetch_add(&s->total, acc);
}

static void sum_fn(struct tcc_rt_exec *ex, void *arg)
{
	struct sum *s = arg;

	for (int c = 0; c < s->calls; c++) {
		tcc_rt_parallel_for(ex, 64, sum_body, s);
		if (s->gap_us)
			usleep(s->gap_us);
	}
}

static void check_sum(int t, int calls, int gap_us, int slow_us)
{
	struct sum s = { .calls = calls, .gap_us = gap_us, .slow_us = slow_us };
	tcc_model *m = new_model();

	atomic_init(&s.total, 0);
	run_with(m, t, sum_fn, &s);
	ck_assert_int_eq(atomic_load(&s.total), (long long)calls * (63 * 64 / 2));
	tcc_model_free(m);
}

START_TEST(test_many_calls)
{
	alarm(WATCHDOG_S);
	for (int t = 1; t <= 4; t++)
		check_sum(t, 20000, 0, 0);
	alarm(0);
}
END_TEST

START_TEST(test_sleep_wake)
{
	alarm(WATCHDOG_S);
	for (int t = 2; t <= 4; t++) {
		check_sum(t, 40, 3000, 0);	/* workers asleep at every call */
		check_sum(t, 40, 0, 3000);	/* caller asleep waiting for the slow chunk */
	}
	alarm(0);
}
END_TEST

static void one_call_fn(struct tcc_rt_exec *ex, void *arg)
{
	tcc_rt_parallel_for(ex, 64, sum_body, arg);
}

START_TEST(test_many_runs_and_resizes)
{
	struct sum s = { 0 };
	tcc_model *m = new_model();
	int runs = 0;

	alarm(WATCHDOG_S);
	atomic_init(&s.total, 0);
	for (int r = 0; r < 3000; r++, runs++) {
		test_fn = one_call_fn;
		test_arg = &s;
		if (r % 500 == 0)
			ck_assert_int_eq(tcc_model_set_threads(m, 1 + (r / 500) % 4), TCC_RT_OK);
		ck_assert_int_eq(tcc_model_run(m, NULL, 0, NULL, 0), TCC_RT_OK);
	}
	ck_assert_int_eq(atomic_load(&s.total), (long long)runs * (63 * 64 / 2));
	tcc_model_free(m);
	alarm(0);
}
END_TEST

/* Two instances run concurrently from two host threads, each with its own pool; both add to
 * the one accumulator in test_arg. */
static void *instance_thread(void *arg)
{
	int *ok = arg;
	tcc_model *m = tcc_model_from_desc(&pool_desc, NULL, 0);

	if (!m || tcc_model_set_threads(m, 2) != TCC_RT_OK)
		return NULL;
	for (int r = 0; r < 2000; r++)
		if (tcc_model_run(m, NULL, 0, NULL, 0) != TCC_RT_OK)
			goto out;
	*ok = 1;
out:
	tcc_model_free(m);
	return NULL;
}

START_TEST(test_concurrent_instances)
{
	struct sum s = { 0 };
	pthread_t tid[2];
	int ok[2] = { 0, 0 };

	alarm(WATCHDOG_S);
	atomic_init(&s.total, 0);
	test_fn = one_call_fn;
	test_arg = &s;
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&tid[i], NULL, instance_thread, &ok[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(tid[i], NULL);
	ck_assert(ok[0] && ok[1]);
	ck_assert_int_eq(atomic_load(&s.total), 2LL * 2000 * (63 * 64 / 2));
	alarm(0);
}
END_TEST

/* ---- Overhead per call (printed): n = T, an empty body; median and best of batches ------ */

#define BATCHES 21
#define BATCH_CALLS 5000

struct overhead {
	double ns[BATCHES];
};

static void empty_body(void *ctx, int64_t begin, int64_t end)
{
	(void)ctx, (void)begin, (void)end;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void overhead_fn(struct tcc_rt_exec *ex, void *arg)
{
	struct overhead *o = arg;
	double t0;

	for (int c = 0; c < 1000; c++) /* warm up: workers spinning */
		tcc_rt_parallel_for(ex, ex->num_threads, empty_body, NULL);
	for (int b = 0; b < BATCHES; b++) {
		t0 = now_ns();
		for (int c = 0; c < BATCH_CALLS; c++)
			tcc_rt_parallel_for(ex, ex->num_threads, empty_body, NULL);
		o->ns[b] = (now_ns() - t0) / BATCH_CALLS;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

START_TEST(test_overhead)
{
	tcc_model *m = new_model();

	alarm(WATCHDOG_S);
	for (int t = 1; t <= 4; t++) {
		struct overhead o;

		run_with(m, t, overhead_fn, &o);
		qsort(o.ns, BATCHES, sizeof(o.ns[0]), cmp_double);
		printf("rt_pool: parallel_for overhead T=%d: median %.0f ns/call, best %.0f, worst %.0f "
		       "(%d x %d calls, %ld CPUs online)\n", t, o.ns[BATCHES / 2], o.ns[0],
		       o.ns[BATCHES - 1], BATCHES, BATCH_CALLS, sysconf(_SC_NPROCESSORS_ONLN));
	}
	tcc_model_free(m);
	alarm(0);
}
END_TEST

START_TEST(test_null_exec_is_serial)
{
	struct cover *c = &the_cover;

	memset(c, 0, sizeof(*c));
	c->n = 10;
	atomic_store(&c->min_len, 11);
	tcc_rt_parallel_for(NULL, 10, cover_body, c);
	tcc_rt_parallel_for(NULL, -3, cover_body, c);
	ck_assert_int_eq(atomic_load(&c->chunks), 1);
	ck_assert_int_eq(atomic_load(&c->max_len), 10);
}
END_TEST

static Suite *rt_pool_suite(void)
{
	Suite *s = suite_create("rt_pool");
	TCase *tc = tcase_create("pool");

	tcase_set_timeout(tc, WATCHDOG_S);
	tcase_add_loop_test(tc, test_cover, 1, 5);
	tcase_add_test(tc, test_nested);
	tcase_add_test(tc, test_many_calls);
	tcase_add_test(tc, test_sleep_wake);
	tcase_add_test(tc, test_many_runs_and_resizes);
	tcase_add_test(tc, test_concurrent_instances);
	tcase_add_test(tc, test_null_exec_is_serial);
	tcase_add_test(tc, test_overhead);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rt_pool_suite());
	int failed;

	unsetenv("TCC_NUM_THREADS");
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
