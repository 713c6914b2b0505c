/* The graph verifier: single producer per value, defined before use, inputs and outputs
 * exist, types where required, attribute kinds sane. Errors name the node. */
#ifndef TCC_IR_GRAPH_VERIFY_H
#define TCC_IR_GRAPH_VERIFY_H

#include "ir/graph/graph.h"

tcc_stat tcc_model_verify(__tcc_keep const struct tcc_model *m);
tcc_stat tcc_graph_verify(__tcc_keep const struct tcc_graph *g);

#endif
