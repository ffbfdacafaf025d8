//! Spec §8.1 (the income statement), §8.2 (GPU collateral and the borrowing base) and the
//! funding gap of §8.3, on small scenarios whose figures are computed by hand in the comments.
//! Each assertion names its inputs.

use coreweave_whatif::model::{
    Outcome, ReportedFigure, parse_preset, run, set_lever_text, validate,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// A bare version-3 scenario: no revenue, no costs, SOFR 0, $1,000M of cash, a year long.
fn scenario_text(extra: &str) -> String {
    format!(
        r#"(
        meta: (name: "bare v3", format_version: 3),
        horizon_months: 12,
        opening: (cash: "1000", mw_online: "0"),
        rates: (sofr_pct: "0"),
        opex: (cost_of_revenue_pct: "0", other_opex_pct: "0", fixed_monthly: "0"),
        {extra}
    )"#
    )
}

fn outcome(extra: &str) -> Outcome {
    let valid = parse_preset(&scenario_text(extra)).unwrap_or_else(|err| panic!("{err}\n{extra}"));
    run(&valid).expect("runs")
}

fn refused(extra: &str) -> String {
    match parse_preset(&scenario_text(extra)) {
        Ok(_) => panic!("should be refused:\n{extra}"),
        Err(err) => err.to_string(),
    }
}

fn decs(values: &[&str]) -> Vec<Decimal> {
    values
        .iter()
        .map(|v| v.parse().expect("test decimal"))
        .collect()
}

fn collateral_column(outcome: &Outcome, id: &str) -> (Vec<Decimal>, Vec<Decimal>) {
    let k = outcome
        .collateral_ids
        .iter()
        .position(|c| c == id)
        .unwrap_or_else(|| panic!("no {id}.collateral"));
    (0..outcome.months.len())
        .map(|t| {
            let month = outcome.collateral_month(t, k);
            (month.value, month.prepay)
        })
        .unzip()
}

fn balance(outcome: &Outcome, f: usize) -> Vec<Decimal> {
    (0..outcome.months.len())
        .map(|t| outcome.facility(t, f).balance)
        .collect()
}

/// A contract of $100M a month for the year; a 10 MW site at $12M per MW (K = 120) online
/// 2025-04 with its capex in three parts of 40 in 2025-01…03; $240M of opening book value over
/// 24 months (10 a month); a 12-month useful life (120 / 12 = 10 a month); $2M a month of stock
/// compensation and a one-off $5M in 2025-06.
const BOOKS: &str = r#"contracts: [(id: "c", customer: "C", total_value: "1200", start: "2025-01", term_months: 12)],
        sites: [(id: "s", mw: "10", online: "2025-04", capex_per_mw: "12")],
        capex: (lead_months: 3),
        accounting: (
            useful_life_months: 12,
            opening_book_value: "240",
            opening_life_left_months: 24,
            stock_comp_monthly: "2",
            stock_comp: [(month: "2025-06", amount: "5")],
        ),"#;

#[test]
fn depreciation_runs_from_each_sites_effective_online_month() {
    let o = outcome(BOOKS);
    let depreciation: Vec<Decimal> = o.pnl.iter().map(|m| m.depreciation).collect();
    // 10 on the opening book value; from 2025-04 (t = 3) another 120 / 12 = 10.
    assert_eq!(
        depreciation,
        decs(&[
            "10", "10", "10", "20", "20", "20", "20", "20", "20", "20", "20", "20"
        ]),
        "opening 240 / 24 and site 120 / 12 from 2025-04"
    );
    // EBITDA 100 − depreciation; then − stock comp 2 (+5 in 2025-06); no interest, no tax.
    let adjusted: Vec<Decimal> = o.pnl.iter().map(|m| m.adjusted_operating_income).collect();
    assert_eq!(adjusted[..4], decs(&["90", "90", "90", "80"])[..]);
    let operating: Vec<Decimal> = o.pnl.iter().map(|m| m.operating_income).collect();
    assert_eq!(
        operating[..6],
        decs(&["88", "88", "88", "78", "78", "73"])[..],
        "less 2 a month of stock comp and 5 once in 2025-06"
    );
    assert!(
        o.pnl
            .iter()
            .all(|m| m.net_income == m.pre_tax_income && m.tax.is_zero())
    );
}

