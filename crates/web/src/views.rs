//! Page view models: what each page shows, already formatted, filled by the handlers
//! from the domain and rendered by askama templates under `templates/`.

pub mod content;
pub mod form;
pub mod present;
