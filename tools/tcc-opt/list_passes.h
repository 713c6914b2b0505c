/* --list-passes: the pass registry as plain text (for people) or Markdown (docs/passes.md). */
#ifndef TCC_TOOLS_TCC_OPT_LIST_PASSES_H
#define TCC_TOOLS_TCC_OPT_LIST_PASSES_H

#include "support/printer.h"

void tcc_opt_list_passes(__tcc_keep struct tcc_printer *p);
void tcc_opt_list_passes_markdown(__tcc_keep struct tcc_printer *p);

#endif
