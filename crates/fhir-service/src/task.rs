//! Reading the parts of a FHIR `Task` that capability services keep their work items in:
//! its code, and its inputs named by `input.type.text`.

use serde_json::Value;

/// Whether `task.code` holds the coding `system|code`.
pub fn has_code(task: &Value, system: &str, code: &str) -> bool {
    task["code"]["coding"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["system"] == system && c["code"] == code)
}

/// The input named `name` (`input.type.text`), if there is one.
pub fn input<'a>(task: &'a Value, name: &str) -> Option<&'a Value> {
    task["input"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["type"]["text"] == name)
}

/// The text of input `name` (`valueString`), or "".
pub fn input_text<'a>(task: &'a Value, name: &str) -> &'a str {
    input(task, name)
        .and_then(|i| i["valueString"].as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn codes_and_named_inputs() {
        let t = json!({"code": {"coding": [{"system": "s", "code": "c"}]},
            "input": [{"type": {"text": "drug"}, "valueString": "x"}, {"type": {"text": "on"}, "valueBoolean": true}]});
        assert!(has_code(&t, "s", "c"));
        assert!(!has_code(&t, "s", "d"));
        assert_eq!(input_text(&t, "drug"), "x");
        assert_eq!(input_text(&t, "none"), "");
        assert_eq!(
            input(&t, "on").and_then(|i| i["valueBoolean"].as_bool()),
            Some(true)
        );
    }
}
