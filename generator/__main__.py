"""``python -m generator``; see :mod:`generator.cli`."""

import os
import signal
import sys

from .background import Worker

# Before anything else is imported: datamodel-code-generator's own import is half of a run, so a
# worker imports it while this process imports, loads and validates (see generator.background).
models_worker = Worker(preload=("datamodel_code_generator", "datamodel_code_generator.parser.openapi"))

from .cli import main  # noqa: E402 - deliberately after the worker has started

# a terminated run unwinds like an interrupted one, so its scratch directory is removed
signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

code = main(models_worker=models_worker)
sys.stdout.flush()
sys.stderr.flush()
# Tearing the interpreter down after datamodel-code-generator costs a third of a run; nothing is
# left to clean up (files are closed, the output is in place), so leave at once.
os._exit(code)
