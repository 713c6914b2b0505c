/* tcc-run's run modes besides --check: one run with given or dummy inputs (outputs written,
 * compared or summarized), and --bench. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tools/tcc-run/run.h"

/* The tensors of one invocation. */
struct io {
	int nin, nout;
	struct run_tensor *in, *out, *exp;
};

static void io_clear(struct io *io)
{
	for (int i = 0; io->in && i < io->nin; i++)
		run_tensor_clear(&io->in[i]);
	for (int i = 0; io->out && i < io->nout; i++)
		run_tensor_clear(&io->out[i]);
	for (int i = 0; io->exp && i < io->nout; i++)
		run_tensor_clear(&io->exp[i]);
	free(io->in);
	free(io->out);
	free(io->exp);
}

/* Input k as zeros, then dummy values (the model's signature; dynamic dims are an error). */
static int dummy_input(const struct run_model *m, int k, struct run_tensor *t, char *err,
		       size_t len)
{
	const char *name;
	const int64_t *shape;
	int dtype;
	int32_t rank;
	char msg[256];

	run_model_input(m, k, &name, &dtype, &rank, &shape);
	for (int32_t i = 0; i < rank; i++) {
		if (shape[i] < 0) {
			run_fmt(err, len, "%s: error: input %d '%s' has a dynamic shape: give "
				 "--input", run_model_display(m), k, name);
			return -1;
		}
	}
	if (run_tensor_alloc(t, name, dtype, rank, shape, msg, sizeof(msg)) < 0) {
		run_fmt(err, len, "%s: error: input %d '%s': %s", run_model_display(m), k,
			 name, msg);
		return -1;
	}
	run_tensor_fill_dummy(t);
	return 0;
}

/* Inputs from the files, or dummies, and output buffers (shaped like the --compare files
 * where the model leaves a dimension dynamic). */
static int io_prepare(const struct options *o, const struct run_model *m, struct io *io,
		      char *err, size_t len)
{
	io->nin = run_model_num_inputs(m);
	io->nout = run_model_num_outputs(m);
	if (o->ninputs != io->nin && !(o->dummy || (o->bench && !o->ninputs))) {
		run_fmt(err, len, "%s: error: the model takes %d inputs, got %d (give --input "
			 "FILE... or --dummy-inputs)", run_model_display(m), io->nin, o->ninputs);
		return -1;
	}
	if (o->ncompares > io->nout) {
		run_fmt(err, len, "%s: error: %d files to compare, but the model exports %d "
			 "outputs", o->compares[io->nout], o->ncompares, io->nout);
		return -1;
	}
	io->in = calloc((size_t)io->nin + 1, sizeof(*io->in));
	io->out = calloc((size_t)io->nout + 1, sizeof(*io->out));
	io->exp = calloc((size_t)io->nout + 1, sizeof(*io->exp));
	if (!io->in || !io->out || !io->exp) {
		run_fmt(err, len, "%s: error: out of memory", run_model_display(m));
		return -1;
	}
	for (int k = 0; k < io->nin; k++)
		if (o->ninputs ? run_tensor_read(o->inputs[k], &io->in[k], err, len) < 0
			       : dummy_input(m, k, &io->in[k], err, len) < 0)
			return -1;
	for (int k = 0; k < o->ncompares; k++)
		if (run_tensor_read(o->compares[k], &io->exp[k], err, len) < 0)
			return -1;
	for (int k = 0; k < io->nout; k++)
		if (run_alloc_output(m, k, k < o->ncompares ? &io->exp[k] : NULL, &io->out[k],
				     err, len) < 0)
			return -1;
	return 0;
}

static void summarize(const struct io *io)
{
	char sig[512];
	double lo, hi, mean;

	for (int k = 0; k < io->nout; k++) {
		const struct run_tensor *t = &io->out[k];
		run_sig_str(sig, sizeof(sig), t->dtype, t->rank, t->shape);
		run_tensor_stats(t, &lo, &hi, &mean);
		printf("output %d '%s' %s: min %.6g max %.6g mean %.6g\n", k,
		       t->name ? t->name : "", sig, lo, hi, mean);
		run_tensor_print_values(t, 16);
	}
}

