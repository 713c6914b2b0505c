/* tcc-run --check DIR: run an ONNX backend test folder (model.onnx, test_data_set_N/input_K.pb
 * and output_K.pb) and print one line: PASS DIR, FAIL DIR: WHY, or UNSUPPORTED DIR: WHY. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/tcc-run/run.h"

#define PATH_LEN 4096

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* How many of dir/prefix_0.pb, dir/prefix_1.pb, ... exist, counting from 0 up to a gap. */
static int count_pb(const char *dir, const char *prefix)
{
	char path[PATH_LEN];
	int n = 0;

	for (;; n++) {
		run_fmt(path, sizeof(path), "%s/%s_%d.pb", dir, prefix, n);
		if (!exists(path))
			return n;
	}
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The N of every test_data_set_N folder of dir, sorted, into *ids (malloc'ed); -1 with err
 * set when dir cannot be read. */
static int list_datasets(const char *dir, int **ids, int *n, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int cap = 0, id, *p;

	*ids = NULL;
	*n = 0;
	if (!d) {
		run_fmt(err, errlen, "%s: error: cannot open: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		char end;
		if (sscanf(e->d_name, "test_data_set_%d%c", &id, &end) != 1 || id < 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			if (!(p = realloc(*ids, sizeof(*p) * (size_t)cap)))
				break;
			*ids = p;
		}
		(*ids)[(*n)++] = id;
	}
	closedir(d);
	if (*n)
		qsort(*ids, (size_t)*n, sizeof(**ids), cmp_int);
	return 0;
}

/* Tensors of one data set: inputs, expected outputs, and the model's outputs. */
struct dataset {
	const char *dir;
	int nin, nexp, nout;
	struct run_tensor *in, *exp, *out;
	char **in_files;
};

static void dataset_clear(struct dataset *ds)
{
	for (int i = 0; ds->in && i < ds->nin; i++)
		run_tensor_clear(&ds->in[i]);
	for (int i = 0; ds->exp && i < ds->nexp; i++)
		run_tensor_clear(&ds->exp[i]);
	for (int i = 0; ds->out && i < ds->nout; i++)
		run_tensor_clear(&ds->out[i]);
	for (int i = 0; ds->in_files && i < ds->nin; i++)
		free(ds->in_files[i]);
	free(ds->in);
	free(ds->exp);
	free(ds->out);
	free(ds->in_files);
}

/* Read the .pb files of ds->dir, checking their count against the model's signature. */
static int dataset_read(struct dataset *ds, const struct run_model *m, char *err, size_t len)
{
	char path[PATH_LEN];

	ds->nin = count_pb(ds->dir, "input");
	ds->nexp = count_pb(ds->dir, "output");
	ds->nout = run_model_num_outputs(m);
	if (ds->nin != run_model_num_inputs(m)) {
		run_fmt(err, len, "%s: error: %d input files, but the model takes %d inputs",
			 ds->dir, ds->nin, run_model_num_inputs(m));
		return -1;
	}
	if (ds->nexp > ds->nout) {
		run_fmt(err, len, "%s/output_%d.pb: error: the model exports only %d outputs "
			 "(an optional output it does not produce?)", ds->dir, ds->nout, ds->nout);
		return -1;
	}
	ds->in = calloc((size_t)ds->nin + 1, sizeof(*ds->in));
	ds->in_files = calloc((size_t)ds->nin + 1, sizeof(*ds->in_files));
	ds->exp = calloc((size_t)ds->nexp + 1, sizeof(*ds->exp));
	ds->out = calloc((size_t)ds->nout + 1, sizeof(*ds->out));
	if (!ds->in || !ds->in_files || !ds->exp || !ds->out) {
		run_fmt(err, len, "%s: error: out of memory", ds->dir);
		return -1;
	}
	for (int k = 0; k < ds->nin; k++) {
		run_fmt(path, sizeof(path), "%s/input_%d.pb", ds->dir, k);
		if (!(ds->in_files[k] = strdup(path)) ||
		    run_tensor_read(path, &ds->in[k], err, len) < 0)
			return -1;
	}
	for (int k = 0; k < ds->nexp; k++) {
		run_fmt(path, sizeof(path), "%s/output_%d.pb", ds->dir, k);
		if (run_tensor_read(path, &ds->exp[k], err, len) < 0)
			return -1;
	}
	return 0;
}

/* Run one data set; 0 when every expected output matches, else -1 with the reason in err. */
static int run_dataset(struct run_model *m, const char *dsdir, struct run_tol tol, char *err,
		       size_t len)
{
	struct dataset ds = { .dir = dsdir };
	const char *name;
	char msg[RUN_ERR_LEN];
	int r = -1;

	if (dataset_read(&ds, m, err, len) < 0)
		goto out;
	for (int k = 0; k < ds.nout; k++)
		if (run_alloc_output(m, k, k < ds.nexp ? &ds.exp[k] : NULL, &ds.out[k], err,
				     len) < 0)
			goto out;
	if (run_model_run(m, ds.in, ds.nin, ds.out, ds.nout, (const char *const *)ds.in_files,
			  err, len) < 0)
		goto out;
	for (int k = 0; k < ds.nexp; k++) {
		if (!run_tensor_compare(&ds.out[k], &ds.exp[k], tol, msg, sizeof(msg)))
			continue;
		name = ds.out[k].name ? ds.out[k].name : "";
		run_fmt(err, len, "%s: output %d '%s' %s", strrchr(dsdir, '/') + 1, k, name, msg);
		goto out;
	}
	r = 0;
out:
	dataset_clear(&ds);
	return r;
}

static int result(const char *what, const char *dir, const char *why, int status)
{
	if (why)
		printf("%s %s: %s\n", what, dir, why);
	else
		printf("%s %s\n", what, dir);
	fflush(stdout);
	return status;
}

int run_check(const char *model, const char *dir, struct run_tol tol)
{
	char err[RUN_ERR_LEN], path[PATH_LEN], dsdir[PATH_LEN];
	struct run_model *m = NULL;
	int *ids, n, r;

	if (list_datasets(dir, &ids, &n, err, sizeof(err)) < 0)
		return result("FAIL", dir, err, 1);
	if (n == 0) {
		run_fmt(err, sizeof(err), "%s: error: no test_data_set_N folder", dir);
		free(ids);
		return result("FAIL", dir, err, 1);
	}
	if (!model) {
		run_fmt(path, sizeof(path), "%s/model.onnx", dir);
		model = path;
	}
	r = run_obtain_model(model, &m, err, sizeof(err));
	for (int i = 0; r == 0 && i < n; i++) {
		run_fmt(dsdir, sizeof(dsdir), "%s/test_data_set_%d", dir, ids[i]);
		if (run_dataset(m, dsdir, tol, err, sizeof(err)) < 0)
			r = 1;
	}
	free(ids);
	run_model_free(m);
	if (r == 2)
		return result("UNSUPPORTED", dir, err, 2);
	if (r)
		return result("FAIL", dir, err, 1);
	return result("PASS", dir, NULL, 0);
}
