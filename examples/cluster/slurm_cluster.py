"""Grade a class on a Slurm cluster through dask-jobqueue (pip install dask-jobqueue).

    python examples/cluster/slurm_cluster.py SUBMISSIONS --out grades [--jobs 4]

Run it on the cluster's login node, in the Python environment that has the kit
(`pip install -e '.[dask]' dask-jobqueue`, and torch==2.13.0), on a shared home so
the Slurm jobs find the same environment. It submits ``--jobs`` Slurm jobs of
``PROCESSES`` Dask worker processes each, one thread per process (one learner at a
time per process, torch on one thread), then runs ``rnn-grade batch --scheduler``
on them. Adapt ``queue``, ``account``, ``memory`` and ``walltime`` to your site;
``tests/test_dask_batch.py`` checks that dask-jobqueue accepts these settings.
"""
import argparse
import sys

PROCESSES = 8  # worker processes (learners graded at once) per Slurm job


def slurm_cluster(**overrides):
    """A SLURMCluster whose every worker is one process with one thread (nothing is submitted yet)."""
    from dask_jobqueue import SLURMCluster

    settings = dict(
        queue="cpu",                     # your partition
        account=None,                    # your account, if your site needs one
        cores=PROCESSES,                 # cores per job = processes: one thread per worker process
        processes=PROCESSES,
        memory=f"{2 * PROCESSES}GB",     # 2 GB per worker process: its Grader, fork server and one learner
        walltime="02:00:00",
        job_name="rnn-grade",
        worker_extra_args=["--no-dashboard"],
        # Dask's monitors share the cores with grading: no task profiler, resources sampled every 5 s.
        job_script_prologue=["export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1",
                             "export DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False "
                             "DASK_DISTRIBUTED__ADMIN__SYSTEM_MONITOR__INTERVAL=5s"],
    )
    settings.update(overrides)
    return SLURMCluster(**settings)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions")
    parser.add_argument("--out", required=True)
    parser.add_argument("--jobs", type=int, default=4, help="Slurm jobs to submit")
    args = parser.parse_args(argv)
    from autograder.cli import main as rnn_grade

    with slurm_cluster() as cluster:
        cluster.scale(jobs=args.jobs)
        print(f"Dask scheduler at {cluster.scheduler_address}; {args.jobs} Slurm jobs submitted", file=sys.stderr)
        return rnn_grade(["batch", args.submissions, "--out", args.out, "--scheduler", cluster.scheduler_address])


if __name__ == "__main__":
    sys.exit(main())
