"""Observations made inside the grader's own process: for TRUSTED code only.

This is not a way to grade learners. It serves two trusted uses:
* filling the reference cache by grading ``solutions/`` before a batch (the
  solutions are the reference, so nothing untrusted runs), and
* the benchmark's floor: the same checks with no isolation at all, to measure
  what isolation costs.
It has the session interface the checks' ``learner`` fixture expects.
"""
import importlib.util
import sys
from pathlib import Path

from ..exercises import MODULES
from ..worker import observers, wire
from .session import answer, learner_error_from


class InProcessSession:
    def __init__(self, submission_dir):
        self.submission_dir = Path(submission_dir).resolve()
        self.source_folder = self.submission_dir
        self.incidents, self.output = [], ""
        self._modules = {}

    def _import(self, name):
        # Each folder gets its own module objects; they are swapped into
        # sys.modules only while observed, so exercise modules that import each
        # other by name find their own folder's versions.
        if name not in self._modules:
            path = self.submission_dir / f"{name}.py"
            if not path.exists():
                raise ModuleNotFoundError(f"No module named '{name}'", name=name)
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            self._modules[name] = module
        return self._modules[name]

    def observe(self, name, config, seconds=None):
        saved = {m: sys.modules.get(m) for m in MODULES}
        sys.modules.update(self._modules)
        for module in MODULES:
            if module not in self._modules:
                sys.modules.pop(module, None)
        sys.path.insert(0, str(self.submission_dir))
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # the same arithmetic as a worker (and a fair floor for the benchmark)
        try:
            response = observers.run(name, config, self._import, str(self.submission_dir))
        finally:
            torch.set_num_threads(threads)
            sys.path.remove(str(self.submission_dir))
            for module, previous in saved.items():
                if previous is None:
                    sys.modules.pop(module, None)
                else:
                    sys.modules[module] = previous
        response = wire.loads(wire.dumps(response))  # the same plain data a worker would send
        if "value" in response:
            return answer(name, response["value"])
        raise learner_error_from(response["error"])

    def observe_fresh(self, name, config, seconds=None):
        """``observe`` with the modules imported anew (a worker's fresh process, as far as one process can)."""
        self._modules.clear()
        return self.observe(name, config, seconds)

    def close(self):
        self._modules.clear()
