/*
 * isol8-agent: the process the host talks to inside every sandbox.
 *
 * Frames in both directions: 1 byte type, u32 big-endian payload length, payload. Frames to the host go to
 * stdout only; diagnostics go to stderr. The host learns a command's exit code from the `X` frame the moment the
 * command ends, without waiting for the container to stop. Wire format: packages/docker/src/agent/protocol.ts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VERSION "isol8-agent/2"
#define SANDBOX "/sandbox"
#define MAX_PAYLOAD (64u << 20)
#define CHUNK (64u << 10)
#define DRAIN_MS 50
/* Bounds the final drain so a grandchild that writes without pause cannot keep the agent reading forever. */
#define FINAL_DRAIN_CHUNKS 32

extern char **environ;

static struct {
  pid_t pid; /* 0 when no command is active (an active command ends with its X frame) */
  int exited, status;
  long long deadline; /* once exited: when to stop waiting for the pipes to reach EOF */
  int in, out, err;   /* parent ends of the pipes, -1 once closed */
  char *inbuf; /* stdin not yet taken by the child: inbuf[inoff..inlen) */
  size_t inoff, inlen, incap;
  int inclose; /* close the child's stdin once inbuf is flushed */
} cmd = {0, 0, 0, 0, -1, -1, -1, NULL, 0, 0, 0, 0};

static int sigfd = -1;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void put32(unsigned char *p, uint32_t v) {
  p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

static uint32_t get32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void kill_all(void) {
  if (cmd.pid > 0) kill(-cmd.pid, SIGKILL);
  /* The child may not have reached setsid() yet, so its group would not exist; it has not been reaped either, so
     its pid cannot have been reused. */
  if (cmd.pid > 0 && !cmd.exited) kill(cmd.pid, SIGKILL);
  /* As root, kill(-1) would reach far beyond the sandbox if the agent were ever started outside a container. */
  if (getuid() != 0) kill(-1, SIGKILL);
}

/* Payload: u32 signal number. For the running command's process group only (a client's Ctrl-C, SIGTERM): unlike
   K it leaves the rest of the sandbox alone and lets the program handle the signal. Like K, it has no reply. */
static void signal_command(const unsigned char *pl, uint32_t len) {
  if (len != 4 || !cmd.pid || cmd.exited) return;
  uint32_t sig = get32(pl);
  if (sig < 1 || sig > 64) return;
  /* Before the child's setsid() its group does not exist yet; it is not reaped, so its pid is still its own. */
  if (kill(-cmd.pid, (int)sig) < 0) kill(cmd.pid, (int)sig);
}

static void write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      /* The host is gone: nobody can collect results any more. */
      kill_all();
      _exit(1);
    }
    p += n, len -= (size_t)n;
  }
}

static void send_frame(char type, const void *payload, size_t len) {
  static unsigned char small[5 + CHUNK];
  small[0] = (unsigned char)type;
  put32(small + 1, (uint32_t)len);
  if (len <= CHUNK) {
    /* One write per frame keeps output frames cheap and atomic on the pipe. */
    if (len) memcpy(small + 5, payload, len);
    write_all(1, small, 5 + len);
  } else {
    write_all(1, small, 5);
    write_all(1, payload, len);
  }
}

static void send_error(const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  send_frame('e', msg, n < 0 ? 0 : (size_t)n >= sizeof msg ? sizeof msg - 1 : (size_t)n);
}

/*
 * Walks `path` below /sandbox one component at a time with O_NOFOLLOW, so neither a symlink nor `..` can lead
 * outside. Returns the parent directory's fd and points *leaf at the last component; on failure sends `e`.
 */
