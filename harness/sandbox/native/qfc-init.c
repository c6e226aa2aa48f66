/*
 * qfc-init: the init every contained program runs under.
 *
 * qfc judges programs that may be hostile, and killing "the program" is not enough: it can
 * fork, start a daemon in a new session, or eat memory in a child it never waits for. So the
 * program runs as the child of this init, which is PID 1 of a PID namespace (bubblewrap's
 * --as-pid-1, or one it unshares itself with --pidns): every orphan reparents to it, no
 * process can leave the namespace, and one kill(-1) from PID 1 ends them all. Where no
 * namespace can be had it falls back to a child subreaper tracking descendants in /proc,
 * which is weaker: a program of the same uid can then signal (even kill) the init.
 *
 *   qfc-init [--report-fd N] [--in PATH] [--out PATH] [--fsize BYTES] [--memory BYTES]
 *            [--nproc N] [--nofile N] [--max-processes N] [--grace-ms MS] [--pidns] -- PROGRAM [ARGS...]
 *
 * On the report descriptor, one JSON object per line:
 *   {"ready":true,"mode":"pidns"|"userns+pidns"|"subreaper"}       before the program starts
 *   {"status":..,"signal":..,"execError":..,"peakRssKiB":..,"memoryExceeded":..,
 *    "leftover":[{"pid":..,"comm":..,"cmdline":..}],"leftoverCount":..}    once, at the end
 * Exit status: the program's, 128+N if signal N killed it, 127 if it could not be started,
 * 126 if --in/--out could not be opened, 125 on a usage error or a lost program.
 *
 *   qfc-init --serve --report-fd N --control-fd N --in PATH --out PATH --err PATH [--scrub-dir DIR]
 *
 * A sandbox lane (harness/sandbox/sandbox-lane.ts): one long-lived init that runs one program
 * after another in the same sandbox, so that a run costs a fork and an exec instead of a new
 * bubblewrap. Each request on the control descriptor is a list of NUL-terminated fields ended
 * by an empty one: "run" then "cwd=", "fsize=", "memory=", "nproc=", "nofile=",
 * "max-processes=", "grace-ms=", "arg=" (repeated, in order) and "env=" (repeated); or "kill",
 * which ends the current run. The program's stdin, stdout and stderr are the three FIFOs, opened
 * afresh for every run. The ready and final lines then carry "run":N, and the final line
 * "clean": true only when no process of the run is left and the scrubbed directory holds no
 * extended attribute; the init serves the next request only after a clean run, and exits
 * otherwise (qfc then replaces the lane). End of file on the control descriptor ends the lane.
 *
 * It reads nothing but /proc: whatever the program writes to the filesystem is hostile.
 *
 * One file, longer than the house likes, because qfc builds it with a single cc call at
 * first use (harness/sandbox/init-program.ts): no build system, no headers of its own.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#ifndef NS_GET_PARENT
#define NS_GET_PARENT _IO(0xb7, 0x2) /* <linux/nsfs.h>, absent from older headers */
#endif

enum { EXIT_USAGE = 125, EXIT_NO_FIFO = 126, EXIT_NOT_STARTED = 127 };
enum { POLL_MS = 10, KILL_DEADLINE_MS = 2000, LISTED = 20, TEXT_MAX = 200 };
/* A request's size and its fields: far above any real command line and environment. */
enum { REQUEST_MAX = 1 << 20, FIELDS_MAX = 8192 };
/* RLIMIT_DATA above the memory cap: a per-process backstop between two polls. Not
   RLIMIT_AS, which counts reservations: node cannot even start under 2 GiB of it. */
#define DATA_SLACK ((rlim_t)64 << 20)

static struct {
  int report_fd, control_fd;
  const char *in, *out, *err, *scrub_dir;
  rlim_t fsize, memory, nproc, nofile, max_processes; /* RLIM_INFINITY: not given */
  long long grace_ms;
  int pidns, serve;
  char **argv;
  /* Serve mode only: the run's working directory and environment. */
  const char *cwd;
  char **env;
} opt = { -1, -1, NULL, NULL, NULL, NULL, RLIM_INFINITY, RLIM_INFINITY, RLIM_INFINITY, RLIM_INFINITY, RLIM_INFINITY, 100, 0, 0, NULL, NULL, NULL };

static const char *mode = "subreaper";
static int in_pidns, proc_is_ours;   /* PID 1 of a namespace; /proc shows only that namespace */
static dev_t ns_dev;
static ino_t ns_ino, outer_ns_ino;   /* ours, and the one --pidns left (never ours) */
static long self_in_proc;            /* our pid as /proc names it */
static sigset_t handled;             /* SIGCHLD and the stop signals, read from signal_fd */
static int signal_fd = -1;
static int stop_requested, has_children = 1;
/* Serve mode: the run's number, qfc asked to end it, and the control descriptor closed. */
static unsigned long run_number;
static int run_killed, lane_closing;
static int err_fd = -1;              /* the run's stderr FIFO until the program holds it */

