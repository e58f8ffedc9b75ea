"""Every public name's docstring passes numpydoc's validator (the structural checks)."""

import dataclasses
import inspect

import pytest

import skreg

numpydoc_validate = pytest.importorskip("numpydoc.validate")

# The public modules: their __all__ is the public API.
MODULES = ["skreg", "skreg.penalties", "skreg.theory", "skreg.optim", "skreg.early_stopping",
           "skreg.noise", "skreg.plotting", "skreg.datasets", "skreg.utils", "skreg.study"]

# Checked: a docstring exists (GL08), has a one-line summary (SS01), documents every
# parameter of the signature and no other, in order, with a type (PR01-PR04), and a
# Returns/Yields section where the function returns (RT01).  Not checked: prose style
# (capitalization, full stops, descriptions of obvious parameters like X and y, See
# Also descriptions, Examples on every method), as scikit-learn's own test_docstrings
# leaves most of these aside.
CHECKED = {"GL08", "SS01", "PR01", "PR02", "PR03", "PR04", "PR05", "PR06", "RT01", "YD01"}


def _public_objects():
    import importlib

    names = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            if name.startswith("__"):
                continue
            obj = getattr(module, name)
            if not callable(obj):  # constants (a tuple of strategy names, the method registry)
                continue
            qualified = f"{module_name}.{name}"
            names.append(qualified)
            if inspect.isclass(obj):
                for attr, value in vars(obj).items():
                    if not attr.startswith("_") and (inspect.isfunction(value) or isinstance(value, property)):
                        names.append(f"{qualified}.{attr}")
    return sorted(set(names))


def test_there_is_something_to_check():
    names = _public_objects()
    assert "skreg.RidgeEigen" in names and "skreg.RidgeEigen.fit" in names
    assert len(names) > 50


@pytest.mark.parametrize("name", _public_objects())
def test_numpydoc(name):
    result = numpydoc_validate.validate(name)
    errors = [(code, message) for code, message in result["errors"] if code in CHECKED]
    obj = inspect.getattr_static(*_owner_and_attr(name))
    # a property documents a value, not a call: no Parameters/Returns to ask for
    if isinstance(obj, property):
        errors = [(c, m) for c, m in errors if c not in {"RT01", "PR01"}]
    # a Protocol's generated __init__ (*args, **kwargs) is not part of the specification
    if getattr(obj, "_is_protocol", False):
        errors = [(c, m) for c, m in errors if c != "PR01"]
    # a dataclass documents its fields as Attributes (its __init__ is generated from them)
    if dataclasses.is_dataclass(obj):
        errors = [(c, m) for c, m in errors if c != "PR01"]
    assert not errors, "\n".join(f"{name}: {code} {message}" for code, message in errors)


def _owner_and_attr(name):
    import importlib

    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for part in parts[i:-1]:
            owner = getattr(owner, part)
        return owner, parts[-1]
    return skreg, parts[-1]
