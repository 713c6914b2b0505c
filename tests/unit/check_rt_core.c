/* Runtime core: status codes, descriptors, instances, argument checks and their messages,
 * platform hooks (fault injection), and loading shared objects (one built here with cc). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt_platform.h"
#include "rt_private.h"
#include "tcc_rt.h"

/* ---- A hand-written "model": y = x (float[2,3]), n (int64[?]) is only checked ---------- */

static const int64_t shape_x[] = { 2, 3 };
static const int64_t shape_n[] = { TCC_RT_DIM_DYNAMIC };
static const struct tcc_rt_tensor_desc copy_inputs[] = {
	{ "x", TCC_RT_DTYPE_FLOAT, 2, shape_x },
	{ "n", TCC_RT_DTYPE_INT64, 1, shape_n },
};
static const struct tcc_rt_tensor_desc copy_outputs[] = {
	{ "y", TCC_RT_DTYPE_FLOAT, 2, shape_x },
};

static int run_result;		/* what copy_run returns */
static tcc_model *reentrant;	/* when set, copy_run calls back into this instance */
static int reentrant_run, reentrant_threads;
static struct tcc_rt_exec seen_ex;	/* the context of the last run */
static int64_t seen_n_dim;

static int copy_run(struct tcc_rt_exec *ex, void *const *in, void *const *out)
{
	float *scratch = ex->arena;

	seen_ex = *ex;
	seen_n_dim = ex->inputs[1].shape[0];
	for (int i = 0; i < 6; i++)
		scratch[i] = ((const float *)in[0])[i] * 2.0f;
	for (int i = 0; i < 6; i++)
		((float *)out[0])[i] = scratch[i] / 2.0f;
	if (reentrant) {
		reentrant_run = tcc_model_run(reentrant, NULL, 0, NULL, 0);
		reentrant_threads = tcc_model_set_threads(reentrant, 2);
	}
	return run_result;
}

static struct tcc_rt_model_desc copy_desc(void)
{
	return (struct tcc_rt_model_desc){
		.magic = TCC_RT_ABI_MAGIC,
		.abi_version = TCC_RT_ABI_VERSION,
		.name = "copy",
		.num_inputs = 2,
		.num_outputs = 1,
		.inputs = copy_inputs,
		.outputs = copy_outputs,
		.arena_size = 100,
		.arena_align = 16,
		.default_threads = 1,
		.run = copy_run,
	};
}

static struct tcc_rt_model_desc the_desc;

/* Standard arguments for copy_run, which each case then spoils in one place. */
struct args {
	float x[6], y[6];
	int64_t n[3];
	int64_t xs[4], ns[1], ys[2];
	tcc_tensor in[2], out[1];
};

static void args_init(struct args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < 6; i++)
		a->x[i] = (float)i + 0.5f;
	memcpy(a->xs, shape_x, sizeof(shape_x));
	memcpy(a->ys, shape_x, sizeof(shape_x));
	a->ns[0] = 3;
	a->in[0] = (tcc_tensor){ a->x, a->xs, 2, TCC_RT_DTYPE_FLOAT };
	a->in[1] = (tcc_tensor){ a->n, a->ns, 1, TCC_RT_DTYPE_INT64 };
	a->out[0] = (tcc_tensor){ a->y, a->ys, 2, TCC_RT_DTYPE_FLOAT };
}

static tcc_model *new_copy_model(void)
{
	char err[256] = "unset";
	tcc_model *m;

	the_desc = copy_desc();
	m = tcc_model_from_desc(&the_desc, err, sizeof(err));
	ck_assert_msg(m != NULL, "from_desc: %s", err);
	ck_assert_str_eq(err, "");
	return m;
}

static void setup(void)
{
	run_result = TCC_RT_OK;
	reentrant = NULL;
	unsetenv("TCC_NUM_THREADS");
	tcc_rt_set_platform(NULL);
}

/* ---- Status codes and dtypes ------------------------------------------------------------ */