static pid_t program = -1;
static int program_status, program_reaped;
static struct rusage program_usage;
static char exec_error[TEXT_MAX + 64];
static unsigned long long peak_kib, reaped_peak_kib; /* sampled; the largest ru_maxrss reaped */
static int memory_exceeded;
/* Root is not held by RLIMIT_NPROC: the process count is capped by sampling, like memory. */
static int processes_exceeded;
static long page_kib;

/* One supervised process as the latest scan saw it. */
struct task { long pid, ppid; char state; };
static struct task *tasks;
static size_t ntasks, tasks_cap;

struct leftover { long pid; char comm[TEXT_MAX + 1], cmdline[TEXT_MAX + 1]; size_t comm_len, cmdline_len; };
static struct leftover leftovers[LISTED];
static unsigned long leftover_count;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the report ---- */

/* Worst case: 20 leftovers of two 200-byte fields escaped six bytes a byte, about 49 KiB. */
static char line[1 << 16];
static size_t line_len;

static void put(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  int n = vsnprintf(line + line_len, sizeof line - line_len, fmt, args);
  va_end(args);
  if (n > 0) line_len += (size_t)n < sizeof line - line_len ? (size_t)n : sizeof line - line_len - 1;
}

/* Names come from the program: every byte JSON or a terminal could misread becomes \u00XX
   (bytes >= 0x80 too, so the line stays ASCII and the bytes come back as Latin-1). */
static void put_string(const char *s, size_t n) {
  put("\"");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) put("\\u%04x", c);
    else put("%c", c);
  }
  put("\"");
}

static void send_line(void) {
  put("\n");
  for (size_t done = 0; opt.report_fd >= 0 && done < line_len;) {
    ssize_t n = write(opt.report_fd, line + done, line_len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* qfc stopped listening: the cleanup still matters */
    done += (size_t)n;
  }
  line_len = 0;
}

static const char *signal_name(int sig) {
#define NAMED(sig) { sig, #sig }
  static const struct { int sig; const char *name; } names[] = {
    NAMED(SIGHUP), NAMED(SIGINT), NAMED(SIGQUIT), NAMED(SIGILL), NAMED(SIGTRAP), NAMED(SIGABRT), NAMED(SIGBUS), NAMED(SIGFPE),
    NAMED(SIGKILL), NAMED(SIGUSR1), NAMED(SIGSEGV), NAMED(SIGUSR2), NAMED(SIGPIPE), NAMED(SIGALRM), NAMED(SIGTERM), NAMED(SIGSTKFLT),
    NAMED(SIGCHLD), NAMED(SIGCONT), NAMED(SIGSTOP), NAMED(SIGTSTP), NAMED(SIGTTIN), NAMED(SIGTTOU), NAMED(SIGURG), NAMED(SIGXCPU),
    NAMED(SIGXFSZ), NAMED(SIGVTALRM), NAMED(SIGPROF), NAMED(SIGWINCH), NAMED(SIGIO), NAMED(SIGPWR), NAMED(SIGSYS),
  };
#undef NAMED
  static char other[16];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].sig == sig) return names[i].name;
  snprintf(other, sizeof other, "SIG%d", sig);
  return other;
}

static void send_final_with(int clean) {
  /* Not RUSAGE_CHILDREN, which a lane's earlier runs would still weigh on: wait4's figure for
     each reaped child covers the children that child reaped in turn. */
  unsigned long long peak = peak_kib;
  if (reaped_peak_kib > peak) peak = reaped_peak_kib;
  if ((unsigned long long)program_usage.ru_maxrss > peak) peak = (unsigned long long)program_usage.ru_maxrss;
  int exited = program_reaped && WIFEXITED(program_status) && !exec_error[0];
  int killed = program_reaped && WIFSIGNALED(program_status);
  if (exited) put("{\"status\":%d,\"signal\":null,", WEXITSTATUS(program_status));
  else if (killed) put("{\"status\":null,\"signal\":\"%s\",", signal_name(WTERMSIG(program_status)));
  else put("{\"status\":null,\"signal\":null,");
  put("\"execError\":");
  if (exec_error[0]) put_string(exec_error, strlen(exec_error));
  else put("null");
  put(",\"peakRssKiB\":%llu,\"memoryExceeded\":%s,\"processesExceeded\":%s,\"leftover\":[", peak, memory_exceeded ? "true" : "false", processes_exceeded ? "true" : "false");
  for (unsigned long i = 0; i < leftover_count && i < LISTED; i++) {
    put("%s{\"pid\":%ld,\"comm\":", i ? "," : "", leftovers[i].pid);
    put_string(leftovers[i].comm, leftovers[i].comm_len);
    put(",\"cmdline\":");
    put_string(leftovers[i].cmdline, leftovers[i].cmdline_len);
    put("}");
  }
  put("],\"leftoverCount\":%lu", leftover_count);
  if (opt.serve) put(",\"run\":%lu,\"clean\":%s", run_number, clean ? "true" : "false");
  put("}");
  send_line();
}

