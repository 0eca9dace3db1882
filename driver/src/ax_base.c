/* Names and descriptions of the axdriver device types and errors, from their X-macro tables. */
#include "axdriver/base.h"

const char *ax_device_type_name(enum ax_device_type type)
{
    switch (type) {
#define AX__DEVICE_TYPE_NAME(e, n)                                                                 \
    case AX_DEVICE_##e:                                                                            \
        return #n;
        AX_DEVICE_TYPE_MAP(AX__DEVICE_TYPE_NAME)
#undef AX__DEVICE_TYPE_NAME
    }
    return "Unknown";
}

const char *ax_dev_err_name(int err)
{
    switch (err) {
    case AX_OK:
        return "Ok";
#define AX__DEV_ERR_NAME(e, v, n, s)                                                               \
    case AX_ERR_##e:                                                                               \
        return #n;
        AX_DEV_ERR_MAP(AX__DEV_ERR_NAME)
#undef AX__DEV_ERR_NAME
    default:
        return "Unknown";
    }
}

const char *ax_dev_err_str(int err)
{
    switch (err) {
    case AX_OK:
        return "success";
#define AX__DEV_ERR_STR(e, v, n, s)                                                                \
    case AX_ERR_##e:                                                                               \
        return s;
        AX_DEV_ERR_MAP(AX__DEV_ERR_STR)
#undef AX__DEV_ERR_STR
    default:
        return "unknown error";
    }
}
