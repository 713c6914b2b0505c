/* Linking a model object with the runtime library into a shared object, by the system C
 * compiler driver (no shell: posix_spawnp with the output captured through a pipe).
 *
 *     cc -shared -o SO OBJ... -Wl,--exclude-libs,ALL -Wl,--no-undefined LIBTCCRT -lm -lpthread -ldl
 *
 * "--exclude-libs,ALL" hides the runtime's symbols inside the .so, so only what the object
 * itself exports with default visibility (tcc_model_desc and the named entry point) is
 * dynamic; two models, or a model and a host with its own runtime, never clash. The driver is
 * $TCC_CC when set, else "cc"; the runtime archive is $TCC_RT_LIB when set, else the one
 * this build made (TCC_RT_LIB). */
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "codegen/codegen.h"

#ifndef TCC_RT_LIB
#error "TCC_RT_LIB (path of libtccrt.a) must be defined by the build"
#endif

extern char **environ;

/* A sanitized build of tcc has a sanitized libtccrt.a: the .so then needs the sanitizer
 * runtimes too (and can only be loaded by a sanitized host, such as the tests). */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZE_FLAG "-fsanitize=address,undefined"
#else
#define SANITIZE_FLAG NULL
#endif

/* Read everything from fd into buf (keeps the first size - 1 bytes, NUL-terminated). */
static void drain(int fd, char *buf, size_t size)
{
	size_t len = 0;
	char junk[512];
	ssize_t n;

	for (;;) {
		int keep = len + 1 < size;

		n = keep ? read(fd, buf + len, size - 1 - len) : read(fd, junk, sizeof(junk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (keep)
			len += (size_t)n;
	}
	buf[len] = '\0';
}

/* The tool's output "s" as one line in "dst": newlines as "; ", trailing space dropped. */
static void one_line(char *dst, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 2 < size; s++) {
		if (*s == '\n' && s[1]) {
			dst[n++] = ';';
			dst[n++] = ' ';
		} else if (*s != '\n') {
			dst[n++] = *s == '\r' || *s == '\t' ? ' ' : *s;
		}
	}
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

/* Spawn argv with stdout and stderr into a pipe; *status gets the wait status. */
static int spawn_capture(char *const *argv, char *out, size_t outlen, int *status)
{
	posix_spawn_file_actions_t fa;
	int fds[2], err;
	pid_t pid;

	if (pipe(fds) < 0)
		return errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (err) {
		close(fds[0]);
		return err;
	}
	drain(fds[0], out, outlen);
	close(fds[0]);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return errno;
	return 0;
}

/* The driver's command line for "objs" (malloc'ed, NULL-terminated; NULL on out of memory). */
static char **link_argv(const char *const *objs, int nobjs, const char *so_path)
{
	const char *cc = getenv("TCC_CC"), *rt = getenv("TCC_RT_LIB");
	const char *head[] = { cc && *cc ? cc : "cc", "-shared", "-o", so_path };
	const char *tail[] = { "-Wl,--exclude-libs,ALL", "-Wl,--no-undefined", "-Wl,-z,noexecstack",
			       rt && *rt ? rt : TCC_RT_LIB, "-lm", "-lpthread", "-ldl",
			       SANITIZE_FLAG };
	int nh = 4, nt = SANITIZE_FLAG ? 8 : 7, n = 0;
	char **argv = calloc((size_t)(nh + nobjs + nt + 1), sizeof(*argv));

	if (!argv)
		return NULL;
	for (int i = 0; i < nh; i++)
		argv[n++] = (char *)head[i];
	for (int i = 0; i < nobjs; i++)
		argv[n++] = (char *)objs[i];
	for (int i = 0; i < nt; i++)
		argv[n++] = (char *)tail[i];
	return argv;
}

tcc_stat tcc_link_shared(__tcc_keep struct tcc_ctx *ctx, const char *obj, const char *so_path)
{
	return tcc_link_shared_objs(ctx, &obj, 1, so_path);
}

tcc_stat tcc_link_shared_objs(__tcc_keep struct tcc_ctx *ctx, const char *const *objs, int nobjs,
			      const char *so_path)
{
	struct tcc_loc loc = { .file = so_path };
	char out[1024], line[1200];
	int status = 0, err;
	char **argv = link_argv(objs, nobjs, so_path);

	if (!argv)
		return tcc_ctx_oom(ctx, loc);
	err = spawn_capture(argv, out, sizeof(out), &status);
	if (err) {
		tcc_diag_error(ctx->diag, loc, "cannot run '%s': %s", argv[0], strerror(err));
		free(argv);
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		free(argv);
		return 0;
	}
	one_line(line, sizeof(line), out);
	if (WIFEXITED(status))
		tcc_diag_error(ctx->diag, loc, "linking failed: '%s' exited with status %d%s%s",
			       argv[0], WEXITSTATUS(status), line[0] ? ": " : "", line);
	else
		tcc_diag_error(ctx->diag, loc, "linking failed: '%s' killed by signal %d",
			       argv[0], WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	free(argv);
	return -1;
}
