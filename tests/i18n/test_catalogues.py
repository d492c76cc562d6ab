"""Every message the code can refuse with has a Kazakh and a Russian translation.

The msgids are read from the source with ``ast`` (nothing to forget to mark): the message of
every call of ``DomainError`` and of the few helpers that forward a message to it, every
``N_(...)`` (messages kept in tables), and each ``not_found("...")`` noun. A message that is not
a literal (an f-string, a concatenation, ``str(exc)``) fails the test: it could never be
translated. The same msgids are what ``pybabel extract -k N_ -k DomainError:2 ...`` finds.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from marketplace.accounts.models import Language
from marketplace.errors import NOT_FOUND_MESSAGES
from marketplace.i18n import MESSAGES, locale_tag

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("marketplace", "schema", "search")
# Callables that take a message, and the position of the message among their arguments.
MESSAGE_ARGUMENT = {"DomainError": 1, "forbidden": 0, "refuse": 1, "_reject": 0, "_flush_unique": 1, "_invalid": 1,
                    "require_local_officer": 0, "N_": 0}


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _module_constants(tree: ast.Module) -> dict[str, str]:
    constants: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.Call) and _name(value) == "N_":
                value = value.args[0]
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                constants[node.targets[0].id] = value.value
    return constants


def _literals(node: ast.expr | None) -> list[str] | None:
    """The msgids an argument can be: a literal, either literal of a conditional; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literals(node.body), _literals(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def extract() -> tuple[set[str], list[str]]:
    """(msgids, problems): problems name each message that cannot be translated."""
    msgids: set[str] = set(NOT_FOUND_MESSAGES.values())
    problems: list[str] = []
    trees = {path: ast.parse(path.read_text(encoding="utf-8"))
             for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}
    constants: dict[str, str] = {}  # module-level messages (RETRY_MESSAGE = N_("..."))
    for tree in trees.values():
        constants.update(_module_constants(tree))
    for path, tree in trees.items():
        forwarders: dict[int, set[str]] = {}  # line of a call -> parameters of the function around it
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                names = {a.arg for a in function.args.args + function.args.kwonlyargs}
                for inner in ast.walk(function):
                    if isinstance(inner, ast.Call):
                        forwarders.setdefault(id(inner), set()).update(names)
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            name = _name(call)
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            if name == "not_found" and call.args:
                noun = call.args[0]
                if isinstance(noun, ast.Constant) and noun.value not in NOT_FOUND_MESSAGES:
                    problems.append(f"{where}: not_found({noun.value!r}) has no sentence in NOT_FOUND_MESSAGES")
                continue
            if name not in MESSAGE_ARGUMENT:
                continue
            position = MESSAGE_ARGUMENT[name]
            argument = call.args[position] if len(call.args) > position else None
            if argument is None:
                argument = next((k.value for k in call.keywords if k.arg == "message"), None)
            if argument is None:
                continue  # the helper's default message (a literal where it is defined)
            found = _literals(argument)
            if found is None and isinstance(argument, ast.Name):
                if argument.id in constants:
                    found = [constants[argument.id]]
                elif argument.id in forwarders.get(id(call), set()) and _is_forwarder(tree, call):
                    continue  # a helper passing its own message parameter on
            if found is None and _is_forwarder(tree, call, ("not_found",)):
                continue  # its sentences are NOT_FOUND_MESSAGES
            if found is None:
                problems.append(f"{where}: {name}(...) with a message that is not a literal: "
                                f"{ast.unparse(argument)}")
                continue
            msgids.update(found)
    return msgids, problems


def _is_forwarder(tree: ast.Module, call: ast.Call, names: Iterable[str] = MESSAGE_ARGUMENT) -> bool:
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) and function.name in names:
            if any(inner is call for inner in ast.walk(function)):
                return True
    return False


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_is_a_literal_template():
    _, problems = extract()
    assert problems == []


@pytest.mark.parametrize("language", [Language.KK, Language.RU])
def test_every_message_has_a_translation(language):
    msgids, _ = extract()
    with MESSAGES.path(language).open("rb") as po:
        catalog = read_po(po, locale=locale_tag(language))
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(msgids - set(translated))
    assert missing == [], f"{len(missing)} messages lack a {language.value} translation"
    for msgid, text in translated.items():
        assert _placeholders(text) == _placeholders(msgid), (msgid, text)  # same parameters, none lost


def test_the_english_catalogue_lists_every_message():
    msgids, _ = extract()
    with MESSAGES.path(Language.EN).open("rb") as po:
        catalog = read_po(po, locale="en")
    assert sorted(msgids - {m.id for m in catalog if m.id}) == []
