import numpy as np

from matching.score import Workspace


def test_a_new_workspace_hands_out_zeros_not_leftover_memory():
    """Scores are written into a workspace's buffers; memory left by earlier arrays (here NaN)
    must not reach them, or a BLAS that scales its output by 0 first warns of NaN."""
    for _ in range(20):
        leftover = np.full(64 * 64, np.nan, np.float32)
        del leftover
        buffer = Workspace().get("s", (64, 64), np.float32)
        assert not buffer.any() and not np.isnan(buffer).any()
