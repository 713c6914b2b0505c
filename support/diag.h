/* Diagnostics are values with locations. A tcc_diag sink records every error; tools print
 * the first one as a single line:
 *
 *     FILE[:LINE[:COL]]: [node NAME: ]error: MESSAGE
 *
 * The library never prints or exits by itself (unless a sink is given a stream to echo to). */
#ifndef TCC_SUPPORT_DIAG_H
#define TCC_SUPPORT_DIAG_H

#include <stdint.h>
#include <stdio.h>

#include "support/own.h"

/* Where something came from: "file" (never NULL once set), a 1-based "line"/"col" for text
 * (0 when unknown), and the ONNX "node" name when the thing is a node (NULL otherwise). */
struct tcc_loc {
	const char *file;
	const char *node;
	uint32_t line, col;
};

enum tcc_diag_severity { TCC_DIAG_ERROR, TCC_DIAG_WARNING, TCC_DIAG_NOTE };

struct tcc_diag;

__tcc_give struct tcc_diag *tcc_diag_new(void);
void tcc_diag_free(__tcc_take struct tcc_diag *d);

/* Echo every diagnostic to "stream" as it is reported (NULL: record only). */
void tcc_diag_set_echo(__tcc_keep struct tcc_diag *d, __tcc_keep __tcc_null FILE *stream);

void tcc_diag_error(__tcc_keep struct tcc_diag *d, struct tcc_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tcc_diag_warning(__tcc_keep struct tcc_diag *d, struct tcc_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int tcc_diag_error_count(__tcc_keep const struct tcc_diag *d);
/* The first error, rendered as one line without a trailing newline; NULL when none. */
__tcc_keep const char *tcc_diag_first_error(__tcc_keep const struct tcc_diag *d);
/* All diagnostics so far, one per line (for --verify-diagnostics and tests). */
__tcc_keep const char *tcc_diag_all(__tcc_keep const struct tcc_diag *d);
void tcc_diag_clear(__tcc_keep struct tcc_diag *d);

/* Render loc + severity + message into buf as one line (used by the sink and by tools). */
void tcc_diag_render(char *buf, size_t size, struct tcc_loc loc, enum tcc_diag_severity sev,
		     const char *msg);

/* Internal bugs are a different channel: they abort with file and line. */
#define TCC_ASSERT(e)                                                                      \
	((e) ? (void)0 : tcc_assert_fail(#e, __FILE__, __LINE__))
#define tcc_unreachable() tcc_assert_fail("unreachable", __FILE__, __LINE__)
_Noreturn void tcc_assert_fail(const char *what, const char *file, int line);

#endif