START_TEST(test_status_strings)
{
	static const struct {
		int code, cat;
		const char *text;
	} all[] = {
#define TCC_RT_ERROR(name, cat, n, text) { TCC_RT_##name, TCC_RT_CAT_##cat, text },
#include "errors.def"
	};
	size_t n = sizeof(all) / sizeof(all[0]);

	ck_assert_int_eq(TCC_RT_OK, 0);
	ck_assert_str_eq(tcc_rt_status_str(TCC_RT_OK), "ok");
	ck_assert_str_eq(tcc_rt_status_str(TCC_RT_ERR_SHAPE), "shape mismatch");
	ck_assert_str_eq(tcc_rt_status_str(12345), "unknown status");
	ck_assert_int_eq(tcc_rt_status_category(TCC_RT_ERR_DTYPE), TCC_RT_CAT_DTYPE);
	ck_assert_str_eq(tcc_rt_category_str(TCC_RT_CAT_NOT_MODEL), "not a tcc model");
	ck_assert_str_eq(tcc_rt_category_str(tcc_rt_status_category(TCC_RT_ERR_ABI_VERSION)),
			 "version mismatch");
	ck_assert_str_eq(tcc_rt_category_str(99), "unknown category");
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(tcc_rt_status_category(all[i].code), all[i].cat);
		ck_assert_str_eq(tcc_rt_status_str(all[i].code), all[i].text);
		for (size_t j = 0; j < i; j++)
			ck_assert_int_ne(all[i].code, all[j].code);
	}
}
END_TEST

START_TEST(test_dtypes)
{
	ck_assert_str_eq(tcc_rt_dtype_name(TCC_RT_DTYPE_FLOAT), "float");
	ck_assert_str_eq(tcc_rt_dtype_name(7), "int64");
	ck_assert_str_eq(tcc_rt_dtype_name(9), "bool");
	ck_assert_str_eq(tcc_rt_dtype_name(-3), "?");
	ck_assert_str_eq(tcc_rt_dtype_name(400), "?");
	ck_assert_uint_eq(tcc_rt_dtype_size(TCC_RT_DTYPE_FLOAT), 4);
	ck_assert_uint_eq(tcc_rt_dtype_size(TCC_RT_DTYPE_BFLOAT16), 2);
	ck_assert_uint_eq(tcc_rt_dtype_size(TCC_RT_DTYPE_STRING), 0);
	ck_assert_uint_eq(tcc_rt_dtype_size(99), 0);
}
END_TEST

/* ---- Instances from a descriptor -------------------------------------------------------- */

START_TEST(test_from_desc_and_run)
{
	tcc_model *m = new_copy_model();
	struct tcc_rt_tensor_desc info;
	struct args a;

	ck_assert_str_eq(tcc_model_name(m), "copy");
	ck_assert_int_eq(tcc_model_num_inputs(m), 2);
	ck_assert_int_eq(tcc_model_num_outputs(m), 1);
	ck_assert_ptr_eq(tcc_model_desc_of(m), &the_desc);
	ck_assert_int_eq(tcc_model_input_info(m, 1, &info), TCC_RT_OK);
	ck_assert_str_eq(info.name, "n");
	ck_assert_int_eq(info.dtype, TCC_RT_DTYPE_INT64);
	ck_assert_int_eq(info.shape[0], TCC_RT_DIM_DYNAMIC);
	ck_assert_int_eq(tcc_model_output_info(m, 0, &info), TCC_RT_OK);
	ck_assert_str_eq(info.name, "y");
	ck_assert_int_eq(tcc_model_output_info(m, 1, &info), TCC_RT_ERR_INDEX);
	ck_assert_str_eq(tcc_model_last_error(m),
			 "output index 1 out of range: model 'copy' has 1 outputs");
	ck_assert_int_eq(tcc_model_input_info(m, -1, &info), TCC_RT_ERR_INDEX);
	ck_assert_int_eq(tcc_model_input_info(m, 0, NULL), TCC_RT_ERR_NULL_ARG);

	args_init(&a);
	ck_assert_int_eq(tcc_model_run(m, a.in, 2, a.out, 1), TCC_RT_OK);
	ck_assert_str_eq(tcc_model_last_error(m), "");
	ck_assert_int_eq(tcc_model_last_status(m), TCC_RT_OK);
	for (int i = 0; i < 6; i++)
		ck_assert(a.y[i] == a.x[i]);
	ck_assert_int_eq(seen_n_dim, 3);
	ck_assert(seen_ex.parallel_for != NULL);
	ck_assert_ptr_nonnull(seen_ex.arena);
	ck_assert_uint_eq((uintptr_t)seen_ex.arena % 64, 0);
	ck_assert_uint_eq(seen_ex.arena_size, 100);
	ck_assert_int_eq(seen_ex.num_threads, 1);
	ck_assert_uint_eq(seen_ex.abi_version, TCC_RT_ABI_VERSION);
	ck_assert_ptr_eq(seen_ex.inputs, a.in);
	m = tcc_model_free(m);
	ck_assert_ptr_null(m);
}
END_TEST

