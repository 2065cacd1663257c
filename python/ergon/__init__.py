"""ergon: extractable work in quantum electromechanics.

The compiled core (``ergon._ergon``) is imported when it has been built;
``ergon.plot`` needs only NumPy and matplotlib, ``ergon.load`` only NumPy
(and h5py for HDF5 files).
"""

try:
    from ._ergon import *  # noqa: F401,F403
    from ._ergon import __version__, git_commit  # noqa: F401
except ImportError:  # the plotting and loading modules work without the compiled core
    __version__ = "unknown (the compiled core ergon._ergon is not built)"
    git_commit = "unknown"

from .interchange import analyze, load, qutip_heom_model  # noqa: E402,F401
