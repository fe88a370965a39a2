/* TODO: placeholder; levyscore eval is not written yet. */
#include "levyscore/message.h"
#include "settings.h"

int eval_command(const struct settings *settings)
{
    (void)settings;
    message_error(NULL, "the eval command is not available yet");
    return EXIT_FAILED;
}