START_TEST(test_null_model)
{
	struct tcc_rt_tensor_desc info;

	ck_assert_int_eq(tcc_model_run(NULL, NULL, 0, NULL, 0), TCC_RT_ERR_NULL_ARG);
	ck_assert_int_eq(tcc_model_set_threads(NULL, 1), TCC_RT_ERR_NULL_ARG);
	ck_assert_int_eq(tcc_model_input_info(NULL, 0, &info), TCC_RT_ERR_NULL_ARG);
	ck_assert_int_eq(tcc_model_num_inputs(NULL), -1);
	ck_assert_int_eq(tcc_model_num_threads(NULL), -1);
	ck_assert_ptr_null(tcc_model_name(NULL));
	ck_assert_str_eq(tcc_model_last_error(NULL), "model is NULL");
	ck_assert_ptr_null(tcc_model_free(NULL));
}
END_TEST

/* One spoiled argument of a run: what to change, the status and the exact message. */
enum spoil {
	NIN_SHORT, NOUT_LONG, IN_NULL, OUT_NULL, X_DTYPE, X_RANK, X_SHAPE, X_SHAPE_NULL, X_DATA,
	N_NEGATIVE, N_EMPTY_NULL, Y_DTYPE, Y_SHAPE, Y_DATA, X_RANK0,
};

static const struct {
	enum spoil what;
	int status;
	const char *msg;
} arg_cases[] = {
	{ NIN_SHORT, TCC_RT_ERR_NUM_INPUTS, "expected 2 inputs, got 1" },
	{ NOUT_LONG, TCC_RT_ERR_NUM_OUTPUTS, "expected 1 output, got 2" },
	{ IN_NULL, TCC_RT_ERR_NULL_ARG, "input array is NULL" },
	{ OUT_NULL, TCC_RT_ERR_NULL_ARG, "output array is NULL" },
	{ X_DTYPE, TCC_RT_ERR_DTYPE, "input 0 'x': expected dtype float, got int64 (7)" },
	{ X_RANK, TCC_RT_ERR_RANK, "input 0 'x': expected rank 2, got 3" },
	{ X_RANK0, TCC_RT_ERR_RANK, "input 0 'x': expected rank 2, got 0" },
	{ X_SHAPE, TCC_RT_ERR_SHAPE, "input 0 'x': expected shape [2,3], got [2,4]" },
	{ X_SHAPE_NULL, TCC_RT_ERR_NULL_SHAPE, "input 0 'x': shape is NULL" },
	{ X_DATA, TCC_RT_ERR_NULL_DATA, "input 0 'x': data is NULL" },
	{ N_NEGATIVE, TCC_RT_ERR_SHAPE, "input 1 'n': expected shape [?], got [-1]" },
	{ N_EMPTY_NULL, TCC_RT_OK, "" },
	{ Y_DTYPE, TCC_RT_ERR_DTYPE, "output 0 'y': expected dtype float, got bool (9)" },
	{ Y_SHAPE, TCC_RT_ERR_SHAPE, "output 0 'y': expected shape [2,3], got [3,2]" },
	{ Y_DATA, TCC_RT_ERR_NULL_DATA, "output 0 'y': data is NULL" },
};

