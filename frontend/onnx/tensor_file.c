/* One TensorProto per file ↔ tcc_tensor, on top of the shared TensorProto conversions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/load.h"
#include "frontend/onnx/onnx_private.h"
#include "frontend/onnx/tensor_file.h"

/* The folder of "path" (for external data), from ctx's arena; NULL when path has no '/'. */
static const char *dir_of(struct tcc_ctx *ctx, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return NULL;
	if (slash == path)
		return "/";
	return tcc_arena_strndup(ctx->arena, path, (size_t)(slash - path));
}

/* A TensorProto must say what it holds: protobuf accepts many garbage files as a message with
 * no fields at all, so a missing data type is treated as "not a TensorProto". */
static Onnx__TensorProto *unpack(const char *buf, size_t len)
{
	Onnx__TensorProto *tp = onnx__tensor_proto__unpack(NULL, len, (const uint8_t *)buf);

	if (tp && (!tp->has_data_type || tp->data_type == 0)) {
		onnx__tensor_proto__free_unpacked(tp, NULL);
		return NULL;
	}
	return tp;
}

__tcc_keep struct tcc_tensor_data *tcc_onnx_read_tensor(__tcc_keep struct tcc_ctx *ctx,
						   const char *path)
{
	struct tcc_loc loc = { .file = path };
	struct tcc_tensor_data *t = NULL;
	Onnx__TensorProto *tp;
	const char *dir;
	size_t len;
	char *buf = tcc_read_file(ctx, path, &len);

	if (!buf)
		return NULL;
	tp = unpack(buf, len);
	free(buf);
	if (!tp) {
		tcc_diag_error(ctx->diag, loc, "not a valid TensorProto");
		return NULL;
	}
	dir = dir_of(ctx, path);
	if (strchr(path, '/') && !dir)
		tcc_ctx_oom(ctx, loc);
	else
		t = tcc_onnx_tensor_import(ctx, loc, dir, tp);
	onnx__tensor_proto__free_unpacked(tp, NULL);
	return t;
}

/* Write len bytes of buf to "path" through a temporary file renamed into place. */
static tcc_stat write_whole(const char *path, const void *buf, size_t len)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 8);
	FILE *f;
	int e;

	if (!tmp) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".tmpXXX", 8);
	f = fopen(tmp, "wb");
	if (!f) {
		free(tmp);
		return -1;
	}
	e = len && fwrite(buf, 1, len, f) != len ? (errno ? errno : EIO) : 0;
	if (fclose(f) != 0 && !e)
		e = errno ? errno : EIO;
	if (!e && rename(tmp, path) != 0)
		e = errno;
	if (e)
		unlink(tmp);
	free(tmp);
	errno = e;
	return e ? -1 : 0;
}

tcc_stat tcc_onnx_write_tensor(__tcc_keep const struct tcc_tensor_data *t, __tcc_null const char *name,
			       const char *path)
{
	struct tcc_arena *a = tcc_arena_new();
	Onnx__TensorProto *tp = a ? tcc_onnx_tensor_export(a, t, name) : NULL;
	size_t len = tp ? onnx__tensor_proto__get_packed_size(tp) : 0;
	uint8_t *buf = tp ? malloc(len ? len : 1) : NULL;
	tcc_stat r = -1;

	if (!buf) {
		errno = ENOMEM;
	} else {
		onnx__tensor_proto__pack(tp, buf);
		r = write_whole(path, buf, len);
	}
	free(buf);
	if (a)
		tcc_arena_free(a);
	return r;
}
