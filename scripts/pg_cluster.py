"""A throwaway PostgreSQL cluster for the tests: made in a temporary folder, gone at exit.

Finds the server programs of Debian's ``postgresql`` package (``/usr/lib/postgresql/<N>/bin``,
else ``pg_config --bindir``), installs the package with ``apt-get`` when they are missing and we
are root (as ``make chromium`` does for the browser), then runs ``initdb`` and ``postgres`` as an
unprivileged user (``postgres``, which the package creates; the server refuses to run as root)
with the data directory and the unix socket in the temporary folder, listening on a free port
of 127.0.0.1 only, with trust authentication for a ``review`` superuser and durability switched
off (``fsync=off``: a test database is thrown away anyway). It makes one empty database,
``review_test``, and sets ``REVIEW_TEST_POSTGRES_URL`` to it.

    python scripts/pg_cluster.py -- python -m pytest -m postgres   # run a command against it
    python scripts/pg_cluster.py                                   # print the URL, wait for Ctrl-C

With a command, the exit status is the command's; the cluster is stopped and its folder removed
however the command ends.

>>> server_options(5433, Path("/tmp/x"))[:2]
['-c', 'listen_addresses=127.0.0.1']
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ENV_VAR = "REVIEW_TEST_POSTGRES_URL"
DATABASE = "review_test"
SUPERUSER = "review"
RUN_AS = "postgres"


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` of the newest installed PostgreSQL."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        bindir = Path(out.stdout.strip())
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    return None


def ensure_installed() -> Path:
    """The server's ``bin`` folder, installing Debian's ``postgresql`` first when we are root."""
    bindir = find_bindir()
    if bindir is not None:
        return bindir
    if os.geteuid() != 0:
        sys.exit(
            "PostgreSQL's server programs are missing and we are not root: "
            "install Debian's `postgresql` package (apt-get install postgresql)"
        )
    print("Installing Debian's postgresql for the PostgreSQL tests", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "postgresql"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    bindir = find_bindir()
    if bindir is None:
        sys.exit("apt-get installed postgresql but initdb was not found under /usr/lib/postgresql")
    return bindir


def free_port() -> int:
    """A TCP port nobody listens on at the moment, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_options(port: int, socket_dir: Path) -> list[str]:
    """``postgres`` settings: loopback only, our socket folder, no durability (tests only)."""
    settings = {
        "listen_addresses": "127.0.0.1",
        "port": str(port),
        "unix_socket_directories": str(socket_dir),
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "200",
        "shared_buffers": "64MB",
    }
    return [x for key, value in settings.items() for x in ("-c", f"{key}={value}")]


def _demoter(user: str) -> tuple[Callable[[], None] | None, int, int]:
    """A ``preexec_fn`` that switches to ``user`` (when we are root), and its uid and gid."""
    if os.geteuid() != 0:
        return None, os.geteuid(), os.getegid()
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        sys.exit(f"the user {user!r} does not exist: the server cannot run as root")

    def demote() -> None:
        os.setgid(entry.pw_gid)
        os.setgroups([])
        os.setuid(entry.pw_uid)

    return demote, entry.pw_uid, entry.pw_gid


@contextlib.contextmanager
def cluster(bindir: Path | None = None, *, user: str = RUN_AS) -> Iterator[str]:
    """Start a cluster in a temporary folder; yield the URL of its empty ``review_test``
    database; stop it and remove the folder when the block ends."""
    bindir = bindir or ensure_installed()
    demote, uid, gid = _demoter(user)
    folder = Path(tempfile.mkdtemp(prefix="review-pg-"))
    data, sock, log = folder / "data", folder / "sock", folder / "server.log"
    sock.mkdir()
    for path in (folder, sock):
        os.chown(path, uid, gid)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = env["LANG"] = "C.UTF-8"

    def run(*cmd: str) -> None:
        done = subprocess.run(
            cmd, preexec_fn=demote, env=env, cwd=folder, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stdout}{done.stderr}")

    port = free_port()
    try:
        run(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        opts = " ".join(server_options(port, sock))
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts, "-w", "start")
        run(
            str(bindir / "psql"),
            "-h",
            str(sock),
            "-p",
            str(port),
            "-U",
            SUPERUSER,
            "-d",
            "postgres",
            "-qc",
            f"CREATE DATABASE {DATABASE}",
        )
        yield f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}"
    finally:
        if (data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):
                run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", nargs=argparse.REMAINDER, help="command to run (after --)")
    args = ap.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    t0 = time.monotonic()
    with cluster() as url:
        print(f"PostgreSQL ready in {time.monotonic() - t0:.1f} s: {ENV_VAR}={url}", flush=True)
        if not command:
            print("Ctrl-C stops it and removes its folder.", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                signal.pause()
            return 0
        child = subprocess.Popen(command, env={**os.environ, ENV_VAR: url})
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGINT)
            return child.wait()


if __name__ == "__main__":
    sys.exit(main())
