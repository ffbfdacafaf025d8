//! What does not change from month to month, prepared once per run (divisions, compounding,
//! profiles, delays), so the monthly loop only adds and multiplies.

use rust_decimal::Decimal;

use super::exact::{add, mul, sub};
use super::{HUNDRED, ModelError, TWELVE_HUNDRED, held_amount, held_rate, overflow};
use crate::model::month::Month;
use crate::model::scenario::{
    Amortization, CORE_SCIENTIFIC_ID, Contract, CovenantTerms, DelayPolicy, FacilityKind, Rate,
    Scenario, Site,
};

/// One contract, prepared.
pub(super) struct ContractPlan {
    /// Effective start `e` (after the Core Scientific delay) and exclusive end, as month indices.
    pub(super) start: i32,
    pub(super) end: i32,
    /// The full monthly rate `F = V / Σw(k)`.
    full_rate: Decimal,
    /// `F × w(k)` for the ramp months `k < R − 1`; later months earn `F`.
    ramp_revenue: Vec<Decimal>,
    /// `1 − prepay_pct/100`, or `None` when nothing is prepaid.
    collected_share: Option<Decimal>,
    /// `F × (1 − prepay_pct/100)` and the same for each ramp month: what is collected in a month
    /// no cut touches, computed once (the products are exact, so they equal the loop's).
    full_collected: Decimal,
    ramp_collected: Vec<Decimal>,
    /// `prepay_pct/100 × V`, received in month `start`.
    pub(super) prepayment: Decimal,
    /// `(from, 1 − cut_pct/100)` of every cut on this contract's customer.
    cuts: Vec<(i32, Decimal)>,
    /// Index of the facility it is pledged to.
    pub(super) pledged_to: Option<usize>,
}

/// A scheduled amortisation, prepared.
pub(super) enum Schedule {
    None,
    Fixed {
        amount: Decimal,
        every: i32,
        from: i32,
    },
    Level {
        every: i32,
        from: i32,
        payments: u32,
    },
}

/// A site that earns capacity revenue (spec §6.2), prepared.
pub(super) struct SitePlan {
    /// `r_j(t)` for every month of the horizon.
    pub(super) revenue: Vec<Decimal>,
    pub(super) pledged_to: Option<usize>,
}

pub(super) struct FacilityPlan {
    pub(super) is_revolver: bool,
    /// `rate / 1200`.
    pub(super) monthly_rate: Decimal,
    pub(super) commitment: Decimal,
    pub(super) opening_balance: Decimal,
    pub(super) maturity: i32,
    pub(super) draw_from: i32,
    pub(super) draw_until: i32,
    pub(super) draw_part: Decimal,
    pub(super) schedule: Schedule,
    pub(super) sweep_share: Decimal,
    /// `advance_pct/100` and, per month, the capex of the sites it funds (spec §6.5).
    pub(super) funded: Option<(Decimal, Vec<Decimal>)>,
    /// Whether a coverage covenant tests it: only then are its pledged revenue and debt
    /// service summed each quarter.
    pub(super) coverage_tested: bool,
    /// Its collateral and borrowing base (spec §8.2), if it is secured.
    pub(super) collateral: Option<CollateralPlan>,
}

/// A facility's collateral, prepared (spec §8.2).
pub(super) struct CollateralPlan {
    /// The facility's place among the collateralised ones (its ledger columns).
    pub(super) index: usize,
    /// `V(t)` for every month of the horizon.
    pub(super) value: Vec<Decimal>,
    /// `advance_pct/100`, when there is a borrowing base.
    pub(super) advance_share: Option<Decimal>,
    pub(super) from: i32,
    pub(super) every: i32,
}

impl CollateralPlan {
    /// Whether month `t` is a borrowing-base test month before `maturity` (spec §8.2, §8.7.8:
    /// test months follow from `from` by `every` even when `from` is before 2025-01).
    #[inline]
    pub(super) fn tests_in(&self, t: i32, maturity: i32) -> bool {
        t >= self.from && t < maturity && (t - self.from).rem_euclid(self.every) == 0
    }
}

