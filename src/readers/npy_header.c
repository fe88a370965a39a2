/*
 * The .npy header: a preamble and a Python dict literal. The format is specified in NumPy's
 * numpy/lib/format.py ("A Simple File Format for NumPy Arrays", NEP 1). Only the literals
 * NumPy writes are understood: strings, True/False and tuples of integers; a list (a structured
 * dtype) is recognised to reject it by name. Nothing recurses, so hostile nesting cannot
 * exhaust the stack.
 */
#include "levyscore/npy_header.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const unsigned char NPY_MAGIC[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

bool npy_has_magic(const unsigned char *bytes, size_t n)
{
    return n >= sizeof NPY_MAGIC && memcmp(bytes, NPY_MAGIC, sizeof NPY_MAGIC) == 0;
}

bool npy_parse_preamble(const unsigned char *bytes, size_t n, struct npy_header *header,
                        struct error *error)
{
    if (!npy_has_magic(bytes, n)) {
        if (n < sizeof NPY_MAGIC && memcmp(bytes, NPY_MAGIC, n) == 0)
            error_set(error, "header truncated: file ends after %zu bytes", n);
        else
            error_set(error, "not a .npy file: bad magic (expected \\x93NUMPY)");
        return false;
    }
    if (n < 8) {
        error_set(error, "header truncated: file ends after %zu bytes", n);
        return false;
    }

    header->version_major = bytes[6];
    header->version_minor = bytes[7];
    if (header->version_major < 1 || header->version_major > 3 || header->version_minor != 0) {
        error_set(error, "unsupported .npy format version %u.%u (supported: 1.0, 2.0, 3.0)",
                  header->version_major, header->version_minor);
        return false;
    }

    size_t preamble = header->version_major == 1 ? 10 : 12;
    if (n < preamble) {
        error_set(error, "header truncated: file ends after %zu bytes", n);
        return false;
    }
    if (header->version_major == 1)
        header->header_size = (uint32_t)bytes[8] | (uint32_t)bytes[9] << 8;
    else
        header->header_size = (uint32_t)bytes[8] | (uint32_t)bytes[9] << 8 | (uint32_t)bytes[10] << 16 |
                              (uint32_t)bytes[11] << 24;
    header->data_offset = preamble + (uint64_t)header->header_size;
    return true;
}

/* A cursor over the header text. */
struct scanner {
    const char *at;
    const char *end;
};

static void skip_space(struct scanner *s)
{
    while (s->at < s->end && isspace((unsigned char)*s->at))
        s->at++;
}

static bool accept(struct scanner *s, char c)
{
    skip_space(s);
    if (s->at < s->end && *s->at == c) {
        s->at++;
        return true;
    }
    return false;
}

static bool at_char(struct scanner *s, char c)
{
    skip_space(s);
    return s->at < s->end && *s->at == c;
}

/*
 * Read a quoted string into out (truncated to out_size - 1; *full_length gets its length). what
 * names the string in errors ("a key", "'descr'"). As in Python, a line end ends the string
 * unterminated. Other control characters are rejected: Python rejects NUL in a literal, and no
 * key or dtype that NumPy accepts contains one. A NUL would also end the copy early, so
 * '<f4\0junk' would pass as '<f4'.
 */
static bool scan_string(struct scanner *s, const char *what, char *out, size_t out_size, size_t *full_length,
                        struct error *error)
{
    skip_space(s);
    if (s->at >= s->end || (*s->at != '\'' && *s->at != '"')) {
        error_set(error, "header: expected a quoted string");
        return false;
    }
    char quote = *s->at++;
    size_t length = 0;
    while (s->at < s->end && *s->at != quote) {
        if (*s->at == '\\' && s->at + 1 < s->end)
            s->at++;
        unsigned char c = (unsigned char)*s->at;
        if (c == '\n' || c == '\r')
            break;
        if (c < 0x20 || c == 0x7F) {
            error_set(error, "header: %s contains the control character 0x%02x", what, c);
            return false;
        }
        if (length + 1 < out_size)
            out[length] = *s->at;
        length++;
        s->at++;
    }
    if (s->at >= s->end || *s->at != quote) {
        error_set(error, "header: unterminated string");
        return false;
    }
    s->at++;
    out[length + 1 < out_size ? length : out_size - 1] = '\0';
    *full_length = length;
    return true;
}

