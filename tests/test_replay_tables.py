"""Replay tables: the stored ones load; damaged ones are refused, naming the file (one small table per case)."""

import gzip

import numpy as np
import pandas as pd
import pytest

from mlcrystal.force.replay_tables import (
    REPLAY_CONFIG_COLUMNS,
    REPLAY_DIR,
    REPLAY_HISTORY_COLUMNS,
    REPLAY_SCHEMA,
    load_replay,
)


def tiny(seeds=(0, 1, 2), budget=4):
    """Two configurations x ``seeds`` x ``budget`` experiments, as the writer lays them out."""
    rows = []
    for strategy, acq, kappa, levels in [("skopt", "EI", np.nan, pd.NA), ("grid", np.nan, np.nan, 4)]:
        for seed in seeds:
            best = 0.0
            for k in range(1, budget + 1):
                force = round(1.0 + 0.5 * k + 0.1 * seed, 4)
                best = max(best, force)
                rows.append({"strategy": strategy, "acq": acq, "kappa": kappa, "noise": 0.0, "grid_levels": levels,
                             "seed": seed, "experiment": k, "phase": "initial" if k <= 2 else "search",
                             "compound": 5, "E_GPa": 1.25, "L_um": 626.0, "W_um": 708.0, "T_um": 241.0,
                             "P_mW_cm2": 208.0 * k, "force_mN": force, "best_mN": best, "true_mN": force})
    table = pd.DataFrame(rows)
    table["grid_levels"] = table["grid_levels"].astype("Int64")
    return table


def write(table, path):
    table.to_csv(path, index=False, compression="gzip" if path.name.endswith(".gz") else None)
    return path


def lines_of(table, tmp_path):
    return write(table, tmp_path / "t.csv").read_text().splitlines()


# ---------------------------------------------------------------- what loads

def test_schema_is_one_ordered_definition():
    assert list(REPLAY_SCHEMA) == REPLAY_CONFIG_COLUMNS + REPLAY_HISTORY_COLUMNS
    assert REPLAY_CONFIG_COLUMNS == ["strategy", "acq", "kappa", "noise", "grid_levels", "landscape", "variant",
                                     "seed"]
    assert REPLAY_HISTORY_COLUMNS == ["experiment", "phase", "compound", "E_GPa", "L_um", "W_um", "T_um",
                                      "P_mW_cm2", "force_mN", "best_mN", "true_mN"]
    assert [c for c, (_, blank) in REPLAY_SCHEMA.items() if blank] == ["acq", "kappa", "grid_levels", "variant"]


@pytest.mark.parametrize("fname", ["replay_tiny.csv.gz", "replay_tiny.csv"])
def test_a_sound_table_round_trips(tmp_path, fname):
    table = tiny()
    write(table, tmp_path / fname)
    back = load_replay(fname, directory=tmp_path)
    pd.testing.assert_frame_equal(back[list(table.columns)], table, check_dtype=False)
    assert back["landscape"].eq("calibrated").all() and back["variant"].isna().all()
    assert str(back["grid_levels"].dtype) == "Int64" and back["seed"].dtype == np.int64
    assert back["grid_levels"].isna().sum() == 12
    # the same table by stem and by path
    if fname.endswith(".gz"):
        pd.testing.assert_frame_equal(load_replay("tiny", directory=tmp_path), back)
        pd.testing.assert_frame_equal(load_replay(tmp_path / fname), back)
        pd.testing.assert_frame_equal(load_replay(str(tmp_path / fname)), back)


