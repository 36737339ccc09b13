//! Fulfilment: the pharmacists' queue (verify → fill → ship or ready for pick-up → handed
//! over, with partial fills), the member's card on file for mail order (RX-08), and what a fill
//! costs the member under their plan (RX-06, RX-07).

use serde_json::{Value, json};
use ws_fhir_service::Caller;
use ws_i18n::said::Said;

use super::json_body;
use super::list::Order;
use super::{EXT_STAGE, Notice, PharmacyError, PharmacyService, Result, item_id, ref_id};
use crate::rules::cost::{Cost, DrugBenefits};

/// The account type of a card on file.
pub const CARD_TYPE_SYSTEM: &str = "urn:wellspring:account-type";
pub const CARD_TYPE: &str = "pharmacy-card";
const EXT_CARD: &str = "urn:wellspring:fhir:payment-card";

/// A payment card on file: never the number, only what the member needs to recognise it (a
/// payment processor's token would sit beside it; none is connected in this build).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub id: String,
    pub brand: String,
    pub last4: String,
    /// `MM/YYYY`.
    pub expires: String,
}

/// The card brands mail order takes (RX-07).
pub const BRANDS: &[&str] = &["Visa", "Mastercard", "Discover", "American Express"];

/// The next stage of an order and what it means for its FHIR status.
fn next_stages(stage: &str, channel: &str) -> &'static [&'static str] {
    match (stage, channel) {
        ("received", _) => &["verified", "cancelled"],
        ("verified", _) => &["filled", "cancelled"],
        ("filled", "mail") => &["shipped"],
        ("filled", _) => &["ready"],
        ("shipped", _) => &["delivered"],
        ("ready", _) => &["picked-up", "cancelled"],
        _ => &[],
    }
}

/// Where an order may go from here (for the pharmacist's buttons).
pub fn allowed_next(o: &Order) -> &'static [&'static str] {
    next_stages(&o.stage, &o.channel)
}

/// The plan's pharmacy benefits from an `InsurancePlan` (its `specificCost` of category
/// pharmacy: generic-drug, brand-drug, mail-order-generic). `None` when the plan has none.
pub fn benefits_of(plan: &Value) -> Option<DrugBenefits> {
    let cats = plan["plan"][0]["specificCost"].as_array()?;
    let pharmacy = cats
        .iter()
        .find(|c| c["category"]["coding"][0]["code"] == "pharmacy")?;
    let cost_of = |code: &str| -> Option<Cost> {
        let b = pharmacy["benefit"]
            .as_array()?
            .iter()
            .find(|b| b["type"]["coding"][0]["code"] == code)?;
        let v = &b["cost"][0]["value"];
        let n = v["value"].as_f64()?;
        Some(if v["unit"] == "%" {
            Cost::Coinsurance(n as u32)
        } else {
            Cost::Copay((n * 100.0).round() as u64)
        })
    };
    Some(DrugBenefits {
        generic: cost_of("generic-drug")?,
        brand: cost_of("brand-drug")?,
        mail_generic: cost_of("mail-order-generic").or(cost_of("generic-drug"))?,
    })
}

impl PharmacyService {
    /// The member's plan's pharmacy benefits today, read as the service for `patient`.
    pub async fn benefits(&self, svc: &Caller, patient: &str) -> Option<DrugBenefits> {
        let st = self
            .coverage
            .status(svc, patient, self.clock().today())
            .await
            .ok()?;
        if !st.is_active() {
            return None;
        }
        let plan = self
            .fhir
            .read_value(svc, "InsurancePlan", &st.plan?.id)
            .await
            .ok()?;
        benefits_of(&plan)
    }

    /// The card on file for mail order, if any.
    pub async fn card_on_file(&self, svc: &Caller, patient: &str) -> Result<Option<Card>> {
        let found = self
            .search(
                svc,
                "Account",
                &[
                    ("patient", patient),
                    ("type", &format!("{CARD_TYPE_SYSTEM}|{CARD_TYPE}")),
                    ("status", "active"),
                ],
            )
            .await?;
        Ok(found.iter().find_map(|a| {
            let e = a["extension"]
                .as_array()?
                .iter()
                .find(|e| e["url"] == EXT_CARD)?;
            let part = |k: &str| {
                e["extension"].as_array()?.iter().find(|x| x["url"] == k)?["valueString"]
                    .as_str()
                    .map(str::to_owned)
            };
            Some(Card {
                id: a["id"].as_str()?.to_owned(),
                brand: part("brand")?,
                last4: part("last4")?,
                expires: part("expires")?,
            })
        }))
    }

