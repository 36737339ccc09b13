//! OperationOutcome: the one shape every error takes on the FHIR interface.

use serde_json::{Value, json};

/// Issue severity (FHIR `IssueSeverity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Fatal,
    Error,
    Warning,
    Information,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Fatal => "fatal",
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
        }
    }
}

/// Issue type (a subset of FHIR `IssueType` that we emit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueCode {
    Invalid,
    Structure,
    Required,
    Value,
    Invariant,
    Security,
    Login,
    Forbidden,
    Processing,
    NotSupported,
    Duplicate,
    MultipleMatches,
    NotFound,
    Deleted,
    TooLong,
    CodeInvalid,
    Conflict,
    Exception,
    Timeout,
    Throttled,
    Informational,
    /// A business rule refused the request (a refill too soon, a full panel).
    BusinessRule,
}

impl IssueCode {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueCode::Invalid => "invalid",
            IssueCode::Structure => "structure",
            IssueCode::Required => "required",
            IssueCode::Value => "value",
            IssueCode::Invariant => "invariant",
            IssueCode::Security => "security",
            IssueCode::Login => "login",
            IssueCode::BusinessRule => "business-rule",
            IssueCode::Forbidden => "forbidden",
            IssueCode::Processing => "processing",
            IssueCode::NotSupported => "not-supported",
            IssueCode::Duplicate => "duplicate",
            IssueCode::MultipleMatches => "multiple-matches",
            IssueCode::NotFound => "not-found",
            IssueCode::Deleted => "deleted",
            IssueCode::TooLong => "too-long",
            IssueCode::CodeInvalid => "code-invalid",
            IssueCode::Conflict => "conflict",
            IssueCode::Exception => "exception",
            IssueCode::Timeout => "timeout",
            IssueCode::Throttled => "throttled",
            IssueCode::Informational => "informational",
        }
    }
}

/// One problem found, with where it was found (a FHIRPath-like expression) when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub severity: Severity,
    pub code: IssueCode,
    /// Emitted only when not empty.
    pub diagnostics: String,
    pub expression: Option<String>,
    /// `issue.details`: a machine-readable reason (system, code) and its text for people.
    pub details: Option<Box<Details>>,
}

/// `issue.details` of an OperationOutcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    pub system: String,
    pub code: String,
    pub text: String,
}

impl Issue {
    pub fn error(code: IssueCode, diagnostics: impl Into<String>) -> Self {
        Issue {
            severity: Severity::Error,
            code,
            diagnostics: diagnostics.into(),
            expression: None,
            details: None,
        }
    }

    /// Say why in `issue.details` (a coded reason and its words).
    pub fn with_details(
        mut self,
        system: impl Into<String>,
        code: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        self.details = Some(Box::new(Details {
            system: system.into(),
            code: code.into(),
            text: text.into(),
        }));
        self
    }

    pub fn at(mut self, expression: impl Into<String>) -> Self {
        self.expression = Some(expression.into());
        self
    }

    pub fn information(diagnostics: impl Into<String>) -> Self {
        Issue {
            severity: Severity::Information,
            code: IssueCode::Informational,
            diagnostics: diagnostics.into(),
            expression: None,
            details: None,
        }
    }
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.expression {
            Some(e) => write!(f, "{} (at {e})", self.diagnostics),
            None => f.write_str(&self.diagnostics),
        }
    }
}

/// Build an OperationOutcome resource from issues (at least one issue is always present).
pub fn operation_outcome(issues: &[Issue]) -> Value {
    let mut list: Vec<Value> = issues
        .iter()
        .map(|i| {
            let mut v = json!({
                "severity": i.severity.as_str(),
                "code": i.code.as_str(),
            });
            if let Some(d) = &i.details {
                v["details"] =
                    json!({"coding": [{"system": d.system, "code": d.code}], "text": d.text});
            }
            if !i.diagnostics.is_empty() {
                v["diagnostics"] = json!(i.diagnostics);
            }
            if let Some(e) = &i.expression {
                v["expression"] = json!([e]);
            }
            v
        })
        .collect();
    if list.is_empty() {
        list.push(
            json!({"severity": "information", "code": "informational", "diagnostics": "All OK"}),
        );
    }
    json!({"resourceType": "OperationOutcome", "issue": list})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_coded_and_empty_diagnostics_are_left_out() {
        let oo = operation_outcome(&[Issue::error(IssueCode::BusinessRule, "").with_details(
            "urn:x",
            "too-soon",
            "Too soon.",
        )]);
        let i = &oo["issue"][0];
        assert_eq!(i["code"], "business-rule");
        assert_eq!(i["details"]["coding"][0]["system"], "urn:x");
        assert_eq!(i["details"]["coding"][0]["code"], "too-soon");
        assert_eq!(i["details"]["text"], "Too soon.");
        assert!(i.get("diagnostics").is_none(), "{oo}");
        let oo = operation_outcome(&[Issue::error(IssueCode::Invalid, "bad").at("Patient.name")]);
        assert_eq!(oo["issue"][0]["diagnostics"], "bad");
        assert_eq!(oo["issue"][0]["expression"][0], "Patient.name");
        assert!(oo["issue"][0].get("details").is_none());
    }
}
