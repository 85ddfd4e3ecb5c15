"""A stateful local Paperspace Deployments service (moto-style), built on the generated stubs.

``emulator.domain`` … ``emulator.service`` hold the records, the lifecycle, the clock and the
storage and import nothing from the web framework; ``emulator.app`` binds them to the generated
``create_app``.
"""
