"""``rnn-grade batch --config FILE`` and ``--scheduler`` without Dask: settings problems are exit 2, said clearly."""
import sys

from autograder.batch.config_file import read_config
from autograder.cli import main


def test_a_config_file_gives_settings_and_the_command_line_wins(tmp_path, monkeypatch):
    config = tmp_path / "rnn-grade.toml"
    config.write_text('[batch]\nscheduler = "tcp://127.0.0.1:8786"\ncall-seconds = 20\n'
                      'exercise = ["ex02_forward_pass"]\nisolation = "plain"\n')
    assert read_config(config) == {"scheduler": "tcp://127.0.0.1:8786", "call_seconds": 20,
                                   "exercise": ["ex02_forward_pass"], "isolation": "plain"}
    seen = {}
    monkeypatch.setattr("autograder.batch.runner.run_batch", lambda options: seen.setdefault("o", options) and 0)
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    code = main(["batch", "--out", str(tmp_path / "out"), "--config", str(config), "--isolation", "bwrap"])
    assert code == 2 and "o" not in seen  # --scheduler (from the file) without distributed


def test_scheduler_without_distributed_installed_is_a_clear_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)
    code = main(["batch", "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:1"])
    assert code == 2
    assert "pip install 'rnn-grade[dask]'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # nothing was graded or written


def test_a_wrong_config_file_is_a_clear_exit_2(tmp_path, capsys):
    cases = {"schedular = 'tcp://x:1'\n": "unknown setting 'schedular'",
             "jobs = 'two'\n": "jobs must be a whole number",
             "exercise = ['ex09_nothing']\n": "unknown exercise 'ex09_nothing'",
             "scheduler = \n": "not valid TOML"}
    for index, (text, said) in enumerate(cases.items()):
        config = tmp_path / f"c{index}.toml"
        config.write_text(text)
        assert main(["batch", "--out", str(tmp_path / "out"), "--config", str(config)]) == 2
        assert said in capsys.readouterr().err
    assert main(["batch", "--out", str(tmp_path / "out"), "--config", str(tmp_path / "missing.toml")]) == 2
    assert "cannot read the config file" in capsys.readouterr().err
