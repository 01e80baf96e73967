"""Claims files and verdicts: rules fixed in the files, one-sided claims one-sided, method checks never counted."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.report import claims as cl

HEADER = "claim_id,claim,headline,evidence,rule,tolerance,reason,page,anchor\n"


def _claims(tmp_path, body: str, cells: str | None = None):
    (tmp_path / "toy_claims.csv").write_text(HEADER + body)
    if cells is not None:
        (tmp_path / "toy.csv").write_text("claim_id,table,row,column,estimate,se,ci_low,ci_high,stars,note\n" + cells)
    return tmp_path


@pytest.mark.parametrize("body, message", [
    ("a,x,yes,author data,,,,p.ipynb,\n", "rule '' is missing or unknown"),
    ("a,x,yes,authors data,exact,,,p.ipynb,\n", "unknown evidence class 'authors data'"),
    ("a,x,yes,author data,exact,,,p.ipynb,\na,y,no,author data,exact,,,p.ipynb,\n", "duplicated claim_id"),
    ("a,x,yes,author data,exact,abs:0.1,,p.ipynb,\n", "a tolerance without a reason"),
    ("a,x,yes,other real data,exact,,,p.ipynb,\n", "'other real data' scored on digits"),
    ("a,x,yes,author data | other real data,sign_sig | exact,,,p.ipynb,\n", "'other real data' scored on digits"),
    ("a,x,yes,author data | other real data,exact | sign_sig | sign,,,p.ipynb,\n", "3 rules for 2 evidence classes"),
    ("a,x,yes,author data | other real data,exact | sgn,,,p.ipynb,\n", "rule 'sgn' is missing or unknown"),
])
def test_bad_claims_files_name_the_file_row_and_fix(tmp_path, body, message):
    folder = _claims(tmp_path, body)
    with pytest.raises(cl.ClaimsFileError) as err:
        cl.load_claims("toy", folder)
    assert message in str(err.value) and "toy_claims.csv, line" in str(err.value) and "Fix:" in str(err.value)


def _judge(rule, printed, value, tolerance="", evidence="author data", stars="", **facts):
    claim = pd.Series(dict(rule=rule, tolerance=tolerance, reason="stated"), name="c")
    cell = pd.Series(dict(estimate=printed, stars=stars, ci_low="", ci_high=""))
    return cl.judge(claim, cell, value, evidence, **facts)[0]


def test_printed_precision_decides_reproduced_and_one_shared_rule_decides_within_tolerance():
    assert _judge("exact", "0.510", 0.5104) == "reproduced"
    assert _judge("exact", "0.510", 0.5114) == "reproduced within tolerance"     # one unit of the last digit
    assert _judge("exact", "0.510", 0.5130) == "not reproduced"
    assert _judge("exact", "0.018", 0.0134, tolerance="rel:0.10") == "not reproduced"


def test_one_sided_claims_are_scored_one_sided_at_the_papers_threshold():
    assert _judge("at_least", "10", 21.9) == "reproduced"        # "more than 10x": 21.9 is more than 10
    assert _judge("at_least", "5", 4.79) == "not reproduced"     # "above 5": 4.79 is not
    assert _judge("at_most", "2", 1.5) == "reproduced"


def test_method_checks_compare_with_the_generators_truth_not_the_paper():
    assert _judge("exact", "0.002", -0.0044, evidence="method check", truth=-0.004, se=0.001) == "recovered"
    assert _judge("exact", "0.002", 0.002, evidence="method check", truth=-0.004, se=0.001) == "not recovered"
    with pytest.raises(ValueError):
        _judge("exact", "0.002", 0.002, evidence="method check")


def test_sign_and_significance():
    assert _judge("sign_sig", "-0.113", -0.2, stars="***", significant=True) == "reproduced"
    assert _judge("sign_sig", "-0.113", -0.2, stars="***", significant=False) == "not reproduced"
    assert _judge("sign_sig", "0.002", -0.0044, stars="", significant=False) == "not reproduced"
    assert _judge("sign_sig", "0.0", -0.0044, stars="", significant=False) == "reproduced"      # a zero has no sign
    assert _judge("sign_sig", "0.0", -0.0044, stars="", significant=True) == "not reproduced"


def test_a_rule_per_evidence_class_scores_digits_on_the_papers_data_and_direction_on_other_data(tmp_path):
    folder = _claims(tmp_path, "a,x,yes,rebuilt from sources | other real data,exact | sign_sig,,,p.ipynb,\n",
                     "a,Table 1,b,c,-0.113,,,,***,\n")
    claims = cl.load_claims("toy", folder)
    assert cl.rule_for(claims.loc["a"], "rebuilt from sources") == "exact"
    assert cl.rule_for(claims.loc["a"], "other real data") == "sign_sig"
    cell = cl.load_published("toy", folder).loc[("Table 1", "b", "c")]
    assert cl.judge(claims.loc["a"], cell, -0.2, "other real data", significant=True)[0] == "reproduced"
    assert cl.judge(claims.loc["a"], cell, -0.2, "rebuilt from sources")[0] == "not reproduced"


def test_claim_verdicts_and_counts_never_count_method_checks_or_inputs():
    assert cl.claim_verdict(pd.Series(["reproduced", "reproduced"])) == "reproduced"
    assert cl.claim_verdict(pd.Series(["reproduced", "not reproduced"])) == "partly"
    assert cl.claim_verdict(pd.Series(["not testable offline"])) == "not testable offline"
    claims = pd.DataFrame(dict(
        chapter="toy", claim_id=list("abcde"), claim="x", headline=True, page="p.ipynb", anchor="", cells=1,
        evidence=["author data", "method check", "input", "other real data", "author data"],
        verdict=["reproduced", "recovered", "input", "reproduced", "not testable offline"]))
    counts = cl.headline_counts(claims)
    assert counts == dict(claims=3, author_data=1, rebuilt=0, model=0, other_real=1, untestable=1, method_checks=1,
                          inputs=1)
    sentence = cl.headline_sentence(claims)
    assert "Of the 3 claims" in sentence and "1 method checks" in sentence and not math.isnan(len(sentence))
