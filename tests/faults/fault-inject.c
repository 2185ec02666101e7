/* fault-inject.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An LD_PRELOAD library that makes one chosen write, sync or rename fail,
 * or kills the process right before it, so that the tests can prove a
 * store survives a failure at every point of a write path. It wraps the
 * libc calls themselves, so it sees SQLite's I/O (a shared libsqlite3
 * calls libc through the PLT) and Godwit's own POSIX calls alike.
 *
 * Interface (all from the environment):
 *
 *   GODWIT_FAULT_DIR=/abs/dir
 *       Only calls on files under this folder (or on the folder itself)
 *       are counted; without it the library counts and injects nothing.
 *       The path of an fd is read from /proc/self/fd at every call,
 *       because fds are reused.
 *
 *   GODWIT_FAULT=<class>:<N>:<action>
 *       class:  write   write, pwrite, pwrite64, writev, pwritev,
 *                       pwritev64, ftruncate, ftruncate64, fallocate,
 *                       fallocate64 (every call that changes a file's bytes
 *                       or length)
 *               sync    fsync, fdatasync
 *               rename  rename, renameat, renameat2
 *       N:      1 or more; the Nth counted call of that class is hit
 *       action: enospc  the call returns -1 with errno ENOSPC, untouched
 *               eio     the call returns -1 with errno EIO, untouched
 *               kill    the process gets SIGKILL right before the call
 *       Exactly one fault per run: once the Nth call has failed, every
 *       later call, the Nth of no other class included, goes through, so
 *       that a run shows what one failure at one point does.
 *
 *   GODWIT_FAULT_COUNT=/path/file
 *       At exit, writes the number of counted calls of each class to this
 *       file, as "write=123 sync=9 rename=4\n": a clean run tells the test
 *       how many injection points a command has. A killed process writes
 *       nothing.
 *
 * Only calls through the dynamic linker are seen: those of the program and
 * of its shared libraries (GLib, a shared libsqlite3), not those libc
 * makes inside itself, such as stdio's.
 *
 * No GLib here: the library is preloaded into whatever the test starts.
 */

/* pwrite, ftruncate and fallocate are defined under both names below: the
 * 64-bit offset redirection of the headers would make them one. */
#undef _FILE_OFFSET_BITS
#define _GNU_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

typedef enum
{
  CLASS_WRITE,
  CLASS_SYNC,
  CLASS_RENAME,
  N_CLASSES
} FaultClass;

static const char * const class_names[N_CLASSES] = { "write", "sync", "rename" };

typedef enum
{
  ACTION_NONE,
  ACTION_ENOSPC,
  ACTION_EIO,
  ACTION_KILL
} FaultAction;

static char fault_dir[PATH_MAX];
static size_t fault_dir_length;
static char count_path[PATH_MAX];
static FaultClass fault_class;
static long fault_n;
static FaultAction fault_action = ACTION_NONE;
static long counts[N_CLASSES];
static int injected;

/* Reports a bad setting on stderr and ends the process: a typo in
 * GODWIT_FAULT must not pass as a run without faults. */
static void
die (const char *message)
{
  static const char prefix[] = "fault-inject: ";

  if (syscall (SYS_write, 2, prefix, sizeof prefix - 1) < 0 ||
      syscall (SYS_write, 2, message, strlen (message)) < 0 ||
      syscall (SYS_write, 2, "\n", 1) < 0)
    abort ();
  _exit (125);
}

static void
parse_fault (const char *spec)
{
  const char *colon = strchr (spec, ':');
  const char *action;
  char *end;
  int i;

  if (colon == NULL)
    die ("GODWIT_FAULT: expected <class>:<N>:<action>");
  for (i = 0; i < N_CLASSES; i++)
    if ((size_t) (colon - spec) == strlen (class_names[i]) &&
        strncmp (spec, class_names[i], colon - spec) == 0)
      break;
  if (i == N_CLASSES)
    die ("GODWIT_FAULT: the class is not write, sync or rename");
  fault_class = i;

  errno = 0;
  fault_n = strtol (colon + 1, &end, 10);
  if (errno != 0 || end == colon + 1 || *end != ':' || fault_n < 1)
    die ("GODWIT_FAULT: N is not a number of 1 or more");

  action = end + 1;
  if (strcmp (action, "enospc") == 0)
    fault_action = ACTION_ENOSPC;
  else if (strcmp (action, "eio") == 0)
    fault_action = ACTION_EIO;
  else if (strcmp (action, "kill") == 0)
    fault_action = ACTION_KILL;
  else
    die ("GODWIT_FAULT: the action is not enospc, eio or kill");
}