/// The income statement's month-invariant parts (spec §8.1): what depreciation, stock
/// compensation and the book value are in each month does not depend on the ledger.
pub(super) struct AccountingPlan {
    pub(super) depreciation: Vec<Decimal>,
    pub(super) stock_comp: Vec<Decimal>,
    pub(super) book_value: Vec<Decimal>,
    /// `1 − capitalised_interest_pct/100`, or `None` when nothing is capitalised.
    pub(super) expensed_share: Option<Decimal>,
    /// `tax_pct/100`, or `None` without tax.
    pub(super) tax_share: Option<Decimal>,
}

pub(super) enum CovenantPlan {
    MinLiquidity {
        floor: Decimal,
        /// `pct/100` and the facility whose balance it applies to; none for a flat floor.
        of_facility: Option<(Decimal, usize)>,
    },
    Dscr {
        facility: usize,
        min: Decimal,
    },
    MaxLeverage {
        max: Decimal,
    },
    MinInterestCoverage {
        min: Decimal,
    },
    MaxLtv {
        facility: usize,
        max_pct: Decimal,
    },
}

/// Everything month-invariant, derived once per run.
pub(super) struct Plan {
    pub(super) horizon: usize,
    pub(super) contracts: Vec<ContractPlan>,
    /// Sites that earn capacity revenue, in preset order.
    pub(super) sites: Vec<SitePlan>,
    /// `opex.cost_per_mw_month`, or `None` when capacity costs nothing (spec §6.3).
    pub(super) cost_per_mw_month: Option<Decimal>,
    /// Per month: site capex, reimbursements, MW online and equity.
    pub(super) capex: Vec<Decimal>,
    pub(super) reimbursement: Vec<Decimal>,
    pub(super) mw_online: Vec<Decimal>,
    pub(super) equity: Vec<Decimal>,
    /// The fixed costs of each model year.
    pub(super) fixed_by_year: Vec<Decimal>,
    pub(super) cost_share: Decimal,
    pub(super) other_opex_share: Decimal,
    pub(super) gross_share: Decimal,
    pub(super) facilities: Vec<FacilityPlan>,
    pub(super) revolver: Option<usize>,
    pub(super) target_cash: Decimal,
    pub(super) covenants: Vec<CovenantPlan>,
    /// Each covenant's first and last tested month (spec §7.2).
    pub(super) windows: Vec<(i32, i32)>,
    /// The income statement (spec §8.1), with an `accounting` section.
    pub(super) accounting: Option<AccountingPlan>,
    /// `funding_gap.rate_pct / 1200` (spec §8.3), with a `funding_gap` section.
    pub(super) gap_rate: Option<Decimal>,
    /// How many facilities carry collateral.
    pub(super) collateral_count: usize,
    /// Whether an interest-coverage covenant is tested: only then is trailing interest summed.
    pub(super) tests_interest_coverage: bool,
}

