"""Payment standards (R-SET-8) on hand-computed examples: the basis of each kind of drug, the equal-step
convergence of non-winners, the fund's and the patient's part of a price."""

from decimal import Decimal

import pytest

from procurement.core.errors import DomainError
from settlement.standards import Basis, convergence_steps, convergence_years, split_price, standard_for

D = Decimal


def test_a_non_winner_far_above_converges_in_three_equal_steps():
    """R-SET-8: winning 0.2000 a tablet; a non-winner at 1.0000 (5 ×) → 0.7333, 0.4667, then 0.2000."""
    assert convergence_years(D("1.0000"), D("0.2000")) == 3
    assert convergence_steps(D("1.0000"), D("0.2000")) == [D("0.7333"), D("0.4667"), D("0.2000")]


def test_a_non_winner_nearer_converges_in_two_and_at_the_boundary_in_three():
    """R-SET-8: 1.5 × → two steps (0.2500, 0.2000); exactly 2 × is far above → three steps."""
    assert convergence_steps(D("0.3000"), D("0.2000")) == [D("0.2500"), D("0.2000")]
    assert convergence_years(D("0.4000"), D("0.2000")) == 3
    assert convergence_years(D("0.3999"), D("0.2000")) == 2
    assert convergence_steps(D("0.1800"), D("0.2000")) == [D("0.2000")]  # at or below: at once


def test_each_basis_takes_its_price_and_a_non_evaluated_generic_never_above_the_evaluated():
    """R-SET-8: VBP the winning price; non-evaluated never above it; listed and shortage the listing price;
    designated production the national price; reserve the supply price."""
    assert standard_for(Basis.VBP, winning=D("5.46")) == D("5.4600")
    assert standard_for(Basis.NON_EVALUATED, winning=D("5.46"), own=D("9.90")) == D("5.4600")
    assert standard_for(Basis.NON_EVALUATED, winning=D("5.46"), own=D("4.10")) == D("4.1000")
    assert standard_for(Basis.LISTED, listing=D("12.60")) == D("12.6000")
    assert standard_for(Basis.SHORTAGE, listing=D("30")) == D("30.0000")
    assert standard_for(Basis.DESIGNATED, national=D("2.35")) == D("2.3500")
    assert standard_for(Basis.RESERVE, supply=D("8.8")) == D("8.8000")
    with pytest.raises(DomainError):
        standard_for(Basis.VBP)


def test_the_patient_pays_the_part_above_the_standard():
    """R-SET-8: 30.00 against a 12.60 standard → the fund 12.60, the patient 17.40; below it the fund all."""
    assert split_price(D("30.00"), D("12.60")) == split_price(D("30"), D("12.6000"))
    split = split_price(D("30.00"), D("12.60"))
    assert (split.fund, split.patient) == (D("12.60"), D("17.40"))
    below = split_price(D("10.00"), D("12.60"))
    assert (below.fund, below.patient) == (D("10.00"), D("0.00"))
