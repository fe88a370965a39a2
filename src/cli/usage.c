#include <stdio.h>
#include <string.h>

#include "settings.h"

static const char TOP_HELP[] =
    "usage: levyscore score [options] [FILE|-]\n"
    "       levyscore filter (--keep F | --min-score S | --min-pvalue P) [options] [FILE|-]\n"
    "       levyscore threshold --keep F [options] FILE...\n"
    "       levyscore stats [options] [FILE|-]\n"
    "       levyscore eval (--correct FILE | --labels FILE --predictions FILE) [options] [FILE|-]\n"
    "\n"
    "Score each embedding row by how typical its L2 norm is for an isotropic Gaussian\n"
    "encoder: the LevyScore is the log density of the Chi distribution with K degrees of\n"
    "freedom at norm/scale. Higher means a more typical norm, so a more trustworthy row.\n"
    "\n"
    "Commands:\n"
    "  score    print index, norm and score of every row\n"
    "  filter   write only the rows with the highest scores, in the input's format\n"
    "  threshold  print the score at which filter --min-score keeps ceil(F*N) rows of\n"
    "           several files together, to filter shards separately\n"
    "  stats    compare the norms with Chi_K: quantiles, fitted scale, KS distance,\n"
    "           histograms\n"
    "  eval     measure how well the score tells correct predictions from errors\n"
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
    "  --threads N        threads that parse, score and format (default: online CPUs);\n"
    "                     the output does not depend on N\n"
    "  --progress, --no-progress\n"
    "                     show or hide the progress line on stderr (default: shown when\n"
    "                     stderr is a terminal and the run takes over a second)\n"
    "  -h, --help         print this help\n";

static const char THRESHOLD_HELP[] =
    "usage: levyscore threshold --keep F [options] FILE...\n"
    "\n"
    "Print the score at which 'filter --min-score' keeps ceil(F*N) rows of all the\n"
    "FILEs together (N: their total rows), so that each shard can be filtered on its\n"
    "own with the same cut. Output: a header line, then score, rows, target\n"
    "(ceil(F*N)) and kept (rows scoring at least the cut; above target only when\n"
    "rows tie at it), tab-separated. FILEs are read four times, so they must be\n"
    "regular files.\n"
    "\n"
    "  --keep F           the fraction of all rows to keep (0 < F <= 1)\n";

static const char SCORE_HELP[] =
    "usage: levyscore score [options] [FILE|-]\n"
    "\n"
    "Print one line per row: index, L2 norm and LevyScore (log density of Chi_K at\n"
    "norm/scale). Higher scores mean more typical norms: more trustworthy rows.\n"
    "\n"
    "  --to FORMAT        tsv (default), csv, jsonl, or npy (float64, shape (N, 2):\n"
    "                     norm, score); default from the -o extension\n"
    "  --no-header        leave out the header line of tsv and csv output\n"
    "  --pvalue           add the columns pvalue, the two-sided tail probability\n"
    "                     2 min(CDF, 1 - CDF) of norm/scale under Chi_K, and log_pvalue,\n"
    "                     its natural log, finite where pvalue underflows to 0 (npy: shape\n"
    "                     (N, 4): norm, score, pvalue, log_pvalue)\n";

static const char FILTER_HELP[] =
    "usage: levyscore filter (--keep F | --min-score S | --min-pvalue P) [options] [FILE|-]\n"
    "\n"
    "Write the rows with the highest LevyScores, in input order and in the input's\n"
    "own format, byte for byte. Higher scores mean more typical norms: more\n"
    "trustworthy rows. Rows with a NaN score are never kept.\n"
    "\n"
    "  --keep F           keep exactly ceil(F*N) rows (0 < F <= 1, such as 0.8 or 80%);\n"
    "                     ties at the cut go to the earlier rows\n"
    "  --min-score S      keep the rows whose score is at least S\n"
    "  --min-pvalue P     keep the rows whose two-sided p-value under Chi_K (see score\n"
    "                     --pvalue) is at least P, 0 <= P <= 1: a cut that needs no\n"
    "                     calibration data\n"
    "  --invert           write the rows that would be dropped instead\n"
    "  --print-index      write the row indices (or ids), one per line, instead of rows\n"
    "  --no-header        same as --no-in-header\n";

static const char STATS_HELP[] =
    "usage: levyscore stats [options] [FILE|-]\n"
    "\n"
    "Compare the row norms with Chi_K, the distribution the score assumes: rows, width,\n"
    "K and scale; norm min, quantiles, max, mean and standard deviation beside those of\n"
    "Chi_K times scale; the scale that fits, sqrt(mean(norm^2)/K); the Kolmogorov-Smirnov\n"
    "distance to Chi_K at the given and at the fitted scale; histograms of norms and\n"
    "scores. Warns when all norms are equal (L2-normalised rows) or the median norm is\n"
    "far from what Chi_K expects.\n"
    "\n"
    "  --bins N           histogram bins (default 30)\n"
    "  --bin-width W      histogram bins of width W, from a multiple of W\n"
    "  --json             print the report as JSON\n"
    "  --svg FILE         draw the norm histogram with the Chi_K density into FILE\n"
    "  --correct FILE     1 or 0 per row: split the plotted histogram into correct and\n"
    "                     incorrect rows (or --labels FILE --predictions FILE)\n";

static const char EVAL_HELP[] =
    "usage: levyscore eval (--correct FILE | --labels FILE --predictions FILE) [options] [FILE|-]\n"
    "\n"
    "Measure how well the LevyScore, and each baseline score, tells correct predictions\n"
    "from errors: AUROC, AUPR with correct rows and with errors as the positive class,\n"
    "FPR at 95% TPR, AURC, E-AURC, and the accuracy of the most confident 100, 95, 90,\n"
    "80, 70 and 50% of the rows. levyscore(1) defines each metric.\n"
    "\n"
    "  --correct FILE     1 (correct prediction) or 0 per line, one line per row\n"
    "  --labels FILE      true label per line; with --predictions FILE, a row is correct\n"
    "                     where the two lines are equal\n"
    "  --baseline FILE    another confidence score per line, higher = more confident\n"
    "                     (such as the classifier's max softmax probability); repeatable\n"
    "  --curve FILE       write the accuracy of the k most confident rows, for every k,\n"
    "                     as TSV\n"
    "  --json             print the report as JSON\n"
    "  --svg FILE         draw accuracy against coverage and the ROC curves into FILE\n";

void usage_print(const char *command)
{
    if (command && strcmp(command, "score") == 0)
        fputs(SCORE_HELP, stdout);
    else if (command && strcmp(command, "threshold") == 0)
        fputs(THRESHOLD_HELP, stdout);
    else if (command && strcmp(command, "filter") == 0)
        fputs(FILTER_HELP, stdout);
    else if (command && strcmp(command, "stats") == 0)
        fputs(STATS_HELP, stdout);
    else if (command && strcmp(command, "eval") == 0)
        fputs(EVAL_HELP, stdout);
    else {
        fputs(TOP_HELP, stdout);
        return;
    }
    fputs(INPUT_HELP, stdout);
}
