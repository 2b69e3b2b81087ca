"""Makes the checks runnable with plain pytest as well as through rnn-grade.

rnn-grade registers its own ``GradingPlugin``; when pytest is run by hand
(``pytest -c autograder/checks/pytest.ini autograder/checks --submission DIR``)
this conftest registers one, grading DIR (default: the exercises folder)
against the same reference ``rnn-grade check`` uses (recorded answers in a
learner bundle, the live solutions in the instructor's kit).
"""
from autograder.paths import EXERCISES
from autograder.runner.plugin import GradingPlugin


def pytest_addoption(parser):
    parser.addoption("--submission", default=str(EXERCISES), help="folder of exercise modules to grade")


def pytest_configure(config):
    if any(isinstance(p, GradingPlugin) for p in config.pluginmanager.get_plugins()):
        return
    from pathlib import Path

    from autograder.runner.portable import new_launcher
    from autograder.runner.limits import Limits
    from autograder.runner.reference import default_reference
    from autograder.runner.session import LearnerSession

    from autograder.intake import read_learner

    submission, limits = read_learner(Path(config.getoption("--submission")).resolve()), Limits()
    launcher = new_launcher(limits)
    staged = launcher.stage(submission)
    session = LearnerSession(staged.host_dir / "code", limits, launcher, staged)
    config.pluginmanager.register(GradingPlugin(session, default_reference()), "rnn-grade")
    config.add_cleanup(launcher.close)
    config.add_cleanup(session.close)
