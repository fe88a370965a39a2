/* The .npy header parser and writer, on headers built in memory. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "levyscore/npy_header.h"

static bool host_little_endian(void)
{
    static const uint16_t probe = 1;
    return *(const unsigned char *)&probe == 1;
}

/* Whether a descr's byte order differs from this host's. */
static bool swapped_on_host(const char *descr)
{
    return (descr[0] == '<' && !host_little_endian()) || (descr[0] == '>' && host_little_endian());
}

/* Write the preamble of a version major.minor file with the given HEADER_LEN and return its size. */
static size_t make_preamble(unsigned char *out, unsigned major, unsigned minor, uint32_t header_len)
{
    memcpy(out, "\x93NUMPY", 6);
    out[6] = (unsigned char)major;
    out[7] = (unsigned char)minor;
    size_t length_bytes = major == 1 ? 2 : 4;
    for (size_t i = 0; i < length_bytes; i++)
        out[8 + i] = (unsigned char)(header_len >> (8 * i));
    return 8 + length_bytes;
}

/* --- Preamble --- */

struct preamble_case {
    const char *name;
    unsigned major;
    unsigned minor;
    uint32_t header_len;
    uint64_t data_offset;
};

Test(npy_preamble, versions_and_lengths)
{
    static const struct preamble_case cases[] = {
        {"v1.0 as numpy writes it", 1, 0, 118, 128},
        {"v1.0 16-byte aligned", 1, 0, 70, 80},
        {"v1.0 largest HEADER_LEN", 1, 0, 65535, 65545},
        {"v2.0", 2, 0, 116, 128},
        {"v2.0 HEADER_LEN over 16 bits", 2, 0, 0x00012345, 12 + 0x00012345},
        {"v2.0 largest HEADER_LEN", 2, 0, UINT32_MAX, UINT64_C(12) + UINT32_MAX},
        {"v3.0", 3, 0, 116, 128},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct preamble_case *c = &cases[i];
        unsigned char bytes[NPY_PREAMBLE_MAX];
        size_t n = make_preamble(bytes, c->major, c->minor, c->header_len);
        struct npy_header header;
        struct error error = {""};

        bool ok = npy_parse_preamble(bytes, n, &header, &error);
        cr_assert(ok, "%s: rejected: %s", c->name, error.text);
        cr_expect_eq(header.version_major, c->major, "%s: major version %u", c->name, header.version_major);
        cr_expect_eq(header.version_minor, c->minor, "%s: minor version %u", c->name, header.version_minor);
        cr_expect_eq(header.header_size, c->header_len, "%s: HEADER_LEN %" PRIu32 ", expected %" PRIu32, c->name,
                     header.header_size, c->header_len);
        cr_expect_eq(header.data_offset, c->data_offset, "%s: data offset %" PRIu64 ", expected %" PRIu64, c->name,
                     header.data_offset, c->data_offset);
    }
}

Test(npy_preamble, magic_detection)
{
    cr_expect(npy_has_magic((const unsigned char *)"\x93NUMPY\x01\x00", 8), "the .npy magic is not recognised");
    cr_expect_not(npy_has_magic((const unsigned char *)"\x93NUMPX\x01\x00", 8), "a wrong last letter passes");
    cr_expect_not(npy_has_magic((const unsigned char *)"\x93NUMP", 5), "5 bytes are taken for the 6-byte magic");
    cr_expect_not(npy_has_magic((const unsigned char *)"PK\x03\x04\x14\x00", 6), "a .npz (zip) passes as .npy");
}

struct preamble_rejection {
    const char *name;
    const char *bytes;
    size_t n;
    const char *message;
};

