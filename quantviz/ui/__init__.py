"""The only streamlit-aware code of quantviz: controls, caching, text table, page sections.

One server process runs every session's reruns in its own threads. A BLAS thread pool inside
each numpy call only fights those threads (and any other process) for the same cores: on a busy
two-core machine a 100,000-value ``np.dot`` took 13 ms with OpenBLAS's pool instead of 0.01 ms,
and the MSE calibration 3 s instead of 0.14 s. So the app asks for one BLAS thread. The server
imports numpy for the first time when the app is first imported (here), so the variables still
take effect; an operator's own setting wins. Freed memory goes back to the system as well
(:mod:`quantviz.ui.memory`).
"""

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from quantviz.ui.memory import tame_malloc  # noqa: E402 (after the variables above)

tame_malloc()
