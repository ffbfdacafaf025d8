//! Spec §3, section by section, on small scenarios whose figures are computed by hand in the
//! comments. Each assertion names its inputs.

use coreweave_whatif::model::{
    Amortization, Capacity, Contract, Covenant, CovenantTerms, CustomerCut, DelayPolicy, Draws,
    EquityRaise, Facility, FacilityKind, Month, Outcome, Partner, Rate, Scenario, Site, run,
    validate,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// A scenario with nothing in it: 12 months, $100M cash, SOFR 5 %, no costs.
fn bare() -> Scenario {
    let text = r#"(
        meta: (name: "bare", format_version: 1),
        horizon_months: 12,
        opening: (cash: "100", mw_online: "0"),
        rates: (sofr_pct: "5"),
        opex: (cost_of_revenue_pct: "0", other_opex_pct: "0", fixed_monthly: "0"),
    )"#;
    coreweave_whatif::model::parse_scenario(text).expect("the bare scenario parses")
}

fn m(text: &str) -> Month {
    text.parse().expect("test month")
}

fn contract(id: &str, value: Decimal, start: &str, term: u32, ramp: u32) -> Contract {
    Contract {
        id: id.into(),
        customer: id.into(),
        total_value: value,
        start: m(start),
        term_months: term,
        ramp_months: ramp,
        capacity: Capacity::Existing,
        prepay_pct: Decimal::ZERO,
        pledged_to: None,
    }
}

fn term_loan(id: &str, balance: Decimal, rate: Rate, maturity: &str) -> Facility {
    Facility {
        id: id.into(),
        name: id.into(),
        kind: FacilityKind::Term,
        opening_balance: balance,
        commitment: balance,
        rate,
        draws: Draws::default(),
        amortization: Amortization::None,
        maturity: m(maturity),
        sweep_pct: Decimal::ZERO,
        funds: None,
        collateral: None,
    }
}

fn fixed(coupon_pct: Decimal) -> Rate {
    Rate::Fixed { coupon_pct }
}

fn outcome(scenario: Scenario) -> Outcome {
    let valid = validate(scenario).unwrap_or_else(|err| panic!("test scenario invalid: {err}"));
    run(&valid).expect("runs")
}

fn column(
    outcome: &Outcome,
    f: impl Fn(&coreweave_whatif::model::MonthRow) -> Decimal,
) -> Vec<Decimal> {
    outcome.months.iter().map(f).collect()
}

fn decs(values: &[i64]) -> Vec<Decimal> {
    values.iter().map(|v| Decimal::from(*v)).collect()
}

#[test]
fn flat_contract_earns_value_over_term() {
    // V = 1200 over 12 months, no ramp: F = 1200 / 12 = 100 a month.
    let mut s = bare();
    s.contracts
        .push(contract("c", dec!(1200), "2025-01", 12, 0));
    let o = outcome(s);
    assert_eq!(
        column(&o, |r| r.revenue),
        decs(&[100; 12]),
        "V=1200, T=12, R=0"
    );
    assert_eq!(column(&o, |r| r.collections), decs(&[100; 12]));
}

#[test]
fn ramp_preserves_contract_value() {
    // R = 3, T = 6: w = 1/3, 2/3, 1, 1, 1, 1; Σw = 5; F = 1200/5 = 240.
    // Revenue 80, 160, 240, 240, 240, 240 = 1200.
    let mut s = bare();
    s.contracts.push(contract("c", dec!(1200), "2025-01", 6, 3));
    let o = outcome(s);
    let revenue = column(&o, |r| r.revenue);
    let expected = [80, 160, 240, 240, 240, 240, 0, 0, 0, 0, 0, 0];
    for (t, (got, want)) in revenue.iter().zip(expected).enumerate() {
        assert!(
            (got - Decimal::from(want)).abs() < dec!(1e-20),
            "month {t}: {got} vs {want} (V=1200, T=6, R=3)"
        );
    }
    let total: Decimal = revenue.iter().sum();
    assert!((total - dec!(1200)).abs() < dec!(1e-20), "total {total}");
}

