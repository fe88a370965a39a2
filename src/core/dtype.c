#include "levyscore/dtype.h"

#include <math.h>

size_t dtype_size(enum dtype dtype)
{
    switch (dtype) {
    case DTYPE_F16:
        return 2;
    case DTYPE_F32:
        return 4;
    case DTYPE_F64:
        return 8;
    }
    return 0;
}

const char *dtype_name(enum dtype dtype)
{
    switch (dtype) {
    case DTYPE_F16:
        return "<f2";
    case DTYPE_F32:
        return "<f4";
    case DTYPE_F64:
        return "<f8";
    }
    return "?";
}

double half_to_double(uint16_t bits)
{
    int sign = bits >> 15;
    int exponent = (bits >> 10) & 0x1f;
    int fraction = bits & 0x3ff;

    double magnitude;
    if (exponent == 0)
        magnitude = ldexp(fraction, -24);
    else if (exponent == 0x1f)
        magnitude = fraction ? NAN : INFINITY;
    else
        magnitude = ldexp(fraction + 1024, exponent - 25);
    return sign ? -magnitude : magnitude;
}