impl ContractPlan {
    fn new(scenario: &Scenario, contract: &Contract, pledged_to: Option<usize>) -> Self {
        let scheduled = contract.start.index();
        let term = contract.term_months as i32;
        let ramp = contract.ramp_months;
        let (delay, policy) = partner_delay(scenario, contract.capacity.partner_id());
        let start = scheduled + delay;
        let end = match policy {
            DelayPolicy::Shift => start + term,
            DelayPolicy::Truncate => scheduled + term,
        };
        // w(k) = min(1, (k+1)/R): only the first R − 1 months weigh less than 1.
        // Σw = Σ_{k<m} (k+1)/R + (T − m) = m(m+1)/(2R) + T − m, with m those ramp months.
        let ramped = ramp.saturating_sub(1).min(contract.term_months);
        let ramp_sum = if ramped == 0 {
            Decimal::ZERO
        } else {
            Decimal::from(u64::from(ramped) * u64::from(ramped + 1))
                / Decimal::from(2 * u64::from(ramp))
        };
        let weight_sum = ramp_sum + Decimal::from(contract.term_months - ramped);
        let exact_rate = contract.total_value / weight_sum;
        let ramp_revenue: Vec<Decimal> = (1..=ramped)
            .map(|k| held_amount(exact_rate * Decimal::from(k) / Decimal::from(ramp)))
            .collect();
        let prepay_share = contract.prepay_pct / HUNDRED;
        let collected_share = (!prepay_share.is_zero()).then(|| Decimal::ONE - prepay_share);
        let full_rate = held_amount(exact_rate);
        let collected = |r: Decimal| collected_share.map_or(r, |share| r * share);
        Self {
            start,
            end,
            full_rate,
            full_collected: collected(full_rate),
            ramp_collected: ramp_revenue
                .iter()
                .map(|r: &Decimal| collected(*r))
                .collect(),
            ramp_revenue,
            collected_share,
            prepayment: prepay_share * contract.total_value,
            // A 0 % cut keeps every figure as it is: leaving it out saves a product a month.
            cuts: scenario
                .customer_cuts
                .iter()
                .filter(|cut| cut.customer == contract.customer && !cut.cut_pct.is_zero())
                .map(|cut| (cut.from.index(), Decimal::ONE - cut.cut_pct / HUNDRED))
                .collect(),
            pledged_to,
        }
    }

    /// `r_c(t)` of spec §3.1, cuts included, and what of it is collected in month `t`.
    #[inline]
    pub(super) fn revenue(&self, t: i32) -> (Decimal, Decimal) {
        if t < self.start || t >= self.end {
            return (Decimal::ZERO, Decimal::ZERO);
        }
        let k = (t - self.start) as usize;
        let (mut revenue, collected) = match self.ramp_revenue.get(k) {
            Some(ramping) => (*ramping, self.ramp_collected[k]),
            None => (self.full_rate, self.full_collected),
        };
        let mut cut = false;
        for (from, kept) in &self.cuts {
            if t >= *from {
                revenue = mul(revenue, *kept);
                cut = true;
            }
        }
        if !cut {
            return (revenue, collected);
        }
        let collected = self
            .collected_share
            .map_or(revenue, |share| mul(revenue, share));
        (revenue, collected)
    }
}

