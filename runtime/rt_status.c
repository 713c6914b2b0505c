/* Status texts, dtype names, and bounded message formatting. */
#include <stdio.h>
#include <string.h>

#include "rt_private.h"

#define TCC_RT_ERROR(name, cat, n, text) +1
enum { TCC_RT_STATUS_COUNT = 0
#include "errors.def"
};
#define TCC_RT_CATEGORY(name, id, text) +1
enum { TCC_RT_CATEGORY_COUNT = 0
#include "errors.def"
};
_Static_assert(TCC_RT_STATUS_COUNT == 24, "update docs/runtime.md when adding status codes");
_Static_assert(TCC_RT_CATEGORY_COUNT == 9, "status categories changed");

const char *tcc_rt_status_str(int status)
{
	switch (status) {
#define TCC_RT_ERROR(name, cat, n, text) case TCC_RT_##name: return text;
#include "errors.def"
	}
	return "unknown status";
}

int tcc_rt_status_known(int status)
{
	switch (status) {
#define TCC_RT_ERROR(name, cat, n, text) case TCC_RT_##name: return 1;
#include "errors.def"
	}
	return 0;
}

int tcc_rt_status_category(int status)
{
	return status < 0 ? TCC_RT_CAT_INTERNAL : status >> 8;
}

const char *tcc_rt_category_str(int category)
{
	switch (category) {
#define TCC_RT_CATEGORY(name, id, text) case TCC_RT_CAT_##name: return text;
#include "errors.def"
	}
	return "unknown category";
}

/* Name and size of each ONNX dtype, indexed by its code. */
static const struct {
	const char *name;
	size_t size;
} dtypes[] = {
	[TCC_RT_DTYPE_UNDEFINED] = { "undefined", 0 },
	[TCC_RT_DTYPE_FLOAT] = { "float", 4 },
	[TCC_RT_DTYPE_UINT8] = { "uint8", 1 },
	[TCC_RT_DTYPE_INT8] = { "int8", 1 },
	[TCC_RT_DTYPE_UINT16] = { "uint16", 2 },
	[TCC_RT_DTYPE_INT16] = { "int16", 2 },
	[TCC_RT_DTYPE_INT32] = { "int32", 4 },
	[TCC_RT_DTYPE_INT64] = { "int64", 8 },
	[TCC_RT_DTYPE_STRING] = { "string", 0 },
	[TCC_RT_DTYPE_BOOL] = { "bool", 1 },
	[TCC_RT_DTYPE_FLOAT16] = { "float16", 2 },
	[TCC_RT_DTYPE_DOUBLE] = { "double", 8 },
	[TCC_RT_DTYPE_UINT32] = { "uint32", 4 },
	[TCC_RT_DTYPE_UINT64] = { "uint64", 8 },
	[TCC_RT_DTYPE_COMPLEX64] = { "complex64", 8 },
	[TCC_RT_DTYPE_COMPLEX128] = { "complex128", 16 },
	[TCC_RT_DTYPE_BFLOAT16] = { "bfloat16", 2 },
};

const char *tcc_rt_dtype_name(int dtype)
{
	if (dtype < 0 || (size_t)dtype >= sizeof(dtypes) / sizeof(dtypes[0]))
		return "?";
	return dtypes[dtype].name;
}

size_t tcc_rt_dtype_size(int dtype)
{
	if (dtype < 0 || (size_t)dtype >= sizeof(dtypes) / sizeof(dtypes[0]))
		return 0;
	return dtypes[dtype].size;
}

int tcc_rt_vfmt(char *buf, size_t len, int status, const char *fmt, va_list ap)
{
	if (buf && len > 0)
		vsnprintf(buf, len, fmt, ap);
	return status;
}

int tcc_rt_fmt(char *buf, size_t len, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tcc_rt_vfmt(buf, len, status, fmt, ap);
	va_end(ap);
	return status;
}

int tcc_rt_model_err(tcc_model *model, int status, const char *fmt, ...)
{
	va_list ap;

	model->status = status;
	va_start(ap, fmt);
	tcc_rt_vfmt(model->msg, sizeof(model->msg), status, fmt, ap);
	va_end(ap);
	return status;
}

int tcc_rt_model_ok(tcc_model *model)
{
	model->status = TCC_RT_OK;
	model->msg[0] = '\0';
	return TCC_RT_OK;
}

/* Append text, keeping buf NUL-terminated and *pos at most len - 1. */
static void append(char *buf, size_t len, size_t *pos, const char *text)
{
	while (*text && *pos + 1 < len)
		buf[(*pos)++] = *text++;
	if (*pos < len)
		buf[*pos] = '\0';
}

void tcc_rt_fmt_shape(char *buf, size_t len, size_t *pos, const int64_t *shape, int32_t rank,
		      int dyn)
{
	char num[24];

	append(buf, len, pos, "[");
	for (int32_t i = 0; i < rank && shape; i++) {
		if (i > 0)
			append(buf, len, pos, ",");
		if (dyn && shape[i] == TCC_RT_DIM_DYNAMIC) {
			append(buf, len, pos, "?");
		} else {
			snprintf(num, sizeof(num), "%lld", (long long)shape[i]);
			append(buf, len, pos, num);
		}
	}
	append(buf, len, pos, "]");
}
