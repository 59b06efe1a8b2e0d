"""The placebo-set kernels, now in the shared :mod:`riskcycle._nb_sets` (re-exported)."""

from .._nb_sets import *  # noqa: F403
from .._nb_sets import MEAN, MEDIAN, __all__  # noqa: F401
