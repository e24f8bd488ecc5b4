// berth-logger: one small process per running container between conmon and the log files.
//
// conmon holds the container's stdio and writes its k8s-file records (`TIME STREAM F|P DATA\n`)
// into a FIFO; this program reads them and writes Docker's json-file format
// (`{"log":"…","stream":"stdout","time":"…Z"}\n`, escaped exactly as dockerd's jsonlog does),
// rotating by size as dockerd's loggerutils does: `<file>.1`, `<file>.2` …, or with compress
// `<file>.1.gz` … (gzip, header Extra `{"lastTime":"…"}`), at most max-file files.
//
// It does not depend on berthd: it keeps writing while berthd is stopped or restarted, and exits
// when conmon closes the FIFO (the container's end). Usage:
//
//   berth-logger FIFO LOGFILE MAX_SIZE MAX_FILE COMPRESS(0|1)
//
// MAX_SIZE in bytes (-1: unbounded). It makes FIFO and opens LOGFILE, then forks: the parent
// prints `ready PID\n` and exits 0 (or prints an error and exits 1); the child carries on in its
// own session, blocked on the FIFO until conmon opens it (60 s at most).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define IN_CAP (256 * 1024)
#define OUT_CAP (1024 * 1024)
// One record's content is at most this long in one entry: its escaped form (6 bytes per input
// byte at worst) must fit the output buffer. conmon's records are far shorter (8 KiB reads).
#define MAX_CONTENT ((OUT_CAP - 256) / 6)

static const char *log_path;
static int log_fd = -1;
static int64_t max_size = -1;
static int max_file = 1;
static int compress_rotated = 0;
static int64_t file_size = 0;
static char out[OUT_CAP];
static size_t out_len = 0;
static pid_t compressor = 0;
// RFC 3339 time of the last entry written (the gzip header of a compressed file carries it).
static char last_time[40] = "";

static void die(const char *what) {
  dprintf(1, "error %s: %s\n", what, strerror(errno));
  exit(1);
}

static void write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;  // disk full or the like: the entry is lost, as dockerd loses it
    }
    p += w;
    n -= (size_t)w;
  }
}

static void flush_out(void) {
  if (out_len == 0) return;
  write_all(log_fd, out, out_len);
  file_size += (int64_t)out_len;
  out_len = 0;
}

static void wait_compressor(void) {
  if (compressor <= 0) return;
  while (waitpid(compressor, NULL, 0) < 0 && errno == EINTR) {
  }
  compressor = 0;
}

// gzip `<src>` into `<src>.gz` (header Extra: dockerd's rotateFileMetadata), then unlink `<src>`.
// Readers try `<src>` first, so a complete copy can always be opened.
static int compress_file(const char *src, const char *lt) {
  char dst[4200];
  snprintf(dst, sizeof dst, "%s.gz", src);
  int in = open(src, O_RDONLY | O_CLOEXEC);
  if (in < 0) return errno == ENOENT ? 0 : -1;
  int o = open(dst, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0640);
  if (o < 0) {
    close(in);
    return -1;
  }
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  // Level 1: JSON lines compress well at any level, and this runs while the container floods.
  if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
  char extra[96];
  int xlen = snprintf(extra, sizeof extra, "{\"lastTime\":\"%s\"}", lt[0] ? lt : "0001-01-01T00:00:00Z");
  gz_header h;
  memset(&h, 0, sizeof h);
  h.extra = (Bytef *)extra;
  h.extra_len = (uInt)xlen;
  h.os = 255;  // unknown, as Go's compress/gzip writes
  deflateSetHeader(&zs, &h);
  static unsigned char ib[256 * 1024], ob[256 * 1024];
  int ok = 1;
  for (;;) {
    ssize_t n = read(in, ib, sizeof ib);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ok = 0;
      break;
    }
    zs.next_in = ib;
    zs.avail_in = (uInt)n;
    int flush = n == 0 ? Z_FINISH : Z_NO_FLUSH;
    int r;
    do {
      zs.next_out = ob;
      zs.avail_out = sizeof ob;
      r = deflate(&zs, flush);
      size_t have = sizeof ob - zs.avail_out;
      if (have) write_all(o, (char *)ob, have);
    } while (zs.avail_out == 0);
    if (n == 0 || r == Z_STREAM_END) break;
  }
  deflateEnd(&zs);
  if (fsync(o) < 0 || close(o) < 0) ok = 0;
  close(in);
  if (!ok) {
    unlink(dst);
    return -1;
  }
  unlink(src);
  return 0;
}

