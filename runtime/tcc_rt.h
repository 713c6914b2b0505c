/* The tcc runtime: the stable C ABI between a compiled model and the program that runs it.
 *
 * A model compiled by tcc is generated code plus one descriptor, exported under the symbol
 * TCC_RT_MODEL_DESC_SYMBOL ("tcc_model_desc"). A host either loads the model's shared object
 * with tcc_model_load(), or links the generated object directly and passes &tcc_model_desc to
 * tcc_model_from_desc(). Either way it gets a tcc_model instance: one arena (allocated once,
 * at creation), one thread pool (created at the first run), and the last error message.
 *
 * Every function that can fail returns a status (enum tcc_rt_status, 0 = TCC_RT_OK) or NULL,
 * and leaves a message: in the caller's err buffer for the constructors, in
 * tcc_model_last_error() otherwise. The runtime never aborts or exits the host program.
 *
 * One instance runs one call at a time (a concurrent tcc_model_run on the same instance returns
 * TCC_RT_ERR_BUSY); distinct instances are independent and may run concurrently.
 *
 * C11; usable from C++.
 */
#ifndef TCC_RT_H
#define TCC_RT_H

#include <stddef.h>
#include <stdint.h>

#include "rt_own.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status codes (from errors.def) ---------------------------------------------------- */

#define DEFINE_TCC_RT_ERROR(category, n) (((category) << 8) | (n))

enum tcc_rt_category {
#define TCC_RT_CATEGORY(name, id, text) TCC_RT_CAT_##name = id,
#include "errors.def"
};

enum tcc_rt_status {
#define TCC_RT_ERROR(name, cat, n, text) TCC_RT_##name = DEFINE_TCC_RT_ERROR(TCC_RT_CAT_##cat, n),
#include "errors.def"
};

/* A fixed text for a status ("shape mismatch"); "unknown status" for values not in errors.def. */
const char *tcc_rt_status_str(int status);
/* The category of a status (status >> 8), and its text ("invalid argument"). */
int tcc_rt_status_category(int status);
const char *tcc_rt_category_str(int category);

/* ---- Element types: ONNX TensorProto.DataType codes ------------------------------------ */

enum tcc_rt_dtype {
	TCC_RT_DTYPE_UNDEFINED = 0,
	TCC_RT_DTYPE_FLOAT = 1,
	TCC_RT_DTYPE_UINT8 = 2,
	TCC_RT_DTYPE_INT8 = 3,
	TCC_RT_DTYPE_UINT16 = 4,
	TCC_RT_DTYPE_INT16 = 5,
	TCC_RT_DTYPE_INT32 = 6,
	TCC_RT_DTYPE_INT64 = 7,
	TCC_RT_DTYPE_STRING = 8,
	TCC_RT_DTYPE_BOOL = 9,
	TCC_RT_DTYPE_FLOAT16 = 10,
	TCC_RT_DTYPE_DOUBLE = 11,
	TCC_RT_DTYPE_UINT32 = 12,
	TCC_RT_DTYPE_UINT64 = 13,
	TCC_RT_DTYPE_COMPLEX64 = 14,
	TCC_RT_DTYPE_COMPLEX128 = 15,
	TCC_RT_DTYPE_BFLOAT16 = 16,
};

/* "float", "int64", ...; "?" for codes not listed above. */
const char *tcc_rt_dtype_name(int dtype);
/* Bytes per element; 0 for unknown codes and for STRING (not a fixed-size type). */
size_t tcc_rt_dtype_size(int dtype);

/* ---- Tensors ---------------------------------------------------------------------------- */

/* A dense, row-major tensor owned by the caller. "data" points at the first element, "shape" at
 * "rank" dimensions (may be NULL when rank is 0), "dtype" is an enum tcc_rt_dtype. "data" may
 * be NULL only when the tensor has no elements. */
typedef struct tcc_tensor {
	void *data;
	const int64_t *shape;
	int32_t rank;
	int32_t dtype;
} tcc_tensor;

/* ---- The descriptor generated code exports --------------------------------------------- */

#define TCC_RT_ABI_MAGIC 0x31524354u /* "TCR1" in memory on little-endian machines */
#define TCC_RT_ABI_VERSION 2u /* 2: external weights (desc weights_*, exec weights) */
#define TCC_RT_MODEL_DESC_SYMBOL "tcc_model_desc"
#define TCC_RT_DIM_DYNAMIC (-1)

