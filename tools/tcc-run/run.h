/* tcc-run's private interfaces. The compiler's graph IR and the runtime ABI both name a type
 * "struct tcc_tensor_data", so no file includes both: tensors.c and compile.c see the compiler,
 * model.c sees the runtime, and they meet in struct run_tensor, owned by tcc-run.
 *
 * Errors are returned as one line "FILE: error: MESSAGE" in a caller's buffer. */
#ifndef TCC_TOOLS_TCC_RUN_RUN_H
#define TCC_TOOLS_TCC_RUN_RUN_H

#include <stddef.h>
#include <stdint.h>

#define RUN_ERR_LEN 1024

/* A dense tensor: "dtype" is an ONNX TensorProto code; "shape", "name" and "data" are
 * malloc'ed and owned by the struct (release with run_tensor_clear). */
struct run_tensor {
	char *name;
	int dtype;
	int32_t rank;
	int64_t *shape;
	int64_t numel;
	size_t nbytes;
	void *data;
};

/* Tolerances of a comparison: |got - exp| <= atol + rtol * |exp| for floating point. */
struct run_tol {
	double rtol, atol;
};

/* The command line (main.c). "inputs"/"compares" point into argv. */
struct options {
	const char *model, *check, *output_dir;
	const char **inputs, **compares;
	int ninputs, ncompares, dummy, threads, help;
	long bench;
	struct run_tol tol;
};

/* ---- tensors.c ---- */
/* snprintf that returns how much it wrote (never more than len - 1; 0 when len is 0). Long
 * paths and messages are cut, never overflowed. */
size_t run_fmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int run_tensor_read(const char *path, struct run_tensor *t, char *err, size_t errlen);
int run_tensor_write(const struct run_tensor *t, const char *path, char *err, size_t errlen);
/* A zeroed tensor of the given signature; -1 (message in err) for strings, unknown dtypes,
 * negative dims or out of memory. */
int run_tensor_alloc(struct run_tensor *t, const char *name, int dtype, int32_t rank,
		     const int64_t *shape, char *err, size_t errlen);
void run_tensor_clear(struct run_tensor *t);
/* arange(n).reshape(shape) / n for floating point types; zeros (false) for the others. */
void run_tensor_fill_dummy(struct run_tensor *t);
/* 0 when got matches exp (dtype, shape, every element); otherwise 1 and a description of
 * the first difference in msg ("[1,2]: got 0.5, expected 0.25"). */
int run_tensor_compare(const struct run_tensor *got, const struct run_tensor *exp,
		       struct run_tol tol, char *msg, size_t len);
/* "float[1,3,224,224]" into buf. */
void run_sig_str(char *buf, size_t len, int dtype, int32_t rank, const int64_t *shape);
/* min / max / mean of a numeric tensor's elements (NaNs skipped), for the summary. */
void run_tensor_stats(const struct run_tensor *t, double *min, double *max, double *mean);
/* Print the values on one line when there are at most "max" of them. */
void run_tensor_print_values(const struct run_tensor *t, int64_t max);

/* ---- compile.c ---- */
/* Result of compiling an .onnx: 0 compiled (so_path set), 1 failed, 2 unsupported. */
int run_compile(const char *model, char *so_path, size_t so_len, char *err, size_t errlen);
/* Remove the temporary .so and its folder made by run_compile. */
void run_compile_cleanup(const char *so_path);

/* ---- model.c ---- */
struct run_model;

/* Load a compiled model; "display" names it in messages. NULL with err set on failure. */
struct run_model *run_model_load(const char *so_path, const char *display, char *err,
				 size_t errlen);
void run_model_free(struct run_model *m);
const char *run_model_display(const struct run_model *m);
int run_model_num_inputs(const struct run_model *m);
int run_model_num_outputs(const struct run_model *m);
/* Signature of input/output k (pointers into the descriptor). */
void run_model_input(const struct run_model *m, int k, const char **name, int *dtype,
		     int32_t *rank, const int64_t **shape);
void run_model_output(const struct run_model *m, int k, const char **name, int *dtype,
		      int32_t *rank, const int64_t **shape);
uint64_t run_model_arena_size(const struct run_model *m);
int run_model_set_threads(struct run_model *m, int threads, char *err, size_t errlen);
/* Run once. On failure -1, and err holds the runtime's message, prefixed with the file of
 * the input it names (in_files[k]) or else with the model's display name. */
int run_model_run(struct run_model *m, const struct run_tensor *in, int nin,
		  struct run_tensor *out, int nout, const char *const *in_files, char *err,
		  size_t errlen);

/* ---- check.c ---- */
/* tcc-run --check: prints one result line, returns the exit status (0 / 1 / 2). */
int run_check(const char *model, const char *dir, struct run_tol tol);

/* ---- modes.c ---- */
/* --input / --dummy-inputs runs and --bench; returns the exit status. */
int run_modes(const struct options *o);

/* ---- main.c, shared with check.c ---- */
/* Take "model" (a name ending in .so) or compile it (anything else: .onnx, .onnxtxt) into a
 * temporary .so, and load it (the temporary file is removed once loaded). Returns 0, 1
 * (failed) or 2 (unsupported), with the message in err. */
int run_obtain_model(const char *model, struct run_model **out, char *err, size_t errlen);
/* Output k's buffer: the model's signature, dynamic dims taken from "like" (may be NULL). */
int run_alloc_output(const struct run_model *m, int k, const struct run_tensor *like,
		     struct run_tensor *t, char *err, size_t errlen);

#endif
