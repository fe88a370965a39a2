"""Peer (b): score a float .npy file and write index, norm and score as TSV with np.savetxt.

usage: score_npy_to_tsv.py INPUT.npy OUTPUT.tsv
"""
import sys

import numpy as np

from common import norms_and_scores, save_scores_tsv

rows = np.load(sys.argv[1], mmap_mode="r")
norms, scores = norms_and_scores(rows)
save_scores_tsv(sys.argv[2], norms, scores)
