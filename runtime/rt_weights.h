/* The external weights file of a compiled model: its layout and checksum, shared by the
 * runtime (which maps and checks it, rt_weights.c) and the compiler (which writes it,
 * codegen/weights.c). Header only, stdint only; not installed as ABI.
 *
 * Layout (host byte order, which is the target's: the constants are raw tensor bytes):
 *
 *   offset 0   struct tcc_rt_weights_header (64 bytes)
 *   offset 64  the data section: each external constant at a 64-byte aligned offset
 *              (relative to the data section), zero padding between them
 *
 * "file_size" = 64 + "data_size" = the file's size on disk = the descriptor's weights_size;
 * "hash" = tcc_rt_weights_hash of the data section = the descriptor's weights_hash, so a file
 * of another model (or another compile of it with other constants) is told apart.
 */
#ifndef TCC_RT_WEIGHTS_H
#define TCC_RT_WEIGHTS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TCC_RT_WEIGHTS_MAGIC "TCCWGT1\n" /* 8 bytes, no terminator in the file */
#define TCC_RT_WEIGHTS_VERSION 1u
#define TCC_RT_WEIGHTS_HEADER 64u
#define TCC_RT_WEIGHTS_ALIGN 64u

struct tcc_rt_weights_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint64_t file_size;
	uint64_t data_size;
	uint64_t hash;
	uint8_t reserved[24];
};

/* A streaming 64-bit checksum (not cryptographic): 8-byte words, each mixed in as
 * h = (h ^ w) * K; h ^= h >> 32, the last partial word zero-extended, then the length. About
 * 5 GB/s; the runtime runs it over the mapped data once per instance creation. */
struct tcc_rt_hash {
	uint64_t h, len, word;
	unsigned nword;
};

#define TCC_RT_HASH_K 0x9E3779B97F4A7C15ull

static inline void tcc_rt_hash_init(struct tcc_rt_hash *s)
{
	s->h = 0x6A09E667F3BCC908ull;
	s->len = 0;
	s->word = 0;
	s->nword = 0;
}

static inline uint64_t tcc_rt_hash_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * TCC_RT_HASH_K;
	return h ^ (h >> 32);
}

static inline void tcc_rt_hash_update(struct tcc_rt_hash *s, const void *data, size_t n)
{
	const unsigned char *p = (const unsigned char *)data;
	uint64_t w, h = s->h;

	s->len += n;
	while (n && s->nword) {
		s->word |= (uint64_t)*p++ << (8 * s->nword);
		n--;
		if (++s->nword == 8) {
			h = tcc_rt_hash_mix(h, s->word);
			s->word = 0;
			s->nword = 0;
		}
	}
	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		w = __builtin_bswap64(w); /* words are little-endian, as the partial ones */
#endif
		h = tcc_rt_hash_mix(h, w);
	}
	for (; n; n--)
		s->word |= (uint64_t)*p++ << (8 * s->nword++);
	s->h = h;
}

static inline uint64_t tcc_rt_hash_final(const struct tcc_rt_hash *s)
{
	uint64_t h = s->nword ? tcc_rt_hash_mix(s->h, s->word) : s->h;

	return tcc_rt_hash_mix(h, s->len);
}

#endif