static void send_final(void) { send_final_with(0); }

static int exit_code(void) {
  if (exec_error[0]) return EXIT_NOT_STARTED;
  if (!program_reaped) return EXIT_USAGE;
  return WIFSIGNALED(program_status) ? 128 + WTERMSIG(program_status) : WEXITSTATUS(program_status);
}

/* Gives up before the program could start: the final line says why. */
static void fail(int code, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vsnprintf(exec_error, sizeof exec_error, fmt, args);
  va_end(args);
  send_final();
  exit(code);
}

/* ---- what /proc says ---- */

/* A small /proc file, whole or its first size-1 bytes; its length, or -1 if it is gone. */
static ssize_t read_proc(long pid, const char *file, char *buf, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/%s", pid, file);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n >= 0) buf[n] = 0;
  return n;
}

/* Host /proc (--pidns) lists every process of the machine: keep those of our namespace
   and of any namespace nested in it, which the program may have made to hide in. */
static int in_our_namespace(long pid) {
  char path[64];
  struct stat st;
  snprintf(path, sizeof path, "/proc/%ld/ns/pid", pid);
  if (stat(path, &st) != 0 || st.st_ino == outer_ns_ino) return 0;
  if (st.st_dev == ns_dev && st.st_ino == ns_ino) return 1;
  /* The kernel names a namespace's parent only when that parent lies within ours. */
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  int parent = ioctl(fd, NS_GET_PARENT);
  close(fd);
  if (parent < 0) return 0;
  close(parent);
  return 1;
}

static int by_pid(const void *a, const void *b) {
  long x = ((const struct task *)a)->pid, y = ((const struct task *)b)->pid;
  return (x > y) - (x < y);
}

/* Subreaper mode: a process is ours when its ppid chain reaches us (orphans reparent to us). */
static int descends_from_us(long pid) {
  for (int depth = 0; depth < 4096; depth++) {
    struct task key = { pid, 0, 0 };
    struct task *t = bsearch(&key, tasks, ntasks, sizeof *tasks, by_pid);
    if (t == NULL) return 0;
    if (t->ppid == self_in_proc) return 1;
    pid = t->ppid;
  }
  return 0;
}

/* Fills tasks[] with every process we supervise, ourselves excluded. */
static void scan(void) {
  ntasks = 0;
  DIR *dir = opendir("/proc");
  if (dir == NULL) return;
  for (struct dirent *entry; (entry = readdir(dir)) != NULL;) {
    char *end, stat[512];
    long pid = strtol(entry->d_name, &end, 10);
    if (*end || pid <= 0 || pid == self_in_proc) continue;
    if (in_pidns && !proc_is_ours && !in_our_namespace(pid)) continue;
    /* "pid (comm) S ppid ...": comm may hold ") ", so parse after the last ')'. */
    if (read_proc(pid, "stat", stat, sizeof stat) <= 0) continue;
    char *close_paren = strrchr(stat, ')'), state;
    long ppid;
    if (close_paren == NULL || sscanf(close_paren + 1, " %c %ld", &state, &ppid) != 2) continue;
    if (ntasks == tasks_cap) {
      size_t cap = tasks_cap ? tasks_cap * 2 : 256;
      struct task *grown = realloc(tasks, cap * sizeof *tasks);
      if (grown == NULL) break;
      tasks = grown, tasks_cap = cap;
    }
    tasks[ntasks++] = (struct task){ pid, ppid, state };
  }
  closedir(dir);
  if (in_pidns) return;
  qsort(tasks, ntasks, sizeof *tasks, by_pid);
  char *mine = calloc(ntasks ? ntasks : 1, 1);
  if (mine == NULL) return;
  for (size_t i = 0; i < ntasks; i++) mine[i] = (char)descends_from_us(tasks[i].pid);
  size_t kept = 0;
  for (size_t i = 0; i < ntasks; i++)
    if (mine[i]) tasks[kept++] = tasks[i];
  ntasks = kept;
  free(mine);
}

static void kill_all(void) {
  if (in_pidns) {
    kill(-1, SIGKILL); /* from PID 1: every other process of the namespace, nested ones too */
    return;
  }
  /* A fork flood races this: callers repeat until no child is left. */
  scan();
  for (size_t i = 0; i < ntasks; i++) kill((pid_t)tasks[i].pid, SIGKILL);
}

