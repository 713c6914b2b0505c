/* tcc-run's view of a compiled model, through the runtime ABI (tcc_rt.h) only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcc_rt.h"
#include "tools/tcc-run/run.h"

/* A loaded model: the runtime instance and the name messages use for it. */
struct run_model {
	tcc_model *m;
	char *display;
};

struct run_model *run_model_load(const char *so_path, const char *display, char *err,
				 size_t errlen)
{
	struct run_model *rm = calloc(1, sizeof(*rm));
	char msg[RUN_ERR_LEN] = "";

	if (!rm || !(rm->display = strdup(display))) {
		free(rm);
		run_fmt(err, errlen, "%s: error: out of memory", display);
		return NULL;
	}
	rm->m = tcc_model_load(so_path, msg, sizeof(msg));
	if (!rm->m) {
		run_fmt(err, errlen, "%s: error: %s", display, msg);
		run_model_free(rm);
		return NULL;
	}
	return rm;
}

void run_model_free(struct run_model *rm)
{
	if (!rm)
		return;
	tcc_model_free(rm->m);
	free(rm->display);
	free(rm);
}

const char *run_model_display(const struct run_model *rm)
{
	return rm->display;
}

int run_model_num_inputs(const struct run_model *rm)
{
	return tcc_model_num_inputs(rm->m);
}

int run_model_num_outputs(const struct run_model *rm)
{
	return tcc_model_num_outputs(rm->m);
}

static void sig(const struct tcc_rt_tensor_desc *d, const char **name, int *dtype,
		int32_t *rank, const int64_t **shape)
{
	*name = d->name ? d->name : "";
	*dtype = d->dtype;
	*rank = d->rank;
	*shape = d->shape;
}

void run_model_input(const struct run_model *rm, int k, const char **name, int *dtype,
		     int32_t *rank, const int64_t **shape)
{
	sig(&tcc_model_desc_of(rm->m)->inputs[k], name, dtype, rank, shape);
}

void run_model_output(const struct run_model *rm, int k, const char **name, int *dtype,
		      int32_t *rank, const int64_t **shape)
{
	sig(&tcc_model_desc_of(rm->m)->outputs[k], name, dtype, rank, shape);
}

uint64_t run_model_arena_size(const struct run_model *rm)
{
	return tcc_model_desc_of(rm->m)->arena_size;
}

int run_model_set_threads(struct run_model *rm, int threads, char *err, size_t errlen)
{
	if (tcc_model_set_threads(rm->m, threads) == TCC_RT_OK)
		return 0;
	run_fmt(err, errlen, "%s: error: %s", rm->display, tcc_model_last_error(rm->m));
	return -1;
}

static void to_rt(tcc_tensor *r, const struct run_tensor *t)
{
	r->data = t->data;
	r->shape = t->shape;
	r->rank = t->rank;
	r->dtype = t->dtype;
}

/* The file a runtime message is about: in_files[k] when it starts with "input k ". */
static const char *blame(const struct run_model *rm, const char *msg, int nin,
			 const char *const *in_files)
{
	int k;

	if (in_files && sscanf(msg, "input %d ", &k) == 1 && k >= 0 && k < nin && in_files[k])
		return in_files[k];
	return rm->display;
}

int run_model_run(struct run_model *rm, const struct run_tensor *in, int nin,
		  struct run_tensor *out, int nout, const char *const *in_files, char *err,
		  size_t errlen)
{
	tcc_tensor *rin = calloc((size_t)nin + 1, sizeof(*rin));
	tcc_tensor *rout = calloc((size_t)nout + 1, sizeof(*rout));
	int allocated = rin && rout, st = TCC_RT_ERR_NOMEM;
	const char *msg;

	if (allocated) {
		for (int i = 0; i < nin; i++)
			to_rt(&rin[i], &in[i]);
		for (int i = 0; i < nout; i++)
			to_rt(&rout[i], &out[i]);
		st = tcc_model_run(rm->m, rin, nin, rout, nout);
	}
	free(rin);
	free(rout);
	if (st == TCC_RT_OK)
		return 0;
	msg = allocated ? tcc_model_last_error(rm->m) : "out of memory";
	run_fmt(err, errlen, "%s: error: %s", blame(rm, msg, nin, in_files), msg);
	return -1;
}