START_TEST(test_arg_checks)
{
	tcc_model *m = new_copy_model();
	int nin = 2, nout = 1, st;
	tcc_tensor *in, *out;
	struct args a;

	args_init(&a);
	in = a.in, out = a.out;
	switch (arg_cases[_i].what) {
	case NIN_SHORT: nin = 1; break;
	case NOUT_LONG: nout = 2; break;
	case IN_NULL: in = NULL; break;
	case OUT_NULL: out = NULL; break;
	case X_DTYPE: a.in[0].dtype = TCC_RT_DTYPE_INT64; break;
	case X_RANK: a.in[0].rank = 3; break;
	case X_RANK0: a.in[0].rank = 0; break;
	case X_SHAPE: a.xs[1] = 4; break;
	case X_SHAPE_NULL: a.in[0].shape = NULL; break;
	case X_DATA: a.in[0].data = NULL; break;
	case N_NEGATIVE: a.ns[0] = -1; break;
	case N_EMPTY_NULL: a.ns[0] = 0, a.in[1].data = NULL; break;
	case Y_DTYPE: a.out[0].dtype = TCC_RT_DTYPE_BOOL; break;
	case Y_SHAPE: a.ys[0] = 3, a.ys[1] = 2; break;
	case Y_DATA: a.out[0].data = NULL; break;
	}
	st = tcc_model_run(m, in, nin, out, nout);
	ck_assert_int_eq(st, arg_cases[_i].status);
	ck_assert_int_eq(tcc_model_last_status(m), arg_cases[_i].status);
	ck_assert_str_eq(tcc_model_last_error(m), arg_cases[_i].msg);
	/* A good run afterwards clears the message. */
	args_init(&a);
	ck_assert_int_eq(tcc_model_run(m, a.in, 2, a.out, 1), TCC_RT_OK);
	ck_assert_str_eq(tcc_model_last_error(m), "");
	tcc_model_free(m);
}
END_TEST

static int nop_run(struct tcc_rt_exec *ex, void *const *in, void *const *out)
{
	return 0;
}

START_TEST(test_design_example_message)
{
	static const int64_t want[] = { 1, 3, 224, 224 }, got[] = { 1, 3, 224, 225 };
	static const struct tcc_rt_tensor_desc x = { "x", TCC_RT_DTYPE_FLOAT, 4, want };
	static const struct tcc_rt_model_desc desc = {
		.magic = TCC_RT_ABI_MAGIC, .abi_version = TCC_RT_ABI_VERSION, .name = "resnet",
		.num_inputs = 1, .inputs = &x, .run = nop_run,
	};
	static float data[1];
	tcc_tensor in = { data, got, 4, TCC_RT_DTYPE_FLOAT };
	tcc_model *m = tcc_model_from_desc(&desc, NULL, 0);

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(tcc_model_run(m, &in, 1, NULL, 0), TCC_RT_ERR_SHAPE);
	ck_assert_str_eq(tcc_model_last_error(m),
			 "input 0 'x': expected shape [1,3,224,224], got [1,3,224,225]");
	tcc_model_free(m);
}
END_TEST

START_TEST(test_run_status_passthrough)
{
	tcc_model *m = new_copy_model();
	struct args a;

	args_init(&a);
	run_result = TCC_RT_ERR_NOMEM;
	ck_assert_int_eq(tcc_model_run(m, a.in, 2, a.out, 1), TCC_RT_ERR_NOMEM);
	ck_assert_str_eq(tcc_model_last_error(m), "model 'copy': run failed: out of memory");
	run_result = 42;
	ck_assert_int_eq(tcc_model_run(m, a.in, 2, a.out, 1), TCC_RT_ERR_MODEL_RUN);
	ck_assert_str_eq(tcc_model_last_error(m), "model 'copy': generated run function returned 42");
	tcc_model_free(m);
}
END_TEST

START_TEST(test_reentrant_run_is_busy)
{
	tcc_model *m = new_copy_model();
	struct args a;

	args_init(&a);
	reentrant = m;
	ck_assert_int_eq(tcc_model_run(m, a.in, 2, a.out, 1), TCC_RT_OK);
	ck_assert_int_eq(reentrant_run, TCC_RT_ERR_BUSY);
	ck_assert_int_eq(reentrant_threads, TCC_RT_ERR_BUSY);
	reentrant = NULL;
	ck_assert_int_eq(tcc_model_set_threads(m, 2), TCC_RT_OK);
	tcc_model_free(m);
}
END_TEST

/* ---- Malformed descriptors ------------------------------------------------------------- */

enum bad { NO_DESC, MAGIC, VERSION, NO_RUN, RANK, NO_SHAPE, DIM, ALIGN, NO_INPUTS, THREADS, HUGE };