impl Plan {
    pub(super) fn new(scenario: &Scenario) -> Result<Self, ModelError> {
        let horizon = scenario.horizon_months as usize;
        let facility_index = |id: &str| scenario.facilities.iter().position(|f| f.id == id);
        // Pledged revenue only matters to a facility that a coverage covenant tests.
        let tested = scenario.coverage_tested_facilities();
        let coverage_tested = |id: &str| tested.contains(&id);
        let pledged_index = |id: &str| facility_index(id).filter(|_| coverage_tested(id));

        let contracts = scenario
            .contracts
            .iter()
            .map(|contract| {
                ContractPlan::new(
                    scenario,
                    contract,
                    contract.pledged_to.as_deref().and_then(pledged_index),
                )
            })
            .collect();

        let mut capex = vec![Decimal::ZERO; horizon];
        let mut reimbursement = vec![Decimal::ZERO; horizon];
        // MW brought online in each month, summed into the running total below.
        let mut mw_added = vec![Decimal::ZERO; horizon];
        // Per facility that funds capex (spec §6.5), the capex of its sites by month.
        let mut funded_capex: Vec<Option<Vec<Decimal>>> = scenario
            .facilities
            .iter()
            .map(|f| f.funds.as_ref().map(|_| vec![Decimal::ZERO; horizon]))
            .collect();
        let market = PriceFactors::new(scenario, horizon)?;
        let mut sites = Vec::new();
        // The sites as property (spec §8.1, §8.2), only when something reads them.
        let uses_assets = scenario.accounting.is_some()
            || scenario.facilities.iter().any(|f| f.collateral.is_some());
        let useful_life = scenario
            .accounting
            .as_ref()
            .map_or(DEFAULT_USEFUL_LIFE_MONTHS, |accounting| {
                accounting.useful_life_months.max(1) as i32
            });
        let mut assets = Vec::new();
        for site in &scenario.sites {
            let scheduled = site.online.index();
            let online = scheduled + partner_delay(scenario, site.partner.partner_id()).0;
            let anchor = if scenario.capex.follows_delay {
                online
            } else {
                scheduled
            };
            let funders: Vec<usize> = scenario
                .facilities
                .iter()
                .enumerate()
                .filter(|(_, f)| {
                    f.funds
                        .as_ref()
                        .is_some_and(|funds| funds.sites.contains(&site.id))
                })
                .map(|(index, _)| index)
                .collect();
            let mut paid_before_online = Vec::new();
            for (t, capex_part, reimbursement_part) in capex_parts(scenario, site, anchor) {
                if uses_assets && t < online {
                    paid_before_online.push((t, capex_part));
                }
                if let Ok(t) = usize::try_from(t)
                    && t < horizon
                {
                    capex[t] += capex_part;
                    reimbursement[t] += reimbursement_part;
                    for &f in &funders {
                        if let Some(base) = funded_capex[f].as_mut() {
                            base[t] += capex_part;
                        }
                    }
                }
            }
            if uses_assets {
                assets.push(SiteAsset::new(
                    online,
                    site.mw * site.capex_per_mw,
                    paid_before_online,
                    useful_life,
                ));
            }
            if let Some(added) = mw_added.get_mut(online.max(0) as usize) {
                *added += site.mw;
            }
            if !site.revenue_per_mw_month.is_zero() {
                sites.push(SitePlan {
                    revenue: market.site_revenue(site, online)?,
                    pledged_to: site.pledged_to.as_deref().and_then(pledged_index),
                });
            }
        }

        let mut mw_online = Vec::with_capacity(horizon);
        let mut online_now = scenario.opening.mw_online;
        for added in &mw_added {
            if !added.is_zero() {
                online_now += added;
            }
            mw_online.push(online_now);
        }

        let mut equity = vec![Decimal::ZERO; horizon];
        for raise in &scenario.equity {
            if let Ok(t) = usize::try_from(raise.month.index())
                && t < horizon
            {
                equity[t] += raise.amount;
            }
        }

        let growth = Decimal::ONE + scenario.opex.fixed_growth_pct / HUNDRED;
        let fixed_by_year = compounded_by_year(
            scenario.opex.fixed_monthly,
            growth,
            held_amount,
            horizon,
            "fixed costs",
        )?;

        let mut collateral_count = 0;
        let sofr = scenario.rates.sofr_pct;
        let facilities = scenario
            .facilities
            .iter()
            .zip(funded_capex)
            .map(|(facility, funded_capex)| {
                let collateral = match &facility.collateral {
                    Some(collateral) => {
                        collateral_count += 1;
                        Some(collateral_plan(
                            scenario,
                            collateral,
                            collateral_count - 1,
                            &assets,
                            &market,
                            horizon,
                        )?)
                    }
                    None => None,
                };
                let annual_pct = match facility.rate {
                    Rate::Floating { spread_pct } => sofr + spread_pct,
                    Rate::Fixed { coupon_pct } => coupon_pct,
                };
                let maturity = facility.maturity.index();
                let schedule = match facility.amortization {
                    Amortization::None => Schedule::None,
                    Amortization::Fixed {
                        amount,
                        every,
                        from,
                    } => Schedule::Fixed {
                        amount,
                        every: every as i32,
                        from: from.index(),
                    },
                    Amortization::Level { every, from } => {
                        let from = from.index();
                        let payments = if maturity >= from {
                            ((maturity - from) / every as i32 + 1) as u32
                        } else {
                            0
                        };
                        Schedule::Level {
                            every: every as i32,
                            from,
                            payments,
                        }
                    }
                };
                let draw_from = facility.draws.from.index();
                let funded = facility
                    .funds
                    .as_ref()
                    .zip(funded_capex)
                    .map(|(funds, base)| (funds.advance_pct / HUNDRED, base));
                Ok(FacilityPlan {
                    is_revolver: facility.kind == FacilityKind::Revolver,
                    monthly_rate: held_rate(annual_pct / TWELVE_HUNDRED),
                    commitment: facility.commitment,
                    opening_balance: facility.opening_balance,
                    maturity,
                    draw_from,
                    draw_until: draw_from + facility.draws.months as i32,
                    draw_part: held_amount(
                        facility.draws.total / Decimal::from(facility.draws.months.max(1)),
                    ),
                    schedule,
                    sweep_share: facility.sweep_pct / HUNDRED,
                    funded,
                    coverage_tested: coverage_tested(&facility.id),
                    collateral,
                })
            })
            .collect::<Result<Vec<_>, ModelError>>()?;

        let covenants: Vec<CovenantPlan> = scenario
            .covenants
            .iter()
            .map(|covenant| match &covenant.terms {
                CovenantTerms::MinLiquidity {
                    floor,
                    pct,
                    of_facility,
                } => CovenantPlan::MinLiquidity {
                    floor: *floor,
                    // A flat floor (no facility) ignores `pct`.
                    of_facility: of_facility
                        .as_deref()
                        .and_then(facility_index)
                        .map(|facility| (pct / HUNDRED, facility)),
                },
                CovenantTerms::Dscr { facility, min } => CovenantPlan::Dscr {
                    facility: facility_index(facility).unwrap_or_default(),
                    min: *min,
                },
                CovenantTerms::MaxLeverage { max } => CovenantPlan::MaxLeverage { max: *max },
                CovenantTerms::MinInterestCoverage { min } => {
                    CovenantPlan::MinInterestCoverage { min: *min }
                }
                CovenantTerms::MaxLtv { facility, max_pct } => CovenantPlan::MaxLtv {
                    facility: facility_index(facility).unwrap_or_default(),
                    max_pct: *max_pct,
                },
            })
            .collect();
        let windows = scenario
            .covenants
            .iter()
            .map(|covenant| {
                (
                    covenant.from.map_or(i32::MIN, Month::index),
                    covenant.until.map_or(i32::MAX, Month::index),
                )
            })
            .collect();

        let accounting = scenario
            .accounting
            .as_ref()
            .map(|accounting| accounting_plan(accounting, &assets, horizon));
        let gap_rate = scenario
            .funding_gap
            .as_ref()
            .map(|gap| held_rate(gap.rate_pct / TWELVE_HUNDRED));

        let cost_share = scenario.opex.cost_of_revenue_pct / HUNDRED;
        Ok(Self {
            accounting,
            gap_rate,
            collateral_count,
            tests_interest_coverage: covenants
                .iter()
                .any(|c| matches!(c, CovenantPlan::MinInterestCoverage { .. })),
            horizon,
            contracts,
            sites,
            cost_per_mw_month: (!scenario.opex.cost_per_mw_month.is_zero())
                .then_some(scenario.opex.cost_per_mw_month),
            capex,
            reimbursement,
            mw_online,
            equity,
            fixed_by_year,
            cost_share,
            other_opex_share: scenario.opex.other_opex_pct / HUNDRED,
            gross_share: Decimal::ONE - cost_share,
            facilities,
            windows,
            revolver: scenario
                .facilities
                .iter()
                .position(|f| f.kind == FacilityKind::Revolver),
            target_cash: scenario.revolver_policy.target_cash,
            covenants,
        })
    }
}

