/* Layouts and internal entry points of the runtime; not part of the public ABI. */
#ifndef TCC_RT_PRIVATE_H
#define TCC_RT_PRIVATE_H

#include <stdarg.h>
#include <stdatomic.h>

#include "rt_own.h"
#include "rt_platform.h"
#include "tcc_rt.h"

#define TCC_RT_ARENA_ALIGN 64
#define TCC_RT_MSG_MAX 512

/* A model instance.
 *
 * "desc" is the descriptor (inside "dl" when loaded from a shared object, whose handle the
 * instance owns; NULL "dl" for a linked-in descriptor). "pf" is the copy of the platform hooks
 * every allocation of the instance went through. "arena" is the planned scratch memory, owned.
 * "ptrs" holds num_inputs + num_outputs data pointers, filled by each run (so run allocates
 * nothing). "threads_req" is the count set by tcc_model_set_threads (0: default) and
 * "threads" the resolved count; "pool" is created at the first run that needs more than one
 * thread, and dropped when the count changes. "busy" guards against concurrent runs.
 * "status"/"msg" are the outcome of the last call. "ex" is handed to generated code.
 * "wmap"/"wlen" is the read-only mapping of the weights file (NULL/0 when the descriptor has
 * none), owned: unmapped by tcc_model_free; ex.weights points into it.
 */
struct tcc_model {
	const struct tcc_rt_model_desc *desc;
	void *dl;
	struct tcc_rt_platform pf;
	void *arena;
	void **ptrs;
	int threads_req;
	int threads;
	struct tcc_rt_pool *pool;
	atomic_int busy;
	int status;
	char msg[TCC_RT_MSG_MAX];
	struct tcc_rt_exec ex;
	void *wmap;
	size_t wlen;
};

/* rt_status.c: format into a bounded buffer (NULL buf or 0 len is fine); returns status. */
int tcc_rt_vfmt(char *buf, size_t len, int status, const char *fmt, va_list ap);
int tcc_rt_fmt(char *buf, size_t len, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Record the outcome of a call on a model: status + message ("" for TCC_RT_OK). */
int tcc_rt_model_err(tcc_model *model, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int tcc_rt_model_ok(tcc_model *model);
/* Append "[d0,d1,...]" to buf at *pos, never past len; dyn prints -1 dims as "?". */
void tcc_rt_fmt_shape(char *buf, size_t len, size_t *pos, const int64_t *shape, int32_t rank,
		      int dyn);
int tcc_rt_status_known(int status);

/* rt_check.c: descriptor and argument checks. */
int tcc_rt_check_desc(const struct tcc_rt_model_desc *desc, const char *what, char *err,
		      size_t errlen);
int tcc_rt_check_args(tcc_model *model, const tcc_tensor *in, int nin, const tcc_tensor *out,
		      int nout);

/* rt_weights.c: map and check the weights file of model->desc (nothing when it has none).
 * "path": the file (NULL: desc->weights_file beside "so_path", or beside the object holding
 * the descriptor when "so_path" is NULL too). "what" names the model in messages. */
int tcc_rt_weights_map(tcc_model *model, __tcc_null const char *path,
		       __tcc_null const char *so_path, const char *what, char *err, size_t errlen);
void tcc_rt_weights_unmap(tcc_model *model);

/* rt_pool.c: the thread pool. */
struct tcc_rt_pool;
int tcc_rt_pool_new(const struct tcc_rt_platform *pf, int num_threads,
		    __tcc_give struct tcc_rt_pool **out);
__tcc_null struct tcc_rt_pool *tcc_rt_pool_free(__tcc_take __tcc_null struct tcc_rt_pool *pool);
void tcc_rt_pool_parallel_for(struct tcc_rt_exec *ex, int64_t n, tcc_rt_body_fn body, void *ctx);
void tcc_rt_serial_for(struct tcc_rt_exec *ex, int64_t n, tcc_rt_body_fn body, void *ctx);
/* Test hook: the Nth pthread_create from now on fails (0 disables). */
void tcc_rt_test_fail_thread_create(int nth);
/* The default thread count: TCC_NUM_THREADS, else desc_default (> 0), else usable CPUs. */
int tcc_rt_default_threads(int desc_default);

#endif
