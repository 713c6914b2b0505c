/* Model instances: creation from a descriptor or a shared object, run, threads, introspection. */
#include <dlfcn.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rt_private.h"

/* Drop the pool: runs after this one use a fresh one with the current thread count. */
static void drop_pool(tcc_model *model)
{
	model->pool = tcc_rt_pool_free(model->pool);
	model->ex.pool = NULL;
	model->ex.parallel_for = tcc_rt_serial_for;
	model->ex.num_threads = model->threads;
}

/* The planned scratch memory: desc->arena_size bytes, at least 64-byte aligned. */
static int alloc_arena(tcc_model *model, char *err, size_t errlen)
{
	const struct tcc_rt_model_desc *desc = model->desc;
	uint64_t align = desc->arena_align > TCC_RT_ARENA_ALIGN ? desc->arena_align
								 : TCC_RT_ARENA_ALIGN;
	uint64_t size = desc->arena_size;

	if (size == 0)
		return TCC_RT_OK;
	if (size > (uint64_t)SIZE_MAX - align || align > (uint64_t)SIZE_MAX / 2)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_ARENA_SIZE,
				  "out of memory: arena of %llu bytes aligned to %llu does not fit "
				  "in memory", (unsigned long long)size, (unsigned long long)align);
	size = (size + align - 1) & ~(align - 1);
	model->arena = tcc_rt_platform_alloc(&model->pf, (size_t)size, (size_t)align);
	if (!model->arena)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_NOMEM,
				  "out of memory: cannot allocate the arena of model '%s' "
				  "(%llu bytes)", desc->name ? desc->name : "",
				  (unsigned long long)desc->arena_size);
	model->ex.arena = model->arena;
	model->ex.arena_size = desc->arena_size;
	return TCC_RT_OK;
}

/* Everything an instance owns but the shared object (which the caller hands over on success):
 * the weights file is "wpath", or found beside "so_path" / the descriptor's object. */
static int create(const struct tcc_rt_model_desc *desc, const char *what, const char *wpath,
		  const char *so_path, tcc_model **out, char *err, size_t errlen)
{
	struct tcc_rt_platform pf;
	tcc_model *model;
	size_t nptrs;
	int st;

	*out = NULL;
	st = tcc_rt_check_desc(desc, what, err, errlen);
	if (st != TCC_RT_OK)
		return st;
	tcc_rt_get_platform(&pf);
	model = tcc_rt_platform_alloc(&pf, sizeof(*model), alignof(tcc_model));
	if (!model)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_NOMEM,
				  "out of memory: cannot allocate a model instance");
	memset(model, 0, sizeof(*model));
	model->desc = desc;
	model->pf = pf;
	atomic_init(&model->busy, 0);
	model->threads = tcc_rt_default_threads(desc->default_threads);
	model->ex.abi_version = TCC_RT_ABI_VERSION;
	drop_pool(model);
	nptrs = (size_t)desc->num_inputs + (size_t)desc->num_outputs;
	if (nptrs > 0) {
		model->ptrs = tcc_rt_platform_alloc(&pf, nptrs * sizeof(void *), alignof(void *));
		if (!model->ptrs) {
			st = tcc_rt_fmt(err, errlen, TCC_RT_ERR_NOMEM,
					"out of memory: cannot allocate a model instance");
			goto error;
		}
	}
	st = alloc_arena(model, err, errlen);
	if (st == TCC_RT_OK)
		st = tcc_rt_weights_map(model, wpath, so_path, what, err, errlen);
	if (st != TCC_RT_OK)
		goto error;
	tcc_rt_model_ok(model);
	*out = model;
	return tcc_rt_fmt(err, errlen, TCC_RT_OK, "%s", "");
error:
	tcc_model_free(model);
	return st;
}

int tcc_model_from_desc_weights_ex(const struct tcc_rt_model_desc *desc,
				   const char *weights_path, tcc_model **out, char *err,
				   size_t errlen)
{
	tcc_model *dummy;

	return create(desc, "descriptor", weights_path, NULL, out ? out : &dummy, err, errlen);
}

tcc_model *tcc_model_from_desc_weights(const struct tcc_rt_model_desc *desc,
				       const char *weights_path, char *err, size_t errlen)
{
	tcc_model *model;

	tcc_model_from_desc_weights_ex(desc, weights_path, &model, err, errlen);
	return model;
}

