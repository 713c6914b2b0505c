/* Shared by the fuse pass files: building a fused kernel from copies of statements. */
#ifndef TCC_PASSES_KERNEL_FUSE_PRIVATE_H
#define TCC_PASSES_KERNEL_FUSE_PRIVATE_H

#include "ir/kernel/program.h"

/* A kernel being assembled: "k" with bindings "bind" (room for "cap" buffers) into "prog";
 * "err" is sticky. */
struct fb {
	struct tcc_program *prog;
	struct tcc_ctx *ctx;
	struct tcc_kernel *k;
	int *bind;
	int cap;
	int err;
};

/* How statements of an old kernel are copied: "map" takes each old kernel buffer (by index)
 * to its new buffer (NULL map: the expression is already in the new kernel); "iters", when
 * set, replaces iterator i by a copy of iters[i]. With "inl_rhs", every load of old buffer
 * "inl_buf" becomes a copy of inl_rhs (the producer's value, whose buffers map through
 * "inl_map") with the producer's iterators replaced by the load's subscripts. */
struct fb_map {
	struct tcc_kbuf **map;
	struct tcc_kexpr **iters;
	int inl_buf;
	const struct tcc_kexpr *inl_rhs;
	struct tcc_kbuf **inl_map;
};

tcc_stat fb_begin(struct fb *b, __tcc_keep struct tcc_program *prog, const char *name, int cap);
/* The new kernel's buffer bound to program buffer "pb"; created as "name"/"role" when new
 * (the name gets '_' appended while taken). NULL (err set) on failure. */
__tcc_keep __tcc_null struct tcc_kbuf *fb_buf(struct fb *b, int pb, const char *name,
					      enum tcc_kbuf_role role);
/* Append a copy of "s" (named S<n>) under "m". */
tcc_stat fb_stmt(struct fb *b, const struct fb_map *m, __tcc_keep const struct tcc_kstmt *s);
/* Verify the result silently; -1 when it does not verify (the fusion is then skipped). */
tcc_stat fb_end(struct fb *b);

#endif
