import pytest

from opmodel.errors import ConfigError
from opmodel.settings import Settings


def test_environment_is_read_and_keywords_win(monkeypatch, tmp_path):
    monkeypatch.setenv("OPMODEL_INDEX", str(tmp_path / "env"))
    monkeypatch.setenv("OPMODEL_TOP_K", "3")
    assert Settings().index_dir == tmp_path / "env"
    assert Settings().top_k == 3
    assert Settings(index_dir=tmp_path / "kw").index_dir == tmp_path / "kw"


def test_slack_variables_are_read_unprefixed(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    assert Settings().slack_bot_token == "xoxb-test"


@pytest.mark.parametrize(
    "kwargs, offending",
    [({"top_k": 0}, "got 0"), ({"chroma_url": "localhost:8000"}, "localhost:8000")],
)
def test_bad_values_are_named_in_the_error(kwargs, offending):
    with pytest.raises(ConfigError, match=offending):
        Settings(**kwargs)


def test_server_mode_follows_the_url():
    assert not Settings().uses_server
    assert Settings(chroma_url="http://127.0.0.1:8000").uses_server
