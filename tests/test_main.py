"""The command line: ``python -m skreg``, ``study`` and ``demo`` end to end."""

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import skreg
from skreg.__main__ import main
from skreg.study import methods_for

STUDY_FIGURES = {
    "ridge_path.png",
    "l1_vs_l2_paths.png",
    "early_stopping_curve.png",
    "early_stopping_vs_ridge.png",
    "validation_ridge.png",
    "validation_l1.png",
    "validation_noise_marginalized.png",
    "validation_mlp.png",
}


def test_no_subcommand_prints_version_and_estimators(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert f"skreg {skreg.__version__}" in out
    for name in ("RidgeEigen", "SoftThresholdQuadratic", "EarlyStoppedGD", "MLPClassifier"):
        assert name in out


@pytest.fixture(scope="module")
def diabetes_study(tmp_path_factory):
    out = tmp_path_factory.mktemp("study")
    import io
    from contextlib import redirect_stderr, redirect_stdout

    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        status = main(["study", "--quick", "--out", str(out)])
    return status, stdout.getvalue(), stderr.getvalue(), out


def test_study_quick_writes_table_csv_report_and_figures(diabetes_study):
    status, stdout, stderr, out = diabetes_study
    assert status == 0
    for label in (
        "RidgeEigenCV (L2)",
        "SoftThresholdQuadratic (L1)",
        "EarlyStoppedGD (retrain)",
        "MLPRegressor (weight noise)",
    ):
        assert label in stdout
    assert "CV score" in stdout and "held-out" in stdout and "mean (baseline)" in stdout
    # the schema comes first, then one progress line per method with its elapsed time
    assert stderr.index("numeric: 10") < stderr.index("[1/")
    n_rows = len(methods_for("regression"))  # the registry's regression rows, in order
    progress = re.findall(rf"^\[(\d+)/{n_rows}\] .*\((\d+\.\d) s", stderr, flags=re.M)
    assert [int(k) for k, _ in progress] == list(range(1, n_rows + 1))
    results = pd.read_csv(out / "results.csv")
    assert len(results) == n_rows
    assert set(results["task"]) == {"regression"}
    assert results["key"].iloc[0] == "baseline" and abs(results["cv_mean"].iloc[0]) < 0.05
    # R² on diabetes: every linear method lands near the known ≈ 0.5 (CV) level
    linear = results[~results["estimator"].str.startswith(("MLP", "mean"))]
    assert np.all(linear["cv_mean"].between(0.4, 0.6))
    assert np.all(results["cv_std"] > 0)
    ridge = results.set_index("key").loc["ridge"]
    assert 0 < ridge["effective_dof"] < 10 and ridge["equivalent_alpha"] > 0
    ols = results.set_index("key").loc["least_squares"]
    assert ols["effective_dof"] == pytest.approx(10.0)
    assert STUDY_FIGURES <= {p.name for p in out.glob("*.png")}
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = (out / "report.md").read_text()
    assert "| estimator |" in report and "![ridge_path.png](ridge_path.png)" in report
    assert "λᵢ/(λᵢ + α)" in report and "soft-threshold" in report
    assert "## Data" in report and "- numeric: 10" in report and "outer cross-validation" in report
    assert "np." not in report and "-0 " not in report


def _csv(tmp_path, classification):
    rng = np.random.default_rng(0)
    n = 90
    x1, x2 = rng.standard_normal(n), rng.standard_normal(n)
    color = rng.choice(["red", "green", "blue"], n)
    shift = pd.Series(color).map({"red": 1.0, "green": 0.0, "blue": -1.0}).to_numpy()
    signal = 2 * x1 - x2 + 2 * shift
    frame = pd.DataFrame({"x1": x1, "x2": x2, "color": color})
    frame["label" if classification else "y"] = (
        np.where(signal > 0, "yes", "no")
        if classification
        else signal + 0.1 * rng.standard_normal(n)
    )
    path = tmp_path / ("cls.csv" if classification else "reg.csv")
    frame.to_csv(path, index=False)
    return path


def test_study_csv_regression_with_categorical(tmp_path, capsys):
    path = _csv(tmp_path, classification=False)
    out = tmp_path / "out"
    assert (
        main(
            [
                "study",
                "--data",
                str(path),
                "--quick",
                "--cv",
                "3",
                "--no-figures",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    results = pd.read_csv(out / "results.csv")
    # the one-hot colour column carries a third of the signal: the linear fits are near perfect
    ridge = results.set_index("key").loc["ridge"]
    assert ridge["test_score"] > 0.95
    # x1, x2 and three one-hot columns
    assert results.set_index("key").loc["least_squares", "n_nonzero"] == 5
    assert "categorical: 1 (color (3 levels))" in capsys.readouterr().err


def test_study_csv_classification(tmp_path, capsys):
    path = _csv(tmp_path, classification=True)
    out = tmp_path / "out"
    assert main(["study", "--data", str(path), "--quick", "--cv", "3", "--out", str(out)]) == 0
    assert {"validation_noise_classifier_marginalized.png", "validation_mlp_classifier.png"} <= {
        p.name for p in out.glob("*.png")
    }
    results = pd.read_csv(out / "results.csv")
    assert set(results["task"]) == {"classification"}
    assert set(results["scoring"]) == {"accuracy"}
    assert {"MLPClassifier (L2)", "MLPClassifier (label smoothing)"} <= set(results["estimator"])
    assert results["test_score"].max() > 0.8
    assert "MLPClassifier (label smoothing)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--data", "{tmp}/missing.csv"], "data file not found"),
        (["--target", "nope"], "unknown column 'nope'"),
        (["--data", "{tmp}/strings.csv"], "no feature column left"),
        (["--scoring", "nope"], "unknown --scoring 'nope'"),
        (["--scoring", "accuracy"], "--scoring accuracy does not work on this regression target"),
        (["--data", "{tmp}/single.csv", "--task", "classification"], "single class"),
        (["--data", "{tmp}/tiny.csv"], "fewer than the 5 cross-validation folds"),
        (["--data", "{tmp}/nan_target.csv"], "missing in 1 row"),
        (["--cv", "1"], "--cv must be at least 2"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, args, message):
    pd.DataFrame({"a": [f"x{i}" for i in range(12)], "y": np.arange(12.0)}).to_csv(
        tmp_path / "strings.csv", index=False
    )
    pd.DataFrame({"a": np.arange(12.0), "y": ["k"] * 12}).to_csv(
        tmp_path / "single.csv", index=False
    )
    pd.DataFrame({"a": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 4.0]}).to_csv(
        tmp_path / "tiny.csv", index=False
    )
    pd.DataFrame({"a": np.arange(12.0), "y": [1.0] * 11 + [np.nan]}).to_csv(
        tmp_path / "nan_target.csv", index=False
    )
    argv = ["study", "--quick", "--out", str(tmp_path / "o")] + [
        a.format(tmp=tmp_path) for a in args
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_bad_input_in_subprocess(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "skreg", "study", "--data", str(tmp_path / "nope.csv")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"skreg: error: data file not found: {tmp_path / 'nope.csv'}"
    assert proc.stdout == ""


@pytest.mark.parametrize(
    "name, files",
    [
        (
            "penalties",
            {
                "penalties_eigenvalues.png",
                "penalties_fits.png",
                "penalties_shrinkage.png",
                "penalties_l1_vs_l2.png",
            },
        ),
        (
            "early-stopping",
            {"early_stopping_curve.png", "early_stopping_equivalence.png", "early_stopping_1d.png"},
        ),
        ("noise", {"noise_inputs.png", "noise_labels.png", "noise_weights.png"}),
    ],
)
def test_demo_writes_figures_and_prints_numbers(tmp_path, capsys, name, files):
    assert main(["demo", name, "--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert files <= {p.name for p in tmp_path.glob("*.png")}
    assert "figures:" in out and any(ch.isdigit() for ch in out)


def test_demo_numbers_match_the_lecture(tmp_path):
    import io

    from skreg import theory
    from skreg._demos import run_demo

    sink = io.StringIO()
    pen = run_demo("penalties", out=tmp_path, quick=True, stream=sink)
    lam = pen["eigenvalues"]
    assert lam[0] / lam[-1] > 1e12  # the polynomial example is severely ill-conditioned
    assert pen["error_l2"] < 1e-3 * pen["error_unregularized"]
    np.testing.assert_allclose(pen["theta_l2"], lam / (lam + pen["alpha"]) * pen["theta_star"])
    assert pen["l1_zeros"] > 0

    es = run_demo("early-stopping", out=tmp_path, quick=True, stream=sink)
    assert es["equivalence_gap"] < 1e-8
    assert 0 < es["best_iter"] < 1000

    noise = run_demo("noise", out=tmp_path, quick=True, stream=sink)
    assert noise["distances"][-1] < noise["distances"][0] / 3  # augment → ridge(δN)
    np.testing.assert_allclose(noise["smoothed"], [0.1 / 3, 0.9, 0.1 / 3, 0.1 / 3])
    assert noise["confidence"][0.2] < noise["confidence"][0.0]
    assert noise["roughness"][0.03] < noise["roughness"][0.0]
    mc, se = noise["weight_noise_mc"]
    assert abs(mc - noise["weight_noise_closed"]) < 4 * se
    assert theory.input_noise_equivalent_alpha(0.09, 30) == pytest.approx(noise["equivalent_alpha"])


def _classification_csv(tmp_path, positives):
    rng = np.random.default_rng(1)
    n = 240
    X = rng.normal(size=(n, 3))
    score = X[:, 0] + 0.5 * X[:, 1] + 0.3 * rng.normal(size=n)
    threshold = np.quantile(score, 1 - positives)
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(
        buy=np.where(score > threshold, "Yes", "No")
    )
    path = tmp_path / f"cls{positives}.csv"
    frame.to_csv(path, index=False)
    return path


def test_scoring_roc_auc(tmp_path, capsys):
    path = _classification_csv(tmp_path, 0.4)
    out = tmp_path / "out"
    assert (
        main(
            [
                "study",
                "--data",
                str(path),
                "--quick",
                "--cv",
                "3",
                "--scoring",
                "roc_auc",
                "--no-figures",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    results = pd.read_csv(out / "results.csv").set_index("key")
    assert set(results["scoring"]) == {"roc_auc"}
    assert results.loc["baseline", "cv_mean"] == pytest.approx(0.5)  # class priors rank nothing
    assert results.loc["logistic", "cv_mean"] > 0.9 and results.loc["logistic", "test_score"] > 0.85
    report = (out / "report.md").read_text()
    assert "scoring roc_auc" in report and "cross-entropy" in report and "½‖Xw − y‖²" not in report


def test_imbalanced_target_switches_to_balanced_accuracy_and_says_why(tmp_path, capsys):
    path = _classification_csv(tmp_path, 0.1)
    out = tmp_path / "out"
    assert (
        main(
            [
                "study",
                "--data",
                str(path),
                "--quick",
                "--cv",
                "3",
                "--no-figures",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert (
        "scoring: balanced_accuracy, because the smallest class (Yes) is 10.0% of the rows" in err
    )
    results = pd.read_csv(out / "results.csv").set_index("key")
    assert set(results["scoring"]) == {"balanced_accuracy"}
    assert results.loc["baseline", "cv_mean"] == pytest.approx(
        0.5
    )  # the majority class recalls one class of two
    assert results.loc["logistic", "cv_mean"] > 0.7
    assert "Scoring is balanced_accuracy because" in (out / "report.md").read_text()


def test_identifier_column_dropped_with_warning_and_question_marks_numeric(tmp_path, capsys):
    rng = np.random.default_rng(0)
    n = 80
    hp = rng.uniform(50, 200, n)
    frame = pd.DataFrame(
        {
            "horsepower": hp.round(1).astype(object),
            "weight": rng.uniform(1.5, 5, n),
            "name": [f"car {i}" for i in range(n)],
        }
    )
    frame.loc[[4, 9], "horsepower"] = "?"
    frame["mpg"] = 45 - 0.1 * hp - 2 * frame["weight"] + rng.normal(0, 0.5, n)
    frame.to_csv(tmp_path / "auto.csv", index=False)
    out = tmp_path / "out"
    assert (
        main(
            [
                "study",
                "--data",
                str(tmp_path / "auto.csv"),
                "--quick",
                "--cv",
                "3",
                "--no-figures",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "warning: dropped identifier-like text column(s) 'name'" in err
    assert "numeric: 2 (horsepower, weight)" in err and err.index("numeric: 2") < err.index("[1/")
    report = (out / "report.md").read_text()
    assert "dropped: 1 (name: identifier-like, 80 distinct values in 80 rows)" in report
    results = pd.read_csv(out / "results.csv").set_index("key")
    assert (
        results.loc["least_squares", "cv_mean"] > 0.9
        and results.loc["least_squares", "n_nonzero"] == 2
    )


def test_shadowing_skreg_folder_is_one_line_exit_2(tmp_path):
    """A ``skreg/`` folder in the working directory shadows an installed (editable) skreg."""
    import skreg as real

    (tmp_path / "skreg").mkdir()
    (tmp_path / "skreg" / "results.csv").write_text("a\n1\n")
    root = str(__import__("pathlib").Path(real.__file__).resolve().parent.parent)
    code = (
        "import importlib.machinery, importlib.util, os, runpy, sys\n"
        f"ROOT = {root!r}\n"
        "sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != ROOT]\n"
        "sys.path.insert(0, os.getcwd())\n"
        "class Editable:  # what setuptools' editable finder does: "
        "map the top-level name to the checkout\n"
        "    @classmethod\n"
        "    def find_spec(cls, name, path=None, target=None):\n"
        "        if name == 'skreg' or name.startswith('skreg.'):\n"
        "            return importlib.machinery.PathFinder.find_spec("
        "name, [ROOT] if name == 'skreg' else\n"
        "                [os.path.join(ROOT, *name.split('.')[:-1])])\n"
        "sys.meta_path.append(Editable)\n"
        "runpy.run_module('skreg', run_name='__main__', alter_sys=True)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "study"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert (
        "shadows the installed skreg package" in proc.stderr
        and str(tmp_path / "skreg") in proc.stderr
    )


def test_shadowing_folder_detection_in_process(tmp_path, monkeypatch, capsys):
    import types

    from skreg.__main__ import _shadowing_folder

    assert _shadowing_folder() is None  # the real package
    namespace = types.ModuleType("skreg")
    namespace.__path__ = [str(tmp_path / "skreg")]
    monkeypatch.setitem(sys.modules, "skreg", namespace)
    assert _shadowing_folder() == str(tmp_path / "skreg")
    assert main(["study"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "shadows the installed skreg package" in err


def test_demo_without_matplotlib_exits_2_with_the_install_hint(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['matplotlib'] = None; sys.modules['matplotlib.pyplot'] = None\n"
        "from skreg.__main__ import main\n"
        f"sys.exit(main(['demo', 'penalties', '--quick', '--out', {str(tmp_path / 'd')!r}]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install" in lines[0] and "skreg[plot]" in lines[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "d").exists() or not any((tmp_path / "d").iterdir())


def test_readme_study_table_is_what_the_command_prints():
    """README.md's diabetes table (every column but time) is the study's output."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "tools" / "readme_tables.py"
    spec = importlib.util.spec_from_file_location("readme_tables", path)
    tables = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tables)
    readme = path.parent.parent.joinpath("README.md").read_text(encoding="utf-8")
    shown = dict(tables.MARKER.findall(readme))
    assert set(shown) >= {"diabetes", "breast_cancer"}
    assert tables.without_time(tables.study_table("diabetes")) == tables.without_time(
        shown["diabetes"]
    )