static bool parse_descr(struct npy_header *header, const char *descr, size_t length, struct error *error)
{
    if (length >= sizeof header->descr) {
        error_set(error, "header: unsupported dtype of %zu characters (supported: float16, float32, "
                         "float64)", length);
        return false;
    }
    strcpy(header->descr, descr);

    const char *code = descr;
    char order = '=';
    if (*code == '<' || *code == '>' || *code == '=' || *code == '|')
        order = *code++;

    /* Type codes as in NumPy's dtype.str, and the one-letter aliases. */
    if (strcmp(code, "f2") == 0 || strcmp(code, "e") == 0)
        header->dtype = DTYPE_F16;
    else if (strcmp(code, "f4") == 0 || strcmp(code, "f") == 0)
        header->dtype = DTYPE_F32;
    else if (strcmp(code, "f8") == 0 || strcmp(code, "d") == 0)
        header->dtype = DTYPE_F64;
    else {
        const char *kind = "unknown";
        switch (*code) {
        case 'O': kind = "object"; break;
        case 'i': case 'u': case 'b': case 'h': case 'l': case 'q': case 'B': case 'H': case 'L': case 'Q':
            kind = code[0] == 'b' && code[1] == '1' ? "bool" : "integer";
            break;
        case '?': kind = "bool"; break;
        case 'c': case 'F': case 'D': case 'G': kind = "complex"; break;
        case 'S': case 'U': case 'a': kind = "string"; break;
        case 'V': kind = "void (raw bytes)"; break;
        case 'M': case 'm': kind = "datetime"; break;
        case 'f': case 'g': kind = "floating-point of an unsupported size"; break;
        }
        error_set(error, "unsupported dtype '%s' (%s); supported: float16, float32, float64", descr, kind);
        return false;
    }

    static const uint16_t probe = 1;
    bool host_little = *(const unsigned char *)&probe == 1;
    header->byte_swapped = (order == '<' && !host_little) || (order == '>' && host_little);
    return true;
}

/*
 * Parse the value of 'shape': a tuple of non-negative integers.
 * TODO: NumPy also reads every other integer literal of Python (1_000, 0x10) and extra
 * parentheses such as ((20,)); they are rejected here.
 */
static bool parse_shape(struct scanner *s, struct npy_header *header, struct error *error)
{
    if (!accept(s, '(')) {
        error_set(error, "header: 'shape' is not a tuple");
        return false;
    }
    header->ndim = 0;
    bool comma = false;
    while (!accept(s, ')')) {
        skip_space(s);
        if (s->at < s->end && *s->at == '-') {
            error_set(error, "header: negative dimension in 'shape'");
            return false;
        }
        if (s->at >= s->end || !isdigit((unsigned char)*s->at)) {
            error_set(error, "header: 'shape' holds something other than an integer");
            return false;
        }
        const char *digits = s->at;
        uint64_t value = 0;
        while (s->at < s->end && isdigit((unsigned char)*s->at)) {
            unsigned digit = (unsigned)(*s->at++ - '0');
            if (value > (UINT64_MAX - digit) / 10) {
                error_set(error, "header: dimension in 'shape' does not fit 64 bits");
                return false;
            }
            value = value * 10 + digit;
        }
        /* Python 3 reads 0 and 00 but no other integer that starts with 0. */
        if (*digits == '0' && value != 0) {
            size_t length = (size_t)(s->at - digits);
            error_set(error, "header: dimension '%.*s' in 'shape' has a leading zero, which Python 3 rejects",
                      length > 24 ? 24 : (int)length, digits);
            return false;
        }
        /* Python 2 wrote long integers as 3L. */
        if (s->at < s->end && (*s->at == 'L' || *s->at == 'l'))
            s->at++;
        if (s->at < s->end && (*s->at == '.' || *s->at == 'e' || *s->at == 'E')) {
            error_set(error, "header: non-integer dimension in 'shape'");
            return false;
        }
        if (header->ndim == NPY_NDIM_MAX) {
            error_set(error, "header: 'shape' has more than %d dimensions", NPY_NDIM_MAX);
            return false;
        }
        header->shape[header->ndim++] = value;
        comma = accept(s, ',');
        if (!comma && !at_char(s, ')')) {
            error_set(error, "header: 'shape' is not a tuple of integers");
            return false;
        }
    }

    /* Python reads (20) as the integer 20, which NumPy rejects as a shape. */
    if (header->ndim == 1 && !comma) {
        error_set(error, "header: 'shape' is not a tuple (a single dimension needs a trailing comma: (%" PRIu64 ",))",
                  header->shape[0]);
        return false;
    }
    return true;
}

static bool parse_bool(struct scanner *s, bool *value, struct error *error)
{
    skip_space(s);
    size_t left = (size_t)(s->end - s->at);
    if (left >= 4 && memcmp(s->at, "True", 4) == 0) {
        s->at += 4;
        *value = true;
        return true;
    }
    if (left >= 5 && memcmp(s->at, "False", 5) == 0) {
        s->at += 5;
        *value = false;
        return true;
    }
    error_set(error, "header: 'fortran_order' is not True or False");
    return false;
}

