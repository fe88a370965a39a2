#ifndef LEVYSCORE_LIMITS_H
#define LEVYSCORE_LIMITS_H

/* Limits on what levyscore reads; each is quoted in the error when hit and listed in the man
 * page's CAVEATS. */

/* Largest .npy header (HEADER_LEN), in bytes. NumPy itself writes headers of a few hundred
 * bytes, and by default refuses to read ones over 10,000. */
#define NPY_HEADER_MAX (1u << 20)

/* Most values in one row. */
#define ROW_WIDTH_MAX (1u << 24)

/* Most bytes in one row of any format, a text line included. */
#define ROW_BYTES_MAX (256u << 20)

#endif
