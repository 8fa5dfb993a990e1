"""mlcrystal.prose: sentences with numbers at the precision shown, tables for people."""

import numpy as np
import pandas as pd
import pytest

from mlcrystal.prose import DASH, NEVER, for_people, say, units


def test_say_formats_and_displays_markdown():
    s = say("[Oliver and Pharr 1992](bibliography.md): {n} rows, {x:.1f} GPa, {share:.0%}", n=3, x=2.25, share=0.5)
    assert s._repr_markdown_() == "[Oliver and Pharr 1992](bibliography.md): 3 rows, 2.2 GPa, 50%"
    assert repr(s) == s.text


@pytest.mark.parametrize("template, values, error, match", [
    ("{x}", {"x": 0.1 + 0.2}, ValueError, "without a precision"),
    ("{x:.2f}", {"x": float("inf")}, ValueError, "say in words"),
    ("{x}", {"x": True}, ValueError, "boolean"),
    ("{x}", {}, KeyError, "was not given"),
    ("{x}", {"x": 1, "y": 2}, ValueError, "not used"),
    ("{}", {}, ValueError, "named fields"),
])
def test_say_refuses_what_would_read_badly(template, values, error, match):
    with pytest.raises(error, match=match):
        say(template, **values)


def test_for_people_words_units_and_values():
    t = pd.DataFrame({"thickness_um": [626.0, 40.0], "power": [1.5, np.nan], "n": [np.inf, 3.0],
                      "ok": [True, False]}, index=[7, 9])
    out = for_people(t, {"thickness_um": "thickness (um)", "power": "intensity (mW/cm2)",
                         "n": "experiments to target", "ok": "reached"}, decimals={"power": 1})
    f = out.frame
    assert list(f.columns) == ["thickness (µm)", "intensity (mW/cm²)", "experiments to target", "reached"]
    assert f["thickness (µm)"].tolist() == ["626", "40"]
    assert f["intensity (mW/cm²)"].tolist() == ["1.5", DASH]
    assert f["experiments to target"].tolist() == [NEVER, "3"]
    assert f["reached"].tolist() == ["yes", "no"]
    html = out._repr_html_()
    assert "<th>7</th>" not in html and 'class="dataframe"' in html and "<th>thickness (µm)</th>" in html


def test_for_people_keeps_a_meaningful_index_and_names_bad_columns():
    s = pd.Series({"grid": 2.0, "random": 3.5}, name="ratio")
    assert for_people(s, keep_index="strategy").frame.columns.tolist() == ["strategy", "ratio"]
    with pytest.raises(KeyError, match="no column 'x'"):
        for_people(s.to_frame(), {"x": "y"})


def test_units_only_whole_tokens():
    assert units("E (GPa), d (g/cm3), t (um)") == "E (GPa), d (g/cm³), t (µm)"
    assert units("album, umbrella") == "album, umbrella"


def test_tables_without_a_mapping_get_column_names_in_words():
    t = pd.DataFrame({"P_mW_cm2": [1.0], "ratio_lo": [2.0], "q95_if_reached": [3.0], "campaigns": [4]})
    shown = for_people(t)
    assert list(shown.frame.columns) == ["intensity (mW/cm²)", "ratio, low end", "95 % quantile if reached",
                                         "campaigns"]
    assert "_" not in "".join(shown.frame.columns)
