/* tcc-compile: an ONNX model (binary or text) → a shared object with the runtime ABI's
 * descriptor and a C header with a named, typed entry point.
 *
 * Prints nothing on success (except with -v: kernels, arena bytes, times, on stdout). On failure prints
 * the first diagnostic as one line on stderr and exits 1. docs/tools.md documents the flags. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/compile.h"

static const char usage_text[] =
	"usage: tcc-compile MODEL -o OUT.so [options]   (MODEL: .onnx or .onnxtxt, - for stdin)\n"
	"\n"
	"  -o FILE               the shared object to write (required)\n"
	"  --header=FILE         the C header (default: next to -o, same stem, .h)\n"
	"  --no-header           do not write a header\n"
	"  --name=NAME           model name: entry point NAME_run (default: stem of -o)\n"
	"  --passes=PIPELINE     graph passes before lowering (default: " TCC_DEFAULT_PIPELINE ")\n"
	"  --target=TRIPLE       target triple (default: the host)\n"
	"  --mcpu=CPU            target CPU (default: the host's)\n"
	"  --mattr=FEATURES      target features, e.g. +avx2,-avx512f (default: the host's)\n"
	"  -O0 .. -O3            LLVM optimization level (default -O3)\n"
	"  -jN                   compile with N threads (default: the online CPUs; -j1: one\n"
	"                        LLVM module for the whole model)\n"
	"  --emit-llvm=FILE.ll   also write the optimized LLVM IR\n"
	"  --keep-temps=DIR      keep the object file in DIR\n"
	"  --no-fuse             one kernel per node (no fusion in lowering)\n"
	"  --external-weights-above=BYTES\n"
	"                        write each constant of more than BYTES bytes (suffix k, M, G:\n"
	"                        KiB, MiB, GiB; 0: every constant) to OUT's stem + .weights,\n"
	"                        which must stay beside the .so (default: embed everything,\n"
	"                        unless the constants exceed 1 GiB: then those above 4 KiB)\n"
	"  --embed-weights       embed every constant, however large\n"
	"  -v                    print kernels, arena bytes and timing\n"
	"  --help                show this help\n";

/* Command line: "in", "out", "header" (NULL: derived), "no_header", "verbose", "opts". */
struct args {
	const char *in, *out, *header;
	int no_header, verbose, help;
	struct tcc_compile_options opts;
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "tcc-compile: error: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see tcc-compile --help)\n");
	return -1;
}

/* "--name=VALUE" or "--name VALUE": sets *val and returns 1; 0 when arg is not --name. */
static int long_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != 0)
		return 0;
	*val = *i + 1 < argc ? argv[++*i] : NULL;
	return 1;
}

/* "123", "64k", "16M", "2G" (binary multiples) → bytes; -1 when malformed or too large. */
static int64_t parse_bytes(const char *s)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'm' || *end == 'M')
		shift = 20;
	else if (*end == 'g' || *end == 'G')
		shift = 30;
	if (errno || (shift ? end[1] : end[0]) || v > ((unsigned long long)INT64_MAX >> shift))
		return -1;
	return (int64_t)(v << shift);
}

/* --external-weights-above=BYTES: 1 when argv[*i] was it, 0 when not, -1 on error. */
static int parse_weights(struct args *a, int argc, char **argv, int *i)
{
	const char *val;

	if (!long_value(argc, argv, i, "--external-weights-above", &val))
		return 0;
	a->opts.weights = TCC_WEIGHTS_EXTERNAL;
	a->opts.weights_above = parse_bytes(val);
	if (a->opts.weights_above < 0)
		return usage_error("--external-weights-above needs a size in bytes, got '%s'",
				   val ? val : "");
	return 1;
}

/* Options with a value. Returns 1 when argv[*i] was one, 0 when not, -1 on error. */
static int parse_valued(struct args *a, int argc, char **argv, int *i)
{
	static const char *const names[] = { "-o", "--output", "--header", "--name", "--passes",
					     "--target", "--mcpu", "--mattr", "--emit-llvm",
					     "--keep-temps" };
	const char **dst[] = { &a->out, &a->out, &a->header, &a->opts.name, &a->opts.pipeline,
			       &a->opts.target.triple, &a->opts.target.cpu,
			       &a->opts.target.features, &a->opts.emit_ll, &a->opts.keep_dir };
	const char *val;
	int r = parse_weights(a, argc, argv, i);

	if (r)
		return r;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		if (!long_value(argc, argv, i, names[k], &val))
			continue;
		if (!val || (!*val && k != 4))
			return usage_error("%s needs a value", names[k]);
		*dst[k] = val;
		return 1;
	}
	return 0;
}