static const struct {
	enum bad what;
	int status;
	const char *msg;
} bad_cases[] = {
	{ NO_DESC, TCC_RT_ERR_NULL_ARG, "model descriptor is NULL" },
	{ MAGIC, TCC_RT_ERR_BAD_MAGIC,
	  "descriptor is not a tcc model: descriptor magic 0x12345678, expected 0x31524354" },
	{ VERSION, TCC_RT_ERR_ABI_VERSION,
	  "descriptor: version mismatch: model built for runtime ABI 7, this runtime implements "
	  "ABI 2" },
	{ NO_RUN, TCC_RT_ERR_BAD_DESC, "descriptor: malformed descriptor: no run function" },
	{ RANK, TCC_RT_ERR_BAD_DESC, "descriptor: malformed descriptor: output 0 has rank -2" },
	{ NO_SHAPE, TCC_RT_ERR_BAD_DESC, "descriptor: malformed descriptor: input 1 has no shape" },
	{ DIM, TCC_RT_ERR_BAD_DESC, "descriptor: malformed descriptor: input 0 has dimension -5" },
	{ ALIGN, TCC_RT_ERR_BAD_DESC,
	  "descriptor: malformed descriptor: arena alignment 48 is not a power of two" },
	{ NO_INPUTS, TCC_RT_ERR_BAD_DESC, "descriptor: malformed descriptor: 2 inputs at (nil)" },
	{ THREADS, TCC_RT_ERR_BAD_DESC, "descriptor: malformed descriptor: default_threads -1" },
	{ HUGE, TCC_RT_ERR_ARENA_SIZE,
	  "out of memory: arena of 18446744073709551615 bytes aligned to 64 does not fit in "
	  "memory" },
};

START_TEST(test_bad_desc)
{
	static const int64_t bad_dim[] = { -5, 3 };
	struct tcc_rt_tensor_desc ins[2], outs[1];
	struct tcc_rt_model_desc d = copy_desc();
	char err[256] = "unset";
	tcc_model *m = (tcc_model *)&m;
	int st;

	memcpy(ins, copy_inputs, sizeof(ins));
	memcpy(outs, copy_outputs, sizeof(outs));
	d.inputs = ins, d.outputs = outs;
	switch (bad_cases[_i].what) {
	case NO_DESC: break;
	case MAGIC: d.magic = 0x12345678; break;
	case VERSION: d.abi_version = 7; break;
	case NO_RUN: d.run = NULL; break;
	case RANK: outs[0].rank = -2; break;
	case NO_SHAPE: ins[1].shape = NULL; break;
	case DIM: ins[0].shape = bad_dim; break;
	case ALIGN: d.arena_align = 48; break;
	case NO_INPUTS: d.inputs = NULL; break;
	case THREADS: d.default_threads = -1; break;
	case HUGE: d.arena_size = UINT64_MAX; break;
	}
	st = tcc_model_from_desc_ex(bad_cases[_i].what == NO_DESC ? NULL : &d, &m, err,
				    sizeof(err));
	ck_assert_int_eq(st, bad_cases[_i].status);
	ck_assert_ptr_null(m);
	ck_assert_str_eq(err, bad_cases[_i].msg);
	/* A short buffer truncates, a NULL one is fine. */
	ck_assert_ptr_null(tcc_model_from_desc(bad_cases[_i].what == NO_DESC ? NULL : &d, err, 6));
	ck_assert_uint_eq(strlen(err), 5);
	ck_assert_ptr_null(tcc_model_from_desc(bad_cases[_i].what == NO_DESC ? NULL : &d, NULL, 0));
}
END_TEST

START_TEST(test_arena_alignment)
{
	struct tcc_rt_model_desc d = copy_desc();
	struct args a;
	tcc_model *m;

	d.arena_align = 4096;
	d.arena_size = 24;
	m = tcc_model_from_desc(&d, NULL, 0);
	ck_assert_ptr_nonnull(m);
	args_init(&a);
	ck_assert_int_eq(tcc_model_run(m, a.in, 2, a.out, 1), TCC_RT_OK);
	ck_assert_uint_eq((uintptr_t)seen_ex.arena % 4096, 0);
	tcc_model_free(m);
}
END_TEST

/* ---- Platform hooks: counting allocator that fails at the Nth call --------------------- */

static int allocs, frees, fail_at, failed; /* calls, frees, call to fail, failures */

static void *counting_alloc(size_t size, size_t align, void *user)
{
	void *p = NULL;

	ck_assert_ptr_eq(user, &allocs);
	ck_assert_uint_eq(align & (align - 1), 0);
	if (++allocs == fail_at) {
		failed++;
		return NULL;
	}
	if (posix_memalign(&p, align, size) != 0)
		return NULL;
	return p;
}

static void counting_free(void *ptr, void *user)
{
	frees++;
	free(ptr);
}

static const struct tcc_rt_platform counting = { counting_alloc, counting_free, &allocs };

