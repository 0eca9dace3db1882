/* The graphics display interface (ArceOS's axdriver_display DisplayDriverOps). */
#ifndef AXDRIVER_DISPLAY_H
#define AXDRIVER_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "axdriver/base.h"

/* What the display shows and where its framebuffer lives. */
struct ax_display_info {
    uint32_t width; /* visible pixels */
    uint32_t height;
    uintptr_t fb_base_vaddr;
    size_t fb_size; /* bytes */
};

/* The framebuffer memory, as the driver's virtual address and length. */
struct ax_framebuffer {
    uint8_t *base;
    size_t len;
};

struct ax_display_dev;

/*
 * struct ax_display_ops - a display; results are 0 or a negative ax_dev_err.
 * @info: the display information.
 * @fb: the framebuffer the OS draws into.
 * @need_flush: whether drawing shows only after @flush.
 * @flush: shows the framebuffer's content on the screen.
 */
struct ax_display_ops {
    struct ax_base_ops base;
    struct ax_display_info (*info)(const struct ax_display_dev *dev);
    struct ax_framebuffer (*fb)(const struct ax_display_dev *dev);
    bool (*need_flush)(const struct ax_display_dev *dev);
    int (*flush)(struct ax_display_dev *dev);
};

/* Embedded first in a display driver's device struct; set up with ax_display_dev_init(). */
struct ax_display_dev {
    struct ax_base_dev base; /* base.ops == &ops->base */
    const struct ax_display_ops *ops;
};

static inline void ax_display_dev_init(struct ax_display_dev *dev, const struct ax_display_ops *ops)
{
    dev->base.ops = &ops->base;
    dev->ops = ops;
}

/* The display behind @base, or NULL when it is not a display. */
static inline struct ax_display_dev *ax_display_from_base(struct ax_base_dev *base)
{
    if (ax_base_device_type(base) != AX_DEVICE_DISPLAY)
        return NULL;
    return AX_CONTAINER_OF(base, struct ax_display_dev, base);
}

static inline const char *ax_display_device_name(const struct ax_display_dev *dev)
{
    return ax_base_device_name(&dev->base);
}

static inline struct ax_display_info ax_display_info(const struct ax_display_dev *dev)
{
    return dev->ops->info(dev);
}

static inline struct ax_framebuffer ax_display_fb(const struct ax_display_dev *dev)
{
    return dev->ops->fb(dev);
}

static inline bool ax_display_need_flush(const struct ax_display_dev *dev)
{
    return dev->ops->need_flush(dev);
}

static inline int ax_display_flush(struct ax_display_dev *dev)
{
    return dev->ops->flush(dev);
}

#endif
