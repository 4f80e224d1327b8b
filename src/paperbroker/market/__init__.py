"""Where quotes come from when nobody sets them by hand."""
