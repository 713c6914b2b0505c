/* The external weights file: found beside the model's object, mapped read-only at instance
 * creation, checked (size, header, the descriptor's hash, the checksum of the data) before
 * generated code may read it. Every failure is a status with a one-line message. */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt_private.h"
#include "rt_weights.h"

#define PATH_LEN 4096

/* "dir of base" + "/" + name into buf ("name" alone when base has no '/'). */
static int join_dir(char *buf, size_t len, const char *base, const char *name)
{
	const char *slash = strrchr(base, '/');
	int n = slash ? snprintf(buf, len, "%.*s/%s", (int)(slash - base), base, name)
		      : snprintf(buf, len, "%s", name);

	return n >= 0 && (size_t)n < len;
}

/* The path of the weights file into buf; a status and message when it cannot be formed. */
static int weights_path(const struct tcc_rt_model_desc *desc, const char *path,
			const char *so_path, const char *what, char *buf, char *err,
			size_t errlen)
{
	Dl_info info;

	if (path)
		so_path = NULL;
	else if (desc->weights_file[0] == '/')
		path = desc->weights_file;
	else if (!so_path) {
		memset(&info, 0, sizeof(info));
		if (!dladdr(desc, &info) || !info.dli_fname || !info.dli_fname[0])
			return tcc_rt_fmt(err, errlen, TCC_RT_ERR_WEIGHTS_OPEN,
					  "%s: cannot locate weights file '%s': the object holding "
					  "the descriptor is unknown (use "
					  "tcc_model_from_desc_weights)", what, desc->weights_file);
		so_path = info.dli_fname;
	}
	if (path ? snprintf(buf, PATH_LEN, "%s", path) < PATH_LEN
		 : join_dir(buf, PATH_LEN, so_path, desc->weights_file))
		return TCC_RT_OK;
	return tcc_rt_fmt(err, errlen, TCC_RT_ERR_WEIGHTS_OPEN,
			  "%s: cannot open weights file '%s': path too long", what,
			  path ? path : desc->weights_file);
}

/* Header and checksum of the mapped file "map" (desc->weights_size bytes). */
static int check_contents(const struct tcc_rt_model_desc *desc, const unsigned char *map,
			  const char *what, const char *path, char *err, size_t errlen)
{
	struct tcc_rt_weights_header h;
	struct tcc_rt_hash hs;
	uint64_t sum;

	memcpy(&h, map, sizeof(h));
	if (memcmp(h.magic, TCC_RT_WEIGHTS_MAGIC, 8) != 0)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_WEIGHTS,
				  "%s: '%s' is not a tcc weights file (bad magic)", what, path);
	if (h.version != TCC_RT_WEIGHTS_VERSION || h.header_size != TCC_RT_WEIGHTS_HEADER ||
	    h.file_size != desc->weights_size ||
	    h.data_size != desc->weights_size - TCC_RT_WEIGHTS_HEADER)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_WEIGHTS,
				  "%s: weights file '%s' has a bad header (version %u, %llu bytes)",
				  what, path, (unsigned)h.version, (unsigned long long)h.file_size);
	if (h.hash != desc->weights_hash)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_WEIGHTS,
				  "%s: weights file '%s' belongs to another model (hash %016llx, "
				  "expected %016llx)", what, path, (unsigned long long)h.hash,
				  (unsigned long long)desc->weights_hash);
	tcc_rt_hash_init(&hs);
	tcc_rt_hash_update(&hs, map + TCC_RT_WEIGHTS_HEADER, (size_t)h.data_size);
	sum = tcc_rt_hash_final(&hs);
	if (sum != desc->weights_hash)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_WEIGHTS,
				  "%s: weights file '%s' is corrupt (checksum %016llx, expected "
				  "%016llx)", what, path, (unsigned long long)sum,
				  (unsigned long long)desc->weights_hash);
	return TCC_RT_OK;
}

/* open + fstat (the size must be desc->weights_size) + mmap; the fd is closed either way. */
static int map_file(const struct tcc_rt_model_desc *desc, const char *path, const char *what,
		    void **map, char *err, size_t errlen)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	if (fd < 0)
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_WEIGHTS_OPEN,
				  "%s: cannot open weights file '%s': %s", what, path,
				  strerror(errno));
	e = fstat(fd, &sb) != 0 ? errno : 0;
	if (e || !S_ISREG(sb.st_mode)) {
		close(fd);
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_WEIGHTS_OPEN,
				  "%s: cannot open weights file '%s': %s", what, path,
				  e ? strerror(e) : "not a regular file");
	}
	if ((uint64_t)sb.st_size != desc->weights_size) {
		close(fd);
		return tcc_rt_fmt(err, errlen, TCC_RT_ERR_WEIGHTS,
				  "%s: weights file '%s' has %llu bytes, the model expects %llu "
				  "(truncated, or from another compile)", what, path,
				  (unsigned long long)sb.st_size,
				  (unsigned long long)desc->weights_size);
	}
	*map = mmap(NULL, (size_t)desc->weights_size, PROT_READ, MAP_PRIVATE, fd, 0);
	e = errno;
	close(fd);
	if (*map != MAP_FAILED)
		return TCC_RT_OK;
	*map = NULL;
	return tcc_rt_fmt(err, errlen, TCC_RT_ERR_WEIGHTS_OPEN,
			  "%s: cannot map weights file '%s': %s", what, path, strerror(e));
}

int tcc_rt_weights_map(tcc_model *model, const char *path, const char *so_path, const char *what,
		       char *err, size_t errlen)
{
	const struct tcc_rt_model_desc *desc = model->desc;
	char buf[PATH_LEN];
	void *map = NULL;
	int st;

	if (!desc->weights_file)
		return TCC_RT_OK;
	st = weights_path(desc, path, so_path, what, buf, err, errlen);
	if (st == TCC_RT_OK)
		st = map_file(desc, buf, what, &map, err, errlen);
	if (st == TCC_RT_OK)
		st = check_contents(desc, map, what, buf, err, errlen);
	if (st != TCC_RT_OK) {
		if (map)
			munmap(map, (size_t)desc->weights_size);
		return st;
	}
	model->wmap = map;
	model->wlen = (size_t)desc->weights_size;
	model->ex.weights = (const unsigned char *)map + TCC_RT_WEIGHTS_HEADER;
	return TCC_RT_OK;
}

void tcc_rt_weights_unmap(tcc_model *model)
{
	if (model->wmap)
		munmap(model->wmap, model->wlen);
	model->wmap = NULL;
	model->wlen = 0;
	model->ex.weights = NULL;
}
