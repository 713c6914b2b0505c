/* One printer type for everything tcc writes as text: IR text, Graphviz, diagnostics.
 * A printer targets either a growable string or a FILE. Errors (out of memory, write
 * failures) are sticky: check tcc_printer_failed() once at the end. */
#ifndef TCC_SUPPORT_PRINTER_H
#define TCC_SUPPORT_PRINTER_H

#include <stdint.h>
#include <stdio.h>

#include "support/own.h"

struct tcc_printer;

__tcc_give struct tcc_printer *tcc_printer_to_str(void);
__tcc_give struct tcc_printer *tcc_printer_to_file(__tcc_keep FILE *f);
void tcc_printer_free(__tcc_take struct tcc_printer *p);

void tcc_printer_str(__tcc_keep struct tcc_printer *p, const char *s);
void tcc_printer_mem(__tcc_keep struct tcc_printer *p, const char *s, size_t n);
void tcc_printer_char(__tcc_keep struct tcc_printer *p, char c);
void tcc_printer_int(__tcc_keep struct tcc_printer *p, int64_t v);
void tcc_printer_fmt(__tcc_keep struct tcc_printer *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Shortest text that parses back to the same float / double (nan, inf, -inf spelled so). */
void tcc_printer_float(__tcc_keep struct tcc_printer *p, float v);
/* The text tcc_printer_float writes, into buf (32 bytes is enough). */
void tcc_format_float(char *buf, size_t size, float v);
void tcc_printer_double(__tcc_keep struct tcc_printer *p, double v);
/* A double-quoted string with C-style escapes for '"', '\\' and non-printable bytes. */
void tcc_printer_quoted(__tcc_keep struct tcc_printer *p, const char *s, size_t n);
/* Indentation: tcc_printer_indent() writes the current indent; push/pop change it by 2. */
void tcc_printer_indent(__tcc_keep struct tcc_printer *p);
void tcc_printer_push(__tcc_keep struct tcc_printer *p);
void tcc_printer_pop(__tcc_keep struct tcc_printer *p);

int tcc_printer_failed(__tcc_keep const struct tcc_printer *p);
/* The text so far (string printers only; NUL-terminated, owned by the printer). */
__tcc_keep const char *tcc_printer_get_str(__tcc_keep const struct tcc_printer *p);
size_t tcc_printer_len(__tcc_keep const struct tcc_printer *p);
/* Detach the string: the caller frees it with free(). The printer is freed. */
__tcc_give char *tcc_printer_take_str(__tcc_take struct tcc_printer *p);

#endif
