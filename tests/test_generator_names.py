"""Generator names have one source (`GeneratorName` in qa/config.py): the factories, the settings and
the CLI help all follow it."""

from __future__ import annotations

from typing import get_args

import pytest
from typer.testing import CliRunner

from qa.cli import app
from qa.config import GeneratorName, Settings, load_settings
from qa.errors import InvalidInputError
from qa.generators import FACTORIES, GENERATOR_NAMES, create_generator
from tests.fakes import HashingEmbedder


def test_every_name_has_a_factory_and_every_factory_a_name():
    assert get_args(GeneratorName) == GENERATOR_NAMES
    assert set(FACTORIES) == set(GENERATOR_NAMES) >= {"transformers", "llamacpp", "openai", "extractive"}


def test_settings_accept_the_names_and_reject_others(monkeypatch):
    for name in GENERATOR_NAMES:
        monkeypatch.setenv("QA_GENERATOR", name)
        assert load_settings().generator == name
    monkeypatch.setenv("QA_GENERATOR", "gpt-17")
    with pytest.raises(InvalidInputError, match="QA_GENERATOR"):
        load_settings()


def test_unknown_or_unconfigured_generators_are_input_errors():
    with pytest.raises(InvalidInputError, match="choose one of transformers, llamacpp"):
        create_generator("gpt-17", Settings(), HashingEmbedder())
    with pytest.raises(InvalidInputError, match="QA_OPENAI_BASE_URL"):
        create_generator("openai", Settings(openai_base_url=None), HashingEmbedder())
    assert create_generator("extractive", Settings(), HashingEmbedder()).name == "extractive"


@pytest.mark.parametrize("command", ["ask", "chat", "serve", "eval"])
def test_cli_help_lists_every_generator(command):
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert " | ".join(GENERATOR_NAMES) in result.output
