"""The county's halls: one hall file each in the county folder (`[hall] id` names the file), checked as
check-config checks one. A hall is added by placing its file (`onewindow hall add`); every caller process serves
the halls it finds at its start."""

from __future__ import annotations

import shutil
from pathlib import Path

from caller.hall import Hall, HallConfigError, load_hall

COUNTY = "_county"  # the county's own tokens are kept under this name, which no hall id can take (ids are [a-z0-9-])


class CountyError(Exception):
    pass


def load_county(folder: Path) -> list[Hall]:
    """Every hall file of the folder, in the order of their ids; each checked (HallConfigError names the file)."""
    if not folder.is_dir():
        raise CountyError(f"the county folder {folder} does not exist")
    halls = [load_hall(path) for path in sorted(folder.glob("*.toml"))]
    seen: dict[str, str] = {}
    for hall in halls:
        if hall.hall.id in seen:
            raise CountyError(f"two hall files have the id {hall.hall.id!r}: {seen[hall.hall.id]} and {hall.hall.name}")
        seen[hall.hall.id] = hall.hall.name
    if not halls:
        raise CountyError(f"the county folder {folder} holds no hall file (*.toml)")
    return sorted(halls, key=lambda h: h.hall.id)


def add_hall(folder: Path, source: Path) -> Hall:
    """Check a hall file and place it in the county folder as <id>.toml; a hall id already there is refused."""
    hall = load_hall(source)  # HallConfigError: every problem with its key
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{hall.hall.id}.toml"
    existing = {load_hall(path).hall.id: path for path in folder.glob("*.toml")}
    if hall.hall.id in existing:
        raise CountyError(f"the county already has a hall {hall.hall.id!r} ({existing[hall.hall.id].name})")
    shutil.copyfile(source, target)
    return hall


__all__ = ["COUNTY", "CountyError", "HallConfigError", "add_hall", "load_county"]
