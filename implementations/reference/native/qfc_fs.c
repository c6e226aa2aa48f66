/*
 * qfc_fs: the few Linux system calls the reference receiver needs and Node's fs lacks.
 *
 * Node has no *at() calls, no O_TMPFILE and sets times only to the microsecond. The
 * receiver walks from a directory file descriptor one component at a time with
 * O_NOFOLLOW, creates files anonymously and names them only when complete, and applies
 * times with nanoseconds; those calls are here, a larger buffer for the input pipe, and
 * mknodat for qfc's fuzzer, whose source trees hold special files the receiver must refuse.
 *
 * Every function returns a non-negative result (a descriptor or 0) or -errno: errors are
 * values, because every one of them is an expected answer to hostile input and the
 * receiver turns it into a result code. Names arrive as Buffers holding raw bytes (they
 * need not be UTF-8); a name containing a NUL byte is refused with -EINVAL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define MAX_ARGS 5

/* Fetch the call's arguments; throws a JS TypeError (a bug in the caller) on a wrong count. */
static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv)
{
    size_t argc = MAX_ARGS;
    if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != want) {
        napi_throw_type_error(env, NULL, "qfc_fs: wrong number of arguments");
        return -1;
    }
    return 0;
}

static int get_int(napi_env env, napi_value value, int32_t *out)
{
    if (napi_get_value_int32(env, value, out) != napi_ok) {
        napi_throw_type_error(env, NULL, "qfc_fs: expected an integer");
        return -1;
    }
    return 0;
}

static int get_double(napi_env env, napi_value value, double *out)
{
    if (napi_get_value_double(env, value, out) != napi_ok) {
        napi_throw_type_error(env, NULL, "qfc_fs: expected a number");
        return -1;
    }
    return 0;
}

/*
 * Copy a Buffer into a NUL-terminated string. Returns NULL and sets *status to -EINVAL
 * when the bytes contain a NUL (the C call would silently see a shorter name), or to
 * -ENOMEM; throws only when the argument is not a Buffer.
 */
static char *get_name(napi_env env, napi_value value, int *status)
{
    void *data;
    size_t length;
    if (napi_get_buffer_info(env, value, &data, &length) != napi_ok) {
        napi_throw_type_error(env, NULL, "qfc_fs: expected a Buffer");
        *status = 1;
        return NULL;
    }
    if (memchr(data, 0, length) != NULL) {
        *status = -EINVAL;
        return NULL;
    }
    char *name = malloc(length + 1);
    if (name == NULL) {
        *status = -ENOMEM;
        return NULL;
    }
    memcpy(name, data, length);
    name[length] = '\0';
    *status = 0;
    return name;
}

static napi_value int_value(napi_env env, int64_t value)
{
    napi_value result;
    napi_create_int64(env, value, &result);
    return result;
}

/* -errno of the last failed call, or the call's own non-negative result. */
static napi_value outcome(napi_env env, int64_t ret)
{
    return int_value(env, ret < 0 ? -errno : ret);
}

/* A call on one name in a directory, with one integer argument. */
typedef int (*name_call)(int dirfd, const char *name, int32_t argument);

static int open_directory(int dirfd, const char *name, int32_t no_follow)
{
    return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY | (no_follow ? O_NOFOLLOW : 0));
}

static int make_directory(int dirfd, const char *name, int32_t mode)
{
    return mkdirat(dirfd, name, (mode_t)mode);
}

static int create_exclusive(int dirfd, const char *name, int32_t mode)
{
    return openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, (mode_t)mode);
}

static int unlink_name(int dirfd, const char *name, int32_t flags)
{
    return unlinkat(dirfd, name, flags);
}

/* Arguments (dirfd, name, integer) → call(dirfd, name, integer): its result or -errno. */
static napi_value call_on_name(napi_env env, napi_callback_info info, name_call call)
{
    napi_value argv[MAX_ARGS];
    int32_t dirfd, argument, status;
    if (get_args(env, info, 3, argv) || get_int(env, argv[0], &dirfd) || get_int(env, argv[2], &argument))
        return NULL;
    char *name = get_name(env, argv[1], &status);
    if (name == NULL)
        return status > 0 ? NULL : int_value(env, status);
    napi_value result = outcome(env, call(dirfd, name, argument));
    free(name);
    return result;
}

/* openDirectoryAt(dirfd, name, noFollow): a directory opened read-only. */
static napi_value open_directory_at(napi_env env, napi_callback_info info)
{
    return call_on_name(env, info, open_directory);
}

/* mkdirAt(dirfd, name, mode) */
static napi_value mkdir_at(napi_env env, napi_callback_info info)
{
    return call_on_name(env, info, make_directory);
}