static int walk(const char *verb, const char *orig, char *path, int create, char **leaf) {
  char *p = path;
  if (*p == '/') {
    size_t n = strlen(SANDBOX);
    if (strncmp(p, SANDBOX, n) != 0 || (p[n] != '/' && p[n] != '\0')) {
      send_error("cannot %s \"%s\": path is outside " SANDBOX, verb, orig);
      return -1;
    }
    p += n;
  }
  int dir = open(SANDBOX, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0) {
    send_error("cannot %s \"%s\": " SANDBOX ": %s", verb, orig, strerror(errno));
    return -1;
  }
  char *save = NULL, *cur = NULL;
  for (char *tok = strtok_r(p, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
    if (strcmp(tok, ".") == 0) continue;
    if (strcmp(tok, "..") == 0) {
      send_error("cannot %s \"%s\": \"..\" is not allowed", verb, orig);
      close(dir);
      return -1;
    }
    if (cur) {
      int next = openat(dir, cur, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0 && errno == ENOENT && create) {
        if (mkdirat(dir, cur, 0755) < 0 && errno != EEXIST) goto fail;
        next = openat(dir, cur, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      }
      if (next < 0) goto fail;
      close(dir);
      dir = next;
    }
    cur = tok;
  }
  if (!cur) {
    send_error("cannot %s \"%s\": not a file path", verb, orig);
    close(dir);
    return -1;
  }
  *leaf = cur;
  return dir;
fail:;
  int e = errno;
  struct stat st;
  if ((e == ELOOP || e == ENOTDIR) && fstatat(dir, cur, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
    send_error("cannot %s \"%s\": \"%s\" is a symbolic link", verb, orig, cur);
  else
    send_error("cannot %s \"%s\": \"%s\": %s", verb, orig, cur, strerror(e));
  close(dir);
  return -1;
}

/* O_NONBLOCK keeps a FIFO planted by the user's program from blocking the agent; only regular files pass. */
static int open_leaf(const char *verb, const char *orig, int dir, const char *leaf, int flags) {
  int fd = openat(dir, leaf, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
  struct stat st;
  if (fd < 0 && errno == ELOOP) {
    send_error("cannot %s \"%s\": it is a symbolic link", verb, orig);
  } else if (fd < 0 && errno == ENXIO) {
    send_error("cannot %s \"%s\": not a regular file", verb, orig); /* a FIFO nobody reads */
  } else if (fd < 0) {
    send_error("cannot %s \"%s\": %s", verb, orig, strerror(errno));
  } else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    send_error("cannot %s \"%s\": not a regular file", verb, orig);
    close(fd);
    fd = -1;
  }
  return fd;
}

static void write_file(unsigned char *pl, uint32_t len) {
  char *nul = len >= 4 ? memchr(pl + 4, '\0', len - 4) : NULL;
  if (!nul) {
    send_error("malformed F frame");
    return;
  }
  char *path = (char *)pl + 4, *leaf, orig[4096];
  snprintf(orig, sizeof orig, "%s", path);
  const unsigned char *data = (unsigned char *)nul + 1;
  size_t size = len - (size_t)(data - pl);
  int dir = walk("write", orig, path, 1, &leaf);
  if (dir < 0) return;
  int fd = open_leaf("write", orig, dir, leaf, O_WRONLY | O_CREAT | O_TRUNC);
  close(dir);
  if (fd < 0) return;
  /* fchmod because the mode given to open is filtered by the umask and ignored for existing files. */
  int ok = fchmod(fd, get32(pl) & 0777) == 0;
  while (ok && size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = 0;
    else data += n, size -= (size_t)n;
  }
  if (close(fd) < 0) ok = 0;
  if (ok) send_frame('f', NULL, 0);
  else send_error("cannot write \"%s\": %s", orig, strerror(errno));
}

static void read_file(unsigned char *pl, uint32_t len) {
  if (memchr(pl, '\0', len)) {
    send_error("malformed R frame");
    return;
  }
  char *leaf, orig[4096];
  snprintf(orig, sizeof orig, "%s", (char *)pl);
  int dir = walk("read", orig, (char *)pl, 0, &leaf);
  if (dir < 0) return;
  int fd = open_leaf("read", orig, dir, leaf, O_RDONLY);
  close(dir);
  if (fd < 0) return;
  size_t size = 0, cap = 0;
  char *buf = NULL;
  ssize_t n = 1;
  /* Reads one byte past the limit to tell "exactly 64 MiB" from "larger". */
  while (n > 0 && size <= MAX_PAYLOAD) {
    if (size == cap) {
      cap = cap ? cap * 2 : CHUNK;
      if (cap > MAX_PAYLOAD + 1) cap = MAX_PAYLOAD + 1;
      char *grown = realloc(buf, cap);
      if (!grown) {
        n = -1;
        break;
      }
      buf = grown;
    }
    n = read(fd, buf + size, cap - size);
    if (n < 0 && errno == EINTR) n = 1;
    else if (n > 0) size += (size_t)n;
  }
  if (n < 0) send_error("cannot read \"%s\": %s", orig, strerror(errno));
  else if (size > MAX_PAYLOAD) send_error("cannot read \"%s\": larger than 64 MiB", orig);
  else send_frame('r', buf, size);
  free(buf);
  close(fd);
}

static void child(const char *const *argv, char **env, const int in[2], const int out[2], const int err[2]) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  /* An ignored SIGPIPE would survive exec and break `producer | head` in the user's program. */
  signal(SIGPIPE, SIG_DFL);
  setsid();
  dup2(in[0], 0);
  dup2(out[1], 1);
  dup2(err[1], 2);
  if (close_range(3, ~0u, 0) < 0)
    for (int fd = 3; fd < 65536; fd++) close(fd);
  /* execvp looks PATH up in environ, so this is what makes the child's own PATH apply. */
  environ = env;
  execvp(argv[0], (char *const *)argv);
  dprintf(2, "isol8-agent: cannot run \"%s\": %s\n", argv[0], strerror(errno));
  _exit(127);
}

/* Payload: u32 argc, then cwd, argv[0..argc-1] and the env entries, each NUL-terminated. */
static void start_command(unsigned char *pl, uint32_t len) {
  if (cmd.pid) {
    send_error("a command is already running");
    return;
  }
  uint32_t argc = len >= 4 ? get32(pl) : 0, count = 0;
  for (uint32_t i = 4; i < len; i++) count += pl[i] == '\0';
  if (argc == 0 || argc > count || count - argc < 1 || pl[len - 1] != '\0') {
    send_error("malformed C frame");
    return;
  }
  char **strs = malloc((count + 2) * sizeof *strs);
  if (!strs) {
    send_error("cannot start command: %s", strerror(errno));
    return;
  }
  char *s = (char *)pl + 4;
  for (uint32_t i = 0; i < count; i++, s += strlen(s) + 1) strs[i] = s;
  /* argv and env each need a NULL terminator: shift env right by one to make room after argv. */
  memmove(strs + 2 + argc, strs + 1 + argc, (count - 1 - argc) * sizeof *strs);
  strs[1 + argc] = NULL;
  strs[count + 1] = NULL;
  const char *cwd = strs[0];
  if (chdir(SANDBOX) < 0 || (*cwd && chdir(cwd) < 0)) {
    send_error("cannot change directory to \"%s\": %s", cwd, strerror(errno));
    free(strs);
    return;
  }
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) < 0) goto fail;
  if (pipe2(out, O_CLOEXEC) < 0) goto fail_in;
  if (pipe2(err, O_CLOEXEC) < 0) goto fail_out;
  pid_t pid = fork();
  if (pid < 0) goto fail_err;
  if (pid == 0) child((const char *const *)strs + 1, strs + 2 + argc, in, out, err);
  close(in[0]), close(out[1]), close(err[1]);
  cmd.pid = pid, cmd.exited = 0, cmd.in = in[1], cmd.out = out[0], cmd.err = err[0];
  cmd.inoff = cmd.inlen = 0, cmd.inclose = 0;
  fcntl(cmd.in, F_SETFL, O_NONBLOCK);
  fcntl(cmd.out, F_SETFL, O_NONBLOCK);
  fcntl(cmd.err, F_SETFL, O_NONBLOCK);
  free(strs);
  unsigned char p[4];
  put32(p, (uint32_t)pid);
  send_frame('S', p, 4);
  return;
fail_err:
  close(err[0]), close(err[1]);
fail_out:
  close(out[0]), close(out[1]);
fail_in:
  close(in[0]), close(in[1]);
fail:
  send_error("cannot start command: %s", strerror(errno));
  free(strs);
}

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

/* Returns 1 if data was forwarded, 0 otherwise (nothing ready, or EOF which closes *fd). */
static int forward(int *fd, char type) {
  static char buf[CHUNK];
  if (*fd < 0) return 0;
  ssize_t n = read(*fd, buf, sizeof buf);
  if (n > 0) send_frame(type, buf, (size_t)n);
  else if (n == 0 || (errno != EAGAIN && errno != EINTR)) close_fd(fd);
  return n > 0;
}

static void flush_stdin(void) {
  while (cmd.in >= 0 && cmd.inoff < cmd.inlen) {
    ssize_t n = write(cmd.in, cmd.inbuf + cmd.inoff, cmd.inlen - cmd.inoff);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n < 0) {
      /* The reader is gone (EPIPE): what it never read is dropped, as a shell pipeline would. */
      cmd.inoff = cmd.inlen = 0;
      close_fd(&cmd.in);
      return;
    }
    cmd.inoff += (size_t)n;
  }
  cmd.inoff = cmd.inlen = 0;
  if (cmd.inclose) close_fd(&cmd.in);
}