static int parse_flag(struct args *a, const char *arg)
{
	if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
		a->help = 1;
	else if (!strcmp(arg, "-v") || !strcmp(arg, "--verbose"))
		a->verbose = 1;
	else if (!strcmp(arg, "--no-fuse"))
		a->opts.fuse = 0;
	else if (!strcmp(arg, "--no-header"))
		a->no_header = 1;
	else if (!strcmp(arg, "--embed-weights"))
		a->opts.weights = TCC_WEIGHTS_EMBED;
	else if (arg[0] == '-' && arg[1] == 'O' && arg[2] >= '0' && arg[2] <= '3' && !arg[3])
		a->opts.target.opt_level = arg[2] - '0';
	else if (arg[0] == '-' && arg[1] == 'j' && atoi(arg + 2) > 0 &&
		 strspn(arg + 2, "0123456789") == strlen(arg + 2))
		a->opts.jobs = atoi(arg + 2);
	else
		return usage_error("unknown option '%s'", arg);
	return 0;
}

static int parse_args(struct args *a, int argc, char **argv)
{
	int only_files = 0, r;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (only_files || arg[0] != '-' || !strcmp(arg, "-")) {
			if (a->in)
				return usage_error("more than one model: '%s'", arg);
			a->in = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_files = 1;
			continue;
		}
		r = parse_valued(a, argc, argv, &i);
		if (r < 0)
			return -1;
		if (!r && parse_flag(a, arg) < 0)
			return -1;
	}
	if (a->help)
		return 0;
	if (!a->in)
		return usage_error("%s", "no model given");
	if (!a->out)
		return usage_error("%s", "no output given (-o FILE.so)");
	return 0;
}

/* "dir/model.so" → "dir/model.h" (malloc'ed). */
static char *header_path(const char *so)
{
	const char *slash = strrchr(so, '/'), *dot = strrchr(so, '.');
	size_t stem = dot && dot > (slash ? slash + 1 : so) ? (size_t)(dot - so) : strlen(so);
	char *h = malloc(stem + 3);

	if (h) {
		memcpy(h, so, stem);
		memcpy(h + stem, ".h", 3);
	}
	return h;
}

static void print_stats(const struct args *a, const struct tcc_compile_stats *s)
{
	printf("%s: %d kernels (%d functions, %d objects), arena %lld bytes\n", a->out,
	       s->nkernels, s->nfunctions, s->nobjects, (long long)s->arena_bytes);
	if (s->nweights)
		printf("weights: %d external (%lld of %lld constant bytes), file of %lld bytes\n",
		       s->nweights, (long long)s->weights_bytes, (long long)s->const_bytes,
		       (long long)s->weights_file_bytes);
	else
		printf("weights: %lld constant bytes, all embedded\n", (long long)s->const_bytes);
	printf("time: load %.3fs, passes %.3fs, plan %.3fs, llvm %.3fs, link %.3fs\n",
	       s->t_load, s->t_passes, s->t_lower, s->t_llvm, s->t_link);
}

int main(int argc, char **argv)
{
	struct args a = { .opts = { .fuse = 1, .target = { .opt_level = 3 } } };
	struct tcc_compile_stats stats = { 0 };
	struct tcc_ctx *ctx;
	char *h = NULL;
	int rc = 1;

	if (parse_args(&a, argc, argv) < 0)
		return 1;
	if (a.help) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!a.no_header) {
		h = a.header ? strdup(a.header) : header_path(a.out);
		if (!h) {
			usage_error("%s", "out of memory");
			return 1;
		}
	}
	a.opts.h_path = h;
	a.opts.stats = &stats;
	ctx = tcc_ctx_new();
	if (!ctx) {
		free(h);
		usage_error("%s", "out of memory");
		return 1;
	}
	if (tcc_compile_file(ctx, a.in, &a.opts, a.out) < 0) {
		const char *msg = tcc_diag_first_error(ctx->diag);

		fprintf(stderr, "%s\n", msg ? msg : "tcc-compile: error: compile failed");
	} else {
		rc = 0;
		if (a.verbose)
			print_stats(&a, &stats);
	}
	tcc_ctx_free(ctx);
	free(h);
	return rc;
}