/* One input or output of a model: "name", "dtype" (enum tcc_rt_dtype), "rank", and "shape"
 * ("rank" entries; TCC_RT_DIM_DYNAMIC for a dimension known only at run time). */
struct tcc_rt_tensor_desc {
	const char *name;
	int32_t dtype;
	int32_t rank;
	const int64_t *shape;
};

struct tcc_rt_exec;

/* Body of a parallel loop: runs the iterations [begin, end) of a loop over [0, n). */
typedef void (*tcc_rt_body_fn)(void *ctx, int64_t begin, int64_t end);

/* What a compiled model exports (one per model, constant, named TCC_RT_MODEL_DESC_SYMBOL).
 *
 * "magic" and "abi_version" are TCC_RT_ABI_MAGIC and TCC_RT_ABI_VERSION of the header the
 * model was compiled against. "name" is the model's name. "inputs"/"outputs" describe
 * "num_inputs"/"num_outputs" tensors in call order. "arena_size" bytes aligned to
 * "arena_align" (a power of two; the runtime always gives at least 64) are the scratch memory
 * whose offsets the compiler planned; 0 means none. "default_threads" is the thread count the
 * compiler suggests (0: let the runtime decide). "run" is the generated entry point: it gets
 * the instance's execution context and the data pointers of the inputs and outputs, after the
 * runtime has checked them against this descriptor; it returns 0 on success, or a status.
 *
 * "weights_file" (NULL: none) names the external weights file the constants too large to
 * embed were written to, relative to the directory of the object holding the descriptor
 * (tcc-compile writes it beside the .so). "weights_size" is that file's size in bytes and
 * "weights_hash" the checksum its header and data carry (rt_weights.h): the runtime maps the
 * file read-only when it creates an instance, checks both, and hands the data section to
 * "run" as exec->weights.
 */
struct tcc_rt_model_desc {
	uint32_t magic;
	uint32_t abi_version;
	const char *name;
	int32_t num_inputs;
	int32_t num_outputs;
	const struct tcc_rt_tensor_desc *inputs;
	const struct tcc_rt_tensor_desc *outputs;
	uint64_t arena_size;
	uint64_t arena_align;
	int32_t default_threads;
	int (*run)(struct tcc_rt_exec *ex, void *const *inputs, void *const *outputs);
	const char *weights_file;
	uint64_t weights_size;
	uint64_t weights_hash;
};

/* The execution context generated code receives, owned by the model instance and valid during
 * one call of "run". "arena" is the instance's scratch memory ("arena_size" bytes, 64-byte
 * aligned, NULL when the descriptor asks for none; not zeroed between runs). "num_threads" is
 * how many threads tcc_rt_parallel_for splits a loop into (the caller included). "inputs" and
 * "outputs" are the caller's tensors of this run, so code can read dynamic dimensions.
 * "parallel_for" is the pool's implementation (call it through tcc_rt_parallel_for); "pool"
 * is opaque. "weights" is the data section of the instance's mapped weights file (64-byte
 * aligned, read-only; NULL when the descriptor names none): external constants are at fixed
 * offsets from it. Generated code must not write any field.
 */
struct tcc_rt_exec {
	uint32_t abi_version;
	int32_t num_threads;
	void *arena;
	uint64_t arena_size;
	const tcc_tensor *inputs;
	const tcc_tensor *outputs;
	void (*parallel_for)(struct tcc_rt_exec *ex, int64_t n, tcc_rt_body_fn body, void *ctx);
	struct tcc_rt_pool *pool;
	const void *weights;
};

/* The entry point generated code calls for a parallel loop. Splits [0, n) into at most
 * ex->num_threads contiguous chunks, runs body(ctx, begin, end) on each (the calling thread runs
 * the first), and returns when all are done. Calls from inside a body run the whole range
 * serially on the calling thread. n <= 0 does nothing; a NULL ex runs serially. */
void tcc_rt_parallel_for(struct tcc_rt_exec *ex, int64_t n, tcc_rt_body_fn body, void *ctx);

/* ---- Model instances -------------------------------------------------------------------- */

typedef struct tcc_model tcc_model;