static void queue_stdin(const unsigned char *data, uint32_t len) {
  if (!cmd.pid || cmd.in < 0 || cmd.inclose) return;
  /* Compacting once per frame rather than after each partial write keeps large inputs linear. */
  if (cmd.inoff) memmove(cmd.inbuf, cmd.inbuf + cmd.inoff, cmd.inlen - cmd.inoff);
  cmd.inlen -= cmd.inoff, cmd.inoff = 0;
  if (cmd.inlen + len > cmd.incap) {
    size_t cap = cmd.incap ? cmd.incap : CHUNK;
    while (cap < cmd.inlen + len) cap *= 2;
    char *grown = realloc(cmd.inbuf, cap);
    if (!grown) {
      send_error("out of memory buffering stdin");
      return;
    }
    cmd.inbuf = grown, cmd.incap = cap;
  }
  memcpy(cmd.inbuf + cmd.inlen, data, len);
  cmd.inlen += len;
  flush_stdin();
}

static void reap(void) {
  int status;
  pid_t pid;
  /* The agent is the container's PID 1, so waitpid(-1) also reaps every orphan the user's program leaves. */
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (pid == cmd.pid && !cmd.exited) {
      cmd.exited = 1, cmd.status = status;
      cmd.deadline = now_ms() + DRAIN_MS;
    }
  }
}