#[test]
fn contract_started_before_2025_is_mid_ramp() {
    // Start 2024-10 (t = -3), R = 6, T = 24: Σw = (1+…+5)/6 + 19 = 2.5 + 19 = 21.5; F = 2150/21.5 = 100.
    // January 2025 is k = 3: w = 4/6, so revenue 66.67; k = 5 (March) reaches full weight.
    let mut s = bare();
    s.contracts
        .push(contract("c", dec!(2150), "2024-10", 24, 6));
    let o = outcome(s);
    // Derived monthly amounts are held to 1e-10 $M (engine::AMOUNT_DP).
    let jan = o.months[0].revenue;
    assert!((jan - dec!(400) / dec!(6)).abs() <= dec!(0.5e-10), "{jan}");
    assert!((o.months[1].revenue - dec!(500) / dec!(6)).abs() <= dec!(0.5e-10));
    assert_eq!(o.months[2].revenue, dec!(100));
}

#[test]
fn core_scientific_delay_shifts_or_truncates() {
    // V = 600, T = 6, no ramp: 100 a month from t = 2; a 3-month delay.
    let mut shifted = bare();
    let mut c = contract("c", dec!(600), "2025-03", 6, 0);
    c.capacity = Capacity::CoreScientific;
    shifted.contracts.push(c);
    shifted.core_scientific.delay_months = 3;
    let mut truncated = shifted.clone();
    truncated.core_scientific.delay_policy = DelayPolicy::Truncate;
    // Shift: t = 5 … 10. Truncate: t = 5 … 7 (ends at s + T = 8).
    assert_eq!(
        column(&outcome(shifted), |r| r.revenue),
        decs(&[0, 0, 0, 0, 0, 100, 100, 100, 100, 100, 100, 0])
    );
    assert_eq!(
        column(&outcome(truncated), |r| r.revenue),
        decs(&[0, 0, 0, 0, 0, 100, 100, 100, 0, 0, 0, 0])
    );
}

#[test]
fn existing_capacity_ignores_the_delay() {
    let mut s = bare();
    s.contracts
        .push(contract("c", dec!(1200), "2025-01", 12, 0));
    s.core_scientific.delay_months = 6;
    assert_eq!(column(&outcome(s), |r| r.revenue), decs(&[100; 12]));
}

#[test]
fn customer_cuts_compound_from_their_month() {
    // 100 a month; cut 50 % from t = 2 and 20 % from t = 4: 100, 100, 50, 50, 40, …
    let mut s = bare();
    s.contracts
        .push(contract("c", dec!(1200), "2025-01", 12, 0));
    s.customer_cuts.push(CustomerCut {
        id: "cut1".into(),
        customer: "c".into(),
        cut_pct: dec!(50),
        from: m("2025-03"),
    });
    s.customer_cuts.push(CustomerCut {
        id: "cut2".into(),
        customer: "c".into(),
        cut_pct: dec!(20),
        from: m("2025-05"),
    });
    assert_eq!(
        column(&outcome(s), |r| r.revenue),
        decs(&[100, 100, 50, 50, 40, 40, 40, 40, 40, 40, 40, 40])
    );
}

#[test]
fn prepayment_arrives_at_effective_start_and_is_not_clawed_back() {
    // V = 1200, T = 12 from t = 1, prepay 25 %: 300 in t = 1; then 75 % of each month's 100.
    // A 50 % cut from t = 3 halves revenue and collections, not the prepayment.
    let mut s = bare();
    let mut c = contract("c", dec!(1200), "2025-02", 12, 0);
    c.prepay_pct = dec!(25);
    s.contracts.push(c);
    s.customer_cuts.push(CustomerCut {
        id: "cut".into(),
        customer: "c".into(),
        cut_pct: dec!(50),
        from: m("2025-04"),
    });
    let o = outcome(s);
    assert_eq!(
        column(&o, |r| r.collections)[..5],
        [dec!(0), dec!(375), dec!(75), dec!(37.5), dec!(37.5)]
    );
}

