/*
 * The error-mapping matrix (sim/cli/viosim_matrix.c, which viosim also
 * prints): one test per virtio error. Each row builds a machine, sets its
 * fault or misuse, calls the generic interface as an OS would and must see
 * the mapped ax_dev_err, caused by that very virtio error. Then the device
 * must have given everything back, work again once the fault is cleared and
 * it is probed again, and the bench must have seen no conformance violation.
 */
#include <check.h>

#include "axdriver_virtio.h"
#include "vio/err.h"
#include "viosim_matrix.h"

START_TEST(each_virtio_error_reaches_the_os_as_its_mapped_ax_error)
{
    const struct viosim_matrix_row *row = viosim_matrix_row((size_t)_i);
    ck_assert_ptr_nonnull(row);
    const char *name = vio_err_name(row->vio_err);
    /* the row expects what the bridge's table says */
    ck_assert_int_eq(ax_virtio_as_dev_err(row->vio_err), row->ax_err);

    struct viosim_matrix_seen seen;
    viosim_matrix_run((size_t)_i, NULL, &seen);
    ck_assert_msg(seen.reached, "%s (%s): %s", name, row->fault, seen.why);
    ck_assert_msg(seen.ax_err == (int)row->ax_err, "%s (%s): the OS saw %s, not %s", name,
                  row->fault, ax_dev_err_name(seen.ax_err), ax_dev_err_name(row->ax_err));
    /* and it came from the intended virtio error, not another one mapped alike */
    ck_assert_msg(seen.vio_err == row->vio_err, "%s (%s): caused by %s", name, row->fault,
                  vio_err_name(seen.vio_err));
    ck_assert_msg(seen.after_ok, "%s (%s): %s", name, row->fault, seen.why);
    ck_assert(viosim_matrix_ok((size_t)_i, &seen));
}
END_TEST

START_TEST(the_rows_cover_every_virtio_error_once)
{
    ck_assert_uint_eq(viosim_matrix_rows(), VIO_ERR_COUNT);
    ck_assert_ptr_null(viosim_matrix_row(VIO_ERR_COUNT));
    for (int e = -1; e >= -VIO_ERR_COUNT; e--) {
        unsigned seen = 0;
        for (size_t i = 0; i < viosim_matrix_rows(); i++)
            seen += viosim_matrix_row(i)->vio_err == e;
        ck_assert_msg(seen == 1, "%s: %u rows", vio_err_name(e), seen);
    }
}
END_TEST

/* What viosim counts as ok: the right error from the right cause, and the after-checks. */
START_TEST(a_row_is_ok_only_with_its_error_its_cause_and_its_after_checks)
{
    const struct viosim_matrix_row *row = viosim_matrix_row(0);
    struct viosim_matrix_seen good = {
        .reached = true, .ax_err = row->ax_err, .vio_err = row->vio_err, .after_ok = true};
    ck_assert(viosim_matrix_ok(0, &good));
    struct viosim_matrix_seen bad = good;
    bad.reached = false;
    ck_assert(!viosim_matrix_ok(0, &bad));
    bad = good;
    bad.ax_err = AX_OK;
    ck_assert(!viosim_matrix_ok(0, &bad));
    bad = good;
    bad.vio_err = row->vio_err == VIO_ERR_IO_ERROR ? VIO_ERR_NOT_READY : VIO_ERR_IO_ERROR;
    ck_assert(!viosim_matrix_ok(0, &bad));
    bad = good;
    bad.after_ok = false;
    ck_assert(!viosim_matrix_ok(0, &bad));
    ck_assert(!viosim_matrix_ok(VIO_ERR_COUNT, &good));
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("ax_matrix");
    TCase *tc = tcase_create("matrix");
    tcase_add_loop_test(tc, each_virtio_error_reaches_the_os_as_its_mapped_ax_error, 0,
                        (int)viosim_matrix_rows());
    tcase_add_test(tc, the_rows_cover_every_virtio_error_once);
    tcase_add_test(tc, a_row_is_ok_only_with_its_error_its_cause_and_its_after_checks);
    suite_add_tcase(s, tc);
    return s;
}