/* Scans, adds up resident memory and enforces the cap; returns how many are alive. */
static size_t observe(void) {
  unsigned long long kib = 0;
  size_t alive = 0;
  scan();
  for (size_t i = 0; i < ntasks; i++) {
    char statm[128];
    unsigned long size, resident;
    if (tasks[i].state == 'Z') continue;
    alive++;
    if (read_proc(tasks[i].pid, "statm", statm, sizeof statm) > 0 && sscanf(statm, "%lu %lu", &size, &resident) == 2)
      kib += (unsigned long long)resident * (unsigned long long)page_kib;
  }
  if (kib > peak_kib) peak_kib = kib;
  if (opt.memory != RLIM_INFINITY && kib * 1024 > opt.memory && !memory_exceeded) {
    memory_exceeded = 1;
    kill_all();
  }
  if (opt.max_processes != RLIM_INFINITY && alive > opt.max_processes && !processes_exceeded) {
    processes_exceeded = 1;
    kill_all();
  }
  return alive;
}

/* A name for the report: NULs shown as spaces, cut to TEXT_MAX bytes; -1 once the process is gone. */
static ssize_t read_text(long pid, const char *file, char *out) {
  char buf[TEXT_MAX + 2];
  ssize_t n = read_proc(pid, file, buf, sizeof buf);
  if (n <= 0) return n;
  if (buf[n - 1] == '\n' || buf[n - 1] == 0) n--; /* comm's newline, cmdline's last NUL */
  if (n > TEXT_MAX) n = TEXT_MAX;
  for (ssize_t i = 0; i < n; i++) out[i] = buf[i] ? buf[i] : ' ';
  return n;
}

static void record_leftovers(void) {
  for (size_t i = 0; i < ntasks; i++) {
    char comm[TEXT_MAX + 1];
    ssize_t comm_len = tasks[i].state == 'Z' ? -1 : read_text(tasks[i].pid, "comm", comm);
    if (comm_len < 0) continue; /* a zombie, or gone since the scan (a fork flood churns) */
    if (leftover_count++ >= LISTED) continue;
    struct leftover *l = &leftovers[leftover_count - 1];
    ssize_t cmdline_len = read_text(tasks[i].pid, "cmdline", l->cmdline);
    memcpy(l->comm, comm, (size_t)comm_len);
    l->pid = tasks[i].pid, l->comm_len = (size_t)comm_len, l->cmdline_len = cmdline_len > 0 ? (size_t)cmdline_len : 0;
  }
}

/* ---- children and signals ---- */

static void reap(void) {
  for (;;) {
    int status;
    struct rusage usage;
    pid_t pid = wait4(-1, &status, WNOHANG, &usage);
    if (pid == program) program_status = status, program_usage = usage, program_reaped = 1;
    if (pid > 0 && (unsigned long long)usage.ru_maxrss > reaped_peak_kib) reaped_peak_kib = (unsigned long long)usage.ru_maxrss;
    if (pid > 0) continue;
    if (pid < 0 && errno == ECHILD) has_children = 0;
    if (pid < 0 && errno == EINTR) continue;
    return;
  }
}

static void read_control(void);

/* Takes the queued signals; 1 if one asks to stop. In a namespace, a stop signal counts only
   from outside (si_pid 0 there): the program must not end its watch, nor (one it sent just
   before it was killed, still queued) end a lane for the runs after. */
static int take_signals(void) {
  struct signalfd_siginfo info[8];
  int stop = 0;
  for (ssize_t n; (n = read(signal_fd, info, sizeof info)) > 0;)
    for (ssize_t i = 0; i < n / (ssize_t)sizeof info[0]; i++)
      if (info[i].ssi_signo != SIGCHLD && !(in_pidns && info[i].ssi_pid != 0)) stop = 1;
  return stop;
}

/* Sleeps up to ms, woken early by a child's end, a stop signal or a word from qfc. */
static void wait_for_event(long long ms) {
  struct pollfd fds[2] = { { signal_fd, POLLIN, 0 }, { opt.serve ? opt.control_fd : -1, POLLIN, 0 } };
  if (poll(fds, 2, (int)(ms > 0 ? ms : 0)) <= 0) return;
  if ((fds[0].revents & POLLIN) && take_signals()) stop_requested = 1;
  if (fds[1].revents) read_control();
}

/* ---- starting the program ---- */

static int set_limit(int resource, rlim_t value) {
  struct rlimit now;
  if (value == RLIM_INFINITY || getrlimit(resource, &now) != 0) return 0;
  if (value > now.rlim_max) value = now.rlim_max; /* cannot raise it, and lower is stricter */
  struct rlimit cap = { value, value };
  return setrlimit(resource, &cap);
}

