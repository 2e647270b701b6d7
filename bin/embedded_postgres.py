"""Start or stop an embedded PostgreSQL (the ``pgserver`` wheel) for machines that have none.

    python bin/embedded_postgres.py start DATA_DIR DBNAME   # prints a DATABASE_URL
    python bin/embedded_postgres.py stop DATA_DIR

The server listens on a Unix socket inside DATA_DIR only (never on the network), and keeps
running after this script exits so that Django and the tests can use it; ``stop`` ends it. Run
as root, pgserver creates a system user ``pgserver`` to run it as (initdb refuses root).
"""

import sys
import warnings
from pathlib import Path
from urllib.parse import quote


def start(data_dir: Path, dbname: str) -> str:
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{dbname}';")
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{dbname}";')
    return f"postgres://postgres@{quote(str(data_dir.resolve()), safe='')}/{dbname}"


def stop(data_dir: Path) -> None:
    import subprocess

    import pgserver

    pg_ctl = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_ctl"
    if (data_dir / "postmaster.pid").exists():
        owner = data_dir.stat().st_uid
        command = [str(pg_ctl), "-D", str(data_dir), "-m", "fast", "-w", "stop"]
        if owner == 0:
            subprocess.run(command, check=False)
        else:
            import pwd

            subprocess.run(["runuser", "-u", pwd.getpwuid(owner).pw_name, "--", *command], check=False)


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    if len(sys.argv) >= 4 and sys.argv[1] == "start":
        print(start(Path(sys.argv[2]), sys.argv[3]))
    elif len(sys.argv) >= 3 and sys.argv[1] == "stop":
        stop(Path(sys.argv[2]))
    else:
        sys.exit(__doc__)
