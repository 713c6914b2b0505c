/* The thread pool behind tcc_rt_parallel_for.
 *
 * A pool of T participants is the calling thread plus T - 1 workers. A loop over [0, n) is cut
 * into T contiguous chunks, which participants claim one at a time (caller included) until
 * none is left: a worker that the OS has not scheduled yet (another process on its CPU) costs
 * nothing, the others run its chunk instead of waiting for it. The caller publishes a job by
 * writing its fields, then the claim word (job number, next chunk), then bumping "gen"; workers
 * spin on "gen" for a while, then sleep on "work_cv". "pending" counts the chunks not done;
 * the caller, once no chunk is left to claim, spins on it and then sleeps on "done_cv". Sleeping is
 * announced through "sleepers" / "caller_sleeping" so that the fast path takes no lock: the
 * publisher (or the last finisher) locks and signals only when someone announced sleep. Both
 * sides use sequentially consistent atomics for announce-then-check, so no wakeup is lost.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rt_private.h"

/* How long a waiting thread polls before it sleeps, in microseconds (TCC_SPIN_US overrides;
 * 0 sleeps at once). It must exceed the cost of a sleep + wakeup (tens of us in a VM), or one
 * late thread makes the others sleep in turn. When the pool has more threads than usable CPUs,
 * every poll yields the CPU instead of pausing. Polls read the clock every SPIN_CLOCK_EVERY. */
#define SPIN_US_DEFAULT 300
#define SPIN_US_MAX 1000000
#define SPIN_CLOCK_EVERY 64

/* Set in pool workers and in a caller while it runs its chunk: parallel_for then runs serially. */
static _Thread_local int in_parallel;

/* Test hook (rt_private.h): make the Nth pthread_create from now on fail. */
static atomic_int fail_thread_after;

struct worker {
	struct tcc_rt_pool *pool;
	int index;
};

/* A pool. "pf" are the hooks it was allocated with; "nthreads" participants (caller included),
 * "nstarted" workers running, "workers" their arguments, "tids" their ids. "spin_ns" is how
 * long a waiter polls before sleeping, and "yield" whether each poll yields. "lock" guards
 * the two condition variables. "body"/"ctx"/"n" describe the current job, written only while
 * no worker reads them; they share one cache line with "gen" (job counter) and "stop", so a
 * worker takes one miss to see a job. "pending" (workers not done) and "sleepers" /
 * "caller_sleeping" (who must be signalled) have cache lines of their own. */
struct tcc_rt_pool {
	struct tcc_rt_platform pf;
	int nthreads;
	int nstarted;
	int64_t spin_ns;
	int yield;
	int sync_ready;
	struct worker *workers;
	pthread_t *tids;
	pthread_mutex_t lock;
	pthread_cond_t work_cv;
	pthread_cond_t done_cv;
	alignas(64) tcc_rt_body_fn body;
	void *ctx;
	int64_t n;
	atomic_uint gen;
	atomic_int stop;
	alignas(64) _Atomic uint64_t claim; /* job number << 32 | next unclaimed chunk */
	alignas(64) atomic_int pending;
	alignas(64) atomic_int sleepers;
	atomic_int caller_sleeping;
};