#[test]
fn operating_costs_follow_revenue_and_fixed_costs_step_yearly() {
    // Revenue 100; cost of revenue 26 %; other opex 12 % + fixed 15 growing 10 % a year.
    // Year 1: opex = 12 + 15 = 27, EBITDA = 100 − 26 − 27 = 47. Year 2: fixed 16.5, EBITDA 45.5.
    let mut s = bare();
    s.horizon_months = 24;
    s.contracts
        .push(contract("c", dec!(2400), "2025-01", 24, 0));
    s.opex.cost_of_revenue_pct = dec!(26);
    s.opex.other_opex_pct = dec!(12);
    s.opex.fixed_monthly = dec!(15);
    s.opex.fixed_growth_pct = dec!(10);
    let o = outcome(s);
    assert_eq!(
        (
            o.months[0].cost_of_revenue,
            o.months[0].opex,
            o.months[0].ebitda
        ),
        (dec!(26), dec!(27), dec!(47))
    );
    assert_eq!(
        (o.months[11].opex, o.months[12].opex, o.months[12].ebitda),
        (dec!(27), dec!(28.5), dec!(45.5))
    );
}

#[test]
fn site_capex_is_paid_ahead_of_the_scheduled_month() {
    // 10 MW × 28 = 280 over a 4-month lead before 2025-07 (t = 6): 70 in t = 2 … 5.
    // Reimbursement 40: 10 a month over the same months. Core Scientific site, delay 3:
    // online at t = 9; capex stays on the schedule unless follows_delay.
    let mut s = bare();
    s.capex.lead_months = 4;
    s.sites.push(Site {
        id: "s".into(),
        mw: dec!(10),
        online: m("2025-07"),
        partner: Partner::CoreScientific,
        capex_per_mw: dec!(28),
        reimbursement: dec!(40),
        revenue_per_mw_month: dec!(0),
        fill_months: 1,
        pledged_to: None,
    });
    s.core_scientific.delay_months = 3;
    s.opening.mw_online = dec!(5);
    let o = outcome(s.clone());
    assert_eq!(
        column(&o, |r| r.capex),
        decs(&[0, 0, 70, 70, 70, 70, 0, 0, 0, 0, 0, 0])
    );
    assert_eq!(
        column(&o, |r| r.reimbursement),
        decs(&[0, 0, 10, 10, 10, 10, 0, 0, 0, 0, 0, 0])
    );
    assert_eq!(
        column(&o, |r| r.mw_online),
        decs(&[5, 5, 5, 5, 5, 5, 5, 5, 5, 15, 15, 15])
    );
    s.capex.follows_delay = true;
    assert_eq!(
        column(&outcome(s), |r| r.capex),
        decs(&[0, 0, 0, 0, 0, 70, 70, 70, 70, 0, 0, 0])
    );
}

