#ifndef LEVYSCORE_WORKERS_H
#define LEVYSCORE_WORKERS_H

/*
 * A fixed team of threads that runs one task split in parts: workers_run calls task(context, part)
 * for part = 0 .. parts-1, one part per thread (the caller's thread takes part 0), and returns when
 * all parts are done. Parts must not depend on each other's order.
 */
struct workers;

typedef void (*workers_task)(void *context, int part);

/* Start count - 1 threads (count >= 1). Returns NULL when a thread cannot be created. */
struct workers *workers_start(int count);

/* Number of parts each run is split into. */
int workers_count(const struct workers *workers);

void workers_run(struct workers *workers, workers_task task, void *context);

void workers_stop(struct workers *workers);

/* Online CPUs, at least 1. */
int workers_online_cpus(void);

#endif