    /// Put a card on file (replacing any earlier one). Only the brand, the last four digits
    /// and the expiry are kept.
    pub async fn save_card(
        &self,
        caller: &Caller,
        patient: &str,
        brand: &str,
        last4: &str,
        expires: &str,
    ) -> Result<Card> {
        Self::authorize(caller, patient)?;
        let brand = BRANDS
            .iter()
            .find(|b| b.eq_ignore_ascii_case(brand.trim()))
            .ok_or_else(|| {
                PharmacyError::Refused(Said::new("rx-card-brand").with("brands", BRANDS.join(", ")))
            })?;
        let last4 = last4.trim();
        if last4.len() != 4 || !last4.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PharmacyError::Refused(Said::new("rx-card-last4")));
        }
        let (mm, yyyy) = expires
            .trim()
            .split_once('/')
            .and_then(|(m, y)| Some((m.parse::<i8>().ok()?, y.parse::<i16>().ok()?)))
            .filter(|(m, y)| (1..=12).contains(m) && (2000..=2100).contains(y))
            .ok_or_else(|| PharmacyError::Refused(Said::new("rx-card-expiry")))?;
        let today = self.clock().today();
        if (yyyy, mm) < (today.year(), today.month()) {
            return Err(PharmacyError::Refused(Said::new("rx-card-expired")));
        }
        let svc = caller.as_service(patient, "pharmacy: card on file");
        if let Some(old) = self.card_on_file(&svc, patient).await? {
            let mut a = self.fhir.read_value(&svc, "Account", &old.id).await?;
            a["status"] = json!("inactive");
            let body = json_body(&a);
            self.fhir
                .update(&svc, "Account", &old.id, &body, None)
                .await?;
        }
        let expires = format!("{mm:02}/{yyyy}");
        let account = json!({
            "resourceType": "Account",
            "status": "active",
            "type": {"coding": [{"system": CARD_TYPE_SYSTEM, "code": CARD_TYPE, "display": "Pharmacy payment card"}]},
            "name": format!("{brand} ending {last4}"),
            "subject": [{"reference": format!("Patient/{patient}")}],
            "extension": [{"url": EXT_CARD, "extension": [
                {"url": "brand", "valueString": brand},
                {"url": "last4", "valueString": last4},
                {"url": "expires", "valueString": expires},
            ]}],
        });
        let body = json_body(&account);
        let w = self.fhir.create(&svc, "Account", &body, None).await?;
        Ok(Card {
            id: w.id,
            brand: (*brand).to_owned(),
            last4: last4.to_owned(),
            expires,
        })
    }

    /// The pharmacists' queue: open orders, oldest first.
    pub async fn order_queue(&self, caller: &Caller) -> Result<Vec<Order>> {
        Self::authorize_pharmacist(caller)?;
        let open = self
            .search(
                caller,
                "MedicationDispense",
                &[("status", "in-progress,preparation,on-hold")],
            )
            .await?;
        let mut out: Vec<Order> = open.iter().filter_map(Order::from_dispense).collect();
        out.sort_by(|a, b| (a.ordered, &a.id).cmp(&(b.ordered, &b.id)));
        Ok(out)
    }

    /// Move order `id` to `stage`. `filled_quantity` at `filled`: less than ordered makes a
    /// partial fill — this order carries what was filled, and a new order the rest.
    pub async fn advance_order(
        &self,
        caller: &Caller,
        id: &str,
        stage: &str,
        filled_quantity: Option<f64>,
    ) -> Result<Order> {
        Self::authorize_pharmacist(caller)?;
        let mut d = self
            .fhir
            .read_value(caller, "MedicationDispense", id)
            .await?;
        let o = Order::from_dispense(&d)
            .ok_or_else(|| PharmacyError::NotFound(format!("MedicationDispense/{id}")))?;
        if !o.is_open() || !allowed_next(&o).contains(&stage) {
            return Err(PharmacyError::Invalid(format!(
                "an order at '{}' cannot go to '{stage}'",
                o.stage
            )));
        }
        let now = ws_fhir_service::time::instant(self.clock().now_micros());
        set_stage(&mut d, stage);
        let mut rest = None;
        match stage {
            "filled" => {
                d["whenPrepared"] = json!(now);
                if let Some(performer) = practitioner_of(caller) {
                    d["performer"] =
                        json!([{"actor": {"reference": format!("Practitioner/{performer}")}}]);
                }
                let ordered = o.quantity.unwrap_or(0.0);
                if let Some(q) = filled_quantity {
                    if !(q > 0.0 && q <= ordered) {
                        return Err(PharmacyError::Invalid(format!(
                            "the filled quantity must be more than 0 and at most {ordered}"
                        )));
                    }
                    if q < ordered {
                        rest = Some(split_partial(&mut d, id, q, ordered, o.days_supply));
                    }
                }
            }
            "delivered" | "picked-up" => {
                d["status"] = json!("completed");
                d["whenHandedOver"] = json!(now);
            }
            "cancelled" => {
                d["status"] = json!("cancelled");
            }
            _ => {}
        }
        let body = json_body(&d);
        let version = d["meta"]["versionId"]
            .as_str()
            .map(|v| format!("W/\"{v}\""));
        self.fhir
            .update(caller, "MedicationDispense", id, &body, version.as_deref())
            .await?;
        if let Some((rest_id, r)) = rest {
            self.once(caller, "MedicationDispense", &rest_id, &r)
                .await?;
        }
        if matches!(stage, "shipped" | "ready") {
            let patient = ref_id(&d["subject"], "Patient")
                .unwrap_or_default()
                .to_owned();
            self.notify(&caller.actor, &patient, Notice::OrderReady)
                .await;
        }
        Order::from_dispense(&d).ok_or_else(|| PharmacyError::Invalid("order unreadable".into()))
    }
}

