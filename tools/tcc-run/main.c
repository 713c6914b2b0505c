/* tcc-run: compile (or load) a model and run it.
 *
 *   tcc-run [MODEL] --check DIR              an ONNX backend test folder: PASS/FAIL/UNSUPPORTED
 *   tcc-run MODEL --input a.pb ... | --dummy-inputs  [--output-dir D] [--compare b.pb ...]
 *   tcc-run MODEL --bench N [--threads T]    timing
 *
 * MODEL is a compiled model (an ELF file, or a name ending in .so), or anything tcc-compile
 * reads (compiled into a temporary .so).
 * Errors are one line "FILE: error: MESSAGE" on stderr with exit status 1; --check prints its
 * result line on stdout and exits 0 (pass), 1 (fail) or 2 (unsupported). docs/tools.md
 * documents the flags. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/tcc-run/run.h"

static const char usage_text[] =
	"usage: tcc-run MODEL --check DIR | tcc-run --check DIR\n"
	"       tcc-run MODEL (--input A.pb... | --dummy-inputs) [--output-dir D] [--compare B.pb...]\n"
	"       tcc-run MODEL --bench N [--threads T] [--input A.pb... | --dummy-inputs]\n"
	"\n"
	"  MODEL                 a compiled model (.so, ELF) or a model to compile (.onnx, .onnxtxt)\n"
	"  --check DIR           run the ONNX backend test folder DIR (model: DIR/model.onnx)\n"
	"  --input FILE...       input tensors (TensorProto .pb), one per model input, in order\n"
	"  --dummy-inputs        inputs i/n (float types; n = element count), 0 for ints/bools\n"
	"  --output-dir D        write the outputs as D/output_K.pb\n"
	"  --compare FILE...     compare output K with FILE K (rtol/atol below)\n"
	"  --rtol X, --atol X    tolerances (default 1e-3, 1e-7): |got-exp| <= atol + rtol*|exp|\n"
	"  --bench N             N timed runs after warm-up: median_ms, min_ms, peak_bytes\n"
	"  --threads T           threads per run (default: the runtime's)\n"
	"  --help                show this help\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "tcc-run: error: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see tcc-run --help)\n");
	return -1;
}

/* Arguments after argv[*i] up to the next option, appended to list. */
static int take_files(int argc, char **argv, int *i, const char **list, int *n)
{
	int start = *n;

	while (*i + 1 < argc && strncmp(argv[*i + 1], "--", 2) != 0)
		list[(*n)++] = argv[++*i];
	return *n > start ? 0 : usage_error("%s needs at least one file", argv[*i]);
}

static int number(const char *opt, const char *s, double lo, double *v)
{
	char *end;

	errno = 0;
	*v = s ? strtod(s, &end) : 0;
	if (!s || errno || end == s || *end || !(*v >= lo))
		return usage_error("bad value for %s", opt);
	return 0;
}

/* One option at argv[*i] that takes a value in argv[*i + 1]. */
static int value_option(int argc, char **argv, int *i, struct options *o)
{
	const char *opt = argv[*i], *val = *i + 1 < argc ? argv[++*i] : NULL;
	double v;

	if (!strcmp(opt, "--check")) {
		o->check = val;
		return val ? 0 : usage_error("%s needs a folder", opt);
	}
	if (!strcmp(opt, "--output-dir")) {
		o->output_dir = val;
		return val ? 0 : usage_error("%s needs a folder", opt);
	}
	if (number(opt, val, !strcmp(opt, "--bench") || !strcmp(opt, "--threads") ? 1 : 0,
		   &v) < 0)
		return -1;
	if (!strcmp(opt, "--rtol"))
		o->tol.rtol = v;
	else if (!strcmp(opt, "--atol"))
		o->tol.atol = v;
	else if (!strcmp(opt, "--bench"))
		o->bench = v > 1e9 ? 1000000000L : (long)v;
	else
		o->threads = v > 256 ? 257 : (int)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const char *const valued[] = { "--check", "--output-dir", "--rtol", "--atol",
					      "--bench", "--threads" };

	o->tol.rtol = 1e-3;
	o->tol.atol = 1e-7;
	o->inputs = calloc((size_t)argc, sizeof(*o->inputs));
	o->compares = calloc((size_t)argc, sizeof(*o->compares));
	if (!o->inputs || !o->compares)
		return usage_error("%s", "out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int is_valued = 0;
		for (size_t k = 0; k < sizeof(valued) / sizeof(*valued); k++)
			is_valued |= !strcmp(a, valued[k]);
		if (is_valued) {
			if (value_option(argc, argv, &i, o) < 0)
				return -1;
		} else if (!strcmp(a, "--input")) {
			if (take_files(argc, argv, &i, o->inputs, &o->ninputs) < 0)
				return -1;
		} else if (!strcmp(a, "--compare")) {
			if (take_files(argc, argv, &i, o->compares, &o->ncompares) < 0)
				return -1;
		} else if (!strcmp(a, "--dummy-inputs")) {
			o->dummy = 1;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			o->help = 1;
		} else if (a[0] == '-' && a[1]) {
			return usage_error("unknown option '%s'", a);
		} else if (o->model) {
			return usage_error("more than one model ('%s')", a);
		} else {
			o->model = a;
		}
	}
	return 0;
}

