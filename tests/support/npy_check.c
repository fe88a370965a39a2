#include "npy_check.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Advance *at past literal, or return false. */
static bool expect_literal(const char **at, const char *end, const char *literal)
{
    size_t length = strlen(literal);
    if ((size_t)(end - *at) < length || memcmp(*at, literal, length) != 0)
        return false;
    *at += length;
    return true;
}

static bool parse_shape(const char **at, const char *end, struct npy_array *array)
{
    array->ndim = 0;
    for (;;) {
        while (*at < end && **at == ' ')
            (*at)++;
        if (*at < end && **at == ')') {
            (*at)++;
            return array->ndim > 0;
        }
        if (*at >= end || !isdigit((unsigned char)**at) || array->ndim == 8)
            return false;
        uint64_t value = 0;
        while (*at < end && isdigit((unsigned char)**at))
            value = value * 10 + (uint64_t)(*(*at)++ - '0');
        array->shape[array->ndim++] = value;
        if (*at < end && **at == ',')
            (*at)++;
        else if (*at >= end || **at != ')')
            return false;
    }
}

bool npy_array_parse(const unsigned char *bytes, size_t size, struct npy_array *array, char *why, size_t why_size)
{
    memset(array, 0, sizeof *array);
    if (size < 10 || memcmp(bytes, "\x93NUMPY", 6) != 0) {
        snprintf(why, why_size, "no .npy magic in %zu bytes", size);
        return false;
    }
    array->version_major = bytes[6];
    if ((bytes[6] != 1 && bytes[6] != 2) || bytes[7] != 0) {
        snprintf(why, why_size, "version %u.%u", bytes[6], bytes[7]);
        return false;
    }
    size_t preamble = bytes[6] == 1 ? 10 : 12;
    size_t header_len = bytes[8] | (size_t)bytes[9] << 8;
    if (bytes[6] == 2)
        header_len |= (size_t)bytes[10] << 16 | (size_t)bytes[11] << 24;
    array->data_offset = preamble + header_len;
    if (array->data_offset > size || array->data_offset % 64 != 0 || bytes[array->data_offset - 1] != '\n') {
        snprintf(why, why_size, "header of %zu bytes: past the end, not 64-byte aligned or no final newline",
                 array->data_offset);
        return false;
    }

    const char *at = (const char *)bytes + preamble;
    const char *end = (const char *)bytes + array->data_offset - 1;
    const char *descr = at + strlen("{'descr': '");
    if (!expect_literal(&at, end, "{'descr': '")) {
        snprintf(why, why_size, "header does not start with {'descr': '");
        return false;
    }
    const char *quote = memchr(descr, '\'', (size_t)(end - descr));
    if (!quote || quote - descr >= (long)sizeof array->descr) {
        snprintf(why, why_size, "descr not terminated");
        return false;
    }
    memcpy(array->descr, descr, (size_t)(quote - descr));
    at = quote + 1;
    if (!expect_literal(&at, end, ", 'fortran_order': ")) {
        snprintf(why, why_size, "no 'fortran_order' after descr");
        return false;
    }
    if (expect_literal(&at, end, "True"))
        array->fortran_order = true;
    else if (!expect_literal(&at, end, "False")) {
        snprintf(why, why_size, "fortran_order neither True nor False");
        return false;
    }
    if (!expect_literal(&at, end, ", 'shape': (") || !parse_shape(&at, end, array) || !expect_literal(&at, end, ", }")) {
        snprintf(why, why_size, "shape not a tuple followed by ', }'");
        return false;
    }
    for (; at < end; at++) {
        if (*at != ' ') {
            snprintf(why, why_size, "padding holds 0x%02x, not spaces", (unsigned char)*at);
            return false;
        }
    }

    size_t descr_length = strlen(array->descr);
    array->item_size = (size_t)atoi(array->descr + descr_length - 1);
    array->width = array->shape[array->ndim - 1];
    array->rows = 1;
    for (int i = 0; i + 1 < array->ndim; i++)
        array->rows *= array->shape[i];
    array->data = bytes + array->data_offset;
    array->data_size = size - array->data_offset;
    uint64_t needed = array->rows * array->width * array->item_size;
    if (needed != array->data_size) {
        snprintf(why, why_size, "shape needs %llu data bytes, file has %zu", (unsigned long long)needed,
                 array->data_size);
        return false;
    }
    return true;
}

void npy_array_row(const struct npy_array *array, uint64_t row, unsigned char *out)
{
    size_t item = array->item_size;
    if (!array->fortran_order || array->ndim == 1) {
        memcpy(out, array->data + row * array->width * item, array->width * item);
        return;
    }

    /* Fortran order: element (i0, ..., in) is at i0 + d0 * (i1 + d1 * (...)). Split the logical
     * row number into the leading indices, last leading dimension fastest. */
    uint64_t offset = 0, stride = 1, rest = row;
    uint64_t index[8];
    for (int i = array->ndim - 2; i >= 0; i--) {
        index[i] = rest % array->shape[i];
        rest /= array->shape[i];
    }
    for (int i = 0; i + 1 < array->ndim; i++) {
        offset += index[i] * stride;
        stride *= array->shape[i];
    }
    for (uint64_t column = 0; column < array->width; column++)
        memcpy(out + column * item, array->data + (offset + column * stride) * item, item);
}
