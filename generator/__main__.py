"""``python -m paperspace_deployments_toolkit.generator`` and the ``deployments-generator`` command; see :mod:`generator.cli`."""

import os
import signal
import sys

from .background import Worker


def command() -> None:
    """Run the command line and leave the process with its exit code."""
    # Before anything else is imported: datamodel-code-generator's own import is half of a run, so a
    # worker imports it while this process imports, loads and validates (see generator.background).
    models_worker = Worker(preload=("datamodel_code_generator", "datamodel_code_generator.parser.openapi"))

    from .cli import main  # deliberately after the worker has started

    # a terminated run unwinds like an interrupted one, so its scratch directory is removed
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    code = main(models_worker=models_worker)
    sys.stdout.flush()
    sys.stderr.flush()
    # Tearing the interpreter down after datamodel-code-generator costs a third of a run; nothing is
    # left to clean up (files are closed, the output is in place), so leave at once.
    os._exit(code)


if __name__ == "__main__":
    command()
