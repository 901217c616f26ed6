//! Fetches the NHS.UK design system (`nhsuk-frontend`, pinned in frontend/package-lock.json)
//! with npm and embeds its compiled CSS, JS and icons; falls back to the project's own
//! plain stylesheet when npm or the registry is unavailable, so the build never fails
//! for want of front-end assets (docs/web.md, "Front-end assets").

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap_or_default());
    let frontend = manifest.join("frontend");
    let dist = frontend.join("node_modules/nhsuk-frontend/dist/nhsuk");
    println!("cargo:rerun-if-changed=frontend/package-lock.json");
    println!("cargo:rerun-if-changed=frontend/package.json");
    println!("cargo:rerun-if-changed=assets");
    println!("cargo:rerun-if-env-changed=DIAPATH_NO_NPM");

    if !dist.join("nhsuk-frontend.min.css").exists() && env::var_os("DIAPATH_NO_NPM").is_none() {
        fetch(&frontend);
    }

    let generated = out.join("assets.rs");
    let css = dist.join("nhsuk-frontend.min.css");
    let js = dist.join("nhsuk-frontend.min.js");
    let favicon = dist.join("assets/images/favicon.ico");
    let code = if css.exists() && js.exists() && favicon.exists() {
        format!(
            "/// Whether the NHS.UK design system was available at build time.\n\
             pub const NHSUK_FRONTEND: bool = true;\n\
             /// The design system's compiled stylesheet.\n\
             pub const FRONTEND_CSS: &[u8] = include_bytes!({css:?});\n\
             /// The design system's progressive-enhancement script.\n\
             pub const FRONTEND_JS: &[u8] = include_bytes!({js:?});\n\
             /// The NHS favicon.\n\
             pub const FAVICON: &[u8] = include_bytes!({favicon:?});\n",
            css = path_str(&css),
            js = path_str(&js),
            favicon = path_str(&favicon),
        )
    } else {
        println!(
            "cargo:warning=nhsuk-frontend not available (npm missing or offline): using the plain fallback stylesheet"
        );
        let fallback = manifest.join("assets/fallback.css");
        format!(
            "/// Whether the NHS.UK design system was available at build time.\n\
             pub const NHSUK_FRONTEND: bool = false;\n\
             /// The plain fallback stylesheet.\n\
             pub const FRONTEND_CSS: &[u8] = include_bytes!({css:?});\n\
             /// No script in the fallback: every page works without JavaScript.\n\
             pub const FRONTEND_JS: &[u8] = b\"\";\n\
             /// No favicon in the fallback.\n\
             pub const FAVICON: &[u8] = b\"\";\n",
            css = path_str(&fallback),
        )
    };
    if let Err(error) = fs::write(&generated, code) {
        println!(
            "cargo:warning=cannot write {}: {error}",
            generated.display()
        );
    }
}

fn fetch(frontend: &Path) {
    let lock = frontend.join("package-lock.json");
    let verb = if lock.exists() { "ci" } else { "install" };
    let status = Command::new("npm")
        .args([verb, "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(frontend)
        .status();
    match status {
        Ok(status) if status.success() => {}
        Ok(status) => println!("cargo:warning=npm {verb} for nhsuk-frontend failed ({status})"),
        Err(error) => println!("cargo:warning=npm not runnable ({error})"),
    }
}

fn path_str(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}
