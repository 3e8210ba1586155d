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


def test_defaults_live_under_home_whatever_the_current_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("OPMODEL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OPMODEL_INDEX", raising=False)
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.index_dir == tmp_path / "home" / "index"
    assert settings.feedback_db == tmp_path / "home" / "feedback.sqlite3"
    assert (settings.corpus_dir / "metadata.yaml").is_file() and settings.corpus_dir.is_absolute()


def test_a_relative_home_or_path_is_read_against_the_current_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPMODEL_HOME", "data")
    assert Settings().index_dir == tmp_path / "data" / "index"
    monkeypatch.setenv("OPMODEL_INDEX", "mine")
    assert Settings().index_dir.absolute() == tmp_path / "mine"


def test_without_opmodel_home_the_user_data_folder_is_used(monkeypatch):
    import platformdirs

    monkeypatch.delenv("OPMODEL_HOME", raising=False)
    assert Settings().home == platformdirs.user_data_path("opmodel", appauthor=False)


def test_the_conftest_keeps_tests_out_of_the_real_data_folder():
    import platformdirs

    assert Settings().home != platformdirs.user_data_path("opmodel", appauthor=False)
