"""Helpers for the tests of the method rules (autograder/method_rules)."""
import shutil

from autograder.method_rules import RULES, SourceTree, violations


def rule_violations(folder, files, module):
    """{entry: [why, ...]} for ``module`` of a submission made of ``files`` ({name: text or bytes})."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    tree = SourceTree.read(folder)
    return {entry: [v.why for v in violations(tree, module, entry)] for entry in RULES[module]}
