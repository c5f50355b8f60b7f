"""The `daks` command. Exit status: 0 success, 2 bad input or usage, 1 internal failure."""
