//! Parse, don't validate: a [`Scenario`] becomes a [`ValidScenario`] only when every
//! reference resolves and every value is inside its lever's range. Only that can be run.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use rust_decimal::Decimal;

use super::levers::{levers, out_of_range_fields};

mod montecarlo;

use super::scenario::{
    Amortization, CORE_SCIENTIFIC_ID, CoreScientific, CovenantTerms, FORMAT_VERSION, FacilityKind,
    Scenario,
};
pub(crate) use montecarlo::drawable_lever;
pub use montecarlo::{montecarlo_issues, spec_warnings};

/// A scenario that [`validate`] accepted. The engine runs only these.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidScenario(Scenario);

impl ValidScenario {
    pub fn scenario(&self) -> &Scenario {
        &self.0
    }

    pub fn into_scenario(self) -> Scenario {
        self.0
    }
}

/// One problem, at a path such as `contracts[openai].pledged_to` or `ddtl2.spread_pct`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every problem [`validate`] found, in preset order.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    pub issues: Vec<Issue>,
    /// The label a person knows each field by ("OpenAI: ramp"), by issue path, where the path
    /// names a lever or a field of an item that has levers.
    pub labels: BTreeMap<String, String>,
}

impl ValidationError {
    /// One issue for people: the field's label first, then its path for the preset file:
    /// `OpenAI: ramp · openai.ramp_months: -5 is too low: must be between 0 and 36 months`.
    pub fn issue_text(&self, issue: &Issue) -> String {
        match self.labels.get(&issue.path) {
            Some(label) => format!("{label} · {issue}"),
            None => issue.to_string(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [first, rest @ ..] = self.issues.as_slice() else {
            return f.write_str("invalid scenario");
        };
        write!(f, "{}", self.issue_text(first))?;
        for issue in rest {
            write!(f, "; {}", self.issue_text(issue))?;
        }
        Ok(())
    }
}

/// The label a person knows each field by, by path: the lever's own label, or for another field
/// of an item that has levers (`openai.pledged_to`), the item's name and the field in words
/// ("OpenAI: pledged to"). Paths with neither are left out. Walks the registry once: call it
/// when something is to be shown (an error, a warning), not per run.
pub fn field_labels<'a>(
    scenario: &Scenario,
    paths: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, String> {
    let registry = levers(scenario);
    let item_name = |item: &str| {
        registry
            .iter()
            .filter(|lever| lever.path.split('.').next() == Some(item))
            .find_map(|lever| {
                lever
                    .label
                    .split_once(": ")
                    .map(|(name, _)| name.to_owned())
            })
    };
    paths
        .into_iter()
        .filter_map(|path| {
            let label = match registry.iter().find(|lever| lever.path == path) {
                Some(lever) => lever.label.clone(),
                None => {
                    let (item, field) = path.split_once('.')?;
                    format!("{}: {}", item_name(item)?, field.replace(['_', '.'], " "))
                }
            };
            Some((path.to_owned(), label))
        })
        .collect()
}

/// Ids are short lower-case slugs, because they become lever paths.
fn is_slug(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && id.len() <= 40
}

/// Section names a list item's id may not take, or its paths would shadow theirs.
const SECTION_NAMES: [&str; 13] = [
    "meta",
    "opening",
    "rates",
    "core_scientific",
    "opex",
    "capex",
    "revolver_policy",
    "market",
    "reported",
    "partners",
    "montecarlo",
    "accounting",
    "funding_gap",
];

/// The most items a list may hold. The tornado and the slider shading evaluate every lever, each
/// with a full run, so their cost grows with the square of a list: a 2,000-contract preset took
/// 16 s for one tornado. A hundred items is more than any company's list of major contracts,
/// sites or facilities, and keeps every analysis of a full list near a second.
pub const MAX_LIST_ITEMS: usize = 100;
/// Reported figures are not levers: the backtest is linear in them.
pub const MAX_REPORTED: usize = 200;

/// The largest one-off stock compensation charge, $M (a lever's `BIG_MUSD` range).
const MAX_STOCK_COMP_CHARGE: Decimal = Decimal::from_parts(60_000, 0, 0, false, 0);

/// A capex profile's offsets, in months from the online month (spec §6.4).
const PROFILE_OFFSETS: std::ops::RangeInclusive<i32> = -36..=12;

/// Checks `scenario` and returns it as runnable, or every problem found.
pub fn validate(mut scenario: Scenario) -> Result<ValidScenario, ValidationError> {
    let mut issues = Vec::new();
    let mut issue = |path: String, message: String| issues.push(Issue { path, message });

    if scenario.meta.format_version == 0 || scenario.meta.format_version > FORMAT_VERSION {
        issue(
            "meta.format_version".into(),
            format!(
                "this build reads formats 1 to {FORMAT_VERSION}, the scenario says {}",
                scenario.meta.format_version
            ),
        );
    }
    if scenario.meta.name.trim().is_empty() {
        issue("meta.name".into(), "a scenario needs a name".into());
    }

    // Spec §7.1: the partner `core_scientific` may be listed instead of the v1 section; in
    // memory it is always the section, so its levers and the engine have one home.
    if let Some(index) = scenario
        .partners
        .iter()
        .position(|partner| partner.id == CORE_SCIENTIFIC_ID)
    {
        let listed = scenario.partners.remove(index);
        if scenario.core_scientific != CoreScientific::default() {
            issue(
                format!("partners[{index}]"),
                "Core Scientific is given twice, as `core_scientific` and in `partners`; keep one"
                    .into(),
            );
        }
        scenario.core_scientific = CoreScientific {
            delay_months: listed.delay_months,
            delay_policy: listed.delay_policy,
        };
    }

    let mut ids = HashSet::new();
    let lists = [
        (
            "partners",
            scenario
                .partners
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            "contracts",
            scenario.contracts.iter().map(|c| c.id.as_str()).collect(),
        ),
        (
            "customer_cuts",
            scenario
                .customer_cuts
                .iter()
                .map(|c| c.id.as_str())
                .collect(),
        ),
        (
            "sites",
            scenario.sites.iter().map(|s| s.id.as_str()).collect(),
        ),
        (
            "facilities",
            scenario.facilities.iter().map(|f| f.id.as_str()).collect(),
        ),
        (
            "equity",
            scenario.equity.iter().map(|e| e.id.as_str()).collect(),
        ),
        (
            "covenants",
            scenario.covenants.iter().map(|c| c.id.as_str()).collect(),
        ),
    ];
    for (list, list_ids) in &lists {
        if list_ids.len() > MAX_LIST_ITEMS {
            issue(
                (*list).into(),
                format!(
                    "{} items; a scenario holds at most {MAX_LIST_ITEMS} {list}: every analysis evaluates each lever with a full run, so a longer list makes the tornado and the slider shading take minutes. Merge small items (e.g. one `others` contract)",
                    list_ids.len()
                ),
            );
        }
        for (index, id) in list_ids.iter().enumerate() {
            let path = format!("{list}[{index}].id");
            if !is_slug(id) {
                issue(
                    path,
                    format!(
                        "`{id}` is not an id: use lower-case letters, digits and `_`, starting with a letter"
                    ),
                );
            } else if SECTION_NAMES.contains(id) {
                issue(path, format!("`{id}` is a section name; pick another id"));
            } else if !ids.insert(*id) {
                issue(
                    path,
                    format!("`{id}` is used by another item; ids are unique across the scenario"),
                );
            }
        }
    }

    let facility_ids: HashSet<&str> = scenario.facilities.iter().map(|f| f.id.as_str()).collect();
    let customers: HashSet<&str> = scenario
        .contracts
        .iter()
        .map(|c| c.customer.as_str())
        .collect();
    for contract in &scenario.contracts {
        if let Some(facility) = &contract.pledged_to
            && !facility_ids.contains(facility.as_str())
        {
            issue(
                format!("{}.pledged_to", contract.id),
                format!("no facility has the id `{facility}`"),
            );
        }
    }
    let partner_ids: HashSet<&str> = scenario
        .partners
        .iter()
        .map(|p| p.id.as_str())
        .chain([CORE_SCIENTIFIC_ID])
        .collect();
    let mut unknown_partner = |path: String, id: Option<&str>| {
        if let Some(id) = id
            && !partner_ids.contains(id)
        {
            issue(
                path,
                format!("no delivery partner has the id `{id}` (add it to `partners`)"),
            );
        }
    };
    for contract in &scenario.contracts {
        unknown_partner(
            format!("{}.capacity", contract.id),
            contract.capacity.partner_id(),
        );
    }
    for site in &scenario.sites {
        unknown_partner(format!("{}.partner", site.id), site.partner.partner_id());
    }
    for site in &scenario.sites {
        if let Some(facility) = &site.pledged_to
            && !facility_ids.contains(facility.as_str())
        {
            issue(
                format!("{}.pledged_to", site.id),
                format!("no facility has the id `{facility}`"),
            );
        }
    }
    for cut in &scenario.customer_cuts {
        if !customers.contains(cut.customer.as_str()) {
            issue(
                format!("{}.customer", cut.id),
                format!("no contract is with the customer `{}`", cut.customer),
            );
        }
    }

    let revolvers: Vec<_> = scenario
        .facilities
        .iter()
        .filter(|f| f.kind == FacilityKind::Revolver)
        .collect();
    if revolvers.len() > 1 {
        issue(
            "facilities".into(),
            format!(
                "{} revolvers; the model has one auto-drawn revolver at most",
                revolvers.len()
            ),
        );
    }
    // Spec §8.7.8: a site secures one facility only; the first to name it keeps it.
    let mut secured_by: BTreeMap<&str, &str> = BTreeMap::new();
    for facility in &scenario.facilities {
        let id = &facility.id;
        if facility.kind == FacilityKind::Revolver {
            if facility.draws.total > Decimal::ZERO {
                issue(
                    format!("{id}.draws.total"),
                    "a revolver draws by `revolver_policy`, not by schedule; leave its draws at 0"
                        .into(),
                );
            }
            if facility.amortization != Amortization::None {
                issue(
                    format!("{id}.amortization"),
                    "a revolver has no amortisation; it is repaid by `revolver_policy`".into(),
                );
            }
        }
        if let Some(funds) = &facility.funds {
            if facility.kind == FacilityKind::Revolver {
                issue(
                    format!("{id}.funds"),
                    "a revolver cannot fund capex; it draws by `revolver_policy`".into(),
                );
            }
            if funds.sites.is_empty() {
                issue(format!("{id}.funds.sites"), "names no site".into());
            }
            let mut named = HashSet::new();
            for site in &funds.sites {
                if !scenario.sites.iter().any(|s| &s.id == site) {
                    issue(
                        format!("{id}.funds.sites"),
                        format!("no site has the id `{site}`"),
                    );
                } else if !named.insert(site) {
                    issue(
                        format!("{id}.funds.sites"),
                        format!("`{site}` is named twice"),
                    );
                }
            }
        }
        if let Some(collateral) = &facility.collateral {
            if facility.kind == FacilityKind::Revolver {
                issue(
                    format!("{id}.collateral"),
                    "a revolver cannot carry collateral; secure a term facility instead".into(),
                );
            }
            let mut named = HashSet::new();
            for site in &collateral.sites {
                if !scenario.sites.iter().any(|s| &s.id == site) {
                    issue(
                        format!("{id}.collateral.sites"),
                        format!("no site has the id `{site}`"),
                    );
                } else if !named.insert(site) {
                    issue(
                        format!("{id}.collateral.sites"),
                        format!("`{site}` is named twice"),
                    );
                } else if let Some(other) = secured_by.insert(site.as_str(), id.as_str()) {
                    issue(
                        format!("{id}.collateral.sites"),
                        format!(
                            "`{site}` already secures `{other}`; a site secures one facility only"
                        ),
                    );
                }
            }
        }
        if facility.opening_balance > Decimal::ZERO && facility.maturity.index() < 0 {
            issue(
                format!("{id}.maturity"),
                "matures before 2025-01 but still has an opening balance".into(),
            );
        }
    }

    for covenant in &scenario.covenants {
        let id = &covenant.id;

        let facility = match &covenant.terms {
            CovenantTerms::MinLiquidity { of_facility, .. } => of_facility
                .as_ref()
                .map(|facility| ("of_facility", facility)),
            CovenantTerms::Dscr { facility, .. } | CovenantTerms::MaxLtv { facility, .. } => {
                Some(("facility", facility))
            }
            CovenantTerms::MaxLeverage { .. } | CovenantTerms::MinInterestCoverage { .. } => None,
        };
        if let Some((field, facility)) = facility
            && !facility_ids.contains(facility.as_str())
        {
            issue(
                format!("{id}.{field}"),
                format!("no facility has the id `{facility}`"),
            );
        }
        if let CovenantTerms::MaxLtv { facility, .. } = &covenant.terms
            && let Some(secured) = scenario.facilities.iter().find(|f| &f.id == facility)
            && secured.collateral.is_none()
        {
            issue(
                format!("{id}.facility"),
                format!(
                    "`{facility}` has no `collateral`: a loan-to-value test needs the value it is secured on"
                ),
            );
        }
    }

    if let Some(accounting) = &scenario.accounting {
        for (index, charge) in accounting.stock_comp.iter().enumerate() {
            if charge.amount < Decimal::ZERO || charge.amount > MAX_STOCK_COMP_CHARGE {
                issue(
                    format!("accounting.stock_comp[{index}].amount"),
                    format!(
                        "{} is outside 0 to {MAX_STOCK_COMP_CHARGE} $M",
                        charge.amount.normalize()
                    ),
                );
            }
        }
    }

    let profile = &scenario.capex.profile;
    if !profile.is_empty() {
        let mut offsets = HashSet::new();
        for (index, part) in profile.iter().enumerate() {
            let path = format!("capex.profile[{index}]");
            if !PROFILE_OFFSETS.contains(&part.offset) {
                issue(
                    format!("{path}.offset"),
                    format!(
                        "{} months is outside {}..={} of the online month",
                        part.offset,
                        PROFILE_OFFSETS.start(),
                        PROFILE_OFFSETS.end()
                    ),
                );
            } else if !offsets.insert(part.offset) {
                issue(
                    format!("{path}.offset"),
                    format!("offset {} appears twice; merge the parts", part.offset),
                );
            }
            if part.pct <= Decimal::ZERO {
                issue(format!("{path}.pct"), "every part must be above 0 %".into());
            }
        }
        let total: Decimal = profile.iter().map(|part| part.pct).sum();
        if total != Decimal::ONE_HUNDRED {
            issue(
                "capex.profile".into(),
                format!(
                    "the parts add up to {} %; they must add up to exactly 100 %",
                    total.normalize()
                ),
            );
        }
    }

    if scenario.reported.len() > MAX_REPORTED {
        issue(
            "reported".into(),
            format!(
                "{} entries; a scenario holds at most {MAX_REPORTED} reported months",
                scenario.reported.len()
            ),
        );
    }
    let horizon = scenario.horizon_months as i32;
    for (index, entry) in scenario.reported.iter().enumerate() {
        let path = format!("reported[{index}]");
        let t = entry.month.index();
        if t < 0 || t >= horizon {
            issue(
                format!("{path}.month"),
                format!(
                    "{} is outside the horizon (2025-01 to {})",
                    entry.month,
                    super::month::Month::from_index(horizon - 1)
                ),
            );
        }
        let figures = super::backtest::ReportedFigure::ALL
            .iter()
            .filter_map(|figure| figure.reported_in(entry).map(|value| (figure, value)))
            .collect::<Vec<_>>();
        if figures.is_empty() {
            issue(
                path.clone(),
                "reports no figure; give at least one of revenue_quarter, cash, debt, mw_online, net_income_quarter, adjusted_operating_income_quarter, interest_expense_quarter"
                    .into(),
            );
        }
        for (figure, value) in figures {
            let field_path = format!("{path}.{}", figure.field());
            if figure.is_pnl() {
                if scenario.accounting.is_none() {
                    issue(
                        field_path.clone(),
                        "an income-statement figure needs an `accounting` section to compare with"
                            .into(),
                    );
                }
                if value.is_zero() {
                    issue(
                        field_path.clone(),
                        "a reported figure may be a loss but not 0: the error is relative to it"
                            .into(),
                    );
                }
            } else if value <= Decimal::ZERO {
                issue(
                    field_path.clone(),
                    "a reported figure must be above 0".into(),
                );
            }
            if figure.is_quarterly() && (t % 3 != 2 || t < 2) {
                issue(
                    field_path,
                    format!(
                        "{} is not a quarter end (March, June, September or December, from 2025-03)",
                        entry.month
                    ),
                );
            }
        }
    }

    for key in scenario.meta.sources.keys() {
        let item = key.split('.').next().unwrap_or_default();
        let known = ids.contains(key.as_str())
            || ids.contains(item)
            || SECTION_NAMES.contains(&item)
            || key == "horizon_months";
        if !known {
            issue(
                format!("meta.sources[\"{key}\"]"),
                "names no input of this scenario".into(),
            );
        }
    }

    if let Some(spec) = &scenario.montecarlo {
        for monte_carlo_issue in montecarlo_issues(&scenario, spec) {
            issue(monte_carlo_issue.path, monte_carlo_issue.message);
        }
    }

    for (path, message) in out_of_range_fields(&mut scenario) {
        issue(path, message);
    }

    if issues.is_empty() {
        Ok(ValidScenario(scenario))
    } else {
        let labels = field_labels(&scenario, issues.iter().map(|issue| issue.path.as_str()));
        Err(ValidationError { issues, labels })
    }
}
