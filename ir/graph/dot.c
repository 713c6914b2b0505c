/* PLACEHOLDER: being written. */
#include "ir/graph/dot.h"

tcc_stat tcc_dot_print(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_model *m)
{
	(void)m;
	tcc_printer_str(p, "digraph G {}\n");
	return 0;
}

tcc_stat tcc_dot_write_file(__tcc_keep const struct tcc_model *m, const char *path)
{
	(void)path;
	tcc_diag_error(m->ctx->diag, m->graph->loc, "dot output not written yet");
	return -1;
}