/* Write every output as DIR/output_K.pb; compare with the --compare files. */
static int outputs_done(const struct options *o, const struct io *io, char *err, size_t len)
{
	char path[4096], msg[RUN_ERR_LEN];
	const char *name;
	int bad = 0;

	if (o->output_dir && mkdir(o->output_dir, 0777) < 0 && errno != EEXIST) {
		run_fmt(err, len, "%s: error: cannot create: %s", o->output_dir,
			 strerror(errno));
		return -1;
	}
	for (int k = 0; o->output_dir && k < io->nout; k++) {
		run_fmt(path, sizeof(path), "%s/output_%d.pb", o->output_dir, k);
		if (run_tensor_write(&io->out[k], path, err, len) < 0)
			return -1;
	}
	for (int k = 0; k < o->ncompares; k++) {
		name = io->out[k].name ? io->out[k].name : "";
		if (!run_tensor_compare(&io->out[k], &io->exp[k], o->tol, msg, sizeof(msg))) {
			printf("output %d '%s': matches %s\n", k, name, o->compares[k]);
			continue;
		}
		if (!bad++)
			run_fmt(err, len, "%s: error: output %d '%s' %s", o->compares[k], k,
				 name, msg);
	}
	if (!o->output_dir && !o->ncompares)
		summarize(io);
	return bad ? -1 : 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Warm-up runs (N / 10, between 1 and 10), then N timed runs. */
static int bench(const struct options *o, struct run_model *m, struct io *io, char *err,
		 size_t len)
{
	long warm = o->bench / 10 < 1 ? 1 : o->bench / 10 > 10 ? 10 : o->bench / 10;
	double *ms = malloc(sizeof(*ms) * (size_t)o->bench), t0;
	const char *const *files = o->ninputs ? o->inputs : NULL;

	if (!ms) {
		run_fmt(err, len, "%s: error: out of memory", run_model_display(m));
		return -1;
	}
	for (long i = 0; i < warm + o->bench; i++) {
		t0 = now_ms();
		if (run_model_run(m, io->in, io->nin, io->out, io->nout, files, err, len) < 0) {
			free(ms);
			return -1;
		}
		if (i >= warm)
			ms[i - warm] = now_ms() - t0;
	}
	qsort(ms, (size_t)o->bench, sizeof(*ms), cmp_double);
	printf("median_ms: %.4f\n", o->bench % 2 ? ms[o->bench / 2]
						  : (ms[o->bench / 2 - 1] + ms[o->bench / 2]) / 2);
	printf("min_ms: %.4f\n", ms[0]);
	printf("peak_bytes: %llu\n", (unsigned long long)run_model_arena_size(m));
	free(ms);
	return 0;
}

int run_modes(const struct options *o)
{
	struct run_model *m = NULL;
	struct io io = { 0 };
	char err[RUN_ERR_LEN];
	int r = run_obtain_model(o->model, &m, err, sizeof(err));

	if (r == 0 && o->threads)
		r = run_model_set_threads(m, o->threads, err, sizeof(err)) < 0;
	if (r == 0)
		r = io_prepare(o, m, &io, err, sizeof(err)) < 0;
	if (r == 0 && o->bench)
		r = bench(o, m, &io, err, sizeof(err)) < 0;
	else if (r == 0)
		r = run_model_run(m, io.in, io.nin, io.out, io.nout,
				  o->ninputs ? o->inputs : NULL, err, sizeof(err)) < 0 ||
		    outputs_done(o, &io, err, sizeof(err)) < 0;
	if (r)
		fprintf(stderr, "%s\n", err);
	io_clear(&io);
	run_model_free(m);
	return r ? 1 : 0;
}
