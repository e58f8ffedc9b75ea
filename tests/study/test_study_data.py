"""skreg.study.data: reading CSVs, typing columns, and the one-line errors (issue 15)."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from skreg.__main__ import main
from skreg.study import StudyError, load_dataset, make_preprocessor, read_table


def _auto_like(path, n=60, seed=0):
    """An Auto-like table: '?' in a numeric column, an identifier column `name`."""
    rng = np.random.default_rng(seed)
    hp = rng.uniform(50, 200, n).round().astype(object)
    hp[[3, 17]] = "?"
    frame = pd.DataFrame(
        {
            "cylinders": rng.choice([4, 6, 8], n),
            "horsepower": hp,
            "weight": rng.uniform(1500, 5000, n).round(),
            "origin": rng.choice(["usa", "europe", "japan"], n),
            "name": [f"car model {i}" for i in range(n)],
        }
    )
    hp_num = pd.to_numeric(frame["horsepower"], errors="coerce").fillna(100)
    frame["mpg"] = 50 - 0.1 * hp_num - 0.003 * frame["weight"] + rng.normal(0, 1, n)
    frame.to_csv(path, index=False)
    return path


def test_question_mark_keeps_a_numeric_column_numeric_and_identifier_is_dropped(tmp_path):
    data = load_dataset(str(_auto_like(tmp_path / "auto.csv")))
    assert "horsepower" in data.numeric and data.X["horsepower"].dtype == np.float64
    assert int(data.X["horsepower"].isna().sum()) == 2
    assert data.categorical == ["origin"]
    assert "name" in data.dropped and "identifier" in data.dropped["name"]
    assert any("'name'" in note for note in data.notes)
    schema = "\n".join(data.schema_lines())
    assert (
        "numeric: 3" in schema
        and "categorical: 1" in schema
        and "dropped: 1 (name: identifier-like" in schema
    )


def test_overrides_categorical_and_drop(tmp_path):
    path = _auto_like(tmp_path / "auto.csv")
    data = load_dataset(str(path), categorical="cylinders,name", drop=["weight"])
    assert data.categorical == ["cylinders", "origin", "name"]
    assert set(data.X["cylinders"].dropna()) <= {"4", "6", "8"}
    assert data.dropped == {"weight": "--drop"} and "weight" not in data.X
    with pytest.raises(StudyError, match="unknown column 'nope'"):
        load_dataset(str(path), drop="nope")
    with pytest.raises(StudyError, match="is the target"):
        load_dataset(str(path), drop="mpg")


def test_na_values_and_almost_numeric_note(tmp_path):
    a = [str(i % 7) for i in range(20)]
    a[5] = "unknown"
    frame = pd.DataFrame({"a": a, "b": np.arange(20.0), "y": np.arange(20.0) ** 1.5})
    frame.to_csv(tmp_path / "d.csv", index=False)
    data = load_dataset(str(tmp_path / "d.csv"))
    assert data.categorical == ["a"] and any("--na-values unknown" in n for n in data.notes)
    data = load_dataset(str(tmp_path / "d.csv"), na_values="unknown")
    assert data.numeric == ["a", "b"] and int(data.X["a"].isna().sum()) == 1


def test_booleans_are_numeric_and_empty_columns_dropped(tmp_path):
    frame = pd.DataFrame(
        {"flag": ["True", "False"] * 10, "empty": [np.nan] * 20, "y": np.arange(20.0) ** 1.5}
    )
    frame.to_csv(tmp_path / "d.csv", index=False)
    data = load_dataset(str(tmp_path / "d.csv"))
    assert data.numeric == ["flag"] and list(data.X["flag"][:2]) == [1.0, 0.0]
    assert data.dropped == {"empty": "no values"}


def test_input_frame_is_not_mutated_and_onehot_stays_sparse(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=400),
            "c": [f"k{i % 150}" for i in range(400)],
            "y": rng.normal(size=400),
        }
    )
    frame.to_csv(tmp_path / "d.csv", index=False)
    data = load_dataset(str(tmp_path / "d.csv"))
    Xt = make_preprocessor(data).fit_transform(data.X)
    assert sp.issparse(Xt) and Xt.shape == (400, 151) and Xt.nnz <= 2 * 400
    dense = make_preprocessor(data, sparse=False).fit_transform(data.X)
    assert not sp.issparse(dense)
    np.testing.assert_allclose(dense, Xt.toarray())
    assert data.n_onehot == 150


def _err_lines(capsys, argv):
    status = main(argv)
    err = capsys.readouterr().err
    return status, err


@pytest.mark.parametrize(
    "content, message",
    [
        ("a,b,y\n1,2,3\n4,inf,5\n" + "1,2,3\n" * 20, "column 'b' is inf in row 2"),
        ("a,b,y\n1,2,3\n4,5,6\n-inf,2,3\n" + "1,2,3\n" * 20, "column 'a' is -inf in row 3"),
        ("a;b;y\n1;2;3\n4;5;6\n" * 1 + "1;2;3\n" * 20, "use --sep ';'"),
        ("a\tb\ty\n1\t2\t3\n" + "1\t2\t3\n" * 20, "use --sep '\\t'"),
        ("a,b,y\n", "no rows"),
        ("a,y\n" + "1,1\n2,1\n" * 12, "single class (1)"),
        ("a,y\n" + "1,k\n2,k\n" * 12, "single class (k)"),
        ("a,y\n" + "1,inf\n2,3\n" * 12, "column 'y' is inf in row 1"),
        ("", "is empty"),
        ("a,b\n1,2\n3,4,5,6\n", "could not read"),
        ("only\n1\n2\n", "has 1 column"),
    ],
)
def test_bad_csv_exits_2_with_one_plain_line(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    extra = ["--task", "classification"] if "single class" in message else []
    status, err = _err_lines(
        capsys, ["study", "--quick", "--data", str(path), "--out", str(tmp_path / "o")] + extra
    )
    assert status == 2
    assert message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err and "np." not in err


def test_sep_option_reads_a_semicolon_file(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("a;b;y\n" + "".join(f"{i};{i % 3};{2 * i + 1}\n" for i in range(20)))
    frame = read_table(path, sep=";")
    assert list(frame.columns) == ["a", "b", "y"] and len(frame) == 20
    assert load_dataset(str(path), sep=";").numeric == ["a", "b"]


def test_directory_and_missing_file(tmp_path):
    with pytest.raises(StudyError, match="is a directory"):
        read_table(tmp_path)
    with pytest.raises(StudyError, match="not found"):
        read_table(tmp_path / "nope.csv")


def test_run_study_warns_about_dropped_identifiers(tmp_path):
    from skreg.study import METHODS, StudyWarning, run_study

    path = _auto_like(tmp_path / "auto.csv", n=40)
    ridge = [m for m in METHODS if m.key == "ridge"]
    with pytest.warns(StudyWarning, match="'name'"):
        result = run_study(
            str(path), methods=ridge, quick=True, out=None, progress=False, figures=False
        )
    assert (
        "name" in result.dataset.dropped
        and "name" not in result.models["ridge"][0].feature_names_in_
    )
