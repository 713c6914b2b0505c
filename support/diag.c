#include "support/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "support/printer.h"

/* "first" is the first error rendered; "all" every diagnostic, one per line. */
struct tcc_diag {
	FILE *echo;
	int errors;
	char *first;
	struct tcc_printer *all;
};

__tcc_give struct tcc_diag *tcc_diag_new(void)
{
	struct tcc_diag *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->all = tcc_printer_to_str();
	if (!d->all) {
		free(d);
		return NULL;
	}
	return d;
}

void tcc_diag_free(__tcc_take struct tcc_diag *d)
{
	if (!d)
		return;
	free(d->first);
	tcc_printer_free(d->all);
	free(d);
}

void tcc_diag_set_echo(__tcc_keep struct tcc_diag *d, __tcc_keep __tcc_null FILE *stream)
{
	d->echo = stream;
}

static const char *severity_name(enum tcc_diag_severity sev)
{
	switch (sev) {
	case TCC_DIAG_ERROR: return "error";
	case TCC_DIAG_WARNING: return "warning";
	case TCC_DIAG_NOTE: return "note";
	}
	return "error";
}

void tcc_diag_render(char *buf, size_t size, struct tcc_loc loc, enum tcc_diag_severity sev,
		     const char *msg)
{
	char where[64] = "";
	char node[256] = "";

	if (loc.line && loc.col)
		snprintf(where, sizeof(where), ":%u:%u", loc.line, loc.col);
	else if (loc.line)
		snprintf(where, sizeof(where), ":%u", loc.line);
	if (loc.node && loc.node[0])
		snprintf(node, sizeof(node), "node %.200s: ", loc.node);
	snprintf(buf, size, "%s%s: %s%s: %s", loc.file ? loc.file : "<input>", where, node,
		 severity_name(sev), msg);
	/* Keep it one line whatever the message holds. */
	for (char *c = buf; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
}

static void report(struct tcc_diag *d, struct tcc_loc loc, enum tcc_diag_severity sev,
		   const char *fmt, va_list ap)
{
	char msg[1024], line[1600];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	tcc_diag_render(line, sizeof(line), loc, sev, msg);
	if (sev == TCC_DIAG_ERROR) {
		if (d->errors++ == 0)
			d->first = strdup(line);
	}
	tcc_printer_str(d->all, line);
	tcc_printer_char(d->all, '\n');
	if (d->echo)
		fprintf(d->echo, "%s\n", line);
}

void tcc_diag_error(__tcc_keep struct tcc_diag *d, struct tcc_loc loc, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	report(d, loc, TCC_DIAG_ERROR, fmt, ap);
	va_end(ap);
}

void tcc_diag_warning(__tcc_keep struct tcc_diag *d, struct tcc_loc loc, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	report(d, loc, TCC_DIAG_WARNING, fmt, ap);
	va_end(ap);
}

int tcc_diag_error_count(__tcc_keep const struct tcc_diag *d)
{
	return d ? d->errors : 0;
}

__tcc_keep const char *tcc_diag_first_error(__tcc_keep const struct tcc_diag *d)
{
	return d ? d->first : NULL;
}

__tcc_keep const char *tcc_diag_all(__tcc_keep const struct tcc_diag *d)
{
	return d ? tcc_printer_get_str(d->all) : "";
}

void tcc_diag_clear(__tcc_keep struct tcc_diag *d)
{
	struct tcc_printer *fresh = tcc_printer_to_str();

	if (!fresh)
		return;
	free(d->first);
	d->first = NULL;
	d->errors = 0;
	tcc_printer_free(d->all);
	d->all = fresh;
}

_Noreturn void tcc_assert_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: internal error: assertion failed: %s\n", file, line, what);
	abort();
}
