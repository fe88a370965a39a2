#ifndef LEVYSCORE_MESSAGE_H
#define LEVYSCORE_MESSAGE_H

/*
 * The one voice of levyscore on stderr: "levyscore: WHERE: text" with a newline added. WHERE is a
 * file name (stdin shows as "<stdin>"), optionally followed by ":LINE"; NULL leaves it out.
 * Formats hold no newline.
 */
#if defined(__GNUC__)
#define MESSAGE_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define MESSAGE_PRINTF(fmt, args)
/* Rewrite the progress line in place ("\r", text, clear to the end of the line). */
void message_progress(const char *where, const char *format, ...) MESSAGE_PRINTF(2, 3);

/* Erase the progress line. */
void message_progress_clear(void);

#endif

/* Report a failure. */
void message_error(const char *where, const char *format, ...) MESSAGE_PRINTF(2, 3);

/* Report something the user should know although the run goes on. */
void message_warning(const char *where, const char *format, ...) MESSAGE_PRINTF(2, 3);

/* Report a verbose (-v) note. */
void message_note(const char *where, const char *format, ...) MESSAGE_PRINTF(2, 3);

/* Rewrite the progress line in place ("\r", text, clear to the end of the line). */
void message_progress(const char *where, const char *format, ...) MESSAGE_PRINTF(2, 3);

/* Erase the progress line. */
void message_progress_clear(void);

#endif
