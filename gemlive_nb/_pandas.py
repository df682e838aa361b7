"""pandas, imported only when a table is asked for (it is not a dependency of the package)."""

from __future__ import annotations

from typing import Any

from .exceptions import PandasMissing

__all__ = ["require_pandas"]


def require_pandas(what: str = "to_pandas()") -> Any:
    """The pandas module, or :class:`PandasMissing` naming ``pip install pandas``.

    Example::

        pd = require_pandas("Recording.to_pandas()")
    """
    try:
        import pandas
    except ImportError as e:
        raise PandasMissing(
            f"{what} needs pandas, which is not installed: pip install pandas "
            "(or use .records() / .metrics for plain dicts)"
        ) from e
    return pandas