/* Closes every descriptor from `from` to `to` (inclusive). */
static void close_between(unsigned from, unsigned to) {
  if (from > to) return;
#ifdef SYS_close_range
  if (syscall(SYS_close_range, from, to, 0) == 0) return;
#endif
  for (unsigned fd = from; fd <= to && fd < 65536; fd++) close((int)fd);
}

/* In the forked child; reports a failure on the close-on-exec pipe, as "stage: reason". */
static void become_program(int failure_fd) {
  int stage = 0; /* indexes start_program()'s stage names */
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &dfl, NULL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  rlim_t data = opt.memory == RLIM_INFINITY || opt.memory > RLIM_INFINITY - 2 * DATA_SLACK ? RLIM_INFINITY : opt.memory + DATA_SLACK;
  if (setsid() < 0) goto failed;
  if (err_fd >= 0 && dup2(err_fd, 2) < 0) goto failed;
  /* The program holds its stdin, stdout and stderr, and nothing else: not qfc's report or
     control descriptors (close-on-exec anyway), nor what qfc itself inherited without
     close-on-exec from whoever started it (a CI runner's pipes), which node and bwrap pass on. */
  close_between(3, (unsigned)failure_fd - 1);
  close_between((unsigned)failure_fd + 1, ~0U);
  stage = 3;
  if (opt.cwd != NULL && chdir(opt.cwd) != 0) goto failed;
  if (opt.env != NULL) environ = opt.env; /* execvp searches this PATH */
  stage = 1;
  if (set_limit(RLIMIT_CORE, 0) || set_limit(RLIMIT_FSIZE, opt.fsize) || set_limit(RLIMIT_DATA, data) ||
      set_limit(RLIMIT_NOFILE, opt.nofile) || (getuid() != 0 && set_limit(RLIMIT_NPROC, opt.nproc)))
    goto failed;
  stage = 2;
  execvp(opt.argv[0], opt.argv);
failed:;
  int failure[2] = { stage, errno };
  (void)!write(failure_fd, failure, sizeof failure);
  _exit(EXIT_NOT_STARTED);
}

static void start_program(void) {
  static const char *const stages[] = { "setsid: ", "setrlimit: ", "", "chdir: " };
  int pipe_fds[2], failure[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) fail(EXIT_NOT_STARTED, "pipe: %s", strerror(errno));
  program = fork();
  if (program == 0) become_program(pipe_fds[1]);
  close(pipe_fds[1]);
  if (program < 0) {
    snprintf(exec_error, sizeof exec_error, "fork: %s", strerror(errno));
    close(pipe_fds[0]);
    return;
  }
  ssize_t n;
  while ((n = read(pipe_fds[0], failure, sizeof failure)) < 0 && errno == EINTR) {}
  close(pipe_fds[0]);
  if (n == (ssize_t)sizeof failure && failure[0] >= 0 && failure[0] <= 3)
    snprintf(exec_error, sizeof exec_error, "%s%s", stages[failure[0]], strerror(failure[1]));
}

/* Hold no end of the program's stdin or stdout: its closing them must be seen at once. */
static void drop_stdio(void) {
  int null = open("/dev/null", O_RDWR);
  for (int fd = 0; fd <= 1; fd++) {
    if (null >= 0) dup2(null, fd);
    else close(fd);
  }
  if (null > 1) close(null);
}

/* ---- getting a namespace ---- */

static int write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Unprivileged: a user namespace mapping only our own ids to themselves, so the program
   keeps its identity and, after exec as a non-zero uid, no capability at all. */
static int enter_user_namespace(void) {
  char map[64];
  unsigned uid = (unsigned)geteuid(), gid = (unsigned)getegid();
  if (unshare(CLONE_NEWUSER | CLONE_NEWPID) != 0) return -1;
  snprintf(map, sizeof map, "%u %u 1\n", uid, uid);
  if (write_file("/proc/self/uid_map", map) != 0) fail(EXIT_NOT_STARTED, "uid_map: %s", strerror(errno));
  /* An unprivileged gid_map is only accepted once setgroups(2) is given up. */
  if (write_file("/proc/self/setgroups", "deny") != 0) fail(EXIT_NOT_STARTED, "setgroups: %s", strerror(errno));
  snprintf(map, sizeof map, "%u %u 1\n", gid, gid);
  if (write_file("/proc/self/gid_map", map) != 0) fail(EXIT_NOT_STARTED, "gid_map: %s", strerror(errno));
  return 0;
}

/* The process qfc started stays outside, only to pass the init's end on (and qfc's stop
   signals in): qfc still sees one process whose exit status is the program's. */
static void wait_for_init(pid_t init) {
  if (opt.report_fd >= 0) close(opt.report_fd);
  drop_stdio();
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&handled, &info), status;
    if (sig == SIGCHLD && waitpid(init, &status, WNOHANG) == init)
      exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
    if (sig > 0 && sig != SIGCHLD) kill(init, sig);
  }
}

