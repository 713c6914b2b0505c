/* tcc-opt: load a model (ONNX binary or text), run a pass pipeline on it, and print it.
 *
 *   load → toposort (every graph) → verify → run pipeline (verify after each pass, dump
 *   the IR after the passes asked for) → emit text/ONNX, or lower and print the kernel IR
 *   (--emit=kernels) or each kernel's loop AST (--emit=loops) → optional drawing
 *
 * The pipeline string is parsed before the model is loaded, so its errors come first. Every
 * error is printed as one line on stderr and makes the exit status 1; success is 0. IR dumps
 * (--print-after*) go to stdout, each after a "# -----// IR after PASS //----- #" line, before
 * the final output. docs/tools.md documents the flags. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "frontend/load.h"
#include "frontend/onnx/onnx.h"
#include "ir/graph/dot.h"
#include "ir/graph/print.h"
#include "ir/graph/verify.h"
#include "ir/kernel/poly.h"
#include "ir/kernel/program.h"
#include "passes/lower/lower.h"
#include "passes/pipeline.h"
#include "tools/tcc-opt/list_passes.h"

static const char usage_text[] =
	"usage: tcc-opt IN [options]     (IN: .onnx or .onnxtxt file, or - for stdin)\n"
	"\n"
	"  -o FILE                 write the result to FILE (- for stdout; default stdout)\n"
	"  --passes=PIPELINE       passes to run, e.g. shape-infer,fold-constants{...},dce\n"
	"  --print-after=PASS      print the IR after each run of PASS (repeatable, or P1,P2)\n"
	"  --print-after-all       print the IR after every pass\n"
	"  --verify-each           verify the IR after every pass (default)\n"
	"  --no-verify-each        verify only after loading\n"
	"  --emit=KIND             output: text (default), onnx (needs -o), kernels (lowered\n"
	"                          kernel IR) or loops (each kernel's loop AST, C-like)\n"
	"  --elide-constants=N     print tensors of more than N elements as {...} (0: all)\n"
	"  --dot=FILE              draw the final graph: FILE.dot, .gv, .svg or .png\n"
	"  --dump-pipeline         print the parsed pipeline with every option, then exit\n"
	"  --list-passes[=markdown] list passes and their options, then exit\n"
	"  --help                  show this help\n";

/* What --emit writes. */
enum emit_kind { EMIT_TEXT, EMIT_ONNX, EMIT_KERNELS, EMIT_LOOPS };

/* Command line: "in", "out" (NULL: stdout), "pipeline" text, "emit" kind, "dot" path,
 * "print_after" pass names (comma lists allowed), "list" (0 no, 1 text, 2 markdown). */
struct options {
	const char *in, *out, *pipeline, *dot;
	const char **print_after;
	int nprint_after;
	int print_after_all, verify_each, dump_pipeline, list, help;
	enum emit_kind emit;
	int64_t elide;
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "tcc-opt: error: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see tcc-opt --help)\n");
	return -1;
}

/* If arg is "--name=VALUE" or "--name" followed by a value argument, set *val and return 1. */
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
	if (*i + 1 >= argc) {
		*val = NULL;
		return 1;
	}
	*val = argv[++*i];
	return 1;
}

static int parse_int64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return -1;
	v = strtoll(s, &end, 10);
	if (*end || v < 0)
		return -1;
	*out = v;
	return 0;
}

static int add_print_after(struct options *o, const char *list)
{
	const char **pa = realloc(o->print_after, (size_t)(o->nprint_after + 1) * sizeof(*pa));

	if (!pa)
		return usage_error("%s", "out of memory");
	o->print_after = pa;
	o->print_after[o->nprint_after++] = list;
	return 0;
}

static int known_drawing(const char *path)
{
	static const char *const ext[] = { ".dot", ".gv", ".svg", ".png" };
	size_t n = strlen(path);

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t k = strlen(ext[i]);
		if (n > k && strcasecmp(path + n - k, ext[i]) == 0)
			return 1;
	}
	return 0;
}

