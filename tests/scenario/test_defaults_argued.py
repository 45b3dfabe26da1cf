"""Every default in the config classes carries a reason: a source MODEL.md cites, MODEL.md's
own section, or a sentence that starts with "Judgement:" (issue 6)."""

import pydantic
import pytest

from sim.scenario import config

REFERENCE_KEYS = ("Bercovitch", "Beardsley", "Clayton", "Druckman", "Faratin", "Fearon",
                  "Fortna", "Joshi", "Kydd", "Powell", "Slovic", "Svensson", "Walter", "OSCE",
                  "MODEL.md §")
"""The references listed in MODEL.md, and MODEL.md's own sections (its §9 starting values)."""


def config_classes():
    return [c for c in vars(config).values()
            if isinstance(c, type) and issubclass(c, pydantic.BaseModel) and c is not config.Frozen
            and c.__module__ == config.__name__]


def defaulted_fields():
    for cls in config_classes():
        for name, field in cls.model_fields.items():
            if not field.is_required() and name not in ("kind", "role"):
                yield pytest.param(cls, name, field, id=f"{cls.__name__}.{name}")


@pytest.mark.parametrize(("cls", "name", "field"), list(defaulted_fields()))
def test_every_default_is_argued(cls, name, field):
    why = (field.json_schema_extra or {}).get("why", "")
    assert why, f"{cls.__name__}.{name} has a default but no reason"
    assert why.startswith("Judgement:") or any(key in why for key in REFERENCE_KEYS), (
        f"{cls.__name__}.{name}: '{why}' cites no MODEL.md source and is not labelled Judgement")


@pytest.mark.parametrize("cls", config_classes(), ids=lambda c: c.__name__)
def test_every_field_has_a_description(cls):
    for name, field in cls.model_fields.items():
        assert field.description, f"{cls.__name__}.{name} has no description"


def test_the_check_can_fail():
    """A reason like 'because' is neither a source nor a judgement."""
    assert not any(key in "because it seemed right" for key in REFERENCE_KEYS)