int tcc_model_from_desc_ex(const struct tcc_rt_model_desc *desc, tcc_model **out, char *err,
			   size_t errlen)
{
	return tcc_model_from_desc_weights_ex(desc, NULL, out, err, errlen);
}

tcc_model *tcc_model_from_desc(const struct tcc_rt_model_desc *desc, char *err, size_t errlen)
{
	tcc_model *model;

	tcc_model_from_desc_ex(desc, &model, err, errlen);
	return model;
}

/* dlopen the path as given when it names a directory, else as "./path" (no search). */
static void *open_so(const char *path, char *err, size_t errlen, int *st)
{
	char buf[4096];
	void *dl;

	if (!strchr(path, '/')) {
		if (snprintf(buf, sizeof(buf), "./%s", path) >= (int)sizeof(buf)) {
			*st = tcc_rt_fmt(err, errlen, TCC_RT_ERR_OPEN,
					 "cannot load '%s': path too long", path);
			return NULL;
		}
		path = buf;
	}
	dlerror();
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		const char *why = dlerror();

		*st = tcc_rt_fmt(err, errlen, TCC_RT_ERR_OPEN, "cannot load '%s': %s", path,
				 why ? why : "unknown dlopen error");
	}
	return dl;
}

int tcc_model_load_ex(const char *so_path, tcc_model **out, char *err, size_t errlen)
{
	const struct tcc_rt_model_desc *desc;
	char what[600];
	tcc_model *model, *dummy;
	void *dl;
	int st = TCC_RT_OK;

	out = out ? out : &dummy;
	*out = NULL;
	if (!so_path)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_NULL_ARG, "model path is NULL");
	dl = open_so(so_path, err, errlen, &st);
	if (!dl)
		return st;
	snprintf(what, sizeof(what), "'%s'", so_path);
	dlerror();
	desc = dlsym(dl, TCC_RT_MODEL_DESC_SYMBOL);
	if (!desc) {
		dlclose(dl);
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_NO_DESC,
				  "%s is not a tcc model: no symbol '%s'", what,
				  TCC_RT_MODEL_DESC_SYMBOL);
	}
	st = create(desc, what, NULL, so_path, &model, err, errlen);
	if (st != TCC_RT_OK) {
		dlclose(dl);
		return st;
	}
	model->dl = dl;
	*out = model;
	return TCC_RT_OK;
}

tcc_model *tcc_model_load(const char *so_path, char *err, size_t errlen)
{
	tcc_model *model;

	tcc_model_load_ex(so_path, &model, err, errlen);
	return model;
}

tcc_model *tcc_model_free(tcc_model *model)
{
	struct tcc_rt_platform pf;
	void *dl;

	if (!model)
		return NULL;
	pf = model->pf;
	dl = model->dl;
	tcc_rt_pool_free(model->pool);
	tcc_rt_weights_unmap(model);
	tcc_rt_platform_free(&pf, model->arena);
	tcc_rt_platform_free(&pf, model->ptrs);
	tcc_rt_platform_free(&pf, model);
	if (dl)
		dlclose(dl);
	return NULL;
}

/* Claim the instance for one call; fails when another thread (or a body of this run) holds it. */
static int acquire(tcc_model *model)
{
	int idle = 0;

	return atomic_compare_exchange_strong(&model->busy, &idle, 1);
}

static void release(tcc_model *model)
{
	atomic_store(&model->busy, 0);
}

static int ensure_pool(tcc_model *model)
{
	int st;

	if (model->threads <= 1 || model->pool)
		return TCC_RT_OK;
	st = tcc_rt_pool_new(&model->pf, model->threads, &model->pool);
	if (st != TCC_RT_OK)
		return tcc_rt_model_err(model, st, "cannot start a pool of %d threads: %s",
					model->threads, tcc_rt_status_str(st));
	model->ex.pool = model->pool;
	model->ex.parallel_for = tcc_rt_pool_parallel_for;
	model->ex.num_threads = model->threads;
	return TCC_RT_OK;
}

