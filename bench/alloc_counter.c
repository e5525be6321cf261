/* LD_PRELOAD allocation counter for bench/run.sh ("allocations per request", issue #13).
 *
 * Interposes malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign, forwards them
 * to glibc's own entry points (__libc_*: no dlsym, which may itself allocate) and counts the
 * calls in a uint64 that lives in the file named by ALLOC_COUNTER_FILE, mapped MAP_SHARED, so
 * that the script reads it from outside while the server runs (od -An -tu8 -N8 FILE).
 * Without ALLOC_COUNTER_FILE (or if the file cannot be mapped) it counts nothing and only
 * forwards. free is not counted. C++'s operator new ends in malloc, so it is counted too.
 *
 * Build: bench/CMakeLists.txt (target spotauth_alloc_counter, libspotauth_alloc_counter.so). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

/* Set once by the constructor, before the program's threads exist; NULL: count nothing. */
static uint64_t *counter;

static inline void count_one(void) {
  if (counter) __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/* Runs before main. Only getenv (it reads environ) and system calls here: the counter must be in
 * place without asking the allocator it watches for anything. */
__attribute__((constructor)) static void alloc_counter_init(void) {
  const char *path = getenv("ALLOC_COUNTER_FILE");
  if (!path || !*path) return;
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  /* Grows a new (empty) file to 8 zero bytes; an existing count is kept (readers take deltas). */
  if (ftruncate(fd, sizeof(uint64_t)) == 0) {
    void *p = mmap(NULL, sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p != MAP_FAILED) counter = p;
  }
  close(fd);
}

void *malloc(size_t size) {
  count_one();
  return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
  count_one();
  return __libc_calloc(count, size);
}

void *realloc(void *ptr, size_t size) {
  count_one();
  return __libc_realloc(ptr, size);
}

void *memalign(size_t alignment, size_t size) {
  count_one();
  return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
  count_one();
  return __libc_memalign(alignment, size);
}

/* posix_memalign reports errors itself instead of through errno, and wants a power of two
 * that is a multiple of sizeof(void *), as glibc's checks. */
int posix_memalign(void **out, size_t alignment, size_t size) {
  count_one();
  if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0 || alignment == 0)
    return EINVAL;
  int saved = errno;
  void *p = __libc_memalign(alignment, size);
  if (!p) {
    errno = saved;
    return ENOMEM;
  }
  *out = p;
  return 0;
}
