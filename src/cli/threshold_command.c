/* TODO: placeholder; levyscore threshold is not written yet. */
#include "levyscore/message.h"
#include "settings.h"

int threshold_command(const struct settings *settings)
{
    (void)settings;
    message_error(NULL, "the threshold command is not available yet");
    return EXIT_FAILED;
}