def test_the_stored_tables_are_package_data_and_complete():
    names = sorted(p.name for p in REPLAY_DIR.iterdir() if p.name.startswith("replay_"))
    assert names == ["replay_ablation.csv.gz", "replay_ablation_relative.csv.gz", "replay_acq.csv.gz",
                     "replay_authors.csv.gz", "replay_ensemble.csv.gz", "replay_feasibility_bo.csv.gz",
                     "replay_feasibility_calibrated.csv.gz",
                     "replay_feasibility_ensemble.csv.gz", "replay_feasibility_fresh_calibrated.csv.gz",
                     "replay_feasibility_fresh_ensemble.csv.gz", "replay_feasibility_shared_calibrated.csv.gz",
                     "replay_feasibility_shared_ensemble.csv.gz", "replay_kappa.csv.gz", "replay_main.csv.gz",
                     "replay_noise.csv.gz", "replay_relative.csv.gz"]
    # the authors' own short-crystal convention (mlcrystal.force.feasibility), named in every variant;
    # the strategy column uses the names of the registry (skopt, not bo)
    for name in [n.removeprefix("replay_").removesuffix(".csv.gz") for n in names if "feasibility" in n]:
        t = load_replay(name)
        assert t["variant"].str.endswith("short_crystals=register-asked").all(), name
        assert set(t["strategy"]) == ({"skopt"} if name == "feasibility_bo" else {"authors"}), name
    main = load_replay("main")
    assert main.shape == (48000, 19)
    assert main["landscape"].eq("calibrated").all() and main["variant"].isna().all()  # stored before the columns
    assert main.groupby("strategy").seed.nunique().to_dict() == {"skopt": 100, "grid": 100, "fast": 100, "random": 100}
    assert main.groupby(["strategy", "seed"]).experiment.max().eq(120).all()
    for name, settings in [("kappa", 4), ("acq", 3), ("noise", 3)]:
        t = load_replay(name)
        assert len(t) == settings * 20 * 100


def test_a_missing_table_says_how_to_regenerate(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"replay_absent\.csv\.gz .*replay_main\.csv\.gz.*regenerate"):
        load_replay("absent", directory=tmp_path)
    with pytest.raises(FileNotFoundError, match="regenerate"):
        load_replay("absent")


# ---------------------------------------------------------------- damaged files

def test_truncated_gzip(tmp_path):
    path = write(tiny(), tmp_path / "replay_cut.csv.gz")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"replay_cut\.csv\.gz: not a complete gzip file \(EOFError"):
        load_replay(path)


def test_corrupt_gzip(tmp_path):
    path = write(tiny(), tmp_path / "replay_bad.csv.gz")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"replay_bad\.csv\.gz: not a complete gzip file"):
        load_replay(path)


def test_empty_file(tmp_path):
    path = tmp_path / "replay_empty.csv.gz"
    path.write_bytes(gzip.compress(b""))
    with pytest.raises(ValueError, match=r"replay_empty\.csv\.gz: the file is empty"):
        load_replay(path)


def test_csv_cut_mid_row(tmp_path):
    path = tmp_path / "cut.csv"
    text = write(tiny(), path).read_text()
    path.write_text(text[: text.rindex("\n", 0, len(text) - 1) + 30])  # 30 characters into the last row
    with pytest.raises(ValueError, match=r"cut\.csv: the table is cut in the middle of its last row"):
        load_replay(path)


def test_row_with_too_few_fields(tmp_path):
    lines = lines_of(tiny(), tmp_path)
    lines[7] = ",".join(lines[7].split(",")[:12])
    path = tmp_path / "short.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"short\.csv, column 'T_um', row 6 \(line 8 of the file\): expected a "
                                         r"finite number, got a blank cell"):
        load_replay(path)


def test_row_with_too_many_fields(tmp_path):
    lines = lines_of(tiny(), tmp_path)
    lines[9] += ",1.0,2.0"
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"long\.csv: garbled table \(ParserError"):
        load_replay(path)


def test_text_in_a_number_column(tmp_path):
    table = tiny().astype({"force_mN": object})
    table.loc[5, "force_mN"] = "3.1x"
    with pytest.raises(ValueError) as err:
        load_replay(write(table, tmp_path / "texty.csv"))
    msg = str(err.value)
    assert "texty.csv, column 'force_mN', row 5 (line 7 of the file)" in msg and "got '3.1x'" in msg


