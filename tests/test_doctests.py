"""The doctests of every module of the installed package (pure functions are the specification)."""
import doctest
import importlib
import pkgutil

import pytest

import fr_finance

MODULES = sorted(name for _, name, is_pkg in pkgutil.walk_packages(fr_finance.__path__, "fr_finance.")
                 if not is_pkg and not name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