/* Options that take a value. Returns 1 when arg was one, 0 when not, -1 on error. */
static int parse_valued(struct options *o, int argc, char **argv, int *i)
{
	const char *v, *a = argv[*i];

	if (strcmp(a, "-o") == 0 || long_value(argc, argv, i, "--output", &v)) {
		if (strcmp(a, "-o") == 0)
			v = *i + 1 < argc ? argv[++*i] : NULL;
		if (!v)
			return usage_error("%s needs a file name", a);
		o->out = v;
	} else if (long_value(argc, argv, i, "--passes", &v)) {
		o->pipeline = v;
	} else if (long_value(argc, argv, i, "--print-after", &v)) {
		if (!v || add_print_after(o, v) < 0)
			return usage_error("%s", "--print-after needs a pass name");
	} else if (long_value(argc, argv, i, "--emit", &v)) {
		static const char *const kinds[] = { "text", "onnx", "kernels", "loops" };
		int k = 0;
		while (v && k < 4 && strcmp(v, kinds[k]) != 0)
			k++;
		if (!v || k == 4)
			return usage_error("--emit takes text, onnx, kernels or loops, not '%s'",
					   v ? v : "");
		o->emit = (enum emit_kind)k;
	} else if (long_value(argc, argv, i, "--dot", &v)) {
		if (!v || !*v)
			return usage_error("%s", "--dot needs a file name");
		if (!known_drawing(v))
			return usage_error("--dot: unknown drawing format '%s' (use .dot, .gv, .svg "
					   "or .png)", v);
		o->dot = v;
	} else if (long_value(argc, argv, i, "--elide-constants", &v)) {
		if (parse_int64(v, &o->elide) < 0)
			return usage_error("--elide-constants takes a count >= 0, not '%s'",
					   v ? v : "");
	} else {
		return 0;
	}
	return 1;
}

static int parse_flag(struct options *o, const char *a)
{
	if (strcmp(a, "--print-after-all") == 0)
		o->print_after_all = 1;
	else if (strcmp(a, "--verify-each") == 0)
		o->verify_each = 1;
	else if (strcmp(a, "--no-verify-each") == 0)
		o->verify_each = 0;
	else if (strcmp(a, "--dump-pipeline") == 0)
		o->dump_pipeline = 1;
	else if (strcmp(a, "--list-passes") == 0 || strcmp(a, "--list-passes=text") == 0)
		o->list = 1;
	else if (strcmp(a, "--list-passes=markdown") == 0)
		o->list = 2;
	else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
		o->help = 1;
	else
		return 0;
	return 1;
}

static int parse_args(struct options *o, int argc, char **argv)
{
	int only_files = 0;

	o->verify_each = 1;
	o->pipeline = "";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r;
		if (!only_files && strcmp(a, "--") == 0) {
			only_files = 1;
			continue;
		}
		if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
			if (o->in)
				return usage_error("more than one input file ('%s')", a);
			o->in = a;
			continue;
		}
		if (parse_flag(o, a))
			continue;
		r = parse_valued(o, argc, argv, &i);
		if (r < 0)
			return -1;
		if (r == 0)
			return usage_error("unknown option '%s'", a);
	}
	return 0;
}

/* Every --print-after name must be a pass. */
static int check_print_after(const struct options *o)
{
	for (int i = 0; i < o->nprint_after; i++) {
		const char *s = o->print_after[i];
		while (*s) {
			size_t n = strcspn(s, ",");
			char name[128];
			snprintf(name, sizeof(name), "%.*s", (int)(n < 127 ? n : 127), s);
			if (!tcc_pass_find(name))
				return usage_error("--print-after: unknown pass '%s'", name);
			s += n + (s[n] == ',');
		}
	}
	return 0;
}

