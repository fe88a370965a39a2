#ifndef LEVYSCORE_LIMITS_H
#define LEVYSCORE_LIMITS_H

/* Limits on what levyscore reads; each is quoted in the error when hit and listed in the man
 * page's CAVEATS. */

/* Largest .npy header (HEADER_LEN), in bytes. NumPy itself writes headers of a few hundred
 * bytes, and by default refuses to read ones over 10,000. */
#define NPY_HEADER_MAX (1u << 20)

/* Maximum values in one row: 4,194,304, far wider than any embedding, and 32 MiB as float64. */
#define ROW_WIDTH_MAX (1u << 22)

/* Maximum bytes in one row of any format, a text line included: 64 MiB, room for a CSV row of
 * ROW_WIDTH_MAX / 4 values at 16 characters each. A longer line is an error, so a file with no
 * line end cannot make levyscore hold more than this much of it. */
#define ROW_BYTES_MAX (64u << 20)

/* Maximum JSON values in one JSON lines line: 1,048,576. Every array, object, string (object
 * keys included), number, true, false and null counts, but an array of numbers counts as one
 * value and its numbers as none, because cJSON gets it blanked to an empty array. cJSON
 * allocates a node or a string for each counted value. A line of 1,048,569 arrays [1] peaked at 150 MB (GNU time, x86-64 glibc),
 * and without the limit 22 million [] in a 63 MiB line took 1.85 GB. */
#define JSONL_VALUES_MAX (1u << 20)

#endif