#[test]
fn book_value_is_capex_paid_then_cost_run_down_over_the_life() {
    let o = outcome(BOOKS);
    let book: Vec<Decimal> = o.pnl.iter().map(|m| m.book_value).collect();
    // Opening part 240 × (1 − (t+1)/24): 230, 220, 210, 200, …, 120 at t = 11.
    // Site: capex paid to date 40, 80, 120 before 2025-04; then 120 × (1 − (t − 3 + 1)/12):
    // 110 at t = 3 … 30 at t = 11.
    assert_eq!(book[0], dec!(270), "230 + 40 paid");
    assert_eq!(book[2], dec!(330), "210 + 120 paid");
    assert_eq!(book[3], dec!(310), "200 + 110");
    assert_eq!(book[11], dec!(150), "120 + 30");
}

#[test]
fn the_yearly_kpis_are_net_income_and_cost_per_revenue_dollar() {
    let o = outcome(BOOKS);
    // Net income: 88 × 3 + 78 × 9 − 5 = 961 on revenue 1,200.
    let year = &o.kpis.years[0];
    assert_eq!(
        (year.year, year.revenue, year.net_income),
        (2025, dec!(1200), dec!(961))
    );
    // (1200 − 961) / 1200 = 0.19916…
    assert_eq!(
        year.cost_per_revenue_dollar.map(|c| c.round_dp(6)),
        Some(dec!(0.199167))
    );
    // Depreciation and stock compensation are not cash: 1000 + 1200 − 120 of capex.
    assert_eq!(o.months[11].cash, dec!(2080));
}

#[test]
fn the_income_statement_columns_appear_only_with_accounting() {
    let with = outcome(BOOKS);
    let names = with.column_names();
    for column in [
        "depreciation",
        "stock_comp",
        "interest_expense",
        "adjusted_operating_income",
        "operating_income",
        "pre_tax_income",
        "tax",
        "net_income",
        "book_value",
    ] {
        assert!(names.contains(&column.to_owned()), "{column}");
    }
    assert_eq!(with.row_cells(0).len(), names.len());
    let without = outcome(
        r#"contracts: [(id: "c", customer: "C", total_value: "1200", start: "2025-01", term_months: 12)],"#,
    );
    assert!(!without.column_names().contains(&"net_income".to_owned()));
    assert!(without.kpis.years.is_empty() && without.pnl.is_empty());
}

/// $100M a month of revenue; a $1,000M loan at 12 % (10 a month of interest), due after the
/// horizon; 20 % of interest capitalised; 25 % tax.
const TAXED: &str = r#"contracts: [(id: "c", customer: "C", total_value: "1200", start: "2025-01", term_months: 12)],
        facilities: [(id: "loan", name: "Loan", kind: Term, opening_balance: "1000", commitment: "1000", rate: Fixed(coupon_pct: "12"), maturity: "2026-12")],
        accounting: (capitalised_interest_pct: "20", tax_pct: "25"),"#;

#[test]
fn capitalised_interest_and_tax_follow_the_income_statement() {
    let o = outcome(TAXED);
    let m = &o.pnl[0];
    // Interest 10, 20 % capitalised: expense 8. Pre-tax 100 − 8 = 92; tax 25 % = 23; net 69.
    assert_eq!(o.months[0].interest, dec!(10), "cash interest is all of it");
    assert_eq!(m.interest_expense, dec!(8), "10 × (1 − 20 %)");
    assert_eq!(m.pre_tax_income, dec!(92));
    assert_eq!(m.tax, dec!(23), "25 % of 92");
    assert_eq!(m.net_income, dec!(69));
    // Tax is cash: 1000 + 12 × (100 − 10 − 23) = 1804.
    assert_eq!(
        o.months[11].cash,
        dec!(1804),
        "cash pays interest 10 and tax 23 a month"
    );
}