static int wants_print_after(const struct options *o, const char *pass)
{
	size_t len = strlen(pass);

	if (o->print_after_all)
		return 1;
	for (int i = 0; i < o->nprint_after; i++) {
		for (const char *s = o->print_after[i]; *s;) {
			size_t n = strcspn(s, ",");
			if (n == len && strncmp(s, pass, n) == 0)
				return 1;
			s += n + (s[n] == ',');
		}
	}
	return 0;
}

/* Print prog's kernel IR (loops 0) or each kernel's loop AST from its schedule (loops 1). */
static tcc_stat print_program(struct tcc_printer *p, const struct tcc_program *prog, int loops)
{
	if (!loops) {
		tcc_program_print(p, prog);
		return 0;
	}
	for (int i = 0; i < prog->nkernels; i++) {
		const struct tcc_pkernel *pk = &prog->kernels[i];
		struct tcc_poly *poly = tcc_poly_build(pk->kernel);
		tcc_stat r;

		if (!poly)
			return -1;
		tcc_printer_fmt(p, "# kernel %s\n", pk->kernel->name);
		r = pk->schedule ? tcc_poly_set_schedule_str(poly, pk->schedule) : 0;
		if (r == 0)
			r = tcc_poly_print_ast(poly, p, NULL);
		tcc_poly_free(poly);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* The IR at m's current level: the graph, or once lowered the program (its memory planned
 * again, as kernel passes change buffers) as kernel IR or, with "loops", loop ASTs. */
static tcc_stat print_ir(struct tcc_printer *p, struct tcc_model *m,
			 const struct tcc_print_options *po, int loops)
{
	if (!m->program)
		return tcc_print_model(p, m, po);
	if (tcc_program_plan_memory(m->program) < 0)
		return -1;
	return print_program(p, m->program, loops);
}

/* State of the after-pass hook: the options and whether a dump failed. */
struct hook_state {
	const struct options *o;
	int failed;
};

static int after_pass(const char *pass, struct tcc_model *m, void *user)
{
	struct hook_state *hs = user;
	struct tcc_print_options po = { .elide_above = hs->o->elide };
	struct tcc_printer *p;

	if (!wants_print_after(hs->o, pass))
		return 0;
	p = tcc_printer_to_file(stdout);
	if (!p)
		return hs->failed = 1;
	tcc_printer_fmt(p, "# -----// IR after %s //----- #\n", pass);
	if (print_ir(p, m, &po, hs->o->emit == EMIT_LOOPS) < 0 || tcc_printer_failed(p))
		hs->failed = 1;
	tcc_printer_free(p);
	return hs->failed;
}

/* Toposort g and, recursively, the sub-graphs of its nodes (a graph without nodes has nothing
 * to sort). */
static tcc_stat toposort_all(struct tcc_graph *g)
{
	if (g->nnodes && tcc_graph_toposort(g) < 0)
		return -1;
	for (int i = 0; i < g->nnodes; i++) {
		struct tcc_node *n = g->nodes[i];
		for (int a = 0; a < n->nattrs; a++) {
			struct tcc_attr *at = &n->attrs[a];
			if (at->kind == TCC_ATTR_GRAPH && at->u.g && toposort_all(at->u.g) < 0)
				return -1;
			for (int64_t k = 0; at->kind == TCC_ATTR_GRAPHS && k < at->n; k++)
				if (at->u.graphs[k] && toposort_all(at->u.graphs[k]) < 0)
					return -1;
		}
	}
	return 0;
}

static tcc_stat toposort_model(struct tcc_model *m)
{
	if (m->graph && toposort_all(m->graph) < 0)
		return -1;
	for (int i = 0; i < m->nfunctions; i++)
		if (m->functions[i]->body && toposort_all(m->functions[i]->body) < 0)
			return -1;
	return 0;
}

/* Open the output: stdout for NULL or "-". Errors are reported at the file. */
static FILE *open_output(struct tcc_ctx *ctx, const char *out, const char *mode)
{
	struct tcc_loc loc = { .file = out };
	FILE *f;

	if (!out || strcmp(out, "-") == 0)
		return stdout;
	f = fopen(out, mode);
	if (!f)
		tcc_diag_error(ctx->diag, loc, "cannot open for writing: %s", strerror(errno));
	return f;
}

static tcc_stat close_output(struct tcc_ctx *ctx, const char *out, FILE *f, tcc_stat r)
{
	struct tcc_loc loc = { .file = out ? out : "<stdout>" };

	if (f == stdout) {
		if (fflush(f) != 0 && r == 0) {
			tcc_diag_error(ctx->diag, loc, "cannot write: %s", strerror(errno));
			r = -1;
		}
		return r;
	}
	if (fclose(f) != 0 && r == 0) {
		tcc_diag_error(ctx->diag, loc, "cannot write: %s", strerror(errno));
		r = -1;
	}
	return r;
}

static tcc_stat emit_text(const struct options *o, struct tcc_model *m)
{
	struct tcc_print_options po = { .elide_above = o->elide };
	FILE *f = open_output(m->ctx, o->out, "w");
	struct tcc_printer *p;
	tcc_stat r;

	if (!f)
		return -1;
	p = tcc_printer_to_file(f);
	r = p ? tcc_print_model(p, m, &po) : -1;
	if (r == 0 && tcc_printer_failed(p)) {
		struct tcc_loc loc = { .file = o->out ? o->out : "<stdout>" };
		tcc_diag_error(m->ctx->diag, loc, "cannot write: %s", strerror(errno));
		r = -1;
	}
	tcc_printer_free(p);
	return close_output(m->ctx, o->out, f, r);
}

static tcc_stat emit_onnx(const struct options *o, struct tcc_model *m)
{
	struct tcc_loc loc = { .file = o->out };
	size_t len = 0;
	void *buf;
	FILE *f;
	tcc_stat r = 0;

	if (strcmp(o->out, "-") == 0 && isatty(STDOUT_FILENO)) {
		tcc_diag_error(m->ctx->diag, loc, "refusing to write binary ONNX to a terminal");
		return -1;
	}
	buf = tcc_onnx_write(m, &len);
	if (!buf)
		return -1;
	f = open_output(m->ctx, o->out, "wb");
	if (f && fwrite(buf, 1, len, f) != len) {
		tcc_diag_error(m->ctx->diag, loc, "cannot write: %s", strerror(errno));
		r = -1;
	}
	free(buf);
	if (!f)
		return -1;
	return close_output(m->ctx, o->out, f, r);
}

/* Lower the model, plan its memory and print the program (--emit=kernels|loops). */
static tcc_stat emit_lowered(const struct options *o, struct tcc_model *m)
{
	struct tcc_program *prog = m->program ? m->program : tcc_lower_model(m);
	struct tcc_printer *p;
	FILE *f;
	tcc_stat r;

	if (!prog || tcc_program_plan_memory(prog) < 0) {
		if (!tcc_diag_error_count(m->ctx->diag)) {
			struct tcc_loc loc = { .file = o->in };
			tcc_diag_error(m->ctx->diag, loc, "cannot lower the model");
		}
		return -1;
	}
	f = open_output(m->ctx, o->out, "w");
	if (!f)
		return -1;
	p = tcc_printer_to_file(f);
	r = p ? print_program(p, prog, o->emit == EMIT_LOOPS) : -1;
	if (r == 0 && tcc_printer_failed(p)) {
		struct tcc_loc loc = { .file = o->out ? o->out : "<stdout>" };
		tcc_diag_error(m->ctx->diag, loc, "cannot write: %s", strerror(errno));
		r = -1;
	}
	if (r < 0 && !tcc_diag_error_count(m->ctx->diag)) {
		struct tcc_loc loc = { .file = o->in };
		tcc_diag_error(m->ctx->diag, loc, "cannot print the lowered program");
	}
	tcc_printer_free(p);
	return close_output(m->ctx, o->out, f, r);
}

/* Load, check, transform and write the model. */
static tcc_stat run_model(const struct options *o, struct tcc_ctx *ctx,
			  const struct tcc_pipeline *pl)
{
	struct hook_state hs = { .o = o };
	struct tcc_model *m = tcc_load_model(ctx, o->in);
	tcc_stat r;

	if (!m || tcc_diag_error_count(ctx->diag))
		return -1;
	if (toposort_model(m) < 0 || tcc_model_verify(m) < 0)
		return -1;
	if (tcc_pipeline_run(pl, m, o->verify_each, after_pass, &hs) < 0)
		return -1;
	if (hs.failed) {
		struct tcc_loc loc = { .file = "<stdout>" };
		tcc_diag_error(ctx->diag, loc, "cannot print the IR");
		return -1;
	}
	switch (o->emit) {
	case EMIT_TEXT:
		r = m->program ? emit_lowered(o, m) : emit_text(o, m);
		break;
	case EMIT_ONNX:
		r = emit_onnx(o, m);
		break;
	default:
		r = emit_lowered(o, m);
		break;
	}
	if (r < 0)
		return -1;
	if (o->dot && tcc_dot_write_file(m, o->dot) < 0)
		return -1;
	return 0;
}

/* Print a printer-produced listing to stdout. */
static int print_listing(void (*fn)(struct tcc_printer *))
{
	struct tcc_printer *p = tcc_printer_to_file(stdout);
	int r = p ? 0 : -1;

	if (p) {
		fn(p);
		r = tcc_printer_failed(p) ? -1 : 0;
		tcc_printer_free(p);
	}
	return r;
}

static int dump_pipeline(const struct tcc_pipeline *pl)
{
	struct tcc_printer *p = tcc_printer_to_file(stdout);

	if (!p)
		return -1;
	tcc_pipeline_print(p, pl);
	tcc_printer_char(p, '\n');
	int r = tcc_printer_failed(p) ? -1 : 0;
	tcc_printer_free(p);
	return r;
}

/* Everything after argument parsing; returns the exit status. */
static int run(const struct options *o, struct tcc_ctx *ctx)
{
	struct tcc_pipeline *pl;
	int status = 1;

	if (o->list)
		return print_listing(o->list == 2 ? tcc_opt_list_passes_markdown
						  : tcc_opt_list_passes) < 0;
	pl = tcc_pipeline_parse(ctx, "--passes", o->pipeline);
	if (!pl)
		goto out;
	if (o->dump_pipeline) {
		status = dump_pipeline(pl) < 0;
		goto out;
	}
	if (!o->in) {
		usage_error("%s", "no input file");
		goto out;
	}
	if (o->emit == EMIT_ONNX && !o->out) {
		usage_error("%s", "--emit=onnx writes binary: give -o FILE (-o - for stdout)");
		goto out;
	}
	status = run_model(o, ctx, pl) < 0;
out:
	tcc_pipeline_free(pl);
	if (tcc_diag_error_count(ctx->diag))
		fprintf(stderr, "%s\n", tcc_diag_first_error(ctx->diag));
	else if (tcc_diag_all(ctx->diag)[0])
		fputs(tcc_diag_all(ctx->diag), stderr); /* warnings only */
	return status || tcc_diag_error_count(ctx->diag) ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct tcc_ctx *ctx;
	int status;

	if (parse_args(&o, argc, argv) < 0 || check_print_after(&o) < 0) {
		free(o.print_after);
		return 1;
	}
	if (o.help) {
		fputs(usage_text, stdout);
		free(o.print_after);
		return 0;
	}
	ctx = tcc_ctx_new();
	if (!ctx) {
		fprintf(stderr, "tcc-opt: error: out of memory\n");
		free(o.print_after);
		return 1;
	}
	status = run(&o, ctx);
	tcc_ctx_free(ctx);
	free(o.print_after);
	return status;
}
