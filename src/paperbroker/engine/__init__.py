"""The paper-trading domain: orders, matching rules, positions and the account. No HTTP, no SQL."""