#[test]
fn a_loss_pays_no_tax_and_nothing_is_carried_forward() {
    // Revenue 5 a month against interest expense 8: pre-tax −3, no tax.
    let o = outcome(&TAXED.replace(r#"total_value: "1200""#, r#"total_value: "60""#));
    assert_eq!(o.pnl[0].pre_tax_income, dec!(-3));
    assert!(o.pnl.iter().all(|m| m.tax.is_zero()), "no month is taxed");
    assert_eq!(o.kpis.years[0].net_income, dec!(-36));
    // (60 − (−36)) / 60 = 1.6: each dollar of revenue cost $1.60.
    assert_eq!(o.kpis.years[0].cost_per_revenue_dollar, Some(dec!(1.6)));
}

#[test]
fn interest_coverage_divides_trailing_ebitda_by_interest_expense() {
    // EBITDA 100 a month over interest expense 8: 300 / 24 = 12.5x at 2025-03; min 10x: +25 %.
    let o = outcome(&format!(
        r#"{TAXED}
        covenants: [(id: "icr", name: "Interest cover", terms: MinInterestCoverage(min: "10"))],"#
    ));
    assert!(o.covenant(0, 0).is_none(), "tested at quarter ends only");
    let test = o.covenant(2, 0).expect("tested in 2025-03");
    assert_eq!(test.value, Some(dec!(12.5)));
    assert_eq!(test.headroom_pct(), dec!(25));
    // Without accounting it divides by cash interest: 300 / 30 = 10x, exactly at the minimum.
    let cash_interest = outcome(
        r#"contracts: [(id: "c", customer: "C", total_value: "1200", start: "2025-01", term_months: 12)],
        facilities: [(id: "loan", name: "Loan", kind: Term, opening_balance: "1000", commitment: "1000", rate: Fixed(coupon_pct: "12"), maturity: "2026-12")],
        covenants: [(id: "icr", name: "Interest cover", terms: MinInterestCoverage(min: "10"))],"#,
    );
    let test = cash_interest.covenant(2, 0).expect("tested");
    assert_eq!(test.value, Some(dec!(10)));
    assert!(!test.breach);
}

/// A 10 MW site at $12M per MW (K = 120) online 2025-01, 12-month life: worth
/// 120 × (1 − (t+1)/12) at the end of month t. A $100M loan at 0 % secured on it, tested every
/// quarter from 2025-03 with a 50 % advance rate.
fn secured(extra_collateral: &str, market: &str) -> String {
    format!(
        r#"sites: [(id: "s", mw: "10", online: "2025-01", capex_per_mw: "12")],
        capex: (lead_months: 3),
        {market}
        accounting: (useful_life_months: 12),
        facilities: [(id: "f", name: "GPU loan", kind: Term, opening_balance: "100", commitment: "100", rate: Fixed(coupon_pct: "0"), maturity: "2026-12",
            collateral: (sites: ["s"], advance_pct: "50"{extra_collateral}))],"#
    )
}

#[test]
fn collateral_value_is_the_sites_cost_run_down_over_the_life() {
    let o = outcome(&secured("", ""));
    let (value, _) = collateral_column(&o, "f");
    // 120 × 11/12, 10/12, … , 0.
    assert_eq!(
        value,
        decs(&[
            "110", "100", "90", "80", "70", "60", "50", "40", "30", "20", "10", "0"
        ])
    );
}

#[test]
fn the_borrowing_base_prepays_what_the_balance_exceeds() {
    let o = outcome(&secured("", ""));
    let (_, prepay) = collateral_column(&o, "f");
    // Tests at t = 2, 5, 8, 11: 100 − 50 % × 90 = 55; 45 − 30 = 15; 30 − 15 = 15; 15 − 0 = 15.
    assert_eq!(
        prepay,
        decs(&[
            "0", "0", "55", "0", "0", "15", "0", "0", "15", "0", "0", "15"
        ])
    );
    assert_eq!(
        balance(&o, 0),
        decs(&[
            "100", "100", "45", "45", "45", "30", "30", "30", "15", "15", "15", "0"
        ])
    );
    assert_eq!(
        o.months[2].principal,
        dec!(55),
        "the prepayment is principal"
    );
    // Paid from cash: 1000 − 120 of capex (paid in 2024, dropped) … only the prepayments.
    assert_eq!(o.months[11].cash, dec!(900), "1000 − 100 repaid");
    assert!(o.column_names().contains(&"f.collateral_prepay".to_owned()));
}

#[test]
fn falling_rental_prices_shrink_the_collateral_and_force_repayment() {
    // Prices at half: V(2) = 45, base 22.5, prepay 100 − 22.5 = 77.5.
    let o = outcome(&secured("", r#"market: (price_index_pct: "50"),"#));
    let (value, prepay) = collateral_column(&o, "f");
    assert_eq!(value[2], dec!(45));
    assert_eq!(prepay[2], dec!(77.5));
    // A 50 % yearly decline moves nothing in 2025 (the first model year), as §6.2 compounds.
    let declining = outcome(&secured(
        "",
        r#"market: (price_decline_pct_per_year: "50"),"#,
    ));
    assert_eq!(collateral_column(&declining, "f").1[2], dec!(55));
}

#[test]
fn opening_collateral_runs_down_from_2025_and_capex_paid_counts_before_online() {
    // The site online 2025-07 (t = 6), capex 40 in each of 2025-04…06; opening value 48 over
    // 48 months: 48 × (1 − (t+1)/48) = 48 − (t+1).
    let text = secured(r#", opening_value: "48""#, "").replace("2025-01", "2025-07");
    let o = outcome(&text);
    let (value, _) = collateral_column(&o, "f");
    assert_eq!(value[2], dec!(45), "nothing paid yet: 48 − 3");
    assert_eq!(value[3], dec!(84), "44 + 40 paid");
    assert_eq!(value[5], dec!(162), "42 + 120 paid");
    assert_eq!(value[6], dec!(151), "41 + 120 × 11/12");
}

#[test]
fn without_accounting_collateral_runs_down_over_seventy_two_months() {
    let text = secured("", "").replace("accounting: (useful_life_months: 12),", "");
    let o = outcome(&text);
    let (value, _) = collateral_column(&o, "f");
    // Cost less the depreciation posted: 120 / 72 = 1.6666666667 (held at 1e-10) a month, so
    // 118.3333333333 after a month and 120 − 6 × 1.6666666667 = 109.9999999998 after six.
    assert_eq!(value[0], dec!(118.3333333333));
    assert_eq!(
        value[5],
        dec!(109.9999999998),
        "120 × 66/72, less the rounding of 120/72"
    );
}

#[test]
fn max_ltv_tests_the_balance_against_the_collateral_at_quarter_ends() {
    // After the 2025-03 prepayment: 45 / 90 = 50 % against a 60 % maximum: headroom +20 %.
    let o = outcome(&format!(
        r#"{}
        covenants: [(id: "ltv", name: "Loan to value", terms: MaxLtv(facility: "f", max_pct: "60"))],"#,
        secured("", "")
    ));
    let test = o.covenant(2, 0).expect("tested in 2025-03");
    assert_eq!(test.value, Some(dec!(50)));
    assert_eq!(test.headroom_pct(), dec!(20));
    // At 2025-12 the balance is 0: not tested.
    assert!(o.covenant(11, 0).is_none());
    // Without a borrowing base the balance stays 100: 100 / 90 = 111 % at 2025-03, a breach.
    let unbased = secured("", "").replace(r#", advance_pct: "50""#, "");
    let o = outcome(&format!(
        r#"{unbased}
        covenants: [(id: "ltv", name: "Loan to value", terms: MaxLtv(facility: "f", max_pct: "60"))],"#
    ));
    assert!(o.covenant(2, 0).expect("tested").breach);
    // And at 2025-12 the collateral is worth 0: a breach at −100 %.
    let last = o.covenant(11, 0).expect("tested");
    assert!(last.breach && last.value.is_none());
    assert_eq!(last.headroom_pct(), dec!(-100));
}

#[test]
fn the_advance_rate_is_a_lever() {
    let mut scenario = parse_preset(&scenario_text(&secured("", "")))
        .expect("valid")
        .into_scenario();
    set_lever_text(&mut scenario, "f.collateral.advance_pct", "100").expect("lever");
    let o = run(&validate(scenario).expect("valid")).expect("runs");
    // 100 − 100 % × 90 = 10 at 2025-03.
    assert_eq!(collateral_column(&o, "f").1[2], dec!(10));
}

#[test]
fn a_shortfall_pays_the_funding_gap_rate() {
    // Opening cash −100 at 12 %: 1 % a month on the month's opening cash, compounding.
    let text = scenario_text(r#"funding_gap: (rate_pct: "12"),"#)
        .replace(r#"cash: "1000""#, r#"cash: "-100""#);
    let o = run(&parse_preset(&text).expect("valid")).expect("runs");
    assert_eq!(o.gap_interest[..3], decs(&["1", "1.01", "1.0201"])[..]);
    assert_eq!(o.months[2].cash, dec!(-103.0301), "−100 × 1.01³");
    assert_eq!(o.months[0].interest, dec!(1), "gap interest is interest");
    assert!(o.column_names().contains(&"gap_interest".to_owned()));
    let total: Decimal = o.gap_interest.iter().sum();
    assert_eq!(o.kpis.total_interest, total);
}

#[test]
fn positive_cash_pays_no_gap_interest() {
    let o = outcome(r#"funding_gap: (rate_pct: "12"),"#);
    assert!(o.gap_interest.iter().all(Decimal::is_zero));
    assert_eq!(o.months[11].cash, dec!(1000));
}

#[test]
fn reported_losses_compare_on_their_magnitude() {
    // Model Q1 net income 88 × 3 = 264; reported 240: +10 %. A reported −300 against a model of
    // −330 (Q1 of the loss below): (−330 + 300) / 300 = −10 %.
    let o = outcome(&format!(
        r#"{BOOKS}
        reported: [(month: "2025-03", net_income_quarter: "240", adjusted_operating_income_quarter: "300")],"#
    ));
    let row = |figure| {
        o.backtest
            .iter()
            .find(|row| row.figure == figure)
            .expect("compared")
            .error_pct
    };
    assert_eq!(row(ReportedFigure::NetIncomeQuarter), dec!(10));
    assert_eq!(
        row(ReportedFigure::AdjustedOperatingIncomeQuarter),
        dec!(-10),
        "270 vs 300"
    );
    let loss = outcome(&format!(
        r#"{}
        reported: [(month: "2025-03", net_income_quarter: "-300")],"#,
        BOOKS.replace(r#"stock_comp_monthly: "2""#, r#"stock_comp_monthly: "198""#)
    ));
    // 100 − 10 − 198 = −108 a month: −324 in Q1; (−324 + 300) / 300 = −8 %.
    assert_eq!(loss.backtest[0].model, dec!(-324));
    assert_eq!(loss.backtest[0].error_pct, dec!(-8));
}

#[test]
fn validation_names_the_field_of_every_section_8_rule() {
    let facility = r#"facilities: [(id: "f", name: "F", kind: Term, opening_balance: "10", commitment: "10", rate: Fixed(coupon_pct: "5"), maturity: "2026-12")],"#;
    let error = refused(&format!(
        r#"{facility}
        covenants: [(id: "ltv", name: "LTV", terms: MaxLtv(facility: "f", max_pct: "80"))],"#
    ));
    assert!(
        error.contains("ltv.facility") && error.contains("no `collateral`"),
        "{error}"
    );

    let error = refused(r#"reported: [(month: "2025-03", net_income_quarter: "-10")],"#);
    assert!(
        error.contains("reported[0].net_income_quarter") && error.contains("`accounting`"),
        "{error}"
    );

    let error = refused(
        r#"accounting: (tax_pct: "0"), reported: [(month: "2025-03", net_income_quarter: "0")],"#,
    );
    assert!(error.contains("not 0"), "{error}");

    let error = refused(
        r#"accounting: (tax_pct: "0"), reported: [(month: "2025-04", net_income_quarter: "-5")],"#,
    );
    assert!(error.contains("not a quarter end"), "{error}");

    let error = refused(
        r#"facilities: [(id: "f", name: "F", kind: Term, opening_balance: "10", commitment: "10", rate: Fixed(coupon_pct: "5"), maturity: "2026-12", collateral: (sites: ["nowhere"]))],"#,
    );
    assert!(
        error.contains("f.collateral.sites") && error.contains("`nowhere`"),
        "{error}"
    );

    let error = refused(
        r#"facilities: [(id: "r", name: "R", kind: Revolver, opening_balance: "0", commitment: "10", rate: Fixed(coupon_pct: "5"), maturity: "2026-12", collateral: (sites: []))],"#,
    );
    assert!(
        error.contains("r.collateral") && error.contains("revolver"),
        "{error}"
    );

    let error = refused(
        r#"sites: [(id: "s", mw: "1", online: "2025-06", capex_per_mw: "1")],
        facilities: [
            (id: "a", name: "A", kind: Term, opening_balance: "1", commitment: "1", rate: Fixed(coupon_pct: "5"), maturity: "2026-12", collateral: (sites: ["s"])),
            (id: "b", name: "B", kind: Term, opening_balance: "1", commitment: "1", rate: Fixed(coupon_pct: "5"), maturity: "2026-12", collateral: (sites: ["s"])),
        ],"#,
    );
    assert!(
        error.contains("b.collateral.sites") && error.contains("already secures `a`"),
        "{error}"
    );

    let error = refused(r#"accounting: (useful_life_months: 6),"#);
    assert!(error.contains("accounting.useful_life_months"), "{error}");

    let error = refused(r#"funding_gap: (rate_pct: "40"),"#);
    assert!(error.contains("funding_gap.rate_pct"), "{error}");
}

#[test]
fn a_file_that_uses_section_8_must_say_format_version_3() {
    let text = scenario_text(r#"accounting: (tax_pct: "0"),"#)
        .replace("format_version: 3", "format_version: 2");
    let error = parse_preset(&text).expect_err("a v2 file with accounting is refused");
    assert!(error.to_string().contains('3'), "{error}");
    for extra in [
        r#"funding_gap: (rate_pct: "9"),"#,
        r#"covenants: [(id: "icr", name: "ICR", terms: MinInterestCoverage(min: "2"))],"#,
    ] {
        let text = scenario_text(extra).replace("format_version: 3", "format_version: 2");
        assert!(parse_preset(&text).is_err(), "{extra}");
    }
}
