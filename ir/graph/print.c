/* PLACEHOLDER: being written. */
#include "ir/graph/print.h"

tcc_stat tcc_print_model(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_model *m,
			 __tcc_null const struct tcc_print_options *opts)
{
	(void)opts;
	(void)m;
	tcc_printer_str(p, "# printer not written yet\n");
	return 0;
}

tcc_stat tcc_print_type(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_type *t)
{
	(void)t;
	tcc_printer_str(p, "?");
	return 0;
}
