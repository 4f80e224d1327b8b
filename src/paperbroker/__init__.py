"""paperbroker: a contract-first broker API served by a paper-trading engine."""

__version__ = "0.1.0"
