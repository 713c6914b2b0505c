/* C identifiers derived from model and tensor names, shared by the header writer and the
 * LLVM code of the named entry point (both must agree on every spelling). */
#ifndef TCC_CODEGEN_NAMES_H
#define TCC_CODEGEN_NAMES_H

#include <stddef.h>

#include "ir/kernel/program.h"

/* "s" as a C identifier in "buf" ("size" bytes): letters, digits and '_' are kept, any other
 * byte becomes '_'; an empty result or one that does not start with a letter gets the prefix
 * "dflt" + '_' ("dflt" alone when "s" is NULL or empty). Truncated to size - 1 bytes. */
void tcc_c_ident(char *buf, size_t size, const char *s, const char *dflt);
/* The model's identifier: tcc_c_ident(prog->name, "model"), with "model_" put in front of a
 * name starting with "tcc_" (the runtime's prefix, linked into the same .so). */
void tcc_model_ident(char *buf, size_t size, const struct tcc_program *prog);
/* The named entry point "<model ident>_run". */
void tcc_entry_name(char *buf, size_t size, const struct tcc_program *prog);

/* The INPUT or OUTPUT buffer ("role") with io_index "index"; NULL when there is none. */
__tcc_keep __tcc_null const struct tcc_pbuf *tcc_program_io_buf(
	__tcc_keep const struct tcc_program *prog, enum tcc_pbuf_role role, int index);

#define TCC_IDENT_MAX 128

#endif