static int call_run(tcc_model *model, const tcc_tensor *in, int nin, tcc_tensor *out, int nout)
{
	const struct tcc_rt_model_desc *desc = model->desc;
	int rc;

	for (int i = 0; i < nin; i++)
		model->ptrs[i] = in[i].data;
	for (int i = 0; i < nout; i++)
		model->ptrs[nin + i] = out[i].data;
	model->ex.inputs = in;
	model->ex.outputs = out;
	rc = desc->run(&model->ex, model->ptrs, model->ptrs ? model->ptrs + nin : NULL);
	model->ex.inputs = NULL;
	model->ex.outputs = NULL;
	if (rc == TCC_RT_OK)
		return tcc_rt_model_ok(model);
	if (tcc_rt_status_known(rc))
		return tcc_rt_model_err(model, rc, "model '%s': run failed: %s",
					desc->name ? desc->name : "", tcc_rt_status_str(rc));
	return tcc_rt_model_err(model, TCC_RT_ERR_MODEL_RUN,
				"model '%s': generated run function returned %d",
				desc->name ? desc->name : "", rc);
}

int tcc_model_run(tcc_model *model, const tcc_tensor *in, int nin, tcc_tensor *out, int nout)
{
	int st;

	if (!model)
		return TCC_RT_ERR_NULL_ARG;
	if (!acquire(model))
		return TCC_RT_ERR_BUSY;
	st = tcc_rt_check_args(model, in, nin, out, nout);
	if (st == TCC_RT_OK)
		st = ensure_pool(model);
	if (st == TCC_RT_OK)
		st = call_run(model, in, nin, out, nout);
	release(model);
	return st;
}

int tcc_model_set_threads(tcc_model *model, int num_threads)
{
	int threads;

	if (!model)
		return TCC_RT_ERR_NULL_ARG;
	if (!acquire(model))
		return TCC_RT_ERR_BUSY;
	if (num_threads < 0 || num_threads > TCC_RT_MAX_THREADS) {
		tcc_rt_model_err(model, TCC_RT_ERR_THREADS, "thread count %d is not in [0, %d]",
				 num_threads, TCC_RT_MAX_THREADS);
		release(model);
		return TCC_RT_ERR_THREADS;
	}
	threads = num_threads ? num_threads : tcc_rt_default_threads(model->desc->default_threads);
	model->threads_req = num_threads;
	if (threads != model->threads) {
		model->threads = threads;
		drop_pool(model);
	}
	tcc_rt_model_ok(model);
	release(model);
	return TCC_RT_OK;
}

int tcc_model_num_threads(const tcc_model *model)
{
	return model ? model->threads : -1;
}

const char *tcc_model_last_error(const tcc_model *model)
{
	return model ? model->msg : "model is NULL";
}

int tcc_model_last_status(const tcc_model *model)
{
	return model ? model->status : TCC_RT_ERR_NULL_ARG;
}

const char *tcc_model_name(const tcc_model *model)
{
	return model ? (model->desc->name ? model->desc->name : "") : NULL;
}

int tcc_model_num_inputs(const tcc_model *model)
{
	return model ? model->desc->num_inputs : -1;
}

int tcc_model_num_outputs(const tcc_model *model)
{
	return model ? model->desc->num_outputs : -1;
}

const struct tcc_rt_model_desc *tcc_model_desc_of(const tcc_model *model)
{
	return model ? model->desc : NULL;
}

static int tensor_info(tcc_model *model, const char *kind, const struct tcc_rt_tensor_desc *tds,
		       int n, int index, struct tcc_rt_tensor_desc *info)
{
	if (!model)
		return TCC_RT_ERR_NULL_ARG;
	if (!info)
		return tcc_rt_model_err(model, TCC_RT_ERR_NULL_ARG, "%s info pointer is NULL",
					kind);
	if (index < 0 || index >= n)
		return tcc_rt_model_err(model, TCC_RT_ERR_INDEX,
					"%s index %d out of range: model '%s' has %d %ss", kind,
					index, tcc_model_name(model), n, kind);
	*info = tds[index];
	return TCC_RT_OK;
}

int tcc_model_input_info(tcc_model *model, int index, struct tcc_rt_tensor_desc *info)
{
	if (!model)
		return TCC_RT_ERR_NULL_ARG;
	return tensor_info(model, "input", model->desc->inputs, model->desc->num_inputs, index,
			   info);
}

int tcc_model_output_info(tcc_model *model, int index, struct tcc_rt_tensor_desc *info)
{
	if (!model)
		return TCC_RT_ERR_NULL_ARG;
	return tensor_info(model, "output", model->desc->outputs, model->desc->num_outputs,
			   index, info);
}