static uint32_t oom_kills(void) {
  static const char *const files[] = {"/sys/fs/cgroup/memory/memory.oom_control", "/sys/fs/cgroup/memory.events"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    FILE *f = fopen(files[i], "re");
    if (!f) continue;
    char line[128];
    unsigned long n;
    while (fgets(line, sizeof line, f)) {
      if (sscanf(line, "oom_kill %lu", &n) == 1) {
        fclose(f);
        return (uint32_t)n;
      }
    }
    fclose(f);
  }
  return 0;
}

/* Kept-alive sandboxes (sessions) end themselves after this long without a request and with nothing running. */
static long long idle_ms, last_request_ms;

static void finish_command(void) {
  last_request_ms = now_ms();
  for (int i = 0; i < FINAL_DRAIN_CHUNKS; i++) {
    int got = forward(&cmd.out, 'O');
    got |= forward(&cmd.err, 'E');
    if (!got) break;
  }
  close_fd(&cmd.out), close_fd(&cmd.err), close_fd(&cmd.in);
  int st = cmd.status, sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
  int code = sig ? 128 + sig : WEXITSTATUS(st);
  unsigned char p[12];
  put32(p, (uint32_t)code), put32(p + 4, (uint32_t)sig), put32(p + 8, oom_kills());
  cmd.pid = 0;
  send_frame('X', p, 12);
}

static void quit(int status) {
  kill_all();
  if (cmd.pid && !cmd.exited) {
    while (waitpid(cmd.pid, &cmd.status, 0) < 0 && errno == EINTR) {}
    cmd.exited = 1;
  }
  if (cmd.pid) finish_command();
  exit(status);
}