static int check_args(const struct options *o)
{
	if (!o->model && !o->check)
		return usage_error("%s", "no model given");
	if (o->check && (o->ninputs || o->dummy || o->ncompares || o->output_dir || o->bench))
		return usage_error("%s", "--check takes no inputs, outputs or --bench");
	if (o->ninputs && o->dummy)
		return usage_error("%s", "--input and --dummy-inputs exclude each other");
	if (o->bench && (o->ncompares || o->output_dir))
		return usage_error("%s", "--bench takes no --compare or --output-dir");
	return 0;
}

static int ends_with_so(const char *s)
{
	size_t n = strlen(s);

	return n >= 3 && !strcmp(s + n - 3, ".so");
}

/* A compiled model is an ELF shared object: told by content, not by name. */
static int is_elf(const char *path)
{
	FILE *f = fopen(path, "rb");
	char magic[4] = { 0 };
	size_t n = f ? fread(magic, 1, sizeof(magic), f) : 0;

	if (f)
		fclose(f);
	return n == 4 && !memcmp(magic, "\x7f" "ELF", 4);
}

int run_obtain_model(const char *model, struct run_model **out, char *err, size_t errlen)
{
	char so[4096];
	int r;

	*out = NULL;
	if (is_elf(model) || ends_with_so(model)) {
		*out = run_model_load(model, model, err, errlen);
		return *out ? 0 : 1;
	}
	r = run_compile(model, so, sizeof(so), err, errlen);
	if (r)
		return r;
	*out = run_model_load(so, model, err, errlen);
	run_compile_cleanup(so);
	return *out ? 0 : 1;
}

int run_alloc_output(const struct run_model *m, int k, const struct run_tensor *like,
		     struct run_tensor *t, char *err, size_t errlen)
{
	const char *name;
	const int64_t *shape;
	int64_t dims[64];
	int dtype;
	int32_t rank;
	char msg[256];

	run_model_output(m, k, &name, &dtype, &rank, &shape);
	for (int32_t i = 0; i < rank && i < 64; i++) {
		dims[i] = shape[i];
		if (dims[i] < 0 && like && like->rank == rank)
			dims[i] = like->shape[i];
		if (dims[i] < 0) {
			run_fmt(err, errlen, "%s: error: output %d '%s' has a dynamic shape",
				 run_model_display(m), k, name);
			return -1;
		}
	}
	if (rank > 64 || run_tensor_alloc(t, name, dtype, rank, dims, msg, sizeof(msg)) < 0) {
		run_fmt(err, errlen, "%s: error: output %d '%s': %s", run_model_display(m), k, name,
			 rank > 64 ? "rank above 64" : msg);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	int r;

	if (parse_args(argc, argv, &o) < 0 || (!o.help && check_args(&o) < 0))
		r = 1;
	else if (o.help)
		r = fputs(usage_text, stdout) < 0;
	else if (o.check)
		r = run_check(o.model, o.check, o.tol);
	else
		r = run_modes(&o);
	free(o.inputs);
	free(o.compares);
	return r;
}