def test_fraction_in_an_integer_column(tmp_path):
    table = tiny().astype({"seed": float})
    table.loc[3, "seed"] = 1.5
    with pytest.raises(ValueError, match=r"column 'seed', row 3 .*expected an integer, got 1\.5"):
        load_replay(write(table, tmp_path / "mixed.csv"))


def test_blank_in_a_required_column(tmp_path):
    table = tiny()
    table.loc[10, "strategy"] = np.nan
    with pytest.raises(ValueError, match=r"column 'strategy', row 10 .*expected a value, got a blank cell"):
        load_replay(write(table, tmp_path / "blank.csv"))


def test_unknown_phase(tmp_path):
    table = tiny()
    table.loc[2, "phase"] = "serach"
    with pytest.raises(ValueError, match=r"column 'phase', row 2 .*initial or search, got 'serach'"):
        load_replay(write(table, tmp_path / "phase.csv"))


def test_missing_column(tmp_path):
    with pytest.raises(ValueError, match=r"nokappa\.csv: missing column\(s\) \['kappa'\]"):
        load_replay(write(tiny().drop(columns="kappa"), tmp_path / "nokappa.csv"))


# ---------------------------------------------------------------- incomplete or mixed tables

def test_a_configuration_lacking_a_seed(tmp_path):
    table = tiny()
    table = table[~((table.strategy == "grid") & (table.seed == 1))]
    with pytest.raises(ValueError) as err:
        load_replay(write(table, tmp_path / "seeds.csv"))
    msg = str(err.value)
    assert "seeds.csv" in msg and "'strategy': 'grid'" in msg and "lacks seed(s) [1]" in msg


def test_a_campaign_with_a_gap(tmp_path):
    table = tiny()
    table = table[~((table.strategy == "skopt") & (table.seed == 2) & (table.experiment == 3))]
    with pytest.raises(ValueError) as err:
        load_replay(write(table, tmp_path / "gap.csv"))
    msg = str(err.value)
    assert "gap.csv: the campaign" in msg and "'seed': 2} has 3 rows; experiments missing [3]" in msg
    assert "expected 1..4 once each" in msg


def test_a_table_cut_at_a_row_boundary(tmp_path):
    """Cut after the 5th row of the last campaign: the last campaign is short."""
    table = tiny(budget=8).iloc[:-3]
    with pytest.raises(ValueError, match=r"boundary\.csv: the campaign .*'seed': 2\} has 5 rows; experiments "
                                         r"missing \[6, 7, 8\].*expected 1\.\.8"):
        load_replay(write(table, tmp_path / "boundary.csv"))


def test_two_runs_interleaved(tmp_path):
    table = pd.concat([tiny(), tiny().iloc[:5]], ignore_index=True)
    with pytest.raises(ValueError, match=r"mixed\.csv: the campaign .*'seed': 0\} has 8 rows; experiments missing "
                                         r"\[\], repeated \[1, 2, 3, 4\], out of range \[\]; expected 1\.\.4"):
        load_replay(write(table, tmp_path / "mixed.csv"))


# ---------------------------------------------------------------- landscapes, variants and budgets

def landscapes_table():
    """Two landscapes x two variants; one strategy with 2 seeds and budget 4, another with 3 seeds and budget 6."""
    parts = []
    for land in ("member-1", "member-2"):
        for variant in ("n_extra=0", "n_extra=4"):
            parts.append(tiny(seeds=(0, 1)).query("strategy == 'skopt'").assign(landscape=land, variant=variant))
        parts.append(tiny(seeds=(0, 1, 2), budget=6).query("strategy == 'grid'").assign(landscape=land,
                                                                                       variant="edges"))
    table = pd.concat(parts, ignore_index=True)
    return table[list(REPLAY_SCHEMA)]


def test_landscape_and_variant_are_configuration_with_budget_and_seeds_per_strategy(tmp_path):
    back = load_replay(write(landscapes_table(), tmp_path / "ens.csv.gz"))
    assert back.groupby(["landscape", "strategy", "variant"]).seed.nunique().to_dict() == {
        ("member-1", "skopt", "n_extra=0"): 2, ("member-1", "skopt", "n_extra=4"): 2, ("member-1", "grid", "edges"): 3,
        ("member-2", "skopt", "n_extra=0"): 2, ("member-2", "skopt", "n_extra=4"): 2, ("member-2", "grid", "edges"): 3}
    assert back.groupby("strategy").experiment.max().to_dict() == {"skopt": 4, "grid": 6}