START_TEST(test_platform_fault_injection)
{
	char err[256];
	tcc_model *m = NULL;
	int n, st;

	ck_assert_int_eq(tcc_rt_set_platform(&(struct tcc_rt_platform){ NULL, NULL, NULL }),
			 TCC_RT_ERR_NULL_ARG);
	ck_assert_int_eq(tcc_rt_set_platform(&counting), TCC_RT_OK);
	the_desc = copy_desc();
	for (n = 1; n < 20; n++) {
		allocs = frees = failed = 0, fail_at = n;
		st = tcc_model_from_desc_ex(&the_desc, &m, err, sizeof(err));
		if (st == TCC_RT_OK)
			break;
		ck_assert_int_eq(st, TCC_RT_ERR_NOMEM);
		ck_assert_ptr_null(m);
		ck_assert_msg(strncmp(err, "out of memory: cannot allocate", 30) == 0, "%s", err);
		ck_assert_int_eq(allocs - failed, frees);
	}
	ck_assert_int_eq(n, 4); /* instance, pointers, arena */
	tcc_model_free(m);
	ck_assert_int_eq(allocs - failed, frees);
	tcc_rt_set_platform(NULL);
}
END_TEST

START_TEST(test_pool_alloc_failure)
{
	struct args a;
	tcc_model *m;

	tcc_rt_set_platform(&counting);
	allocs = frees = failed = 0, fail_at = 0;
	m = new_copy_model();
	ck_assert_int_eq(tcc_model_set_threads(m, 2), TCC_RT_OK);
	args_init(&a);
	for (int k = 1; k <= 3; k++) {
		fail_at = allocs + 1 + (k - 1);
		ck_assert_int_eq(tcc_model_run(m, a.in, 2, a.out, 1), TCC_RT_ERR_NOMEM);
		ck_assert_str_eq(tcc_model_last_error(m),
				 "cannot start a pool of 2 threads: out of memory");
	}
	fail_at = 0;
	ck_assert_int_eq(tcc_model_run(m, a.in, 2, a.out, 1), TCC_RT_OK);
	ck_assert_int_eq(seen_ex.num_threads, 2);
	tcc_model_free(m);
	ck_assert_int_eq(failed, 3);
	ck_assert_int_eq(allocs - failed, frees);
	tcc_rt_set_platform(NULL);
}
END_TEST

START_TEST(test_thread_create_failure)
{
	tcc_model *m = new_copy_model();
	struct args a;

	args_init(&a);
	ck_assert_int_eq(tcc_model_set_threads(m, 4), TCC_RT_OK);
	tcc_rt_test_fail_thread_create(2);
	ck_assert_int_eq(tcc_model_run(m, a.in, 2, a.out, 1), TCC_RT_ERR_THREAD);
	ck_assert_str_eq(tcc_model_last_error(m),
			 "cannot start a pool of 4 threads: thread creation failed");
	tcc_rt_test_fail_thread_create(0);
	ck_assert_int_eq(tcc_model_run(m, a.in, 2, a.out, 1), TCC_RT_OK);
	ck_assert_int_eq(seen_ex.num_threads, 4);
	tcc_model_free(m);
}
END_TEST

/* ---- Thread counts ---------------------------------------------------------------------- */

START_TEST(test_thread_counts)
{
	struct tcc_rt_model_desc d = copy_desc();
	tcc_model *m;
	int cpus;

	d.default_threads = 0;
	m = tcc_model_from_desc(&d, NULL, 0);
	cpus = tcc_model_num_threads(m);
	ck_assert_int_ge(cpus, 1);
	ck_assert_int_eq(tcc_model_set_threads(m, -1), TCC_RT_ERR_THREADS);
	ck_assert_str_eq(tcc_model_last_error(m), "thread count -1 is not in [0, 256]");
	ck_assert_int_eq(tcc_model_set_threads(m, 257), TCC_RT_ERR_THREADS);
	ck_assert_int_eq(tcc_model_set_threads(m, 3), TCC_RT_OK);
	ck_assert_str_eq(tcc_model_last_error(m), "");
	ck_assert_int_eq(tcc_model_num_threads(m), 3);
	setenv("TCC_NUM_THREADS", "5", 1);
	ck_assert_int_eq(tcc_model_set_threads(m, 0), TCC_RT_OK);
	ck_assert_int_eq(tcc_model_num_threads(m), 5);
	setenv("TCC_NUM_THREADS", "lots", 1);
	ck_assert_int_eq(tcc_model_set_threads(m, 0), TCC_RT_OK);
	ck_assert_int_eq(tcc_model_num_threads(m), cpus);
	tcc_model_free(m);

	d.default_threads = 2;
	m = tcc_model_from_desc(&d, NULL, 0);
	ck_assert_int_eq(tcc_model_num_threads(m), 2);
	tcc_model_free(m);
	setenv("TCC_NUM_THREADS", "7", 1);
	m = tcc_model_from_desc(&d, NULL, 0);
	ck_assert_int_eq(tcc_model_num_threads(m), 7);
	tcc_model_free(m);
	setenv("TCC_NUM_THREADS", "100000", 1);
	m = tcc_model_from_desc(&d, NULL, 0);
	ck_assert_int_eq(tcc_model_num_threads(m), TCC_RT_MAX_THREADS);
	tcc_model_free(m);
	unsetenv("TCC_NUM_THREADS");
}
END_TEST