__attribute__((constructor)) static void
fault_init (void)
{
  const char *dir = getenv ("GODWIT_FAULT_DIR");
  const char *spec = getenv ("GODWIT_FAULT");
  const char *count = getenv ("GODWIT_FAULT_COUNT");

  if (dir != NULL && *dir != '\0')
    {
      /* /proc/self/fd gives canonical paths, so the folder must be one. */
      if (realpath (dir, fault_dir) == NULL)
        die ("GODWIT_FAULT_DIR: no such folder");
      fault_dir_length = strlen (fault_dir);
      while (fault_dir_length > 1 && fault_dir[fault_dir_length - 1] == '/')
        fault_dir[--fault_dir_length] = '\0';
    }
  if (spec != NULL && *spec != '\0')
    parse_fault (spec);
  if (count != NULL && *count != '\0')
    {
      if (strlen (count) >= sizeof count_path)
        die ("GODWIT_FAULT_COUNT: path too long");
      strcpy (count_path, count);
    }
}

__attribute__((destructor)) static void
fault_report (void)
{
  char line[128];
  int fd;
  int length;

  if (count_path[0] == '\0')
    return;
  length = snprintf (line, sizeof line, "write=%ld sync=%ld rename=%ld\n",
                     __atomic_load_n (&counts[CLASS_WRITE], __ATOMIC_SEQ_CST),
                     __atomic_load_n (&counts[CLASS_SYNC], __ATOMIC_SEQ_CST),
                     __atomic_load_n (&counts[CLASS_RENAME], __ATOMIC_SEQ_CST));
  /* Raw syscalls: this write is not one of the process's own. */
  fd = syscall (SYS_openat, AT_FDCWD, count_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return;
  if (syscall (SYS_write, fd, line, (size_t) length) < 0)
    {
      /* Nothing to do: the test sees a missing or short count. */
    }
  syscall (SYS_close, fd);
}

static int
path_is_watched (const char *path)
{
  return fault_dir_length > 0 &&
         strncmp (path, fault_dir, fault_dir_length) == 0 &&
         (path[fault_dir_length] == '\0' || path[fault_dir_length] == '/' ||
          fault_dir_length == 1);
}

static int
fd_is_watched (int fd)
{
  char link[64];
  char path[PATH_MAX];
  ssize_t length;

  if (fault_dir_length == 0 || fd < 0)
    return 0;
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  length = syscall (SYS_readlinkat, AT_FDCWD, link, path, sizeof path - 1);
  if (length <= 0)
    return 0;
  path[length] = '\0';
  return path_is_watched (path);
}

/* Whether @path, relative to @dirfd, names a file under the folder. The
 * file may not exist (a rename's target), so its folder is resolved. */
static int
at_path_is_watched (int         dirfd,
                    const char *path)
{
  char joined[PATH_MAX];
  char folder[PATH_MAX];
  char resolved[PATH_MAX];
  const char *slash;
  size_t folder_length;

  if (fault_dir_length == 0 || path == NULL)
    return 0;
  if (path[0] == '/')
    {
      if (strlen (path) >= sizeof joined)
        return 0;
      strcpy (joined, path);
    }
  else
    {
      char base[PATH_MAX];

      if (dirfd == AT_FDCWD)
        {
          if (getcwd (base, sizeof base) == NULL)
            return 0;
        }
      else
        {
          char link[64];
          ssize_t length;

          snprintf (link, sizeof link, "/proc/self/fd/%d", dirfd);
          length = syscall (SYS_readlinkat, AT_FDCWD, link, base, sizeof base - 1);
          if (length <= 0)
            return 0;
          base[length] = '\0';
        }
      if ((size_t) snprintf (joined, sizeof joined, "%s/%s", base, path) >= sizeof joined)
        return 0;
    }

  slash = strrchr (joined, '/');
  folder_length = slash == joined ? 1 : (size_t) (slash - joined);
  memcpy (folder, joined, folder_length);
  folder[folder_length] = '\0';
  if (realpath (folder, resolved) == NULL)
    return 0;
  return path_is_watched (resolved);
}

/* Counts a watched call of @class; returns -1 with errno set when this is
 * the call to fail, 0 when it goes through. */
static int
fault_point (FaultClass class)
{
  long n = __atomic_add_fetch (&counts[class], 1, __ATOMIC_SEQ_CST);

  if (fault_action == ACTION_NONE || class != fault_class || n != fault_n ||
      __atomic_exchange_n (&injected, 1, __ATOMIC_SEQ_CST) != 0)
    return 0;

  switch (fault_action)
    {
    case ACTION_KILL:
      syscall (SYS_kill, getpid (), SIGKILL);
      break;
    case ACTION_ENOSPC:
      errno = ENOSPC;
      return -1;
    case ACTION_EIO:
      errno = EIO;
      return -1;
    case ACTION_NONE:
    default:
      break;
    }
  return 0;
}

static void *
next_symbol (const char *name)
{
  void *symbol = dlsym (RTLD_NEXT, name);

  if (symbol == NULL)
    die ("a libc function is missing");
  return symbol;
}

#define REAL(name) \
  static __typeof__ (name) *real; \
  if (real == NULL) \
    real = (__typeof__ (name) *) next_symbol (#name)

#define FD_POINT(class, fd) \
  if (fd_is_watched (fd) && fault_point (class) != 0) \
    return -1

ssize_t
write (int         fd,
       const void *buffer,
       size_t      count)
{
  REAL (write);
  FD_POINT (CLASS_WRITE, fd);
  return real (fd, buffer, count);
}

ssize_t
pwrite (int         fd,
        const void *buffer,
        size_t      count,
        off_t       offset)
{
  REAL (pwrite);
  FD_POINT (CLASS_WRITE, fd);
  return real (fd, buffer, count, offset);
}

ssize_t
pwrite64 (int         fd,
          const void *buffer,
          size_t      count,
          off64_t     offset)
{
  REAL (pwrite64);
  FD_POINT (CLASS_WRITE, fd);
  return real (fd, buffer, count, offset);
}

ssize_t
writev (int                 fd,
        const struct iovec *iov,
        int                 iovcnt)
{
  REAL (writev);
  FD_POINT (CLASS_WRITE, fd);
  return real (fd, iov, iovcnt);
}

ssize_t
pwritev (int                 fd,
         const struct iovec *iov,
         int                 iovcnt,
         off_t               offset)
{
  REAL (pwritev);
  FD_POINT (CLASS_WRITE, fd);
  return real (fd, iov, iovcnt, offset);
}

ssize_t
pwritev64 (int                 fd,
           const struct iovec *iov,
           int                 iovcnt,
           off64_t             offset)
{
  REAL (pwritev64);
  FD_POINT (CLASS_WRITE, fd);
  return real (fd, iov, iovcnt, offset);
}

int
ftruncate (int   fd,
           off_t length)
{
  REAL (ftruncate);
  FD_POINT (CLASS_WRITE, fd);
  return real (fd, length);
}

int
ftruncate64 (int     fd,
             off64_t length)
{
  REAL (ftruncate64);
  FD_POINT (CLASS_WRITE, fd);
  return real (fd, length);
}

int
fallocate (int   fd,
           int   mode,
           off_t offset,
           off_t length)
{
  REAL (fallocate);
  FD_POINT (CLASS_WRITE, fd);
  return real (fd, mode, offset, length);
}

int
fallocate64 (int     fd,
             int     mode,
             off64_t offset,
             off64_t length)
{
  REAL (fallocate64);
  FD_POINT (CLASS_WRITE, fd);
  return real (fd, mode, offset, length);
}

int
fsync (int fd)
{
  REAL (fsync);
  FD_POINT (CLASS_SYNC, fd);
  return real (fd);
}

int
fdatasync (int fd)
{
  REAL (fdatasync);
  FD_POINT (CLASS_SYNC, fd);
  return real (fd);
}

#define RENAME_POINT(olddirfd, oldpath, newdirfd, newpath) \
  if ((at_path_is_watched (olddirfd, oldpath) || at_path_is_watched (newdirfd, newpath)) && \
      fault_point (CLASS_RENAME) != 0) \
    return -1

int
rename (const char *oldpath,
        const char *newpath)
{
  REAL (rename);
  RENAME_POINT (AT_FDCWD, oldpath, AT_FDCWD, newpath);
  return real (oldpath, newpath);
}

int
renameat (int         olddirfd,
          const char *oldpath,
          int         newdirfd,
          const char *newpath)
{
  REAL (renameat);
  RENAME_POINT (olddirfd, oldpath, newdirfd, newpath);
  return real (olddirfd, oldpath, newdirfd, newpath);
}

int
renameat2 (int           olddirfd,
           const char   *oldpath,
           int           newdirfd,
           const char   *newpath,
           unsigned int  flags)
{
  REAL (renameat2);
  RENAME_POINT (olddirfd, oldpath, newdirfd, newpath);
  return real (olddirfd, oldpath, newdirfd, newpath, flags);
}