def test_a_landscape_lacking_a_seed_of_its_strategy(tmp_path):
    table = landscapes_table()
    table = table[~((table.landscape == "member-2") & (table.strategy == "grid") & (table.seed == 2))]
    with pytest.raises(ValueError, match=r"ens\.csv: the configuration .*'landscape': 'member-2'.* lacks "
                                         r"seed\(s\) \[2\]"):
        load_replay(write(table, tmp_path / "ens.csv"))


def test_a_short_campaign_within_its_configuration(tmp_path):
    table = landscapes_table()
    table = table[~((table.landscape == "member-1") & (table.variant == "n_extra=4") & (table.seed == 1)
                    & (table.experiment == 4))]
    with pytest.raises(ValueError, match=r"'variant': 'n_extra=4', 'seed': 1\} has 3 rows; experiments missing "
                                         r"\[4\].*expected 1\.\.4"):
        load_replay(write(table, tmp_path / "short.csv"))


def test_a_blank_landscape_is_refused(tmp_path):
    table = landscapes_table()
    table.loc[5, "landscape"] = np.nan
    with pytest.raises(ValueError, match=r"blank\.csv.*landscape"):
        load_replay(write(table, tmp_path / "blank.csv"))


def test_the_stored_tables_of_the_authors_loop_the_ensemble_and_the_ablations():
    from mlcrystal.force.ensemble import load_ensemble
    from mlcrystal.force.landscape import SHARED_RESPONSE_SUFFIX

    ablation = load_replay("ablation")
    # the replay tables cover the ensemble's first 25 kept members (mlcrystal/data/README.md); the ensemble keeps more
    kept = [f"member-{d}" for d in load_ensemble().query("kept").draw.astype(int)][:25]
    runs = ablation.groupby(["landscape", "variant"]).agg(seeds=("seed", "nunique"), budget=("experiment", "max"))
    assert runs.budget.eq(100).all() and runs.seeds.eq(1).all() and ablation.strategy.eq("authors").all()
    per_land = runs.reset_index().groupby("landscape").variant.apply(sorted).to_dict()
    lands = ["calibrated", *kept]
    assert sorted(per_land) == sorted(lands + [n + SHARED_RESPONSE_SUFFIX for n in lands])
    for name, variants in per_land.items():  # each ablation changes one thing
        expect = (["n_extra=0"] if name.endswith(SHARED_RESPONSE_SUFFIX) else
                  ["n_extra=0;compound_input=identity", "n_extra=0;maximizer=sampling",
                   "n_extra=0;optimizer_seed=fresh", "n_extra=4"])
        assert variants == expect, name
    calibrated = load_replay("authors")
    per = calibrated.groupby(["strategy", "variant"]).agg(seeds=("seed", "nunique"), budget=("experiment", "max"))
    assert per.index.tolist() == [("authors", "n_extra=0"), ("fast", "n_extra=0"), ("fast", "n_extra=4")]
    assert per.budget.eq(155).all() and per.seeds.eq(20).all()
    assert calibrated.landscape.eq("calibrated").all()
    ens = load_replay("ensemble")
    assert sorted(ens.landscape.unique()) == sorted(kept)  # every kept member, complete
    settings = ens.groupby(["landscape", "strategy", "variant", "grid_levels"], dropna=False).agg(
        seeds=("seed", "nunique"), budget=("experiment", "max")).reset_index()
    assert settings.groupby("landscape").size().eq(7).all()  # authors, bo, random, 2 grid kinds x 2 levels
    assert settings.query("strategy == 'authors'").budget.eq(155).all()
    assert settings.query("strategy != 'authors'").budget.eq(120).all()
    assert settings.query("strategy == 'authors'").seeds.eq(3).all()
    assert settings.query("strategy == 'skopt'").seeds.eq(5).all()
    assert settings.query("strategy in ['random', 'grid']").seeds.eq(20).all()


