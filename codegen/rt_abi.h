/* The runtime ABI as the codegen needs it, without including runtime/tcc_rt.h everywhere
 * (the generated code's view of it is built in LLVM IR): constants, and the host's offsets of the
 * structs the generated code reads or builds, so llvm_program.c can check its LLVM mirror
 * of them. Filled by rt_abi.c, the one codegen file that includes tcc_rt.h. */
#ifndef TCC_CODEGEN_RT_ABI_H
#define TCC_CODEGEN_RT_ABI_H

#include <stddef.h>
#include <stdint.h>

/* "magic", "version", the descriptor symbol; then, per struct, the host's size and the
 * offset of each field in declaration order ("*_off", "n*" entries). */
struct tcc_rt_abi {
	uint32_t magic, version;
	const char *desc_symbol;
	size_t exec_size, tdesc_size, mdesc_size, tensor_size;
	const size_t *exec_off, *tdesc_off, *mdesc_off, *tensor_off;
	unsigned nexec, ntdesc, nmdesc, ntensor;
};

extern const struct tcc_rt_abi tcc_rt_abi;

#endif
