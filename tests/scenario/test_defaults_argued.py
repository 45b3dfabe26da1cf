"""Every default in the config classes carries a reason (issue 6): the section of
docs/model.md that states it, which must exist, or a sentence that starts with "Judgement:".
The works a reason cites are checked against docs/model.md's References by
tests/test_model_doc.py."""

import pydantic
import pytest

from sim.scenario import config
from sim.scenario.modeldoc import CITATION, model_sections


def config_classes():
    return [c for c in vars(config).values()
            if isinstance(c, type) and issubclass(c, pydantic.BaseModel) and c is not config.Frozen
            and c.__module__ == config.__name__]


def defaulted_fields():
    for cls in config_classes():
        for name, field in cls.model_fields.items():
            if not field.is_required() and name not in ("kind", "role"):
                yield pytest.param(cls, name, field, id=f"{cls.__name__}.{name}")


def argued(why: str, sections: dict[str, str]) -> bool:
    """A judgement, or a citation of at least one section, every cited section existing."""
    cited = CITATION.findall(why)
    return why.startswith("Judgement:") or (bool(cited) and all(s in sections for s in cited))


@pytest.fixture(scope="module")
def sections():
    found = model_sections()
    if not found:
        pytest.skip("docs/model.md is not here (an installed package, not a checkout)")
    return found


@pytest.mark.parametrize(("cls", "name", "field"), list(defaulted_fields()))
def test_every_default_is_argued(cls, name, field, sections):
    why = (field.json_schema_extra or {}).get("why", "")
    assert why, f"{cls.__name__}.{name} has a default but no reason"
    assert argued(why, sections), (
        f"{cls.__name__}.{name}: '{why}' cites no section of docs/model.md that exists "
        "(write 'docs/model.md §N') and is not labelled Judgement")


@pytest.mark.parametrize("cls", config_classes(), ids=lambda c: c.__name__)
def test_every_field_has_a_description(cls):
    for name, field in cls.model_fields.items():
        assert field.description, f"{cls.__name__}.{name} has no description"


def test_the_check_can_fail(sections):
    """A reason like 'because' is neither a section nor a judgement; a section that does not
    exist does not count; a judgement needs no section."""
    assert not argued("because it seemed right", sections)
    assert not argued("docs/model.md §" + "99.9 default 3.", sections)  # split: no citation
    assert not argued("Kydd 2000", sections)
    assert argued("docs/model.md §5.2 default 0.1.", sections)
    assert argued("Judgement: no information either way.", sections)
