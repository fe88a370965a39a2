/* TODO: placeholder; levyscore stats is not written yet. */
#include "levyscore/message.h"
#include "settings.h"

int stats_command(const struct settings *settings)
{
    (void)settings;
    message_error(NULL, "the stats command is not available yet");
    return EXIT_FAILED;
}