/* createExclusiveAt(dirfd, name, mode): a new regular file, never an existing entry or a link. */
static napi_value create_exclusive_at(napi_env env, napi_callback_info info)
{
    return call_on_name(env, info, create_exclusive);
}

/* unlinkAt(dirfd, name, flags) */
static napi_value unlink_at(napi_env env, napi_callback_info info)
{
    return call_on_name(env, info, unlink_name);
}

/* symlinkAt(target, dirfd, name) */
static napi_value symlink_at(napi_env env, napi_callback_info info)
{
    napi_value argv[MAX_ARGS];
    int32_t dirfd, status;
    if (get_args(env, info, 3, argv) || get_int(env, argv[1], &dirfd))
        return NULL;
    char *target = get_name(env, argv[0], &status);
    if (target == NULL)
        return status > 0 ? NULL : int_value(env, status);
    char *name = get_name(env, argv[2], &status);
    if (name == NULL) {
        free(target);
        return status > 0 ? NULL : int_value(env, status);
    }
    napi_value result = outcome(env, symlinkat(target, dirfd, name));
    free(target);
    free(name);
    return result;
}

/* openTmpfileAt(dirfd, mode): an anonymous regular file in the directory, open for writing. */
static napi_value open_tmpfile_at(napi_env env, napi_callback_info info)
{
    napi_value argv[MAX_ARGS];
    int32_t dirfd, mode;
    if (get_args(env, info, 2, argv) || get_int(env, argv[0], &dirfd) || get_int(env, argv[1], &mode))
        return NULL;
    return outcome(env, openat(dirfd, ".", O_WRONLY | O_TMPFILE | O_CLOEXEC | O_NOCTTY, (mode_t)mode));
}

/*
 * linkFdAt(fd, dirfd, name): give an anonymous file its name. Through /proc/self/fd like
 * upstream (no capability needed); AT_EMPTY_PATH where /proc is not mounted.
 */
static napi_value link_fd_at(napi_env env, napi_callback_info info)
{
    napi_value argv[MAX_ARGS];
    int32_t fd, dirfd, status;
    if (get_args(env, info, 3, argv) || get_int(env, argv[0], &fd) || get_int(env, argv[1], &dirfd))
        return NULL;
    char *name = get_name(env, argv[2], &status);
    if (name == NULL)
        return status > 0 ? NULL : int_value(env, status);
    char proc_path[64];
    snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", fd);
    int ret = linkat(AT_FDCWD, proc_path, dirfd, name, AT_SYMLINK_FOLLOW);
    if (ret < 0 && errno == ENOENT && access("/proc/self/fd", F_OK) != 0)
        ret = linkat(fd, "", dirfd, name, AT_EMPTY_PATH);
    napi_value result = outcome(env, ret);
    free(name);
    return result;
}

/* linkAt(olddirfd, oldname, newdirfd, newname): a hard link, never following a symlink. */
static napi_value link_at(napi_env env, napi_callback_info info)
{
    napi_value argv[MAX_ARGS];
    int32_t olddirfd, newdirfd, status;
    if (get_args(env, info, 4, argv) || get_int(env, argv[0], &olddirfd) || get_int(env, argv[2], &newdirfd))
        return NULL;
    char *oldname = get_name(env, argv[1], &status);
    if (oldname == NULL)
        return status > 0 ? NULL : int_value(env, status);
    char *newname = get_name(env, argv[3], &status);
    if (newname == NULL) {
        free(oldname);
        return status > 0 ? NULL : int_value(env, status);
    }
    napi_value result = outcome(env, linkat(olddirfd, oldname, newdirfd, newname, 0));
    free(oldname);
    free(newname);
    return result;
}

/* fchmod(fd, mode) */
static napi_value do_fchmod(napi_env env, napi_callback_info info)
{
    napi_value argv[MAX_ARGS];
    int32_t fd, mode;
    if (get_args(env, info, 2, argv) || get_int(env, argv[0], &fd) || get_int(env, argv[1], &mode))
        return NULL;
    return outcome(env, fchmod(fd, (mode_t)mode));
}

/* futimens(fd, atimeSeconds, atimeNsec, mtimeSeconds, mtimeNsec): both times to the nanosecond. */
static napi_value do_futimens(napi_env env, napi_callback_info info)
{
    napi_value argv[MAX_ARGS];
    double atime, mtime;
    int32_t fd, atime_nsec, mtime_nsec;
    if (get_args(env, info, 5, argv) || get_int(env, argv[0], &fd) || get_double(env, argv[1], &atime) ||
        get_int(env, argv[2], &atime_nsec) || get_double(env, argv[3], &mtime) || get_int(env, argv[4], &mtime_nsec))
        return NULL;
    const struct timespec times[2] = {
        { .tv_sec = (time_t)atime, .tv_nsec = atime_nsec },
        { .tv_sec = (time_t)mtime, .tv_nsec = mtime_nsec },
    };
    return outcome(env, futimens(fd, times));
}

