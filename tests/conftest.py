"""Fixtures: every test writes only under its own tmp_path, headless, offline.

Tests use the bundled sample. Tests marked `full_mnist` (tests/helpers.py) use the
real prepared MNIST (`course data import ../shared/data/mnist`) and skip cleanly without it.
"""

import pytest


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "no-tfds-data"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="module")
def module_model_home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


@pytest.fixture
def shared_models(module_model_home, monkeypatch):
    """One model cache for a whole test module (`pytestmark = pytest.mark.usefixtures("shared_models")`):
    the sample's models are trained once, by the first test that needs them."""
    monkeypatch.setenv("COURSE_HOME", str(module_model_home))
