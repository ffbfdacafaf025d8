//! Scenarios the unit tests of the report layer and the app share (the integration tests
//! have their own in `tests/common`, as they cannot see `cfg(test)` items).

use rust_decimal_macros::dec;

use crate::model::{Month, Reported, ValidScenario, default_scenario, validate};

/// Two quarters of reported figures: every figure in 2025-03, all but cash in 2025-06 (seven
/// backtest rows).
pub fn two_reported_quarters() -> Vec<Reported> {
    vec![
        Reported {
            month: Month::ym(2025, 3),
            revenue_quarter: Some(dec!(981.6)),
            cash: Some(dec!(1300)),
            debt: Some(dec!(8800)),
            mw_online: Some(dec!(420)),
            net_income_quarter: None,
            adjusted_operating_income_quarter: None,
            interest_expense_quarter: None,
            source: "Q1 2025 10-Q".to_owned(),
        },
        Reported {
            month: Month::ym(2025, 6),
            revenue_quarter: Some(dec!(1212.8)),
            cash: None,
            debt: Some(dec!(11171.5)),
            mw_online: Some(dec!(470)),
            net_income_quarter: None,
            adjusted_operating_income_quarter: None,
            interest_expense_quarter: None,
            source: String::new(),
        },
    ]
}

/// The s1-base scenario reporting `reported` (whatever the shipped preset reports).
pub fn s1_base_reporting(reported: Vec<Reported>) -> ValidScenario {
    let mut scenario = default_scenario().into_scenario();
    scenario.reported = reported;
    scenario.meta.format_version = scenario.required_format_version();
    validate(scenario).unwrap_or_else(|err| panic!("s1-base with reported figures: {err}"))
}
