/* The block image pattern shared with the host runner (see guest.h). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest.h"
#include "vio/blk.h"

uint8_t guest_pattern_byte(uint64_t sector, unsigned seed, unsigned i)
{
    if (i < 8) {
        uint64_t tag = sector | (uint64_t)seed << 56;
        return (uint8_t)(tag >> (8 * i));
    }
    return (uint8_t)(sector * 7u + seed * 101u + i);
}

void guest_pattern_fill(void *buf, uint64_t first_sector, size_t sectors, unsigned seed)
{
    uint8_t *p = buf;
    for (size_t s = 0; s < sectors; s++) {
        for (unsigned i = 0; i < VIO_BLK_SECTOR_SIZE; i++)
            *p++ = guest_pattern_byte(first_sector + s, seed, i);
    }
}

bool guest_pattern_check(const void *buf, uint64_t first_sector, size_t sectors, unsigned seed,
                         uint64_t *bad)
{
    const uint8_t *p = buf;
    for (size_t s = 0; s < sectors; s++) {
        for (unsigned i = 0; i < VIO_BLK_SECTOR_SIZE; i++) {
            if (*p++ != guest_pattern_byte(first_sector + s, seed, i)) {
                *bad = first_sector + s;
                return false;
            }
        }
    }
    return true;
}