static void acquire_namespace(void) {
  struct stat st;
  if (getpid() == 1) { /* bwrap --as-pid-1, or any container's init */
    mode = "pidns", in_pidns = 1;
    return;
  }
  if (opt.pidns) {
    /* Die with qfc, as bwrap's --die-with-parent would (checked after, in case it already did). */
    pid_t parent = getppid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(EXIT_USAGE);
    if (stat("/proc/self/ns/pid", &st) == 0) outer_ns_ino = st.st_ino;
    if (unshare(CLONE_NEWPID) == 0) mode = "pidns", in_pidns = 1;
    else if (enter_user_namespace() == 0) mode = "userns+pidns", in_pidns = 1;
  }
  if (!in_pidns) {
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    return;
  }
  prctl(PR_SET_DUMPABLE, 0); /* the outer one too: see main() */
  pid_t init = fork();
  if (init < 0) fail(EXIT_NOT_STARTED, "fork: %s", strerror(errno));
  if (init > 0) wait_for_init(init);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/* ---- main ---- */

static void usage(const char *why) {
  fprintf(stderr, "qfc-init: %s\nusage: qfc-init [--report-fd N] [--in PATH] [--out PATH] [--fsize BYTES] "
          "[--memory BYTES] [--nproc N] [--nofile N] [--max-processes N] [--grace-ms MS] [--pidns] -- PROGRAM [ARGS...]\n", why);
  exit(EXIT_USAGE);
}

/* A decimal number into *value; 0 for anything else (strtoull alone would take "-1"). */
static int decimal(const char *text, unsigned long long *value) {
  char *end;
  errno = 0;
  *value = strtoull(text, &end, 10);
  return *text >= '0' && *text <= '9' && !*end && !errno;
}

static unsigned long long number(const char *option, const char *text) {
  unsigned long long value;
  if (!decimal(text, &value)) {
    fprintf(stderr, "qfc-init: %s needs a decimal number\n", option);
    exit(EXIT_USAGE);
  }
  return value;
}

/* The limit an option (without its dashes) or a request field sets, or NULL. */
static rlim_t *limit_named(const char *name) {
  if (strcmp(name, "fsize") == 0) return &opt.fsize;
  if (strcmp(name, "memory") == 0) return &opt.memory;
  if (strcmp(name, "nproc") == 0) return &opt.nproc;
  if (strcmp(name, "nofile") == 0) return &opt.nofile;
  if (strcmp(name, "max-processes") == 0) return &opt.max_processes;
  return NULL;
}

static void parse_options(int argc, char **argv) {
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    const char *name = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(name, "--") == 0) { i++; break; }
    if (strcmp(name, "--pidns") == 0) { opt.pidns = 1; continue; }
    if (strcmp(name, "--serve") == 0) { opt.serve = 1; continue; }
    if (value == NULL) usage("an option lacks its value");
    i++;
    if (strcmp(name, "--report-fd") == 0) opt.report_fd = (int)number(name, value);
    else if (strcmp(name, "--in") == 0) opt.in = value;
    else if (strcmp(name, "--out") == 0) opt.out = value;
    else if (strcmp(name, "--err") == 0) opt.err = value;
    else if (strcmp(name, "--control-fd") == 0) opt.control_fd = (int)number(name, value);
    else if (strcmp(name, "--scrub-dir") == 0) opt.scrub_dir = value;
    else if (limit_named(name + 2) != NULL) *limit_named(name + 2) = number(name, value);
    else if (strcmp(name, "--grace-ms") == 0) opt.grace_ms = (long long)number(name, value);
    else usage("unknown option");
  }
  if (opt.serve) {
    if (i < argc) usage("--serve takes its programs from the control descriptor");
    if (opt.control_fd <= 2 || fcntl(opt.control_fd, F_SETFD, FD_CLOEXEC) != 0) usage("--serve needs --control-fd, an open descriptor above 2");
    if (!opt.in || !opt.out || !opt.err || opt.report_fd < 0) usage("--serve needs --report-fd, --in, --out and --err");
  } else {
    if (i >= argc) usage("no program given");
    opt.argv = argv + i;
  }
  if (opt.report_fd >= 0 && (opt.report_fd <= 2 || fcntl(opt.report_fd, F_SETFD, FD_CLOEXEC) != 0))
    usage("--report-fd must be an open descriptor above 2");
}

static void open_as(const char *option, const char *path, int flags, int fd) {
  int opened = open(path, flags);
  if (opened < 0) fail(EXIT_NO_FIFO, "cannot open %s %.200s: %s", option, path, strerror(errno));
  if (opened != fd) {
    dup2(opened, fd);
    close(opened);
  }
}

/* ---- one program's life ---- */

