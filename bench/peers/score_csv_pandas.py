"""Peer (c): read a header-less CSV of embeddings with pandas (C engine), score, write TSV.

usage: score_csv_pandas.py INPUT.csv OUTPUT.tsv
"""
import sys

import numpy as np
import pandas as pd

from common import norms_and_scores, save_scores_tsv

frame = pd.read_csv(sys.argv[1], header=None, engine="c")
norms, scores = norms_and_scores(frame.to_numpy(dtype=np.float64))
save_scores_tsv(sys.argv[2], norms, scores)
