"""The DirPG environment server: python -m dirpg.envserver (see __main__ for options, service for the RPCs)."""

from dirpg.envserver.service import EnvironmentServicer, EnvServer

__all__ = ["EnvServer", "EnvironmentServicer"]
