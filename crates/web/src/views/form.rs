//! One form page for every form of the service (evidence, requests, decisions, contract
//! goals, reviews, users, uploads), in the NHS.UK design system's patterns: labels and
//! hints on every field, an error summary at the top linking to each field in error,
//! the error message above the field, the values the user typed kept.

use askama::Template;

use crate::page::Chrome;

/// The kind of input a field is.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// A number (`inputmode="decimal"`), with an optional unit suffix.
    Number {
        /// Shown after the input, e.g. "mmol/mol".
        suffix: Option<String>,
    },
    /// A date, `YYYY-MM-DD`.
    Date,
    /// A password.
    Password,
    /// Several lines of text.
    TextArea,
    /// Exactly one of the options.
    Radios(Vec<Choice>),
    /// Any of the options.
    Checkboxes(Vec<Choice>),
    /// One option from a drop-down.
    Select(Vec<Choice>),
    /// A file to upload.
    File,
    /// Not shown; carried through the form (e.g. the record version).
    Hidden,
}

/// One option of a radio, checkbox or select field.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// Submitted value.
    pub value: String,
    /// Label shown.
    pub label: String,
    /// Hint under the label, or empty.
    pub hint: String,
    /// Whether it is selected.
    pub selected: bool,
}

impl Choice {
    /// An option with no hint.
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
            hint: String::new(),
            selected: false,
        }
    }

    /// The same option with a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Form name, also the element id.
    pub name: String,
    /// Label (legend for radios and checkboxes).
    pub label: String,
    /// Hint, or empty.
    pub hint: String,
    /// Kind of input.
    pub kind: FieldKind,
    /// Current value (what the user typed, or the default).
    pub value: String,
    /// Error message, or empty.
    pub error: String,
}

impl Field {
    /// A field with no hint, value or error.
    pub fn new(name: impl Into<String>, label: impl Into<String>, kind: FieldKind) -> Self {
        Self {
            name: name.into(),
            label: label.into(),
            hint: String::new(),
            kind,
            value: String::new(),
            error: String::new(),
        }
    }

    /// With a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    /// With a value; for choice fields, marks the matching options selected
    /// (checkboxes take a comma-separated list).
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        let selected: Vec<&str> = self.value.split(',').map(str::trim).collect();
        if let FieldKind::Radios(choices)
        | FieldKind::Checkboxes(choices)
        | FieldKind::Select(choices) = &mut self.kind
        {
            for c in choices {
                c.selected = selected.contains(&c.value.as_str());
            }
        }
        self
    }

    /// Whether the field is of the kind named (for templates).
    pub fn is(&self, kind: &str) -> bool {
        matches!(
            (&self.kind, kind),
            (FieldKind::Text, "text")
                | (FieldKind::Number { .. }, "number")
                | (FieldKind::Date, "date")
                | (FieldKind::Password, "password")
                | (FieldKind::TextArea, "textarea")
                | (FieldKind::Radios(_), "radios")
                | (FieldKind::Checkboxes(_), "checkboxes")
                | (FieldKind::Select(_), "select")
                | (FieldKind::File, "file")
                | (FieldKind::Hidden, "hidden")
        )
    }

    /// The options of a choice field.
    pub fn choices(&self) -> &[Choice] {
        match &self.kind {
            FieldKind::Radios(c) | FieldKind::Checkboxes(c) | FieldKind::Select(c) => c,
            _ => &[],
        }
    }

    /// The unit suffix of a number field.
    pub fn suffix(&self) -> &str {
        match &self.kind {
            FieldKind::Number { suffix: Some(s) } => s,
            _ => "",
        }
    }
}

/// A whole form page.
#[derive(Debug, Clone, Template)]
#[template(path = "form.html")]
pub struct FormPage {
    /// Header, navigation, CSRF token, request id.
    pub chrome: Chrome,
    /// Page title and heading.
    pub title: String,
    /// Caption above the heading (e.g. the patient's name and NHS number), or empty.
    pub caption: String,
    /// Paragraphs before the form.
    pub intro: Vec<String>,
    /// Where the form posts.
    pub action: String,
    /// Whether the form uploads a file (multipart).
    pub multipart: bool,
    /// The fields in order.
    pub fields: Vec<Field>,
    /// Submit button text.
    pub submit: String,
    /// Back link (href, text), if any.
    pub back: Option<(String, String)>,
}

impl FormPage {
    /// Whether any field has an error (the page then shows the error summary and its
    /// title starts with "Error: ", as the design system asks).
    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|f| !f.error.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> FormPage {
        FormPage {
            chrome: Chrome {
                csrf: "tok123".into(),
                request_id: "req-1".into(),
                ..Chrome::default()
            },
            title: "Record an HbA1c result".into(),
            caption: "Test Patient, 999 000 0018".into(),
            intro: vec!["Results from the last 12 months are used.".into()],
            action: "/patients/p1/hba1c".into(),
            multipart: false,
            fields: vec![
                Field::new(
                    "value",
                    "HbA1c",
                    FieldKind::Number {
                        suffix: Some("mmol/mol".into()),
                    },
                )
                .value("abc"),
                Field::new("date", "Date of the test", FieldKind::Date)
                    .hint("For example, 2026-11-02"),
                Field::new(
                    "source",
                    "Where the result comes from",
                    FieldKind::Radios(vec![
                        Choice::new("lab", "Laboratory"),
                        Choice::new("poc", "Point of care"),
                    ]),
                )
                .value("poc"),
            ],
            submit: "Save result".into(),
            back: Some(("/patients/p1".into(), "Back to patient".into())),
        }
    }

    #[test]
    fn errors_show_a_summary_linking_to_each_field_and_keep_the_input() {
        let mut p = page();
        p.fields[0].error = "Enter HbA1c as a whole number of mmol/mol, like 58".into();
        let html = p.render().unwrap();
        assert!(html.contains("<title>Error: Record an HbA1c result"));
        assert!(html.contains("nhsuk-error-summary"));
        assert!(html.contains(
            r##"<a href="#value">Enter HbA1c as a whole number of mmol/mol, like 58</a>"##
        ));
        assert!(html.contains("nhsuk-form-group nhsuk-form-group--error"));
        assert!(html.contains(r#"value="abc""#));
        assert!(html.contains(r#"name="csrf" value="tok123""#));
        assert!(html.contains(r#"value="poc" checked"#));
        assert!(!html.contains(r#"value="lab" checked"#));
    }

    #[test]
    fn a_clean_form_has_no_error_summary_and_escapes_values() {
        let mut p = page();
        p.fields[0] = p.fields[0].clone().value("<script>");
        let html = p.render().unwrap();
        assert!(!html.contains("nhsuk-error-summary"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"));
    }
}
