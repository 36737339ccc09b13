//! The plans open to a member, to compare and choose from (issue 13): their own market's plans
//! in their home region — Medicare Advantage plans for a Medicare member, the commercial plans
//! for an individual or employer-group member — with the Medicare facts the windows need.

use jiff::civil::Date;
use ws_fhir_service::Caller;

use crate::rules::windows::MedicareFacts;
use crate::rules::{Market, Product};
use crate::service::changes::market_of;
use crate::service::family::{CoverageRow, PlanSummary};
use crate::service::medicare::medicare_facts;
use crate::service::{CoverageService, Result};

/// The market a plan with code `code` belongs to, for a member now in `current`: Medicare
/// Advantage and Medicaid plans by product; any other plan is commercial and stays in the
/// member's commercial market (individual or employer group).
pub fn plan_market(code: &str, current: Market) -> Market {
    match Product::from_code(code) {
        Some(Product::MedicareAdvantage) => Market::Medicare,
        Some(Product::Medicaid) => Market::Medicaid,
        _ => match current {
            Market::Individual | Market::EmployerGroup => current,
            Market::Medicare | Market::Medicaid => Market::EmployerGroup,
        },
    }
}

/// What a member may compare: their plan today and the other plans of their market.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub market: Market,
    /// The plan the member is on today (or their latest one).
    pub current: Option<PlanSummary>,
    /// The other plans of the same market in the member's region, by code.
    pub others: Vec<PlanSummary>,
    /// The member's Medicare facts (Medicare members with a birth date).
    pub medicare: Option<MedicareFacts>,
    /// Whether this person may change the family's plan (the subscriber or their legal
    /// representative, or member services).
    pub can_change: bool,
}

impl CoverageService {
    /// The plans open to `patient` on `on`, for a caller who may see their coverage.
    pub async fn plan_options(
        &self,
        caller: &Caller,
        patient: &str,
        on: Date,
    ) -> Result<PlanOptions> {
        let st = self.status(caller, patient, on).await?;
        let svc = Self::service_caller(caller, patient, "coverage: plans to compare");
        let market = st
            .coverage
            .as_ref()
            .map_or(Market::EmployerGroup, market_of);
        let region = st.home_region.clone().or_else(|| st.region.clone());
        let current_code = st.coverage.as_ref().map(|c| c.plan_code.clone());
        let plans = self.plans(&svc, region.as_deref()).await?;
        // Medicaid has one plan per region: there is nothing to change to.
        let others = plans
            .iter()
            .filter(|p| market != Market::Medicaid && Some(&p.code) != current_code.as_ref())
            .filter(|p| plan_market(&p.code, market) == market)
            .cloned()
            .collect();
        let medicare = if market == Market::Medicare {
            let p = self.read_json(&svc, "Patient", patient).await?;
            let own: Vec<CoverageRow> = self.coverages_of(&svc, patient).await?;
            let settings = self.rules.for_request(on, None, market);
            medicare_facts(&p, &own, None, on, settings)
        } else {
            None
        };
        let can_change = match &st.coverage {
            Some(c) => c.subscriber == patient && Self::authorize_manage(caller, patient).is_ok(),
            None => false,
        };
        Ok(PlanOptions {
            market,
            current: st.plan.clone(),
            others,
            medicare,
            can_change,
        })
    }
}