/* ---- Loading shared objects ------------------------------------------------------------- */

START_TEST(test_load_errors)
{
	char err[512];
	tcc_model *m = (tcc_model *)&m;

	ck_assert_ptr_null(tcc_model_load("/nonexistent/model.so", err, sizeof(err)));
	ck_assert_msg(strstr(err, "cannot load '/nonexistent/model.so': ") == err, "%s", err);
	ck_assert_int_eq(tcc_model_load_ex("/nonexistent/model.so", &m, NULL, 0), TCC_RT_ERR_OPEN);
	ck_assert_ptr_null(m);
	ck_assert_ptr_null(tcc_model_load("no_such_model.so", err, sizeof(err)));
	ck_assert_msg(strstr(err, "cannot load './no_such_model.so': ") == err, "%s", err);
	ck_assert_int_eq(tcc_model_load_ex(NULL, &m, err, sizeof(err)), TCC_RT_ERR_NULL_ARG);
	ck_assert_str_eq(err, "model path is NULL");
}
END_TEST

START_TEST(test_load_not_a_model)
{
	const char *libm = "/lib/x86_64-linux-gnu/libm.so.6";
	char err[512];
	tcc_model *m;

	if (access(libm, R_OK) != 0)
		libm = "/usr/lib/x86_64-linux-gnu/libm.so.6";
	if (access(libm, R_OK) != 0)
		return; /* another layout: nothing to test against */
	ck_assert_int_eq(tcc_model_load_ex(libm, &m, err, sizeof(err)), TCC_RT_ERR_NO_DESC);
	ck_assert_int_eq(tcc_rt_status_category(TCC_RT_ERR_NO_DESC), TCC_RT_CAT_NOT_MODEL);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(err, "is not a tcc model: no symbol 'tcc_model_desc'") != NULL, "%s",
		      err);
	ck_assert_msg(strstr(err, libm) != NULL, "%s", err);
}
END_TEST

/* The runtime headers: next to this file's source tree, or found from TCC_TEST_DATA. */
static int runtime_dir(char *buf, size_t len)
{
	const char *data = getenv("TCC_TEST_DATA");
	const char *cut = strstr(__FILE__, "tests/unit/check_rt_core.c");
	char probe[4200];

	if (cut && __FILE__[0] == '/')
		snprintf(buf, len, "%.*sruntime", (int)(cut - __FILE__), __FILE__);
	else if (data)
		snprintf(buf, len, "%s/../../runtime", data);
	else
		return 0;
	snprintf(probe, sizeof(probe), "%s/tcc_rt.h", buf);
	return access(probe, R_OK) == 0;
}

static const char *so_source =
	"#include \"tcc_rt.h\"\n"
	"static const int64_t shape[] = { 4 };\n"
	"static const struct tcc_rt_tensor_desc io[] = {\n"
	"	{ \"a\", TCC_RT_DTYPE_INT32, 1, shape }, { \"b\", TCC_RT_DTYPE_INT32, 1, shape } };\n"
	"struct job { const int32_t *a; int32_t *b; };\n"
	"static void body(void *ctx, int64_t lo, int64_t hi)\n"
	"{ struct job *j = ctx; for (int64_t i = lo; i < hi; i++) j->b[i] = j->a[i] + 1; }\n"
	"static int run(struct tcc_rt_exec *ex, void *const *in, void *const *out)\n"
	"{ struct job j = { in[0], out[0] }; ex->parallel_for(ex, 4, body, &j); return 0; }\n"
	"const struct tcc_rt_model_desc tcc_model_desc = {\n"
	"	MAGIC, VERSION, \"plus1\", 1, 1, &io[0], &io[1], 256, 64, 2, run };\n";