#[test]
fn capex_before_2025_is_dropped() {
    // Online 2025-02 with a 4-month lead: parts in 2024-10 … 2025-01; only January's is modelled.
    let mut s = bare();
    s.capex.lead_months = 4;
    s.sites.push(Site {
        id: "s".into(),
        mw: dec!(1),
        online: m("2025-02"),
        partner: Partner::Own,
        capex_per_mw: dec!(40),
        reimbursement: dec!(0),
        revenue_per_mw_month: dec!(0),
        fill_months: 1,
        pledged_to: None,
    });
    assert_eq!(
        column(&outcome(s), |r| r.capex),
        decs(&[10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    );
}

#[test]
fn floating_interest_is_sofr_plus_spread_on_opening_balance() {
    // 1200 at SOFR 5 + 7 = 12 %: 12 a month; bullet at t = 11 repays 1200.
    let mut s = bare();
    s.facilities.push(term_loan(
        "loan",
        dec!(1200),
        Rate::Floating {
            spread_pct: dec!(7),
        },
        "2025-12",
    ));
    let o = outcome(s);
    assert_eq!(column(&o, |r| r.interest), decs(&[12; 12]));
    assert_eq!(
        column(&o, |r| r.principal),
        decs(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1200])
    );
    assert_eq!(o.months[11].debt, dec!(0));
    // Cash: 100 − 12 × 12 − 1200 = −1244.
    assert_eq!(o.months[11].cash, dec!(-1244));
}

#[test]
fn fixed_amortisation_pays_on_schedule_then_balloon() {
    // 1000 at 12 % fixed; 100 every 3 months from 2025-03 (t = 2, 5, 8); matures t = 8:
    // t = 8 pays 100 scheduled + 700 balloon. Interest: 10 a month until t = 2, then 9, 8, 7.
    let mut s = bare();
    let mut loan = term_loan("loan", dec!(1000), fixed(dec!(12)), "2025-09");
    loan.amortization = Amortization::Fixed {
        amount: dec!(100),
        every: 3,
        from: m("2025-03"),
    };
    s.facilities.push(loan);
    let o = outcome(s);
    assert_eq!(
        column(&o, |r| r.principal),
        decs(&[0, 0, 100, 0, 0, 100, 0, 0, 800, 0, 0, 0])
    );
    assert_eq!(
        column(&o, |r| r.interest),
        decs(&[10, 10, 10, 9, 9, 9, 8, 8, 8, 0, 0, 0])
    );
    assert_eq!(o.facility(2, 0).balance, dec!(900));
}

#[test]
fn level_amortisation_divides_the_balance_at_from() {
    // 1200, Level every 3 from 2025-03 (t = 2) to maturity 2025-12 (t = 11): payments at
    // t = 2, 5, 8, 11, so n = 4 and each is 1200 / 4 = 300.
    let mut s = bare();
    let mut loan = term_loan("loan", dec!(1200), fixed(dec!(0)), "2025-12");
    loan.amortization = Amortization::Level {
        every: 3,
        from: m("2025-03"),
    };
    s.facilities.push(loan);
    let o = outcome(s);
    assert_eq!(
        column(&o, |r| r.principal),
        decs(&[0, 0, 300, 0, 0, 300, 0, 0, 300, 0, 0, 300])
    );
}

#[test]
fn draws_stop_at_the_commitment_and_at_maturity() {
    // Opening 1200 of 1400; draws 300 over 3 months from 2025-02: 100, 100, then 0 (cap 200).
    let mut s = bare();
    let mut loan = term_loan("loan", dec!(1200), fixed(dec!(0)), "2026-12");
    loan.commitment = dec!(1400);
    loan.draws = Draws {
        total: dec!(300),
        from: m("2025-02"),
        months: 3,
    };
    s.facilities.push(loan);
    let o = outcome(s);
    assert_eq!(
        column(&o, |r| r.draws)[..5],
        [dec!(0), dec!(100), dec!(100), dec!(0), dec!(0)]
    );
    // Draws that would fall at or after maturity (t = 3) are not made.
    let mut s = bare();
    let mut loan = term_loan("loan", dec!(0), fixed(dec!(0)), "2025-04");
    loan.commitment = dec!(1000);
    loan.draws = Draws {
        total: dec!(600),
        from: m("2025-01"),
        months: 6,
    };
    s.facilities.push(loan);
    let o = outcome(s);
    assert_eq!(
        column(&o, |r| r.draws)[..5],
        [dec!(100), dec!(100), dec!(100), dec!(0), dec!(0)]
    );
    assert_eq!(
        o.months[3].principal,
        dec!(300),
        "the balloon repays all three draws"
    );
}

#[test]
fn sweep_prepays_from_other_facilities_draws() {
    // `new` draws 400 in t = 1; `old` (balance 300) sweeps 50 % of it: 200, then the cap bites
    // at its remaining balance 100 when `new` draws another 400 in t = 2.
    let mut s = bare();
    let mut old = term_loan("old", dec!(300), fixed(dec!(0)), "2027-01");
    old.sweep_pct = dec!(50);
    let mut new = term_loan("new", dec!(0), fixed(dec!(0)), "2027-01");
    new.commitment = dec!(800);
    new.draws = Draws {
        total: dec!(800),
        from: m("2025-02"),
        months: 2,
    };
    s.facilities.extend([old, new]);
    let o = outcome(s);
    assert_eq!(
        [o.facility(1, 0).principal, o.facility(2, 0).principal],
        [dec!(200), dec!(100)]
    );
    assert_eq!(o.facility(2, 0).balance, dec!(0));
    assert_eq!(
        o.facility(2, 1).balance,
        dec!(800),
        "the drawing facility is not swept itself"
    );
}

#[test]
fn equity_lands_in_its_month() {
    let mut s = bare();
    s.equity.push(EquityRaise {
        id: "ipo".into(),
        amount: dec!(1400),
        month: m("2025-03"),
    });
    s.equity.push(EquityRaise {
        id: "old".into(),
        amount: dec!(999),
        month: m("2024-03"),
    });
    let o = outcome(s);
    assert_eq!(
        column(&o, |r| r.equity)[..4],
        [dec!(0), dec!(0), dec!(1400), dec!(0)]
    );
    assert_eq!(o.months[2].cash, dec!(1500));
}

fn revolver(commitment: Decimal, spread_pct: Decimal, maturity: &str) -> Facility {
    let mut facility = term_loan("revolver", dec!(0), Rate::Floating { spread_pct }, maturity);
    facility.kind = FacilityKind::Revolver;
    facility.commitment = commitment;
    facility
}

#[test]
fn revolver_draws_to_target_and_repays_from_surplus() {
    // Cash 100, target 250, fixed costs 60 a month, commitment 200, SOFR 5 + 7 = 12 % (1 % a month).
    // t = 0: pre = 40, draw 200 − 0 → min(210, 200) = 200, cash 240.
    // t = 1: interest 2; pre = 240 − 60 − 2 = 178 → no room left, cash 178.
    // t = 2: equity 500; interest 2; pre = 178 − 60 − 2 + 500 = 616 → repay min(366, 200) = 200, cash 416.
    let mut s = bare();
    s.opex.fixed_monthly = dec!(60);
    s.facilities.push(revolver(dec!(200), dec!(7), "2026-12"));
    s.revolver_policy.target_cash = dec!(250);
    s.equity.push(EquityRaise {
        id: "raise".into(),
        amount: dec!(500),
        month: m("2025-03"),
    });
    let o = outcome(s);
    assert_eq!(
        column(&o, |r| r.revolver_draw)[..3],
        [dec!(200), dec!(0), dec!(0)]
    );
    assert_eq!(
        column(&o, |r| r.revolver_repay)[..3],
        [dec!(0), dec!(0), dec!(200)]
    );
    assert_eq!(
        column(&o, |r| r.cash)[..3],
        [dec!(240), dec!(178), dec!(416)]
    );
    // Liquidity counts the undrawn revolver: t = 0 none left, t = 2 all 200.
    assert_eq!(
        [o.months[0].liquidity, o.months[2].liquidity],
        [dec!(240), dec!(616)]
    );
}

#[test]
fn revolver_is_repaid_at_maturity_whatever_the_cash() {
    // Cash 0, target 100, commitment 100, 0 % rate: draws 100 at t = 0; matures t = 2: repays
    // 100, cash back to 0; liquidity stops counting the undrawn part from t = 2.
    let mut s = bare();
    s.opening.cash = dec!(0);
    s.rates.sofr_pct = dec!(0);
    s.facilities.push(revolver(dec!(100), dec!(0), "2025-03"));
    s.revolver_policy.target_cash = dec!(100);
    let o = outcome(s);
    assert_eq!(
        column(&o, |r| r.cash)[..4],
        [dec!(100), dec!(100), dec!(0), dec!(0)]
    );
    assert_eq!(o.months[2].revolver_repay, dec!(100));
    assert_eq!(o.months[3].revolver_draw, dec!(0));
    assert_eq!(o.kpis.runway_month, None, "cash 0 is not below zero");
}

#[test]
fn min_liquidity_threshold_is_the_larger_of_floor_and_share() {
    // Loan 5000: 1 % is 50 > floor 25. Cash 100 − 0 interest: headroom (100 − 50) / 50 = 100 %.
    let mut s = bare();
    s.facilities
        .push(term_loan("loan", dec!(5000), fixed(dec!(0)), "2030-01"));
    s.covenants.push(Covenant {
        id: "liq".into(),
        name: "liq".into(),
        terms: CovenantTerms::MinLiquidity {
            floor: dec!(25),
            pct: dec!(1),
            of_facility: Some("loan".into()),
        },
        from: None,
        until: None,
    });
    s.opex.fixed_monthly = dec!(30);
    let o = outcome(s);
    // Cash 70, 40, 10, −20 …: headroom 40 %, −20 %, … first breach t = 1.
    let test = o.covenant(0, 0).expect("tested monthly");
    assert_eq!(
        (test.value, test.threshold, test.headroom_pct()),
        (Some(dec!(70)), dec!(50), dec!(40))
    );
    assert_eq!(o.kpis.covenants[0].first_breach, Some(m("2025-02")));
    // Funding need: the worst shortfall, t = 11: 50 − (100 − 360) = 310.
    assert_eq!(o.kpis.funding_need, dec!(310));
    assert_eq!(o.kpis.runway_month, Some(m("2025-04")));
}

#[test]
fn dscr_is_tested_at_quarter_ends_on_pledged_gross_profit() {
    // Pledged contract: 100 a month, cost of revenue 20 % → 80 gross a month, 240 a quarter.
    // Loan 1200 at 12 %: interest 12 a month; Fixed 100 every 3 from t = 2.
    // Q1 service: 36 + 100 = 136 → DSCR 240/136; minimum 1.5 → headroom (240/136/1.5 − 1) × 100.
    let mut s = bare();
    let mut c = contract("c", dec!(1200), "2025-01", 12, 0);
    c.pledged_to = Some("loan".into());
    s.contracts.push(c);
    s.opex.cost_of_revenue_pct = dec!(20);
    let mut loan = term_loan("loan", dec!(1200), fixed(dec!(12)), "2027-01");
    loan.amortization = Amortization::Fixed {
        amount: dec!(100),
        every: 3,
        from: m("2025-03"),
    };
    s.facilities.push(loan);
    s.covenants.push(Covenant {
        id: "dscr".into(),
        name: "dscr".into(),
        terms: CovenantTerms::Dscr {
            facility: "loan".into(),
            min: dec!(1.5),
        },
        from: None,
        until: None,
    });
    let o = outcome(s);
    assert_eq!(o.covenant(0, 0), None, "not a quarter end");
    let q1 = o.covenant(2, 0).expect("quarter end");
    assert_eq!(q1.value, Some(dec!(240) / dec!(136)));
    assert_eq!(
        q1.headroom_pct(),
        (dec!(240) / dec!(136) / dec!(1.5) - Decimal::ONE) * dec!(100)
    );
    // Q2: balance 1100 → interest 11 × 3 = 33, + 100 → 133.
    assert_eq!(
        o.covenant(5, 0).and_then(|t| t.value),
        Some(dec!(240) / dec!(133))
    );
}

#[test]
fn leverage_annualises_trailing_ebitda() {
    // EBITDA 50 a month, debt 1200. At t = 2: n = 3, annualised 150 × 12/3 = 600 → 2.0x; max 3x
    // → headroom (3/2 − 1) × 100 = 50 %. With costs above revenue: breached at −100 %.
    let mut s = bare();
    s.contracts.push(contract("c", dec!(600), "2025-01", 12, 0));
    s.facilities
        .push(term_loan("loan", dec!(1200), fixed(dec!(0)), "2030-01"));
    s.covenants.push(Covenant {
        id: "lev".into(),
        name: "lev".into(),
        terms: CovenantTerms::MaxLeverage { max: dec!(3) },
        from: None,
        until: None,
    });
    let o = outcome(s.clone());
    let q1 = o.covenant(2, 0).expect("quarter end");
    assert_eq!(
        (q1.value, q1.headroom_pct(), q1.breach),
        (Some(dec!(2)), dec!(50), false)
    );
    s.opex.fixed_monthly = dec!(60);
    let o = outcome(s);
    let q1 = o.covenant(2, 0).expect("quarter end");
    assert_eq!(
        (q1.value, q1.headroom_pct(), q1.breach),
        (None, dec!(-100), true)
    );
    assert_eq!(
        o.kpis.first_breach.map(|b| (b.month, b.covenant)),
        Some((m("2025-03"), "lev".to_owned()))
    );
}

#[test]
fn leverage_is_not_tested_without_debt() {
    let mut s = bare();
    s.covenants.push(Covenant {
        id: "lev".into(),
        name: "lev".into(),
        terms: CovenantTerms::MaxLeverage { max: dec!(3) },
        from: None,
        until: None,
    });
    let o = outcome(s);
    assert!(o.covenants.iter().all(Option::is_none));
    assert_eq!(o.kpis.covenants[0].min_headroom_pct, None);
}