Test(npy_preamble, rejections)
{
    static const struct preamble_rejection cases[] = {
        {"bad magic", "\x93NUMPX\x01\x00\x76\x00", 10, "bad magic"},
        {"zip file (.npz)", "PK\x03\x04\x14\x00\x00\x00\x00\x00", 10, "not a .npy file"},
        {"text file", "0.5,1.5,2\n", 10, "bad magic"},
        {"version 4.0", "\x93NUMPY\x04\x00\x76\x00\x00\x00", 12, "unsupported .npy format version 4.0"},
        {"version 0.0", "\x93NUMPY\x00\x00\x76\x00", 10, "unsupported .npy format version 0.0"},
        {"version 1.1", "\x93NUMPY\x01\x01\x76\x00", 10, "unsupported .npy format version 1.1"},
        {"version 2.1", "\x93NUMPY\x02\x01\x76\x00\x00\x00", 12, "unsupported .npy format version 2.1"},
        {"empty file", "", 0, "truncated"},
        {"part of the magic", "\x93NUM", 4, "truncated"},
        {"magic only", "\x93NUMPY", 6, "truncated"},
        {"v1.0 ends inside HEADER_LEN", "\x93NUMPY\x01\x00\x76", 9, "truncated"},
        {"v2.0 ends inside HEADER_LEN", "\x93NUMPY\x02\x00\x76\x00\x00", 11, "truncated"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct preamble_rejection *c = &cases[i];
        struct npy_header header;
        struct error error = {""};

        bool ok = npy_parse_preamble((const unsigned char *)c->bytes, c->n, &header, &error);
        cr_expect_not(ok, "%s: accepted", c->name);
        cr_expect(strstr(error.text, c->message) != NULL, "%s: message '%s' lacks '%s'", c->name, error.text,
                  c->message);
    }
}

/* --- Header dict --- */

struct dict_case {
    const char *name;
    const char *text;
    const char *descr;
    enum dtype dtype;
    bool fortran_order;
    int ndim;
    uint64_t shape[4];
    uint64_t rows;
    uint64_t width;
    uint64_t data_size;
};

static const struct dict_case VALID_DICTS[] = {
    {"numpy 1.24 layout", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }                    \n",
     "<f4", DTYPE_F32, false, 2, {3, 4}, 3, 4, 48},
    {"double quotes", "{\"descr\": \"<f8\", \"fortran_order\": True, \"shape\": (2, 5)}", "<f8", DTYPE_F64, true, 2,
     {2, 5}, 2, 5, 80},
    {"mixed quotes", "{'descr': \"<f2\", \"fortran_order\": False, 'shape': (2, 5)}", "<f2", DTYPE_F16, false, 2,
     {2, 5}, 2, 5, 20},
    {"keys reordered", "{'shape': (3, 5), 'fortran_order': False, 'descr': '<f8', }", "<f8", DTYPE_F64, false, 2,
     {3, 5}, 3, 5, 120},
    {"fortran_order first", "{'fortran_order': True, 'descr': '>f4', 'shape': (4, 3)}", ">f4", DTYPE_F32, true, 2,
     {4, 3}, 4, 3, 48},
    {"no trailing comma", "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 3)}", "<f8", DTYPE_F64, false, 2,
     {4, 3}, 4, 3, 96},
    {"one-dimensional (768,)", "{'descr': '<f4', 'fortran_order': False, 'shape': (768,), }", "<f4", DTYPE_F32, false,
     1, {768}, 1, 768, 3072},
    {"Python 2 longs 3L", "{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 4L), }", "<f8", DTYPE_F64, false, 2,
     {3, 4}, 3, 4, 96},
    {"no spaces, comma in shape", "{'descr':'>f4','fortran_order':False,'shape':(3,2,),}", ">f4", DTYPE_F32, false,
     2, {3, 2}, 3, 2, 24},
    {"spaces, tabs and newlines", "  {\t'descr' :\t'<f8' ,\n 'fortran_order' : False ,\t'shape' : ( 2 , 4 ) ,\t}\t\n",
     "<f8", DTYPE_F64, false, 2, {2, 4}, 2, 4, 64},
    {"big-endian float64", "{'descr': '>f8', 'fortran_order': False, 'shape': (1, 3), }", ">f8", DTYPE_F64, false,
     2, {1, 3}, 1, 3, 24},
    {"native order =f4", "{'descr': '=f4', 'fortran_order': False, 'shape': (1, 3), }", "=f4", DTYPE_F32, false, 2,
     {1, 3}, 1, 3, 12},
    {"order not applicable |f8", "{'descr': '|f8', 'fortran_order': False, 'shape': (1, 3), }", "|f8", DTYPE_F64,
     false, 2, {1, 3}, 1, 3, 24},
    {"little-endian float16", "{'descr': '<f2', 'fortran_order': False, 'shape': (1, 3), }", "<f2", DTYPE_F16, false,
     2, {1, 3}, 1, 3, 6},
    {"big-endian float16", "{'descr': '>f2', 'fortran_order': False, 'shape': (1, 3), }", ">f2", DTYPE_F16, false,
     2, {1, 3}, 1, 3, 6},
    {"one-letter code d", "{'descr': '<d', 'fortran_order': False, 'shape': (1, 3), }", "<d", DTYPE_F64, false, 2,
     {1, 3}, 1, 3, 24},
    {"three dimensions", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4), }", "<f8", DTYPE_F64, false,
     3, {2, 3, 4}, 6, 4, 192},
    {"no rows (0, 8)", "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 8), }", "<f4", DTYPE_F32, false, 2,
     {0, 8}, 0, 8, 0},
    {"no rows (2, 0, 4)", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 0, 4), }", "<f4", DTYPE_F32, false,
     3, {2, 0, 4}, 0, 4, 0},
    {"zero written 00", "{'descr': '<f4', 'fortran_order': False, 'shape': (00, 5), }", "<f4", DTYPE_F32, false, 2,
     {0, 5}, 0, 5, 0},
    {"one dimension spaced ( 768 , )", "{'descr': '<f4', 'fortran_order': False, 'shape': ( 768 , ), }", "<f4",
     DTYPE_F32, false, 1, {768}, 1, 768, 3072},
    {"largest size that fits", "{'descr': '<f8', 'fortran_order': False, 'shape': (1152921504606846975, 2), }", "<f8",
     DTYPE_F64, false, 2, {UINT64_C(1152921504606846975), 2}, UINT64_C(1152921504606846975), 2,
     UINT64_MAX - 15},
};