/* Work out rows, width and data size from shape and dtype, rejecting sizes over 64 bits. */
static bool derive_layout(struct npy_header *header, struct error *error)
{
    if (header->ndim == 0) {
        error_set(error, "header: shape () is a single value, not rows of an embedding");
        return false;
    }

    uint64_t rows = 1;
    bool overflow = false;
    for (int i = 0; i + 1 < header->ndim; i++) {
        if (header->shape[i] != 0 && rows > UINT64_MAX / header->shape[i])
            overflow = true;
        rows *= header->shape[i];
    }
    uint64_t width = header->shape[header->ndim - 1];
    uint64_t item = dtype_size(header->dtype);
    uint64_t row_bytes = width * item;
    if (width > UINT64_MAX / item || (rows != 0 && row_bytes != 0 && rows > UINT64_MAX / row_bytes))
        overflow = true;
    for (int i = 0; i < header->ndim; i++)
        if (header->shape[i] == 0)
            overflow = false;
    if (overflow) {
        error_set(error, "header: shape is too large: its size in bytes does not fit 64 bits");
        return false;
    }

    header->rows = rows;
    header->width = width;
    header->data_size = rows * row_bytes;
    return true;
}

bool npy_parse_dict(const char *text, size_t length, struct npy_header *header, struct error *error)
{
    struct scanner s = {text, text + length};
    bool have_descr = false, have_order = false, have_shape = false;
    char descr[sizeof header->descr];
    size_t descr_length = 0;

    if (!accept(&s, '{')) {
        error_set(error, "header: not a Python dict literal");
        return false;
    }
    while (!accept(&s, '}')) {
        char key[32];
        size_t key_length;
        if (s.at >= s.end) {
            error_set(error, "header: unterminated dict");
            return false;
        }
        if (!scan_string(&s, "a key", key, sizeof key, &key_length, error))
            return false;
        if (!accept(&s, ':')) {
            error_set(error, "header: expected ':' after key '%s'", key);
            return false;
        }

        if (strcmp(key, "descr") == 0) {
            if (at_char(&s, '[')) {
                error_set(error, "unsupported dtype: structured (a list of fields); supported: float16, "
                                 "float32, float64");
                return false;
            }
            if (!scan_string(&s, "'descr'", descr, sizeof descr, &descr_length, error))
                return false;
            have_descr = true;
        } else if (strcmp(key, "fortran_order") == 0) {
            if (!parse_bool(&s, &header->fortran_order, error))
                return false;
            have_order = true;
        } else if (strcmp(key, "shape") == 0) {
            if (!parse_shape(&s, header, error))
                return false;
            have_shape = true;
        } else {
            error_set(error, "header: unexpected key '%s' (expected 'descr', 'fortran_order', 'shape')", key);
            return false;
        }

        if (!accept(&s, ',') && !at_char(&s, '}')) {
            error_set(error, s.at >= s.end ? "header: unterminated dict" : "header: expected ',' or '}'");
            return false;
        }
    }

    /* Only padding may follow: numpy itself rejects a header that is not one dict literal. */
    skip_space(&s);
    if (s.at < s.end) {
        error_set(error, "header: unexpected text after the dict");
        return false;
    }

    const char *missing = !have_descr ? "descr" : !have_order ? "fortran_order" : !have_shape ? "shape" : NULL;
    if (missing) {
        error_set(error, "header: missing key '%s'", missing);
        return false;
    }
    if (!parse_descr(header, descr, descr_length, error))
        return false;
    return derive_layout(header, error);
}

size_t npy_write_header(unsigned char *buffer, size_t capacity, const char *descr,
                        const uint64_t *shape, int ndim, bool fixed_width)
{
    char dict[512];
    int length = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (int i = 0; i < ndim && length > 0 && (size_t)length < sizeof dict; i++)
        length += snprintf(dict + length, sizeof dict - (size_t)length, fixed_width ? "%20" PRIu64 "%s" : "%" PRIu64 "%s",
                           shape[i], ndim == 1 ? "," : i + 1 < ndim ? ", " : "");
    if (length > 0 && (size_t)length < sizeof dict)
        length += snprintf(dict + length, sizeof dict - (size_t)length, "), }");
    if (length < 0 || (size_t)length >= sizeof dict)
        return 0;

    /* Preamble + dict + padding + '\n' is a multiple of 64. */
    size_t preamble = 10;
    size_t total = (preamble + (size_t)length + 1 + 63) / 64 * 64;
    if (total - preamble > UINT16_MAX) {
        preamble = 12;
        total = (preamble + (size_t)length + 1 + 63) / 64 * 64;
    }
    if (total > capacity)
        return 0;

    size_t header_size = total - preamble;
    memcpy(buffer, NPY_MAGIC, sizeof NPY_MAGIC);
    buffer[6] = preamble == 10 ? 1 : 2;
    buffer[7] = 0;
    for (size_t i = 0; i < preamble - 8; i++)
        buffer[8 + i] = (unsigned char)(header_size >> (8 * i));
    memcpy(buffer + preamble, dict, (size_t)length);
    memset(buffer + preamble + length, ' ', total - preamble - (size_t)length - 1);
    buffer[total - 1] = '\n';
    return total;
}