/* Kills until no child is left (every orphan comes to us). Past the deadline (a process
   stuck in the kernel) PID 1 still takes its namespace down as it exits. */
static void kill_remaining(void) {
  long long deadline = now_ms() + KILL_DEADLINE_MS;
  for (reap(); has_children && now_ms() < deadline; reap()) {
    kill_all();
    wait_for_event(POLL_MS);
  }
}

/* Starts the program (its stdin and stdout already on 0 and 1) and sees it to its end: every
   process of the run is gone when this returns, unless one is stuck in the kernel. */
static void supervise(void) {
  start_program();
  drop_stdio();
  if (err_fd >= 0) close(err_fd), err_fd = -1;

  /* The program's life: poll memory every POLL_MS, woken early by any child's end. */
  for (long long next = now_ms(); !exec_error[0] && !program_reaped && !stop_requested && !run_killed;) {
    long long now = now_ms();
    if (now >= next) observe(), next = now + POLL_MS;
    reap();
    if (!program_reaped) wait_for_event(next - now > 0 ? next - now : POLL_MS);
  }
  /* The grace: what outlives it is a leftover. */
  for (long long deadline = now_ms() + opt.grace_ms; !stop_requested && !run_killed;) {
    reap();
    if (!has_children || observe() == 0) break;
    long long left = deadline - now_ms();
    if (left <= 0) {
      record_leftovers();
      break;
    }
    wait_for_event(left < POLL_MS ? left : POLL_MS);
  }
  kill_remaining();
}

/* ---- serving a lane ---- */

static char request[REQUEST_MAX], current[REQUEST_MAX]; /* what came in; the run's request */
static size_t request_len;
static char *fields[FIELDS_MAX];
static char *run_argv[FIELDS_MAX], *run_env[FIELDS_MAX];

/* Length of the first complete message in request[] (its fields and the empty one), or 0. */
static size_t message_length(void) {
  for (size_t i = 0, field_start = 0; i < request_len; i++) {
    if (request[i] != 0) continue;
    if (i == field_start) return i + 1;
    field_start = i + 1;
  }
  return 0;
}

/* Drops the first message (of `length` bytes) from request[]. */
static void consume(size_t length) {
  memmove(request, request + length, request_len - length);
  request_len -= length;
}

/* Reads what the control descriptor has; 0 at its end (or an overlong message), else 1. */
static int fill_request(void) {
  if (request_len == sizeof request) return 0;
  ssize_t n = read(opt.control_fd, request + request_len, sizeof request - request_len);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
  if (n <= 0) return 0;
  request_len += (size_t)n;
  return 1;
}

/* During a run, the only word qfc may say is "kill"; anything else, or the end, ends the lane. */
static void read_control(void) {
  if (!fill_request()) lane_closing = 1;
  for (size_t length; (length = message_length()) > 0; consume(length)) {
    if (strcmp(request, "kill") != 0) lane_closing = 1;
    run_killed = 1;
  }
  if (lane_closing) run_killed = 1;
  if (run_killed) kill_all();
}

static unsigned long long field_number(const char *name, const char *text) {
  unsigned long long value;
  if (!decimal(text, &value)) fail(EXIT_USAGE, "request: %s needs a decimal number", name);
  return value;
}

/* Waits for the next "run" request and takes its settings; 0 when the lane is to end. */
static int next_request(void) {
  size_t length;
  while ((length = message_length()) == 0) {
    struct pollfd fds[2] = { { signal_fd, POLLIN, 0 }, { opt.control_fd, POLLIN, 0 } };
    if (poll(fds, 2, -1) < 0 && errno != EINTR) return 0;
    if ((fds[0].revents & POLLIN) && take_signals()) return 0;
    if (fds[1].revents && !fill_request()) return 0;
  }
  /* The run's argv and environment point into current[], which stays until the next request. */
  memcpy(current, request, length);
  consume(length);
  size_t nfields = 0;
  for (size_t i = 0; i < length - 1 && nfields < FIELDS_MAX; i += strlen(current + i) + 1) fields[nfields++] = current + i;
  if (nfields == 0 || strcmp(fields[0], "run") != 0) return 0; /* "kill" between runs: nothing runs */
  size_t nargs = 0, nenv = 0;
  opt.cwd = NULL;
  opt.fsize = opt.memory = opt.nproc = opt.nofile = opt.max_processes = RLIM_INFINITY;
  opt.grace_ms = 100;
  for (size_t i = 1; i < nfields; i++) {
    char *field = fields[i], *value = strchr(field, '=');
    if (value == NULL) fail(EXIT_USAGE, "request: a field without '='");
    *value++ = 0;
    if (strcmp(field, "arg") == 0 && nargs < FIELDS_MAX - 1) run_argv[nargs++] = value;
    else if (strcmp(field, "env") == 0 && nenv < FIELDS_MAX - 1) run_env[nenv++] = value;
    else if (strcmp(field, "cwd") == 0) opt.cwd = value;
    else if (limit_named(field) != NULL) *limit_named(field) = field_number(field, value);
    else if (strcmp(field, "grace-ms") == 0) opt.grace_ms = (long long)field_number(field, value);
    else fail(EXIT_USAGE, "request: unknown field %.40s", field);
  }
  if (nargs == 0) fail(EXIT_USAGE, "request: no program given");
  run_argv[nargs] = NULL, run_env[nenv] = NULL;
  opt.argv = run_argv, opt.env = run_env;
  return 1;
}