/// The useful life that depreciates collateral without an `accounting` section (spec §8.2).
const DEFAULT_USEFUL_LIFE_MONTHS: i32 = 72;

/// A site's equipment as the income statement and the collateral see it (spec §8.1, §8.2).
struct SiteAsset {
    /// The effective online month `o'`.
    online: i32,
    /// `K = mw × capex_per_mw`.
    cost: Decimal,
    /// The capex parts paid before `o'`, as `(month, amount)`, those before 2025-01 included.
    paid_before_online: Vec<(i32, Decimal)>,
    /// The useful life `L`, months.
    life: i32,
    /// `K / L`, held at 1e-10: the depreciation of each month of the life.
    monthly_depreciation: Decimal,
}

impl SiteAsset {
    fn new(online: i32, cost: Decimal, paid_before_online: Vec<(i32, Decimal)>, life: i32) -> Self {
        Self {
            online,
            cost,
            paid_before_online,
            life,
            monthly_depreciation: held_amount(cost / Decimal::from(life)),
        }
    }

    /// Counted only when it comes online in the horizon's time: a site online before 2025-01
    /// is in the opening book value or the opening collateral (spec §8.7.3).
    fn counts(&self) -> bool {
        self.online >= 0
    }

    /// Adds its value at the end of each month to `values`: the capex paid to date before
    /// `o'`, then its cost less the depreciation posted (`K − k × K/L` after `k` months), and
    /// nothing once the life is over (the residue of holding `K/L` at 1e-10 is written off in
    /// the last month). One pass of additions: the plan runs once per run, the analyses' many.
    fn add_values(&self, values: &mut [Decimal]) {
        let before_online = values.len().min(self.online.max(0) as usize);
        // The parts in month order, summed as the months pass.
        let mut parts = self.paid_before_online.clone();
        parts.sort_by_key(|(month, _)| *month);
        let mut parts = parts.into_iter().peekable();
        let mut paid = Decimal::ZERO;
        for (t, value) in values[..before_online].iter_mut().enumerate() {
            while let Some((_, amount)) = parts.next_if(|(month, _)| *month <= t as i32) {
                paid = add(paid, amount);
            }
            if !paid.is_zero() {
                *value = add(*value, paid);
            }
        }
        let mut left = self.cost;
        for (k, value) in values[before_online..].iter_mut().enumerate() {
            if k as i32 + 1 >= self.life {
                break;
            }
            left = sub(left, self.monthly_depreciation);
            *value = add(*value, left);
        }
    }
}