/* Load a compiled model's shared object (dlopen + the descriptor symbol) and create an
 * instance. On failure returns NULL and writes a message into err (when err is not NULL):
 * "cannot load 'x.so': ...", "'libm.so.6' is not a tcc model: no symbol 'tcc_model_desc'". A
 * path without '/' is taken relative to the working directory, not searched for. A model
 * with external weights maps its weights file from the .so's directory; a missing, truncated,
 * corrupt or foreign file fails here (TCC_RT_ERR_WEIGHTS_OPEN / TCC_RT_ERR_WEIGHTS). */
__tcc_give __tcc_null tcc_model *tcc_model_load(const char *so_path, __tcc_null char *err,
						size_t errlen);
/* Create an instance from a descriptor linked into the program. "desc" must outlive it. A
 * descriptor with a weights file finds it beside the object that holds "desc" (dladdr: the
 * model's .so, or the executable it was linked into). */
__tcc_give __tcc_null tcc_model *tcc_model_from_desc(
	__tcc_keep const struct tcc_rt_model_desc *desc, __tcc_null char *err, size_t errlen);
/* The same two, returning the status and storing the instance (or NULL) into *out. */
int tcc_model_load_ex(const char *so_path, __tcc_give tcc_model **out, __tcc_null char *err,
		      size_t errlen);
int tcc_model_from_desc_ex(__tcc_keep const struct tcc_rt_model_desc *desc,
			   __tcc_give tcc_model **out, __tcc_null char *err, size_t errlen);
/* The same, with the weights file at "weights_path" (NULL: as tcc_model_from_desc). A
 * descriptor without a weights file ignores the path. */
__tcc_give __tcc_null tcc_model *tcc_model_from_desc_weights(
	__tcc_keep const struct tcc_rt_model_desc *desc, __tcc_null const char *weights_path,
	__tcc_null char *err, size_t errlen);
int tcc_model_from_desc_weights_ex(__tcc_keep const struct tcc_rt_model_desc *desc,
				   __tcc_null const char *weights_path, __tcc_give tcc_model **out,
				   __tcc_null char *err, size_t errlen);
/* Stop the instance's threads, free its arena, unmap its weights, unload its shared object.
 * Returns NULL. */
__tcc_null tcc_model *tcc_model_free(__tcc_take __tcc_null tcc_model *model);

/* Run the model. Checks nin/nout against the descriptor, then every tensor's dtype, rank,
 * shape (each static dimension exactly; dynamic ones must be >= 0) and data, and returns the
 * first mismatch with a message such as "input 0 'x': expected shape [1,3,224,224], got
 * [1,3,224,225]". Allocates nothing, except the thread pool on the first run. */
int tcc_model_run(__tcc_keep tcc_model *model, __tcc_keep const tcc_tensor *in, int nin,
		  __tcc_keep tcc_tensor *out, int nout);

/* Threads for the following runs (the calling thread counts as one). 0 restores the default:
 * TCC_NUM_THREADS from the environment, else the descriptor's default_threads, else the number
 * of CPUs this process may run on. At most TCC_RT_MAX_THREADS. */
#define TCC_RT_MAX_THREADS 256
int tcc_model_set_threads(__tcc_keep tcc_model *model, int num_threads);
/* The thread count the next run will use (>= 1), or -1 for a NULL model. */
int tcc_model_num_threads(__tcc_keep const tcc_model *model);

/* The status and message of the last tcc_model_run or tcc_model_set_threads on this instance
 * (or of a failed *_info call); "" and TCC_RT_OK after a success. TCC_RT_ERR_BUSY is only
 * returned, never recorded (the message belongs to the call in progress). The string stays
 * valid until the next call on the instance. */
const char *tcc_model_last_error(__tcc_keep const tcc_model *model);
int tcc_model_last_status(__tcc_keep const tcc_model *model);

/* Introspection. The info structs point into the descriptor and stay valid while the
 * instance lives. A NULL model gives -1 / NULL. */
const char *tcc_model_name(__tcc_keep const tcc_model *model);
int tcc_model_num_inputs(__tcc_keep const tcc_model *model);
int tcc_model_num_outputs(__tcc_keep const tcc_model *model);
int tcc_model_input_info(__tcc_keep tcc_model *model, int index, struct tcc_rt_tensor_desc *info);
int tcc_model_output_info(__tcc_keep tcc_model *model, int index, struct tcc_rt_tensor_desc *info);
/* The descriptor the instance was made from. */
__tcc_keep const struct tcc_rt_model_desc *tcc_model_desc_of(__tcc_keep const tcc_model *model);

#ifdef __cplusplus
}
#endif

#endif
