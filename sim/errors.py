"""Errors that are the user's to fix (exit code 2), kept apart from bugs (exit code 1)."""


class UserError(Exception):
    """Bad input or usage: the CLI prints the message on one line per problem and exits 2."""

    exit_code = 2
