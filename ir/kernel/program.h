/* A program: a model lowered to kernels. It is what codegen compiles into one object.
 *
 * "bufs" lists every tensor the model touches, each with a static shape: the model's inputs
 * and outputs (in signature order, "io_index"), constants (with their "data"), and
 * temporaries (placed in the per-instance arena at "offset" by the planner). "kernels" run in
 * order; kernel buffer i of kernels[k] is program buffer kernels[k].bind[i]. A temporary's
 * lifetime is from the first kernel that writes it to the last that reads it.
 */
#ifndef TCC_IR_KERNEL_PROGRAM_H
#define TCC_IR_KERNEL_PROGRAM_H

#include "ir/graph/graph.h"
#include "ir/kernel/kernel.h"

enum tcc_pbuf_role { TCC_PBUF_INPUT, TCC_PBUF_OUTPUT, TCC_PBUF_CONST, TCC_PBUF_TEMP };

struct tcc_pbuf {
	const char *name;
	enum tcc_pbuf_role role;
	int dtype;
	int32_t rank;
	int64_t *dims;
	int64_t nbytes;
	int io_index;
	const struct tcc_tensor_data *data;
	int64_t offset;
};

/* "schedule" is the kernel's ISL schedule tree in isl's text form (isl_schedule_to_str,
 * read back with isl_schedule_read_from_str in the kernel's own isl_ctx), set by the schedule
 * passes; NULL means the initial schedule of tcc_poly_build. It may hold mark nodes named
 * "parallel" (the loop of the band below runs on the thread pool) and "vector" (the
 * innermost loop below becomes vector code), and unroll options on band members. */
struct tcc_pkernel {
	struct tcc_kernel *kernel;
	int *bind;
	const char *schedule;
	struct tcc_loc loc;
};

/* "arena_size" (bytes, 64-aligned offsets) is set by tcc_program_plan_memory. */
struct tcc_program {
	struct tcc_ctx *ctx;
	const char *name;
	int nbufs, cap_bufs, ninputs, noutputs;
	struct tcc_pbuf **bufs;
	int nkernels, cap_kernels;
	struct tcc_pkernel *kernels;
	int64_t arena_size;
};

__tcc_keep struct tcc_program *tcc_program_new(__tcc_keep struct tcc_ctx *ctx, const char *name);
__tcc_keep struct tcc_pbuf *tcc_program_add_buf(__tcc_keep struct tcc_program *prog,
						const char *name, enum tcc_pbuf_role role, int dtype,
						int32_t rank, const int64_t *dims);
/* Append a kernel; "bind" (k->nbufs entries) is copied. */
tcc_stat tcc_program_add_kernel(__tcc_keep struct tcc_program *prog,
				__tcc_keep struct tcc_kernel *k, const int *bind, struct tcc_loc loc);
/* Replace kernel "i" by "k" with bindings "bind" (k->nbufs entries, copied); its schedule is
 * reset to the initial one. */
tcc_stat tcc_program_set_kernel(__tcc_keep struct tcc_program *prog, int i,
				__tcc_keep struct tcc_kernel *k, const int *bind);
/* Drop kernel "i" (later kernels move down by one). Its buffers stay (see below). */
void tcc_program_remove_kernel(__tcc_keep struct tcc_program *prog, int i);
/* Drop every temporary and constant buffer no kernel binds any more and renumber the
 * bindings; inputs and outputs (the signature) stay. Returns how many went. */
int tcc_program_remove_unused_bufs(__tcc_keep struct tcc_program *prog);

/* How kernel "pk" uses program buffer "pb": TCC_PACC_READ when a statement loads it (a
 * non-`=` update reads its target too), TCC_PACC_WRITE when a statement targets it. */
enum { TCC_PACC_READ = 1, TCC_PACC_WRITE = 2 };
int tcc_pkernel_access(__tcc_keep const struct tcc_pkernel *pk, int pb);

/* Place temporaries in the arena by lifetime (reusing space of dead ones); sets offsets and
 * arena_size. */
tcc_stat tcc_program_plan_memory(__tcc_keep struct tcc_program *prog);
/* The whole program as text: buffers, then each kernel (tcc_kernel_print) with its bindings. */
void tcc_program_print(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_program *prog);

#endif
