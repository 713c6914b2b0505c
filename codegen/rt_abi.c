/* The runtime ABI's constants and host layout (see rt_abi.h). */
#include "codegen/rt_abi.h"

#include "runtime/tcc_rt.h"

#define OFF(type, field) offsetof(struct type, field)

static const size_t exec_off[] = {
	OFF(tcc_rt_exec, abi_version), OFF(tcc_rt_exec, num_threads), OFF(tcc_rt_exec, arena),
	OFF(tcc_rt_exec, arena_size), OFF(tcc_rt_exec, inputs), OFF(tcc_rt_exec, outputs),
	OFF(tcc_rt_exec, parallel_for), OFF(tcc_rt_exec, pool), OFF(tcc_rt_exec, weights),
};
static const size_t tdesc_off[] = {
	OFF(tcc_rt_tensor_desc, name), OFF(tcc_rt_tensor_desc, dtype),
	OFF(tcc_rt_tensor_desc, rank), OFF(tcc_rt_tensor_desc, shape),
};
static const size_t mdesc_off[] = {
	OFF(tcc_rt_model_desc, magic), OFF(tcc_rt_model_desc, abi_version),
	OFF(tcc_rt_model_desc, name), OFF(tcc_rt_model_desc, num_inputs),
	OFF(tcc_rt_model_desc, num_outputs), OFF(tcc_rt_model_desc, inputs),
	OFF(tcc_rt_model_desc, outputs), OFF(tcc_rt_model_desc, arena_size),
	OFF(tcc_rt_model_desc, arena_align), OFF(tcc_rt_model_desc, default_threads),
	OFF(tcc_rt_model_desc, run), OFF(tcc_rt_model_desc, weights_file),
	OFF(tcc_rt_model_desc, weights_size), OFF(tcc_rt_model_desc, weights_hash),
};
static const size_t tensor_off[] = {
	OFF(tcc_tensor, data), OFF(tcc_tensor, shape), OFF(tcc_tensor, rank),
	OFF(tcc_tensor, dtype),
};

#define N(a) (unsigned)(sizeof(a) / sizeof((a)[0]))

const struct tcc_rt_abi tcc_rt_abi = {
	.magic = TCC_RT_ABI_MAGIC,
	.version = TCC_RT_ABI_VERSION,
	.desc_symbol = TCC_RT_MODEL_DESC_SYMBOL,
	.exec_size = sizeof(struct tcc_rt_exec),
	.tdesc_size = sizeof(struct tcc_rt_tensor_desc),
	.mdesc_size = sizeof(struct tcc_rt_model_desc),
	.tensor_size = sizeof(struct tcc_tensor),
	.exec_off = exec_off, .tdesc_off = tdesc_off, .mdesc_off = mdesc_off,
	.tensor_off = tensor_off,
	.nexec = N(exec_off), .ntdesc = N(tdesc_off), .nmdesc = N(mdesc_off),
	.ntensor = N(tensor_off),
};
