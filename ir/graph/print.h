/* Printing the graph IR in ONNX's textual syntax. tcc_text_parse() reads it back:
 * parse(print(m)) prints identically. */
#ifndef TCC_IR_GRAPH_PRINT_H
#define TCC_IR_GRAPH_PRINT_H

#include "ir/graph/graph.h"
#include "support/printer.h"

/* "elide_above": print tensors with more elements than this as `{...}` (0: print all; the
 * result then no longer parses). */
struct tcc_print_options {
	int64_t elide_above;
};

tcc_stat tcc_print_model(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_model *m,
			 __tcc_null const struct tcc_print_options *opts);
tcc_stat tcc_print_type(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_type *t);

#endif