Test(npy_dict, valid_headers)
{
    for (size_t i = 0; i < sizeof VALID_DICTS / sizeof VALID_DICTS[0]; i++) {
        const struct dict_case *c = &VALID_DICTS[i];
        struct npy_header header;
        memset(&header, 0xA5, sizeof header);
        struct error error = {""};

        bool ok = npy_parse_dict(c->text, strlen(c->text), &header, &error);
        cr_assert(ok, "%s: rejected: %s", c->name, error.text);
        cr_expect_str_eq(header.descr, c->descr, "%s: descr '%s', expected '%s'", c->name, header.descr, c->descr);
        cr_expect_eq(header.dtype, c->dtype, "%s: dtype %d, expected %d", c->name, (int)header.dtype, (int)c->dtype);
        cr_expect_eq(header.byte_swapped, swapped_on_host(c->descr), "%s: byte_swapped is %d", c->name,
                     header.byte_swapped);
        cr_expect_eq(header.fortran_order, c->fortran_order, "%s: fortran_order is %d", c->name, header.fortran_order);
        cr_assert_eq(header.ndim, c->ndim, "%s: ndim %d, expected %d", c->name, header.ndim, c->ndim);
        for (int d = 0; d < c->ndim; d++)
            cr_expect_eq(header.shape[d], c->shape[d], "%s: dimension %d is %" PRIu64 ", expected %" PRIu64, c->name,
                         d, header.shape[d], c->shape[d]);
        cr_expect_eq(header.rows, c->rows, "%s: %" PRIu64 " rows, expected %" PRIu64, c->name, header.rows, c->rows);
        cr_expect_eq(header.width, c->width, "%s: width %" PRIu64 ", expected %" PRIu64, c->name, header.width,
                     c->width);
        cr_expect_eq(header.data_size, c->data_size, "%s: data size %" PRIu64 ", expected %" PRIu64, c->name,
                     header.data_size, c->data_size);
    }
}

