"""paperbroker: a contract-first broker API served by a paper-trading engine."""

import warnings

__version__ = "0.1.0"

# Connexion imports starlette.testclient at import time, and Starlette warns about its httpx there: a
# warning about a dependency's own import, printed at every start, that a user can do nothing about.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`", module=r"connexion\.")