// dockerd's rotate(): drop the oldest, shift `.i-1` → `.i`, current → `.1` (or removed when
// max-file is 1), a new empty current file; then compress `.1` in the background.
static void rotate(void) {
  flush_out();
  wait_compressor();  // one rotation at a time, as dockerd's rotateMu
  char from[4096], to[4096];
  const char *ext = compress_rotated ? ".gz" : "";
  close(log_fd);
  if (max_file < 2) {
    unlink(log_path);
  } else {
    snprintf(to, sizeof to, "%s.%d%s", log_path, max_file - 1, ext);
    unlink(to);
    for (int i = max_file - 1; i > 1; i--) {
      snprintf(to, sizeof to, "%s.%d%s", log_path, i, ext);
      snprintf(from, sizeof from, "%s.%d%s", log_path, i - 1, ext);
      rename(from, to);
    }
    snprintf(to, sizeof to, "%s.1", log_path);
    rename(log_path, to);
  }
  log_fd = open(log_path, O_WRONLY | O_TRUNC | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  file_size = 0;
  if (log_fd < 0) log_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (compress_rotated && max_file >= 2) {
    char lt[40];
    memcpy(lt, last_time, sizeof lt);
    pid_t p = fork();
    if (p == 0) {
      snprintf(to, sizeof to, "%s.1", log_path);
      _exit(compress_file(to, lt) == 0 ? 0 : 1);
    }
    if (p > 0) compressor = p;
  }
}

// ---- time: conmon writes local time with an offset; Docker's files hold UTC, RFC3339Nano ----

static char ts_in[64];
static size_t ts_in_len = 0;
static char ts_out[40];
static size_t ts_out_len = 0;

static int num(const char *p, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

// `2026-11-23T04:52:31.643162609+01:00` → `2026-11-23T03:52:31.643162609Z` (trailing zeros of the
// fraction dropped, as Go's RFC3339Nano). Cached: conmon stamps every line of one read alike.
static int convert_time(const char *t, size_t n) {
  if (n == ts_in_len && memcmp(t, ts_in, n) == 0) return 0;
  if (n < 20 || n >= sizeof ts_in) return -1;
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  tm.tm_year = num(t, 4) - 1900;
  tm.tm_mon = num(t + 5, 2) - 1;
  tm.tm_mday = num(t + 8, 2);
  tm.tm_hour = num(t + 11, 2);
  tm.tm_min = num(t + 14, 2);
  tm.tm_sec = num(t + 17, 2);
  size_t i = 19;
  char frac[10] = "000000000";
  if (i < n && t[i] == '.') {
    i++;
    size_t k = 0;
    while (i < n && t[i] >= '0' && t[i] <= '9') {
      if (k < 9) frac[k++] = t[i];
      i++;
    }
  }
  long off = 0;
  if (i < n && (t[i] == '+' || t[i] == '-') && i + 6 <= n) {
    int h = num(t + i + 1, 2), m = num(t + i + 4, 2);
    off = (h * 3600L + m * 60L) * (t[i] == '-' ? -1 : 1);
  }
  time_t secs = timegm(&tm) - off;
  struct tm u;
  gmtime_r(&secs, &u);
  int fl = 9;
  while (fl > 0 && frac[fl - 1] == '0') fl--;
  int len = snprintf(ts_out, sizeof ts_out, "%04d-%02d-%02dT%02d:%02d:%02d", u.tm_year + 1900, u.tm_mon + 1, u.tm_mday, u.tm_hour,
                     u.tm_min, u.tm_sec);
  if (fl > 0) len += snprintf(ts_out + len, sizeof ts_out - (size_t)len, ".%.*s", fl, frac);
  ts_out[len++] = 'Z';
  ts_out[len] = 0;
  ts_out_len = (size_t)len;
  memcpy(ts_in, t, n);
  ts_in_len = n;
  return 0;
}

// ---- JSON string escaping, byte for byte as dockerd's ffjsonWriteJSONBytesAsString ----

static unsigned char plain[256];

static void init_tables(void) {
  for (int b = 0; b < 256; b++) plain[b] = b >= 0x20 && b < 0x80 && b != '\\' && b != '"' && b != '<' && b != '>' && b != '&';
}

// Length of the valid UTF-8 sequence at p (Go's utf8.DecodeRune rules), 0 when invalid.
static size_t utf8_len(const unsigned char *p, size_t n, uint32_t *cp) {
  unsigned char c = p[0];
  if (c >= 0xC2 && c <= 0xDF) {
    if (n < 2 || (p[1] & 0xC0) != 0x80) return 0;
    *cp = ((uint32_t)(c & 0x1F) << 6) | (p[1] & 0x3F);
    return 2;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;  // overlong
    if (c == 0xED && p[1] > 0x9F) return 0;  // surrogates
    *cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;
    if (c == 0xF4 && p[1] > 0x8F) return 0;
    *cp = 0;
    return 4;
  }
  return 0;
}

static void escape(const unsigned char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  char *o = out + out_len;
  size_t i = 0;
  while (i < n) {
    size_t start = i;
    while (i < n && plain[s[i]]) i++;
    if (i > start) {
      memcpy(o, s + start, i - start);
      o += i - start;
    }
    if (i >= n) break;
    unsigned char b = s[i];
    if (b < 0x80) {
      if (b == '\\' || b == '"') {
        *o++ = '\\';
        *o++ = (char)b;
      } else if (b == '\n') {
        *o++ = '\\';
        *o++ = 'n';
      } else if (b == '\r') {
        *o++ = '\\';
        *o++ = 'r';
      } else {
        memcpy(o, "\\u00", 4);
        o[4] = hex[b >> 4];
        o[5] = hex[b & 0xF];
        o += 6;
      }
      i++;
      continue;
    }
    uint32_t cp = 0;
    size_t l = utf8_len(s + i, n - i, &cp);
    if (l == 0) {
      memcpy(o, "\\ufffd", 6);
      o += 6;
      i++;
    } else if (l == 3 && (cp == 0x2028 || cp == 0x2029)) {
      memcpy(o, "\\u202", 5);
      o[5] = hex[cp & 0xF];
      o += 6;
      i += 3;
    } else {
      memcpy(o, s + i, l);
      o += l;
      i += l;
    }
  }
  out_len = (size_t)(o - out);
}

static void append(const char *s, size_t n) {
  memcpy(out + out_len, s, n);
  out_len += n;
}

// One json-file entry. `full`: the record ended a line, so its newline is part of "log".
static void entry(const unsigned char *data, size_t n, int is_stderr, int full) {
  if (max_size > 0 && file_size + (int64_t)out_len >= max_size) rotate();
  if (out_len + n * 6 + 128 > OUT_CAP) flush_out();
  append("{\"log\":\"", 8);
  escape(data, n);
  if (full) append("\\n", 2);
  if (is_stderr)
    append("\",\"stream\":\"stderr\",\"time\":\"", 28);
  else
    append("\",\"stream\":\"stdout\",\"time\":\"", 28);
  append(ts_out, ts_out_len);
  append("\"}\n", 3);
  memcpy(last_time, ts_out, ts_out_len + 1);
}

// One k8s-file line from conmon, without its newline.
static void record(const unsigned char *line, size_t n) {
  const unsigned char *sp1 = memchr(line, ' ', n);
  if (!sp1) return;
  size_t tlen = (size_t)(sp1 - line);
  const unsigned char *rest = sp1 + 1;
  size_t rn = n - tlen - 1;
  int is_stderr;
  if (rn >= 7 && memcmp(rest, "stdout ", 7) == 0)
    is_stderr = 0;
  else if (rn >= 7 && memcmp(rest, "stderr ", 7) == 0)
    is_stderr = 1;
  else
    return;
  rest += 7;
  rn -= 7;
  if (rn < 1) return;
  int full = rest[0] == 'F';
  const unsigned char *data = rn >= 2 ? rest + 2 : rest + rn;
  size_t dn = rn >= 2 ? rn - 2 : 0;
  if (convert_time((const char *)line, tlen) < 0) return;
  // dockerd omits an empty "log"; conmon never writes an empty partial record.
  if (!full && dn == 0) return;
  while (dn > MAX_CONTENT) {
    entry(data, MAX_CONTENT, is_stderr, 0);
    data += MAX_CONTENT;
    dn -= MAX_CONTENT;
  }
  entry(data, dn, is_stderr, full);
}

static void on_alarm(int sig) {
  (void)sig;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    dprintf(1, "error usage: berth-logger FIFO LOGFILE MAX_SIZE MAX_FILE COMPRESS\n");
    return 2;
  }
  const char *fifo = argv[1];
  log_path = argv[2];
  max_size = strtoll(argv[3], NULL, 10);
  max_file = atoi(argv[4]);
  compress_rotated = atoi(argv[5]) != 0;
  if (max_file < 1) max_file = 1;
  init_tables();
  signal(SIGPIPE, SIG_IGN);

  unlink(fifo);
  if (mkfifo(fifo, 0600) < 0) die("mkfifo");
  log_fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (log_fd < 0) die("open log file");
  struct stat st;
  if (fstat(log_fd, &st) == 0) file_size = st.st_size;

  pid_t child = fork();
  if (child < 0) die("fork");
  if (child > 0) {
    dprintf(1, "ready %d\n", (int)child);
    _exit(0);
  }
  setsid();
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull >= 0) {
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    close(devnull);
  }
  // conmon opens the FIFO while it parses its options, right after berthd has seen us ready.
  // Should it never come (berthd died in between), do not wait forever.
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  alarm(60);
  int in = open(fifo, O_RDONLY | O_CLOEXEC);
  alarm(0);
  unlink(fifo);  // both ends are open: the name is no longer needed
  if (in < 0) return 1;
  fcntl(in, F_SETPIPE_SZ, 1024 * 1024);  // fewer wake-ups for conmon and us under a flood
  int fl = fcntl(in, F_GETFL);
  fcntl(in, F_SETFL, fl | O_NONBLOCK);

  static unsigned char buf[IN_CAP];
  size_t have = 0;
  for (;;) {
    ssize_t n = read(in, buf + have, sizeof buf - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      // Nothing more for now: what we have goes to the file before we sleep.
      flush_out();
      struct pollfd pfd = {.fd = in, .events = POLLIN};
      while (poll(&pfd, 1, -1) < 0 && errno == EINTR) {
      }
      continue;
    }
    if (n <= 0) break;
    have += (size_t)n;
    size_t pos = 0;
    for (;;) {
      unsigned char *nl = memchr(buf + pos, '\n', have - pos);
      if (!nl) break;
      record(buf + pos, (size_t)(nl - (buf + pos)));
      pos = (size_t)(nl - buf) + 1;
    }
    if (pos == 0 && have == sizeof buf) {
      // A line longer than the buffer (never from conmon): take it as it is.
      record(buf, have);
      have = 0;
      continue;
    }
    memmove(buf, buf + pos, have - pos);
    have -= pos;
  }
  if (have) record(buf, have);
  flush_out();
  wait_compressor();
  close(log_fd);
  return 0;
}
