"""Running ``wheelkeep`` commands in-process on the test registry's data folder."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from wheelkeep.cli.main import app
from wheelkeep.domain.errors import RegistryError
from wheelkeep.services.registry import Registry


class Cli:
    """``wheelkeep --data-dir <registry> ...``, returning what it printed."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0) -> str:
        result = self.runner.invoke(app, ["--data-dir", str(self.data_dir), *args])
        assert result.exit_code == code, (result.output, result.exception)
        return result.output

    def error(self, *args: str) -> str:
        """The message of the registry error the command stops with."""
        result = self.runner.invoke(app, ["--data-dir", str(self.data_dir), *args])
        assert isinstance(result.exception, RegistryError), result.output
        return result.exception.message


@pytest.fixture
def wheelkeep(registry: Registry) -> Cli:
    return Cli(registry.settings.data_dir)
