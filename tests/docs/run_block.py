"""Runs one README code block (read from stdin) as a user's script would, loopback only.

The block runs in its own interpreter, so a sample that registers a model or sets a global
cannot leak into the suite; sockets to anything but 127.0.0.1 are refused, as in the suite.
"""

import sys

import pytest_socket

pytest_socket.socket_allow_hosts(["127.0.0.1"], allow_unix_socket=True)
code = sys.stdin.read()
name = sys.argv[1] if len(sys.argv) > 1 else "<README block>"
exec(compile(code, name, "exec"), {"__name__": "__main__"})
