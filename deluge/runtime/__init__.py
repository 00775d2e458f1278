"""Runtime of the Deluge engine: values and the built-in function library.

Importing this package fills ``registry.METHODS`` and ``registry.FUNCTIONS``.
"""

from deluge.runtime import (  # noqa: F401  (imported for their registrations)
    collections_,
    convert,
    dates,
    encoding,
    json_,
    lists,
    maps,
    numbers,
    strings,
    utility,
)

utility.register_function_forms()
