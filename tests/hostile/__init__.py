"""The hostile corpus (issue 14): every case is made in a temporary folder by :mod:`maker`."""