static void dispatch(char type, unsigned char *pl, uint32_t len) {
  switch (type) {
  case 'F': write_file(pl, len); break;
  case 'R': read_file(pl, len); break;
  case 'C': start_command(pl, len); break;
  case 'I': queue_stdin(pl, len); break;
  case 'i': cmd.inclose = 1, flush_stdin(); break;
  case 'K': kill_all(); break;
  case 'G': signal_command(pl, len); break;
  case 'Q': quit(0); break;
  default: send_error("unknown frame type 0x%02x", (unsigned char)type);
  }
}

/* Frames may arrive split across reads or several in one read: keep the partial one between calls. */
static void read_host(void) {
  static unsigned char head[5], *payload, buf[CHUNK];
  static size_t headlen;
  static uint32_t plen, pgot;
  ssize_t n = read(0, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) quit(0);
  last_request_ms = now_ms();
  for (size_t i = 0; i < (size_t)n;) {
    if (headlen < 5) {
      head[headlen++] = buf[i++];
      if (headlen < 5) continue;
      plen = get32(head + 1), pgot = 0;
      if (plen > MAX_PAYLOAD) {
        send_error("frame of %u bytes exceeds the 64 MiB limit", plen);
        kill_all();
        exit(2);
      }
      /* One spare byte so string payloads can be NUL-terminated in place. */
      payload = malloc((size_t)plen + 1);
      if (!payload) {
        send_error("out of memory for a frame of %u bytes", plen);
        kill_all();
        exit(2);
      }
    }
    size_t take = (size_t)n - i < plen - pgot ? (size_t)n - i : plen - pgot;
    memcpy(payload + pgot, buf + i, take);
    i += take, pgot += (uint32_t)take;
    if (pgot == plen) {
      payload[plen] = '\0';
      headlen = 0;
      dispatch((char)head[0], payload, plen);
      free(payload);
      payload = NULL;
    }
  }
}

int main(void) {
  /* Not dumpable: the user's program runs as the same uid and must not read the agent's memory or fds. */
  prctl(PR_SET_DUMPABLE, 0);
  signal(SIGPIPE, SIG_IGN);
  for (int fd = 0; fd < 3; fd++)
    if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd) return 2;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  sigprocmask(SIG_BLOCK, &set, NULL);
  sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sigfd < 0) {
    perror("isol8-agent: signalfd");
    return 2;
  }
  const char *idle = getenv("ISOL8_IDLE_TIMEOUT_MS");
  idle_ms = idle ? atoll(idle) : 0;
  last_request_ms = now_ms();
  send_frame('H', VERSION, strlen(VERSION));
  for (;;) {
    struct pollfd p[5] = {{sigfd, POLLIN, 0}, {0, POLLIN, 0}, {cmd.out, POLLIN, 0}, {cmd.err, POLLIN, 0},
                          {cmd.inoff < cmd.inlen ? cmd.in : -1, POLLOUT, 0}};
    int timeout = -1;
    if (cmd.pid && cmd.exited) {
      long long left = cmd.deadline - now_ms();
      timeout = left < 0 ? 0 : (int)left;
    } else if (!cmd.pid && idle_ms > 0) {
      long long left = last_request_ms + idle_ms - now_ms();
      if (left <= 0) quit(0);
      timeout = left > 60000 ? 60000 : (int)left;
    }
    if (poll(p, 5, timeout) < 0 && errno != EINTR) {
      perror("isol8-agent: poll");
      quit(2);
    }
    if (p[0].revents) {
      struct signalfd_siginfo si;
      /* Stop requests count only from outside the container (pid 0 here) or from a parent when the agent is not
         PID 1: the user's program runs as the same uid and could otherwise end the agent with a plain kill. */
      while (read(sigfd, &si, sizeof si) == sizeof si)
        if (si.ssi_signo != SIGCHLD && (si.ssi_pid == 0 || si.ssi_pid == (uint32_t)getppid())) quit(0);
      reap();
    }
    if (p[2].revents) forward(&cmd.out, 'O');
    if (p[3].revents) forward(&cmd.err, 'E');
    if (p[4].revents) flush_stdin();
    if (p[1].revents) read_host();
    if (cmd.pid && cmd.exited && ((cmd.out < 0 && cmd.err < 0) || now_ms() >= cmd.deadline)) finish_command();
  }
}