/// Adds to each month of `values` an opening pool's value at the month's end: `amount` less
/// `per_month` for each month to date, nothing once `life` months have passed.
fn add_run_down(values: &mut [Decimal], amount: Decimal, per_month: Decimal, life: i32) {
    if amount.is_zero() {
        return;
    }
    let mut left = amount;
    for (t, value) in values.iter_mut().enumerate() {
        if t as i32 + 1 >= life {
            break;
        }
        left = sub(left, per_month);
        *value = add(*value, left);
    }
}

/// Depreciation, stock compensation and book value for each month (spec §8.1).
fn accounting_plan(
    accounting: &crate::model::scenario::Accounting,
    assets: &[SiteAsset],
    horizon: usize,
) -> AccountingPlan {
    let opening_life = accounting.opening_life_left_months.max(1) as i32;
    let opening_part = held_amount(accounting.opening_book_value / Decimal::from(opening_life));
    let mut depreciation = vec![Decimal::ZERO; horizon];
    for month in depreciation.iter_mut().take(opening_life as usize) {
        *month = opening_part;
    }
    let mut book_value = vec![Decimal::ZERO; horizon];
    add_run_down(
        &mut book_value,
        accounting.opening_book_value,
        opening_part,
        opening_life,
    );
    for asset in assets.iter().filter(|asset| asset.counts()) {
        let first = (asset.online as usize).min(horizon);
        let last = (asset.online + asset.life).max(0) as usize;
        for month in &mut depreciation[first..last.min(horizon)] {
            *month = add(*month, asset.monthly_depreciation);
        }
        asset.add_values(&mut book_value);
    }
    let mut stock_comp = vec![accounting.stock_comp_monthly; horizon];
    for charge in &accounting.stock_comp {
        if let Ok(t) = usize::try_from(charge.month.index())
            && t < horizon
        {
            stock_comp[t] += charge.amount;
        }
    }
    let expensed_share = Decimal::ONE - accounting.capitalised_interest_pct / HUNDRED;
    let tax_share = accounting.tax_pct / HUNDRED;
    AccountingPlan {
        depreciation,
        stock_comp,
        book_value,
        expensed_share: (expensed_share != Decimal::ONE).then_some(expensed_share),
        tax_share: (!tax_share.is_zero()).then_some(tax_share),
    }
}

