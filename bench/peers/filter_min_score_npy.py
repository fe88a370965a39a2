"""Peer (e): keep the rows of a .npy file whose score is at least S, in input order.

usage: filter_min_score_npy.py INPUT.npy OUTPUT.npy S
"""
import sys

import numpy as np

from common import norms_and_scores

rows = np.load(sys.argv[1], mmap_mode="r")
_, scores = norms_and_scores(rows)
np.save(sys.argv[2], rows[scores >= float(sys.argv[3])])
