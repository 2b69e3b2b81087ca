"""The submission's modules as text, read once in the trusted grader before any learner code runs.

``SourceTree.read(folder)`` takes a snapshot of the staged copy the worker
imports from (file names and the bytes of every ``.py`` file), so code that
rewrites its own files while it is graded cannot change what the rules read.
``resolve(name)`` finds the file Python's import system would load for a
module name, the way ``importlib``'s path finder does for the worker's first
``sys.path`` entry: a package folder, a native extension or a ``.pyc`` file
that would shadow a module is reported, never skipped.
"""
import ast
import io
import os
import stat
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILES = 400                 # the staged copy holds the exercises and at most 20 helpers (intake)
MAX_FILE_BYTES = 1_000_000      # larger modules are not graded (intake notes them)
NATIVE_SUFFIXES = (".cpython-311-x86_64-linux-gnu.so", ".abi3.so", ".so", ".pyd")
UTF8 = ("utf-8", "utf-8-sig")


@dataclass
class Module:
    """One module of the submission: its file and either its syntax tree or why it cannot be read."""
    name: str
    file: str                   # path inside the submission, as the learner knows it
    tree: ast.Module = None
    text: str = ""
    problem: str = None         # why the grader cannot read it (then tree is None)
    is_package: bool = False
    # True when Python itself cannot import it either (it does not parse, or is not valid UTF-8 without
    # another declared encoding): none of its code can run, so it cannot change what another module runs.
    inert: bool = False


@dataclass
class SourceTree:
    files: dict = field(default_factory=dict)      # relative posix path -> bytes (``.py`` files) or None
    folders: set = field(default_factory=set)      # relative posix paths of folders
    _parsed: dict = field(default_factory=dict)

    @classmethod
    def read(cls, folder):
        tree = cls()
        if folder is None or not os.path.isdir(folder):
            return tree
        root = Path(folder)
        count = 0
        for here, dirs, names in os.walk(root, followlinks=False):
            rel = Path(here).relative_to(root)
            dirs[:] = sorted(d for d in dirs if not os.path.islink(Path(here) / d))
            for d in dirs:
                tree.folders.add((rel / d).as_posix())
            for name in sorted(names):
                count += 1
                if count > MAX_FILES:
                    return tree
                path, key = Path(here) / name, (rel / name).as_posix()
                data = None
                try:
                    info = os.lstat(path)
                    if name.endswith(".py") and stat.S_ISREG(info.st_mode) and info.st_size <= MAX_FILE_BYTES:
                        with open(path, "rb") as handle:
                            data = handle.read(MAX_FILE_BYTES + 1)
                except OSError:
                    data = None
                tree.files[key] = data
        return tree

    def module_names(self):
        """Every top-level module a worker could import from the staged folder (files and packages)."""
        names = {key[:-3] for key in self.files if "/" not in key and key.endswith(".py")}
        names |= {folder for folder in self.folders if "/" not in folder and f"{folder}/__init__.py" in self.files}
        return sorted(n for n in names if n.isidentifier())

    def resolve(self, dotted):
        """The ``Module`` Python would import for ``dotted`` from the submission, or None if it is not there."""
        if dotted in self._parsed:
            return self._parsed[dotted]
        parts, base, found = dotted.split("."), "", None
        for index, part in enumerate(parts):
            found = self._find(base, part, ".".join(parts[:index + 1]))
            if found is None or found.problem or index == len(parts) - 1:
                break
            if not found.is_package:
                found = Module(dotted, found.file, problem=f"{found.file} is not a package, so {dotted} "
                                                            f"cannot be imported from it")
                break
            base = f"{base}{part}/"
        self._parsed[dotted] = found
        return found

    def _find(self, base, part, dotted):
        folder = f"{base}{part}"
        if folder in self.folders:
            for suffix in NATIVE_SUFFIXES + (".pyc",):
                if f"{folder}/__init__{suffix}" in self.files:
                    return Module(dotted, f"{folder}/__init__{suffix}", problem=_not_source(suffix))
            if f"{folder}/__init__.py" in self.files:
                return self._parse(dotted, f"{folder}/__init__.py", is_package=True)
        for suffix in NATIVE_SUFFIXES:
            if f"{folder}{suffix}" in self.files:
                return Module(dotted, f"{folder}{suffix}", problem=_not_source(suffix))
        if f"{folder}.py" in self.files:
            return self._parse(dotted, f"{folder}.py")
        if f"{folder}.pyc" in self.files:
            return Module(dotted, f"{folder}.pyc", problem=_not_source(".pyc"))
        if folder in self.folders:   # a namespace package: no code of its own
            return Module(dotted, f"{folder}/", tree=ast.Module(body=[], type_ignores=[]), is_package=True)
        return None

    def _parse(self, dotted, file, is_package=False):
        data = self.files.get(file)
        module = Module(dotted, file, is_package=is_package)
        if data is None:
            module.problem = f"{file} could not be read (not a regular file, or over {MAX_FILE_BYTES} bytes)"
            return module
        module.problem, module.text, module.tree = decode_and_parse(data, file)
        module.inert = module.tree is None and "declares the encoding" not in (module.problem or "")
        return module


def _not_source(suffix):
    kind = "compiled bytecode (.pyc)" if suffix == ".pyc" else "a native extension"
    return f"is {kind}: the grader reads Python source only, so it cannot tell what this code does"


def decode_and_parse(data, file):
    """(problem or None, text, tree or None) for the bytes of a ``.py`` file: UTF-8 only, as written."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        return f"{file}: its encoding declaration cannot be read ({exc}); save it as UTF-8", "", None
    if encoding not in UTF8:
        line = next((n for n, text in enumerate(data.splitlines()[:2], 1) if b"coding" in text), 1)
        return (f"{file} line {line}: declares the encoding {encoding!r}; the rules read UTF-8 only "
                f"(remove the coding line and save the file as UTF-8)"), "", None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        return f"{file}: is not valid UTF-8 (byte {exc.start}); save it as UTF-8", "", None
    try:
        return None, text, ast.parse(text, filename=file)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        return f"{file}{f' line {line}' if line else ''}: cannot be parsed ({exc.__class__.__name__})", text, None
