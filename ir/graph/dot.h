/* Graphviz drawing of a graph: op, name and output shapes on each node, dtype/shape on edges,
 * constants collapsed into their consumers. The only file that knows DOT. */
#ifndef TCC_IR_GRAPH_DOT_H
#define TCC_IR_GRAPH_DOT_H

#include "ir/graph/graph.h"
#include "support/printer.h"

tcc_stat tcc_dot_print(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_model *m);
/* Write m to "path": .dot as text; .svg / .png rendered through Graphviz (gvc). */
tcc_stat tcc_dot_write_file(__tcc_keep const struct tcc_model *m, const char *path);

#endif
