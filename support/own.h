/* Ownership markers, in the style of ISL's __isl_give/__isl_take/__isl_keep.
 *
 * __tcc_give  the caller receives ownership of the returned object and must free it.
 * __tcc_take  the callee takes ownership of the argument (frees it, even on failure).
 * __tcc_keep  the callee only borrows the argument; the caller keeps ownership.
 * __tcc_null  the pointer may be NULL.
 *
 * Objects allocated from a tcc_arena are always __tcc_keep: they are freed together with
 * the arena and never one by one.
 */
#ifndef TCC_SUPPORT_OWN_H
#define TCC_SUPPORT_OWN_H

#define __tcc_give
#define __tcc_take
#define __tcc_keep
#define __tcc_null

#endif
