/* Ownership markers for the runtime, in the style of ISL's __isl_give/__isl_take/__isl_keep.
 * The runtime includes nothing of the compiler, so it defines them itself; the definitions
 * are the same empty ones as the compiler's support/own.h, so both may meet in one file.
 *
 * __tcc_give  the caller receives ownership of the returned object and must free it.
 * __tcc_take  the callee takes ownership of the argument (frees it, even on failure).
 * __tcc_keep  the callee only borrows the argument; the caller keeps ownership.
 * __tcc_null  the pointer may be NULL.
 */
#ifndef TCC_RT_OWN_H
#define TCC_RT_OWN_H

#ifndef __tcc_give
#define __tcc_give
#endif
#ifndef __tcc_take
#define __tcc_take
#endif
#ifndef __tcc_keep
#define __tcc_keep
#endif
#ifndef __tcc_null
#define __tcc_null
#endif

#endif
