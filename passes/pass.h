/* A pass is described by a struct and listed once in registry.def. Options are a declarative
 * table: the pipeline parser fills an options struct from "name{key=value,...}", and the same
 * table prints --list-passes and docs/passes.md. */
#ifndef TCC_PASSES_PASS_H
#define TCC_PASSES_PASS_H

#include <stddef.h>

#include "ir/graph/graph.h"

enum tcc_opt_kind { TCC_OPT_INT, TCC_OPT_BOOL, TCC_OPT_STRING };

/* One option: its "name", "kind", where it lives in the pass's options struct ("offset" of an
 * int64_t for INT/BOOL, a const char * for STRING), its default as text, and a help line. */
struct tcc_pass_option {
	const char *name;
	enum tcc_opt_kind kind;
	size_t offset;
	const char *dflt;
	const char *help;
};

/* The IR a pass works on. GRAPH passes transform m->graph and need m->program to be NULL
 * (the "lower" pass is a GRAPH pass that sets m->program); KERNEL passes transform
 * m->program (its kernels and their schedules) and need it set. The pipeline checks both. */
enum tcc_pass_level { TCC_LEVEL_GRAPH, TCC_LEVEL_KERNEL };

/* "options_size" bytes of options struct are filled from the table and passed to "run". */
struct tcc_pass {
	const char *name;
	const char *summary;
	enum tcc_pass_level level;
	const struct tcc_pass_option *options;
	int noptions;
	size_t options_size;
	tcc_stat (*run)(__tcc_keep struct tcc_model *m, const void *options);
};

#define PASS(id) extern const struct tcc_pass tcc_pass_##id;
#include "passes/registry.def"
#undef PASS

/* All passes, in registry order, NULL-terminated. */
extern const struct tcc_pass *const tcc_passes[];
__tcc_null const struct tcc_pass *tcc_pass_find(const char *name);

#endif