Test(npy_dict, duplicate_key_last_wins)
{
    /* numpy reads the header with ast.literal_eval, and a Python dict keeps the last value of a
     * repeated key. */
    const char *text = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'descr': '<f8'}";
    struct npy_header header;
    struct error error = {""};
    cr_assert(npy_parse_dict(text, strlen(text), &header, &error), "rejected: %s", error.text);
    cr_expect_str_eq(header.descr, "<f8", "descr '%s', expected the last one '<f8'", header.descr);
    cr_expect_eq(header.dtype, DTYPE_F64, "dtype %d, expected float64", (int)header.dtype);
}

Test(npy_dict, length_bounds_the_text)
{
    /* The length ends the text, not a NUL, because the reader parses the header in its buffer. */
    const char *text = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4)}{'descr': '<f8'";
    size_t length = strlen("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4)}");
    struct npy_header header;
    struct error error = {""};
    cr_assert(npy_parse_dict(text, length, &header, &error), "rejected: %s", error.text);
    cr_expect_eq(header.rows, 3, "%" PRIu64 " rows, expected 3", header.rows);

    const char *cut = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4)}";
    cr_expect_not(npy_parse_dict(cut, strlen(cut) - 1, &header, &error), "a dict cut before '}' is accepted");
    cr_expect(strstr(error.text, "unterminated") != NULL, "message '%s' lacks 'unterminated'", error.text);
}

struct dict_rejection {
    const char *name;
    const char *text;
    const char *message;
};

#define DICT(descr, order, shape) "{'descr': " descr ", 'fortran_order': " order ", 'shape': " shape ", }"