/// Set an order's stage (the extension the queue and the member's list read).
fn set_stage(d: &mut Value, stage: &str) {
    let mut ext: Vec<Value> = d["extension"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["url"] != EXT_STAGE)
        .cloned()
        .collect();
    ext.push(json!({"url": EXT_STAGE, "valueCode": stage}));
    d["extension"] = Value::Array(ext);
}

/// A partial fill: order `d` (of `ordered` units over `days` days) now carries the `filled`
/// units and their share of the days (FFP/RFP); the rest becomes a new order, received, with
/// the remaining units and days (FFC/RFC). The new order's id and body.
fn split_partial(d: &mut Value, id: &str, filled: f64, ordered: f64, days: u32) -> (String, Value) {
    const ACT: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    let days = f64::from(days);
    let filled_days = (days * filled / ordered).floor();
    let first = d["type"]["coding"][0]["code"] == "FF";
    d["quantity"]["value"] = json!(filled);
    d["daysSupply"]["value"] = json!(filled_days.max(1.0));
    d["type"] = json!({"coding": [{"system": ACT,
        "code": if first { "FFP" } else { "RFP" },
        "display": if first { "First Fill - Part Fill" } else { "Refill - Part Fill" }}]});
    let mut r = d.clone();
    let rest_id = item_id("pf", id, 1);
    r["id"] = json!(rest_id);
    if let Some(m) = r.as_object_mut() {
        m.remove("meta");
        m.remove("whenPrepared");
        m.remove("performer");
    }
    r["quantity"]["value"] = json!(((ordered - filled) * 100.0).round() / 100.0);
    r["daysSupply"]["value"] = json!((days - filled_days).max(1.0));
    r["type"] = json!({"coding": [{"system": ACT,
        "code": if first { "FFC" } else { "RFC" },
        "display": if first { "First Fill - Complete" } else { "Refill - Complete" }}]});
    set_stage(&mut r, "received");
    r["note"] = json!([{"text": "The rest of a partial fill."}]);
    (rest_id, r)
}

fn practitioner_of(caller: &Caller) -> Option<String> {
    match &caller.principal {
        ws_fhir_service::Principal::Staff { practitioner, .. } => practitioner.clone(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_fill_splits_quantity_and_days_and_leaves_the_rest_received() {
        let mut d = json!({"resourceType": "MedicationDispense", "id": "rf-1-2",
            "meta": {"versionId": "2"}, "status": "in-progress",
            "type": {"coding": [{"code": "RF"}]},
            "quantity": {"value": 90.0}, "daysSupply": {"value": 90},
            "whenPrepared": "2026-03-02T10:00:00Z",
            "extension": [{"url": EXT_STAGE, "valueCode": "filled"}]});
        let (rest_id, rest) = split_partial(&mut d, "rf-1-2", 30.0, 90.0, 90);
        assert_eq!(d["quantity"]["value"], 30.0);
        assert_eq!(d["daysSupply"]["value"], 30.0);
        assert_eq!(d["type"]["coding"][0]["code"], "RFP");
        assert_eq!(rest_id, "pf-rf-1-2-1");
        assert_eq!(rest["id"], "pf-rf-1-2-1");
        assert_eq!(rest["quantity"]["value"], 60.0);
        assert_eq!(rest["daysSupply"]["value"], 60.0);
        assert_eq!(rest["type"]["coding"][0]["code"], "RFC");
        assert!(rest.get("meta").is_none() && rest.get("whenPrepared").is_none());
        let stages: Vec<&Value> = rest["extension"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["url"] == EXT_STAGE)
            .map(|e| &e["valueCode"])
            .collect();
        assert_eq!(stages, [&json!("received")], "one stage, received");
    }
}
