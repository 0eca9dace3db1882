/* Error codes of the virtio core: the Rust virtio-drivers crate's variants, as negative ints. */
#ifndef VIO_ERR_H
#define VIO_ERR_H

/* X(ENUM_SUFFIX, value, Name, description) */
#define VIO_ERR_MAP(X)                                                                        \
    X(QUEUE_FULL, -1, QueueFull, "no free descriptors in the virtqueue")                      \
    X(NOT_READY, -2, NotReady, "the device is not ready or did not answer in time")           \
    X(WRONG_TOKEN, -3, WrongToken, "the device returned a token that does not match")         \
    X(ALREADY_USED, -4, AlreadyUsed, "the queue is already in use")                           \
    X(INVALID_PARAM, -5, InvalidParam, "invalid parameter")                                   \
    X(DMA_ERROR, -6, DmaError, "DMA memory could not be allocated or shared")                 \
    X(IO_ERROR, -7, IoError, "the device reported an I/O error")                              \
    X(UNSUPPORTED, -8, Unsupported, "not supported by the device or the driver")              \
    X(CONFIG_SPACE_TOO_SMALL, -9, ConfigSpaceTooSmall, "the device config space is too small") \
    X(CONFIG_SPACE_MISSING, -10, ConfigSpaceMissing, "the device has no config space")

enum vio_err {
    VIO_OK = 0,
#define VIO__ERR_ENUM(e, v, n, s) VIO_ERR_##e = (v),
    VIO_ERR_MAP(VIO__ERR_ENUM)
#undef VIO__ERR_ENUM
};

#define VIO_ERR_COUNT 10

/* "QueueFull" etc. for a negative error, "Ok" for 0, "Unknown" otherwise. */
const char *vio_err_name(int err);
/* A one-line description of the error. */
const char *vio_err_str(int err);

#endif