/* fstat(fd): [st_mode, st_uid, st_gid, st_size], or -errno. */
static napi_value do_fstat(napi_env env, napi_callback_info info)
{
    napi_value argv[MAX_ARGS];
    int32_t fd;
    if (get_args(env, info, 1, argv) || get_int(env, argv[0], &fd))
        return NULL;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return int_value(env, -errno);
    napi_value result;
    napi_create_array_with_length(env, 4, &result);
    napi_set_element(env, result, 0, int_value(env, st.st_mode));
    napi_set_element(env, result, 1, int_value(env, st.st_uid));
    napi_set_element(env, result, 2, int_value(env, st.st_gid));
    napi_set_element(env, result, 3, int_value(env, st.st_size));
    return result;
}

/* syncfs(fd): flush the filesystem holding fd. */
static napi_value do_syncfs(napi_env env, napi_callback_info info)
{
    napi_value argv[MAX_ARGS];
    int32_t fd;
    if (get_args(env, info, 1, argv) || get_int(env, argv[0], &fd))
        return NULL;
    return outcome(env, syncfs(fd));
}

/* mknodAt(dirfd, name, mode, major, minor): a FIFO or device node, for qfc's fuzzer, which
   puts special files in source trees (the receiver never makes one; Node cannot at all). */
static napi_value mknod_at(napi_env env, napi_callback_info info)
{
    napi_value argv[MAX_ARGS];
    int32_t dirfd, mode, major_number, minor_number, status;
    if (get_args(env, info, 5, argv) || get_int(env, argv[0], &dirfd) || get_int(env, argv[2], &mode) ||
        get_int(env, argv[3], &major_number) || get_int(env, argv[4], &minor_number))
        return NULL;
    char *name = get_name(env, argv[1], &status);
    if (name == NULL)
        return status > 0 ? NULL : int_value(env, status);
    napi_value result = outcome(env, mknodat(dirfd, name, (mode_t)mode, makedev((unsigned)major_number, (unsigned)minor_number)));
    free(name);
    return result;
}

/* Grow a pipe's buffer (F_SETPIPE_SZ): a pipe hands a reader at most its capacity per read,
   64 KiB by default, and each read is a round of the receiver's loop. Returns the new size. */
static napi_value set_pipe_size(napi_env env, napi_callback_info info)
{
    napi_value argv[MAX_ARGS];
    int32_t fd, size;
    if (get_args(env, info, 2, argv) || get_int(env, argv[0], &fd) || get_int(env, argv[1], &size))
        return NULL;
    return outcome(env, fcntl(fd, F_SETPIPE_SZ, size));
}

static napi_value init(napi_env env, napi_value exports)
{
    const napi_property_descriptor functions[] = {
        { "openDirectoryAt", NULL, open_directory_at, NULL, NULL, NULL, napi_default, NULL },
        { "mkdirAt", NULL, mkdir_at, NULL, NULL, NULL, napi_default, NULL },
        { "symlinkAt", NULL, symlink_at, NULL, NULL, NULL, napi_default, NULL },
        { "openTmpfileAt", NULL, open_tmpfile_at, NULL, NULL, NULL, napi_default, NULL },
        { "createExclusiveAt", NULL, create_exclusive_at, NULL, NULL, NULL, napi_default, NULL },
        { "linkFdAt", NULL, link_fd_at, NULL, NULL, NULL, napi_default, NULL },
        { "linkAt", NULL, link_at, NULL, NULL, NULL, napi_default, NULL },
        { "unlinkAt", NULL, unlink_at, NULL, NULL, NULL, napi_default, NULL },
        { "fchmod", NULL, do_fchmod, NULL, NULL, NULL, napi_default, NULL },
        { "futimens", NULL, do_futimens, NULL, NULL, NULL, napi_default, NULL },
        { "fstat", NULL, do_fstat, NULL, NULL, NULL, napi_default, NULL },
        { "syncfs", NULL, do_syncfs, NULL, NULL, NULL, napi_default, NULL },
        { "setPipeSize", NULL, set_pipe_size, NULL, NULL, NULL, napi_default, NULL },
        { "mknodAt", NULL, mknod_at, NULL, NULL, NULL, napi_default, NULL },
    };
    napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
    return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