/// A facility's collateral value in each month and its borrowing-base terms (spec §8.2):
/// `V(t) = P(t) × [opening_value × max(0, 1 − (t+1)/opening_life) + Σ B_j(t)]`.
fn collateral_plan(
    scenario: &Scenario,
    collateral: &crate::model::scenario::Collateral,
    index: usize,
    assets: &[SiteAsset],
    market: &PriceFactors,
    horizon: usize,
) -> Result<CollateralPlan, ModelError> {
    let opening_life = collateral.opening_life_months.max(1) as i32;
    let opening_part = held_amount(collateral.opening_value / Decimal::from(opening_life));
    let mut value = vec![Decimal::ZERO; horizon];
    add_run_down(
        &mut value,
        collateral.opening_value,
        opening_part,
        opening_life,
    );
    for (_, asset) in scenario
        .sites
        .iter()
        .zip(assets)
        .filter(|(site, asset)| collateral.sites.contains(&site.id) && asset.counts())
    {
        asset.add_values(&mut value);
    }
    // At the listed prices (a factor of exactly 1) the value at cost is the value.
    for (t, month_value) in value.iter_mut().enumerate() {
        let factor = market.by_year[t / 12];
        if factor != Decimal::ONE && !month_value.is_zero() {
            let marked = month_value
                .checked_mul(factor)
                .ok_or_else(|| overflow(t as i32, "collateral value"))?;
            *month_value = held_amount(marked);
        }
    }
    Ok(CollateralPlan {
        index,
        value,
        advance_share: collateral.advance_pct.map(|pct| pct / HUNDRED),
        from: collateral.from.index(),
        every: collateral.every.max(1) as i32,
    })
}

/// A site's capex and reimbursement parts as `(month, capex, reimbursement)`, around `anchor`
/// (its scheduled or effective online month): the profile's parts (spec §6.4), or else
/// `lead_months` equal parts in the months before it (spec §3.3). Months may lie outside the
/// horizon; the caller drops them.
fn capex_parts(
    scenario: &Scenario,
    site: &Site,
    anchor: i32,
) -> impl Iterator<Item = (i32, Decimal, Decimal)> {
    let amount = site.mw * site.capex_per_mw;
    let profile = &scenario.capex.profile;
    let lead = scenario.capex.lead_months as i32;
    let even = profile.is_empty().then(|| {
        let capex_part = held_amount(amount / Decimal::from(lead));
        let reimbursement_part = held_amount(site.reimbursement / Decimal::from(lead));
        (anchor - lead..anchor).map(move |t| (t, capex_part, reimbursement_part))
    });
    let profiled = profile.iter().map(move |part| {
        let share = part.pct / HUNDRED;
        (
            anchor + part.offset,
            held_amount(amount * share),
            held_amount(site.reimbursement * share),
        )
    });
    even.into_iter().flatten().chain(profiled)
}

/// `start × factor^year` for each model year of the horizon, each year's value held by `hold`
/// before the next is compounded from it.
fn compounded_by_year(
    start: Decimal,
    factor: Decimal,
    hold: fn(Decimal) -> Decimal,
    horizon: usize,
    what: &str,
) -> Result<Vec<Decimal>, ModelError> {
    let years = horizon.div_ceil(12);
    let mut by_year = Vec::with_capacity(years);
    let mut value = start;
    for year in 0..years {
        if year > 0 {
            value = hold(
                value
                    .checked_mul(factor)
                    .ok_or_else(|| overflow(year as i32 * 12, what))?,
            );
        }
        by_year.push(value);
    }
    Ok(by_year)
}