def test_the_relative_prior_tables_cover_its_first_100_members_under_both_rules():
    from mlcrystal.force.ensemble import load_relative_ensemble
    from mlcrystal.force.landscape import SHARED_RESPONSE_SUFFIX

    rel = load_relative_ensemble()
    kept = [f"relative-{d}" for d in rel.query("kept").draw.astype(int)]
    ens = load_replay("relative")
    members = kept[:ens.landscape.nunique()]
    assert len(members) >= 100 and set(ens.landscape) == set(members)  # the first kept members, complete
    from mlcrystal.force.ensemble import kept_members
    assert list(kept_members("relative", len(members))) == members  # the names the scripts and chapters use
    settings = ens.groupby(["landscape", "strategy", "variant", "grid_levels"], dropna=False).agg(
        seeds=("seed", "nunique"), budget=("experiment", "max")).reset_index()
    assert settings.groupby("landscape").size().eq(8).all()  # authors x 2 rules, skopt, random, 2 grids x 2 levels
    authors = settings.query("strategy == 'authors'")
    assert sorted(authors.variant.unique()) == ["n_extra=0", "n_extra=0;short_crystals=register-asked"]
    assert authors.budget.eq(155).all() and authors.seeds.eq(1).all()
    assert settings.query("strategy != 'authors'").budget.eq(120).all()
    assert settings.query("strategy == 'skopt'").seeds.eq(5).all()
    assert settings.query("strategy in ['random', 'grid']").seeds.eq(5).all()
    # the baselines of the same landscapes, each with its member's own optimum
    base = pd.read_csv(REPLAY_DIR / "baselines_relative.csv")
    assert set(base.landscape) == {"calibrated", *members}
    optima = base.groupby("landscape").optimum_mN.first().drop("calibrated")
    stored = rel.assign(landscape="relative-" + rel.draw.astype(str)).set_index("landscape").best_force_mN
    assert optima.to_numpy() == pytest.approx(stored.loc[optima.index].to_numpy(), rel=1e-4)
    ratio_base = pd.read_csv(REPLAY_DIR / "baselines_ratio_relative.csv")
    assert set(ratio_base.landscape) == {"calibrated", *members}
    assert ratio_base.query("baseline == 'random'").n_hits.min() >= 20  # no row is a bound
    # the ablations: the calibrated landscape and the first 25 members, each change alone, under both rules
    abl = load_replay("ablation_relative")
    lands = ["calibrated", *kept[:25]]
    runs = abl.groupby(["landscape", "variant"]).agg(seeds=("seed", "nunique"), budget=("experiment", "max"))
    assert runs.budget.eq(100).all() and runs.seeds.eq(1).all() and abl.strategy.eq("authors").all()
    per_land = runs.reset_index().groupby("landscape").variant.apply(sorted).to_dict()
    assert sorted(per_land) == sorted(lands + [n + SHARED_RESPONSE_SUFFIX for n in lands])
    for name, variants in per_land.items():
        expect = (["n_extra=0", "n_extra=0;short_crystals=register-asked"] if name.endswith(SHARED_RESPONSE_SUFFIX)
                  else ["n_extra=0;compound_input=identity", "n_extra=0;maximizer=sampling",
                        "n_extra=0;optimizer_seed=fresh",
                        "n_extra=0;optimizer_seed=fresh;short_crystals=register-asked", "n_extra=4"])
        assert variants == expect, name


def test_the_stored_ratio_table_uses_the_strategy_names_of_the_registry():
    # ratios_ch6.csv.gz (benchmarks/ratios_ch6.py) was written before the rename; its column was migrated
    with (REPLAY_DIR / "ratios_ch6.csv.gz").open("rb") as f:
        t = pd.read_csv(f, compression="gzip")
    assert t.groupby("strategy").size().to_dict() == {"authors": 23712, "fast": 456, "skopt": 11856}
