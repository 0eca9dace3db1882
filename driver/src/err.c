/* Names and descriptions of enum vio_err, generated from the VIO_ERR_MAP table. */
#include "vio/err.h"

const char *vio_err_name(int err)
{
    switch (err) {
    case VIO_OK:
        return "Ok";
#define VIO__ERR_NAME(e, v, n, s)                                                                  \
    case VIO_ERR_##e:                                                                              \
        return #n;
        VIO_ERR_MAP(VIO__ERR_NAME)
#undef VIO__ERR_NAME
    default:
        return "Unknown";
    }
}

const char *vio_err_str(int err)
{
    switch (err) {
    case VIO_OK:
        return "success";
#define VIO__ERR_STR(e, v, n, s)                                                                   \
    case VIO_ERR_##e:                                                                              \
        return s;
        VIO_ERR_MAP(VIO__ERR_STR)
#undef VIO__ERR_STR
    default:
        return "unknown error";
    }
}
