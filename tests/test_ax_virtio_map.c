/* The bridge's mapping of virtio device types and errors onto the axdriver ones. */
#include <check.h>
#include <limits.h>

#include "axdriver_virtio.h"
#include "vio/err.h"
#include "vio/spec.h"

/* The seed's as_dev_err table, row by row. */
static const struct {
    int vio;
    enum ax_dev_err ax;
} err_table[] = {
    {VIO_ERR_QUEUE_FULL, AX_ERR_BAD_STATE},
    {VIO_ERR_NOT_READY, AX_ERR_AGAIN},
    {VIO_ERR_WRONG_TOKEN, AX_ERR_BAD_STATE},
    {VIO_ERR_ALREADY_USED, AX_ERR_ALREADY_EXISTS},
    {VIO_ERR_INVALID_PARAM, AX_ERR_INVALID_PARAM},
    {VIO_ERR_DMA_ERROR, AX_ERR_NO_MEMORY},
    {VIO_ERR_IO_ERROR, AX_ERR_IO},
    {VIO_ERR_UNSUPPORTED, AX_ERR_UNSUPPORTED},
    {VIO_ERR_CONFIG_SPACE_TOO_SMALL, AX_ERR_BAD_STATE},
    {VIO_ERR_CONFIG_SPACE_MISSING, AX_ERR_BAD_STATE},
};

START_TEST(each_virtio_error_maps_to_its_row)
{
    int row = _i;
    ck_assert_int_eq(ax_virtio_as_dev_err(err_table[row].vio), err_table[row].ax);
}
END_TEST

START_TEST(the_table_covers_every_virtio_error_once)
{
    ck_assert_int_eq(sizeof err_table / sizeof err_table[0], VIO_ERR_COUNT);
    for (int e = -1; e >= -VIO_ERR_COUNT; e--) {
        int seen = 0;
        for (unsigned r = 0; r < VIO_ERR_COUNT; r++)
            seen += err_table[r].vio == e;
        ck_assert_msg(seen == 1, "%s appears %d times", vio_err_name(e), seen);
    }
}
END_TEST

START_TEST(out_of_range_values_map_to_ok_or_bad_state)
{
    ck_assert_int_eq(ax_virtio_as_dev_err(0), AX_OK);
    ck_assert_int_eq(ax_virtio_as_dev_err(5), AX_OK);
    ck_assert_int_eq(ax_virtio_as_dev_err(INT_MAX), AX_OK);
    ck_assert_int_eq(ax_virtio_as_dev_err(-VIO_ERR_COUNT - 1), AX_ERR_BAD_STATE);
    ck_assert_int_eq(ax_virtio_as_dev_err(-1000), AX_ERR_BAD_STATE);
    ck_assert_int_eq(ax_virtio_as_dev_err(INT_MIN), AX_ERR_BAD_STATE);
}
END_TEST

START_TEST(block_net_and_gpu_map_to_their_kinds)
{
    enum ax_device_type t = AX_DEVICE_CHAR;
    ck_assert(ax_virtio_as_dev_type(VIO_ID_BLOCK, &t));
    ck_assert_int_eq(t, AX_DEVICE_BLOCK);
    ck_assert(ax_virtio_as_dev_type(VIO_ID_NET, &t));
    ck_assert_int_eq(t, AX_DEVICE_NET);
    ck_assert(ax_virtio_as_dev_type(VIO_ID_GPU, &t));
    ck_assert_int_eq(t, AX_DEVICE_DISPLAY);
}
END_TEST

START_TEST(every_other_device_type_maps_to_none)
{
    unsigned mapped = 0;
    for (uint32_t id = 0; id < 256; id++) {
        enum ax_device_type t = AX_DEVICE_CHAR;
        if (ax_virtio_as_dev_type(id, &t)) {
            mapped++;
            ck_assert(id == VIO_ID_BLOCK || id == VIO_ID_NET || id == VIO_ID_GPU);
        } else {
            ck_assert_int_eq(t, AX_DEVICE_CHAR); /* untouched */
        }
    }
    ck_assert_uint_eq(mapped, 3);
    enum ax_device_type t;
    ck_assert(!ax_virtio_as_dev_type(UINT32_MAX, &t));
    ck_assert(!ax_virtio_as_dev_type(VIO_ID_BLOCK + 0x10000u, &t));
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("ax_virtio_map");
    TCase *tc = tcase_create("errors");
    tcase_add_loop_test(tc, each_virtio_error_maps_to_its_row, 0, VIO_ERR_COUNT);
    tcase_add_test(tc, the_table_covers_every_virtio_error_once);
    tcase_add_test(tc, out_of_range_values_map_to_ok_or_bad_state);
    suite_add_tcase(s, tc);
    tc = tcase_create("types");
    tcase_add_test(tc, block_net_and_gpu_map_to_their_kinds);
    tcase_add_test(tc, every_other_device_type_maps_to_none);
    suite_add_tcase(s, tc);
    return s;
}
