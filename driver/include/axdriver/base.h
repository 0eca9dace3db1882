/*
 * The device-independent part of the axdriver interfaces (ArceOS's
 * axdriver_base): device types, the error type of every operation, and the
 * base operations each device implements.
 */
#ifndef AXDRIVER_BASE_H
#define AXDRIVER_BASE_H

#include <stddef.h>

/* X(ENUM_SUFFIX, Name) */
#define AX_DEVICE_TYPE_MAP(X)                                                                      \
    X(BLOCK, Block)                                                                                \
    X(CHAR, Char)                                                                                  \
    X(NET, Net)                                                                                    \
    X(DISPLAY, Display)

enum ax_device_type {
#define AX__DEVICE_TYPE_ENUM(e, n) AX_DEVICE_##e,
    AX_DEVICE_TYPE_MAP(AX__DEVICE_TYPE_ENUM)
#undef AX__DEVICE_TYPE_ENUM
};

#define AX_DEVICE_TYPE_COUNT 4

/* "Block" etc., "Unknown" for a value outside the enum. */
const char *ax_device_type_name(enum ax_device_type type);

/*
 * Errors of device operations, returned as negative ints (0 is success).
 * X(ENUM_SUFFIX, value, Name, description)
 */
#define AX_DEV_ERR_MAP(X)                                                                          \
    X(ALREADY_EXISTS, -1, AlreadyExists, "the entity already exists")                              \
    X(AGAIN, -2, Again, "nothing to do now, try again (non-blocking call)")                        \
    X(BAD_STATE, -3, BadState, "the driver or device is in a bad state")                           \
    X(INVALID_PARAM, -4, InvalidParam, "invalid parameter")                                        \
    X(IO, -5, Io, "input/output error")                                                            \
    X(NO_MEMORY, -6, NoMemory, "out of memory or buffers")                                         \
    X(RESOURCE_BUSY, -7, ResourceBusy, "the device or resource is busy")                           \
    X(UNSUPPORTED, -8, Unsupported, "the operation is not supported")

enum ax_dev_err {
    AX_OK = 0,
#define AX__DEV_ERR_ENUM(e, v, n, s) AX_ERR_##e = (v),
    AX_DEV_ERR_MAP(AX__DEV_ERR_ENUM)
#undef AX__DEV_ERR_ENUM
};

#define AX_DEV_ERR_COUNT 8

/* "AlreadyExists" etc. for a negative error, "Ok" for 0, "Unknown" otherwise. */
const char *ax_dev_err_name(int err);
/* A one-line description of the error. */
const char *ax_dev_err_str(int err);

struct ax_base_dev;

/*
 * struct ax_base_ops - what every device implements (BaseDriverOps).
 * @device_name: a static name such as "virtio-blk".
 * @device_type: the kind of device, which says which full ops table it has.
 */
struct ax_base_ops {
    const char *(*device_name)(const struct ax_base_dev *dev);
    enum ax_device_type (*device_type)(const struct ax_base_dev *dev);
};

/*
 * The view of any device: embedded at the start of struct ax_block_dev,
 * ax_net_dev and ax_display_dev, so an OS can keep one list of devices and
 * turn each back into its kind with ax_block_from_base() and friends.
 */
struct ax_base_dev {
    const struct ax_base_ops *ops;
};

static inline const char *ax_base_device_name(const struct ax_base_dev *dev)
{
    return dev->ops->device_name(dev);
}

static inline enum ax_device_type ax_base_device_type(const struct ax_base_dev *dev)
{
    return dev->ops->device_type(dev);
}

/* The enclosing object of @ptr, a pointer to its @member. */
#define AX_CONTAINER_OF(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#endif
