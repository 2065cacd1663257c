"""ergon: extractable work in quantum electromechanics.

The compiled core (``ergon._ergon``) is imported when it has been built;
``ergon.plot`` needs only NumPy and matplotlib.
"""

try:
    from ._ergon import *  # noqa: F401,F403
    from ._ergon import __version__  # noqa: F401
except ImportError:  # the plotting module works without the compiled core
    pass
