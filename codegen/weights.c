/* External weights: the layout of the side file (which constants, at which offsets, its
 * checksum) and writing it. Format: runtime/rt_weights.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codegen/weights.h"
#include "ir/kernel/program.h"
#include "runtime/rt_weights.h"

static const unsigned char zeros[TCC_RT_WEIGHTS_ALIGN];

/* CONST buffer "b" has bytes to write (the LLVM path diagnoses one without data). */
static int has_bytes(const struct tcc_pbuf *b)
{
	return b->role == TCC_PBUF_CONST && b->nbytes > 0 && b->data && b->data->data &&
	       (int64_t)b->data->nbytes >= b->nbytes;
}

static uint64_t pad_to(uint64_t n)
{
	return (n + TCC_RT_WEIGHTS_ALIGN - 1) & ~(uint64_t)(TCC_RT_WEIGHTS_ALIGN - 1);
}

/* The checksum of the data section of "w", as the runtime computes it over the file. */
static uint64_t data_hash(const struct tcc_program *prog, const struct tcc_weights *w)
{
	struct tcc_rt_hash hs;
	uint64_t pos = 0;

	tcc_rt_hash_init(&hs);
	for (int i = 0; i < prog->nbufs; i++) {
		if (w->offset[i] < 0)
			continue;
		tcc_rt_hash_update(&hs, zeros, (size_t)((uint64_t)w->offset[i] - pos));
		tcc_rt_hash_update(&hs, prog->bufs[i]->data->data, (size_t)prog->bufs[i]->nbytes);
		pos = (uint64_t)w->offset[i] + (uint64_t)prog->bufs[i]->nbytes;
	}
	tcc_rt_hash_update(&hs, zeros, (size_t)(w->data_size - pos));
	return tcc_rt_hash_final(&hs);
}

/* offset[i] = 0 for every buffer some kernel binds, -1 for the others. */
static void mark_bound(const struct tcc_program *prog, int64_t *offset)
{
	for (int i = 0; i < prog->nbufs; i++)
		offset[i] = -1;
	for (int k = 0; k < prog->nkernels; k++)
		for (int j = 0; j < prog->kernels[k].kernel->nbufs; j++) {
			int b = prog->kernels[k].bind[j];

			if (b >= 0 && b < prog->nbufs)
				offset[b] = 0;
		}
}

tcc_stat tcc_weights_plan(__tcc_keep const struct tcc_program *prog, int64_t above,
			  struct tcc_weights *w)
{
	uint64_t pos = 0;

	memset(w, 0, sizeof(*w));
	w->offset = malloc(((size_t)prog->nbufs + 1) * sizeof(*w->offset));
	if (!w->offset)
		return tcc_ctx_oom(prog->ctx, (struct tcc_loc){ .file = prog->name });
	mark_bound(prog, w->offset);
	for (int i = 0; i < prog->nbufs; i++) {
		const struct tcc_pbuf *b = prog->bufs[i];
		int bound = w->offset[i] == 0;

		/* Constants no kernel reads stay out of the file (LLVM drops their globals). */
		w->offset[i] = -1;
		if (above < 0 || !bound || !has_bytes(b) || b->nbytes <= above)
			continue;
		pos = pad_to(pos);
		w->offset[i] = (int64_t)pos;
		pos += (uint64_t)b->nbytes;
		w->bytes += b->nbytes;
		w->count++;
	}
	if (!w->count)
		return 0;
	w->data_size = pad_to(pos);
	w->file_size = TCC_RT_WEIGHTS_HEADER + w->data_size;
	w->hash = data_hash(prog, w);
	return 0;
}

void tcc_weights_fini(struct tcc_weights *w)
{
	free(w->offset);
	memset(w, 0, sizeof(*w));
}

/* Header, then each external constant at its offset, zero padding between; 0 or -1. */
static int write_contents(FILE *f, const struct tcc_program *prog, const struct tcc_weights *w)
{
	struct tcc_rt_weights_header h = { .version = TCC_RT_WEIGHTS_VERSION,
					   .header_size = TCC_RT_WEIGHTS_HEADER,
					   .file_size = w->file_size,
					   .data_size = w->data_size,
					   .hash = w->hash };
	uint64_t pos = 0;

	memcpy(h.magic, TCC_RT_WEIGHTS_MAGIC, sizeof(h.magic));
	if (fwrite(&h, sizeof(h), 1, f) != 1)
		return -1;
	for (int i = 0; i < prog->nbufs; i++) {
		size_t pad, n;

		if (w->offset[i] < 0)
			continue;
		pad = (size_t)((uint64_t)w->offset[i] - pos);
		n = (size_t)prog->bufs[i]->nbytes;
		if ((pad && fwrite(zeros, 1, pad, f) != pad) ||
		    fwrite(prog->bufs[i]->data->data, 1, n, f) != n)
			return -1;
		pos = (uint64_t)w->offset[i] + n;
	}
	pos = w->data_size - pos;
	return pos && fwrite(zeros, 1, (size_t)pos, f) != pos ? -1 : 0;
}

tcc_stat tcc_weights_write(__tcc_keep const struct tcc_program *prog,
			   const struct tcc_weights *w, const char *path)
{
	char tmp[4200];
	struct tcc_loc loc = { .file = path };
	FILE *f = NULL;
	int fd, bad;

	snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd >= 0)
		(void)fchmod(fd, 0644); /* mkstemp's 0600 would hide it from other users */
	if (fd >= 0 && !(f = fdopen(fd, "wb")))
		close(fd);
	if (!f) {
		tcc_diag_error(prog->ctx->diag, loc, "cannot write weights file: %s",
			       strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		return -1;
	}
	bad = write_contents(f, prog, w) < 0;
	bad |= fclose(f) != 0;
	if (!bad && rename(tmp, path) == 0)
		return 0;
	tcc_diag_error(prog->ctx->diag, loc, "cannot write weights file: %s", strerror(errno));
	unlink(tmp);
	return -1;
}
