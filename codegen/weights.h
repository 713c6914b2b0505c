/* External weights: the constants of a program that go into a side file ("m.weights" beside
 * "m.so") instead of the shared object, the file's layout (runtime/rt_weights.h), and the
 * entry points that take such a layout. tcc_compile_model drives them. */
#ifndef TCC_CODEGEN_WEIGHTS_H
#define TCC_CODEGEN_WEIGHTS_H

#include <stdint.h>

#include "codegen/codegen.h"

/* Which constants are external and where. "offset" (one entry per program buffer, malloc'ed,
 * owned) is the constant's offset in the data section (64-byte aligned), or -1 when it stays
 * embedded. "count" constants of "bytes" bytes (padding not counted) are external;
 * "data_size" is the data section (padded), "file_size" the whole file (header + data),
 * "hash" the checksum of the data section (rt_weights.h). "file_name" is what the descriptor
 * names: the file's name relative to the .so's directory (borrowed). count == 0: no file. */
struct tcc_weights {
	int64_t *offset;
	int count;
	int64_t bytes;
	uint64_t data_size, file_size, hash;
	const char *file_name;
};

/* Every CONST buffer of more than "above" bytes goes external (above < 0: none). Fills "w"
 * (zeroed first; free with tcc_weights_fini). */
tcc_stat tcc_weights_plan(__tcc_keep const struct tcc_program *prog, int64_t above,
			  struct tcc_weights *w);
void tcc_weights_fini(struct tcc_weights *w);
/* Write the file of "w" to "path" (through a temporary in the same directory, renamed over
 * "path", so a process that maps the old file keeps its contents). */
tcc_stat tcc_weights_write(__tcc_keep const struct tcc_program *prog,
			   const struct tcc_weights *w, const char *path);

/* tcc_llvm_add_program, with the external constants of "w" read from exec->weights and
 * the descriptor naming the file (w NULL or w->count == 0: everything embedded). */
tcc_stat tcc_llvm_add_program_weights(__tcc_keep struct tcc_llvm *cg,
				      __tcc_keep struct tcc_program *prog,
				      __tcc_null const struct tcc_weights *w);
/* tcc_write_header, also documenting the weights file of "w" (NULL or count 0: none). */
tcc_stat tcc_write_header_weights(__tcc_keep const struct tcc_program *prog, const char *h_path,
				  __tcc_null const struct tcc_weights *w);

#endif