/// GPU rental prices by model year (spec §6.2): `price_index_pct/100 × (1 − decline/100)^year`.
struct PriceFactors {
    horizon: usize,
    by_year: Vec<Decimal>,
}

impl PriceFactors {
    fn new(scenario: &Scenario, horizon: usize) -> Result<Self, ModelError> {
        let market = &scenario.market;
        let index = market.price_index_pct / HUNDRED;
        let kept = Decimal::ONE - market.price_decline_pct_per_year / HUNDRED;
        let by_year =
            compounded_by_year(Decimal::ONE, kept, held_rate, horizon, "GPU price decline")?
                .into_iter()
                .map(|compounded| held_rate(index * compounded))
                .collect();
        Ok(Self { horizon, by_year })
    }

    /// `r_j(t)` for every month: `mw × p × fill(t) × price(t)` from the effective online month.
    fn site_revenue(&self, site: &Site, online: i32) -> Result<Vec<Decimal>, ModelError> {
        let full_at_list_price = site.mw * site.revenue_per_mw_month;
        let fill_months = site.fill_months.max(1) as i32;
        let fill = Decimal::from(fill_months);
        let mut revenue = vec![Decimal::ZERO; self.horizon];
        let mut full_this_year = Decimal::ZERO;
        for (t, month_revenue) in revenue.iter_mut().enumerate() {
            let ti = t as i32;
            if t % 12 == 0 {
                full_this_year = held_amount(
                    full_at_list_price
                        .checked_mul(self.by_year[t / 12])
                        .ok_or_else(|| overflow(ti, "capacity revenue"))?,
                );
            }
            if ti < online {
                continue;
            }
            let months_online = ti - online + 1;
            *month_revenue = if months_online >= fill_months {
                full_this_year
            } else {
                held_amount(full_this_year * Decimal::from(months_online) / fill)
            };
        }
        Ok(revenue)
    }
}

/// A delivery partner's delay, in months, and its policy (spec §7.1); `None` (own capacity,
/// existing capacity) is never late. The v1 section is the partner `core_scientific`.
fn partner_delay(scenario: &Scenario, partner: Option<&str>) -> (i32, DelayPolicy) {
    match partner {
        None => (0, DelayPolicy::Shift),
        Some(CORE_SCIENTIFIC_ID) => (
            scenario.core_scientific.delay_months as i32,
            scenario.core_scientific.delay_policy,
        ),
        Some(id) => scenario
            .partners
            .iter()
            .find(|partner| partner.id == id)
            .map_or((0, DelayPolicy::Shift), |partner| {
                (partner.delay_months as i32, partner.delay_policy)
            }),
    }
}

impl Schedule {
    /// The scheduled principal due in month `t` on an `opening` balance (before the cap at it).
    /// A level payment is sized in its first month and remembered in `level`.
    #[inline]
    pub(super) fn due(
        &self,
        t: i32,
        maturity: i32,
        opening: Decimal,
        level: &mut Decimal,
    ) -> Decimal {
        let (every, from) = match *self {
            Schedule::None => return Decimal::ZERO,
            Schedule::Fixed { every, from, .. } | Schedule::Level { every, from, .. } => {
                (every, from)
            }
        };
        if t < from || t > maturity || (t - from) % every != 0 {
            return Decimal::ZERO;
        }
        match *self {
            Schedule::None => Decimal::ZERO,
            Schedule::Fixed { amount, .. } => amount,
            Schedule::Level { payments, .. } => {
                if t == from {
                    *level = held_amount(opening / Decimal::from(payments));
                }
                *level
            }
        }
    }
}
