/* Checks: a descriptor against the ABI, and a run's tensors against the descriptor. */
#include <stdio.h>
#include <string.h>

#include "rt_private.h"
#include "rt_weights.h"

#define TCC_RT_MAX_RANK 64

static const char *nz(const char *s)
{
	return s ? s : "";
}

static int check_tensor_desc(const struct tcc_rt_tensor_desc *td, const char *kind, int i,
			     const char *what, char *err, size_t errlen)
{
	if (td->rank < 0 || td->rank > TCC_RT_MAX_RANK)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_BAD_DESC,
				  "%s: malformed descriptor: %s %d has rank %d", what, kind, i,
				  (int)td->rank);
	if (td->rank > 0 && !td->shape)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_BAD_DESC,
				  "%s: malformed descriptor: %s %d has no shape", what, kind, i);
	for (int32_t d = 0; d < td->rank; d++)
		if (td->shape[d] < TCC_RT_DIM_DYNAMIC)
			return tcc_rt_fmt(err, errlen, TCC_RT_ERR_BAD_DESC,
					  "%s: malformed descriptor: %s %d has dimension %lld",
					  what, kind, i, (long long)td->shape[d]);
	return TCC_RT_OK;
}

static int check_tensor_descs(const struct tcc_rt_tensor_desc *tds, int n, const char *kind,
			      const char *what, char *err, size_t errlen)
{
	int st;

	if (n < 0 || (n > 0 && !tds))
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_BAD_DESC,
				  "%s: malformed descriptor: %d %ss at %p", what, n, kind,
				  (const void *)tds);
	for (int i = 0; i < n; i++) {
		st = check_tensor_desc(&tds[i], kind, i, what, err, errlen);
		if (st != TCC_RT_OK)
			return st;
	}
	return TCC_RT_OK;
}

int tcc_rt_check_desc(const struct tcc_rt_model_desc *desc, const char *what, char *err,
		      size_t errlen)
{
	int st;

	if (!desc)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_NULL_ARG, "model descriptor is NULL");
	if (desc->magic != TCC_RT_ABI_MAGIC)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_BAD_MAGIC,
				  "%s is not a tcc model: descriptor magic 0x%08x, expected 0x%08x",
				  what, (unsigned)desc->magic, (unsigned)TCC_RT_ABI_MAGIC);
	if (desc->abi_version != TCC_RT_ABI_VERSION)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_ABI_VERSION,
				  "%s: version mismatch: model built for runtime ABI %u, "
				  "this runtime implements ABI %u",
				  what, (unsigned)desc->abi_version, (unsigned)TCC_RT_ABI_VERSION);
	if (!desc->run)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_BAD_DESC,
				  "%s: malformed descriptor: no run function", what);
	if (desc->arena_align & (desc->arena_align - 1))
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_BAD_DESC,
				  "%s: malformed descriptor: arena alignment %llu is not a power "
				  "of two", what, (unsigned long long)desc->arena_align);
	if (desc->default_threads < 0)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_BAD_DESC,
				  "%s: malformed descriptor: default_threads %d", what,
				  (int)desc->default_threads);
	if (desc->weights_file && (!desc->weights_file[0] ||
				   desc->weights_size < TCC_RT_WEIGHTS_HEADER ||
				   desc->weights_size > (uint64_t)SIZE_MAX))
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_BAD_DESC,
				  "%s: malformed descriptor: weights file '%s' of %llu bytes", what,
				  desc->weights_file, (unsigned long long)desc->weights_size);
	st = check_tensor_descs(desc->inputs, desc->num_inputs, "input", what, err, errlen);
	if (st != TCC_RT_OK)
		return st;
	return check_tensor_descs(desc->outputs, desc->num_outputs, "output", what, err, errlen);
}

/* "input 0 'x': expected shape [1,3,?], got [1,3,224,225]" into the model's message. */
static int shape_error(tcc_model *model, const char *kind, int i,
		       const struct tcc_rt_tensor_desc *td, const tcc_tensor *t)
{
	char *buf = model->msg;
	size_t len = sizeof(model->msg), pos;
	int k;

	k = snprintf(buf, len, "%s %d '%s': expected shape ", kind, i, nz(td->name));
	pos = k < 0 ? 0 : ((size_t)k < len ? (size_t)k : len - 1);
	tcc_rt_fmt_shape(buf, len, &pos, td->shape, td->rank, 1);
	k = snprintf(buf + pos, len - pos, ", got ");
	pos += k < 0 ? 0 : ((size_t)k < len - pos ? (size_t)k : len - pos - 1);
	tcc_rt_fmt_shape(buf, len, &pos, t->shape, t->rank, 0);
	model->status = TCC_RT_ERR_SHAPE;
	return TCC_RT_ERR_SHAPE;
}

/* One tensor: dtype, rank, shape (static dims exact, dynamic ones >= 0), then data. */
static int check_tensor(tcc_model *model, const char *kind, int i,
			const struct tcc_rt_tensor_desc *td, const tcc_tensor *t)
{
	int64_t elems = 1;

	if (t->dtype != td->dtype)
		return tcc_rt_model_err(model, TCC_RT_ERR_DTYPE,
					"%s %d '%s': expected dtype %s, got %s (%d)", kind, i,
					nz(td->name), tcc_rt_dtype_name(td->dtype),
					tcc_rt_dtype_name(t->dtype), (int)t->dtype);
	if (t->rank != td->rank)
		return tcc_rt_model_err(model, TCC_RT_ERR_RANK,
					"%s %d '%s': expected rank %d, got %d", kind, i,
					nz(td->name), (int)td->rank, (int)t->rank);
	if (t->rank > 0 && !t->shape)
		return tcc_rt_model_err(model, TCC_RT_ERR_NULL_SHAPE, "%s %d '%s': shape is NULL",
					kind, i, nz(td->name));
	for (int32_t d = 0; d < t->rank; d++) {
		if (t->shape[d] < 0 ||
		    (td->shape[d] != TCC_RT_DIM_DYNAMIC && t->shape[d] != td->shape[d]))
			return shape_error(model, kind, i, td, t);
		elems = t->shape[d] == 0 ? 0 : elems;
	}
	if (!t->data && elems != 0)
		return tcc_rt_model_err(model, TCC_RT_ERR_NULL_DATA, "%s %d '%s': data is NULL",
					kind, i, nz(td->name));
	return TCC_RT_OK;
}

static int check_list(tcc_model *model, const char *kind, const struct tcc_rt_tensor_desc *tds,
		      int want, const tcc_tensor *ts, int got, int count_status)
{
	int st;

	if (got != want)
		return tcc_rt_model_err(model, count_status, "expected %d %s%s, got %d", want, kind,
					want == 1 ? "" : "s", got);
	if (got > 0 && !ts)
		return tcc_rt_model_err(model, TCC_RT_ERR_NULL_ARG, "%s array is NULL", kind);
	for (int i = 0; i < got; i++) {
		st = check_tensor(model, kind, i, &tds[i], &ts[i]);
		if (st != TCC_RT_OK)
			return st;
	}
	return TCC_RT_OK;
}

int tcc_rt_check_args(tcc_model *model, const tcc_tensor *in, int nin, const tcc_tensor *out,
		      int nout)
{
	const struct tcc_rt_model_desc *desc = model->desc;
	int st;

	st = check_list(model, "input", desc->inputs, desc->num_inputs, in, nin,
			TCC_RT_ERR_NUM_INPUTS);
	if (st != TCC_RT_OK)
		return st;
	return check_list(model, "output", desc->outputs, desc->num_outputs, out, nout,
			  TCC_RT_ERR_NUM_OUTPUTS);
}
