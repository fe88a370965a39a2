#ifndef TEST_SUPPORT_NPY_CHECK_H
#define TEST_SUPPORT_NPY_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A .npy file as numpy writes it, parsed without the levyscore library so that tests check the
 * product's output against an independent reading.
 */
struct npy_array {
    unsigned version_major;
    char descr[16];
    bool fortran_order;
    int ndim;
    uint64_t shape[8];
    size_t data_offset;
    const unsigned char *data;      /* points into the parsed bytes */
    size_t data_size;
    size_t item_size;
    uint64_t rows;                  /* product of all dimensions but the last; 1 for (K,) */
    uint64_t width;                 /* last dimension */
};

/*
 * Parse bytes[0..size) strictly: version 1.0 or 2.0, the dict exactly in numpy's layout
 * "{'descr': '<f8', 'fortran_order': False, 'shape': (N, K), }" (spaces inside the shape tuple
 * allowed), padded with spaces to a 64-byte boundary and ended by a newline, then exactly the
 * data bytes the shape needs. On failure, returns false and writes the reason into why.
 */
bool npy_array_parse(const unsigned char *bytes, size_t size, struct npy_array *array, char *why, size_t why_size);

/* Copy logical row `row` (C order over the leading dimensions) into out, gathering it from a
 * Fortran-order array when needed. out has room for width * item_size bytes. */
void npy_array_row(const struct npy_array *array, uint64_t row, unsigned char *out);

#endif
