//! The CapabilityStatement: what this server really supports, generated from the same tables
//! the code uses (resource types, search parameters), so it cannot drift from the truth.

use serde_json::{Value, json};
use ws_fhir::search_params::{self, ParamType};
use ws_fhir::validate::RESOURCE_TYPES;

/// Types that are not stored as ordinary resources.
const NOT_STORED: &[&str] = &[
    "Bundle",
    "OperationOutcome",
    "CapabilityStatement",
    "Parameters",
];

pub fn capability_statement(base_url: &str, software_version: &str) -> Value {
    let resources: Vec<Value> = RESOURCE_TYPES
        .iter()
        .filter(|t| !NOT_STORED.contains(t))
        .map(|t| {
            let mut params: Vec<Value> = vec![
                json!({"name": "_id", "type": "token", "documentation": "Logical id"}),
                json!({"name": "_lastUpdated", "type": "date", "documentation": "When the resource last changed"}),
                json!({"name": "_security", "type": "token", "documentation": "Security labels (only those of resources the caller may see)"}),
            ];
            for d in search_params::params_for(t) {
                params.push(json!({"name": d.name, "type": d.kind.as_str(), "documentation": d.description}));
            }
            if *t == "Practitioner" {
                params.push(json!({"name": "specialty", "type": "token", "documentation": "Specialty of any PractitionerRole of the practitioner"}));
            }
            let refs: Vec<String> = search_params::params_for(t)
                .filter(|d| d.kind == ParamType::Reference)
                .map(|d| format!("{t}:{}", d.name))
                .collect();
            let revs: Vec<String> = search_params::all()
                .iter()
                .filter(|d| d.kind == ParamType::Reference && (d.targets.is_empty() || d.targets.contains(t)))
                .map(|d| format!("{}:{}", d.resource, d.name))
                .collect();
            let mut r = json!({
                "type": t,
                "interaction": [
                    {"code": "read"}, {"code": "vread"}, {"code": "update"}, {"code": "delete"},
                    {"code": "history-instance"}, {"code": "history-type"}, {"code": "create"}, {"code": "search-type"}
                ],
                "versioning": "versioned-update",
                "readHistory": true,
                "updateCreate": true,
                "conditionalCreate": true,
                "conditionalRead": "not-supported",
                "conditionalUpdate": true,
                "conditionalDelete": "single",
                "searchInclude": refs,
                "searchRevInclude": revs,
                "searchParam": params,
            });
            if *t == "Patient"
                && let Some(o) = r.as_object_mut()
            {
                o.insert("operation".into(), json!([{"name": "export", "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"}, {"name": "everything", "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"}]));
            }
            if *t == "MedicationRequest"
                && let Some(o) = r.as_object_mut()
            {
                // Order a refill: 201 with the order (MedicationDispense), 422 with the reason
                // coded in issue.details (crates/pharmacy).
                o.insert("operation".into(), json!([{"name": "refill", "definition": "urn:wellspring:OperationDefinition:MedicationRequest-refill"}]));
            }
            r
        })
        .collect();
    json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-26",
        "publisher": "Wellspring",
        "kind": "instance",
        "software": {"name": "Wellspring", "version": software_version},
        "implementation": {"description": "Wellspring FHIR R4 server", "url": base_url},
        "fhirVersion": ws_fhir::FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [{
            "mode": "server",
            "documentation": "Search supports string (default, :exact, :contains), token (code, system|code, |code, system|), reference (Type/id, id, :Type) and date (eq, ne, lt, le, gt, ge, sa, eb; partial dates) parameters, _count, _sort (date and string parameters, _id, _lastUpdated), _include, _revinclude, _has (one level), _summary=count, _elements and _total (Bundle.total is given when the first page holds every match, or when asked with _total=accurate or _count=0). Unknown parameters are rejected with 400 unless 'Prefer: handling=lenient'.",
            "resource": resources,
            "interaction": [{"code": "transaction"}, {"code": "batch"}, {"code": "history-system"}],
            "operation": [{"name": "export", "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"}],
            "security": {
                "cors": false,
                "service": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/restful-security-service", "code": "SMART-on-FHIR"}]}],
                "description": "OAuth 2.0 bearer tokens (SMART App Launch: authorization code with PKCE S256; client credentials for back-end integrations). Directory and plan resources are public; everything else needs a token or a portal session.",
                "extension": [{
                    "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                    "extension": [
                        {"url": "authorize", "valueUri": format!("{}/oauth2/authorize", base_url.trim_end_matches("/fhir"))},
                        {"url": "token", "valueUri": format!("{}/oauth2/token", base_url.trim_end_matches("/fhir"))},
                        {"url": "revoke", "valueUri": format!("{}/oauth2/revoke", base_url.trim_end_matches("/fhir"))},
                        {"url": "introspect", "valueUri": format!("{}/oauth2/introspect", base_url.trim_end_matches("/fhir"))}
                    ]
                }]
            }
        }]
    })
}