static const struct dict_rejection DICT_REJECTIONS[] = {
    {"empty header", "", "not a Python dict literal"},
    {"spaces only", "        \n", "not a Python dict literal"},
    {"a list", "[('descr', '<f4'), ('shape', (2, 3))]", "not a Python dict literal"},
    {"a string", "'descr: <f4'", "not a Python dict literal"},
    {"text after the dict", DICT("'<f4'", "False", "(2, 3)") " (1, 2)\n", "after the dict"},
    {"two dicts", DICT("'<f4'", "False", "(2, 3)") "{}", "after the dict"},
    {"missing descr", "{'fortran_order': False, 'shape': (2, 3), }", "missing key 'descr'"},
    {"missing fortran_order", "{'descr': '<f4', 'shape': (2, 3), }", "missing key 'fortran_order'"},
    {"missing shape", "{'descr': '<f4', 'fortran_order': False, }", "missing key 'shape'"},
    {"empty dict", "{}", "missing key"},
    {"extra key", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", "unexpected key 'extra'"},
    {"no closing brace", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), ", "unterminated dict"},
    {"no closing quote", "{'descr': '<f4, 'fortran_order': False}", "header"},
    {"key not quoted", "{descr: '<f4', 'fortran_order': False, 'shape': (2, 3)}", "quoted string"},
    {"no colon", "{'descr' '<f4', 'fortran_order': False, 'shape': (2, 3)}", "expected ':'"},
    {"two commas", "{'descr': '<f4',, 'fortran_order': False, 'shape': (2, 3)}", "quoted string"},
    {"object dtype", DICT("'|O'", "False", "(2, 3)"), "object"},
    {"int32 dtype", DICT("'<i4'", "False", "(2, 3)"), "integer"},
    {"uint8 dtype", DICT("'|u1'", "False", "(2, 3)"), "integer"},
    {"int64 dtype", DICT("'>i8'", "False", "(2, 3)"), "integer"},
    {"complex64 dtype", DICT("'<c8'", "False", "(2, 3)"), "complex"},
    {"complex128 dtype", DICT("'<c16'", "False", "(2, 3)"), "complex"},
    {"structured dtype", DICT("[('a', '<f4'), ('b', '<f4')]", "False", "(2,)"), "structured"},
    {"bool dtype", DICT("'|b1'", "False", "(2, 3)"), "bool"},
    {"bytes dtype", DICT("'|S4'", "False", "(2, 3)"), "string"},
    {"unicode dtype", DICT("'<U8'", "False", "(2, 3)"), "string"},
    {"datetime dtype", DICT("'<M8[ns]'", "False", "(2, 3)"), "datetime"},
    {"void dtype", DICT("'|V8'", "False", "(2, 3)"), "void"},
    {"long double dtype", DICT("'<f16'", "False", "(2, 3)"), "'<f16'"},
    {"float128 size name", DICT("'<f12'", "False", "(2, 3)"), "unsupported size"},
    {"descr too long", DICT("'<f4<f4<f4<f4<f4<f4<f4<f4'", "False", "(2, 3)"), "unsupported dtype"},
    {"descr not a string", DICT("4", "False", "(2, 3)"), "quoted string"},
    {"negative dimension", DICT("'<f4'", "False", "(-1, 3)"), "negative dimension"},
    {"negative width", DICT("'<f4'", "False", "(2, -3)"), "negative dimension"},
    {"float dimension", DICT("'<f4'", "False", "(2.5, 3)"), "non-integer dimension"},
    {"exponent dimension", DICT("'<f4'", "False", "(2e3, 3)"), "non-integer dimension"},
    {"string dimension", DICT("'<f4'", "False", "(2, '3')"), "other than an integer"},
    {"hexadecimal dimension", DICT("'<f4'", "False", "(0x10, 3)"), "not a tuple of integers"},
    {"one dimension without a comma", DICT("'<f4'", "False", "(20)"),
     "'shape' is not a tuple (a single dimension needs a trailing comma: (20,))"},
    {"one dimension spaced, no comma", DICT("'<f4'", "False", "( 768 )"), "trailing comma: (768,)"},
    {"leading zeros", DICT("'<f4'", "False", "(04, 005)"), "dimension '04' in 'shape' has a leading zero"},
    {"leading zero in the width", DICT("'<f4'", "False", "(4, 005)"), "dimension '005' in 'shape' has a leading zero"},
    {"leading zero, Python 2 long", DICT("'<f4'", "False", "(07L, 5)"), "dimension '07' in 'shape'"},
    {"shape a list", DICT("'<f4'", "False", "[2, 3]"), "'shape' is not a tuple"},
    {"shape an integer", DICT("'<f4'", "False", "6"), "'shape' is not a tuple"},
    {"shape ()", DICT("'<f4'", "False", "()"), "shape ()"},
    {"dimension over 64 bits", DICT("'<f4'", "False", "(18446744073709551616, 3)"), "does not fit 64 bits"},
    {"element count overflows", DICT("'<f4'", "False", "(4294967296, 4294967296, 16)"), "does not fit 64 bits"},
    {"byte size overflows", DICT("'<f8'", "False", "(1152921504606846976, 2)"), "does not fit 64 bits"},
    {"row size overflows", DICT("'<f8'", "False", "(1, 2305843009213693952)"), "does not fit 64 bits"},
    {"fortran_order 0", DICT("'<f4'", "0", "(2, 3)"), "'fortran_order' is not True or False"},
    {"fortran_order a string", DICT("'<f4'", "'False'", "(2, 3)"), "'fortran_order' is not True or False"},
    {"fortran_order lowercase", DICT("'<f4'", "false", "(2, 3)"), "'fortran_order' is not True or False"},
    {"fortran_order Truely", DICT("'<f4'", "Truely", "(2, 3)"), "expected ',' or '}'"},
};

Test(npy_dict, rejections_name_the_problem)
{
    for (size_t i = 0; i < sizeof DICT_REJECTIONS / sizeof DICT_REJECTIONS[0]; i++) {
        const struct dict_rejection *c = &DICT_REJECTIONS[i];
        struct npy_header header;
        struct error error = {""};

        bool ok = npy_parse_dict(c->text, strlen(c->text), &header, &error);
        cr_expect_not(ok, "%s: accepted", c->name);
        cr_expect(strstr(error.text, c->message) != NULL, "%s: message '%s' lacks '%s'", c->name, error.text,
                  c->message);
    }
}

/* Headers that contain a NUL, so their length is not what strlen returns. */
struct control_rejection {
    const char *name;
    const char *text;
    size_t length;
    const char *message;
};

#define WITH_LENGTH(text) text, sizeof text - 1

Test(npy_dict, control_characters_in_strings)
{
    /* Python's literal_eval rejects a NUL in the header, and NumPy (1.24) rejects the others as
     * dtypes or keys; a copy cut at the NUL would read '<f4'. */
    static const struct control_rejection cases[] = {
        {"NUL after the descr", WITH_LENGTH(DICT("'<f4\0junk'", "False", "(2, 3)")),
         "'descr' contains the control character 0x00"},
        {"NUL ending the descr", WITH_LENGTH(DICT("'<f4\0'", "False", "(2, 3)")),
         "'descr' contains the control character 0x00"},
        {"escaped NUL in the descr", WITH_LENGTH(DICT("'<f4\\\0'", "False", "(2, 3)")),
         "'descr' contains the control character 0x00"},
        {"0x01 in the descr", WITH_LENGTH(DICT("'<f4\x01'", "False", "(2, 3)")),
         "'descr' contains the control character 0x01"},
        {"tab in the descr", WITH_LENGTH(DICT("'<f4\t'", "False", "(2, 3)")),
         "'descr' contains the control character 0x09"},
        {"line end in the descr", WITH_LENGTH(DICT("'<f\n4'", "False", "(2, 3)")), "unterminated string"},
        {"DEL in the descr", WITH_LENGTH(DICT("'<f4\x7f'", "False", "(2, 3)")),
         "'descr' contains the control character 0x7f"},
        {"NUL in a key", WITH_LENGTH("{'descr\0': '<f4', 'fortran_order': False, 'shape': (2, 3), }"),
         "a key contains the control character 0x00"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct control_rejection *c = &cases[i];
        struct npy_header header;
        struct error error = {""};

        bool ok = npy_parse_dict(c->text, c->length, &header, &error);
        cr_expect_not(ok, "%s: accepted", c->name);
        cr_expect(strstr(error.text, c->message) != NULL, "%s: message '%s' lacks '%s'", c->name, error.text,
                  c->message);
    }
}

Test(npy_dict, dtype_rejections_list_supported)
{
    static const char *const descrs[] = {"'|O'", "'<i4'", "'<c16'", "'|b1'", "'|S4'", "'<f16'"};
    for (size_t i = 0; i < sizeof descrs / sizeof descrs[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "{'descr': %s, 'fortran_order': False, 'shape': (2, 3)}", descrs[i]);
        struct npy_header header;
        struct error error = {""};

        cr_expect_not(npy_parse_dict(text, strlen(text), &header, &error), "descr %s accepted", descrs[i]);
        cr_expect(strstr(error.text, "float16, float32, float64") != NULL,
                  "descr %s: message '%s' does not list the supported dtypes", descrs[i], error.text);
    }
}

Test(npy_dict, dimension_limit)
{
    char text[1024];
    int length = snprintf(text, sizeof text, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < NPY_NDIM_MAX + 1; i++)
        length += snprintf(text + length, sizeof text - (size_t)length, "1, ");
    snprintf(text + length, sizeof text - (size_t)length, ")}");
    struct npy_header header;
    struct error error = {""};

    cr_expect_not(npy_parse_dict(text, strlen(text), &header, &error), "%d dimensions accepted", NPY_NDIM_MAX + 1);
    cr_expect(strstr(error.text, "more than 64 dimensions") != NULL, "message '%s' lacks the limit", error.text);
}

/* --- Writer --- */

struct write_case {
    const char *name;
    const char *descr;
    uint64_t shape[3];
    int ndim;
    bool fixed_width;
    const char *dict;       /* text before the padding when not fixed_width */
};

Test(npy_write_header, round_trip)
{
    static const struct write_case cases[] = {
        {"2-D float64", "<f8", {5, 2}, 2, false, "{'descr': '<f8', 'fortran_order': False, 'shape': (5, 2), }"},
        {"big-endian, no rows", ">f4", {0, 384}, 2, false,
         "{'descr': '>f4', 'fortran_order': False, 'shape': (0, 384), }"},
        {"1-D", "<f2", {7}, 1, false, "{'descr': '<f2', 'fortran_order': False, 'shape': (7,), }"},
        {"3-D", "<f8", {2, 3, 4}, 3, false, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4), }"},
        {"fixed width, no rows yet", "<f8", {0, 2}, 2, true, NULL},
        {"fixed width, 20 digits", "<f8", {UINT64_C(1152921504606846975), 2}, 2, true, NULL},
        {"fixed width 1-D", ">f2", {12}, 1, true, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct write_case *c = &cases[i];
        unsigned char buffer[512];
        memset(buffer, 0, sizeof buffer);

        size_t size = npy_write_header(buffer, sizeof buffer, c->descr, c->shape, c->ndim, c->fixed_width);
        cr_assert_gt(size, 0, "%s: nothing written", c->name);
        cr_expect_eq(size % 64, 0, "%s: data starts at byte %zu, not on a 64-byte boundary", c->name, size);
        cr_expect_eq(buffer[size - 1], '\n', "%s: header does not end with a newline", c->name);
        cr_expect_eq(buffer[6], 1, "%s: version %u.%u, expected 1.0", c->name, buffer[6], buffer[7]);
        cr_expect_eq(buffer[7], 0, "%s: version %u.%u, expected 1.0", c->name, buffer[6], buffer[7]);

        struct npy_header header;
        struct error error = {""};
        cr_assert(npy_parse_preamble(buffer, size, &header, &error), "%s: preamble rejected: %s", c->name, error.text);
        cr_expect_eq(header.data_offset, size, "%s: HEADER_LEN gives data at %" PRIu64 ", header is %zu bytes",
                     c->name, header.data_offset, size);
        const char *text = (const char *)buffer + 10;
        cr_assert(npy_parse_dict(text, header.header_size, &header, &error), "%s: dict rejected: %s", c->name,
                  error.text);
        cr_expect_str_eq(header.descr, c->descr, "%s: descr '%s' read back", c->name, header.descr);
        cr_expect_not(header.fortran_order, "%s: fortran_order read back as True", c->name);
        cr_assert_eq(header.ndim, c->ndim, "%s: ndim %d read back", c->name, header.ndim);
        for (int d = 0; d < c->ndim; d++)
            cr_expect_eq(header.shape[d], c->shape[d], "%s: dimension %d read back as %" PRIu64, c->name, d,
                         header.shape[d]);

        if (c->dict) {
            size_t dict_length = strlen(c->dict);
            cr_expect(memcmp(text, c->dict, dict_length) == 0, "%s: dict is '%.*s', expected '%s'", c->name,
                      (int)dict_length, text, c->dict);
            for (size_t b = 10 + dict_length; b + 1 < size; b++)
                cr_expect_eq(buffer[b], ' ', "%s: byte %zu of the padding is 0x%02x, not a space", c->name, b,
                             buffer[b]);
        }
    }
}

Test(npy_write_header, fixed_width_size_independent_of_count)
{
    /* A header written before the row count is known is rewritten in place, so its size must not
     * depend on the count. */
    unsigned char first[512], last[512];
    uint64_t none[2] = {0, 384};
    uint64_t most[2] = {UINT64_MAX, 384};
    size_t first_size = npy_write_header(first, sizeof first, "<f4", none, 2, true);
    size_t last_size = npy_write_header(last, sizeof last, "<f4", most, 2, true);

    cr_assert_gt(first_size, 0, "no header written for 0 rows");
    cr_expect_eq(first_size, last_size, "header of 0 rows is %zu bytes, of 2^64-1 rows %zu", first_size, last_size);
}

Test(npy_write_header, small_buffer)
{
    unsigned char buffer[64];
    uint64_t shape[2] = {5, 2};
    cr_expect_eq(npy_write_header(buffer, sizeof buffer, "<f8", shape, 2, false), 0,
                 "a 128-byte header fit a 64-byte buffer");
    cr_expect_eq(npy_write_header(buffer, 0, "<f8", shape, 2, false), 0, "a header fit an empty buffer");
}
