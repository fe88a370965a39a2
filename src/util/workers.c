#include "levyscore/workers.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

struct worker {
    struct workers *team;
    pthread_t thread;
    int part;
};

struct workers {
    int count;
    pthread_mutex_t lock;
    pthread_cond_t work_ready;
    pthread_cond_t work_done;
    unsigned long generation;       /* bumped once per workers_run */
    int pending;                    /* parts not finished in this generation */
    bool stopping;
    workers_task task;
    void *context;
    struct worker *threads;         /* count - 1 of them, parts 1 .. count - 1 */
};

static void *worker_main(void *argument)
{
    struct worker *self = argument;
    struct workers *team = self->team;
    unsigned long seen = 0;

    pthread_mutex_lock(&team->lock);
    for (;;) {
        while (team->generation == seen && !team->stopping)
            pthread_cond_wait(&team->work_ready, &team->lock);
        if (team->stopping)
            break;
        seen = team->generation;
        workers_task task = team->task;
        void *context = team->context;
        pthread_mutex_unlock(&team->lock);

        task(context, self->part);

        pthread_mutex_lock(&team->lock);
        if (--team->pending == 0)
            pthread_cond_signal(&team->work_done);
    }
    pthread_mutex_unlock(&team->lock);
    return NULL;
}

struct workers *workers_start(int count)
{
    struct workers *team = calloc(1, sizeof *team);
    if (!team)
        return NULL;
    team->count = count < 1 ? 1 : count;
    pthread_mutex_init(&team->lock, NULL);
    pthread_cond_init(&team->work_ready, NULL);
    pthread_cond_init(&team->work_done, NULL);

    team->threads = calloc((size_t)team->count, sizeof *team->threads);
    if (!team->threads) {
        workers_stop(team);
        return NULL;
    }
    for (int i = 1; i < team->count; i++) {
        struct worker *worker = &team->threads[i - 1];
        worker->team = team;
        worker->part = i;
        if (pthread_create(&worker->thread, NULL, worker_main, worker) != 0) {
            team->count = i;
            workers_stop(team);
            return NULL;
        }
    }
    return team;
}

int workers_count(const struct workers *workers)
{
    return workers->count;
}

void workers_run(struct workers *team, workers_task task, void *context)
{
    if (team->count == 1) {
        task(context, 0);
        return;
    }

    pthread_mutex_lock(&team->lock);
    team->task = task;
    team->context = context;
    team->pending = team->count - 1;
    team->generation++;
    pthread_cond_broadcast(&team->work_ready);
    pthread_mutex_unlock(&team->lock);

    task(context, 0);

    pthread_mutex_lock(&team->lock);
    while (team->pending > 0)
        pthread_cond_wait(&team->work_done, &team->lock);
    pthread_mutex_unlock(&team->lock);
}

void workers_stop(struct workers *team)
{
    if (!team)
        return;
    pthread_mutex_lock(&team->lock);
    team->stopping = true;
    pthread_cond_broadcast(&team->work_ready);
    pthread_mutex_unlock(&team->lock);
    for (int i = 1; i < team->count && team->threads; i++)
        pthread_join(team->threads[i - 1].thread, NULL);
    pthread_mutex_destroy(&team->lock);
    pthread_cond_destroy(&team->work_ready);
    pthread_cond_destroy(&team->work_done);
    free(team->threads);
    free(team);
}

int workers_online_cpus(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus < 1 ? 1 : (int)cpus;
}