/* Removes every extended attribute (ACLs included) the run set on the sandbox root, the one
   directory a lane keeps: a default ACL there would shape the next run's files. Returns how
   many are left that could not be removed (SELinux labels are the system's, not the run's). */
static int scrub_attributes(void) {
  if (opt.scrub_dir == NULL) return 0;
  int fd = open(opt.scrub_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return 1;
  static char names[1 << 16];
  int left = 0;
  ssize_t n = flistxattr(fd, names, sizeof names);
  if (n < 0 && errno != ENOTSUP) left = 1;
  for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t)strlen(names + i) + 1) {
    if (strcmp(names + i, "security.selinux") == 0) continue;
    if (fremovexattr(fd, names + i) != 0 && errno != ENODATA) left++;
  }
  close(fd);
  return left;
}

static void reset_run_state(void) {
  program = -1;
  program_status = program_reaped = 0;
  memset(&program_usage, 0, sizeof program_usage);
  exec_error[0] = 0;
  peak_kib = reaped_peak_kib = 0;
  memory_exceeded = processes_exceeded = 0;
  leftover_count = 0;
  has_children = 1;
  run_killed = 0;
}

static int serve(void) {
  put("{\"lane\":true,\"mode\":\"%s\"}", mode);
  send_line();
  while (!stop_requested && !lane_closing && next_request()) {
    reset_run_state();
    run_number++;
    /* Opening blocks until qfc holds the other ends, which it does before it asks. */
    open_as("--in", opt.in, O_RDONLY, 0);
    open_as("--out", opt.out, O_WRONLY, 1);
    err_fd = open(opt.err, O_WRONLY | O_CLOEXEC);
    if (err_fd < 0) fail(EXIT_NO_FIFO, "cannot open --err %.200s: %s", opt.err, strerror(errno));
    put("{\"ready\":true,\"mode\":\"%s\",\"run\":%lu}", mode, run_number);
    send_line();
    supervise();
    reap();
    scan();
    int clean = !has_children && ntasks == 0 && scrub_attributes() == 0;
    send_final_with(clean);
    if (!clean) break;
  }
  kill_remaining();
  return 0;
}

/* ---- main ---- */

int main(int argc, char **argv) {
  parse_options(argc, argv);
  /* Before blocking the stop signals: qfc can still end an init stuck opening a FIFO. */
  if (!opt.serve && opt.in) open_as("--in", opt.in, O_RDONLY, 0);
  if (!opt.serve && opt.out) open_as("--out", opt.out, O_WRONLY, 1);
  sigemptyset(&handled);
  sigaddset(&handled, SIGCHLD), sigaddset(&handled, SIGTERM), sigaddset(&handled, SIGINT), sigaddset(&handled, SIGHUP);
  sigprocmask(SIG_BLOCK, &handled, NULL);
  signal(SIGPIPE, SIG_IGN); /* a vanished report reader must not stop the cleanup */
  acquire_namespace();
  /* After the fork in acquire_namespace: the outer process waits with sigwaitinfo. */
  signal_fd = signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd < 0) fail(EXIT_NOT_STARTED, "signalfd: %s", strerror(errno));
  /* After any uid_map write, which a non-dumpable process may not do. Now a program of our
     uid can neither ptrace us nor open /proc/<us>/fd/ (the report descriptor). */
  prctl(PR_SET_DUMPABLE, 0);

  char self[32] = "";
  ssize_t n = readlink("/proc/self", self, sizeof self - 1);
  self_in_proc = n > 0 ? strtol(self, NULL, 10) : 0;
  proc_is_ours = in_pidns && self_in_proc == 1;
  struct stat st;
  if (self_in_proc <= 0 || stat("/proc/self/ns/pid", &st) != 0) fail(EXIT_NOT_STARTED, "no usable /proc");
  ns_dev = st.st_dev, ns_ino = st.st_ino;
  page_kib = sysconf(_SC_PAGESIZE) / 1024;

  if (opt.serve) {
    drop_stdio();
    return serve();
  }
  put("{\"ready\":true,\"mode\":\"%s\"}", mode);
  send_line();
  supervise();
  send_final();
  return exit_code();
}
