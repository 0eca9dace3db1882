/* The shared fixture of the queue suites; see fake_queue_env.h. */
#include "fake_queue_env.h"

#include <check.h>
#include <string.h>

#include "vio/spec.h"

struct fake_hal fh;
struct fake_transport ft;
struct fake_vring vr;
struct vio_queue q;
uint8_t bufs[VIO_QUEUE_MAX_SG][64];

void fake_queue_setup(void)
{
    fake_hal_init(&fh);
    fake_transport_init(&ft, &fh);
    fake_vring_attach(&vr, &fh, &ft);
    memset(&q, 0, sizeof q);
}

void fake_queue_teardown(void)
{
    /* no descriptor leaked: taking back what is in flight restores every one */
    vio_queue_reclaim_all(&q);
    ck_assert_uint_eq(vio_queue_num_free(&q), q.size);
    vio_queue_deinit(&q);
    fake_hal_assert_clean(&fh);
}

void fake_queue_init(uint64_t features, uint16_t size)
{
    ft.t.features = VIO_F_VERSION_1 | features;
    ck_assert_int_eq(vio_queue_init(&q, &ft.t, 0, size), 0);
}

int fake_queue_add(unsigned n_out, unsigned n_in, void *cookie)
{
    struct vio_sg sg[VIO_QUEUE_MAX_SG + 1];
    for (unsigned i = 0; i < n_out + n_in && i <= VIO_QUEUE_MAX_SG; i++)
        sg[i] = (struct vio_sg){bufs[i % VIO_QUEUE_MAX_SG], sizeof bufs[0]};
    return vio_queue_add(&q, sg, n_out, n_in, cookie);
}

void fake_queue_cycle(void)
{
    int token = fake_queue_add(1, 0, NULL);
    ck_assert_int_ge(token, 0);
    vio_queue_kick(&q);
    fake_vring_complete(&vr, (uint32_t)token, 0);
    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), 1);
}
