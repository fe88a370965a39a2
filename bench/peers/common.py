"""Steps shared by the peer scripts: what a NumPy + SciPy user writes to score embeddings.

Each peer is a whole process, imports included, because the benchmark compares levyscore with
the script a user would otherwise run. Every peer scores with dof = row width and scale = 1,
the levyscore defaults.
"""
import numpy as np
from scipy.stats import chi


def norms_and_scores(rows):
    """Compute the float64 L2 norm of each row and the Chi log density at that norm."""
    norms = np.sqrt(np.einsum("ij,ij->i", rows, rows, dtype=np.float64))
    scores = chi.logpdf(norms, rows.shape[1])
    return norms, scores


def save_scores_tsv(path, norms, scores):
    """Write the levyscore TSV layout: a header, then index, norm and score with 17 digits."""
    table = np.column_stack((np.arange(len(norms), dtype=np.float64), norms, scores))
    np.savetxt(path, table, fmt=("%d", "%.17g", "%.17g"), delimiter="\t",
               header="index\tnorm\tscore", comments="")
