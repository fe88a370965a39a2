#include <stdio.h>
#include <string.h>

#include "settings.h"

static const char TOP_HELP[] =
    "usage: levyscore score [options] [FILE|-]\n"
    "       levyscore filter (--keep F | --min-score S) [options] [FILE|-]\n"
    "\n"
    "Score each embedding row by how typical its L2 norm is for an isotropic Gaussian\n"
    "encoder: the LevyScore is the log density of the Chi distribution with K degrees of\n"
    "freedom at norm/scale. Higher means a more typical norm, so a more trustworthy row.\n"
    "\n"
    "Commands:\n"
    "  score    print index, norm and score of every row\n"
    "  filter   write only the rows with the highest scores, in the input's format\n"
    "\n"
    "Run 'levyscore COMMAND --help' for the options of a command, or see levyscore(1).\n";

static const char INPUT_HELP[] =
    "\n"
    "Input (FILE, or stdin when FILE is - or missing):\n"
    "  --in-format F      npy, csv, tsv, raw or jsonl (default: .npy magic bytes, then\n"
    "                     the file extension, then a look at the text)\n"
    "  --delimiter C      field delimiter of CSV/TSV (default: detected)\n"
    "  --in-header, --header\n"
    "                     the first CSV/TSV line is a header (default: detected)\n"
    "  --no-in-header     the first CSV/TSV line is data\n"
    "  --id-column NAME|N CSV/TSV column carried into the output as the row id\n"
    "  --columns LIST     1-based CSV/TSV columns holding the embedding, such as 2-385\n"
    "  --dim K            values per row of raw input (required with --in-format raw)\n"
    "  --dtype T          element type of raw input: f2, f4 (default) or f8\n"
    "  --field NAME       JSON lines key holding the vector (default: embedding,\n"
    "                     vector or values)\n"
    "  --id-field NAME    JSON lines key holding the id (default: id)\n"
    "  --strict           exit 1 at the first NaN or infinite value (default: warn)\n"
    "\n"
    "Scoring:\n"
    "  --dof K            degrees of freedom of the Chi distribution (default: row width)\n"
    "  --scale S          divide each norm by S before scoring (default: 1)\n"
    "\n"
    "Output:\n"
    "  -o, --output FILE  write FILE (replaced only when the run succeeds) instead of stdout\n"
    "  -v, --verbose      print a summary line on stderr\n"
    "  --force            write binary output to a terminal\n"
    "  -h, --help         print this help\n";

static const char SCORE_HELP[] =
    "usage: levyscore score [options] [FILE|-]\n"
    "\n"
    "Print one line per row: index, L2 norm and LevyScore (log density of Chi_K at\n"
    "norm/scale). Higher scores mean more typical norms: more trustworthy rows.\n"
    "\n"
    "  --to FORMAT        tsv (default), csv, jsonl, or npy (float64, shape (N, 2):\n"
    "                     norm, score); default from the -o extension\n"
    "  --no-header        leave out the header line of tsv and csv output\n";

static const char FILTER_HELP[] =
    "usage: levyscore filter (--keep F | --min-score S) [options] [FILE|-]\n"
    "\n"
    "Write the rows with the highest LevyScores, in input order and in the input's\n"
    "own format, byte for byte. Higher scores mean more typical norms: more\n"
    "trustworthy rows. Rows with a NaN score are never kept.\n"
    "\n"
    "  --keep F           keep exactly ceil(F*N) rows (0 < F <= 1, such as 0.8 or 80%);\n"
    "                     ties at the cut go to the earlier rows\n"
    "  --min-score S      keep the rows whose score is at least S\n"
    "  --invert           write the rows that would be dropped instead\n"
    "  --print-index      write the row indices (or ids), one per line, instead of rows\n"
    "  --no-header        same as --no-in-header\n";

void usage_print(const char *command)
{
    if (command && strcmp(command, "score") == 0)
        fputs(SCORE_HELP, stdout);
    else if (command && strcmp(command, "filter") == 0)
        fputs(FILTER_HELP, stdout);
    else {
        fputs(TOP_HELP, stdout);
        return;
    }
    fputs(INPUT_HELP, stdout);
}
