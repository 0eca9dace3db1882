/* The one main of every Check suite: each test file provides vio_test_suite(). */
#include <check.h>
#include <stdlib.h>

Suite *vio_test_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(vio_test_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
