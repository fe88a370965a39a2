"""Peer (a): score a float .npy file and save an (N, 2) float64 array of (norm, score).

usage: score_npy_to_npy.py INPUT.npy OUTPUT.npy
"""
import sys

import numpy as np

from common import norms_and_scores

rows = np.load(sys.argv[1], mmap_mode="r")
norms, scores = norms_and_scores(rows)
np.save(sys.argv[2], np.column_stack((norms, scores)))
