#ifndef LEVYSCORE_DTYPE_H
#define LEVYSCORE_DTYPE_H

#include <stddef.h>
#include <stdint.h>

/* Element types of an embedding, as IEEE 754 binary16/32/64 in the host's byte order. */
enum dtype {
    DTYPE_F16,
    DTYPE_F32,
    DTYPE_F64,
};

/* Size of one element in bytes. */
size_t dtype_size(enum dtype dtype);

/* Name as NumPy's dtype.str writes it for little-endian data: "<f2", "<f4", "<f8". */
const char *dtype_name(enum dtype dtype);

/* Value of an IEEE binary16 bit pattern, exactly. */
double half_to_double(uint16_t bits);

#endif
