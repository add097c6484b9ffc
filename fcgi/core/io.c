/* Request I/O over libfcgi, or plain CGI when run from a shell or a test. */
#include "io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "log.h"
#include "prefork.h"

const char *io_param(struct req_io *io, const char *name)
{
	if (io->fcgx != NULL)
		return FCGX_GetParam(name, ((FCGX_Request *)io->fcgx)->envp);
	if (io->env != NULL) {
		size_t n = strlen(name);
		char *const *e;
		for (e = io->env; *e != NULL; e++)
			if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
				return *e + n + 1;
		return NULL;
	}
	return getenv(name);
}

long io_read(struct req_io *io, char *p, size_t n)
{
	if (io->fcgx != NULL)
		return FCGX_GetStr(p, (int)n, ((FCGX_Request *)io->fcgx)->in);
	if (io->env != NULL)
		return 0;
	n = fread(p, 1, n, stdin);
	return ferror(stdin) ? -1 : (long)n;
}

void io_write(struct req_io *io, const void *p, size_t n)
{
	if (io->fcgx != NULL)
		FCGX_PutStr(p, (int)n, ((FCGX_Request *)io->fcgx)->out);
	else if (io->env == NULL)
		fwrite(p, 1, n, stdout);
}

int io_listen(const char *path)
{
	int fd, tcp;

	if (FCGX_Init() != 0)
		return -1;
	if (path == NULL || *path == '\0')
		return FCGX_IsCGI() ? -1 : 0;
	/* "host:port" (an app server that nginx reaches over the network) is TCP, as libfcgi takes it. */
	tcp = strchr(path, ':') != NULL;
	if (!tcp)
		unlink(path);
	if ((fd = FCGX_OpenSocket(path, 1024)) < 0) {
		log_msg(LOG_ERROR, NULL, "io: cannot listen on %s", path);
		return -1;
	}
	/* nginx's workers may run as another user: let them connect. */
	if (!tcp && chmod(path, 0666) == -1)
		log_msg(LOG_WARN, NULL, "io: chmod %s failed", path);
	return fd;
}

void io_accept_loop(int fd, void (*fn)(struct req_io *, void *), void (*after)(void *), void *arg)
{
	FCGX_Request fr;
	struct req_io io = {&fr, NULL};

	FCGX_InitRequest(&fr, fd, FCGI_FAIL_ACCEPT_ON_INTR);
	while (!prefork_stopping) {
		if (FCGX_Accept_r(&fr) < 0) {
			if (errno == EINTR && !prefork_stopping)
				continue;
			break;
		}
		fn(&io, arg);
		FCGX_Finish_r(&fr);
		if (after != NULL)
			after(arg);
	}
	FCGX_Free(&fr, 0);
}
