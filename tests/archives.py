"""Zip archives written for tests (wheels, jars): each member's name and bytes."""

import zipfile
from pathlib import Path


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path
