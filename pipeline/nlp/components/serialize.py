"""`to_disk`/`from_disk` for our components: a saved pipeline carries the models/ files it was built from.

Our components compile their data (lexicons, patterns) in `__init__` from file names given in the config. The
mixin remembers the constructor's arguments; `to_disk` copies every data file the component was built from
into its folder of the saved pipeline, and `from_disk` rebuilds the component from those copies when they
differ from the files it was just built from (a pipeline saved with other data than the installed package's).
So `nlp.to_disk(path)`, `spacy.load(path)` and `spacy package` give the same component as the one saved.

Written by hand: spaCy's own serialisation helpers (`util.to_disk`) save attributes, not the compiled
matchers and regexes built from these files.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterable

import srsly

from .. import lexicons

DATA_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl", ".txt")  # .txt: the names first-name list
INDEX = "data_files.json"  # setting → saved file name, in the component's folder


class SavesDataFiles:
    """Mixin for a component class whose constructor reads models/ files named by string settings."""

    def __new__(cls, *args: Any, **kwargs: Any):
        self = super().__new__(cls)
        self._built_with = (args, dict(kwargs))  # what __init__ receives: spaCy passes nlp, name and the settings
        return self

    def _data_settings(self) -> dict[str, Path]:
        """The settings that name a data file, and the file each one names."""
        _, kwargs = getattr(self, "_built_with", ((), {}))
        return {key: lexicons.resolve(value) for key, value in kwargs.items()
                if isinstance(value, str) and value.endswith(DATA_SUFFIXES)}

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        index = {}
        for setting, source in self._data_settings().items():
            saved = f"{setting}{source.suffix}"
            shutil.copyfile(source, folder / saved)
            index[setting] = saved
        srsly.write_json(folder / INDEX, index)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()):
        folder = Path(path)
        if not (folder / INDEX).is_file():
            return self
        current = self._data_settings()
        changed = {}
        for setting, saved in srsly.read_json(folder / INDEX).items():
            source = current.get(setting)
            if source is None or not source.is_file() or source.read_bytes() != (folder / saved).read_bytes():
                changed[setting] = str((folder / saved).resolve())
        if changed:
            args, kwargs = self._built_with
            kwargs = {**kwargs, **changed}
            self.__init__(*args, **kwargs)
            self._built_with = (args, kwargs)
        return self
