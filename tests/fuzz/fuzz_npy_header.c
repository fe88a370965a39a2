/* libFuzzer target: the .npy preamble and header dict parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "levyscore/npy_header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct npy_header header;
    struct error error;
    memset(&header, 0, sizeof header);
    npy_parse_preamble(data, size, &header, &error);

    /* The dict parser takes a length, not a NUL: give it an exact-size copy so that any read past
     * the end is caught. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    if (npy_parse_dict(text, size, &header, &error)) {
        unsigned char written[1024];
        npy_write_header(written, sizeof written, header.descr, header.shape, header.ndim, false);
    }
    free(text);
    return 0;
}
