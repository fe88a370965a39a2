#ifndef LEVYSCORE_NPY_HEADER_H
#define LEVYSCORE_NPY_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "levyscore/dtype.h"
#include "levyscore/error.h"

/* Bytes before the header text: magic (6), version (2) and HEADER_LEN (2 in 1.0, 4 in 2.0/3.0). */
#define NPY_PREAMBLE_MIN 10
#define NPY_PREAMBLE_MAX 12

/* Most dimensions in a shape; NumPy's own limit is 64 (32 before NumPy 2). */
#define NPY_NDIM_MAX 64

/* A .npy header, as parsed from the file (format versions 1.0, 2.0 and 3.0). */
struct npy_header {
    unsigned version_major;
    unsigned version_minor;
    uint32_t header_size;       /* HEADER_LEN: bytes of header text after the preamble */
    uint64_t data_offset;       /* preamble plus header text */

    char descr[16];             /* as written in the file, such as "<f4" or ">f8" */
    enum dtype dtype;
    bool byte_swapped;          /* data is in the other byte order than this host's */
    bool fortran_order;
    int ndim;
    uint64_t shape[NPY_NDIM_MAX];

    /* Derived: a shape (d0, ..., dn) holds d0 * ... * d(n-1) rows of width dn; (K,) is one row. */
    uint64_t rows;
    uint64_t width;
    uint64_t data_size;         /* rows * width * item size, in bytes */
};

/* True when bytes starts with the .npy magic "\x93NUMPY" (n >= 6). */
bool npy_has_magic(const unsigned char *bytes, size_t n);

/*
 * Parse the preamble in bytes[0..n): magic, version, HEADER_LEN. Sets version, header_size and
 * data_offset. n must be at least NPY_PREAMBLE_MAX, or the whole input if shorter.
 */
bool npy_parse_preamble(const unsigned char *bytes, size_t n, struct npy_header *header,
                        struct error *error);

/*
 * Parse the header text, a Python dict literal with the keys 'descr', 'fortran_order' and
 * 'shape' in any order, either quote style, optional trailing commas and padding. Sets every
 * field from descr on, checking the dtype and that the data size fits 64 bits.
 */
bool npy_parse_dict(const char *text, size_t length, struct npy_header *header, struct error *error);

/*
 * Write a version 1.0 header (version 2.0 when the text needs it) for a C-order array of the given
 * descr and shape, padded with spaces so that the data starts on a 64-byte boundary, as NumPy
 * writes it. The shape text reserves room for 20-digit dimensions when fixed_width is set, so that
 * a header written before the row count was known can be rewritten in place. Returns the header
 * size, or 0 if buffer (of capacity bytes) is too small.
 */
size_t npy_write_header(unsigned char *buffer, size_t capacity, const char *descr,
                        const uint64_t *shape, int ndim, bool fixed_width);

#endif