/* Compile so_source with cc into dir/name.so; 0 when cc is missing or fails. */
static int build_so(const char *dir, const char *rt, const char *name, const char *defs)
{
	char cmd[9000];

	snprintf(cmd, sizeof(cmd),
		 "cc -shared -fPIC -std=c11 -I'%s' %s -o '%s/%s.so' '%s/m.c' >/dev/null 2>&1", rt,
		 defs, dir, name, dir);
	return system(cmd) == 0;
}

START_TEST(test_load_built_so)
{
	char rt[4096], dir[] = "/tmp/tcc_rt_test_XXXXXX", path[4200], err[512];
	int32_t a[4] = { 1, 2, 3, 4 }, b[4] = { 0 };
	int64_t shape[] = { 4 };
	tcc_tensor in = { a, shape, 1, TCC_RT_DTYPE_INT32 }, out = { b, shape, 1, TCC_RT_DTYPE_INT32 };
	FILE *f;
	tcc_model *m;

	if (system("cc --version >/dev/null 2>&1") != 0 || !runtime_dir(rt, sizeof(rt))) {
		fprintf(stderr, "test_load_built_so: skipped (no cc or no runtime headers)\n");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/m.c", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(so_source, f);
	fclose(f);
	ck_assert(build_so(dir, rt, "good", "-DMAGIC=TCC_RT_ABI_MAGIC -DVERSION=TCC_RT_ABI_VERSION"));
	ck_assert(build_so(dir, rt, "old", "-DMAGIC=TCC_RT_ABI_MAGIC -DVERSION=99"));
	ck_assert(build_so(dir, rt, "alien", "-DMAGIC=0xdeadbeef -DVERSION=TCC_RT_ABI_VERSION"));

	snprintf(path, sizeof(path), "%s/good.so", dir);
	m = tcc_model_load(path, err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
	ck_assert_str_eq(tcc_model_name(m), "plus1");
	ck_assert_int_eq(tcc_model_num_threads(m), 2);
	ck_assert_int_eq(tcc_model_run(m, &in, 1, &out, 1), TCC_RT_OK);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(b[i], a[i] + 1);
	in.dtype = TCC_RT_DTYPE_FLOAT;
	ck_assert_int_eq(tcc_model_run(m, &in, 1, &out, 1), TCC_RT_ERR_DTYPE);
	ck_assert_str_eq(tcc_model_last_error(m), "input 0 'a': expected dtype int32, got float (1)");
	tcc_model_free(m);

	snprintf(path, sizeof(path), "%s/old.so", dir);
	ck_assert_ptr_null(tcc_model_load(path, err, sizeof(err)));
	ck_assert_msg(strstr(err, ": version mismatch: model built for runtime ABI 99") != NULL, "%s",
		      err);
	snprintf(path, sizeof(path), "%s/alien.so", dir);
	ck_assert_ptr_null(tcc_model_load(path, err, sizeof(err)));
	ck_assert_msg(strstr(err, "is not a tcc model: descriptor magic 0xdeadbeef") != NULL, "%s",
		      err);

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

static Suite *rt_core_suite(void)
{
	Suite *s = suite_create("rt_core");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_status_strings);
	tcase_add_test(tc, test_dtypes);
	tcase_add_test(tc, test_from_desc_and_run);
	tcase_add_test(tc, test_null_model);
	tcase_add_loop_test(tc, test_arg_checks, 0, sizeof(arg_cases) / sizeof(arg_cases[0]));
	tcase_add_test(tc, test_design_example_message);
	tcase_add_test(tc, test_run_status_passthrough);
	tcase_add_test(tc, test_reentrant_run_is_busy);
	tcase_add_loop_test(tc, test_bad_desc, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_arena_alignment);
	tcase_add_test(tc, test_platform_fault_injection);
	tcase_add_test(tc, test_pool_alloc_failure);
	tcase_add_test(tc, test_thread_create_failure);
	tcase_add_test(tc, test_thread_counts);
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_load_not_a_model);
	tcase_add_test(tc, test_load_built_so);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rt_core_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
