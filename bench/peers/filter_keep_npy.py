"""Peer (d): keep the ceil(F * N) best-scored rows of a .npy file, in input order.

usage: filter_keep_npy.py INPUT.npy OUTPUT.npy F

A stable argsort on the negated scores puts the earlier row first among equal scores, the
tie rule of `levyscore filter --keep`. NaN scores are not handled: the bench data has none.
"""
import math
import sys

import numpy as np

from common import norms_and_scores

rows = np.load(sys.argv[1], mmap_mode="r")
_, scores = norms_and_scores(rows)
count = math.ceil(float(sys.argv[3]) * len(scores))
best = np.argsort(-scores, kind="stable")[:count]
np.save(sys.argv[2], rows[np.sort(best)])
