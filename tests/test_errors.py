"""``sim.errors``: what the user must fix (exit 2), and the system's refusals to write."""

import pytest

from sim.errors import UserError, writing


def test_writing_turns_the_systems_refusal_into_a_user_error_naming_the_path(tmp_path):
    (tmp_path / "afile").write_text("")
    with pytest.raises(UserError) as caught, writing(tmp_path / "afile" / "out"):
        (tmp_path / "afile" / "out").mkdir()
    assert str(caught.value) == f"cannot write {tmp_path}/afile/out (Not a directory)"
    assert caught.value.exit_code == 2


def test_writing_lets_everything_else_through(tmp_path):
    with pytest.raises(KeyboardInterrupt), writing(tmp_path):
        raise KeyboardInterrupt
    with pytest.raises(ValueError), writing(tmp_path):
        raise ValueError("a bug stays a bug")