static inline void cpu_relax(int yield)
{
	if (yield)
		sched_yield();
#if defined(__x86_64__) || defined(__i386__)
	else
		__builtin_ia32_pause();
#elif defined(__aarch64__)
	else
		__asm__ __volatile__("yield");
#endif
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* One poll of a spin loop: pause (or yield); every SPIN_CLOCK_EVERY polls check the clock.
 * Returns 0 once the pool's spin time since *start (set at the first check) has passed. */
static inline int spin_more(const struct tcc_rt_pool *pool, unsigned poll, int64_t *start)
{
	int64_t now;

	if (pool->spin_ns <= 0)
		return 0;
	cpu_relax(pool->yield);
	if (poll % SPIN_CLOCK_EVERY != SPIN_CLOCK_EVERY - 1)
		return 1;
	now = now_ns();
	if (*start == 0)
		*start = now;
	return now - *start < pool->spin_ns;
}

/* Chunk i of T over [0, n): sizes differ by at most one, earlier chunks are the larger. */
static void run_chunk(struct tcc_rt_pool *pool, int i)
{
	int64_t t = pool->nthreads, q = pool->n / t, r = pool->n % t;
	int64_t begin = i * q + (i < r ? i : r);
	int64_t end = begin + q + (i < r ? 1 : 0);

	if (begin < end)
		pool->body(pool->ctx, begin, end);
}

/* Wait until "gen" differs from seen (or the pool stops); returns the new value. */
static unsigned wait_work(struct tcc_rt_pool *pool, unsigned seen)
{
	int64_t start = 0;
	unsigned g;

	for (unsigned i = 0;; i++) {
		g = atomic_load_explicit(&pool->gen, memory_order_acquire);
		if (g != seen)
			return g;
		if (!spin_more(pool, i, &start))
			break;
	}
	pthread_mutex_lock(&pool->lock);
	atomic_fetch_add(&pool->sleepers, 1);
	while ((g = atomic_load(&pool->gen)) == seen)
		pthread_cond_wait(&pool->work_cv, &pool->lock);
	atomic_fetch_sub(&pool->sleepers, 1);
	pthread_mutex_unlock(&pool->lock);
	return g;
}

static void finish_chunk(struct tcc_rt_pool *pool)
{
	if (atomic_fetch_sub(&pool->pending, 1) != 1 || !atomic_load(&pool->caller_sleeping))
		return;
	pthread_mutex_lock(&pool->lock);
	pthread_cond_signal(&pool->done_cv);
	pthread_mutex_unlock(&pool->lock);
}

/* Claim and run chunks of job "job" until none is left (or another job is published: a late
 * worker's claim fails then). The job's fields are read only after a successful claim, and
 * the caller rewrites them only once every chunk is done. */
static void run_claimed(struct tcc_rt_pool *pool, unsigned job)
{
	uint64_t c = atomic_load_explicit(&pool->claim, memory_order_acquire);

	while ((unsigned)(c >> 32) == job && (int64_t)(c & 0xffffffffu) < pool->nthreads) {
		if (!atomic_compare_exchange_weak_explicit(&pool->claim, &c, c + 1,
							   memory_order_acq_rel,
							   memory_order_acquire))
			continue;
		run_chunk(pool, (int)(c & 0xffffffffu));
		finish_chunk(pool);
		c = atomic_load_explicit(&pool->claim, memory_order_acquire);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct tcc_rt_pool *pool = w->pool;
	unsigned seen = 0;

	in_parallel = 1;
	for (;;) {
		seen = wait_work(pool, seen);
		if (atomic_load(&pool->stop))
			break;
		run_claimed(pool, seen);
	}
	return NULL;
}

static void wake_workers(struct tcc_rt_pool *pool)
{
	if (atomic_load(&pool->sleepers) == 0)
		return;
	pthread_mutex_lock(&pool->lock);
	pthread_cond_broadcast(&pool->work_cv);
	pthread_mutex_unlock(&pool->lock);
}

static void wait_done(struct tcc_rt_pool *pool)
{
	int64_t start = 0;

	for (unsigned i = 0;; i++) {
		if (atomic_load_explicit(&pool->pending, memory_order_acquire) == 0)
			return;
		if (!spin_more(pool, i, &start))
			break;
	}
	pthread_mutex_lock(&pool->lock);
	atomic_store(&pool->caller_sleeping, 1);
	while (atomic_load(&pool->pending) != 0)
		pthread_cond_wait(&pool->done_cv, &pool->lock);
	atomic_store(&pool->caller_sleeping, 0);
	pthread_mutex_unlock(&pool->lock);
}

void tcc_rt_serial_for(struct tcc_rt_exec *ex, int64_t n, tcc_rt_body_fn body, void *ctx)
{
	(void)ex;
	if (n > 0)
		body(ctx, 0, n);
}

void tcc_rt_pool_parallel_for(struct tcc_rt_exec *ex, int64_t n, tcc_rt_body_fn body, void *ctx)
{
	struct tcc_rt_pool *pool = ex->pool;
	unsigned job;

	if (n <= 0)
		return;
	if (!pool || in_parallel || n == 1 || pool->nthreads <= 1) {
		body(ctx, 0, n);
		return;
	}
	pool->body = body;
	pool->ctx = ctx;
	pool->n = n;
	job = atomic_load_explicit(&pool->gen, memory_order_relaxed) + 1;
	atomic_store_explicit(&pool->pending, pool->nthreads, memory_order_relaxed);
	atomic_store_explicit(&pool->claim, (uint64_t)job << 32, memory_order_release);
	atomic_store(&pool->gen, job);
	wake_workers(pool);
	in_parallel = 1;
	run_claimed(pool, job);
	in_parallel = 0;
	wait_done(pool);
}

void tcc_rt_parallel_for(struct tcc_rt_exec *ex, int64_t n, tcc_rt_body_fn body, void *ctx)
{
	if (n <= 0 || !body)
		return;
	if (!ex || !ex->parallel_for)
		body(ctx, 0, n);
	else
		ex->parallel_for(ex, n, body, ctx);
}

void tcc_rt_test_fail_thread_create(int nth)
{
	atomic_store(&fail_thread_after, nth);
}

static int create_thread(pthread_t *tid, struct worker *w)
{
	int k = atomic_load(&fail_thread_after);

	if (k > 0 && atomic_fetch_sub(&fail_thread_after, 1) == 1)
		return EAGAIN;
	return pthread_create(tid, NULL, worker_main, w);
}

/* Start the workers with every signal blocked, so that signals go to the host's threads. */
static int start_workers(struct tcc_rt_pool *pool)
{
	sigset_t all, old;
	int st = TCC_RT_OK;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (int i = 1; i < pool->nthreads; i++) {
		pool->workers[i - 1] = (struct worker){ pool, i };
		if (create_thread(&pool->tids[i - 1], &pool->workers[i - 1]) != 0) {
			st = TCC_RT_ERR_THREAD;
			break;
		}
		pool->nstarted++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return st;
}

static int init_sync(struct tcc_rt_pool *pool)
{
	if (pthread_mutex_init(&pool->lock, NULL) != 0)
		return TCC_RT_ERR_THREAD;
	if (pthread_cond_init(&pool->work_cv, NULL) != 0) {
		pthread_mutex_destroy(&pool->lock);
		return TCC_RT_ERR_THREAD;
	}
	if (pthread_cond_init(&pool->done_cv, NULL) != 0) {
		pthread_cond_destroy(&pool->work_cv);
		pthread_mutex_destroy(&pool->lock);
		return TCC_RT_ERR_THREAD;
	}
	pool->sync_ready = 1;
	return TCC_RT_OK;
}

static int usable_cpus(void)
{
	cpu_set_t set;
	long n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n <= 0)
		n = 1;
	return n > TCC_RT_MAX_THREADS ? TCC_RT_MAX_THREADS : (int)n;
}

/* TCC_SPIN_US when it is a number in [0, SPIN_US_MAX], else SPIN_US_DEFAULT. */
static int64_t spin_us(void)
{
	const char *env = getenv("TCC_SPIN_US");
	char *end;
	long v;

	if (!env || !*env)
		return SPIN_US_DEFAULT;
	errno = 0;
	v = strtol(env, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > SPIN_US_MAX)
		return SPIN_US_DEFAULT;
	return v;
}

int tcc_rt_pool_new(const struct tcc_rt_platform *pf, int nthreads, struct tcc_rt_pool **out)
{
	struct tcc_rt_pool *pool;
	size_t nw = nthreads > 1 ? (size_t)nthreads - 1 : 1;
	int st;

	*out = NULL;
	pool = tcc_rt_platform_alloc(pf, sizeof(*pool), alignof(struct tcc_rt_pool));
	if (!pool)
		return TCC_RT_ERR_NOMEM;
	memset(pool, 0, sizeof(*pool));
	pool->pf = *pf;
	pool->nthreads = nthreads;
	pool->yield = nthreads > usable_cpus();
	pool->spin_ns = spin_us() * 1000;
	pool->workers = tcc_rt_platform_alloc(pf, nw * sizeof(*pool->workers), alignof(struct worker));
	pool->tids = tcc_rt_platform_alloc(pf, nw * sizeof(*pool->tids), alignof(pthread_t));
	st = pool->workers && pool->tids ? init_sync(pool) : TCC_RT_ERR_NOMEM;
	if (st == TCC_RT_OK)
		st = start_workers(pool);
	if (st != TCC_RT_OK) {
		tcc_rt_pool_free(pool);
		return st;
	}
	*out = pool;
	return TCC_RT_OK;
}

struct tcc_rt_pool *tcc_rt_pool_free(struct tcc_rt_pool *pool)
{
	if (!pool)
		return NULL;
	if (pool->sync_ready) {
		atomic_store(&pool->stop, 1);
		pthread_mutex_lock(&pool->lock);
		atomic_fetch_add(&pool->gen, 1);
		pthread_cond_broadcast(&pool->work_cv);
		pthread_mutex_unlock(&pool->lock);
		for (int i = 0; i < pool->nstarted; i++)
			pthread_join(pool->tids[i], NULL);
		pthread_cond_destroy(&pool->done_cv);
		pthread_cond_destroy(&pool->work_cv);
		pthread_mutex_destroy(&pool->lock);
	}
	tcc_rt_platform_free(&pool->pf, pool->tids);
	tcc_rt_platform_free(&pool->pf, pool->workers);
	tcc_rt_platform_free(&pool->pf, pool);
	return NULL;
}

int tcc_rt_default_threads(int desc_default)
{
	const char *env = getenv("TCC_NUM_THREADS");
	char *end;
	long v;

	if (env && *env) {
		errno = 0;
		v = strtol(env, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 1)
			return v > TCC_RT_MAX_THREADS ? TCC_RT_MAX_THREADS : (int)v;
	}
	if (desc_default > 0)
		return desc_default > TCC_RT_MAX_THREADS ? TCC_RT_MAX_THREADS : desc_default;
	return usable_cpus();
}
